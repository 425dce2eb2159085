// The vector format and its comparison, free of Node's modules: the package's entry in a browser
// (its "browser" export), re-exported by index.ts beside the file loaders.

/** A tensor as the vectors store it (see test-vectors/README.md). */
export interface VectorTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64';
  data: (number | 'NaN' | 'Infinity' | '-Infinity')[];
}

/** One case of a vector file; fields beyond the common ones depend on the family. */
export interface VectorCase {
  name: string;
  family: string;
  config: Record<string, any>;
  param_names?: string[];
  params?: Record<string, VectorTensor>;
  inputs?: Record<string, VectorTensor>;
  outputs?: Record<string, VectorTensor>;
  aux?: Record<string, VectorTensor>;
  loss?: { formula: string; weights: Record<string, VectorTensor>; value: number | string };
  grads?: Record<string, VectorTensor>;
  [field: string]: any;
}

/** A parsed vector file. */
export interface VectorFile {
  schema_version: number;
  file: string;
  family: string;
  num_cases: number;
  cases: VectorCase[];
}

/** Decodes stored numbers, including the strings "NaN", "Infinity" and "-Infinity". */
export function decodeNumber(value: number | string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw new Error(`test-vectors: unexpected number encoding ${JSON.stringify(value)}`);
}

/** A stored tensor decoded to plain numbers (non-finite strings become numbers); int64 is
 * reported as `int32`, the dtype @recurrent uses for indices. Build a tensor from it with
 * `tensor(v.data, { shape: v.shape, dtype: v.dtype })`. */
export function decode(stored: VectorTensor): { shape: number[]; dtype: 'float32' | 'float64' | 'int32'; data: number[] } {
  return { shape: stored.shape, dtype: stored.dtype === 'int64' ? 'int32' : stored.dtype, data: stored.data.map(decodeNumber) };
}

/** The PyTorch tolerance for float32 results: |actual − expected| ≤ 1e-5 + 1e-4·|expected|. */
export const tolerance = { absolute: 1e-5, relative: 1e-4 } as const;

/** A mismatch found by {@link compare}. */
export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
}

/** Compares actual values with stored ones; returns the first mismatches (empty when all pass).
 * Non-finite values must match exactly. Shapes are compared too. */
export function compare(
  actual: { shape: readonly number[]; data: ArrayLike<number> } | number,
  expectedStored: VectorTensor | number | string,
  limits: { absolute: number; relative: number } = tolerance,
): { shapeOk: boolean; mismatches: Mismatch[]; worst: number } {
  // A scalar may be stored as a number or, when non-finite, as "Infinity" / "-Infinity" / "NaN".
  const expected = typeof expectedStored === 'string' ? decodeNumber(expectedStored) : expectedStored;
  const actualData = typeof actual === 'number' ? [actual] : actual.data;
  const actualShape = typeof actual === 'number' ? [] : [...actual.shape];
  const expectedData = typeof expected === 'number' ? [expected] : expected.data.map(decodeNumber);
  const expectedShape = typeof expected === 'number' ? [] : expected.shape;
  const shapeOk =
    actualData.length === expectedData.length &&
    (typeof actual === 'number' || typeof expected === 'number' || JSON.stringify(actualShape) === JSON.stringify(expectedShape));
  const mismatches: Mismatch[] = [];
  let worst = 0;
  if (!shapeOk) return { shapeOk, mismatches, worst: Infinity };
  for (let i = 0; i < expectedData.length; i++) {
    const a = actualData[i];
    const e = expectedData[i];
    let ok: boolean;
    if (!Number.isFinite(e)) ok = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    else {
      const error = Math.abs(a - e);
      const budget = limits.absolute + limits.relative * Math.abs(e);
      ok = error <= budget;
      if (budget > 0) worst = Math.max(worst, error / budget);
    }
    if (!ok && mismatches.length < 5) mismatches.push({ index: i, actual: a, expected: e });
    if (!ok) worst = Infinity;
  }
  return { shapeOk, mismatches, worst };
}

/** Throws a readable error when `actual` does not match `expected` within the tolerance. */
export function assertClose(
  label: string,
  actual: { shape: readonly number[]; data: ArrayLike<number> } | number,
  expected: VectorTensor | number | string,
  limits = tolerance,
): void {
  const result = compare(actual, expected, limits);
  if (!result.shapeOk) {
    const got = typeof actual === 'number' ? '[]' : `[${actual.shape.join(', ')}]`;
    const want = typeof expected === 'object' ? `[${expected.shape.join(', ')}]` : '[]';
    throw new Error(`${label}: expected shape ${want}, got ${got}`);
  }
  if (result.mismatches.length > 0) {
    const lines = result.mismatches.map((m) => `  [${m.index}] got ${m.actual}, expected ${m.expected}`);
    throw new Error(`${label}: values differ beyond ${limits.absolute} + ${limits.relative}·|expected|:\n${lines.join('\n')}`);
  }
}
