;; Concept: iv_reduce's rewrite runs natively with the same results as without the pipeline, wrap-around included: Wasm's `base + j` and `bias + (j + step)` with j starting at -3 (a negative constant initial value, folded into the new variables' iadd_imm in its sign-extended canonical form) become two induction variables on x86-64 (aarch64: iv-reduce-native-aarch64.test).
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret compile --emit=opt-ir --no-srclocs %t.wasm | FileCheck %s --check-prefix=IR
;; RUN: %egret run --opt-level=speed %t.wasm --invoke offsets 1 0 1 5 | FileCheck %s --check-prefix=R1
;; RUN: %egret run --opt-level=none %t.wasm --invoke offsets 1 0 1 5 | FileCheck %s --check-prefix=R1
;; RUN: %egret run --opt-level=speed %t.wasm --invoke offsets 7 2 1 1 | FileCheck %s --check-prefix=R2
;; RUN: %egret run --opt-level=speed %t.wasm --invoke offsets 2147483647 2147483632 16 2147483677 | FileCheck %s --check-prefix=R3
;; RUN: %egret run --opt-level=none %t.wasm --invoke offsets 2147483647 2147483632 16 2147483677 | FileCheck %s --check-prefix=R3
;; RUN: %egret run --opt-level=speed %t.wasm --invoke offsets 100 30 -3 0 | FileCheck %s --check-prefix=R4
(module
  (func (export "offsets") (param $base i32) (param $bias i32) (param $step i32) (param $end i32)
        (result i32)
    (local $j i32) (local $acc i32)
    i32.const -3
    local.set $j
    loop $l
      local.get $acc
      i32.const 31
      i32.mul
      local.get $base
      local.get $j
      i32.add
      i32.xor
      local.set $acc
      local.get $j
      local.get $step
      i32.add
      local.set $j
      local.get $bias
      local.get $j
      i32.add
      local.get $end
      i32.ne
      br_if $l
    end
    local.get $acc))

;; j is gone: the loop carries acc and the two offsets, which start at base - 3 and bias - 3.
;; IR:      iadd_imm v{{[0-9]+}}, -3
;; IR:      iadd_imm v{{[0-9]+}}, -3
;; IR:      jump [[LOOP:block[0-9]+]](v{{[0-9]+}}, v{{[0-9]+}}, v{{[0-9]+}})
;; IR:      [[LOOP]](v{{[0-9]+}}: i32, v{{[0-9]+}}: i32, v{{[0-9]+}}: i32):
;; IR-NOT:  isub
;; IR:      brif
;; R1: -1697715336
;; R2: 121
;; R3: 2147479908
;; R4: -437365495
