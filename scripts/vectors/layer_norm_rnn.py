#!/usr/bin/python3
"""Layer-normalised LSTM and GRU (Ba et al. 2016; family `layer_norm_rnn`, file layer_norm_rnn.json): a
PyTorch reference loop with F.layer_norm in float64, one and two layers, bidirectional, lengths
(PyTorch's packed semantics: past its length a sequence keeps its state and emits 0; the reverse
direction starts at each sequence's own last step), h0 / c0, batch-first; outputs, final states and
the gradients of a weighted sum of them. Drawn cases on which PyTorch itself, in float32, would use
more than half of the float32 tolerance are redrawn (normalising few features amplifies rounding).

  LSTM: [i, f, g, o] = LN(W_ih x; γ_ih, β_ih) + LN(W_hh h; γ_hh, β_hh)
        c = σ(f)·c + σ(i)·tanh(g);  h = σ(o)·tanh(LN(c; γ_c, β_c))
  GRU:  gi = LN(W_ih x), gh = LN(W_hh h);  r = σ(gi_r + gh_r), z = σ(gi_z + gh_z)
        n = tanh(gi_n + r·gh_n);  h = (1 − z)·n + z·h
  parameters weight_ih_l{k}{s}, weight_hh_l{k}{s}, ln_ih_weight/bias, ln_hh_weight/bias, ln_c_weight/bias (LSTM)

Usage: /usr/bin/python3 scripts/vectors/layer_norm_rnn.py   (writes test-vectors/local/layer_norm_rnn.json)
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402

EPS = 1e-5


def ln(v, w, b):
    return F.layer_norm(v, (v.shape[-1],), w, b, EPS)


def lstm_step(p, s, x, h, c, H):
    gates = ln(x @ p['weight_ih' + s].T, p['ln_ih_weight' + s], p['ln_ih_bias' + s]) + ln(h @ p['weight_hh' + s].T, p['ln_hh_weight' + s], p['ln_hh_bias' + s])
    i, f, gg, o = gates.split(H, 1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(gg)
    return torch.sigmoid(o) * torch.tanh(ln(c, p['ln_c_weight' + s], p['ln_c_bias' + s])), c


def gru_step(p, s, x, h, H):
    gi = ln(x @ p['weight_ih' + s].T, p['ln_ih_weight' + s], p['ln_ih_bias' + s])
    gh = ln(h @ p['weight_hh' + s].T, p['ln_hh_weight' + s], p['ln_hh_bias' + s])
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h


def reference(lstm, p, x, h0, c0, lengths, L, D, H):
    T, B = x.shape[0], x.shape[1]
    layer_input, hs, cs = x, [], []
    for layer in range(L):
        outs = []
        for direction in range(D):
            s = f'_l{layer}' + ('_reverse' if direction else '')
            row = layer * D + direction
            h = h0[row] if h0 is not None else torch.zeros(B, H, dtype=x.dtype)
            c = c0[row] if c0 is not None else torch.zeros(B, H, dtype=x.dtype)
            out = [None] * T
            for k in range(T):
                t = T - 1 - k if direction else k
                m = torch.tensor([[1.0 if t < n else 0.0] for n in lengths], dtype=x.dtype)
                if lstm:
                    hn, cn = lstm_step(p, s, layer_input[t], h, c, H)
                    c = m * cn + (1 - m) * c
                else:
                    hn = gru_step(p, s, layer_input[t], h, H)
                h = m * hn + (1 - m) * h
                out[t] = m * hn
            outs.append(torch.stack(out))
            hs.append(h)
            cs.append(c)
        layer_input = torch.cat(outs, 2) if D == 2 else outs[0]
    return layer_input, torch.stack(hs), (torch.stack(cs) if lstm else None)


def float32_share(lstm, params, x, h0, c0, lengths, L, D, H, weights, expected):
    """The share of the float32 tolerance (1e-5 + 1e-4·|expected|) PyTorch itself uses in float32
    on this case's outputs and gradients: a case a correct float32 implementation cannot pass is redrawn."""
    leaves = {n: v.float().requires_grad_(True) for n, v in params.items()}
    xv = x.float().requires_grad_(True)
    out, hn, cn = reference(lstm, leaves, xv, None if h0 is None else h0.float(), None if c0 is None else c0.float(), lengths, L, D, H)
    outs = {'output': out, 'h_n': hn}
    if lstm:
        outs['c_n'] = cn
    sum((v * weights[k].float()).sum() for k, v in outs.items()).backward()
    pairs = [(outs[k], expected[k]) for k in outs] + [(leaves[n].grad, expected[n]) for n in params] + [(xv.grad, expected['x'])]
    return max(float(((a.double() - e).abs() / (1e-5 + 1e-4 * e.abs())).max()) for a, e in pairs)


def case(d, module, L, bi, has_h0, use_lengths, bf):
    while True:
        c = draw_case(d, module, L, bi, has_h0, use_lengths, bf)
        if c is not None:
            return c


