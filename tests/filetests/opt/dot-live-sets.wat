;; Concept: --emit=dot annotates each VCode block with its allocated registers and its live-in/live-out vregs, and dot renders it.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret compile --opt-level=speed --emit=dot --target-features=+all %t.wasm | %FileCheck %s
;; RUN: %egret compile --opt-level=speed --emit=dot --target-features=+all %t.wasm | %dot -Tsvg -o %t.svg
;; RUN: FileCheck %s --check-prefix=SVG < %t.svg
(module
  (func $f (param i32 i32) (result i32)
    (local.get 1)
    (if (result i32) (local.get 0)
      (then (i32.const 3))
      (else (i32.const 4)))
    (i32.add)))

;; CHECK: digraph "f" {
;; CHECK: b0 [label="{block0:|{{.*}}%rdi
;; CHECK-SAME: |live-in:\l|live-out: [[V:v[0-9]+]]
;; CHECK: live-in: {{.*}}[[V]]
;; CHECK: b0 -> b1;
;; SVG: <svg
;; SVG: live&#45;out
