import { Generator, type Tensor, fromData, randn } from '@recurrent/tensor';
import { LSTM, SequenceModel, TokenModel } from '@recurrent/layers';
import { type OnnxStage, exportOnnx, onnxExample } from '@recurrent/onnx';
import { writeFileAtomic } from '../checkpoint/atomicWrite.js';
import { CliError } from '../cliError.js';
import { exportedVocabulary } from './pytorchModule.js';
import { restoreTask } from './restoreModel.js';

/** The batch and length of the example written beside the file. */
const example = { batch: 2, time: 6 };

/**
 * `recurrent export DIR --format onnx --output model.onnx [--initial-states]`: the checkpoint's
 * model as ONNX (batch-first, dynamic batch and time) and `model.onnx.example.json`, the library's
 * outputs for one input. Token models give logits `[batch, time, classes]` (g2p: CTC
 * log-probabilities over frames of doubled letters, with a `lengths` input of frame counts, as
 * training scores them); sequence models read `[batch, time, features]` and give the head on the
 * last step, in the standardised units (the file's metadata holds the task's model settings,
 * forecast's mean and deviation among them, and the vocabulary).
 */
export async function exportOnnxCommand(path: string, output: string, initialStates: boolean): Promise<{ inputs: string[]; outputs: string[] }> {
  const { task } = await restoreTask(path);
  const model = task.model;
  let stages: OnnxStage[];
  let x: Tensor;
  const generator = new Generator(0);
  const metadata: Record<string, string> = { task: task.name, model: JSON.stringify(task.modelConfig) };
  if (model instanceof TokenModel) {
    stages = [model.embedding, model.rnn, model.linear];
    if (task.name === 'g2p') stages.push('logSoftmax');
    const size = model.embedding.numEmbeddings;
    x = fromData(Int32Array.from({ length: example.batch * example.time }, () => generator.integer(size)), [example.batch, example.time]);
    const vocabulary = exportedVocabulary(task.modelConfig, task.name, task.vocabulary);
    if (vocabulary) metadata.vocabulary = JSON.stringify(vocabulary);
  } else if (model instanceof SequenceModel) {
    stages = [model.rnn, 'lastStep', model.linear];
    x = randn([example.batch, example.time, model.rnn.inputSize], generator);
  } else {
    throw new CliError(`recurrent export: expected a TokenModel or SequenceModel checkpoint, got ${JSON.stringify(task.modelConfig.kind)}`);
  }
  // g2p scores padded batches of words packed by their frame counts: the file takes them too
  const lengths = task.name === 'g2p';
  const options = { initialStates, metadata, lengths };
  const bytes = exportOnnx(stages, options);
  const inputs: Record<string, Tensor> = { x };
  if (lengths) inputs.lengths = fromData(Int32Array.of(example.time, example.time - 2), [example.batch]);
  if (initialStates) {
    const rnn = model.rnn;
    const state = [example.batch, rnn.numLayers * (rnn.bidirectional ? 2 : 1), rnn.hiddenSize];
    inputs.h0 = randn(state, generator);
    if (rnn instanceof LSTM) inputs.c0 = randn(state, generator);
  }
  const written = onnxExample(stages, inputs, options);
  writeFileAtomic(output, bytes);
  writeFileAtomic(`${output}.example.json`, `${JSON.stringify(written)}\n`);
  return { inputs: Object.keys(written.inputs), outputs: Object.keys(written.outputs) };
}
