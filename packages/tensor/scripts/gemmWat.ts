import { sharedMaximumPages } from '../src/wasm/gemmKernelShape.js';

/**
 * Writes the WebAssembly text (WAT) of the float32 matrix-product kernel. The kernel works on
 * operands already packed by the driver (src/cpu/gemmWasm.ts):
 *
 * - packed `A`: panels of `mr` rows; panel `q` holds, for each step `p` of k, the `mr` values
 *   `op(A)[q·mr + r, p]` (r = 0 … mr−1) next to each other;
 * - packed `B`: panels of `nr` columns; panel `s` holds, for each `p`, the `nr` values
 *   `op(B)[p, s·nr + j]` next to each other;
 * - `C`: row-major with row stride `ldc` bytes, padded so whole `mr × nr` tiles fit.
 *
 * Because every transpose case is absorbed by the packing, one micro-kernel serves NN, NT, TN
 * and TT. Per step of k it loads `nr / 4` vectors of `B`, splats one element of `A` per row, and
 * adds the products into `mr · nr / 4` f32x4 accumulators kept in locals (registers).
 */

/** Options of {@link gemmWat}. */
export interface GemmWatOptions {
  /** Import a shared memory (for the threaded gemm) instead of a plain one. */
  shared: boolean;
  /** Rows per micro-tile. */
  mr: number;
  /** Columns per micro-tile, a multiple of 4. */
  nr: number;
  /** Steps of k unrolled in the inner loop. */
  unroll: number;
  /**
   * Accumulate with `f32x4.relaxed_madd` (relaxed SIMD: a fused multiply-add where the CPU has one)
   * instead of `f32x4.mul` then `f32x4.add`. Engines without relaxed SIMD reject such a module, so
   * the package carries both and loads this one where it validates.
   */
  fma?: boolean;
}

