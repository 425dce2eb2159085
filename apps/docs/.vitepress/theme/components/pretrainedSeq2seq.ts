// What the attention and auto-encoder pages do with their pretrained model files (the cli's
// g2p-attention and autoencoder checkpoints): typed text checked and turned into ids with the
// file's io, greedy decoding, the codes of names, cosine neighbours and two principal components.
// No Vue here, so the Playwright test and the pages share nothing but the model file.
import { noGrad } from '@recurrent/autograd';
import type { AttentionEncoderDecoder, EncoderDecoder, ModelIO } from '@recurrent/layers';
import { fromData } from '@recurrent/tensor';

/** The longest word or name the pages accept (CMUdict's longest kept words have about 20 letters). */
export const maxLetters = 20;

/** A typed word checked: its letters, or the message to show instead. */
export type Checked = { ok: true; letters: string } | { ok: false; message: string };

/** Accepts 1 to {@link maxLetters} letters a–z (either case, surrounding spaces ignored). */
export function checkLetters(typed: string, what: string): Checked {
  const text = typed.trim();
  if (text.length === 0) return { ok: false, message: `Type a ${what} (letters a–z).` };
  const bad = [...text].find((c) => !/[a-z]/i.test(c));
  if (bad !== undefined) return { ok: false, message: `Letters a–z only: ${JSON.stringify(bad)} is not one.` };
  if (text.length > maxLetters) return { ok: false, message: `At most ${maxLetters} letters, got ${text.length}.` };
  return { ok: true, letters: text };
}

/** The greedy pronunciation of a word and the attention weights of each emitted phoneme. */
export interface Pronunciation {
  letters: string[];
  phonemes: string[];
  /** `weights[i][j]`: phoneme i's attention on letter j (each row sums to 1). */
  weights: number[][];
}

/**
 * Pronounces lower-cased letters with the g2p-attention model file: ids are the letters' indices
 * in `io.vocabulary`, decoding stops at `io.extra.eos` or after the word's length +
 * `io.extra.extraSteps` phonemes (as `recurrent eval` decodes), ids name `io.outputVocabulary`.
 */
export function pronounce(model: AttentionEncoderDecoder, io: ModelIO, word: string): Pronunciation {
  const letters = [...word.toLowerCase()];
  const { extraSteps } = io.extra as { extraSteps: number };
  const ids = letters.map((c) => io.vocabulary!.indexOf(c));
  const { tokens, weights } = model.greedyDecode(fromData(Int32Array.from(ids), [ids.length, 1]), { maxLength: ids.length + extraSteps, sourceLengths: [ids.length] });
  return { letters, phonemes: tokens[0].map((id) => io.outputVocabulary![id]), weights: weights[0] };
}

/** A name in the data set's form: the first letter upper-case, the others lower-case. */
export function nameForm(letters: string): string {
  return letters.charAt(0).toUpperCase() + letters.slice(1).toLowerCase();
}

interface NameIds { padId: number; bosId: number; eosId: number; extraSteps: number }

function nameBatch(io: ModelIO, names: readonly string[]) {
  const { padId } = io.extra as unknown as NameIds;
  const lengths = names.map((name) => name.length);
  const T = Math.max(...lengths), B = names.length;
  const ids = new Int32Array(T * B).fill(padId);
  names.forEach((name, b) => [...name].forEach((c, t) => (ids[t * B + b] = io.vocabulary!.indexOf(c))));
  return { source: fromData(ids, [T, B]), lengths };
}

/** The characters of `name` missing from the auto-encoder's vocabulary (none: it can be read). */
export function unknownCharacters(io: ModelIO, name: string): string[] {
  return [...new Set(name)].filter((c) => !io.vocabulary!.includes(c));
}

/**
 * The codes of names (the encoder's final state, every part of it — h, and c for an LSTM —
 * side by side), one row a name.
 */
export function nameCodes(model: EncoderDecoder, io: ModelIO, names: readonly string[]): number[][] {
  const { source, lengths } = nameBatch(io, names);
  const state = noGrad(() => model.encode(source, lengths));
  return names.map((_, b) => state.flatMap((part) => {
    const H = part.shape[1];
    return Array.from(part.value.data.subarray(b * H, (b + 1) * H));
  }));
}

/** Greedy reconstructions of names (at most each name's length + `io.extra.extraSteps` characters). */
export function reconstruct(model: EncoderDecoder, io: ModelIO, names: readonly string[]): string[] {
  const { extraSteps } = io.extra as unknown as NameIds;
  const { source, lengths } = nameBatch(io, names);
  const decoded = model.greedyDecode(source, { maxLength: Math.max(...lengths) + extraSteps, sourceLengths: lengths });
  // (a special id emitted before the end shows as its token, '<pad>' or '<s>')
  return decoded.map((ids, b) => ids.slice(0, lengths[b] + extraSteps).map((id) => io.vocabulary![id]).join(''));
}

/** Cosine similarity of two vectors (0 when either is zero). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0, aa = 0, bb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j] * b[j];
    aa += a[j] * a[j];
    bb += b[j] * b[j];
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}

/** The `k` rows of `codes` most similar to `code` (cosine), best first, skipping `skip`. */
export function nearest(codes: readonly number[][], code: readonly number[], k: number, skip = -1): { index: number; similarity: number }[] {
  return codes
    .map((row, index) => ({ index, similarity: cosine(row, code) }))
    .filter(({ index }) => index !== skip)
    .sort((x, y) => y.similarity - x.similarity || x.index - y.index)
    .slice(0, k);
}

/** The mean of rows and their first two principal directions (unit vectors), to project any code. */
export interface Principal {
  mean: number[];
  components: [number[], number[]];
  /** The variance of the rows along each component. */
  variances: [number, number];
}

/**
 * The first two principal components of rows `[n, d]`: the top two eigenvectors of their
 * covariance `C = Xᵀ X / n` (X the centred rows), by power iteration on `C` (until the vector moves
 * less than 1e-10, at most 5,000 rounds, from a fixed start), the second on `C − λ₁ v₁ v₁ᵀ`.
 */
export function principalComponents(rows: readonly number[][]): Principal {
  const n = rows.length, d = rows[0].length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j], 0) / n);
  const C = new Float64Array(d * d);
  for (const r of rows) {
    for (let i = 0; i < d; i++) {
      const x = r[i] - mean[i];
      for (let j = 0; j < d; j++) C[i * d + j] += (x * (r[j] - mean[j])) / n;
    }
  }
  const components: number[][] = [];
  const variances: number[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Array.from({ length: d }, (_, j) => Math.cos(1 + j * (k + 1)));
    let variance = 0;
    for (let round = 0; round < 5000; round++) {
      const next = new Array<number>(d).fill(0);
      for (let i = 0; i < d; i++) {
        let sum = 0;
        for (let j = 0; j < d; j++) sum += C[i * d + j] * v[j];
        next[i] = sum;
      }
      variance = Math.hypot(...next);
      const moved = next.reduce((a, x, j) => a + (x / (variance || 1) - v[j]) ** 2, 0);
      v = next.map((x) => x / (variance || 1));
      if (moved < 1e-20) break;
    }
    components.push(v);
    variances.push(variance);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) C[i * d + j] -= variance * v[i] * v[j];
  }
  return { mean, components: components as [number[], number[]], variances: variances as [number, number] };
}

/** A code's coordinates on the two principal components. */
export function project(principal: Principal, code: readonly number[]): [number, number] {
  const along = (c: number[]) => code.reduce((a, x, j) => a + (x - principal.mean[j]) * c[j], 0);
  return [along(principal.components[0]), along(principal.components[1])];
}
