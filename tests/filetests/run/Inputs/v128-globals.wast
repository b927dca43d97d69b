(module $A
  (global (export "g") v128 (v128.const i32x4 1 2 3 -4))
  (global (export "m") (mut v128) (v128.const f32x4 1.5 -0 inf nan))
  (global (export "b") v128 (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1)))
(register "A" $A)
(assert_return (get "g") (v128.const i32x4 1 2 3 -4))
(assert_return (get "g") (v128.const i64x2 0x0000000200000001 0xfffffffc00000003))
(assert_return (get "m") (v128.const f32x4 1.5 -0 inf nan:canonical))
(assert_return (get "m") (v128.const f32x4 1.5 -0 inf nan:arithmetic))
(assert_return (get "b") (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 255))
(module
  (global $i (import "A" "g") v128)
  (global (export "copy") v128 (global.get $i)))
(assert_return (get "copy") (v128.const i16x8 1 0 2 0 3 0 -4 -1))
(assert_unlinkable
  (module (global (import "A" "g") (mut v128)))
  "incompatible import type")
(assert_unlinkable
  (module (global (import "A" "g") i32))
  "incompatible import type")