/** `c + a·b` on f32x4 values: fused (relaxed SIMD) or a product then a sum. */
function multiplyAdd(fma: boolean, c: string, a: string, b: string): string {
  return fma ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add ${c} (f32x4.mul ${a} ${b}))`;
}

/** The WAT text of the kernel module for the given register block. */
export function gemmWat(options: GemmWatOptions): string {
  const { shared, mr, nr, unroll, fma = false } = options;
  if (nr % 4 !== 0) throw new Error(`gemmWat: expected nr a multiple of 4, got ${nr}`);
  const vectors = nr / 4;
  const accumulator = (r: number, v: number) => `$c${r}_${v}`;
  const lines: string[] = [];
  const emit = (indent: number, text: string) => lines.push(' '.repeat(indent) + text);

  // One step of k at byte offsets `aOffset` into the A panel and `bOffset` into the B panel.
  const step = (indent: number, aOffset: number, bOffset: number) => {
    for (let v = 0; v < vectors; v++) {
      emit(indent, `(local.set $b${v} (v128.load offset=${bOffset + 16 * v} (local.get $bk)))`);
    }
    for (let r = 0; r < mr; r++) {
      emit(indent, `(local.set $a (v128.load32_splat offset=${aOffset + 4 * r} (local.get $ak)))`);
      for (let v = 0; v < vectors; v++) {
        const c = accumulator(r, v);
        emit(indent, `(local.set ${c} ${multiplyAdd(fma, `(local.get ${c})`, '(local.get $a)', `(local.get $b${v})`)})`);
      }
    }
  };

  // Writes the accumulators into C; `value(c, offset)` gives the f32x4 to store at `$cRow + offset`.
  const store = (indent: number, value: (c: string, offset: number) => string) => {
    emit(indent, '(local.set $cRow (local.get $cTile))');
    for (let r = 0; r < mr; r++) {
      for (let v = 0; v < vectors; v++) {
        emit(indent, `(v128.store offset=${16 * v} (local.get $cRow) ${value(accumulator(r, v), 16 * v)})`);
      }
      if (r < mr - 1) emit(indent, '(local.set $cRow (i32.add (local.get $cRow) (local.get $ldc)))');
    }
  };

  emit(0, '(module');
  emit(2, `(import "env" "memory" (memory 1 ${shared ? `${sharedMaximumPages} shared` : ''}))`);
  emit(2, ';; C[0:mc, 0:nc] ← alpha·Apacked·Bpacked (mode 0), + C (mode 1), + beta·C (mode 2).');
  emit(2, ';; mc and nc are multiples of mr and nr; pointers and ldc are in bytes.');
  emit(2, '(func (export "kernel")');
  emit(4, '(param $mc i32) (param $nc i32) (param $kc i32) (param $pa i32) (param $pb i32)');
  emit(4, '(param $pc i32) (param $ldc i32) (param $alpha f32) (param $beta f32) (param $mode i32)');
  emit(4, '(local $jr i32) (local $ir i32) (local $aPanel i32) (local $bPanel i32) (local $cColumn i32)');
  emit(4, '(local $cTile i32) (local $cRow i32) (local $ak i32) (local $bk i32) (local $kk i32)');
  emit(4, '(local $aPanelBytes i32) (local $bPanelBytes i32) (local $tileRowBytes i32)');
  emit(4, '(local $va v128) (local $vb v128) (local $a v128)');
  for (let v = 0; v < vectors; v++) emit(4, `(local $b${v} v128)`);
  for (let r = 0; r < mr; r++) {
    emit(4, Array.from({ length: vectors }, (_, v) => `(local ${accumulator(r, v)} v128)`).join(' '));
  }
  emit(4, '(local.set $va (f32x4.splat (local.get $alpha)))');
  emit(4, '(local.set $vb (f32x4.splat (local.get $beta)))');
  emit(4, `(local.set $aPanelBytes (i32.mul (local.get $kc) (i32.const ${4 * mr})))`);
  emit(4, `(local.set $bPanelBytes (i32.mul (local.get $kc) (i32.const ${4 * nr})))`);
  emit(4, `(local.set $tileRowBytes (i32.mul (local.get $ldc) (i32.const ${mr})))`);
  emit(4, '(local.set $bPanel (local.get $pb))');
  emit(4, '(local.set $cColumn (local.get $pc))');
  emit(4, '(local.set $jr (i32.const 0))');
  emit(4, '(block $columnsDone (loop $columns');
  emit(6, '(br_if $columnsDone (i32.ge_u (local.get $jr) (local.get $nc)))');
  emit(6, '(local.set $aPanel (local.get $pa))');
  emit(6, '(local.set $cTile (local.get $cColumn))');
  emit(6, '(local.set $ir (i32.const 0))');
  emit(6, '(block $rowsDone (loop $rows');
  emit(8, '(br_if $rowsDone (i32.ge_u (local.get $ir) (local.get $mc)))');
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < vectors; v++) emit(8, `(local.set ${accumulator(r, v)} (v128.const i32x4 0 0 0 0))`);
  }
  emit(8, '(local.set $ak (local.get $aPanel))');
  emit(8, '(local.set $bk (local.get $bPanel))');
  emit(8, '(local.set $kk (local.get $kc))');
  emit(8, '(block $unrolledDone (loop $unrolled');
  emit(10, `(br_if $unrolledDone (i32.lt_u (local.get $kk) (i32.const ${unroll})))`);
  for (let u = 0; u < unroll; u++) step(10, 4 * mr * u, 4 * nr * u);
  emit(10, `(local.set $ak (i32.add (local.get $ak) (i32.const ${4 * mr * unroll})))`);
  emit(10, `(local.set $bk (i32.add (local.get $bk) (i32.const ${4 * nr * unroll})))`);
  emit(10, `(local.set $kk (i32.sub (local.get $kk) (i32.const ${unroll})))`);
  emit(10, '(br $unrolled)))');
  if (unroll > 1) {
    // The steps of k left over by the unrolled loop, one at a time.
    emit(8, '(block $restDone (loop $rest');
    emit(10, '(br_if $restDone (i32.eqz (local.get $kk)))');
    step(10, 0, 0);
    emit(10, `(local.set $ak (i32.add (local.get $ak) (i32.const ${4 * mr})))`);
    emit(10, `(local.set $bk (i32.add (local.get $bk) (i32.const ${4 * nr})))`);
    emit(10, '(local.set $kk (i32.sub (local.get $kk) (i32.const 1)))');
    emit(10, '(br $rest)))');
  }
  const scaled = (c: string) => `(f32x4.mul (local.get $va) (local.get ${c}))`;
  const loadC = (offset: number) => `(v128.load offset=${offset} (local.get $cRow))`;
  emit(8, '(if (i32.eqz (local.get $mode))');
  emit(10, '(then');
  store(12, (c) => scaled(c));
  emit(10, ')');
  emit(10, '(else (if (i32.eq (local.get $mode) (i32.const 1))');
  emit(12, '(then');
  store(14, (c, offset) => `(f32x4.add ${loadC(offset)} ${scaled(c)})`);
  emit(12, ')');
  emit(12, '(else');
  store(14, (c, offset) => `(f32x4.add (f32x4.mul (local.get $vb) ${loadC(offset)}) ${scaled(c)})`);
  emit(12, '))))');
  emit(8, `(local.set $ir (i32.add (local.get $ir) (i32.const ${mr})))`);
  emit(8, '(local.set $aPanel (i32.add (local.get $aPanel) (local.get $aPanelBytes)))');
  emit(8, '(local.set $cTile (i32.add (local.get $cTile) (local.get $tileRowBytes)))');
  emit(8, '(br $rows)))');
  emit(6, `(local.set $jr (i32.add (local.get $jr) (i32.const ${nr})))`);
  emit(6, '(local.set $bPanel (i32.add (local.get $bPanel) (local.get $bPanelBytes)))');
  emit(6, `(local.set $cColumn (i32.add (local.get $cColumn) (i32.const ${4 * nr})))`);
  emit(6, '(br $columns)))');
  emit(2, ')');
  return [...lines, rowKernel(nr, fma), packFunctions, ')', ''].join('\n');
}

/**
 * The kernel for a single row of `C` (a batch of one at each time step): the 4-row kernel would
 * spend three quarters of its work on padding. It reads the same packed panels of `B`; packed `A`
 * is the row itself (`kc` floats). Two sets of accumulators, for even and odd steps of k, keep
 * two chains of additions in flight; they are added together before the store.
 */
function rowKernel(nr: number, fma: boolean): string {
  const vectors = nr / 4;
  const range = Array.from({ length: vectors }, (_, v) => v);
  const even = (v: number) => `$e${v}`;
  const odd = (v: number) => `$o${v}`;
  const update = (c: string, a: string, offset: number) =>
    `(local.set ${c} ${multiplyAdd(fma, `(local.get ${c})`, `(local.get ${a})`, `(v128.load offset=${offset} (local.get $bk))`)})`;
  const store = (value: (v: number) => string) => range.map((v) => `          (v128.store offset=${16 * v} (local.get $cColumn) ${value(v)})`).join('\n');
  const scaled = (v: number) => `(f32x4.mul (local.get $va) (local.get ${even(v)}))`;
  const loadC = (v: number) => `(v128.load offset=${16 * v} (local.get $cColumn))`;
  return `
  ;; C[0, 0:nc] ← alpha·a·Bpacked (mode 0), + C (mode 1), + beta·C (mode 2); a is kc floats at pa.
  (func (export "kernelRow")
    (param $nc i32) (param $kc i32) (param $pa i32) (param $pb i32) (param $pc i32)
    (param $alpha f32) (param $beta f32) (param $mode i32)
    (local $jr i32) (local $bPanel i32) (local $cColumn i32) (local $ak i32) (local $bk i32) (local $kk i32)
    (local $bPanelBytes i32) (local $va v128) (local $vb v128) (local $a0 v128) (local $a1 v128)
    ${range.map((v) => `(local ${even(v)} v128) (local ${odd(v)} v128)`).join(' ')}
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $vb (f32x4.splat (local.get $beta)))
    (local.set $bPanelBytes (i32.mul (local.get $kc) (i32.const ${4 * nr})))
    (local.set $bPanel (local.get $pb))
    (local.set $cColumn (local.get $pc))
    (block $columnsDone (loop $columns
      (br_if $columnsDone (i32.ge_u (local.get $jr) (local.get $nc)))
      ${range.map((v) => `(local.set ${even(v)} (v128.const i32x4 0 0 0 0)) (local.set ${odd(v)} (v128.const i32x4 0 0 0 0))`).join('\n      ')}
      (local.set $ak (local.get $pa))
      (local.set $bk (local.get $bPanel))
      (local.set $kk (local.get $kc))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.lt_u (local.get $kk) (i32.const 2)))
        (local.set $a0 (v128.load32_splat (local.get $ak)))
        (local.set $a1 (v128.load32_splat offset=4 (local.get $ak)))
        ${range.map((v) => update(even(v), '$a0', 16 * v)).join('\n        ')}
        ${range.map((v) => update(odd(v), '$a1', 4 * nr + 16 * v)).join('\n        ')}
        (local.set $ak (i32.add (local.get $ak) (i32.const 8)))
        (local.set $bk (i32.add (local.get $bk) (i32.const ${8 * nr})))
        (local.set $kk (i32.sub (local.get $kk) (i32.const 2)))
        (br $pairs)))
      (if (local.get $kk)
        (then
          (local.set $a0 (v128.load32_splat (local.get $ak)))
          ${range.map((v) => update(even(v), '$a0', 16 * v)).join('\n          ')}))
      ${range.map((v) => `(local.set ${even(v)} (f32x4.add (local.get ${even(v)}) (local.get ${odd(v)})))`).join('\n      ')}
      (if (i32.eqz (local.get $mode))
        (then
${store(scaled)})
        (else (if (i32.eq (local.get $mode) (i32.const 1))
          (then
${store((v) => `(f32x4.add ${loadC(v)} ${scaled(v)})`)})
          (else
${store((v) => `(f32x4.add (f32x4.mul (local.get $vb) ${loadC(v)}) ${scaled(v)})`)}))))
      (local.set $jr (i32.add (local.get $jr) (i32.const ${nr})))
      (local.set $bPanel (i32.add (local.get $bPanel) (local.get $bPanelBytes)))
      (local.set $cColumn (i32.add (local.get $cColumn) (i32.const ${4 * nr})))
      (br $columns)))
  )`;
}

// Byte patterns of i8x16.shuffle on f32 lanes: interleave the low / high halves of two vectors,
// and join their low / high halves (a 4 × 4 transpose is two rounds of these).
const interleaveLow = '0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23';
const interleaveHigh = '8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31';
const joinLow = '0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23';
const joinHigh = '8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31';

/**
 * Packing of blocks that the driver first copies ("stages") into memory, row after row, with
 * `stride` bytes between rows and zeros past the matrix, into the panels the kernel reads:
 *
 * - `packDirect`: staged rows are steps of k (op(B) as stored, or a transposed A); panel `s`,
 *   step `p` ← the `width` bytes (16 or 32) at `src + p·stride + s·width`;
 * - `packTransposed`: staged rows are the rows of op(A) (or columns of op(B) from a transposed B);
 *   panel `s`, step `p`, lane `r` ← the float at `src + (s·width/4 + r)·stride + 4p`, where
 *   `width` is in bytes (16 or 32). Four rows at a time, four steps at a time, by 4 × 4 transposes.
 */
const packFunctions = `
  (func (export "packDirect")
    (param $src i32) (param $stride i32) (param $panels i32) (param $width i32) (param $depth i32) (param $dst i32)
    (local $s i32) (local $p i32) (local $from i32)
    (block $panelsDone (loop $panels
      (br_if $panelsDone (i32.ge_u (local.get $s) (local.get $panels)))
      (local.set $from (i32.add (local.get $src) (i32.mul (local.get $s) (local.get $width))))
      (local.set $p (local.get $depth))
      (if (i32.eq (local.get $width) (i32.const 32))
        (then
          (block $wideDone (loop $wide
            (br_if $wideDone (i32.eqz (local.get $p)))
            (v128.store (local.get $dst) (v128.load (local.get $from)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $from)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $from (i32.add (local.get $from) (local.get $stride)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $wide))))
        (else
          (block $narrowDone (loop $narrow
            (br_if $narrowDone (i32.eqz (local.get $p)))
            (v128.store (local.get $dst) (v128.load (local.get $from)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $from (i32.add (local.get $from) (local.get $stride)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $narrow)))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $panels)))
  )
  (func (export "packTransposed")
    (param $src i32) (param $stride i32) (param $panels i32) (param $width i32) (param $depth i32) (param $dst i32)
    (local $g i32) (local $rows i32) (local $row i32) (local $out i32) (local $at i32) (local $o i32) (local $p i32)
    (local $stride2 i32) (local $stride3 i32) (local $panelBytes i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows (i32.mul (local.get $panels) (i32.shr_u (local.get $width) (i32.const 2))))
    (local.set $stride2 (i32.shl (local.get $stride) (i32.const 1)))
    (local.set $stride3 (i32.add (local.get $stride2) (local.get $stride)))
    (local.set $panelBytes (i32.mul (local.get $width) (local.get $depth)))
    (block $groupsDone (loop $groups
      (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $rows)))
      (local.set $row (i32.add (local.get $src) (i32.mul (local.get $g) (local.get $stride))))
      (local.set $out (i32.add (local.get $dst) (i32.add
        (i32.mul (i32.div_u (i32.shl (local.get $g) (i32.const 2)) (local.get $width)) (local.get $panelBytes))
        (i32.rem_u (i32.shl (local.get $g) (i32.const 2)) (local.get $width)))))
      (local.set $p (i32.const 0))
      (block $quadsDone (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $depth)))
        (local.set $at (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $x0 (v128.load (local.get $at)))
        (local.set $x1 (v128.load (i32.add (local.get $at) (local.get $stride))))
        (local.set $x2 (v128.load (i32.add (local.get $at) (local.get $stride2))))
        (local.set $x3 (v128.load (i32.add (local.get $at) (local.get $stride3))))
        (local.set $t0 (i8x16.shuffle ${interleaveLow} (local.get $x0) (local.get $x1)))
        (local.set $t1 (i8x16.shuffle ${interleaveHigh} (local.get $x0) (local.get $x1)))
        (local.set $t2 (i8x16.shuffle ${interleaveLow} (local.get $x2) (local.get $x3)))
        (local.set $t3 (i8x16.shuffle ${interleaveHigh} (local.get $x2) (local.get $x3)))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $width))))
        (v128.store (local.get $o) (i8x16.shuffle ${joinLow} (local.get $t0) (local.get $t2)))
        (local.set $o (i32.add (local.get $o) (local.get $width)))
        (v128.store (local.get $o) (i8x16.shuffle ${joinHigh} (local.get $t0) (local.get $t2)))
        (local.set $o (i32.add (local.get $o) (local.get $width)))
        (v128.store (local.get $o) (i8x16.shuffle ${joinLow} (local.get $t1) (local.get $t3)))
        (local.set $o (i32.add (local.get $o) (local.get $width)))
        (v128.store (local.get $o) (i8x16.shuffle ${joinHigh} (local.get $t1) (local.get $t3)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $quads)))
      (block $stepsDone (loop $steps
        (br_if $stepsDone (i32.ge_u (local.get $p) (local.get $depth)))
        (local.set $at (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $width))))
        (f32.store (local.get $o) (f32.load (local.get $at)))
        (f32.store offset=4 (local.get $o) (f32.load (i32.add (local.get $at) (local.get $stride))))
        (f32.store offset=8 (local.get $o) (f32.load (i32.add (local.get $at) (local.get $stride2))))
        (f32.store offset=12 (local.get $o) (f32.load (i32.add (local.get $at) (local.get $stride3))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $steps)))
      (local.set $g (i32.add (local.get $g) (i32.const 4)))
      (br $groups)))
  )`;
