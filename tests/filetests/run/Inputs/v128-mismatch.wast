(module (global (export "g") v128 (v128.const i32x4 1 2 3 4)))
(assert_return (get "g") (v128.const i32x4 1 2 3 5))
(assert_return (get "g") (v128.const f32x4 nan:canonical 0 0 0))
(assert_return (get "g") (v128.const i16x8 1 0 2 0 3 0 4 1))
