#!/usr/bin/python3
"""Peephole LSTM and reset-before GRU layers: PyTorch reference loops, in the layer files' format.

Usage: /usr/bin/python3 scripts/vectors/recurrent_variants.py --seed 0 --out test-vectors/local

PyTorch has neither layer, so both are written as explicit time loops over torch ops in float64
(autograd gives the gradients), with PyTorch's multi-layer, bidirectional, batch-first and packed
semantics: a row past its length keeps its state and outputs 0, the reverse direction of a packed
row starts at its last step. Equations (gates stacked by rows as PyTorch's, `σ` the logistic):

  peephole LSTM:   i = σ(W_ii x + b_ii + W_hi h + b_hi + w_ci ⊙ c),  f = σ(… + w_cf ⊙ c),
                   g = tanh(…),  c' = f ⊙ c + i ⊙ g,  o = σ(W_io x + b_io + W_ho h + b_ho + w_co ⊙ c'),
                   h' = o ⊙ tanh(c')            (parameters weight_ci_l{k}, weight_cf_l{k}, weight_co_l{k})
  reset-before GRU: r, z as nn.GRU,  n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn),  h' = (1 − z) ⊙ n + z ⊙ h
                   (Keras's reset_after=False)
  hard sigmoid:    the LSTM (i, f, o) and GRU (r, z) gates through max(0, min(1, 0.2·x + 0.5))
                   instead of σ (tf.keras / TF.js's default recurrent_activation)

The loops are checked on every case against nn.LSTM / nn.GRU (the same loop with σ gates and zero
peepholes; packed cases through pack_padded_sequence; the reset-before GRU has no module to compare
with), so the time loop, the masking and the layer plumbing are PyTorch's. Each file holds the grid of the layer files (numLayers 1–3 × uni/bi × time/batch
first × h0 or not × bias or not, then large, long, big and single-step cases) and the grid of the
packed file. generate.py writes the same two files into every set it generates.
"""
import argparse
import math
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402  (the shared number formats, draws, loss and file writer)

torch.set_default_dtype(torch.float64)

VARIANTS = {
    # file stem: (module, gate blocks, extra per-direction parameters)
    'lstm_peephole': ('LSTM', 4, ('weight_ci', 'weight_cf', 'weight_co')),
    'gru_reset_before': ('GRU', 3, ()),
    'lstm_hard_sigmoid': ('LSTM', 4, ()),
    'gru_hard_sigmoid': ('GRU', 3, ()),
}


def hard_sigmoid(v):
    """tf.keras's hard sigmoid, max(0, min(1, 0.2·x + 0.5))."""
    return torch.clamp(0.2 * v + 0.5, 0.0, 1.0)


def gate_of(kind):
    return hard_sigmoid if kind.endswith('hard_sigmoid') else torch.sigmoid

DESCRIPTIONS = {
    'lstm_peephole.json': 'LSTM layers with peephole connections (weight_ci/cf/co per layer and direction), reference loops; layer and packed grids.',
    'gru_reset_before.json': "GRU layers in the reset-before form (Keras reset_after=False), reference loops; layer and packed grids.",
    'lstm_hard_sigmoid.json': "LSTM layers with tf.keras's hard sigmoid gates max(0, min(1, 0.2x + 0.5)), reference loops; a smaller layer grid and the packed grid.",
    'gru_hard_sigmoid.json': "GRU layers with hard sigmoid gates, reset-after and reset-before by turns, reference loops; a smaller layer grid and the packed grid.",
}


def make_params(d, kind, L, bi, I, H, bias):
    """PyTorch-ordered parameters of every layer and direction, drawn from U(−1/√H, 1/√H)."""
    module, gates, extra = VARIANTS[kind]
    k = 1.0 / math.sqrt(H)
    D = 2 if bi else 1
    names, params = [], {}
    for layer in range(L):
        inputs = I if layer == 0 else D * H
        for direction in range(D):
            suffix = f'_l{layer}' + ('_reverse' if direction == 1 else '')
            shapes = [('weight_ih', (gates * H, inputs)), ('weight_hh', (gates * H, H))]
            if bias:
                shapes += [('bias_ih', (gates * H,)), ('bias_hh', (gates * H,))]
            shapes += [(name, (H,)) for name in extra]
            for name, shape in shapes:
                names.append(name + suffix)
                params[name + suffix] = g.leaf(d.u(shape, -k, k))
    return names, params


