import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@recurrent/tensor';
import { exportOnnx, runStages } from '../src/index.js';
import { exportCases } from './exportCases.js';
import { type WebRuntime, startWebRuntime } from './onnxruntimeWeb.js';

let web: WebRuntime;
beforeAll(async () => {
  web = await startWebRuntime();
}, 60_000);
afterAll(async () => {
  await web?.close();
});

describe('exportOnnx in onnxruntime-web (headless chromium)', () => {
  for (const c of exportCases()) {
    it(`${c.name}: matches the library within 1e-5`, async () => {
      const bytes = exportOnnx(c.stages, c.options);
      const errors: string[] = [];
      for (const [batch, time] of [[2, 5], [3, 7]]) {
        const inputs = c.inputs(batch, time, batch * 10 + time);
        const expected = runStages(c.stages, inputs, c.options);
        const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]: [string, Tensor]) => [name, { dtype: name === 'lengths' ? 'int32' as const : t.dtype === 'int32' ? 'int64' as const : 'float32' as const, dims: [...t.shape], data: Array.from(t.data) }]));
        const results = await web.run(bytes, feeds);
        for (const [name, want] of Object.entries(expected)) {
          expect(results[name].dims).toEqual([...want.shape]);
          let worst = 0;
          for (let i = 0; i < want.size; i++) worst = Math.max(worst, Math.abs(results[name].data[i] - want.data[i]));
          expect(worst).toBeLessThanOrEqual(1e-5);
          errors.push(`${name}[${batch}×${time}] ${worst.toExponential(1)}`);
        }
      }
      console.log(`${c.name} (onnxruntime-web): max |error| ${errors.join(', ')}`);
    });
  }
});
