# ratios.gp: clustered bars of "kernel time / native clang -O2" per program and engine, from the
# TSV that `bench/compare.sh --tsv FILE` writes (header: program, then one column per engine).
#   gnuplot -e "in='ratios.tsv'; out='docs/performance-ratios.svg'" bench/plot/ratios.gp
# Log scale on y, so 2x slower and 2x faster look the same size; the line at 1 is native clang.
if (!exists("in")) in = 'ratios.tsv'
if (!exists("out")) out = 'ratios.svg'
set terminal svg size 1100,480 dynamic font "sans,11" background rgb "white"
set output out
set datafile separator "\t"
set datafile missing "nan"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 2
set yrange [0.5:*]
set ytics (0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8)
set grid ytics lc rgb "#dddddd"
set ylabel "kernel time / native clang -O2 (log scale, lower is better)"
set key top left horizontal font ",10"
set xtics nomirror rotate by -30
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" dt 2
ncols = system("head -1 '" . in . "' | awk -F'\t' '{print NF}'") + 0
plot for [c = 3:ncols] in using c:xtic(1) title columnheader(c)
