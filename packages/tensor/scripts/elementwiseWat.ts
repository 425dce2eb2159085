import { createSimdMath } from './simdMathWat.js';

/**
 * Writes the WebAssembly text (WAT) of the CPU backend's elementwise kernels: unary functions,
 * add / sub / mul / div, the affine map and the sum, max and min reductions, on f32x4 vectors
 * (WebAssembly SIMD). The module defines and exports its own memory; the driver
 * (src/cpu/elementwiseWasm.ts) stages blocks of a few thousand floats into it, so the staged data
 * stays in the first-level cache between the copy in, the pass and the copy out.
 *
 * Every pass takes byte addresses and a count `n` of floats. The elementwise passes run over
 * `ceil(n / 4)` whole vectors: the lanes past `n` read and write staging memory that the driver
 * never copies out. The reductions read exactly `n` floats (the last `n mod 4` one by one).
 *
 * Results agree bit for bit with the TypeScript kernels (src/cpu/elementwise.ts, binary.ts,
 * reduce.ts) for neg, abs, relu, sqrt, square, reciprocal, floor, ceil, round (ties to even),
 * add, sub, mul, div (float32 arithmetic equals float64 arithmetic rounded once, for these) and
 * the affine map (done in float64, as JavaScript does). exp, σ and tanh are the polynomial and
 * rational forms of scripts/simdMathWat.ts, within a few units in the last place. Sums add runs of
 * four values in float32 and accumulate those in float64 (in another order than a plain loop).
 */

const math = createSimdMath();
const { get, set, splat } = math;

/** A unary pass: statements setting `$a` from the vector `x` (already in the local `$x`). */
interface UnaryPass {
  name: string;
  body: string[];
}

const x = get('$x');
const unaryPasses: UnaryPass[] = [
  { name: 'neg', body: [set('$a', `(f32x4.neg ${x})`)] },
  { name: 'abs', body: [set('$a', `(f32x4.abs ${x})`)] },
  // x where x > 0 or x is NaN, else +0 (so relu(−0) = 0, as the TypeScript kernel gives)
  { name: 'relu', body: [set('$a', `(v128.and ${x} (v128.or (f32x4.gt ${x} ${splat(0)}) (f32x4.ne ${x} ${x})))`)] },
  { name: 'sqrt', body: [set('$a', `(f32x4.sqrt ${x})`)] },
  { name: 'square', body: [set('$a', `(f32x4.mul ${x} ${x})`)] },
  { name: 'reciprocal', body: [set('$a', `(f32x4.div ${splat(1)} ${x})`)] },
  { name: 'floor', body: [set('$a', `(f32x4.floor ${x})`)] },
  { name: 'ceil', body: [set('$a', `(f32x4.ceil ${x})`)] },
  { name: 'round', body: [set('$a', `(f32x4.nearest ${x})`)] },
  { name: 'exp', body: math.exp('$a', x, true) },
  { name: 'sigmoid', body: math.sigmoid('$a', x, true) },
  { name: 'tanh', body: math.tanh('$a', x) },
];

/** The names of the unary passes, each exported as `(src, dst, n)`. */
export const unaryPassNames = unaryPasses.map((pass) => pass.name);

/** The arithmetic binary ops; each is exported as `<op>VV(a, b, dst, n)` (a ∘ b) and
 * `<op>VS(a, dst, n, s)` (a ∘ s); sub and div also as `<op>SV(a, dst, n, s)` (s ∘ a). */
export const binaryPassOps = ['add', 'sub', 'mul', 'div'] as const;

const loopHead = (indent: string) => [
  `${indent}(local.set $end (i32.shl (local.get $n) (i32.const 2)))`,
  `${indent}(block $done (loop $vector`,
  `${indent}  (br_if $done (i32.ge_s (local.get $k) (local.get $end)))`,
];
const loopTail = (indent: string) => [
  `${indent}  (local.set $k (i32.add (local.get $k) (i32.const 16)))`,
  `${indent}  (br $vector)))`,
];
const at = (pointer: string) => `(i32.add (local.get ${pointer}) (local.get $k))`;
const locals = `(local $k i32) (local $end i32) (local $x v128) (local $y v128) (local $a v128) ${math.locals}`;

