;; Concept: under --heap=bounds-check a loop-invariant heap load marked notrap stays behind its
;; bounds check: LICM must not hoist it out of a conditional path of the loop, so an
;; out-of-bounds offset still traps instead of faulting outside any trap record (SIGSEGV).
;; Found by tests/fuzz/differential (findings/licm-hoists-checked-load.wat).
;; RUN: %egret compile %s --opt-level=speed --heap=bounds-check -o %t.speed.egret
;; RUN: not %egret run %t.speed.egret --invoke f0 0 2>&1 | FileCheck %s
;; RUN: %egret compile %s --opt-level=none --heap=bounds-check -o %t.none.egret
;; RUN: not %egret run %t.none.egret --invoke f0 0 2>&1 | FileCheck %s
(module
  (memory 1)
  (func (export "f0") (param f64) (result i32)
    (local i32 i32)
    i32.const 4
    local.set 1
    block
      loop
        local.get 1
        i32.eqz
        br_if 1
        local.get 1
        i32.const 1
        i32.sub
        local.set 1
        i32.const 95
        i32.load8_u offset=1999579375
        local.set 2
        br 0
      end
    end
    local.get 2))
;; CHECK: egret run: error: wasm trap: out of bounds memory access
