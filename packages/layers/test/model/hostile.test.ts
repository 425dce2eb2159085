// Damaged and hostile model files, made from a valid one: each is refused with one named error,
// quickly, without building the model (Node and chromium).
import { describe, expect, it } from 'vitest';
import { Generator, encodeSafetensors, randn } from '@recurrent/tensor';
import { Embedding, LSTM, Linear, ModelFileError, type ModelFileErrorCode, TokenModel, decodeModel, encodeModel, sha256Hex } from '../../src/index.js';

const model = new TokenModel({
  embedding: new Embedding({ numEmbeddings: 6, embeddingDim: 3 }),
  rnn: new LSTM({ inputSize: 3, hiddenSize: 4 }),
  linear: new Linear({ inFeatures: 4, outFeatures: 6 }),
});
const valid = encodeModel(model, { io: { task: 'char-lm', vocabulary: ['a', 'b', 'c', 'd', 'e', '\n'] } });

interface Parts {
  header: Record<string, unknown>;
  description: Record<string, unknown>;
  data: Uint8Array;
}

function split(bytes: Uint8Array): Parts {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  const description = JSON.parse((header.__metadata__ as Record<string, string>).recurrent) as Record<string, unknown>;
  return { header, description, data: bytes.slice(8 + length) };
}

/** A file from a header object (the description re-serialised into it) and data bytes. */
function join({ header, description, data }: Parts, headerText?: string): Uint8Array {
  const full = { ...header, __metadata__: { ...(header.__metadata__ as object), recurrent: JSON.stringify(description) } };
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(full));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

/** The valid file with its description changed (the checksum still right). */
function describe_(change: (description: Record<string, unknown>) => void): Uint8Array {
  const parts = split(valid);
  change(parts.description);
  return join(parts);
}

const module_ = (d: Record<string, unknown>) => d.module as { children: Record<string, { kind: string; options: Record<string, unknown> }> };

