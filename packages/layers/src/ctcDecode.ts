import { type Tensor, checkOptions, fail, formatShape, option } from '@recurrent/tensor';
import type { Variable } from '@recurrent/autograd';
import { tensorArgument } from './internal/commonOptions.js';
import { checkPositiveInteger } from './internal/checkPositiveInteger.js';

/**
 * Collapses a frame-level path into a labelling: merge repeated labels, then drop blanks
 * (CTC's many-to-one map `B`, Graves 2006): `[a, a, -, a, b, b] → [a, a, b]`.
 *
 * @example
 * ctcCollapse([1, 1, 0, 1, 2, 2]); // [1, 1, 2]
 */
export function ctcCollapse(path: ArrayLike<number>, blank = 0): number[] {
  const labels: number[] = [];
  let previous = -1;
  for (let t = 0; t < path.length; t++) {
    const label = path[t];
    if (label !== previous && label !== blank) labels.push(label);
    previous = label;
  }
  return labels;
}

/** Options of {@link ctcGreedyDecode}. */
export interface CTCGreedyOptions {
  blank?: number;
  /** Frames to read per sample (default: all `T`). */
  inputLengths?: readonly number[] | Int32Array;
}

function checkScores(op: string, scores: Tensor, rank: number): void {
  if (scores.rank !== rank) fail(op, rank === 3 ? 'scores [T, N, C]' : 'scores [T, C]', formatShape(scores.shape));
}

/**
 * Best-path decoding: the most likely class at every frame, collapsed (repeats merged, blanks
 * dropped). Works on probabilities, log-probabilities or logits alike (only the argmax matters).
 *
 * Shapes: `scores: [T, N, C]` → `N` label lists.
 *
 * @example
 * ctcGreedyDecode(logProbs, { blank: 0 }); // [[3, 1, 4], [1, 5]]
 */
export function ctcGreedyDecode(scores: Variable | Tensor, options: CTCGreedyOptions = {}): number[][] {
  checkOptions('ctcGreedyDecode', options, { blank: option.integer({ min: 0 }), inputLengths: option.shaped('an array of integers', (v) => (Array.isArray(v) || v instanceof Int32Array) && Array.from(v as ArrayLike<unknown>).every((n) => Number.isSafeInteger(n))) });
  const x = tensorArgument('ctcGreedyDecode', 'scores', scores);
  checkScores('ctcGreedyDecode', x, 3);
  const [T, N, C] = x.shape;
  const blank = options.blank ?? 0;
  const result: number[][] = [];
  for (let n = 0; n < N; n++) {
    const steps = options.inputLengths?.[n] ?? T;
    if (steps < 0 || steps > T) fail('ctcGreedyDecode', `inputLengths in [0, ${T}]`, `${steps} at index ${n}`);
    const path = new Int32Array(steps);
    for (let t = 0; t < steps; t++) {
      const row = (t * N + n) * C;
      let best = 0;
      for (let c = 1; c < C; c++) if (x.data[row + c] > x.data[row + best]) best = c;
      path[t] = best;
    }
    result.push(ctcCollapse(path, blank));
  }
  return result;
}

/** A language-model hook: `log P(nextLabel | prefix)` (natural log). */
export type CTCScorer = (prefix: readonly number[], nextLabel: number) => number;

/** Options of {@link ctcBeamSearch}. */
export interface CTCBeamSearchOptions {
  /** Prefixes kept after every frame (default 8). */
  beamWidth?: number;
  blank?: number;
  /** Language model, called when a prefix is extended by a new label. */
  scorer?: CTCScorer;
  /** Weight of the scorer's log-probability (default 1). */
  scorerWeight?: number;
  /** Number of hypotheses returned (default 1, at most `beamWidth`). */
  topPaths?: number;
}

/** A decoded hypothesis. */
export interface CTCHypothesis {
  labels: number[];
  /** `log Σ_paths p(path)` of the labelling (plus the weighted scorer terms). */
  logProb: number;
}