function unaryWat(pass: UnaryPass): string[] {
  return [
    `  (func (export "${pass.name}") (param $src i32) (param $dst i32) (param $n i32) ${locals}`,
    ...loopHead('    '),
    `      (local.set $x (v128.load ${at('$src')}))`,
    ...pass.body.map((line) => `      ${line}`),
    `      (v128.store ${at('$dst')} (local.get $a))`,
    ...loopTail('    '),
    '  )',
  ];
}

function binaryWat(op: string, form: 'VV' | 'VS' | 'SV'): string[] {
  const params = form === 'VV' ? '(param $pa i32) (param $pb i32) (param $dst i32) (param $n i32)' : '(param $pa i32) (param $dst i32) (param $n i32) (param $s f32)';
  const value =
    form === 'VV' ? `(f32x4.${op} (v128.load ${at('$pa')}) (v128.load ${at('$pb')}))`
      : form === 'VS' ? `(f32x4.${op} (v128.load ${at('$pa')}) (local.get $y))`
        : `(f32x4.${op} (local.get $y) (v128.load ${at('$pa')}))`;
  return [
    `  (func (export "${op}${form}") ${params} ${locals}`,
    ...(form === 'VV' ? [] : ['    (local.set $y (f32x4.splat (local.get $s)))']),
    ...loopHead('    '),
    `      (v128.store ${at('$dst')} ${value})`,
    ...loopTail('    '),
    '  )',
  ];
}

// The upper two lanes of a vector moved down (for f64x2.promote_low_f32x4).
const high = (vector: string) => `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${vector} ${vector})`;

/** dst = src·scale + shift in float64, rounded once to float32 (what `x[i] * scale + shift` does). */
const affineWat = [
  `  (func (export "affine") (param $src i32) (param $dst i32) (param $n i32) (param $scale f64) (param $shift f64) ${locals}`,
  '    (local $lo v128) (local $hi v128) (local $vs v128) (local $vh v128)',
  '    (local.set $vs (f64x2.splat (local.get $scale)))',
  '    (local.set $vh (f64x2.splat (local.get $shift)))',
  ...loopHead('    '),
  `      (local.set $x (v128.load ${at('$src')}))`,
  '      (local.set $lo (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (local.get $vs)) (local.get $vh)))',
  `      (local.set $hi (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 ${high('(local.get $x)')}) (local.get $vs)) (local.get $vh)))`,
  `      (v128.store ${at('$dst')} (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23`,
  '        (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))',
  ...loopTail('    '),
  '  )',
];

/**
 * Statements of a reduction loop: `head` sets up, `body(offset)` folds the vector at `$src + $k +
 * offset` into the accumulators of group `g` (four independent groups over 64-byte steps, so the
 * additions do not wait on each other), then one group over the whole vectors left.
 */
function reductionLoop(body: (offset: number, group: number) => string[]): string[] {
  return [
    '    (local.set $end (i32.shl (local.get $n) (i32.const 2)))',
    '    (block $wideDone (loop $wide',
    '      (br_if $wideDone (i32.gt_s (i32.add (local.get $k) (i32.const 64)) (local.get $end)))',
    ...[0, 1, 2, 3].flatMap((group) => body(16 * group, group).map((line) => `      ${line}`)),
    '      (local.set $k (i32.add (local.get $k) (i32.const 64)))',
    '      (br $wide)))',
    ...wholeVectorLoop(body(0, 0)),
  ];
}

/** A loop over the whole vectors left from `$k` to `$end` (the `n mod 4` floats after them are the
 * {@link scalarTailLoop}'s). */
function wholeVectorLoop(body: string[]): string[] {
  return [
    '    (block $done (loop $vector',
    '      (br_if $done (i32.gt_s (i32.add (local.get $k) (i32.const 16)) (local.get $end)))',
    ...body.map((line) => `      ${line}`),
    ...loopTail('    '),
  ];
}

/** A loop over the floats left from `$k` to `$end`, one at a time, so a reduction reads exactly `n`. */
function scalarTailLoop(body: string[]): string[] {
  return [
    '    (block $tailDone (loop $tail',
    '      (br_if $tailDone (i32.ge_s (local.get $k) (local.get $end)))',
    ...body.map((line) => `      ${line}`),
    '      (local.set $k (i32.add (local.get $k) (i32.const 4)))',
    '      (br $tail)))',
  ];
}

