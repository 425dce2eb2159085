#!/usr/bin/python3
"""Writes the attention vector family to test-vectors/local/attention.json (schema_version 1).

Usage: /usr/bin/python3 scripts/vectors/attention.py [--seed 1] [--out test-vectors/local]
(generate.py --local DIR runs it too).

Reference implementations, in PyTorch float64, of the four attention scores of
@recurrent/layers' `Attention` (Luong dot, general, concat; Bahdanau additive) with masks for
sources of unequal lengths, of one decoder step of `AttentionEncoderDecoder`, and of a whole
teacher-forced sequence (bidirectional encoder over packed sources, bridge, attention at every
step, optional input feeding): outputs, attention weights and the gradients of every parameter
and input of a weighted-sum loss. Parameter names are the TypeScript modules' state-dict names.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import Draw, leaf, loss_of, set_params, t32, t64, ti64  # noqa: E402

torch.set_default_dtype(torch.float64)

SCORES = ('dot', 'general', 'concat', 'additive')


class Attention(nn.Module):
    """e_s by the score's formula, written out directly (no precomputed key projection)."""

    def __init__(self, score, Q, K, A):
        super().__init__()
        self.score = score
        if score == 'general':
            self.weight = nn.Parameter(torch.empty(Q, K))
        elif score == 'concat':
            self.linear = nn.Linear(Q + K, A, bias=False)
            self.v = nn.Linear(A, 1, bias=False)
        elif score == 'additive':
            self.query = nn.Linear(Q, A, bias=False)
            self.key = nn.Linear(K, A)
            self.v = nn.Linear(A, 1, bias=False)

    def forward(self, q, keys, lengths):
        B, S, _ = keys.shape
        if self.score == 'dot':
            e = torch.einsum('bq,bsq->bs', q, keys)
        elif self.score == 'general':
            e = torch.einsum('bq,qk,bsk->bs', q, self.weight, keys)
        elif self.score == 'concat':
            both = torch.cat([q.unsqueeze(1).expand(B, S, q.shape[1]), keys], 2)
            e = self.v(torch.tanh(self.linear(both))).squeeze(2)
        else:
            e = self.v(torch.tanh(self.query(q).unsqueeze(1) + self.key(keys))).squeeze(2)
        valid = torch.arange(S).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
        weights = torch.softmax(e.masked_fill(~valid, float('-inf')), 1)
        context = torch.einsum('bs,bsk->bk', weights, keys)
        return context, weights


class Model(nn.Module):
    def __init__(self, kind, score, Vs, Vt, E, He, Hd, C, A, feeding):
        super().__init__()
        rnn, cell = (nn.GRU, nn.GRUCell) if kind == 'gru' else (nn.LSTM, nn.LSTMCell)
        self.kind, self.feeding = kind, feeding
        self.sourceEmbedding = nn.Embedding(Vs, E)
        self.encoder = rnn(E, He, bidirectional=True)
        self.bridge = nn.Linear(2 * He, Hd)
        self.targetEmbedding = nn.Embedding(Vt, E)
        self.decoder = cell(E + (C if feeding else 0), Hd)
        self.attention = Attention(score, Hd, 2 * He, A)
        self.combine = nn.Linear(2 * He + Hd, C, bias=False)
        self.projection = nn.Linear(C, Vt)

    def encode(self, source, lengths):
        x = self.sourceEmbedding(source)
        packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
        out, hidden = self.encoder(packed)
        out, _ = pad_packed_sequence(out, total_length=source.shape[0])
        h_n = hidden[0] if self.kind == 'lstm' else hidden
        h0 = torch.tanh(self.bridge(torch.cat([h_n[-2], h_n[-1]], 1)))
        return out.transpose(0, 1), h0

    def step(self, previous, h, c, feed, keys, lengths):
        x = self.targetEmbedding(previous)
        if self.feeding:
            x = torch.cat([x, feed], 1)
        if self.kind == 'lstm':
            h, c = self.decoder(x, (h, c))
        else:
            h = self.decoder(x, h)
        context, weights = self.attention(h, keys, lengths)
        attentional = torch.tanh(self.combine(torch.cat([context, h], 1)))
        return self.projection(attentional), weights, h, c, attentional

    def forward(self, source, lengths, targets, bos):
        keys, h = self.encode(source, lengths)
        B = source.shape[1]
        c = torch.zeros(B, h.shape[1])
        feed = torch.zeros(B, self.combine.out_features)
        previous = torch.full((B,), bos, dtype=torch.int64)
        logits, weights = [], []
        for t in range(targets.shape[0]):
            lt, wt, h, c, feed = self.step(previous, h, c, feed, keys, lengths)
            logits.append(lt)
            weights.append(wt)
            previous = targets[t]
        return torch.stack(logits), torch.stack(weights)


