import { Generator } from '@recurrent/tensor';

/**
 * The seven symbols of the Reber grammar, in one-hot order.
 *
 * @example
 * reberSymbols.indexOf('X'); // 3: the one-hot position of X
 */
export const reberSymbols = 'BTSXPVE';

// Reber's finite automaton: state → [symbol, next state]; state 7 is final
const transitions: readonly (readonly [string, number][])[] = [
  [['B', 1]],
  [['T', 2], ['P', 3]],
  [['S', 2], ['X', 4]],
  [['T', 3], ['V', 5]],
  [['X', 3], ['S', 6]],
  [['P', 4], ['V', 6]],
  [['E', 7]],
  [],
];

/**
 * A string of the Reber grammar (each branch taken with probability ½).
 *
 * @example
 * reberString(new Generator(0)); // e.g. 'BTSSXXVVE'
 */
export function reberString(generator: Generator): string {
  let state = 0;
  let out = '';
  while (transitions[state].length > 0) {
    const edges = transitions[state];
    const [symbol, next] = edges[edges.length === 1 ? 0 : generator.integer(edges.length)];
    out += symbol;
    state = next;
  }
  return out;
}

/**
 * A string of the embedded Reber grammar: `B`, then `T` or `P`, a Reber string, the same `T` or
 * `P` again, `E`. Predicting that second `T`/`P` needs memory across the whole inner string.
 *
 * @example
 * embeddedReberString(new Generator(1)); // e.g. 'BPBTXSEPE'
 */
export function embeddedReberString(generator: Generator): string {
  const branch = generator.integer(2) === 0 ? 'T' : 'P';
  return `B${branch}${reberString(generator)}${branch}E`;
}

/**
 * For each prefix of an embedded Reber string, the symbols that may come next (the prediction
 * targets of Hochreiter & Schmidhuber's experiment). An invalid string is an error naming the
 * first bad symbol's index.
 *
 * @example
 * embeddedReberNextSymbols('BTBTXSETE')[0]; // 'TP': after 'B' comes T or P
 */
export function embeddedReberNextSymbols(text: string): string[] {
  const out: string[] = [];
  let branch = '';
  let inner = -1;
  const expect = (index: number, allowed: string) => {
    if (!allowed.includes(text[index])) throw new Error(`embeddedReberNextSymbols: expected one of "${allowed}" at index ${index}, got ${JSON.stringify(text[index] ?? 'the end')}`);
  };
  for (let i = 0; i < text.length; i++) {
    if (i === 0) expect(i, 'B');
    else if (i === 1) {
      expect(i, 'TP');
      branch = text[i];
      inner = 0;
    } else if (inner >= 0 && inner < 7) {
      const edges = transitions[inner];
      expect(i, edges.map(([symbol]) => symbol).join(''));
      inner = edges.find(([symbol]) => symbol === text[i])![1];
    } else if (inner === 7) {
      expect(i, branch);
      inner = 8;
    } else if (inner === 8) {
      expect(i, 'E');
      inner = 9;
    } else throw new Error(`embeddedReberNextSymbols: expected the end after index ${i - 1}, got ${JSON.stringify(text.slice(i))}`);
    if (i === 0) out.push('TP');
    else if (inner >= 0 && inner < 7) out.push(transitions[inner].map(([symbol]) => symbol).join(''));
    else if (inner === 7) out.push(branch);
    else if (inner === 8) out.push('E');
    else out.push('');
  }
  if (inner !== 9) throw new Error(`embeddedReberNextSymbols: expected a complete string, got ${JSON.stringify(text)} (ends early)`);
  return out;
}

/**
 * Options of {@link embeddedReber}.
 *
 * @example
 * const options: EmbeddedReberOptions = { count: 1000, generator: 42 };
 */
export interface EmbeddedReberOptions {
  count: number;
  /** A seed or a Generator (default seed 0). */
  generator?: Generator | number;
}

/**
 * Embedded Reber strings as training examples: `inputs[i]` one-hot `[length_i · 7]` over
 * {@link reberSymbols}, `targets[i]` multi-hot `[length_i · 7]` of the symbols allowed next
 * (the last step's target is all zeros). Pad them with `padFeatures(…, 7)`.
 *
 * @example
 * const { strings, inputs, targets } = embeddedReber({ count: 100, generator: 0 });
 */
export function embeddedReber(options: EmbeddedReberOptions): { strings: string[]; inputs: Float32Array[]; targets: Float32Array[] } {
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`embeddedReber: expected a non-negative integer count, got ${options.count}`);
  const rng = options.generator instanceof Generator ? options.generator : new Generator(options.generator ?? 0);
  const strings: string[] = [];
  const inputs: Float32Array[] = [];
  const targets: Float32Array[] = [];
  for (let k = 0; k < options.count; k++) {
    const text = embeddedReberString(rng);
    const next = embeddedReberNextSymbols(text);
    const input = new Float32Array(text.length * 7);
    const target = new Float32Array(text.length * 7);
    for (let t = 0; t < text.length; t++) {
      input[t * 7 + reberSymbols.indexOf(text[t])] = 1;
      for (const symbol of next[t]) target[t * 7 + reberSymbols.indexOf(symbol)] = 1;
    }
    strings.push(text);
    inputs.push(input);
    targets.push(target);
  }
  return { strings, inputs, targets };
}
