import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadAsset, loadVectors } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { tensor } from '../ops/creation.js';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { type LayoutCase, runCase as runLayoutCase } from '../../test/parity/safetensorsLayout.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A file from a raw header text and data bytes, as a hostile writer would make it. */
function rawFile(header: string, data: Uint8Array = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(bytes.buffer);
  const length = declaredLength ?? json.length;
  view.setUint32(0, length % 2 ** 32, true);
  view.setUint32(4, Math.floor(length / 2 ** 32), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

const cases = loadVectors('state_dict/state_dict.json').cases;

describe('encodeSafetensors / decodeSafetensors on PyTorch files', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: decodes by name, as PyTorch wrote it', (_name, testCase) => {
    const info = (testCase as unknown as { safetensors: { file: string; sha256: string; metadata: Record<string, string>; tensors: { name: string; shape: number[] }[] } }).safetensors;
    const bytes = loadAsset(`state_dict/${info.file}`);
    expect(sha256(bytes)).toBe(info.sha256);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual(info.metadata);
    expect(Object.keys(tensors)).toEqual(info.tensors.map((t) => t.name));
    for (const t of info.tensors) expect(tensors[t.name].shape).toEqual(t.shape);
  });
});

// Files laid out by the reference writer's rules (scripts/vectors/safetensors_layout.py), through the
// family's parity runner (pnpm parity runs it too).
const layout = JSON.parse(readFileSync(new URL('../../../../test-vectors/local/safetensors_layout.json', import.meta.url), 'utf8')) as { cases: LayoutCase[] };

describe('encodeSafetensors writes the layout of safetensors.torch.save_file', () => {
  it.each(layout.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    expect(() => runLayoutCase(testCase)).not.toThrow();
  });

  it('re-encodes a decoded PyTorch file into the same tensors in the reference order', () => {
    for (const testCase of cases) {
      const info = (testCase as unknown as { safetensors: { file: string } }).safetensors;
      const { tensors, metadata } = decodeSafetensors(loadAsset(`state_dict/${info.file}`));
      const again = decodeSafetensors(encodeSafetensors(tensors, metadata));
      expect(Object.keys(again.tensors)).toEqual(Object.keys(tensors).sort());
      for (const name of Object.keys(tensors)) expect(again.tensors[name].data).toEqual(tensors[name].data);
    }
  });
});

describe('encodeSafetensors', () => {
  it('round-trips float32, float64 and int32 bit for bit, with metadata and without', () => {
    const values = {
      a: tensor([[1.5, -0, NaN], [Infinity, 1e-40, 3]]),
      b: tensor([1, 2 ** 31 - 1, -(2 ** 31)], { dtype: 'int32' }),
      c: tensor([Math.PI], { dtype: 'float64' }),
      '0': tensor([], { shape: [0, 4] }),
    };
    for (const metadata of [undefined, { format: 'pt', note: 'ünïcode "quoted"' }]) {
      const bytes = encodeSafetensors(values, metadata);
      const length = new DataView(bytes.buffer).getUint32(0, true);
      expect(length % 8).toBe(0);
      const decoded = decodeSafetensors(bytes);
      expect(decoded.metadata === undefined ? undefined : { ...decoded.metadata }).toEqual(metadata);
      expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(values).sort());
      for (const [name, t] of Object.entries(values)) {
        expect(decoded.tensors[name].dtype).toBe(t.dtype);
        expect(decoded.tensors[name].shape).toEqual(t.shape);
        expect(new Uint8Array(decoded.tensors[name].data.buffer)).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      }
    }
  });

  it('refuses a tensor named __metadata__', () => {
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/names other than '__metadata__'/);
  });
});

