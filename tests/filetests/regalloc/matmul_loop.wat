;; RUN: %egret compile --target=x86_64 --opt-level=speed --regalloc=backtrack --emit=asm %s | %FileCheck %s
;; Concept: in a matmul-shaped i-k-j loop nest with more values live than registers, the
;; backtracking allocator spills only values the inner loop does not use, outside it: the inner
;; loop body has no stack access, and its counter stays in one register.
(module
  (memory 1)
  ;; mm(n, a, b, c): c[i*n+j] += a[i*n+k] * b[k*n+j], i-k-j order, f64, like bench matmul.
  (func $mm (export "mm") (param $n i32) (param $a i32) (param $b i32) (param $c i32)
    (local $i i32) (local $k i32) (local $j i32) (local $aik f64) (local $ci i32) (local $bk i32)
    (local.set $i (i32.const 0))
    (block $ei (loop $li
      (br_if $ei (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $ci (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
      (local.set $k (i32.const 0))
      (block $ek (loop $lk
        (br_if $ek (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $aik (f64.load (i32.add (local.get $a)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))))
        (local.set $bk (i32.add (local.get $b) (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $ej (loop $lj
          (br_if $ej (i32.ge_s (local.get $j) (local.get $n)))
          (f64.store (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 3)))
            (f64.add (f64.load (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 3))))
                     (f64.mul (local.get $aik)
                              (f64.load (i32.add (local.get $bk) (i32.shl (local.get $j) (i32.const 3)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $lj)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lk)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $li)))))
;; The lowering lays each loop out contiguously (docs/backend.md, "Block layout") and the
;; emitter rotates each while-shaped loop (docs/backend.md, "Emission order"): the loop is
;; entered by a jump to its test, the body comes first and the test's `jl` is the back edge. The
;; first jump enters the outer loop, the second the middle loop, and the innermost body follows
;; it. From the inner body to its back edge: no %rsp.
;; CHECK-LABEL: function %mm:
;; CHECK:       jmp 0x
;; CHECK:       jmp 0x
;; CHECK-NEXT:  {{^ *}}[[BODY:[0-9a-f]+]]: {{.*}}
;; CHECK-NOT:   rsp
;; CHECK:       mulsd
;; CHECK-NOT:   rsp
;; CHECK:       addl $1, [[J:%[a-z0-9]+]]
;; CHECK-NEXT:  cmpl %esi, [[J]]
;; CHECK-NEXT:  jl 0x[[BODY]]
