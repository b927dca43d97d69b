;; Concept: multi-memory and memory64 are off by default (Wasm 2.0 behaviour, which the core
;; testsuite checks): a second memory is then invalid ("multiple memories") and an i64 memory's
;; limits flag (0x04) malformed, each naming the flag that allows it; with +multi-memory or
;; +memory64 (or all) the same modules validate.
;; RUN: not %egret validate --kind %s 2>&1 | FileCheck --check-prefix=OFF %s
;; RUN: %egret validate --wasm-features=+multi-memory %s
;; RUN: %egret validate --wasm-features=all %s
;; RUN: echo '(module (memory i64 1))' > %t64.wat
;; RUN: not %egret validate --kind %t64.wat 2>&1 | FileCheck --check-prefix=OFF64 %s
;; RUN: %egret validate --wasm-features=+memory64 %t64.wat
(module
  (memory $a 1)
  (memory $b 1)
  (func (result i32) (i32.const 0) (i32.load $b)))
;; OFF: invalid: {{.*}}wasm-features-gate.wat:0x0: error: multiple memories (they need --wasm-features=+multi-memory)
;; OFF64: malformed: {{.*}}64.wat:0x{{[0-9a-f]+}}: error: integer too large (malformed limits flags: 0x04, an i64 memory, needs --wasm-features=+memory64)