describe('decodeSafetensors on hostile files', () => {
  const four = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  const entry = (name: string, dtype: string, shape: unknown, offsets: unknown) => `"${name}":{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":${JSON.stringify(offsets)}}`;

  it('reads other writers\' layouts that rely on data_offsets (data in another order)', () => {
    const bytes = rawFile(`{${entry('b', 'F32', [2], [8, 16])},${entry('a', 'F32', [2], [0, 8])}}`, four);
    const { tensors } = decodeSafetensors(bytes);
    expect(Array.from(tensors.a.data)).toEqual([1, 2]);
    expect(Array.from(tensors.b.data)).toEqual([3, 4]);
  });

  it.each([
    ['fewer than 8 bytes', new Uint8Array(5), /at least 8 bytes/],
    ['a huge header length', rawFile('{}', new Uint8Array(0), 2 ** 40), /header length of at most/],
    ['a header length past the end', rawFile('{}', new Uint8Array(0), 64), /inside the file.*truncated/],
    ['a header that is not JSON', rawFile('{"a":'), /malformed JSON/],
    ['a header that is an array', rawFile('[1,2]'), /JSON object, got an array/],
    ['invalid UTF-8', (() => { const f = rawFile('{"a" }'); f[10] = 0xff; return f; })(), /UTF-8/],
    ['duplicate names', rawFile(`{${entry('a', 'F32', [2], [0, 8])},${entry('a', 'F32', [2], [8, 16])}}`, four), /unique tensor names, got 'a' twice/],
    ['an unknown dtype', rawFile(`{${entry('a', 'U8', [16], [0, 16])}}`, four), /expected dtype F32.*got "U8"/],
    ['negative offsets', rawFile(`{${entry('a', 'F32', [4], [-4, 12])}}`, four), /non-negative integers, got \[-4,12\]/],
    ['fractional offsets', rawFile(`{${entry('a', 'F32', [4], [0.5, 16])}}`, four), /non-negative integers/],
    ['offsets past the data', rawFile(`{${entry('a', 'F32', [8], [0, 32])}}`, four), /inside the 16 data bytes/],
    ['overlapping offsets', rawFile(`{${entry('a', 'F32', [3], [0, 12])},${entry('b', 'F32', [2], [8, 16])}}`, four), /overlaps the previous tensor/],
    ['a gap between tensors', rawFile(`{${entry('a', 'F32', [1], [0, 4])},${entry('b', 'F32', [2], [8, 16])}}`, four), /leaves a gap at byte 4/],
    ['data left uncovered', rawFile(`{${entry('a', 'F32', [2], [0, 8])}}`, four), /cover all 16 data bytes, got 8/],
    ['a shape that overflows', rawFile(`{${entry('a', 'F32', [2 ** 31, 2 ** 31, 2 ** 31, 0], [0, 16])}}`, four), /a shape that fits/],
    ['a shape that disagrees with the offsets', rawFile(`{${entry('a', 'F32', [3], [0, 16])}}`, four), /expected 12 bytes for F32 \[3\]/],
    ['a negative dimension', rawFile(`{${entry('a', 'F32', [-4], [0, 16])}}`, four), /shape of non-negative integers/],
    ['truncated data', rawFile(`{${entry('a', 'F32', [4], [0, 16])}}`, four.subarray(0, 12)), /inside the 12 data bytes/],
    ['extra entry fields', rawFile(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16],"eval":"x"}}`, four), /only dtype, shape and data_offsets, got eval/],
    ['non-string metadata', rawFile(`{"__metadata__":{"n":1},${entry('a', 'F32', [4], [0, 16])}}`, four), /__metadata__ values to be strings/],
    ['an I64 value beyond int32', rawFile(`{${entry('a', 'I64', [2], [0, 16])}}`, new Uint8Array(new BigInt64Array([1n, 2n ** 40n]).buffer)), /within int32 range, got 1099511627776 at index 1/],
  ])('rejects %s', (_what, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(message);
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
  });

  it('treats __proto__ as a plain name, never as the prototype', () => {
    const { tensors } = decodeSafetensors(rawFile(`{${entry('__proto__', 'F32', [4], [0, 16])}}`, four));
    expect(Object.getPrototypeOf(tensors)).toBe(null);
    expect(Array.from(tensors['__proto__'].data)).toEqual([1, 2, 3, 4]);
  });

  it('reads I64 within int32, F16 and BF16', () => {
    const int64 = new Uint8Array(new BigInt64Array([-3n, 2n ** 31n - 1n]).buffer);
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7c00, 0x0001]).buffer);
    const brain = new Uint8Array(new Uint16Array([0x3f80, 0xc040, 0, 0]).buffer);
    const data = new Uint8Array([...int64, ...half, ...brain]);
    const header = `{${entry('i', 'I64', [2], [0, 16])},${entry('h', 'F16', [4], [16, 24])},${entry('b', 'BF16', [4], [24, 32])}}`;
    const { tensors } = decodeSafetensors(rawFile(header, data));
    expect(tensors.i.dtype).toBe('int32');
    expect(Array.from(tensors.i.data)).toEqual([-3, 2 ** 31 - 1]);
    expect(Array.from(tensors.h.data)).toEqual([1, -2, Infinity, Math.fround(2 ** -24)]);
    expect(Array.from(tensors.b.data)).toEqual([1, -3, 0, 0]);
  });
});

describe('decodeSafetensors on deeply nested headers', () => {
  it('rejects a header nested 100,000 levels deep with one line, not a stack overflow', () => {
    const header = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const bytes = new Uint8Array(8 + header.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(new TextEncoder().encode(header), 8);
    expect(() => decodeSafetensors(bytes)).toThrow('decodeSafetensors: expected a header nested at most 64 levels deep, got more');
  });
});
