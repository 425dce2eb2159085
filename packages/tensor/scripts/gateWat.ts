import { createSimdMath } from './simdMathWat.js';

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
 * The vector math (exp by range reduction and a polynomial, σ = 1/(1 + e^−x), tanh as a rational
 * function, NaN-propagating clamps) is documented in packages/tensor/scripts/simdMathWat.ts.
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

// The vector math (exp in its gate form, σ, tanh) and the constant table come from
// @recurrent/tensor's generator helpers, so the gate passes and the tensor kernels compute alike.
const math = createSimdMath();
const { get, set, add, sub, mul, splat, sigmoid, tanh } = math;
const one = splat(1);

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
  const lines = ['(module', '  (memory (export "memory") 1)', ...math.globals(), ...functions, ')', ''];
  return lines.join('\n');
}
