;; Concept: bad invocations are errors naming the problem (exit 1), not crashes: a missing export, the wrong number of arguments, an unparsable argument, a file that is not a module (binary, or text that does not parse: line:column).
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke nope 2>&1 | FileCheck %s --check-prefix=MISSING
;; RUN: not %egret run %t.wasm --invoke f 1 2>&1 | FileCheck %s --check-prefix=ARITY
;; RUN: not %egret run %t.wasm --invoke f 1 x 2>&1 | FileCheck %s --check-prefix=VALUE
;; RUN: not %egret run %t.wasm --invoke f 1 4294967296 2>&1 | FileCheck %s --check-prefix=RANGE
;; RUN: %egret run %s --invoke f 3 4 | FileCheck %s --check-prefix=TEXT
;; RUN: printf '\0junk' > %t.bin
;; RUN: not %egret run %t.bin --invoke f 2>&1 | FileCheck %s --check-prefix=NOTWASM
;; RUN: printf '(module\n  (func (i32.const)))' > %t.bad.wat
;; RUN: not %egret run %t.bad.wat --invoke f 2>&1 | FileCheck %s --check-prefix=BADTEXT
;; RUN: not %egret run %t.wasm 2>&1 | FileCheck %s --check-prefix=NOSTART
(module
  (func (export "f") (param i32 i32) (result i32) local.get 0))
;; MISSING: egret run: error: {{.*}} exports no function named 'nope'
;; ARITY: egret run: error: 'f' takes 2 arguments (i32 i32) -> (i32), got 1
;; VALUE: egret run: error: argument 'x' is not a valid i32
;; RANGE: egret run: error: argument '4294967296' is not a valid i32
;; NOTWASM: egret run: {{.*}}.bin:0x0: error: not a WebAssembly module
;; BADTEXT: egret run: {{.*}}.bad.wat:2:19: error: unexpected token ')'
;; TEXT: i32:3
;; NOSTART: egret run: {{.*}}error: the module exports no function '_start' (not a command)
