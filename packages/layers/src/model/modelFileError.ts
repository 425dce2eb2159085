import type { SafetensorsErrorCode } from '@recurrent/tensor';

/** What is wrong with a model file (or a model that cannot be saved), one code per kind of damage. */
export type ModelFileErrorCode =
  | SafetensorsErrorCode
  | 'not-a-model' | 'bad-description' | 'unsupported-version' | 'too-deep' | 'unknown-kind' | 'bad-options'
  | 'bad-children' | 'missing-tensor' | 'unexpected-tensor' | 'shape-mismatch' | 'dtype-mismatch' | 'checksum'
  | 'description-mismatch' | 'bad-io' | 'build-failed' | 'cannot-describe' | 'not-float32' | 'fetch-failed'
  | 'too-large' | 'not-found' | 'storage-failed';

/**
 * The one error a model file's reader or writer throws: a message naming what was expected and
 * what came, and a `code` a program can test (`'truncated'` files read as `'header-truncated'`
 * or `'offsets-outside'`, a changed weight as `'checksum'`, …).
 *
 * @example
 * try { decodeModel(bytes); } catch (error) { if (error instanceof ModelFileError && error.code === 'checksum') … }
 */
export class ModelFileError extends Error {
  constructor(readonly code: ModelFileErrorCode, message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}
