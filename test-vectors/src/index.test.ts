import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, loadVectors, vectorsDir } from './index.js';

const index = JSON.parse(readFileSync(join(vectorsDir, 'index.json'), 'utf8'));

describe('the repository copy of the PyTorch vectors', () => {
  it('matches the sizes and SHA-256 sums that index.json lists', () => {
    for (const entry of index.files) {
      const bytes = readFileSync(join(vectorsDir, entry.file));
      expect(bytes.length, entry.file).toBe(entry.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), entry.file).toBe(entry.sha256);
      for (const asset of entry.assets ?? []) {
        const data = readFileSync(join(vectorsDir, asset.file));
        expect(createHash('sha256').update(data).digest('hex'), asset.file).toBe(asset.sha256);
      }
    }
  });

  it('holds every case index.json names', () => {
    for (const entry of index.files) {
      const file = loadVectors(entry.file);
      expect(file.cases.map((c) => c.name)).toEqual(entry.cases);
    }
  });

});

describe('compare', () => {
  it('applies 1e-5 absolute plus 1e-4 relative', () => {
    const stored = { shape: [2], dtype: 'float64' as const, data: [1, 100] };
    expect(compare({ shape: [2], data: [1 + 1.09e-4, 100] }, stored).mismatches).toHaveLength(0);
    expect(compare({ shape: [2], data: [1 + 1.2e-4, 100] }, stored).mismatches).toHaveLength(1);
  });
  it('demands exact non-finite values', () => {
    const stored = { shape: [2], dtype: 'float64' as const, data: ['NaN' as const, 'Infinity' as const] };
    expect(compare({ shape: [2], data: [NaN, Infinity] }, stored).mismatches).toHaveLength(0);
    expect(compare({ shape: [2], data: [0, 1e30] }, stored).mismatches).toHaveLength(2);
  });
});
