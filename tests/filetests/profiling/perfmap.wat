;; Concept: --profile=perfmap writes /tmp/perf-PID.map with one `START SIZE name` line (hex) per
;; function and trampoline: name-section names, func[N] for unnamed functions (N counts imports).
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: sh %S/Inputs/perf_map_of.sh %egret run --profile=perfmap %t.wasm --invoke outer 3 | FileCheck %s
;; RUN: sh %S/Inputs/perf_map_of.sh %egret run --profile=perfmap,gdb %t.wasm --invoke outer 3 | FileCheck %s
;; RUN: not %egret run --profile=perfmap,bogus %t.wasm --invoke outer 3 2>&1 | FileCheck %s --check-prefix=BAD
;; RUN: not %egret wast --profile=flamegraph %t.wasm 2>&1 | FileCheck %s --check-prefix=BADWAST
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func $inner (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func (param i32) (result i32) local.get 0 call $inner)
  (func $outer (export "outer") (param i32) (result i32) local.get 0 call 2))
;; CHECK-DAG: {{^[0-9a-f]+ [0-9a-f]+ inner$}}
;; CHECK-DAG: {{^[0-9a-f]+ [0-9a-f]+ func\[2\]$}}
;; CHECK-DAG: {{^[0-9a-f]+ [0-9a-f]+ outer$}}
;; CHECK-DAG: {{^[0-9a-f]+ [0-9a-f]+ array_call\[outer\]$}}
;; CHECK-DAG: {{^[0-9a-f]+ [0-9a-f]+ wasm_to_array\[type 0\]$}}
;; BAD: egret run: error: --profile: unknown profiling mode 'bogus' (expected none, perfmap, jitdump, gdb
;; BADWAST: egret wast: error: --profile: unknown profiling mode 'flamegraph'
