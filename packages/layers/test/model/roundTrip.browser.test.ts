import { describe, expect, it } from 'vitest';
import { deleteStoredModel, encodeModel, loadModel, saveModel } from '../../src/index.js';
import { modelCases, sameBits } from './cases.js';

describe('model files in chromium: IndexedDB and URLs', () => {
  it('round-trips every model kind through IndexedDB (chromium)', async () => {
    for (const testCase of modelCases) {
      const model = testCase.make(7);
      model.eval();
      await saveModel(model, 'indexeddb://round-trip');
      const { module } = await loadModel('indexeddb://round-trip');
      expect(sameBits(testCase.run(module), testCase.run(model)), testCase.name).toBe(true);
    }
    expect(await deleteStoredModel('round-trip')).toBe(true);
    await expect(loadModel('indexeddb://round-trip')).rejects.toThrow(/expected a model named 'round-trip' in IndexedDB, got none/);
  });

  it('round-trips every model kind through a URL with progress (chromium, fetched from a blob: URL)', async () => {
    for (const testCase of modelCases) {
      const model = testCase.make(8);
      model.eval();
      const bytes = encodeModel(model);
      const url = URL.createObjectURL(new Blob([bytes as BlobPart]));
      const seen: number[] = [];
      const { module } = await loadModel(url, { onProgress: ({ loaded }) => seen.push(loaded) });
      URL.revokeObjectURL(url);
      expect(seen[seen.length - 1]).toBe(bytes.length);
      expect(sameBits(testCase.run(module), testCase.run(model)), testCase.name).toBe(true);
    }
  });

});
