/**
 * Writes the WebAssembly text (WAT) of the gate kernels: the elementwise passes of the LSTM, GRU
 * and Elman steps on f32x4 vectors (WebAssembly SIMD). The module defines and exports its own
 * memory; the driver (src/wasm/gateKernels.ts) copies each step's rows in and the results out.
 *
 * Every exported pass has the signature `(rows, n, pointer…)`: `n` is the block width (the
 * hidden size padded to a multiple of 4), each pointer the byte address of a row-major array whose rows hold `blocks` blocks of `n` floats
 * (4 for the LSTM gates, 3 for the GRU's, 1 for states; a bias is one row read by every row).
 * `n` must be a multiple of 4: the driver pads each block of a hidden size that is not (the
 * padding lanes hold whatever they hold, and are computed and never read back), so the passes
 * have no partial vectors and every store is a whole f32x4.
 *
 * The vector math:
 * - `exp(x)`: x clamped to [−87.3, 88] so that 2^n stays a normal float, `n = round(x·log2 e)`,
 *   `r = x − n·ln2` in two parts (the high part has few bits, so `n·ln2_hi` is exact), a degree-6
 *   polynomial for `e^r` on |r| ≤ ln2/2 (relative error below 2e-7), scaled by `2^n` built from
 *   the exponent bits `(n + 127) << 23`.
 * - `σ(x) = 1 / (1 + exp(−x))`, which keeps the relative precision of small gate values.
 * - `tanh(x) = x·P(x²)/Q(x²)` with |x| clamped at 7.90531110763549805: the rational form of the
 *   scalar `tanh` in src/kernels/common.ts (within 3e-7 of `Math.tanh`).
 *
 * The clamps are `f32x4.pmax(x, lo)` then `f32x4.pmin(·, hi)` with x first: `pmax(a, b)` is
 * `a < b ? b : a` and `pmin(a, b)` is `b < a ? b : a`, so a NaN in x fails the comparison and comes
 * out unchanged (NaN propagates, and −0 keeps its sign), at one instruction each where
 * `f32x4.min/max` cost about seven on x86 (their NaN and ±0 rules for either operand).
 */

/** One array a pass reads or writes: its name and how many blocks of `n` floats make a row
 * (0: one row shared by every row, as a bias). */
interface PassArray {
  name: string;
  blocks: number;
}

/** Emits a pass body for the vector at byte offset `$k`: `load(array, block)` gives the f32x4
 * expression, `store(array, block, local)` the statements that write a vector local. */
type PassBody = (
  load: (array: string, block: number) => string,
  store: (array: string, block: number, local: string) => string[],
) => string[];

interface Pass {
  name: string;
  doc: string;
  arrays: PassArray[];
  body: PassBody;
}

// Every constant lives in an immutable v128 global (two bytes per use instead of eighteen), so the
// module stays small enough for synchronous compilation.
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
const one = splat(1);

/** Horner's scheme: `c[0] + y·(c[1] + y·(…))`, highest coefficient last. */
function horner(y: string, coefficients: number[]): string {
  let value = splat(coefficients[coefficients.length - 1]);
  for (let i = coefficients.length - 2; i >= 0; i--) value = add(splat(coefficients[i]), mul(y, value));
  return value;
}

// e^r on |r| ≤ ln2/2: the Taylor coefficients up to r⁶/720
const expCoefficients = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720];
const log2e = 1.4426950408889634;
const ln2High = 0.693359375;
const ln2Low = -2.12194440e-4;
const roundingShift = 12582912; // 1.5·2²³

const exponentBias = '(global.get $exponentBias)';

/** Statements setting `out` to exp(`x`) (x an f32x4 expression); uses the locals `$ex`, `$en`, `$nf`. Adding
 * 1.5·2²³ rounds `x·log2 e` to the integer n (to nearest) and leaves n in the low bits of the sum,
 * so `(bits + 127) << 23` is the float 2^n (the sum's own exponent bits shift out). */
