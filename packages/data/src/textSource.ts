import { DataError } from './dataError.js';
import { firstInvalidUtf8 } from './internal/utf8.js';

/**
 * Anything a reader can take text from: a string, bytes, a Blob/File, a WHATWG `ReadableStream`,
 * a Node stream (any async iterable of `Uint8Array`/`string` chunks), or a sync iterable of chunks.
 * Bytes are decoded as UTF-8 with a fatal decoder: invalid bytes raise a {@link DataError}.
 *
 * @example
 * const source: TextSource = new Blob(['a,b\n1,2\n']);
 */
export type TextSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | { stream(): ReadableStream<Uint8Array> }
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

/**
 * Decodes a {@link TextSource} into string chunks, streaming: at most one chunk is held at a time.
 * Invalid UTF-8 throws a {@link DataError} naming the file, line and column of the bad byte.
 *
 * @example
 * let text = '';
 * for await (const chunk of decodeText(new TextEncoder().encode('héllo'))) text += chunk;
 * text; // 'héllo'
 */
export async function* decodeText(source: TextSource, options: { file?: string; reader?: string } = {}): AsyncGenerator<string> {
  const file = options.file ?? '<input>';
  const reader = options.reader ?? 'decodeText';
  checkTextSource(reader, source);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let lines = 0;
  let lastLineLength = 0;
  // bytes of an incomplete character the decoder holds back: needed to place an error that straddles chunks
  let tail: Uint8Array = new Uint8Array(0);
  const track = (text: string) => {
    let at = text.indexOf('\n');
    if (at < 0) {
      lastLineLength += text.length;
      return;
    }
    let last = at;
    while (at >= 0) {
      lines++;
      last = at;
      at = text.indexOf('\n', at + 1);
    }
    lastLineLength = text.length - last - 1;
  };
  const decodeBytes = (bytes: Uint8Array, final: boolean): string => {
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: !final });
    } catch {
      throw encodingError(reader, file, tail, bytes, final, lines, lastLineLength);
    }
    tail = pendingTail(tail.length > 0 ? concat(tail, bytes) : bytes);
    track(text);
    return text;
  };
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === 'string') {
      track(chunk);
      if (chunk.length > 0) yield chunk;
      continue;
    }
    const text = decodeBytes(chunk, false);
    if (text.length > 0) yield text;
  }
  const rest = decodeBytes(new Uint8Array(0), true);
  if (rest.length > 0) yield rest;
}

/**
 * Checks, before any reading, that a value is a {@link TextSource}; throws one line naming the
 * reader and what came (`parseCsv: expected a string, bytes, a Blob, a ReadableStream or an
 * iterable of chunks, got number 42`).
 */
export function checkTextSource(reader: string, source: unknown): asserts source is TextSource {
  if (typeof source === 'string' || source instanceof Uint8Array || source instanceof ArrayBuffer) return;
  if (typeof source === 'object' && source !== null) {
    const value = source as Record<PropertyKey, unknown>;
    if (typeof value.getReader === 'function' || typeof value.stream === 'function' || typeof value[Symbol.asyncIterator] === 'function' || typeof value[Symbol.iterator] === 'function') return;
  }
  const got = source === null ? 'null' : typeof source === 'object' ? Object.prototype.toString.call(source) : `${typeof source} ${String(source).slice(0, 40)}`;
  throw new Error(`${reader}: expected a string, bytes, a Blob, a ReadableStream or an iterable of chunks, got ${got}`);
}

async function* chunksOf(source: TextSource): AsyncGenerator<Uint8Array | string> {
  if (typeof source === 'string' || source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (source instanceof ArrayBuffer) {
    yield new Uint8Array(source);
    return;
  }
  if (typeof (source as ReadableStream).getReader === 'function') {
    const stream = source as ReadableStream<Uint8Array | string>;
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (typeof (source as { stream?: unknown }).stream === 'function') {
    yield* chunksOf((source as { stream(): ReadableStream<Uint8Array> }).stream());
    return;
  }
  if (Symbol.asyncIterator in (source as object) || Symbol.iterator in (source as object)) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) yield chunk;
      else throw new Error(`decodeText: expected chunks of Uint8Array or string, got ${Object.prototype.toString.call(chunk)}`);
    }
    return;
  }
  throw new Error(`decodeText: expected a string, bytes, a Blob, a ReadableStream or an iterable of chunks, got ${Object.prototype.toString.call(source)}`);
}

function encodingError(reader: string, file: string, tail: Uint8Array, bytes: Uint8Array, final: boolean, lines: number, lastLineLength: number): DataError {
  const joined = concat(tail, bytes);
  let offset = firstInvalidUtf8(joined, !final);
  if (offset < 0) offset = joined.length;
  let line = lines + 1;
  let lineStart = -1;
  for (let i = 0; i < offset; i++) {
    if (joined[i] === 0x0a) {
      line++;
      lineStart = i;
    }
  }
  const prefix = new TextDecoder('utf-8').decode(joined.subarray(lineStart + 1, offset));
  const column = (lineStart < 0 ? lastLineLength : 0) + prefix.length + 1;
  const hex = Array.from(joined.subarray(offset, offset + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new DataError(reader, { file, line, column }, 'UTF-8 text', `invalid bytes ${hex || '(truncated sequence at end of input)'}`);
}

/** The trailing bytes of an incomplete UTF-8 character (empty when the buffer ends on a boundary). */
function pendingTail(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  for (let k = 1; k <= Math.min(3, n); k++) {
    const b = bytes[n - k];
    if ((b & 0xc0) === 0x80) continue;
    const width = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return width > k ? bytes.slice(n - k) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