def lengths_for(d, S, B, masked):
    if not masked:
        return [S] * B
    lengths = [d.int(1, S) for _ in range(B)]
    lengths[d.int(0, B - 1)] = S
    if all(n == S for n in lengths):
        lengths[(lengths.index(S) + 1) % B] = d.int(1, S - 1)
    return lengths


def grads_of(module, inputs):
    grads = {n: t64(p.grad) for n, p in module.named_parameters() if p.grad is not None}
    grads.update({n: t64(v.grad) for n, v in inputs.items() if v.grad is not None})
    return grads


def score_case(d, score, masked):
    K = d.int(2, 7)
    Q = K if score == 'dot' else d.int(2, 7)
    A, B, S = d.int(2, 6), d.int(2, 4), d.int(3, 7)
    module = Attention(score, Q, K, A)
    names, params = set_params(d, module, Q)
    lengths = lengths_for(d, S, B, masked)
    inputs = {'query': leaf(d.u((B, Q))), 'keys': leaf(d.u((B, S, K)))}
    context, weights = module(inputs['query'], inputs['keys'], lengths)
    outputs = {'context': context, 'weights': weights}
    total, loss = loss_of(d, outputs)
    total.backward()
    config = {'kind': 'score', 'score': score, 'query_size': Q, 'key_size': K, 'attention_size': A, 'batch_size': B,
              'source_len': S, 'lengths': lengths}
    return {'name': f"score_{score}_{'masked' if masked else 'full'}", 'family': 'attention', 'config': config,
            'param_names': names, 'params': params, 'inputs': {k: t32(v) for k, v in inputs.items()},
            'outputs': {k: t64(v) for k, v in outputs.items()}, 'loss': loss, 'grads': grads_of(module, inputs)}


def model_sizes(d):
    return dict(Vs=d.int(4, 7), Vt=d.int(4, 7), E=d.int(2, 5), He=d.int(2, 5), Hd=d.int(2, 6), C=d.int(2, 5), A=d.int(2, 5))


def model_config(kind, score, feeding, s, B, S, lengths):
    return {'cell': kind, 'score': score, 'input_feeding': feeding, 'source_vocabulary': s['Vs'], 'target_vocabulary': s['Vt'],
            'embedding_dim': s['E'], 'encoder_hidden': s['He'], 'decoder_hidden': s['Hd'], 'combine_size': s['C'],
            'attention_size': s['A'], 'batch_size': B, 'source_len': S, 'lengths': lengths}