const groupLocals = (names: string[]) => [0, 1, 2, 3].flatMap((g) => names.map((name) => `(local ${name}${g} v128)`)).join(' ');

/**
 * The sum of `n` floats in float64 (the last `n mod 4` one by one): each
 * 64-byte step adds its four vectors pairwise in float32 (a sum of four values per lane, exact to
 * float32 rounding) and those partial sums into float64 accumulators, alternating between two
 * pairs so that the additions do not wait on each other.
 */
const sumWat = [
  `  (func (export "sum") (param $src i32) (param $n i32) (result f64) ${locals}`,
  '    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $t f64)',
  '    (local.set $end (i32.shl (local.get $n) (i32.const 2)))',
  '    (block $wideDone (loop $wide',
  '      (br_if $wideDone (i32.gt_s (i32.add (local.get $k) (i32.const 128)) (local.get $end)))',
  ...[0, 1].flatMap((g) => [
    `      (local.set $x (f32x4.add (f32x4.add (v128.load offset=${64 * g} ${at('$src')}) (v128.load offset=${64 * g + 16} ${at('$src')}))`,
    `        (f32x4.add (v128.load offset=${64 * g + 32} ${at('$src')}) (v128.load offset=${64 * g + 48} ${at('$src')}))))`,
    `      (local.set $lo${g} (f64x2.add (local.get $lo${g}) (f64x2.promote_low_f32x4 (local.get $x))))`,
    `      (local.set $hi${g} (f64x2.add (local.get $hi${g}) (f64x2.promote_low_f32x4 ${high('(local.get $x)')})))`,
  ]),
  '      (local.set $k (i32.add (local.get $k) (i32.const 128)))',
  '      (br $wide)))',
  ...wholeVectorLoop([
    `(local.set $x (v128.load ${at('$src')}))`,
    '(local.set $lo0 (f64x2.add (local.get $lo0) (f64x2.promote_low_f32x4 (local.get $x))))',
    `(local.set $hi0 (f64x2.add (local.get $hi0) (f64x2.promote_low_f32x4 ${high('(local.get $x)')})))`,
  ]),
  ...scalarTailLoop([`(local.set $t (f64.add (local.get $t) (f64.promote_f32 (f32.load ${at('$src')}))))`]),
  '    (local.set $lo0 (f64x2.add (f64x2.add (local.get $lo0) (local.get $hi0)) (f64x2.add (local.get $lo1) (local.get $hi1))))',
  '    (f64.add (f64.add (f64x2.extract_lane 0 (local.get $lo0)) (f64x2.extract_lane 1 (local.get $lo0))) (local.get $t))',
  '  )',
];

/** `acc[i] += src[i]` for `n` floats into float64 accumulators (a column sum, row by row). */
const sumIntoWat = [
  `  (func (export "sumInto") (param $src i32) (param $acc i32) (param $n i32) ${locals}`,
  '    (local $p i32)',
  ...loopHead('    '),
  `      (local.set $x (v128.load ${at('$src')}))`,
  '      (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 1))))',
  '      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (f64x2.promote_low_f32x4 (local.get $x))))',
  `      (v128.store offset=16 (local.get $p) (f64x2.add (v128.load offset=16 (local.get $p)) (f64x2.promote_low_f32x4 ${high('(local.get $x)')})))`,
  ...loopTail('    '),
  '  )',
];

/** `acc[i] += (r0[i] + r1[i]) + (r2[i] + r3[i])` for four rows of `n` floats, one after another at
 * `src`: the row pairs added in float32, as {@link sumWat} adds runs of four. */
