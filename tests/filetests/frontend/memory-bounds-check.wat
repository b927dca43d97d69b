;; Concept: with --heap=bounds-check every access compares its end against heap_bound and traps
;; heap_oob explicitly; the access itself is then notrap.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --heap=bounds-check --no-srclocs %t.wasm | FileCheck %s
(module
  (memory 1)
  (func $st (param i32 i32)
    local.get 0 local.get 1 i32.store16 offset=4))
;; CHECK-LABEL: function %st(i64, i32, i32) {
;; CHECK:       [[I:v[0-9]+]] = uextend.i64
;; CHECK-NEXT:  [[BOUND:v[0-9]+]] = load.i64 vmctx notrap aligned {{v[0-9]+}}+{{[0-9]+}}
;; CHECK-NEXT:  [[END:v[0-9]+]] = iadd_imm [[I]], 6
;; CHECK-NEXT:  [[OOB:v[0-9]+]] = icmp ugt [[END]], [[BOUND]]
;; CHECK-NEXT:  trapnz [[OOB]], heap_oob
;; CHECK:       istore16 heap notrap {{v[0-9]+}}, {{v[0-9]+}}+4
