;; call_indirect through tables whose maximum equals their minimum (length a constant, base
;; loaded once): defined, exported, imported by another module, set from the host side module,
;; grown (which fails), in a loop.
(module $m
  (type $t (func (param i32) (result i32)))
  (table $tab (export "tab") 3 3 funcref)
  (elem (i32.const 0) $inc $dbl)
  (func $inc (type $t) local.get 0 i32.const 1 i32.add)
  (func $dbl (type $t) local.get 0 i32.const 2 i32.mul)
  (func $neg (export "neg") (type $t) i32.const 0 local.get 0 i32.sub)
  (func (export "call") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect $tab (type $t))
  (func (export "grow") (result i32) ref.null func i32.const 1 table.grow $tab)
  (func (export "set2") (table.set $tab (i32.const 2) (ref.func $neg)))
  ;; sum of table[i % n](i) for i in [0, k): the base can be hoisted out of the loop
  (func (export "loop") (param $n i32) (param $k i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (local.set $s (i32.add (local.get $s)
          (call_indirect $tab (type $t) (local.get $i) (i32.rem_u (local.get $i) (local.get $n)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    local.get $s))
(register "m" $m)
(assert_return (invoke "call" (i32.const 0) (i32.const 10)) (i32.const 11))
(assert_return (invoke "call" (i32.const 1) (i32.const 10)) (i32.const 20))
(assert_trap (invoke "call" (i32.const 2) (i32.const 10)) "uninitialized element")
(assert_trap (invoke "call" (i32.const 3) (i32.const 10)) "undefined element")
(assert_trap (invoke "call" (i32.const -1) (i32.const 10)) "undefined element")
(assert_return (invoke "grow") (i32.const -1))
(assert_trap (invoke "call" (i32.const 3) (i32.const 10)) "undefined element")
(assert_trap (invoke "loop" (i32.const 3) (i32.const 10)) "uninitialized element")
(assert_return (invoke "loop" (i32.const 2) (i32.const 10)) (i32.const 75))
(module $user
  (type $t (func (param i32) (result i32)))
  (import "m" "tab" (table $tab 3 3 funcref))
  (func (export "call") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect $tab (type $t)))
(assert_return (invoke "call" (i32.const 1) (i32.const 7)) (i32.const 14))
(assert_trap (invoke "call" (i32.const 2) (i32.const 7)) "uninitialized element")
(assert_trap (invoke "call" (i32.const 3) (i32.const 7)) "undefined element")
(invoke $m "set2")
(assert_return (invoke $user "call" (i32.const 2) (i32.const 7)) (i32.const -7))
(assert_return (invoke $m "loop" (i32.const 3) (i32.const 9)) (i32.const 21))
;; an import declared with a larger maximum than the table's is not fixed-size for the importer
(module $loose
  (type $t (func (param i32) (result i32)))
  (import "m" "tab" (table $tab 2 5 funcref))
  (func (export "call") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect $tab (type $t)))
(assert_return (invoke "call" (i32.const 2) (i32.const 7)) (i32.const -7))
(assert_trap (invoke "call" (i32.const 3) (i32.const 7)) "undefined element")
