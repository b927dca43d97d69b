;; Found by differential_fuzz (input: licm-hoists-checked-load.input, drawn configuration
;; opt=speed regalloc=fast heap=bounds-check); reduced by hand.
;; Concept: under --heap=bounds-check a heap load is `heap notrap` because an explicit
;; `trapnz (end >u bound), heap_oob` dominates it. LICM (opt/licm.cc, rule "reads memory that no
;; instruction of the loop may write") hoists the loop-invariant notrap load to the preheader,
;; above both its bounds check and the loop's exit test, so it runs before the check can trap:
;; the access at base + 1999579470 faults outside any trap record and the process dies with
;; SIGSEGV instead of the Wasm trap `out of bounds memory access`.
;; Expected (opt=none, or guard pages, and the IR interpreter): f0(0) traps heap_oob.
;; Reproduce: the compiled side of tests/fuzz/differential (NativeConfig{opt_level="speed",
;; heap=kBoundsCheck}), or `build-fuzz-diff/bin/differential_fuzz findings/licm-hoists-checked-load.input`.
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
