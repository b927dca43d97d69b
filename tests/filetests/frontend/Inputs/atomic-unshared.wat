;; Input of threads-disabled.wat: an atomic operator on a memory that is not shared.
(module
  (memory 1)
  (func (result i32) (i32.atomic.rmw.add (i32.const 0) (i32.const 1))))
