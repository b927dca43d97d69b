;; Concept: multi-memory and memory64 are off unless --wasm-features names them: a second memory
;; is then invalid ("multiple memories") and an i64 memory's limits flag (0x04) malformed, each
;; with its byte offset; with the feature the same module validates. An unknown feature name is
;; a usage error listing the known ones.
;; RUN: not %egret validate --kind %s 2>&1 | FileCheck --check-prefix=OFF %s
;; RUN: %egret validate --wasm-features=multi-memory %s
;; RUN: %egret validate --wasm-features=all %s
;; RUN: not %egret validate --wasm-features=multi-memory,simd2 %s 2>&1 | FileCheck --check-prefix=BAD %s
;; RUN: echo '(module (memory i64 1))' > %t64.wat
;; RUN: not %egret validate --kind %t64.wat 2>&1 | FileCheck --check-prefix=OFF64 %s
;; RUN: %egret validate --wasm-features=memory64 %t64.wat
(module
  (memory $a 1)
  (memory $b 1)
  (func (result i32) (i32.const 0) (i32.load $b)))
;; OFF: invalid: {{.*}}wasm-features-gate.wat:0x0: error: multiple memories
;; BAD: egret validate: error: --wasm-features: unknown wasm feature 'simd2' (known: multi-memory, memory64, all)
;; OFF64: malformed: {{.*}}64.wat:0x{{[0-9a-f]+}}: error: integer too large (malformed limits flags)
