#!/usr/bin/python3
"""Writes an ONNX import vector set in the layout of test-vectors/onnx (family `onnx_import`).

Usage: /usr/bin/python3 scripts/vectors/onnx_import.py --seed 1 --out /tmp/onnx-seed1
       pnpm parity /tmp/onnx-seed1

Each case is a small PyTorch model (an RNN / LSTM / GRU with drawn sizes, depth, directions and
bias, optionally an Embedding in front, a Linear head, log-softmax, only the last step to the head,
initial states as inputs) written by torch.onnx.export (opset 14, dynamic batch and time axes),
with one input and PyTorch's float32 outputs. Sizes come from the seed, so every seed gives other
shapes than the public set. Needs PyTorch 1.13 (Debian's python3-torch; the `onnx` Python package
is not needed).
"""
import argparse
import hashlib
import io
import json
import os
import random

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embedding = nn.Embedding(c['vocab'], c['input_size']) if c['vocab'] else None
        layer = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[c['kind']]
        extra = {'nonlinearity': c['nonlinearity']} if c['kind'] == 'rnn' else {}
        self.rnn = layer(c['input_size'], c['hidden_size'], num_layers=c['num_layers'], bidirectional=c['bidirectional'],
                         bias=c['bias'], batch_first=True, **extra)
        width = c['hidden_size'] * (2 if c['bidirectional'] else 1)
        self.head = nn.Linear(width, c['head']) if c['head'] else None

    def forward(self, x, *state):
        if self.embedding is not None:
            x = self.embedding(x)
        initial = None
        if state:
            initial = (state[0], state[1]) if self.c['kind'] == 'lstm' else state[0]
        y, final = self.rnn(x, initial)
        if self.c['last_step']:
            y = y[:, -1]
        if self.head is not None:
            y = self.head(y)
        if self.c['log_softmax']:
            y = torch.log_softmax(y, -1)
        if self.c['kind'] == 'lstm':
            return y, final[0], final[1]
        return y, final


def tensor(t, dtype='float32'):
    t = t.detach()
    if dtype == 'int64':
        return {'shape': list(t.shape), 'dtype': 'int64', 'data': [int(v) for v in t.reshape(-1).tolist()]}
    return {'shape': list(t.shape), 'dtype': 'float32', 'data': [float(v) for v in t.float().reshape(-1).tolist()]}


def draw_config(rng, k):
    kind = ['lstm', 'gru', 'rnn'][k % 3]
    vocab = rng.choice([0, 0, rng.randint(5, 30)])
    head = rng.choice([0, rng.randint(2, 12)])
    return {
        'kind': kind, 'input_size': rng.randint(2, 9), 'hidden_size': rng.randint(2, 10), 'num_layers': rng.randint(1, 3),
        'bidirectional': rng.random() < 0.5, 'bias': rng.random() < 0.8, 'vocab': vocab, 'head': head,
        'log_softmax': head > 0 and rng.random() < 0.5, 'last_step': rng.random() < 0.3,
        'nonlinearity': rng.choice(['tanh', 'relu']) if kind == 'rnn' else 'tanh', 'batch_first': True, 'opset': 14,
        'state_inputs': rng.random() < 0.3,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--cases', type=int, default=9)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    os.makedirs(os.path.join(args.out, 'models'), exist_ok=True)
    cases, assets = [], []
    for k in range(args.cases):
        c = draw_config(rng, k)
        name = f"{c['kind']}_L{c['num_layers']}{'_bi' if c['bidirectional'] else ''}{'' if c['bias'] else '_nobias'}_{k}"
        model = Net(c).eval()
        batch, time = rng.randint(1, 4), rng.randint(1, 7)
        x = torch.randint(0, c['vocab'], (batch, time)) if c['vocab'] else torch.randn(batch, time, c['input_size'])
        rows = c['num_layers'] * (2 if c['bidirectional'] else 1)
        states = []
        if c['state_inputs']:
            states = [torch.randn(rows, batch, c['hidden_size'])] * (2 if c['kind'] == 'lstm' else 1)
            states = [s.clone() for s in states]
        input_names = ['x'] + (['h0', 'c0'] if c['kind'] == 'lstm' else ['h0'])[:len(states)]
        output_names = ['y', 'h_n'] + (['c_n'] if c['kind'] == 'lstm' else [])
        dynamic = {'x': {0: 'batch', 1: 'time'}, 'y': {0: 'batch', 1: 'time'} if not c['last_step'] else {0: 'batch'}}
        for s in input_names[1:] + output_names[1:]:
            dynamic[s] = {1: 'batch'}
        buffer = io.BytesIO()
        torch.onnx.export(model, (x, *states), buffer, opset_version=14, input_names=input_names, output_names=output_names, dynamic_axes=dynamic)
        data = buffer.getvalue()
        path = f'models/{name}.onnx'
        with open(os.path.join(args.out, path), 'wb') as f:
            f.write(data)
        sha = hashlib.sha256(data).hexdigest()
        assets.append({'file': path, 'bytes': len(data), 'sha256': sha})
        with torch.no_grad():
            outputs = model(x, *states)
        inputs = {'x': tensor(x, 'int64' if c['vocab'] else 'float32')}
        for n, s in zip(input_names[1:], states):
            inputs[n] = tensor(s)
        config = {key: value for key, value in c.items() if key != 'state_inputs'}
        cases.append({'name': name, 'family': 'onnx_import', 'model': path, 'model_sha256': sha, 'config': config,
                      'inputs': inputs, 'outputs': {n: tensor(o) for n, o in zip(output_names, outputs)}})
    body = {'schema_version': 1, 'file': 'onnx_import.json', 'family': 'onnx_import', 'set': f'seed-{args.seed}',
            'description': f'Recurrent models exported by torch.onnx.export (PyTorch {torch.__version__}, opset 14, dynamic batch and time axes), seed {args.seed}.',
            'num_cases': len(cases), 'cases': cases}
    text = json.dumps(body).encode()
    with open(os.path.join(args.out, 'onnx_import.json'), 'wb') as f:
        f.write(text)
    index = {'schema_version': 1, 'generated_with': f'PyTorch {torch.__version__} torch.onnx.export', 'tolerance_float32': {'abs': 1e-5, 'rel': 1e-4},
             'total_cases': len(cases), 'files': [{'file': 'onnx_import.json', 'family': 'onnx_import', 'num_cases': len(cases), 'bytes': len(text),
                                                   'sha256': hashlib.sha256(text).hexdigest(), 'cases': [c['name'] for c in cases], 'assets': assets}]}
    with open(os.path.join(args.out, 'index.json'), 'w') as f:
        json.dump(index, f, indent=1)
    print(f'onnx_import: {len(cases)} cases in {args.out}')


if __name__ == '__main__':
    main()