def step_case(d, kind, score, feeding):
    s = model_sizes(d)
    if score == 'dot':
        s['Hd'] = 2 * s['He']
    B, S = d.int(2, 4), d.int(3, 6)
    model = Model(kind, score, feeding=feeding, **s)
    names, params = set_params(d, model, s['Hd'])
    lengths = lengths_for(d, S, B, True)
    previous = torch.tensor([d.int(0, s['Vt'] - 1) for _ in range(B)])
    inputs = {'h': leaf(d.u((B, s['Hd']))), 'keys': leaf(d.u((B, S, 2 * s['He'])))}
    if kind == 'lstm':
        inputs['c'] = leaf(d.u((B, s['Hd'])))
    if feeding:
        inputs['feed'] = leaf(d.u((B, s['C'])))
    logits, weights, h, c, attentional = model.step(previous, inputs['h'], inputs.get('c'), inputs.get('feed'), inputs['keys'], lengths)
    outputs = {'logits': logits, 'weights': weights, 'h': h, 'attentional': attentional}
    if kind == 'lstm':
        outputs['c'] = c
    total, loss = loss_of(d, outputs)
    total.backward()
    config = {'kind': 'step', **model_config(kind, score, feeding, s, B, S, lengths)}
    stored = {k: t32(v) for k, v in inputs.items()}
    stored['previous'] = ti64(previous)
    return {'name': f"step_{kind}_{score}_{'feeding' if feeding else 'nofeeding'}", 'family': 'attention', 'config': config,
            'param_names': names, 'params': params, 'inputs': stored, 'outputs': {k: t64(v) for k, v in outputs.items()},
            'loss': loss, 'grads': grads_of(model, inputs)}


def sequence_case(d, kind, score, feeding, masked):
    s = model_sizes(d)
    if score == 'dot':
        s['Hd'] = 2 * s['He']
    B, S, T = d.int(2, 4), d.int(3, 6), d.int(2, 5)
    model = Model(kind, score, feeding=feeding, **s)
    names, params = set_params(d, model, s['Hd'])
    lengths = lengths_for(d, S, B, masked)
    source = torch.tensor([[d.int(0, s['Vs'] - 1) if t < lengths[b] else 0 for b in range(B)] for t in range(S)])
    targets = torch.tensor([[d.int(0, s['Vt'] - 1) for _ in range(B)] for _ in range(T)])
    bos = d.int(0, s['Vt'] - 1)
    logits, weights = model(source, lengths, targets, bos)
    outputs = {'logits': logits, 'weights': weights}
    total, loss = loss_of(d, outputs)
    total.backward()
    config = {'kind': 'sequence', **model_config(kind, score, feeding, s, B, S, lengths), 'target_len': T, 'bos': bos}
    name = f"sequence_{kind}_{score}_{'feeding' if feeding else 'nofeeding'}_{'masked' if masked else 'full'}"
    return {'name': name, 'family': 'attention', 'config': config, 'param_names': names, 'params': params,
            'inputs': {'source': ti64(source), 'targets': ti64(targets)}, 'outputs': {k: t64(v) for k, v in outputs.items()},
            'loss': loss, 'grads': grads_of(model, {})}


def cases(seed):
    d = Draw(seed * 1000 + 18)
    out = [score_case(d, score, masked) for score in SCORES for masked in (False, True)]
    out += [step_case(d, kind, score, feeding) for kind, score, feeding in
            [('gru', 'dot', False), ('gru', 'general', True), ('lstm', 'concat', True), ('gru', 'additive', False)]]
    out += [sequence_case(d, 'gru', score, feeding, True) for score in SCORES for feeding in (False, True)]
    out += [sequence_case(d, 'gru', 'additive', True, False), sequence_case(d, 'lstm', 'general', True, True),
            sequence_case(d, 'lstm', 'additive', False, True)]
    return out


def write(out_dir, seed):
    """Writes attention.json into out_dir (pnpm parity reads every family file of test-vectors/local)."""
    found = cases(seed)
    head = {'schema_version': 1, 'file': 'attention.json', 'family': 'attention', 'set': f'seed-{seed}',
            'description': 'Attention scores (dot, general, concat, additive) with masks, one attentional decoder step, '
                           'and whole teacher-forced attentional encoder-decoder sequences: outputs, weights, gradients.',
            'num_cases': len(found)}
    text = json.dumps(head, separators=(',', ':'))[:-1] + ',"cases":[\n'
    text += ',\n'.join(json.dumps(c, separators=(',', ':'), allow_nan=False) for c in found) + '\n]}\n'
    data = text.encode('utf-8')
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'attention.json'), 'wb') as fh:
        fh.write(data)
    print(f'attention.json: {len(found)} cases, {len(data)} bytes')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../test-vectors/local'))
    args = parser.parse_args()
    write(os.path.abspath(args.out), args.seed)