const sumInto4Wat = [
  `  (func (export "sumInto4") (param $src i32) (param $acc i32) (param $n i32) ${locals}`,
  '    (local $p i32) (local $row i32) (local $q i32)',
  '    (local.set $row (i32.shl (local.get $n) (i32.const 2)))',
  ...loopHead('    '),
  `      (local.set $q ${at('$src')})`,
  '      (local.set $x (f32x4.add (f32x4.add (v128.load (local.get $q)) (v128.load (i32.add (local.get $q) (local.get $row))))',
  '        (f32x4.add (v128.load (i32.add (local.get $q) (i32.shl (local.get $row) (i32.const 1))))',
  '          (v128.load (i32.add (local.get $q) (i32.mul (local.get $row) (i32.const 3)))))))',
  '      (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 1))))',
  '      (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (f64x2.promote_low_f32x4 (local.get $x))))',
  `      (v128.store offset=16 (local.get $p) (f64x2.add (v128.load offset=16 (local.get $p)) (f64x2.promote_low_f32x4 ${high('(local.get $x)')})))`,
  ...loopTail('    '),
  '  )',
];

/**
 * The largest (`max`) or smallest (`min`) of `n` floats (the last `n mod 4` one by one), NaN if
 * any is NaN. `pmax(acc, x)` is `acc < x ? x : acc`, the comparison a plain loop makes; which
 * of +0 and −0 wins a tie depends on the order, so the driver redoes a zero result in order.
 */
function extremumWat(name: 'max' | 'min'): string[] {
  const pick = name === 'max' ? 'f32x4.pmax' : 'f32x4.pmin';
  const start = name === 'max' ? '-inf' : 'inf';
  const lane = (i: number) => `(f32x4.extract_lane ${i} (local.get $m0))`;
  const pickScalar = (a: string, b: string) => `(select ${b} ${a} (f32.${name === 'max' ? 'lt' : 'gt'} ${a} ${b}))`;
  return [
    `  (func (export "${name}") (param $src i32) (param $n i32) (result f32) ${locals}`,
    `    ${groupLocals(['$m', '$nan'])} (local $r f32) (local $v f32)`,
    ...[0, 1, 2, 3].map((g) => `    (local.set $m${g} (v128.const f32x4 ${start} ${start} ${start} ${start}))`),
    ...reductionLoop((offset, g) => [
      `(local.set $x (v128.load offset=${offset} ${at('$src')}))`,
      `(local.set $m${g} (${pick} (local.get $m${g}) (local.get $x)))`,
      `(local.set $nan${g} (v128.or (local.get $nan${g}) (f32x4.ne (local.get $x) (local.get $x))))`,
    ]),
    '    (if (v128.any_true (v128.or (v128.or (local.get $nan0) (local.get $nan1)) (v128.or (local.get $nan2) (local.get $nan3))))',
    '      (then (return (f32.const nan))))',
    `    (local.set $m0 (${pick} (${pick} (local.get $m0) (local.get $m1)) (${pick} (local.get $m2) (local.get $m3))))`,
    `    (local.set $r ${pickScalar(lane(0), lane(1))})`,
    `    (local.set $r ${pickScalar('(local.get $r)', lane(2))})`,
    `    (local.set $r ${pickScalar('(local.get $r)', lane(3))})`,
    ...scalarTailLoop([
      `(local.set $v (f32.load ${at('$src')}))`,
      '(if (f32.ne (local.get $v) (local.get $v)) (then (return (f32.const nan))))',
      `(local.set $r ${pickScalar('(local.get $r)', '(local.get $v)')})`,
    ]),
    '    (local.get $r)',
    '  )',
  ];
}

/**
 * The WAT texts of the two elementwise kernel modules, each under 4 KiB (what browsers compile
 * synchronously on their main thread): `map` (the unary passes and the affine map) defines and
 * exports the memory, `combine` (add / sub / mul / div and the reductions) imports it as
 * `env.memory`.
 */
export function elementwiseWat(): { map: string; combine: string } {
  const mapFunctions = [...unaryPasses.flatMap(unaryWat), ...affineWat];
  const combineFunctions = [
    ...binaryPassOps.flatMap((op) => [
      ...binaryWat(op, 'VV'), ...binaryWat(op, 'VS'), ...(op === 'sub' || op === 'div' ? binaryWat(op, 'SV') : []),
    ]),
    ...sumWat, ...sumIntoWat, ...sumInto4Wat, ...extremumWat('max'), ...extremumWat('min'),
  ];
  return {
    map: ['(module', '  (memory (export "memory") 2)', ...math.globals(), ...mapFunctions, ')', ''].join('\n'),
    combine: ['(module', '  (import "env" "memory" (memory 2))', ...combineFunctions, ')', ''].join('\n'),
  };
}