interface Beam {
  labels: number[];
  /** log-probability of the prefix over paths ending in a blank / in its last label. */
  blank: number;
  label: number;
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Prefix beam search (Graves 2012 §7; Hannun et al. 2014) over one sequence of
 * log-probabilities. Each prefix keeps the probability of the paths that collapse to it, split
 * by whether they end in a blank (`p_b`) or in its last label (`p_nb`):
 *
 * ```
 * blank:               p_b(ℓ)   += (p_b(ℓ) + p_nb(ℓ))·y_t(−)
 * repeat last label c: p_nb(ℓ)  += p_nb(ℓ)·y_t(c);  p_nb(ℓc) += p_b(ℓ)·y_t(c)·LM
 * new label c:         p_nb(ℓc) += (p_b(ℓ) + p_nb(ℓ))·y_t(c)·LM,   LM = exp(w·scorer(ℓ, c))
 * ```
 * then keeps the `beamWidth` best prefixes. With a beam as wide as the number of prefixes it is
 * exact: it returns the most probable labelling, which best-path (greedy) decoding may miss.
 *
 * Shapes: `logProbs: [T, C]` (one sequence; take `[t, n, :]` slices for a batch).
 *
 * @example
 * const [best] = ctcBeamSearch(logProbs, { beamWidth: 16, scorer: (prefix, c) => lm(prefix, c), scorerWeight: 0.5 });
 * best.labels; // [3, 1, 4]
 */
export function ctcBeamSearch(logProbs: Variable | Tensor, options: CTCBeamSearchOptions = {}): CTCHypothesis[] {
  checkOptions('ctcBeamSearch', options, {
    beamWidth: option.integer({ min: 1 }), blank: option.integer({ min: 0 }), scorer: option.function, scorerWeight: option.number(), topPaths: option.integer({ min: 1 }),
  });
  const x = tensorArgument('ctcBeamSearch', 'logProbs', logProbs);
  checkScores('ctcBeamSearch', x, 2);
  const [T, C] = x.shape;
  const blank = options.blank ?? 0;
  const beamWidth = options.beamWidth ?? 8;
  const weight = options.scorerWeight ?? 1;
  checkPositiveInteger('ctcBeamSearch', 'beamWidth', beamWidth);
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) fail('ctcBeamSearch', `blank in [0, ${C - 1}]`, String(blank));
  let beams: Beam[] = [{ labels: [], blank: 0, label: -Infinity }];
  for (let t = 0; t < T; t++) {
    const next = new Map<string, Beam>();
    const entry = (labels: number[]): Beam => {
      const key = labels.join(',');
      let beam = next.get(key);
      if (!beam) next.set(key, (beam = { labels, blank: -Infinity, label: -Infinity }));
      return beam;
    };
    const row = t * C;
    for (const beam of beams) {
      const total = logAdd(beam.blank, beam.label);
      const last = beam.labels.length > 0 ? beam.labels[beam.labels.length - 1] : -1;
      for (let c = 0; c < C; c++) {
        const p = x.data[row + c];
        if (p === -Infinity) continue;
        if (c === blank) {
          const same = entry(beam.labels);
          same.blank = logAdd(same.blank, total + p);
          continue;
        }
        const lm = options.scorer ? weight * options.scorer(beam.labels, c) : 0;
        const extendedBeam = entry([...beam.labels, c]);
        if (c === last) {
          // A repeat needs a blank in between to count twice; otherwise it stays one label.
          extendedBeam.label = logAdd(extendedBeam.label, beam.blank + p + lm);
          const same = entry(beam.labels);
          same.label = logAdd(same.label, beam.label + p);
        } else {
          extendedBeam.label = logAdd(extendedBeam.label, total + p + lm);
        }
      }
    }
    beams = [...next.values()].sort((a, b) => logAdd(b.blank, b.label) - logAdd(a.blank, a.label)).slice(0, beamWidth);
  }
  const topPaths = Math.min(options.topPaths ?? 1, beams.length);
  return beams.slice(0, topPaths).map((beam) => ({ labels: beam.labels, logProb: logAdd(beam.blank, beam.label) }));
}
