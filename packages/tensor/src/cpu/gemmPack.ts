/**
 * Copies ("stages") a `rows × columns` block of a row-major float32 matrix into `target` with row
 * stride `targetStride`, zeroing columns `columns … paddedColumns − 1` and rows `rows …
 * paddedRows − 1`: the WebAssembly packing then works on whole panels with no edge cases. The
 * padded lanes only feed padded rows and columns of C, which are never copied out; they are
 * zeroed so that the kernel never computes on stale values (denormals are slow on x86).
 * Long rows are copied with `set` (a memory copy), short ones element by element.
 */
export function stageBlock(
  source: Float32Array, sourceIndex: number, sourceStride: number, rows: number, columns: number,
  target: Float32Array, targetIndex: number, targetStride: number, paddedRows: number, paddedColumns: number,
): void {
  if (sourceStride === columns && targetStride === columns) {
    target.set(source.subarray(sourceIndex, sourceIndex + rows * columns), targetIndex);
  } else {
    for (let r = 0; r < rows; r++) {
      const from = sourceIndex + r * sourceStride;
      const to = targetIndex + r * targetStride;
      if (columns >= 32) target.set(source.subarray(from, from + columns), to);
      else for (let j = 0; j < columns; j++) target[to + j] = source[from + j];
      if (paddedColumns > columns) target.fill(0, to + columns, to + paddedColumns);
    }
  }
  if (paddedRows > rows) target.fill(0, targetIndex + rows * targetStride, targetIndex + paddedRows * targetStride);
}

/** Copies a `rows × columns` block between two row-major float32 matrices with their own row strides. */
export function copyBlock(
  source: Float32Array, sourceIndex: number, sourceStride: number,
  target: Float32Array, targetIndex: number, targetStride: number, rows: number, columns: number,
): void {
  if (sourceStride === columns && targetStride === columns) {
    target.set(source.subarray(sourceIndex, sourceIndex + rows * columns), targetIndex);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const from = sourceIndex + r * sourceStride;
    const to = targetIndex + r * targetStride;
    if (columns >= 32) target.set(source.subarray(from, from + columns), to);
    else for (let j = 0; j < columns; j++) target[to + j] = source[from + j];
  }
}
