;; Concept: under --debug-branch-range-shrink=N calls between functions reach N times less, but
;; never less than the largest function needs (its bytes, a 5-byte veneer per call, 512): here
;; the fill functions are the largest (about 157 bytes: frameless leaves, no stack check),
;; so calls reach about 157 + 2 * 5 + 512 = 679 bytes,
;; and the call from $main to $far, about 700 bytes ahead, goes through a `jmp rel32` veneer that
;; the text-section builder places between functions; so do the backward calls from $far to
;; $near and from array trampolines at the end of the text to the functions at its start. The
;; calls still return the same results (also from the written artifact); without the flag there
;; is no veneer.
;; RUN: %egret compile --stats --debug-branch-range-shrink=4194304 %s -o %t.egret 2>&1 | FileCheck %s --check-prefix=STATS
;; RUN: %egret compile --stats %s -o %t.egret 2>&1 | FileCheck %s --check-prefix=NONE
;; RUN: %egret run --debug-branch-range-shrink=4194304 --invoke main %s 5 | FileCheck %s --check-prefix=MAIN
;; RUN: %egret run --debug-branch-range-shrink=4194304 --invoke fill3 %s 2 | FileCheck %s --check-prefix=FILL
;; RUN: %egret compile --debug-branch-range-shrink=4194304 %s -o %t.egret
;; RUN: %egret run --invoke main %t.egret 5 | FileCheck %s --check-prefix=MAIN
(module
  (func $near (export "near") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $main (export "main") (param i32) (result i32) (call $far (call $near (local.get 0))))
  (func $fill0 (export "fill0") (param i32) (result i32)
    local.get 0 i32.const 3 i32.mul i32.const 0 i32.add i32.const 4 i32.mul i32.const 7 i32.add i32.const 5 i32.mul i32.const 14 i32.add i32.const 6 i32.mul i32.const 21 i32.add i32.const 7 i32.mul i32.const 28 i32.add i32.const 8 i32.mul i32.const 35 i32.add i32.const 9 i32.mul i32.const 42 i32.add i32.const 10 i32.mul i32.const 49 i32.add i32.const 11 i32.mul i32.const 56 i32.add i32.const 12 i32.mul i32.const 63 i32.add i32.const 13 i32.mul i32.const 70 i32.add i32.const 14 i32.mul i32.const 77 i32.add i32.const 15 i32.mul i32.const 84 i32.add i32.const 16 i32.mul i32.const 91 i32.add i32.const 17 i32.mul i32.const 98 i32.add i32.const 18 i32.mul i32.const 105 i32.add i32.const 19 i32.mul i32.const 112 i32.add i32.const 20 i32.mul i32.const 119 i32.add i32.const 21 i32.mul i32.const 126 i32.add i32.const 22 i32.mul i32.const 133 i32.add i32.const 23 i32.mul i32.const 140 i32.add i32.const 24 i32.mul i32.const 147 i32.add i32.const 25 i32.mul i32.const 154 i32.add i32.const 26 i32.mul i32.const 161 i32.add)
  (func $fill1 (export "fill1") (param i32) (result i32)
    local.get 0 i32.const 4 i32.mul i32.const 1 i32.add i32.const 5 i32.mul i32.const 8 i32.add i32.const 6 i32.mul i32.const 15 i32.add i32.const 7 i32.mul i32.const 22 i32.add i32.const 8 i32.mul i32.const 29 i32.add i32.const 9 i32.mul i32.const 36 i32.add i32.const 10 i32.mul i32.const 43 i32.add i32.const 11 i32.mul i32.const 50 i32.add i32.const 12 i32.mul i32.const 57 i32.add i32.const 13 i32.mul i32.const 64 i32.add i32.const 14 i32.mul i32.const 71 i32.add i32.const 15 i32.mul i32.const 78 i32.add i32.const 16 i32.mul i32.const 85 i32.add i32.const 17 i32.mul i32.const 92 i32.add i32.const 18 i32.mul i32.const 99 i32.add i32.const 19 i32.mul i32.const 106 i32.add i32.const 20 i32.mul i32.const 113 i32.add i32.const 21 i32.mul i32.const 120 i32.add i32.const 22 i32.mul i32.const 127 i32.add i32.const 23 i32.mul i32.const 134 i32.add i32.const 24 i32.mul i32.const 141 i32.add i32.const 25 i32.mul i32.const 148 i32.add i32.const 26 i32.mul i32.const 155 i32.add i32.const 27 i32.mul i32.const 162 i32.add)
  (func $fill2 (export "fill2") (param i32) (result i32)
    local.get 0 i32.const 5 i32.mul i32.const 2 i32.add i32.const 6 i32.mul i32.const 9 i32.add i32.const 7 i32.mul i32.const 16 i32.add i32.const 8 i32.mul i32.const 23 i32.add i32.const 9 i32.mul i32.const 30 i32.add i32.const 10 i32.mul i32.const 37 i32.add i32.const 11 i32.mul i32.const 44 i32.add i32.const 12 i32.mul i32.const 51 i32.add i32.const 13 i32.mul i32.const 58 i32.add i32.const 14 i32.mul i32.const 65 i32.add i32.const 15 i32.mul i32.const 72 i32.add i32.const 16 i32.mul i32.const 79 i32.add i32.const 17 i32.mul i32.const 86 i32.add i32.const 18 i32.mul i32.const 93 i32.add i32.const 19 i32.mul i32.const 100 i32.add i32.const 20 i32.mul i32.const 107 i32.add i32.const 21 i32.mul i32.const 114 i32.add i32.const 22 i32.mul i32.const 121 i32.add i32.const 23 i32.mul i32.const 128 i32.add i32.const 24 i32.mul i32.const 135 i32.add i32.const 25 i32.mul i32.const 142 i32.add i32.const 26 i32.mul i32.const 149 i32.add i32.const 27 i32.mul i32.const 156 i32.add i32.const 28 i32.mul i32.const 163 i32.add)
  (func $fill3 (export "fill3") (param i32) (result i32)
    local.get 0 i32.const 6 i32.mul i32.const 3 i32.add i32.const 7 i32.mul i32.const 10 i32.add i32.const 8 i32.mul i32.const 17 i32.add i32.const 9 i32.mul i32.const 24 i32.add i32.const 10 i32.mul i32.const 31 i32.add i32.const 11 i32.mul i32.const 38 i32.add i32.const 12 i32.mul i32.const 45 i32.add i32.const 13 i32.mul i32.const 52 i32.add i32.const 14 i32.mul i32.const 59 i32.add i32.const 15 i32.mul i32.const 66 i32.add i32.const 16 i32.mul i32.const 73 i32.add i32.const 17 i32.mul i32.const 80 i32.add i32.const 18 i32.mul i32.const 87 i32.add i32.const 19 i32.mul i32.const 94 i32.add i32.const 20 i32.mul i32.const 101 i32.add i32.const 21 i32.mul i32.const 108 i32.add i32.const 22 i32.mul i32.const 115 i32.add i32.const 23 i32.mul i32.const 122 i32.add i32.const 24 i32.mul i32.const 129 i32.add i32.const 25 i32.mul i32.const 136 i32.add i32.const 26 i32.mul i32.const 143 i32.add i32.const 27 i32.mul i32.const 150 i32.add i32.const 28 i32.mul i32.const 157 i32.add i32.const 29 i32.mul i32.const 164 i32.add)
  (func $far (export "far") (param i32) (result i32) (i32.mul (call $near (local.get 0)) (i32.const 3))))

;; The stack-check branch to its trap stub after the last block of each function with a frame
;; ($main, $far) is forward and pending at the next instruction, so at this N it gets a veneer;
;; the five frameless leaves have no stack check.
;; STATS: islands (ranges shrunk by 4194304): 2 in 2 functions (20 bytes: 2 veneers of 10 bytes, 0 constants); calls: 5 veneers of 25 bytes in 2 islands between functions

;; NONE: calls: 0 veneers of 0 bytes in 0 islands between functions

;; main(5) = far(near(5)) = near(6) * 3
;; MAIN: i32:21

;; fill3(2), as without the flag
;; FILL: i32:-442245063
