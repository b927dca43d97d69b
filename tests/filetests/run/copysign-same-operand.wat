;; Concept: copysign(x, x) is x: the sign operand being the magnitude itself must not lose its sign.
;; Regression: found by ir_fuzz (tests/fuzz/ir) and confirmed against V8. x64 emission of
;; fcopysign (backends/x64/emit.cc, MOp::kFsign) cleared the destination's sign bit before it
;; read the sign operand; with both operands one value they share a register, so every
;; allocator and opt level returned |x|.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke same64 -1.5 | FileCheck %s --check-prefix=F64
;; RUN: %egret run %t.wasm --invoke same32 -2.5 | FileCheck %s --check-prefix=F32
;; RUN: %egret run %t.wasm --opt-level=speed --regalloc=linear --invoke same64 -0 | FileCheck %s --check-prefix=ZERO
(module
  (func (export "same64") (param f64) (result f64) (f64.copysign (local.get 0) (local.get 0)))
  (func (export "same32") (param f32) (result f32) (f32.copysign (local.get 0) (local.get 0))))
;; F64: f64:-1.5
;; F32: f32:-2.5
;; ZERO: f64:-0
