import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recurrent/tensor';
import { describeKindShapes } from '../../test/model/kindShapes.js';
import { attentionKinds } from './attentionKinds.js';

describeKindShapes('attentionKinds', attentionKinds);

describe('attentionKinds build on the context\'s backend', () => {
  it.each(['general', 'concat', 'additive'])('Attention (%s) puts its parameters on the backend it is built for', (score) => {
    const backend = createCpuBackend({ name: 'own-cpu' });
    const kind = attentionKinds.find((k) => k.kind === 'Attention')!;
    const module = kind.build({ score, querySize: 3, keySize: 4, attentionSize: 2 }, {}, { backend });
    expect(module.parameters().length).toBeGreaterThan(0);
    for (const parameter of module.parameters()) expect(parameter.value.backend).toBe(backend);
  });
});
