import { CliError } from '../cliError.js';

const layerClass = { lstm: 'nn.LSTM', gru: 'nn.GRU', rnn: 'nn.RNN' } as Record<string, string>;

/** The vocabulary file of an export: g2p keeps letters (inputs) and phonemes (outputs) apart. */
export function exportedVocabulary(config: Record<string, unknown>, task: string, vocabulary: string[] | null): unknown {
  if (!vocabulary) return null;
  if (task === 'g2p') {
    const letters = config.vocabularySize as number;
    return { letters: vocabulary.slice(0, letters), phonemes: vocabulary.slice(letters) };
  }
  return vocabulary;
}

// Reads safetensors without the `safetensors` package (Debian's python3-torch has none): an
// 8-byte little-endian header length, a JSON header, then the raw little-endian tensors.
const reader = `def load_safetensors(path):
    """The tensors of a .safetensors file: safetensors.torch.load_file when installed, else a small reader."""
    try:
        import safetensors.torch
    except ImportError:
        pass
    else:
        return safetensors.torch.load_file(path)
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    dtypes = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
              "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = dtypes[info["dtype"]]
        if end == start:
            tensors[name] = torch.zeros(info["shape"], dtype=dtype)
        else:
            buffer = bytearray(data[8 + size + start:8 + size + end])
            tensors[name] = torch.frombuffer(buffer, dtype=dtype).reshape(info["shape"]).clone()
    return tensors
`;

/** Task-specific helpers: how raw input becomes the network's input, and back. */
function taskHelpers(task: string, c: Record<string, any>): string {
  if (task === 'forecast') {
    return `
# The network reads and predicts standardised values: (value - MEAN) / DEVIATION, with the
# training split's mean and deviation. predict() takes raw values and gives a raw value.
MEAN = ${JSON.stringify(c.mean)}
DEVIATION = ${JSON.stringify(c.deviation)}
WINDOW = ${JSON.stringify(c.window)}


def predict(model, values):
    """The next value of each series from its last WINDOW raw values: a list of lists (or one list)."""
    rows = [values] if not isinstance(values[0], (list, tuple)) else values
    if any(len(row) < WINDOW for row in rows):
        raise ValueError(f"predict: expected at least {WINDOW} values per series, got {min(len(row) for row in rows)}")
    x = torch.tensor([row[-WINDOW:] for row in rows], dtype=torch.float32).t().unsqueeze(-1)  # [WINDOW, B, 1]
    with torch.no_grad():
        y = model((x - MEAN) / DEVIATION)[:, 0]
    out = (y * DEVIATION + MEAN).tolist()
    return out if rows is values else out[0]
`;
  }
  if (task === 'g2p') {
    return `
# Letters in, phonemes out: vocabulary.json keeps them apart ("letters", "phonemes"; id 0 of each
# is <blank>, the padding and the CTC blank). Training fed every letter twice (so a word has
# enough frames for its phonemes) and packed the padded batch by frame counts; frames() and
# transcribe() do the same.
with open(os.path.join(HERE, "vocabulary.json")) as f:
    VOCABULARY = json.load(f)
LETTERS = {letter: k for k, letter in enumerate(VOCABULARY["letters"])}


def frames(words):
    """Letter ids [T, B] (each letter twice, 0-padded) and the frame counts of lower-case words."""
    for word in words:
        for letter in word:
            if letter not in LETTERS or letter == "<blank>":
                raise ValueError(f"frames: expected letters a-z, got {letter!r} in {word!r}")
    lengths = [2 * len(word) for word in words]
    ids = torch.zeros(max(lengths), len(words), dtype=torch.int64)
    for b, word in enumerate(words):
        for k, letter in enumerate(word):
            ids[2 * k, b] = ids[2 * k + 1, b] = LETTERS[letter]
    return ids, lengths


def transcribe(model, words):
    """Greedy CTC decoding: each word's phonemes."""
    ids, lengths = frames(words)
    with torch.no_grad():
        logits, _ = model(ids, lengths=lengths)
    best = logits.argmax(-1)
    result = []
    for b, length in enumerate(lengths):
        phonemes, previous = [], 0
        for t in range(length):
            k = int(best[t, b])
            if k != previous and k != 0:
                phonemes.append(VOCABULARY["phonemes"][k])
            previous = k
        result.append(phonemes)
    return result
`;
  }
  return '';
}

/**
 * Python source of the `nn.Module` equivalent to a checkpoint's model (same submodule names, so
 * the state-dict keys match), which loads `model.safetensors` next to it (with `safetensors` when
 * installed, else a built-in reader), and the task's input and output conventions: forecast's
 * standardisation (`predict`), g2p's doubled letters, lengths and packing (`frames`,
 * `transcribe`).
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
    """Embedding -> ${rnn} -> Linear over token ids [T, B] (time-major): logits [T, B, ${c.outputSize}]."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(${c.vocabularySize}, ${c.embeddingSize})
        self.rnn = ${rnn}(${rnnArgs(c.embeddingSize)})
        self.linear = nn.Linear(${c.hiddenSize * directions}, ${c.outputSize})

    def forward(self, ids, state=None, lengths=None):
        """lengths: per-sequence lengths (padded batches run packed, as in training)."""
        x = self.embedding(ids)
        if lengths is None:
            output, state = self.rnn(x, state)
        else:
            packed = nn.utils.rnn.pack_padded_sequence(x, torch.as_tensor(lengths, dtype=torch.int64), enforce_sorted=False)
            output, state = self.rnn(packed, state)
            output, _ = nn.utils.rnn.pad_packed_sequence(output, total_length=ids.shape[0])
        return self.linear(output), state
`;
  } else if (c.kind === 'SequenceModel') {
    body = `class Model(nn.Module):
    """${rnn} over steps [T, B, ${c.inputSize}] -> Linear on the last step's output: [B, ${c.outputSize}]."""

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
# Needs: torch (safetensors is used when installed, a built-in reader otherwise).
import json
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


${reader}

${body}${taskHelpers(task, c)}

def load(path=os.path.join(HERE, "model.safetensors")):
    model = Model()
    model.load_state_dict(load_safetensors(path))
    model.eval()
    return model


if __name__ == "__main__":
    print(load())
`;
}
