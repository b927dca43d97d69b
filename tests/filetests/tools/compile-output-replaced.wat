;; Concept: `egret compile -o FILE` replaces an existing artifact with a new file (written beside
;; it and renamed), never overwriting it in place: `egret run` maps artifacts and executes their
;; code where it lies, so a process running the old artifact keeps the old bytes. A hard link
;; made before the second compile still holds the first artifact; devices are written directly.
;; RUN: rm -f %t.egret %t.old.egret
;; RUN: %egret compile %s -o %t.egret
;; RUN: ln %t.egret %t.old.egret
;; RUN: %egret compile --opt-level=none %s -o %t.egret
;; RUN: not cmp -s %t.egret %t.old.egret
;; RUN: %egret run %t.egret --invoke f 41 | FileCheck %s
;; RUN: %egret run %t.old.egret --invoke f 41 | FileCheck %s
;; RUN: %egret compile %s -o /dev/null
;; RUN: find %T -name 'compile-output-replaced.wat.tmp.egret.tmp.*' | FileCheck %s --check-prefix=NOTMP --allow-empty
;; CHECK: i32:42
;; NOTMP-NOT: .tmp.
(module
  (func (export "f") (param i32) (result i32)
    (i32.add (local.get 0) (i32.mul (i32.const 1) (i32.add (i32.const 0) (i32.const 1))))))
