;; Concept: locals become SSA values; a loop's changing locals become the header's block params.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (func $sum (param $n i32) (result i32) (local $s i32)
    block $done
      loop $top
        local.get $n i32.eqz br_if $done
        local.get $s local.get $n i32.add local.set $s
        local.get $n i32.const 1 i32.sub local.set $n
        br $top
      end
    end
    local.get $s))
;; CHECK-LABEL: function %sum(i64, i32) -> i32 {
;; CHECK:       [[ZERO:v[0-9]+]] = iconst.i32 0
;; CHECK-NEXT:  jump [[HEAD:block[0-9]+]]({{v[0-9]+}}, [[ZERO]])
;; CHECK:       [[HEAD]]([[N:v[0-9]+]]: i32, [[S:v[0-9]+]]: i32):
;; CHECK-NEXT:  [[Z:v[0-9]+]] = icmp_imm eq [[N]], 0
;; CHECK-NEXT:  brif [[Z]], [[EXIT:block[0-9]+]], [[BODY:block[0-9]+]]
;; CHECK:       [[BODY]]:
;; CHECK-NEXT:  [[S2:v[0-9]+]] = iadd [[S]], [[N]]
;; CHECK:       [[N2:v[0-9]+]] = isub [[N]],
;; CHECK-NEXT:  jump [[HEAD]]([[N2]], [[S2]])
;; CHECK:       [[EXIT]]:
;; CHECK-NEXT:  return [[S]]
