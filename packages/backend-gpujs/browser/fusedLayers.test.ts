import { afterAll, describe, expect, it } from 'vitest';
import type { VectorCase } from '@recurrent/test-vectors';
import { runCase } from '../../layers/test/parity/layer.js';
import { createGpujsBackend } from '../src/index.js';
import { webglLimits } from '../test/recurrentVectorCase.js';
import lstm from '../../../test-vectors/pytorch/lstm.json' with { type: 'json' };
import lstmProj from '../../../test-vectors/pytorch/lstm_proj.json' with { type: 'json' };
import gru from '../../../test-vectors/pytorch/gru.json' with { type: 'json' };
import rnnTanh from '../../../test-vectors/pytorch/rnn_tanh.json' with { type: 'json' };
import rnnRelu from '../../../test-vectors/pytorch/rnn_relu.json' with { type: 'json' };
import packed from '../../../test-vectors/pytorch/packed.json' with { type: 'json' };
import lstmPeephole from '../../../test-vectors/local/lstm_peephole.json' with { type: 'json' };
import gruResetBefore from '../../../test-vectors/local/gru_reset_before.json' with { type: 'json' };
import lstmHardSigmoid from '../../../test-vectors/local/lstm_hard_sigmoid.json' with { type: 'json' };
import gruHardSigmoid from '../../../test-vectors/local/gru_hard_sigmoid.json' with { type: 'json' };

// The fused LSTM / GRU / RNN layers of @recurrent/layers on gpu.js in WebGL2 (SwiftShader in this
// chromium): the layer reaches the device kernels through `kernels.recurrent`, forward and
// backward, checked against the PyTorch vectors (and the repository's reference loops for the
// variants) at WebGL's tolerance. SwiftShader is slow, so each family runs a chosen few of its
// layer cases (see `chosen`) and all of its packed ones.
const backend = createGpujsBackend({ mode: 'webgl2' });
afterAll(() => backend.dispose());

const layerFiles = { lstm, lstm_proj: lstmProj, gru, rnn_tanh: rnnTanh, rnn_relu: rnnRelu };
const variantFiles = { lstm_peephole: lstmPeephole, gru_reset_before: gruResetBefore, lstm_hard_sigmoid: lstmHardSigmoid, gru_hard_sigmoid: gruHardSigmoid };
const packedCases = packed.cases as unknown as VectorCase[];

/**
 * The cases of one family run here, `[name, case]`: six layer cases (one to three layers, uni- and
 * bidirectional, time-major and batch-first, with and without h0 and bias, one large) and every
 * packed case of the family. A wanted name a family lacks (the hard-sigmoid families have no
 * bias-free case below three layers) takes the first case sharing its longest prefix.
 */
function chosen(family: string, cases: VectorCase[]): [string, VectorCase][] {
  const wanted = ['L1_uni_tm_h0_bias', 'L1_bi_bf_noh0_nobias', 'L2_uni_bf_h0_nobias', 'L2_bi_tm_noh0_bias', 'L3_bi_bf_h0_bias', 'L1_bi_tm_h0_bias_large'];
  const layerCases = cases.filter((testCase) => !testCase.name.startsWith('packed_'));
  const picked = wanted.map((shape) => {
    const parts = `${family}_${shape}`.split('_');
    for (let keep = parts.length; keep > family.split('_').length + 1; keep--) {
      const prefix = parts.slice(0, keep).join('_');
      const found = layerCases.find((testCase) => testCase.name.startsWith(prefix));
      if (found) return found;
    }
    throw new Error(`browser fused layers: expected a case like ${family}_${shape}, got none`);
  });
  const packedOfFamily = [...cases, ...packedCases].filter((testCase) => testCase.name.startsWith(`packed_${family}_L`));
  if (packedOfFamily.length === 0) throw new Error(`browser fused layers: expected packed cases of ${family}, got none`);
  return [...new Set([...picked, ...packedOfFamily])].map((testCase) => [testCase.name, testCase]);
}

const recurrentFallbacks = () => [...backend.fallbacks].filter(([name]) => name.startsWith('recurrent.'));

describe('fused recurrent layers on gpu.js in headless chromium', () => {
  it('runs on WebGL2', () => {
    expect(backend.mode).toBe('webgl2');
  });
  for (const [family, file] of [...Object.entries(layerFiles), ...Object.entries(variantFiles)]) {
    describe(family, () => {
      it.each(chosen(family, file.cases as unknown as VectorCase[]))('%s', (_name, testCase) => {
        const launches = backend.device.launches;
        runCase(testCase, '', backend, webglLimits);
        expect(backend.device.launches).toBeGreaterThan(launches);
        expect(recurrentFallbacks()).toEqual([]);
      });
    });
  }
  it('ran every kernel as a WebGL2 kernel', () => {
    expect([...backend.kernelClasses]).toEqual(['WebGL2Kernel']);
  });
});