function exp(out: string, x: string): string[] {
  return [
    set('$ex', `(f32x4.pmin (f32x4.pmax ${x} ${splat(-87.3)}) ${splat(88)})`),
    set('$en', add(mul(get('$ex'), splat(log2e)), splat(roundingShift))),
    set('$nf', sub(get('$en'), splat(roundingShift))),
    set('$ex', sub(sub(get('$ex'), mul(get('$nf'), splat(ln2High))), mul(get('$nf'), splat(ln2Low)))),
    set(out, mul(horner(get('$ex'), expCoefficients), `(i32x4.shl (i32x4.add ${get('$en')} ${exponentBias}) (i32.const 23))`)),
  ];
}

/** Statements setting `out` to σ(`x`). */
function sigmoid(out: string, x: string): string[] {
  return [...exp(out, `(f32x4.neg ${x})`), set(out, `(f32x4.div ${one} ${add(one, get(out))})`)];
}

const tanhClamp = 7.90531110763549805;
const tanhNumerator = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8,
  -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16,
];
const tanhDenominator = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];

/** Statements setting `out` to tanh(`x`); uses the locals `$tx`, `$t2`. */
function tanh(out: string, x: string): string[] {
  return [
    set('$tx', `(f32x4.pmin (f32x4.pmax ${x} ${splat(-tanhClamp)}) ${splat(tanhClamp)})`),
    set('$t2', mul(get('$tx'), get('$tx'))),
    set(out, `(f32x4.div ${mul(get('$tx'), horner(get('$t2'), tanhNumerator))} ${horner(get('$t2'), tanhDenominator)})`),
  ];
}

/** `1 − a²`, `a·(1 − a)`: the derivatives of tanh and σ from their values. */
const oneMinusSquare = (a: string) => sub(one, mul(a, a));
const logisticSlope = (a: string) => mul(a, sub(one, a));

