import { afterAll, describe, expect, it } from 'vitest';
import { defineConformanceSuite } from '@recurrent/tensor/testing';
import { createGpujsBackend } from '../src/index.js';
import { checkKernels } from '../test/kernelChecks.js';
import { checkRecurrentBookkeeping } from '../test/recurrentChecks.js';
import { runLayerCase, webglLimits, type LayerCase } from '../test/recurrentVectorCase.js';
import lstm from '../../../test-vectors/pytorch/lstm.json' with { type: 'json' };
import gru from '../../../test-vectors/pytorch/gru.json' with { type: 'json' };
import rnnTanh from '../../../test-vectors/pytorch/rnn_tanh.json' with { type: 'json' };
import rnnRelu from '../../../test-vectors/pytorch/rnn_relu.json' with { type: 'json' };

// One WebGL2 context whose texture calls are counted, so the leak test sees real GL textures.
const canvas = document.createElement('canvas');
const context = canvas.getContext('webgl2')!;
let liveTextures = 0;
const createTexture = context.createTexture.bind(context);
const deleteTexture = context.deleteTexture.bind(context);
context.createTexture = () => (liveTextures++, createTexture());
context.deleteTexture = (texture) => (liveTextures--, deleteTexture(texture));

const backend = createGpujsBackend({ mode: 'webgl2', canvas, context });
afterAll(() => backend.dispose());

describe('gpu.js in headless chromium', () => {
  it('runs on WebGL2', () => {
    expect(backend.mode).toBe('webgl2');
  });
  it('sends NaN and ±∞ to the CPU kernels (GLSL leaves them undefined), counted', () => {
    const before = backend.fallbacks.get('unary') ?? 0;
    const out = new Float32Array(3);
    backend.kernels.unary('exp', new Float32Array([NaN, -Infinity, 0]), out);
    expect(Array.from(out)).toEqual([NaN, 0, 1]);
    expect(backend.fallbacks.get('unary')).toBe(before + 1);
  });
});

checkKernels(backend, { describe, it, expect }, webglLimits);
defineConformanceSuite(backend, { describe, it, expect }, { tolerance: webglLimits });

// The vector files in the browser are imported at build time (the Node loader reads the disk).
for (const file of [lstm, gru, rnnTanh, rnnRelu]) {
  describe(`${file.file} on fused gpu.js webgl2 sequences`, () => {
    it.each(file.cases.map((testCase) => [testCase.name, testCase]))('%s', (_name, testCase) => {
      runLayerCase(backend, testCase as LayerCase, webglLimits);
    });
  });
}

checkRecurrentBookkeeping(backend, { describe, it, expect }, () => liveTextures);

describe('gpu.js in headless chromium, afterwards', () => {
  it('ran every kernel as a WebGL2 kernel, and created real textures', () => {
    expect([...backend.kernelClasses]).toEqual(['WebGL2Kernel']);
    expect(backend.device.createdBuffers).toBeGreaterThan(4000);
    // the counter sees gpu.js's textures: kernels keep their (recycled) output textures alive
    expect(liveTextures).toBeGreaterThan(0);
  });
});
