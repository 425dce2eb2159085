// Parity runner for the `state_dict` family: PyTorch's state_dict in a safetensors file, loaded by
// tensor name into our module (strict), the forward outputs compared with PyTorch's, and the
// module's own state dict written back in save_file's layout (same SHA-256) and read back bit-identically.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Module, type Variable } from '@recurrent/autograd';
import { type Tensor, decodeSafetensors, encodeSafetensors, tensor } from '@recurrent/tensor';
import { type VectorCase, type VectorTensor, assertClose, decode, loadAsset } from '@recurrent/test-vectors';
import { Embedding, Linear, type LSTM } from '../../src/index.js';
import { buildLayer } from './layer.js';

/** SHA-256 of the reference writer's layout of a fixture file (test-vectors/local, made from
 * the public vectors); null for a file of another vector set. */
function referenceLayout(sourceSha256: string): string | null {
  const layout = JSON.parse(readFileSync(new URL('../../../../test-vectors/local/safetensors_layout.json', import.meta.url), 'utf8')) as { cases: { source_sha256: string | null; sha256: string }[] };
  return layout.cases.find((c) => c.source_sha256 === sourceSha256)?.sha256 ?? null;
}

function toTensor(stored: VectorTensor): Tensor {
  const { data, shape } = decode(stored);
  return tensor(data, { shape, dtype: stored.dtype === 'int64' ? 'int32' : 'float32' });
}

/** `Embedding → LSTM → Linear` with PyTorch's submodule names `embedding`, `lstm`, `linear`. */
class EmbeddingLSTMLinear extends Module {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly linear: Linear;

  constructor(modules: { name: string; type: string; args: Record<string, any> }[]) {
    super();
    const args = (name: string) => {
      const found = modules.find((m) => m.name === name);
      if (!found) throw new Error(`state_dict parity: expected a submodule '${name}' in config.modules, got ${modules.map((m) => m.name)}`);
      return found.args;
    };
    const e = args('embedding');
    const l = args('lstm');
    const o = args('linear');
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: e.num_embeddings, embeddingDim: e.embedding_dim, paddingIdx: e.padding_idx ?? undefined }));
    this.lstm = this.registerModule('lstm', buildLayer({ module: 'LSTM', proj_size: 0, num_layers: 1, bias: true, batch_first: false, bidirectional: false, dropout: 0, ...l }) as LSTM);
    this.linear = this.registerModule('linear', new Linear({ inFeatures: o.in_features, outFeatures: o.out_features, bias: o.bias }));
  }

  /** `output, (h_n, c_n) = lstm(embedding(ids)); logits = linear(output)`. */
  forward(ids: Tensor): Record<string, Variable> {
    const { output, h_n, c_n } = this.lstm.forward(this.embedding.forward(ids));
    return { logits: this.linear.forward(output), h_n, c_n: c_n! };
  }
}

/** The module a case's config describes. */
function buildModule(config: Record<string, any>): { module: Module; forward: (inputs: Record<string, Tensor>) => Record<string, Variable> } {
  if (config.module === 'EmbeddingLSTMLinear') {
    const model = new EmbeddingLSTMLinear(config.modules);
    return { module: model, forward: (inputs) => model.forward(inputs.ids) };
  }
  const layer = buildLayer(config);
  return { module: layer, forward: (inputs) => layer.forward(inputs.x) as unknown as Record<string, Variable> };
}

const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Runs one case; throws on any mismatch. */
export function runCase(testCase: VectorCase, root: string): void {
  const { config, inputs = {}, outputs = {} } = testCase;
  const info = testCase.safetensors as { file: string; sha256: string; metadata: Record<string, string> };
  const bytes = loadAsset(`state_dict/${info.file}`, root);
  const { tensors, metadata } = decodeSafetensors(bytes);
  const { module, forward } = buildModule(config);
  const names = module.namedParameters().map(([name]) => name);
  if (JSON.stringify(names) !== JSON.stringify(testCase.param_names)) {
    throw new Error(`state_dict parity ${testCase.name}: expected state-dict keys ${testCase.param_names}, got ${names}`);
  }
  module.loadStateDict(tensors, { strict: true });
  module.eval();
  const produced = forward(Object.fromEntries(Object.entries(inputs).map(([name, stored]) => [name, toTensor(stored)])));
  for (const [name, expected] of Object.entries(outputs)) {
    if (!produced[name]) throw new Error(`state_dict parity ${testCase.name}: expected an output ${name}, got none`);
    assertClose(`${testCase.name} output ${name}`, produced[name].value, expected);
  }
  // what we save is the file safetensors.torch.save_file writes for these tensors, byte for byte
  // (its layout sorts by dtype, then name: scripts/vectors/safetensors_layout.py)
  const saved = encodeSafetensors(module.stateDict(), metadata);
  const reference = referenceLayout(info.sha256);
  if (reference !== null && sha256(saved) !== reference) {
    throw new Error(`state_dict parity ${testCase.name}: expected the saved file to have SHA-256 ${reference} (save_file's layout), got ${sha256(saved)}`);
  }
  // and loads back bit-identically into a fresh module
  const fresh = buildModule(config).module;
  fresh.loadStateDict(decodeSafetensors(saved).tensors, { strict: true });
  for (const [name, parameter] of fresh.namedParameters()) {
    const original = bytesOf(tensors[name]);
    const loaded = bytesOf(parameter.value);
    const same = original.length === loaded.length && original.every((byte, k) => byte === loaded[k]);
    if (!same) throw new Error(`state_dict parity ${testCase.name}: expected ${name} to load back bit-identically, got different bytes`);
  }
}
