;; Concept: `egret compile --stats` ends with an aligned table of CPU time per stage (summed over
;; functions and worker threads): decode/validate, translate, verify, each IR pass by name in
;; pipeline order, lower, regalloc, emit, link, total, and the process's peak memory; the
;; columns line up (names padded to 18, times right-aligned in 11, shares in 6). At
;; --opt-level=none the table has no pass rows. Timings vary; only names and shape are checked.
;; RUN: %egret compile --stats %s -o %t.egret 2>&1 | FileCheck %s --strict-whitespace --check-prefix=SPEED
;; RUN: %egret compile --stats --opt-level=none --jobs=1 %s -o %t.egret 2>&1 | FileCheck %s --strict-whitespace --check-prefix=NONE
;; RUN: %egret run --stats --invoke sum %s 10 2>&1 | FileCheck %s --check-prefix=EXEC
(module
  (func $sum (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.div_u (local.get $n) (i32.const 3))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $s)))
;; SPEED:      time per stage (summed over functions and worker threads):
;; SPEED-NEXT: stage                  time ms   share
;; SPEED-NEXT: decode/validate    {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: translate          {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: verify             {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: opt simplify       {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: opt cfg_simplify   {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: opt gvn            {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: opt licm           {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: opt load_elim      {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: opt iv_reduce      {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: opt dce            {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: lower              {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: regalloc           {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: emit               {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: link               {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; SPEED-NEXT: total              {{[ 0-9]{7}\.[0-9][0-9][0-9]}}  100.0%
;; SPEED-NEXT: peak memory: {{[0-9]+\.[0-9]}} MB (ru_maxrss)
;; NONE:      stage                  time ms   share
;; NONE-NEXT: decode/validate    {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; NONE-NEXT: translate          {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; NONE-NEXT: verify             {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; NONE-NEXT: lower              {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; NONE-NEXT: regalloc           {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; NONE-NEXT: emit               {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; NONE-NEXT: link               {{[ 0-9]{7}\.[0-9][0-9][0-9] [ 0-9]{4}\.[0-9]%$}}
;; NONE-NEXT: total              {{[ 0-9]{7}\.[0-9][0-9][0-9]}}  100.0%
;; NONE-NEXT: peak memory:
;; EXEC:      i32:15
;; EXEC:      stage                  time ms   share
;; EXEC:      opt gvn
;; EXEC:      load {{.*}} ms (compile + map)