const cases: [string, () => Uint8Array, ModelFileErrorCode][] = [
  ['an empty file', () => new Uint8Array(0), 'too-short'],
  ['a file cut inside the length', () => valid.subarray(0, 5), 'too-short'],
  ['a file cut inside the header', () => valid.subarray(0, 40), 'header-truncated'],
  ['a file cut inside the weights', () => valid.subarray(0, valid.length - 10), 'offsets-outside'],
  ['a header length of 2^40 bytes', () => { const b = valid.slice(); new DataView(b.buffer).setUint32(4, 256, true); return b; }, 'header-too-large'],
  ['a header that is not JSON', () => join(split(valid), '{"a":'), 'header-not-json'],
  ['a header of invalid UTF-8', () => { const b = valid.slice(); b[12] = 0xff; return b; }, 'header-not-utf8'],
  ['a tensor named twice', () => join(split(valid), JSON.stringify(split(valid).header).replace('{', '{"linear.bias":{"dtype":"F32","shape":[6],"data_offsets":[0,24]},')), 'duplicate-name'],
  ['a tensor shape beyond the file', () => { const p = split(valid); (p.header['linear.bias'] as { shape: number[] }).shape = [2 ** 40]; return join(p); }, 'shape-too-large'],
  ['overlapping tensors', () => { const p = split(valid); (p.header['linear.bias'] as { data_offsets: number[] }).data_offsets = [0, 24]; return join(p); }, 'overlap'],
  ['bytes appended after the weights', () => { const p = split(valid); p.data = new Uint8Array([...p.data, 1, 2, 3, 4]); return join(p); }, 'trailing-bytes'],
  ['plain weights without a description', () => encodeSafetensors(model.stateDict(), { format: 'pt' }), 'not-a-model'],
  ['a description that is not JSON', () => { const p = split(valid); return join(p, JSON.stringify({ ...p.header, __metadata__: { format: 'pt', recurrent: '{"format":' } })); }, 'bad-description'],
  ['a description of version 2', () => describe_((d) => { d.version = 2; }), 'unsupported-version'],
  ['an unknown module kind', () => describe_((d) => { module_(d).children.rnn.kind = 'Function'; }), 'unknown-kind'],
  ['a kind named __proto__', () => describe_((d) => { module_(d).children.rnn.kind = '__proto__'; }), 'unknown-kind'],
  ['an unknown option name', () => describe_((d) => { module_(d).children.rnn.options.hiddenSzie = 4; }), 'bad-options'],
  ['an option of the wrong type', () => describe_((d) => { module_(d).children.rnn.options.hiddenSize = '4'; }), 'bad-options'],
  ['an option __proto__ (prototype pollution)', () => { const p = split(valid); const text = JSON.stringify(p.description).replace('"options":{"inputSize"', '"options":{"__proto__":{"polluted":true},"inputSize"'); return join(p, JSON.stringify({ ...p.header, __metadata__: { format: 'pt', recurrent: text } })); }, 'bad-options'],
  ['a submodule missing', () => describe_((d) => { delete module_(d).children.linear; }), 'bad-children'],
  ['a module tree nested 100,000 deep', () => {
    const p = split(valid);
    const depth = 100_000;
    const nested = `${'{"kind":"Recurrent","options":{},"children":{"cell":'.repeat(depth)}{"kind":"Linear","options":{}}${'}}'.repeat(depth)}`;
    const text = JSON.stringify({ ...p.description, module: '$' }).replace('"$"', nested);
    return join(p, JSON.stringify({ ...p.header, __metadata__: { format: 'pt', recurrent: text } }));
  }, 'too-deep'],
  ['a weight changed after writing', () => { const p = split(valid); p.data[5] ^= 1; return join(p); }, 'checksum'],
  ['a tensor stored as I32 instead of F32', () => { const p = split(valid); (p.header['linear.bias'] as { dtype: string }).dtype = 'I32'; return join(p); }, 'dtype-mismatch'],
  ['a tensor shape other than the description', () => { const p = split(valid); (p.header['linear.bias'] as { shape: number[] }).shape = [2, 3]; return join(p); }, 'shape-mismatch'],
  ['a described tensor absent from the file', () => describe_((d) => { (d.tensors as Record<string, number[]>)['rnn.weight_hr_l0'] = [1, 4]; }), 'missing-tensor'],
  ['a tensor the description does not list', () => describe_((d) => { delete (d.tensors as Record<string, number[]>)['linear.bias']; }), 'unexpected-tensor'],
  ['options asking for a huge model (hiddenSize 10^9)', () => describe_((d) => { module_(d).children.rnn.options.hiddenSize = 1e9; }), 'description-mismatch'],
  ['options asking for 10^9 layers', () => describe_((d) => { module_(d).children.rnn.options.numLayers = 1e9; }), 'description-mismatch'],
  ['a Stacked layer count of 10^9', () => describe_((d) => { d.module = { kind: 'Stacked', options: { layers: 1e9 }, children: {} }; }), 'bad-options'],
  ['a vocabulary of numbers', () => describe_((d) => { d.io = { vocabulary: [1, 2] }; }), 'bad-io'],
  ['an unknown io entry', () => describe_((d) => { d.io = { script: 'alert(1)' }; }), 'bad-io'],
  ['a description holding code as a string', () => describe_((d) => { d.module = 'function () { return globalThis; }'; }), 'bad-description'],
  ['a metadata value that is not a string', () => { const p = split(valid); return join(p, JSON.stringify({ ...p.header, __metadata__: { format: 'pt', recurrent: { kind: 'LSTM' } } })); }, 'bad-metadata'],
  ['a sha256 that is not hex', () => describe_((d) => { d.sha256 = 'x'.repeat(64); }), 'bad-description'],
];

const heap = () => (typeof process !== 'undefined' ? process.memoryUsage().arrayBuffers : 0);

describe('decodeModel on damaged and hostile files', () => {
  it('reads the valid file these are made from', () => {
    expect(decodeModel(valid).module).toBeInstanceOf(TokenModel);
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('refuses %s', (_what, make, code) => {
    const bytes = make();
    const before = heap();
    const started = Date.now();
    let error: unknown;
    try {
      decodeModel(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error, String(error)).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).code, (error as Error).message).toBe(code);
    expect((error as Error).message).toMatch(/^loadModel: .*(expected|unknown)/);
    expect(Date.now() - started).toBeLessThan(2000);
    // no allocation larger than the file (Node counts array buffers; chromium has no such counter)
    expect(heap() - before).toBeLessThanOrEqual(2 * bytes.length + 65536);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('sha256Hex', () => {
  it('agrees with WebCrypto on lengths around the block boundaries', async () => {
    const generator = new Generator(1);
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const bytes = Uint8Array.from(randn([length], generator).data, (v) => Math.floor(Math.abs(v) * 97) % 256);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      expect(sha256Hex(bytes)).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
    }
  });
});