const passes: Pass[] = [
  {
    // the only standalone math pass (exp is tested through σ, tanh through tanhForward with a −0
    // bias), so that the module stays under 4 KiB, what browsers compile on their main thread
    name: 'sigmoid', doc: 'dst = σ(src)', arrays: [{ name: 'src', blocks: 1 }, { name: 'dst', blocks: 1 }],
    body: (load, store) => [...sigmoid('$a', load('src', 0)), ...store('dst', 0, '$a')],
  },
  {
    name: 'lstmForward',
    doc: 'gates i,f,g,o ← σ,σ,tanh,σ(gates + bias) in place; c = f⊙cPrevious + i⊙g; tanhC = tanh(c); h = o⊙tanhC',
    arrays: [
      { name: 'gates', blocks: 4 }, { name: 'bias', blocks: 0 }, { name: 'cPrevious', blocks: 1 },
      { name: 'c', blocks: 1 }, { name: 'tanhC', blocks: 1 }, { name: 'h', blocks: 1 },
    ],
    body: (load, store) => [
      ...sigmoid('$i', add(load('gates', 0), load('bias', 0))),
      ...sigmoid('$f', add(load('gates', 1), load('bias', 1))),
      ...tanh('$g', add(load('gates', 2), load('bias', 2))),
      ...sigmoid('$o', add(load('gates', 3), load('bias', 3))),
      ...store('gates', 0, '$i'), ...store('gates', 1, '$f'), ...store('gates', 2, '$g'), ...store('gates', 3, '$o'),
      set('$c', add(mul(get('$f'), load('cPrevious', 0)), mul(get('$i'), get('$g')))),
      ...store('c', 0, '$c'),
      ...tanh('$a', get('$c')),
      ...store('tanhC', 0, '$a'),
      set('$a', mul(get('$o'), get('$a'))),
      ...store('h', 0, '$a'),
    ],
  },
  {
    name: 'lstmBackward',
    doc: 'from activated gates, tanhC, cPrevious, dm (= dh) and dc: dGates and dc ← dc_{t−1} (in place)',
    arrays: [
      { name: 'gates', blocks: 4 }, { name: 'tanhC', blocks: 1 }, { name: 'cPrevious', blocks: 1 },
      { name: 'dm', blocks: 1 }, { name: 'dc', blocks: 1 }, { name: 'dGates', blocks: 4 },
    ],
    body: (load, store) => [
      set('$i', load('gates', 0)), set('$f', load('gates', 1)), set('$g', load('gates', 2)), set('$o', load('gates', 3)),
      set('$t', load('tanhC', 0)), set('$d', load('dm', 0)),
      // dc = dc + dm ⊙ o ⊙ (1 − tanh²c)
      set('$c', add(load('dc', 0), mul(mul(get('$d'), get('$o')), oneMinusSquare(get('$t'))))),
      set('$a', mul(get('$c'), get('$f'))), ...store('dc', 0, '$a'),
      set('$a', mul(mul(get('$c'), get('$g')), logisticSlope(get('$i')))), ...store('dGates', 0, '$a'),
      set('$a', mul(mul(get('$c'), load('cPrevious', 0)), logisticSlope(get('$f')))), ...store('dGates', 1, '$a'),
      set('$a', mul(mul(get('$c'), get('$i')), oneMinusSquare(get('$g')))), ...store('dGates', 2, '$a'),
      set('$a', mul(mul(get('$d'), get('$t')), logisticSlope(get('$o')))), ...store('dGates', 3, '$a'),
    ],
  },
  {
    name: 'gruForward',
    doc: 'reset-after GRU: r,z = σ(gates + recurrent); n = tanh(gates_n + r⊙recurrent_n); recurrentN = recurrent_n; h = (1 − z)⊙n + z⊙hPrevious',
    arrays: [
      { name: 'gates', blocks: 3 }, { name: 'recurrent', blocks: 3 }, { name: 'hPrevious', blocks: 1 },
      { name: 'recurrentN', blocks: 1 }, { name: 'h', blocks: 1 },
    ],
    body: (load, store) => [
      ...sigmoid('$i', add(load('gates', 0), load('recurrent', 0))),
      ...sigmoid('$f', add(load('gates', 1), load('recurrent', 1))),
      set('$c', load('recurrent', 2)),
      ...tanh('$g', add(load('gates', 2), mul(get('$i'), get('$c')))),
      ...store('gates', 0, '$i'), ...store('gates', 1, '$f'), ...store('gates', 2, '$g'), ...store('recurrentN', 0, '$c'),
      set('$a', add(mul(sub(one, get('$f')), get('$g')), mul(get('$f'), load('hPrevious', 0)))),
      ...store('h', 0, '$a'),
    ],
  },
  {
    name: 'gruBackward',
    doc: 'reset-after GRU, first pass: dInput = [dr, dz, dn], dRecurrent = [dr, dz, r⊙dn], direct = z⊙dh',
    arrays: [
      { name: 'gates', blocks: 3 }, { name: 'hPrevious', blocks: 1 }, { name: 'recurrentN', blocks: 1 },
      { name: 'dh', blocks: 1 }, { name: 'dInput', blocks: 3 }, { name: 'dRecurrent', blocks: 3 }, { name: 'direct', blocks: 1 },
    ],
    body: (load, store) => [
      set('$i', load('gates', 0)), set('$f', load('gates', 1)), set('$g', load('gates', 2)), set('$d', load('dh', 0)),
      // dn = dh ⊙ (1 − z) ⊙ (1 − n²);  dz = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z);  dr = dn ⊙ (W_hn h + b_hn) ⊙ r(1 − r)
      set('$c', mul(mul(get('$d'), sub(one, get('$f'))), oneMinusSquare(get('$g')))),
      set('$a', mul(mul(get('$d'), sub(load('hPrevious', 0), get('$g'))), logisticSlope(get('$f')))),
      ...store('dInput', 1, '$a'), ...store('dRecurrent', 1, '$a'), ...store('dInput', 2, '$c'),
      set('$a', mul(mul(get('$c'), load('recurrentN', 0)), logisticSlope(get('$i')))),
      ...store('dInput', 0, '$a'), ...store('dRecurrent', 0, '$a'),
      set('$a', mul(get('$c'), get('$i'))), ...store('dRecurrent', 2, '$a'),
      set('$a', mul(get('$d'), get('$f'))), ...store('direct', 0, '$a'),
    ],
  },
  {
    name: 'tanhForward', doc: 'Elman: h = tanh(pre + bias)',
    arrays: [{ name: 'pre', blocks: 1 }, { name: 'bias', blocks: 0 }, { name: 'h', blocks: 1 }],
    body: (load, store) => [...tanh('$a', add(load('pre', 0), load('bias', 0))), ...store('h', 0, '$a')],
  },
  {
    name: 'tanhBackward', doc: 'Elman: dPre = (1 − h²)⊙dh',
    arrays: [{ name: 'h', blocks: 1 }, { name: 'dh', blocks: 1 }, { name: 'dPre', blocks: 1 }],
    body: (load, store) => [set('$a', mul(oneMinusSquare(load('h', 0)), load('dh', 0))), ...store('dPre', 0, '$a')],
  },
];

