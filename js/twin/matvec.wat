;; out = W v, the one loop of the twin's cells that dominates a frame (W_hh h_{t-1} forward and
;; W_hh^T dz_t back at every step), in WebAssembly with 128-bit SIMD: a twin of `matVec` in
;; js/twin/base.js, bit for bit. Each output is the same sum, taken over j in the same order,
;; of the same float64 products (a multiply, then an add: no fused multiply-add), so every bit
;; of `out` is the plain loop's; js/twin/kernel.js moves the numbers in and out, and
;; tests/test_twin.py holds the two equal.
;;
;; Layout, in bytes of the module's memory (js/twin/kernel.js places them):
;;   wt   W transposed, (cols, rows_padded) row-major: column j of W is rows_padded numbers from
;;        wt + 8 j rows_padded, rows_padded a multiple of 8 (the sums of the rows past W's,
;;        whatever those hold, are not read: each lane is a sum of its own)
;;   v    cols numbers
;;   out  rows_padded numbers, written
;;
;; Eight rows at a time, as four f64x2 sums: for each j, v[j] in both lanes times the eight
;; numbers of column j, added to the sums.
(module
  (memory (export "memory") 1)

  (func (export "matvec")
    (param $wt i32) (param $rows_padded i32) (param $cols i32) (param $v i32) (param $out i32)
    (local $row i32) (local $j i32) (local $at i32) (local $column_bytes i32) (local $vj v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $column_bytes (i32.shl (local.get $rows_padded) (i32.const 3)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows_padded)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0))
        (local.set $s3 (v128.const f64x2 0 0))
        ;; W[row, 0] ... W[row + 7, 0]
        (local.set $at (i32.add (local.get $wt) (i32.shl (local.get $row) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $columns_done
          (loop $columns
            (br_if $columns_done (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $vj (f64x2.splat
              (f64.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $s0 (f64x2.add (local.get $s0)
              (f64x2.mul (v128.load offset=0 (local.get $at)) (local.get $vj))))
            (local.set $s1 (f64x2.add (local.get $s1)
              (f64x2.mul (v128.load offset=16 (local.get $at)) (local.get $vj))))
            (local.set $s2 (f64x2.add (local.get $s2)
              (f64x2.mul (v128.load offset=32 (local.get $at)) (local.get $vj))))
            (local.set $s3 (f64x2.add (local.get $s3)
              (f64x2.mul (v128.load offset=48 (local.get $at)) (local.get $vj))))
            (local.set $at (i32.add (local.get $at) (local.get $column_bytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $columns)))
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 3))))
        (v128.store offset=0 (local.get $at) (local.get $s0))
        (v128.store offset=16 (local.get $at) (local.get $s1))
        (v128.store offset=32 (local.get $at) (local.get $s2))
        (v128.store offset=48 (local.get $at) (local.get $s3))
        (local.set $row (i32.add (local.get $row) (i32.const 8)))
        (br $rows))))
)
