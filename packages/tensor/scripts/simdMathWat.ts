/**
 * WebAssembly text (WAT) builders for f32x4 vector math, shared by the generators of the
 * package's elementwise kernels (scripts/elementwiseWat.ts) and of @recurrent/cells' gate
 * kernels, so both compute exp, σ and tanh the same way.
 *
 * - `exp(x)`: `n = round(x·log2 e)`, `r = x − n·ln2` in two parts (the high part has few bits, so
 *   `n·ln2_hi` is exact), a degree-6 polynomial for `e^r` on |r| ≤ ln2/2 (relative error below
 *   2e-7), scaled by `2^n` built from exponent bits. The gate form clamps x to [−87.3, 88] so that
 *   `2^n` is one normal float, `(n + 127) << 23` (enough inside σ); the full form clamps x to
 *   [−104, 89] and scales by `2^(n−m)·2^m` with `m = n >> 1`, so large x overflow to +∞ and very
 *   negative x fall through the subnormals to 0, as `Math.exp` rounded to float32 does.
 * - `σ(x) = 1 / (1 + exp(−x))`, which keeps the relative precision of small values.
 * - `tanh(x) = x·P(x²)/Q(x²)` with |x| clamped at 7.90531110763549805: a rational form within
 *   3e-7 of `Math.tanh`.
 *
 * The clamps are `f32x4.pmax(x, lo)` then `f32x4.pmin(·, hi)` with x first: `pmax(a, b)` is
 * `a < b ? b : a` and `pmin(a, b)` is `b < a ? b : a`, so a NaN in x fails the comparison and comes
 * out unchanged (NaN propagates, and −0 keeps its sign), at one instruction each where
 * `f32x4.min/max` cost about seven on x86 (their NaN and ±0 rules for either operand).
 *
 * Every constant is an immutable v128 global (two bytes per use instead of eighteen), which keeps
 * modules small enough for synchronous compilation in browsers: {@link createSimdMath} collects
 * them and {@link SimdMath.globals} declares them.
 */

/** The builders of one module (each module gets its own constant table). */
export interface SimdMath {
  /** `(global.get $kN)`: the f32x4 splat of `value`, declared by {@link SimdMath.globals}. */
  splat(value: number): string;
  get(local: string): string;
  set(local: string, value: string): string;
  add(a: string, b: string): string;
  sub(a: string, b: string): string;
  mul(a: string, b: string): string;
  /** Horner's scheme: `c[0] + y·(c[1] + y·(…))`, highest coefficient last. */
  horner(y: string, coefficients: number[]): string;
  /** Statements setting `out` to exp(`x`) (x an f32x4 expression), the gate form unless `full`;
   * uses the locals `$ex`, `$en`, `$nf` (and `$ni`, `$nm` when `full`). */
  exp(out: string, x: string, full?: boolean): string[];
  /** Statements setting `out` to σ(`x`); uses exp's locals. */
  sigmoid(out: string, x: string, full?: boolean): string[];
  /** Statements setting `out` to tanh(`x`); uses the locals `$tx`, `$t2`. */
  tanh(out: string, x: string): string[];
  /** The local declarations exp, σ and tanh need. */
  readonly locals: string;
  /** The global declarations of every constant used so far (emit after the functions are built). */
  globals(): string[];
}

// e^r on |r| ≤ ln2/2: the Taylor coefficients up to r⁶/720
const expCoefficients = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720];
const log2e = 1.4426950408889634;
const ln2High = 0.693359375;
const ln2Low = -2.12194440e-4;
const roundingShift = 12582912; // 1.5·2²³

const tanhClamp = 7.90531110763549805;
const tanhNumerator = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8,
  -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16,
];
const tanhDenominator = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];

/** New builders with an empty constant table. */
export function createSimdMath(): SimdMath {
  const constants = new Map<string, number>();
  const splat = (value: number) => {
    const text = Number.isInteger(value) ? value.toFixed(1) : String(value);
    if (!constants.has(text)) constants.set(text, constants.size);
    return `(global.get $k${constants.get(text)})`;
  };
  const get = (local: string) => `(local.get ${local})`;
  const set = (local: string, value: string) => `(local.set ${local} ${value})`;
  const add = (a: string, b: string) => `(f32x4.add ${a} ${b})`;
  const sub = (a: string, b: string) => `(f32x4.sub ${a} ${b})`;
  const mul = (a: string, b: string) => `(f32x4.mul ${a} ${b})`;
  const horner = (y: string, coefficients: number[]) => {
    let value = splat(coefficients[coefficients.length - 1]);
    for (let i = coefficients.length - 2; i >= 0; i--) value = add(splat(coefficients[i]), mul(y, value));
    return value;
  };
  let usesExponentBias = false;
  // Adding 1.5·2²³ rounds `x·log2 e` to the integer n (to nearest) and leaves n in the low bits of
  // the sum, so `(bits + 127) << 23` is the float 2^n (the sum's own exponent bits shift out).
  const exp = (out: string, x: string, full = false) => {
    usesExponentBias = true;
    const power = (n: string) => `(i32x4.shl (i32x4.add ${n} (global.get $exponentBias)) (i32.const 23))`;
    const reduce = [
      set('$ex', `(f32x4.pmin (f32x4.pmax ${x} ${splat(full ? -104 : -87.3)}) ${splat(full ? 89 : 88)})`),
      set('$en', add(mul(get('$ex'), splat(log2e)), splat(roundingShift))),
      set('$nf', sub(get('$en'), splat(roundingShift))),
      set('$ex', sub(sub(get('$ex'), mul(get('$nf'), splat(ln2High))), mul(get('$nf'), splat(ln2Low)))),
    ];
    if (!full) return [...reduce, set(out, mul(horner(get('$ex'), expCoefficients), power(get('$en'))))];
    return [
      ...reduce,
      // n as an integer (the sum's bits less the shift's), then 2^n = 2^(n − m)·2^m, both normal
      set('$ni', `(i32x4.sub ${get('$en')} (v128.const i32x4 ${[0, 0, 0, 0].map(() => 0x4b400000).join(' ')}))`),
      set('$nm', `(i32x4.shr_s ${get('$ni')} (i32.const 1))`),
      set(out, mul(mul(horner(get('$ex'), expCoefficients), power(`(i32x4.sub ${get('$ni')} ${get('$nm')})`)), power(get('$nm')))),
    ];
  };
  const one = () => splat(1);
  const sigmoid = (out: string, x: string, full = false) => [...exp(out, `(f32x4.neg ${x})`, full), set(out, `(f32x4.div ${one()} ${add(one(), get(out))})`)];
  const tanh = (out: string, x: string) => [
    set('$tx', `(f32x4.pmin (f32x4.pmax ${x} ${splat(-tanhClamp)}) ${splat(tanhClamp)})`),
    set('$t2', mul(get('$tx'), get('$tx'))),
    set(out, `(f32x4.div ${mul(get('$tx'), horner(get('$t2'), tanhNumerator))} ${horner(get('$t2'), tanhDenominator)})`),
  ];
  return {
    splat, get, set, add, sub, mul, horner, exp, sigmoid, tanh,
    locals: '(local $ex v128) (local $en v128) (local $nf v128) (local $ni v128) (local $nm v128) (local $tx v128) (local $t2 v128)',
    globals() {
      const lines = [...constants].map(([text, index]) => `  (global $k${index} v128 (v128.const f32x4 ${text} ${text} ${text} ${text}))`);
      if (usesExponentBias) lines.push('  (global $exponentBias v128 (v128.const i32x4 127 127 127 127))');
      return lines;
    },
  };
}
