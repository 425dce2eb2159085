import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bidirectional, type Stacked, encodeModel, loadModel, saveModel } from '../../src/index.js';
import { loadModelFile, saveModelFile } from '../../src/node.js';
import { modelCases, sameBits } from './cases.js';

const folder = mkdtempSync(join(tmpdir(), 'recurrent-model-'));
const served = new Map<string, Uint8Array>();
// a real HTTP server on 127.0.0.1 that sends each file in three chunks, with its length
const server = createServer((request, response) => {
  const bytes = served.get(request.url ?? '');
  if (!bytes) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
  const third = Math.ceil(bytes.length / 3);
  response.write(bytes.subarray(0, third));
  setTimeout(() => {
    response.write(bytes.subarray(third, 2 * third));
    response.end(bytes.subarray(2 * third));
  }, 5);
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(folder, { recursive: true, force: true });
});

describe('model files in Node: paths and URLs', () => {
  it.each(modelCases.map((c) => [c.name, c] as const))('%s through a path and a URL', async (_name, testCase) => {
    const model = testCase.make(11);
    model.eval();
    const expected = testCase.run(model);
    const path = join(folder, 'model.safetensors');
    const written = saveModelFile(model, path);
    expect(readdirSync(folder)).toEqual(['model.safetensors']);
    expect(sameBits(testCase.run(loadModelFile(path).module), expected)).toBe(true);
    const bytes = await saveModel(model, 'bytes');
    expect(bytes.length).toBe(written);
    served.set('/model.safetensors', bytes);
    const progress: { loaded: number; total: number | null }[] = [];
    const { module } = await loadModel(`${base}/model.safetensors`, { onProgress: (p) => progress.push(p) });
    expect(sameBits(testCase.run(module), expected)).toBe(true);
    expect(progress[progress.length - 1]).toEqual({ loaded: bytes.length, total: bytes.length });
    // the start, then one call per chunk read (chunks that arrive together are read as one)
    expect(progress[0]).toEqual({ loaded: 0, total: bytes.length });
    expect(progress.length).toBeGreaterThanOrEqual(2);
  });

  it('Stacked and Bidirectional rebuild from their description through a path: the same config() and bits', () => {
    for (const name of ['Stacked (GRUCell, LSTM, JordanCell) with dropout', 'Bidirectional(LSTMCell, SCRNCell) summed']) {
      const testCase = modelCases.find((c) => c.name === name)!;
      const model = testCase.make(6) as Stacked | Bidirectional;
      model.eval();
      const path = join(folder, 'described.safetensors');
      saveModelFile(model, path);
      const { module, description } = loadModelFile<Stacked | Bidirectional>(path);
      expect(description.module.options).toEqual(model.config());
      expect(module.config()).toEqual(model.config());
      expect(sameBits(testCase.run(module), testCase.run(model))).toBe(true);
      rmSync(path);
    }
  });

  it('replaces a file atomically: an existing file is whole before and after, no temporary left', () => {
    const path = join(folder, 'swap.safetensors');
    writeFileSync(path, 'old');
    saveModelFile(modelCases[0].make(1), path);
    expect(loadModelFile(path).module).toBeDefined();
    expect(readdirSync(folder).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('names what went wrong: a missing file, a 404, a body over maxBytes, IndexedDB outside a browser', async () => {
    expect(() => loadModelFile(join(folder, 'none.safetensors'))).toThrow(/expected a model file at .*none\.safetensors, got ENOENT/);
    await expect(loadModel(`${base}/missing`)).rejects.toThrow(/expected .*\/missing to answer 200, got 404/);
    served.set('/big', encodeModel(modelCases[6].make(1)));
    await expect(loadModel(`${base}/big`, { maxBytes: 100 })).rejects.toThrow(/expected at most 100 bytes from .*, got a length of \d+/);
    await expect(saveModel(modelCases[0].make(1), 'indexeddb://x')).rejects.toThrow(/expected IndexedDB \(a browser or a worker\), got none/);
  });
});
