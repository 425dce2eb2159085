import type { Module } from '@recurrent/autograd';
import { type DecodeModelOptions, type EncodeModelOptions, type LoadedModel, decodeModel, encodeModel } from './modelFile.js';
import { ModelFileError } from './modelFileError.js';
import { readStoredModel, storeModel } from './modelStore.js';

/** Progress of a download: bytes so far and the total when the server sent a length. */
export interface LoadProgress {
  loaded: number;
  total: number | null;
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions extends DecodeModelOptions {
  /** Called as the bytes of a URL arrive. */
  onProgress?: (progress: LoadProgress) => void;
  /** Largest file accepted from a URL, in bytes (default 512 MiB): a longer body is refused as it arrives. */
  maxBytes?: number;
  /** Passed to `fetch` (headers, credentials, an abort signal). */
  fetchOptions?: RequestInit;
}

/** The prefix of a model kept in the browser's IndexedDB (`indexeddb://moby-lstm`). */
export const indexedDbScheme = 'indexeddb://';

/**
 * Loads a model file from bytes, a URL (fetched, in browsers and Node, with progress) or
 * `indexeddb://NAME` (browsers), validated before anything is built (see {@link decodeModel}).
 * In Node, `@recurrent/layers/node` adds `loadModelFile(path)`.
 *
 * @example
 * const { module, io } = await loadModel('/models/moby.safetensors', { onProgress: ({ loaded, total }) => bar(loaded / (total ?? loaded)) });
 * await saveModel(module, 'indexeddb://moby', { io });
 * const again = await loadModel('indexeddb://moby');
 */
export async function loadModel<M extends Module = Module>(source: Uint8Array | ArrayBuffer | string | URL, options: LoadModelOptions = {}): Promise<LoadedModel<M>> {
  if (source instanceof Uint8Array) return decodeModel<M>(source, options);
  if (source instanceof ArrayBuffer) return decodeModel<M>(new Uint8Array(source), options);
  const address = String(source);
  if (address.startsWith(indexedDbScheme)) return decodeModel<M>(await readStoredModel(address.slice(indexedDbScheme.length)), options);
  return decodeModel<M>(await fetchBytes(address, options), options);
}

/**
 * Writes a model file: returns its bytes, and with `indexeddb://NAME` also keeps them in the
 * browser's IndexedDB (one transaction: the old copy stays until the new one is complete). For a
 * path in Node use `saveModelFile` from `@recurrent/layers/node`.
 *
 * @example
 * const bytes = await saveModel(model, 'indexeddb://names', { io: { task: 'names', vocabulary } });
 */
export async function saveModel(module: Module, target: 'bytes' | string, options: EncodeModelOptions = {}): Promise<Uint8Array> {
  const bytes = encodeModel(module, options);
  if (target === 'bytes') return bytes;
  if (!target.startsWith(indexedDbScheme)) throw new ModelFileError('storage-failed', `saveModel: expected 'bytes' or an ${indexedDbScheme}NAME target (files: saveModelFile from @recurrent/layers/node), got '${target}'`);
  await storeModel(target.slice(indexedDbScheme.length), bytes);
  return bytes;
}

async function fetchBytes(url: string, options: LoadModelOptions): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? 512 * 2 ** 20;
  let response: Response;
  try {
    response = await fetch(url, options.fetchOptions);
  } catch (error) {
    throw new ModelFileError('fetch-failed', `loadModel: expected to fetch ${url}, got ${(error as Error).message}`);
  }
  if (!response.ok) throw new ModelFileError('fetch-failed', `loadModel: expected ${url} to answer 200, got ${response.status} ${response.statusText}`);
  const header = response.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  if (total !== null && total > maxBytes) throw new ModelFileError('too-large', `loadModel: expected at most ${maxBytes} bytes from ${url}, got a length of ${total}`);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  options.onProgress?.({ loaded, total });
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    options.onProgress?.({ loaded: bytes.length, total });
    return bytes;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.length;
    if (loaded > maxBytes) {
      await reader.cancel();
      throw new ModelFileError('too-large', `loadModel: expected at most ${maxBytes} bytes from ${url}, got more`);
    }
    chunks.push(value);
    options.onProgress?.({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