def draw_case(d, module, L, bi, has_h0, use_lengths, bf):
    lstm = module == 'LayerNormLSTM'
    gates = 4 if lstm else 3
    D = 2 if bi else 1
    I, H, T, B = d.int(2, 5), d.int(2, 6), d.int(2, 7), d.int(1, 4)
    bound = 1 / H ** 0.5
    params = {}
    for layer in range(L):
        for direction in range(D):
            s = f'_l{layer}' + ('_reverse' if direction else '')
            params['weight_ih' + s] = d.u([gates * H, I if layer == 0 else D * H], -bound, bound)
            params['weight_hh' + s] = d.u([gates * H, H], -bound, bound)
            for n, size in [('ln_ih', gates * H), ('ln_hh', gates * H)] + ([('ln_c', H)] if lstm else []):
                params[f'{n}_weight{s}'] = d.u([size], 0.5, 1.5)
                params[f'{n}_bias{s}'] = d.u([size], -0.5, 0.5)
    x = d.u([T, B, I], -2, 2)
    h0 = d.u([L * D, B, H]) if has_h0 else None
    c0 = d.u([L * D, B, H]) if has_h0 and lstm else None
    lengths = [d.int(1, T) for _ in range(B)] if use_lengths else [T] * B
    if use_lengths:
        lengths[d.int(0, B - 1)] = T
    leaves = {n: v.clone().requires_grad_(True) for n, v in params.items()}
    xv = x.clone().requires_grad_(True)
    h0v = h0.clone().requires_grad_(True) if h0 is not None else None
    c0v = c0.clone().requires_grad_(True) if c0 is not None else None
    output, h_n, c_n = reference(lstm, leaves, xv, h0v, c0v, lengths, L, D, H)
    outs = {'output': output, 'h_n': h_n}
    if lstm:
        outs['c_n'] = c_n
    weights = {k: d.u(list(v.shape)) for k, v in outs.items()}
    loss = sum((v * weights[k]).sum() for k, v in outs.items())
    loss.backward()
    expected = {**{k: v.detach() for k, v in outs.items()}, **{n: v.grad for n, v in leaves.items()}, 'x': xv.grad}
    if float32_share(lstm, params, x, h0, c0, lengths, L, D, H, weights, expected) > 0.5:
        return None
    tb = (lambda t: t.transpose(0, 1)) if bf else (lambda t: t)
    grads = {n: g.t64(v.grad) for n, v in leaves.items()}
    grads['x'] = g.t64(tb(xv.grad))
    inputs = {'x': g.t32(tb(x))}
    if h0v is not None:
        inputs['h0'], grads['h0'] = g.t32(h0), g.t64(h0v.grad)
    if c0v is not None:
        inputs['c0'], grads['c0'] = g.t32(c0), g.t64(c0v.grad)
    name = f"{'ln_lstm' if lstm else 'ln_gru'}_l{L}{'_bi' if bi else ''}{'_h0' if has_h0 else ''}{'_lengths' if use_lengths else ''}{'_bf' if bf else ''}"
    config = {'module': module, 'input_size': I, 'hidden_size': H, 'num_layers': L, 'bidirectional': bi, 'batch_first': bf,
              'seq_len': T, 'batch': B, 'eps': EPS, 'lengths': lengths if use_lengths else None}
    return {'name': name, 'family': 'layer_norm_rnn', 'config': config, 'param_names': list(params),
            'params': {n: g.t32(v) for n, v in params.items()}, 'inputs': inputs,
            'outputs': {k: g.t64(tb(v) if k == 'output' else v) for k, v in outs.items()},
            'loss': {'formula': 'Σ_k sum(outputs[k] * weights[k])', 'weights': {k: g.t32(tb(v) if k == 'output' else v) for k, v in weights.items()},
                     'value': g.num64(loss)},
            'grads': grads}


def build(d):
    grid = [(1, False, False, False, False), (1, False, True, True, False), (1, True, False, True, True), (2, True, True, True, False),
            (2, False, False, False, True), (2, True, False, False, False)]
    return [case(d, m, *c) for m in ('LayerNormLSTM', 'LayerNormGRU') for c in grid]


FILES = [('layer_norm_rnn.json', 'layer_norm_rnn', 'Layer-normalised LSTM / GRU (Ba et al. 2016): a PyTorch reference loop with F.layer_norm, '
          'one and two layers, bidirectional, lengths, h0 / c0, batch-first; outputs, final states and gradients.', build)]


if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../test-vectors/local')
    os.makedirs(out, exist_ok=True)
    for file, family, description, make in FILES:
        g.DESCRIPTIONS[file] = description
        entry = g.write_file(out, file, family, make(g.Draw(19_004)), 'local')
        print(f'{file}: {entry["num_cases"]} cases, {entry["bytes"]} bytes')
