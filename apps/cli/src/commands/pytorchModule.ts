import { CliError } from '../cliError.js';

const layerClass = { lstm: 'nn.LSTM', gru: 'nn.GRU', rnn: 'nn.RNN' } as Record<string, string>;

/**
 * Python source of the `nn.Module` equivalent to a checkpoint's model (same submodule names, so
 * the state-dict keys match), which loads `model.safetensors` next to it.
 */
export function pytorchModule(config: Record<string, unknown>, task: string): string {
  const c = config as Record<string, any>;
  const rnn = layerClass[c.cell];
  if (!rnn) throw new CliError(`recurrent export: expected a model with cell lstm, gru or rnn, got ${JSON.stringify(c.cell)}`);
  const directions = c.bidirectional ? 2 : 1;
  const rnnArgs = (inputSize: unknown) => `${inputSize}, ${c.hiddenSize}, num_layers=${c.numLayers}, bidirectional=${c.bidirectional ? 'True' : 'False'}`;
  let body: string;
  if (c.kind === 'TokenModel') {
    body = `class Model(nn.Module):
    """Embedding -> ${rnn} -> Linear over token ids [T, B] (time-major)."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(${c.vocabularySize}, ${c.embeddingSize})
        self.rnn = ${rnn}(${rnnArgs(c.embeddingSize)})
        self.linear = nn.Linear(${c.hiddenSize * directions}, ${c.outputSize})

    def forward(self, ids, state=None):
        output, state = self.rnn(self.embedding(ids), state)
        return self.linear(output), state
`;
  } else if (c.kind === 'SequenceModel') {
    body = `class Model(nn.Module):
    """${rnn} over steps [T, B, ${c.inputSize}] -> Linear on the last step's output."""

    def __init__(self):
        super().__init__()
        self.rnn = ${rnn}(${rnnArgs(c.inputSize)})
        self.linear = nn.Linear(${c.hiddenSize * directions}, ${c.outputSize})

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.linear(output[-1])
`;
  } else {
    throw new CliError(`recurrent export: expected a TokenModel or SequenceModel checkpoint, got ${JSON.stringify(c.kind)}`);
  }
  return `# Written by \`recurrent export --format pytorch\` for a ${task} checkpoint.
# Needs: pip install torch safetensors
import os

import safetensors.torch
from torch import nn


${body}

def load(path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors")):
    model = Model()
    model.load_state_dict(safetensors.torch.load_file(path))
    return model


if __name__ == "__main__":
    print(load())
`;
}