def lstm_step(p, x, h, c, gate=torch.sigmoid):
    gates = x @ p['weight_ih'].T + h @ p['weight_hh'].T
    if 'bias_ih' in p:
        gates = gates + p['bias_ih'] + p['bias_hh']
    i, f, n, o = gates.chunk(4, 1)
    peep = 'weight_ci' in p
    i = gate(i + p['weight_ci'] * c if peep else i)
    f = gate(f + p['weight_cf'] * c if peep else f)
    c_new = f * c + i * torch.tanh(n)
    o = gate(o + p['weight_co'] * c_new if peep else o)
    return o * torch.tanh(c_new), c_new


def gru_step_after(p, x, h, gate=torch.sigmoid):
    """nn.GRU's reset-after form, with the gate activation given."""
    H = h.shape[1]
    gi = x @ p['weight_ih'].T
    gh = h @ p['weight_hh'].T
    if 'bias_ih' in p:
        gi, gh = gi + p['bias_ih'], gh + p['bias_hh']
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.split(H, 1)
    r = gate(i_r + h_r)
    z = gate(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def gru_step(p, x, h, gate=torch.sigmoid):
    H = h.shape[1]
    gi = x @ p['weight_ih'].T
    if 'bias_ih' in p:
        gi = gi + p['bias_ih']
    w_r, w_z, w_n = p['weight_hh'].split(H, 0)
    b_r, b_z, b_n = p['bias_hh'].split(H) if 'bias_hh' in p else (0.0, 0.0, 0.0)
    i_r, i_z, i_n = gi.chunk(3, 1)
    r = gate(i_r + h @ w_r.T + b_r)
    z = gate(i_z + h @ w_z.T + b_z)
    n = torch.tanh(i_n + (r * h) @ w_n.T + b_n)
    return (1 - z) * n + z * h


def run_direction(kind, p, x, h, c, mask, reverse, reset_after=False, gate=torch.sigmoid):
    """One direction over time-major x [T, B, ·]: outputs [T, B, H] (0 past each length), final states."""
    T = x.shape[0]
    outputs = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        m = mask[t]
        if kind.startswith('lstm'):
            h_new, c_new = lstm_step(p, x[t], h, c, gate)
            c = m * c_new + (1 - m) * c
        elif reset_after:
            h_new = gru_step_after(p, x[t], h, gate)
        else:
            h_new = gru_step(p, x[t], h, gate)
        h = m * h_new + (1 - m) * h
        outputs[t] = m * h_new
    return torch.stack(outputs), h, c


def reference(kind, params, L, bi, x_tm, h0, c0, mask, H, reset_after=False, gate=torch.sigmoid):
    D = 2 if bi else 1
    B = x_tm.shape[1]
    layer_input = x_tm
    h_n, c_n = [], []
    for layer in range(L):
        outs = []
        for direction in range(D):
            suffix = f'_l{layer}' + ('_reverse' if direction == 1 else '')
            p = {name[:-len(suffix)]: v for name, v in params.items() if name.endswith(suffix) and name[:-len(suffix)].count('_') == 1}
            row = layer * D + direction
            h = h0[row] if h0 is not None else torch.zeros(B, H)
            c = c0[row] if c0 is not None else torch.zeros(B, H)
            out, h, c = run_direction(kind, p, layer_input, h, c, mask, direction == 1, reset_after, gate)
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        layer_input = torch.cat(outs, 2)
    return layer_input, torch.stack(h_n), torch.stack(c_n)


def check_against_torch(kind, params, L, bi, bf, x, h0, c0, lengths, mask, H, I, reset_after):
    """The reference loop with σ gates and zero peepholes must be nn.LSTM / nn.GRU (packed through
    PyTorch's packing); the reset-before GRU has no PyTorch module to compare with."""
    if kind.startswith('gru') and not reset_after:
        return
    has_bias = any(name.startswith('bias_ih') for name in params)
    cls = nn.LSTM if kind.startswith('lstm') else nn.GRU
    module = cls(I, H, L, bias=has_bias, batch_first=bf, bidirectional=bi)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(params[name])
        zeroed = {name: torch.zeros_like(v) if name.startswith('weight_c') else v.detach() for name, v in params.items()}
        lstm = cls is nn.LSTM
        state = None if h0 is None else ((h0.detach(), c0.detach()) if lstm else h0.detach())
        xd = x.detach()
        if lengths is not None:
            packed = pack_padded_sequence(xd, torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
            out, hidden = module(packed, state)
            out, _ = pad_packed_sequence(out, batch_first=bf, total_length=mask.shape[0])
        else:
            out, hidden = module(xd, state)
        hn, cn = hidden if lstm else (hidden, None)
        x_tm = xd.transpose(0, 1) if bf else xd
        ref, ref_h, ref_c = reference(kind, zeroed, L, bi, x_tm, None if h0 is None else h0.detach(),
                                      None if c0 is None else c0.detach(), mask, H, reset_after)
        ref = ref.transpose(0, 1) if bf else ref
    pairs = [(out, ref), (hn, ref_h)] + ([(cn, ref_c)] if lstm else [])
    for a, b in pairs:
        assert torch.allclose(a, b, atol=1e-12, rtol=0), f'the reference loop differs from nn.{cls.__name__}'


def variant_case(d, kind, name, family, L, bi, bf, has_h0, bias, I, H, T, B, P=0, lengths=None, reset_after=False):
    module, _, _ = VARIANTS[kind]
    D = 2 if bi else 1
    names, params = make_params(d, kind, L, bi, I, H, bias)
    x = g.leaf(d.u((B, T, I) if bf else (T, B, I)))
    inputs = {'x': x}
    if has_h0:
        inputs['h0'] = g.leaf(d.u((L * D, B, H)))
        if module == 'LSTM':
            inputs['c0'] = g.leaf(d.u((L * D, B, H)))
    mask = torch.ones(T, B, 1) if lengths is None else torch.tensor(
        [[1.0 if t < lengths[b] else 0.0 for b in range(B)] for t in range(T)]).unsqueeze(-1)
    x_tm = x.transpose(0, 1) if bf else x
    out, h_n, c_n = reference(kind, params, L, bi, x_tm, inputs.get('h0'), inputs.get('c0'), mask, H, reset_after, gate_of(kind))
    check_against_torch(kind, params, L, bi, bf, x, inputs.get('h0'), inputs.get('c0'), lengths, mask, H, I, reset_after)
    outputs = {'output': out.transpose(0, 1) if bf else out, 'h_n': h_n}
    if module == 'LSTM':
        outputs['c_n'] = c_n
    total, loss = g.loss_of(d, outputs)
    total.backward()
    grads = {n: g.t64(params[n].grad) for n in names}
    grads.update({n: g.t64(v.grad) for n, v in inputs.items()})
    config = {'mode': module, 'module': module, 'nonlinearity': None, 'input_size': I, 'hidden_size': H,
              'num_layers': L, 'bias': bias, 'batch_first': bf, 'bidirectional': bi, 'proj_size': 0,
              'dropout': 0.0, 'seq_len': T, 'batch_size': B, 'has_h0': has_h0, 'lengths': lengths}
    if kind == 'lstm_peephole':
        config['peephole'] = True
    if module == 'GRU':
        config['reset_after'] = reset_after
    if kind.endswith('hard_sigmoid'):
        config['recurrent_activation'] = 'hard_sigmoid'
    return {'name': name, 'family': family, 'config': config, 'param_names': names,
            'params': {n: g.t32(params[n]) for n in names},
            'inputs': {k: g.t32(v) for k, v in inputs.items()}, 'outputs': {k: g.t64(v) for k, v in outputs.items()},
            'loss': loss, 'grads': grads}


def sizes(d):
    return dict(I=d.int(1, 6), H=d.int(1, 7), T=d.int(1, 7), B=d.int(1, 4))


def variant_file(d, kind):
    """The layer files' grid (numLayers 1–2 and bias only for the hard-sigmoid files), then the
    packed file's grid, for one variant. The hard-sigmoid GRU takes the reset-after and the
    reset-before form by turns."""
    cases = []
    hard = kind.endswith('hard_sigmoid')
    turn = [False]

    def form():
        turn[0] = not turn[0]
        return turn[0] if kind == 'gru_hard_sigmoid' else False

    for L in ((1, 2) if hard else (1, 2, 3)):
        for bi in (False, True):
            for bf in (False, True):
                for has_h0 in (True, False):
                    for bias in ((True,) if hard else (True, False)):
                        name = (f"{kind}_L{L}_{'bi' if bi else 'uni'}_{'bf' if bf else 'tm'}_"
                                f"{'h0' if has_h0 else 'noh0'}_{'bias' if bias else 'nobias'}")
                        cases.append(variant_case(d, kind, name, kind, L, bi, bf, has_h0, bias, reset_after=form(), **sizes(d)))
    cases.append(variant_case(d, kind, f'{kind}_L1_bi_tm_h0_bias_large', kind, 1, True, False, True, True,
                              I=d.int(8, 13), H=d.int(12, 20), T=d.int(10, 15), B=d.int(3, 6), reset_after=form()))
    cases.append(variant_case(d, kind, f'{kind}_L2_bi_bf_h0_bias_long', kind, 2, True, True, True, True,
                              I=d.int(2, 6), H=d.int(3, 8), T=d.int(30, 45), B=d.int(1, 3), reset_after=form()))
    cases.append(variant_case(d, kind, f'{kind}_L2_bi_tm_h0_bias_big', kind, 2, True, False, True, True,
                              I=d.int(17, 30), H=d.int(33, 42), T=d.int(4, 6), B=d.int(3, 6), reset_after=form()))
    cases.append(variant_case(d, kind, f'{kind}_L3_bi_tm_h0_nobias_T1_B1', kind, 3, True, False, True, False,
                              I=d.int(1, 6), H=d.int(2, 8), T=1, B=1, reset_after=form()))
    grid = [(1, False, False, True, True), (1, False, True, False, True), (1, True, False, True, True),
            (1, True, True, False, True), (2, False, False, True, True), (2, False, True, False, False),
            (2, True, False, True, True), (3, True, True, True, False)]
    short_index = d.int(0, len(grid) - 1)
    for i, (L, bi, bf, has_h0, bias) in enumerate(grid):
        s = sizes(d)
        s['T'], s['B'] = d.int(3, 8), d.int(2, 5)
        short = i == short_index
        lengths = g.random_lengths(d, s['T'], s['B'], short)
        name = (f"packed_{kind}_L{L}_{'bi' if bi else 'uni'}_{'bf' if bf else 'tm'}_"
                f"{'h0' if has_h0 else 'noh0'}_{'bias' if bias else 'nobias'}{'_short' if short else ''}")
        cases.append(variant_case(d, kind, name, kind, L, bi, bf, has_h0, bias, lengths=lengths, reset_after=form(), **s))
    s = sizes(d)
    s['T'], s['B'] = d.int(2, 6), d.int(2, 4)
    cases.append(variant_case(d, kind, f'packed_{kind}_L2_bi_bf_h0_bias_full', kind, 2, True, True, True, True,
                              lengths=[s['T']] * s['B'], reset_after=form(), **s))
    s = sizes(d)
    s['T'], s['B'] = d.int(3, 6), 1
    cases.append(variant_case(d, kind, f'packed_{kind}_L1_bi_tm_h0_bias_B1_short', kind, 1, True, False, True, True,
                              lengths=[d.int(1, s['T'] - 1)], reset_after=form(), **s))
    return cases


# what generate.py adds to its plan: (file, family, build)
PLAN = [(f'{kind}.json', kind, lambda d, kind=kind: variant_file(d, kind)) for kind in VARIANTS]
g.DESCRIPTIONS.update(DESCRIPTIONS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seed', type=int, required=True)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    for i, (file, family, build) in enumerate(PLAN):
        d = g.Draw(args.seed * 1000 + 50 + i)  # streams apart from generate.py's files
        entry = g.write_file(out, file, family, build(d), f'seed-{args.seed}')
        print(f'{file}: {entry["num_cases"]} cases, {entry["bytes"]} bytes')


if __name__ == '__main__':
    main()
