#!/usr/bin/python3
"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs all we needed?"; family `min_rnn`, file
min_rnn.json): a PyTorch reference loop of the sequential definition, step by step in float64, over
one and two layers, with and without bias, initial state and lengths (past its length a sequence
keeps its state and emits 0), time-major and batch-first; outputs, final states and the gradients of
a weighted sum of them.

  minGRU:  z = σ(W_z x + b_z), h̃ = g(W_h x + b_h), h = (1 − z)·h_prev + z·h̃
  minLSTM: f = σ(W_f x + b_f), i = σ(W_i x + b_i), h̃ = g(W_h x + b_h),
           h = f/(f + i)·h_prev + i/(f + i)·h̃
  g(v) = v + 1/2 for v ≥ 0, σ(v) below; parameters weight_ih_l{k} [gates·H, I_k], bias_ih_l{k}.

Usage: /usr/bin/python3 scripts/vectors/min_rnn.py   (writes test-vectors/local/min_rnn.json)
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402


def g_act(v):
    return torch.where(v >= 0, v + 0.5, torch.sigmoid(v))


def step(kind, k, h, H):
    if kind == 'mingru':
        z, c = torch.sigmoid(k[:, :H]), g_act(k[:, H:])
        return (1 - z) * h + z * c
    f, i, c = torch.sigmoid(k[:, :H]), torch.sigmoid(k[:, H:2 * H]), g_act(k[:, 2 * H:])
    return f / (f + i) * h + i / (f + i) * c


def reference(kind, params, x, h0, lengths, L, H):
    T, B = x.shape[0], x.shape[1]
    layer_input, finals = x, []
    for layer in range(L):
        w, b = params[f'weight_ih_l{layer}'], params.get(f'bias_ih_l{layer}')
        h = h0[layer] if h0 is not None else torch.zeros(B, H)
        outs = []
        for t in range(T):
            k = layer_input[t] @ w.T + (b if b is not None else 0)
            new = step(kind, k, h, H)
            active = torch.tensor([t < n for n in lengths], dtype=torch.float64).unsqueeze(1)
            h = active * new + (1 - active) * h
            outs.append(active * new)
        layer_input = torch.stack(outs)
        finals.append(h)
    return layer_input, torch.stack(finals)


def case(d, kind, L, bias, has_h0, use_lengths, batch_first, long=False):
    gates = 2 if kind == 'mingru' else 3
    I, H, T, B = d.int(2, 6), d.int(3, 9), (d.int(60, 80) if long else d.int(2, 9)), d.int(1, 4)
    bound = 1 / H ** 0.5
    params = {}
    for layer in range(L):
        params[f'weight_ih_l{layer}'] = d.u([gates * H, I if layer == 0 else H], -2 * bound, 2 * bound)
        if bias:
            params[f'bias_ih_l{layer}'] = d.u([gates * H], -1, 1)
    x = d.u([T, B, I], -2, 2)
    h0 = d.u([L, B, H], 0, 1.5) if has_h0 else None
    lengths = [d.int(1, T) for _ in range(B)] if use_lengths else [T] * B
    if use_lengths:
        lengths[d.int(0, B - 1)] = T
    leaves = {n: v.clone().requires_grad_(True) for n, v in params.items()}
    xv = x.clone().requires_grad_(True)
    h0v = h0.clone().requires_grad_(True) if has_h0 else None
    output, h_n = reference(kind, leaves, xv, h0v, lengths, L, H)
    weights = {'output': d.u(list(output.shape)), 'h_n': d.u(list(h_n.shape))}
    loss = (output * weights['output']).sum() + (h_n * weights['h_n']).sum()
    loss.backward()
    stored_x = x.transpose(0, 1) if batch_first else x
    out = output.transpose(0, 1) if batch_first else output
    grads = {n: g.t64(v.grad) for n, v in leaves.items()}
    grads['x'] = g.t64(xv.grad.transpose(0, 1) if batch_first else xv.grad)
    inputs = {'x': g.t32(stored_x)}
    if has_h0:
        inputs['h0'] = g.t32(h0)
        grads['h0'] = g.t64(h0v.grad)
    name = f"{kind}_l{L}{'' if bias else '_nobias'}{'_h0' if has_h0 else ''}{'_lengths' if use_lengths else ''}{'_bf' if batch_first else ''}"
    config = {'module': 'MinGRU' if kind == 'mingru' else 'MinLSTM', 'input_size': I, 'hidden_size': H, 'num_layers': L, 'bias': bias,
              'batch_first': batch_first, 'seq_len': T, 'batch': B, 'lengths': lengths if use_lengths else None}
    w_out = weights['output'].transpose(0, 1) if batch_first else weights['output']
    return {'name': name, 'family': 'min_rnn', 'config': config, 'params': {n: g.t32(v) for n, v in params.items()}, 'inputs': inputs,
            'outputs': {'output': g.t64(out), 'h_n': g.t64(h_n)},
            'loss': {'formula': 'sum(output * w_output) + sum(h_n * w_h_n)', 'weights': {'output': g.t32(w_out), 'h_n': g.t32(weights['h_n'])},
                     'value': g.num64(loss)},
            'grads': grads}


def build(d):
    cases = []
    for kind in ('mingru', 'minlstm'):
        for L, bias, has_h0, use_lengths, bf in [(1, True, False, False, False), (1, False, True, False, False), (1, True, True, True, False),
                                                  (2, True, False, True, True), (2, True, True, False, False), (2, False, False, True, False),
                                                  (1, True, False, False, True)]:
            cases.append(case(d, kind, L, bias, has_h0, use_lengths, bf))
    # long sequences (60–80 steps), where a scan's order of sums and a loop's part most
    for kind in ('mingru', 'minlstm'):
        cases.append(case(d, kind, 1, True, True, True, False, long=True))
        cases[-1]['name'] += '_long'
    return cases


FILES = [('min_rnn.json', 'min_rnn', 'minGRU / minLSTM (Feng et al. 2024): a PyTorch reference loop of the sequential definition, '
          'one and two layers, bias, h0, lengths, batch-first; outputs, final states and gradients.', build)]


if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../test-vectors/local')
    os.makedirs(out, exist_ok=True)
    for file, family, description, make in FILES:
        g.DESCRIPTIONS[file] = description
        entry = g.write_file(out, file, family, make(g.Draw(19_003)), 'local')
        print(f'{file}: {entry["num_cases"]} cases, {entry["bytes"]} bytes')
