#!/bin/sh
# perf_map_of.sh COMMAND...: runs COMMAND, prints the perf map it wrote (/tmp/perf-PID.map) to
# stdout, removes the map, and exits with COMMAND's status (1 if there was no map).
"$@" > /dev/null &
pid=$!
wait "$pid"
status=$?
map="/tmp/perf-$pid.map"
[ -f "$map" ] || { echo "no $map" >&2; exit 1; }
cat "$map"
rm -f "$map"
exit "$status"