/** The names of the exported passes, in the order the module defines them. */
export const gatePassNames = passes.map((pass) => pass.name);

/** The pointer parameters of each pass, in order after `(rows, n)`. */
export const gatePassArrays: Record<string, string[]> = Object.fromEntries(passes.map((pass) => [pass.name, pass.arrays.map((a) => a.name)]));

/** The WAT of one pass: a loop over rows, a loop over the vectors of a row. */
function passWat(pass: Pass): string[] {
  const lines: string[] = [];
  const emit = (indent: number, text: string) => lines.push(' '.repeat(indent) + text);
  const blockOffset = (block: number) => (block === 0 ? '' : ` (local.get $nb${block})`);
  const address = (array: string, block: number) =>
    block === 0 ? `(i32.add (local.get $p_${array}) (local.get $k))` : `(i32.add (i32.add (local.get $p_${array}) (local.get $k))${blockOffset(block)})`;
  const load = (array: string, block: number) => `(v128.load ${address(array, block)})`;
  const store = (array: string, block: number, local: string) => [`(v128.store ${address(array, block)} (local.get ${local}))`];
  emit(2, `;; ${pass.name}: ${pass.doc}`);
  emit(2, `(func (export "${pass.name}") (param $rows i32) (param $n i32) ${pass.arrays.map((a) => `(param $p_${a.name} i32)`).join(' ')}`);
  emit(4, '(local $k i32) (local $nb1 i32) (local $nb2 i32) (local $nb3 i32)');
  emit(4, '(local $ex v128) (local $en v128) (local $nf v128) (local $tx v128) (local $t2 v128)');
  emit(4, '(local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $t v128) (local $d v128) (local $a v128)');
  emit(4, '(local.set $nb1 (i32.shl (local.get $n) (i32.const 2)))');
  emit(4, '(local.set $nb2 (i32.shl (local.get $n) (i32.const 3)))');
  emit(4, '(local.set $nb3 (i32.add (local.get $nb1) (local.get $nb2)))');
  emit(4, '(block $done (loop $row');
  emit(6, '(br_if $done (i32.eqz (local.get $rows)))');
  emit(6, '(local.set $k (i32.const 0))');
  emit(6, '(block $rowDone (loop $vector');
  emit(8, '(br_if $rowDone (i32.ge_u (local.get $k) (local.get $nb1)))');
  for (const line of pass.body(load, store)) emit(8, line);
  emit(8, '(local.set $k (i32.add (local.get $k) (i32.const 16)))');
  emit(8, '(br $vector)))');
  for (const array of pass.arrays) {
    if (array.blocks === 0) continue;
    const stride = array.blocks === 1 ? '(local.get $nb1)' : array.blocks === 2 ? '(local.get $nb2)' : array.blocks === 3 ? '(local.get $nb3)' : '(i32.shl (local.get $nb1) (i32.const 2))';
    emit(6, `(local.set $p_${array.name} (i32.add (local.get $p_${array.name}) ${stride}))`);
  }
  emit(6, '(local.set $rows (i32.sub (local.get $rows) (i32.const 1)))');
  emit(6, '(br $row)))');
  emit(2, ')');
  return lines;
}

/** The WAT text of the gate kernel module. */
export function gateWat(): string {
  const functions = passes.flatMap(passWat);
  const lines = ['(module', '  (memory (export "memory") 1)'];
  for (const [text, index] of constants) lines.push(`  (global $k${index} v128 (v128.const f32x4 ${text} ${text} ${text} ${text}))`);
  lines.push('  (global $exponentBias v128 (v128.const i32x4 127 127 127 127))');
  lines.push(...functions, ')', '');
  return lines.join('\n');
}
