;; Concept: IR function names come from the name section; functions without one are func<N>.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir %t.wasm | FileCheck %s
;; RUN: %wat2wasm %s -o %t-nonames.wasm && %egret compile --emit=ir %t-nonames.wasm | FileCheck --check-prefix=NONAMES %s
(module
  (import "env" "h" (func $host (param i32)))
  (func $caller i32.const 1 call $host call $callee)
  (func $callee))
;; CHECK-LABEL: function %caller(i64) {
;; CHECK:       call_indirect
;; CHECK:       call %callee(
;; CHECK-LABEL: function %callee(i64) {
;; NONAMES: function %func1(i64) {
;; NONAMES: call %func2(
;; NONAMES: function %func2(i64) {
