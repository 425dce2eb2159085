#!/usr/bin/python3
"""Writes a complete PyTorch vector set in the format of test-vectors/pytorch (schema_version 1).

Usage: /usr/bin/python3 scripts/vectors/generate.py --seed 1 --out /tmp/vectors-seed1

The format is specified in /work/shared/fixtures/pytorch/README.md (a copy of the field list is in
test-vectors/README.md). Sizes (input/hidden/proj sizes, batch, sequence lengths, periods, context
sizes, number of classes, blank positions, length orders, optimizer parameter shapes) are drawn from
the seed, so every seed gives a set with other shapes than the public one. Every drawn value is
rounded to float32; everything is computed with PyTorch in float64 (state_dict cases also in
float32). Needs PyTorch 1.13 (Debian's python3-torch for /usr/bin/python3).
"""
import argparse
import hashlib
import json
import math
import os
import random
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)

# ---------------------------------------------------------------------------------------------
# numbers and tensors


def num64(v):
    v = float(v)
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return float(f'{v:.10g}')


def num32(v):
    v = float(v)
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    assert struct.unpack('f', struct.pack('f', v))[0] == v, 'float32 value expected'
    return v


def t32(t):
    t = t.detach()
    return {'shape': list(t.shape), 'dtype': 'float32', 'data': [num32(v) for v in t.double().reshape(-1).tolist()]}


def t64(t):
    t = t.detach()
    return {'shape': list(t.shape), 'dtype': 'float64', 'data': [num64(v) for v in t.double().reshape(-1).tolist()]}


def ti64(t):
    if not torch.is_tensor(t):
        t = torch.tensor(t, dtype=torch.int64)
    return {'shape': list(t.shape), 'dtype': 'int64', 'data': [int(v) for v in t.reshape(-1).tolist()]}


class Draw:
    """Seeded draws: sizes from `random.Random`, values from a torch generator, rounded to float32."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.g = torch.Generator().manual_seed(seed)

    def u(self, shape, lo=-1.0, hi=1.0):
        x = torch.rand(tuple(shape), generator=self.g, dtype=torch.float64) * (hi - lo) + lo
        return x.float().double()

    def int(self, lo, hi):
        return self.r.randint(lo, hi)

    def choice(self, xs):
        return self.r.choice(xs)


def loss_of(d, outputs, weights=None):
    """Σ_k sum(outputs[k] ⊙ R_k) with fresh float32 weights R_k."""
    weights = weights or {k: d.u(v.shape) for k, v in outputs.items()}
    total = None
    for k, v in outputs.items():
        term = (v * weights[k]).sum()
        total = term if total is None else total + term
    formula = ' + '.join(f'sum(outputs.{k} * loss.weights.{k})' for k in outputs)
    return total, {'formula': formula, 'weights': {k: t32(w) for k, w in weights.items()}, 'value': t64(total)}


def leaf(t):
    return t.clone().requires_grad_(True)


# ---------------------------------------------------------------------------------------------
# cells and layers (torch.nn modules)

MODES = {
    'rnn_tanh': ('RNN_TANH', 'RNN', 'tanh', 1),
    'rnn_relu': ('RNN_RELU', 'RNN', 'relu', 1),
    'lstm': ('LSTM', 'LSTM', None, 4),
    'lstm_proj': ('LSTM', 'LSTM', None, 4),
    'gru': ('GRU', 'GRU', None, 3),
}


def set_params(d, module, hidden):
    k = 1.0 / math.sqrt(hidden)
    names, params = [], {}
    for name, p in module.named_parameters():
        v = d.u(p.shape, -k, k)
        with torch.no_grad():
            p.copy_(v)
        names.append(name)
        params[name] = t32(v)
    return names, params


def cell_case(d, kind, bias, hx):
    mode, _, nl, _ = MODES[kind]
    I, H, B = d.int(1, 7), d.int(1, 8), d.int(1, 5)
    cls = {'RNN_TANH': nn.RNNCell, 'RNN_RELU': nn.RNNCell, 'LSTM': nn.LSTMCell, 'GRU': nn.GRUCell}[mode]
    cell = cls(I, H, bias=bias, nonlinearity=nl) if nl else cls(I, H, bias=bias)
    names, params = set_params(d, cell, H)
    x = leaf(d.u((B, I)))
    inputs = {'x': x}
    if hx:
        inputs['h0'] = leaf(d.u((B, H)))
        if mode == 'LSTM':
            inputs['c0'] = leaf(d.u((B, H)))
    if mode == 'LSTM':
        h, c = cell(x, (inputs['h0'], inputs['c0'])) if hx else cell(x)
        outputs = {'h': h, 'c': c}
    else:
        outputs = {'h': cell(x, inputs['h0']) if hx else cell(x)}
    total, loss = loss_of(d, outputs)
    total.backward()
    grads = {n: t64(p.grad) for n, p in cell.named_parameters()}
    grads.update({n: t64(v.grad) for n, v in inputs.items()})
    name = f"cell_{kind}_{'bias' if bias else 'nobias'}_{'hx' if hx else 'nohx'}"
    config = {'mode': mode, 'cell': cls.__name__, 'nonlinearity': nl, 'input_size': I, 'hidden_size': H,
              'bias': bias, 'batch_size': B, 'has_h0': hx}
    return {'name': name, 'family': 'cell', 'config': config, 'param_names': names, 'params': params,
            'inputs': {k: t32(v) for k, v in inputs.items()}, 'outputs': {k: t64(v) for k, v in outputs.items()},
            'loss': loss, 'grads': grads}


def layer_case(d, kind, name, family, L, bi, bf, has_h0, bias, I, H, T, B, P=0, lengths=None):
    mode, module_name, nl, _ = MODES[kind]
    D = 2 if bi else 1
    if module_name == 'RNN':
        module = nn.RNN(I, H, L, nonlinearity=nl, bias=bias, batch_first=bf, bidirectional=bi)
    elif module_name == 'LSTM':
        module = nn.LSTM(I, H, L, bias=bias, batch_first=bf, bidirectional=bi, proj_size=P)
    else:
        module = nn.GRU(I, H, L, bias=bias, batch_first=bf, bidirectional=bi)
    names, params = set_params(d, module, H)
    Hout = P if P > 0 else H
    x = leaf(d.u((B, T, I) if bf else (T, B, I)))
    inputs = {'x': x}
    if has_h0:
        inputs['h0'] = leaf(d.u((L * D, B, Hout)))
        if module_name == 'LSTM':
            inputs['c0'] = leaf(d.u((L * D, B, H)))
    state = None
    if has_h0:
        state = (inputs['h0'], inputs['c0']) if module_name == 'LSTM' else inputs['h0']
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths, dtype=torch.int64), batch_first=bf, enforce_sorted=False)
        out, hidden = module(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=bf, padding_value=0.0, total_length=T)
    else:
        out, hidden = module(x, state)
    outputs = {'output': out}
    if module_name == 'LSTM':
        outputs['h_n'], outputs['c_n'] = hidden
    else:
        outputs['h_n'] = hidden
    total, loss = loss_of(d, outputs)
    total.backward()
    grads = {n: t64(p.grad) for n, p in module.named_parameters()}
    grads.update({n: t64(v.grad) for n, v in inputs.items()})
    config = {'mode': mode, 'module': module_name, 'nonlinearity': nl, 'input_size': I, 'hidden_size': H,
              'num_layers': L, 'bias': bias, 'batch_first': bf, 'bidirectional': bi, 'proj_size': P,
              'dropout': 0.0, 'seq_len': T, 'batch_size': B, 'has_h0': has_h0, 'lengths': lengths}
    return {'name': name, 'family': family, 'config': config, 'param_names': names, 'params': params,
            'inputs': {k: t32(v) for k, v in inputs.items()}, 'outputs': {k: t64(v) for k, v in outputs.items()},
            'loss': loss, 'grads': grads}


def layer_sizes(d, kind):
    H = d.int(1, 7) if kind != 'lstm_proj' else d.int(2, 7)
    P = d.int(1, H - 1) if kind == 'lstm_proj' else 0
    return dict(I=d.int(1, 6), H=H, T=d.int(1, 7), B=d.int(1, 4), P=P)


def layer_file(d, kind):
    cases = []
    for L in (1, 2, 3):
        for bi in (False, True):
            for bf in (False, True):
                for has_h0 in (True, False):
                    for bias in (True, False):
                        name = (f"{kind}_L{L}_{'bi' if bi else 'uni'}_{'bf' if bf else 'tm'}_"
                                f"{'h0' if has_h0 else 'noh0'}_{'bias' if bias else 'nobias'}")
                        cases.append(layer_case(d, kind, name, 'layer', L, bi, bf, has_h0, bias, **layer_sizes(d, kind)))
    # the larger case: other sizes than the public 10 / 16 / 12 / 4
    H = d.int(12, 20)
    P = d.int(2, H - 2) if kind == 'lstm_proj' else 0
    cases.append(layer_case(d, kind, f'{kind}_L1_bi_tm_h0_bias_large', 'layer', 1, True, False, True, True,
                            I=d.int(8, 13), H=H, T=d.int(10, 15), B=d.int(3, 6), P=P))
    # a long sequence (state carried over many steps) and a single-step, single-sequence case
    H = d.int(3, 8)
    cases.append(layer_case(d, kind, f'{kind}_L2_bi_bf_h0_bias_long', 'layer', 2, True, True, True, True,
                            I=d.int(2, 6), H=H, T=d.int(30, 45), B=d.int(1, 3), P=d.int(1, H - 1) if kind == 'lstm_proj' else 0))
    # sizes past the gemm kernel's register and cache blocks (not multiples of 4 or 8)
    H = d.int(33, 42)
    cases.append(layer_case(d, kind, f'{kind}_L2_bi_tm_h0_bias_big', 'layer', 2, True, False, True, True,
                            I=d.int(17, 30), H=H, T=d.int(4, 6), B=d.int(3, 6), P=d.int(9, H - 3) if kind == 'lstm_proj' else 0))
    H = d.int(2, 8)
    cases.append(layer_case(d, kind, f'{kind}_L3_bi_tm_h0_nobias_T1_B1', 'layer', 3, True, False, True, False,
                            I=d.int(1, 6), H=H, T=1, B=1, P=d.int(1, H - 1) if kind == 'lstm_proj' else 0))
    return cases


def random_lengths(d, T, B, short=False):
    top = T - 1 if short else T
    lengths = [d.int(1, top) for _ in range(B)]
    if not short:
        lengths[d.int(0, B - 1)] = T
    order = d.choice(['random', 'ascending', 'descending'])
    if order == 'ascending':
        lengths.sort()
    elif order == 'descending':
        lengths.sort(reverse=True)
    return lengths


def packed_file(d):
    cases = []
    grid = [(1, False, False, True, True), (1, False, True, False, True), (1, True, False, True, True),
            (1, True, True, False, True), (2, False, False, True, True), (2, False, True, False, False),
            (2, True, False, True, True), (3, True, True, True, False)]
    short_index = d.int(0, len(grid) - 1)
    for kind in MODES:
        for i, (L, bi, bf, has_h0, bias) in enumerate(grid):
            s = layer_sizes(d, kind)
            s['T'] = d.int(3, 8)
            s['B'] = d.int(2, 5)
            short = i == short_index
            lengths = random_lengths(d, s['T'], s['B'], short)
            name = (f"packed_{kind}_L{L}_{'bi' if bi else 'uni'}_{'bf' if bf else 'tm'}_"
                    f"{'h0' if has_h0 else 'noh0'}_{'bias' if bias else 'nobias'}{'_short' if short else ''}")
            cases.append(layer_case(d, kind, name, 'packed', L, bi, bf, has_h0, bias, lengths=lengths, **s))
        s = layer_sizes(d, kind)
        s['T'], s['B'] = d.int(2, 6), d.int(2, 4)
        cases.append(layer_case(d, kind, f'packed_{kind}_L2_bi_bf_h0_bias_full', 'packed', 2, True, True, True, True,
                                lengths=[s['T']] * s['B'], **s))
        s = layer_sizes(d, kind)
        s['T'], s['B'] = d.int(3, 6), 1
        cases.append(layer_case(d, kind, f'packed_{kind}_L1_bi_tm_h0_bias_B1_short', 'packed', 1, True, False, True, True,
                                lengths=[d.int(1, s['T'] - 1)], **s))
    return cases


# ---------------------------------------------------------------------------------------------
# reference models: Jordan, Clockwork, SCRN (equations of the README)


def time_major(x, bf):
    return x.transpose(0, 1) if bf else x


def step_mask(lengths, T, B):
    if lengths is None:
        return torch.ones(T, B, 1)
    return torch.tensor([[1.0 if t < lengths[b] else 0.0 for b in range(B)] for t in range(T)]).unsqueeze(-1)


ACT = {'tanh': torch.tanh, 'relu': torch.relu, 'sigmoid': torch.sigmoid, 'identity': lambda v: v,
       'softmax': lambda v: torch.softmax(v, -1)}


def finish_model(d, name, family, config, names, params, inputs, outputs, aux):
    total, loss = loss_of(d, outputs)
    total.backward()
    grads = {n: t64(params[n].grad) for n in names}
    grads.update({n: t64(v.grad) for n, v in inputs.items()})
    case = {'name': name, 'family': family, 'config': config, 'param_names': names,
            'params': {n: t32(params[n]) for n in names}, 'inputs': {k: t32(v) for k, v in inputs.items()},
            'outputs': {k: t64(v) for k, v in outputs.items()}}
    if aux:
        case['aux'] = {k: t64(v) for k, v in aux.items()}
    case['loss'] = loss
    case['grads'] = grads
    return case


def jordan_case(d, name, act_h, act_y, bias, bf, has_state, use_lengths):
    I, H, O, T, B = d.int(1, 6), d.int(1, 7), d.int(1, 5), d.int(1, 8), d.int(1, 4)
    lengths = random_lengths(d, T, B) if use_lengths else None
    shapes = [('weight_ih', (H, I)), ('bias_ih', (H,)), ('weight_oh', (H, O)), ('bias_oh', (H,)),
              ('weight_ho', (O, H)), ('bias_ho', (O,))]
    if not bias:
        shapes = [s for s in shapes if not s[0].startswith('bias')]
    k = 1.0 / math.sqrt(H)
    params = {n: leaf(d.u(s, -k, k)) for n, s in shapes}
    names = [n for n, _ in shapes]
    x = leaf(d.u((B, T, I) if bf else (T, B, I)))
    inputs = {'x': x}
    if has_state:
        inputs['y0'] = leaf(d.u((B, O)))
    mask = step_mask(lengths, T, B)
    xs = time_major(x, bf)
    y = inputs['y0'] if has_state else torch.zeros(B, O)
    h_state = torch.zeros(B, H)
    ys, hs = [], []
    for t in range(T):
        a = xs[t] @ params['weight_ih'].T + y @ params['weight_oh'].T
        if bias:
            a = a + params['bias_ih'] + params['bias_oh']
        h = ACT[act_h](a)
        o = h @ params['weight_ho'].T
        if bias:
            o = o + params['bias_ho']
        yt = ACT[act_y](o)
        m = mask[t]
        y = m * yt + (1 - m) * y
        h_state = m * h + (1 - m) * h_state
        ys.append(m * yt)
        hs.append(m * h)
    output, hidden = torch.stack(ys), torch.stack(hs)
    if bf:
        output, hidden = output.transpose(0, 1), hidden.transpose(0, 1)
    config = {'mode': 'Jordan', 'input_size': I, 'hidden_size': H, 'output_size': O, 'nonlinearity': act_h,
              'output_nonlinearity': act_y, 'bias': bias, 'batch_first': bf, 'seq_len': T, 'batch_size': B,
              'lengths': lengths, 'has_initial_state': has_state}
    return finish_model(d, name, 'jordan', config, names, params, inputs, {'output': output, 'y_n': y},
                        {'hidden': hidden, 'h_n': h_state})


def jordan_file(d):
    specs = [('tanh', 'sigmoid', True, False, True, False), ('tanh', 'sigmoid', True, False, False, False),
             ('tanh', 'tanh', True, True, True, False), ('tanh', 'identity', True, False, True, False),
             ('relu', 'sigmoid', True, False, True, False), ('relu', 'tanh', True, True, False, False),
             ('relu', 'identity', True, True, True, False), ('tanh', 'sigmoid', False, False, True, False),
             ('tanh', 'tanh', False, True, False, False), ('tanh', 'sigmoid', True, False, True, True),
             ('relu', 'tanh', True, True, True, True), ('tanh', 'identity', True, True, False, True)]
    cases = []
    for act_h, act_y, bias, bf, st, ln in specs:
        name = (f"jordan_{act_h}_{act_y}{'' if bias else '_nobias'}{'_lengths' if ln else ''}"
                f"{'_bf' if bf else ''}_{'y0' if st else 'noy0'}")
        cases.append(jordan_case(d, name, act_h, act_y, bias, bf, st, ln))
    return cases


def clockwork_case(d, name, periods, bias, bf, has_state, use_lengths):
    k = d.int(1, 3)
    g = len(periods)
    H, I = g * k, d.int(1, 6)
    T, B = d.int(max(2, max(periods) - 2), max(periods) + 5), d.int(1, 4)
    lengths = random_lengths(d, T, B) if use_lengths else None
    M = torch.zeros(H, H)
    for i in range(g):
        for j in range(g):
            if j >= i:
                M[i * k:(i + 1) * k, j * k:(j + 1) * k] = 1.0
    s = 1.0 / math.sqrt(H)
    params = {'weight_ih': leaf(d.u((H, I), -s, s)), 'weight_hh': leaf(d.u((H, H), -s, s) * M + 0.0)}
    if bias:
        params['bias_ih'] = leaf(d.u((H,), -s, s))
        params['bias_hh'] = leaf(d.u((H,), -s, s))
    names = list(params)  # weight_ih, weight_hh, bias_ih, bias_hh: PyTorch's order
    x = leaf(d.u((B, T, I) if bf else (T, B, I)))
    inputs = {'x': x}
    if has_state:
        inputs['h0'] = leaf(d.u((B, H)))
    mask = step_mask(lengths, T, B)
    xs = time_major(x, bf)
    h = inputs['h0'] if has_state else torch.zeros(B, H)
    outs = []
    W = params['weight_hh'] * M
    for t in range(T):
        a = xs[t] @ params['weight_ih'].T + h @ W.T
        if bias:
            a = a + params['bias_ih'] + params['bias_hh']
        active = torch.cat([torch.full((k,), 1.0 if t % p == 0 else 0.0) for p in periods])
        hn = active * torch.tanh(a) + (1 - active) * h
        m = mask[t]
        h = m * hn + (1 - m) * h
        outs.append(m * hn)
    output = torch.stack(outs)
    if bf:
        output = output.transpose(0, 1)
    config = {'mode': 'Clockwork', 'input_size': I, 'hidden_size': H, 'module_size': k, 'periods': periods,
              'nonlinearity': 'tanh', 'bias': bias, 'batch_first': bf, 'time_origin': 0, 'seq_len': T,
              'batch_size': B, 'lengths': lengths, 'has_initial_state': has_state}
    return finish_model(d, name, 'clockwork', config, names, params, inputs, {'output': output, 'h_n': h}, None)


def random_periods(d):
    g = d.int(2, 5)
    periods, p = [], d.int(1, 2)
    for _ in range(g):
        periods.append(p)
        p += d.int(1, p + 1)
    return periods


def clockwork_file(d):
    specs = [(True, False, True, False), (True, False, False, False), (True, True, True, False),
             (False, False, True, False), (True, False, True, False), (True, False, False, False),
             (True, False, True, True), (True, True, False, True), (False, True, True, True)]
    cases = []
    for bias, bf, st, ln in specs:
        periods = random_periods(d)
        name = (f"clockwork_p{'-'.join(map(str, periods))}{'' if bias else '_nobias'}"
                f"{'_lengths' if ln else ''}{'_bf' if bf else ''}_{'h0' if st else 'noh0'}")
        while any(c['name'] == name for c in cases):
            name += 'x'
        cases.append(clockwork_case(d, name, periods, bias, bf, st, ln))
    first = d.int(2, 3)
    periods = [first, first + d.int(1, 3)]
    name = f"clockwork_p{'-'.join(map(str, periods))}_slow_lengths_h0"
    while any(c['name'] == name for c in cases):
        name += 'x'
    cases.append(clockwork_case(d, name, periods, True, False, True, True))
    return cases


def scrn_case(d, name, f, alpha, bias, bf, has_state, use_lengths):
    I, H, S, O, T, B = d.int(1, 6), d.int(1, 7), d.int(1, 6), d.int(1, 5), d.int(1, 8), d.int(1, 4)
    lengths = random_lengths(d, T, B) if use_lengths else None
    shapes = [('weight_is', (S, I)), ('weight_ih', (H, I)), ('weight_sh', (H, S)), ('weight_hh', (H, H)),
              ('weight_ho', (O, H)), ('weight_so', (O, S)), ('bias_h', (H,)), ('bias_o', (O,))]
    if not bias:
        shapes = shapes[:6]
    k = 1.0 / math.sqrt(H)
    params = {n: leaf(d.u(s, -k, k)) for n, s in shapes}
    names = [n for n, _ in shapes]
    x = leaf(d.u((B, T, I) if bf else (T, B, I)))
    inputs = {'x': x}
    if has_state:
        inputs['h0'] = leaf(d.u((B, H)))
        inputs['s0'] = leaf(d.u((B, S)))
    mask = step_mask(lengths, T, B)
    xs = time_major(x, bf)
    h = inputs['h0'] if has_state else torch.zeros(B, H)
    s = inputs['s0'] if has_state else torch.zeros(B, S)
    ys, hs, ss = [], [], []
    for t in range(T):
        sn = (1 - alpha) * (xs[t] @ params['weight_is'].T) + alpha * s
        a = sn @ params['weight_sh'].T + xs[t] @ params['weight_ih'].T + h @ params['weight_hh'].T
        if bias:
            a = a + params['bias_h']
        hn = torch.sigmoid(a)
        o = hn @ params['weight_ho'].T + sn @ params['weight_so'].T
        if bias:
            o = o + params['bias_o']
        y = ACT[f](o)
        m = mask[t]
        h = m * hn + (1 - m) * h
        s = m * sn + (1 - m) * s
        ys.append(m * y)
        hs.append(m * hn)
        ss.append(m * sn)
    output, hidden, context = torch.stack(ys), torch.stack(hs), torch.stack(ss)
    if bf:
        output, hidden, context = output.transpose(0, 1), hidden.transpose(0, 1), context.transpose(0, 1)
    config = {'mode': 'SCRN', 'input_size': I, 'hidden_size': H, 'context_size': S, 'output_size': O,
              'alpha': alpha, 'output_nonlinearity': f, 'bias': bias, 'batch_first': bf, 'seq_len': T,
              'batch_size': B, 'lengths': lengths, 'has_initial_state': has_state}
    return finish_model(d, name, 'scrn', config, names, params, inputs, {'output': output, 'h_n': h, 's_n': s},
                        {'hidden': hidden, 'context': context})


def scrn_file(d):
    specs = [('identity', 0.95, True, False, True, False), ('identity', 0.95, True, False, False, False),
             ('softmax', 0.95, True, False, True, False), ('softmax', 0.95, True, True, False, False),
             ('tanh', 0.95, False, False, True, False), ('identity', 0.5, True, True, True, False),
             ('tanh', 0.8, True, False, False, False), ('identity', 0.95, True, False, True, True),
             ('softmax', 0.95, True, True, True, True), ('tanh', 0.95, False, True, False, True)]
    cases = []
    for f, alpha, bias, bf, st, ln in specs:
        name = (f"scrn_{f}{'' if bias else '_nobias'}{'' if alpha == 0.95 else f'_alpha{alpha}'}"
                f"{'_lengths' if ln else ''}{'_bf' if bf else ''}_{'states' if st else 'nostates'}")
        cases.append(scrn_case(d, name, f, alpha, bias, bf, st, ln))
    return cases


# ---------------------------------------------------------------------------------------------
# CTC


def safe_logsumexp(terms):
    """logsumexp of scalar tensors; an all −∞ input gives −∞ with no gradient (not NaN)."""
    live = [v for v in terms if not (torch.isinf(v) and v < 0)]
    if not live:
        return torch.tensor(-math.inf)
    return torch.logsumexp(torch.stack(live), 0)


def ctc_alpha_nll(lp, target, blank):
    """−log p(target | x) by the forward algorithm in log space (float64, differentiable)."""
    ext = [blank]
    for c in target:
        ext += [c, blank]
    S = len(ext)
    neg = torch.tensor(-math.inf)
    alpha = [neg] * S
    alpha[0] = lp[0, blank]
    if S > 1:
        alpha[1] = lp[0, ext[1]]
    for t in range(1, lp.shape[0]):
        new = []
        for s in range(S):
            terms = [alpha[s]]
            if s >= 1:
                terms.append(alpha[s - 1])
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(alpha[s - 2])
            new.append(safe_logsumexp(terms) + lp[t, ext[s]])
        alpha = new
    ends = [alpha[S - 1]] + ([alpha[S - 2]] if S > 1 else [])
    return -safe_logsumexp(ends)


def frames_needed(target):
    return len(target) + sum(1 for a, b in zip(target, target[1:]) if a == b)


def ctc_case(d, name, blank_last, fmt, reduction, zero_inf, kind):
    C, N, T, max_target, spread = d.int(3, 8), d.int(2, 4), d.int(5, 11), 5, 2.0
    if kind == 'large':
        C, N, T = d.int(8, 12), d.int(4, 6), d.int(12, 18)
    elif kind == 'long':
        C, N, T, max_target = d.int(4, 7), d.int(2, 3), d.int(30, 45), 12
    elif kind == 'sharp':
        spread = 12.0
    elif kind == 'one_sample':
        N = 1
    elif kind == 'two_classes':
        C = 2
    blank = C - 1 if blank_last else 0
    labels = [c for c in range(C) if c != blank]
    input_lengths = [d.int(max(2, T - 4), T) for _ in range(N)]
    input_lengths[d.int(0, N - 1)] = T
    if kind == 'short_inputs':  # every input shorter than T: the frames after are ignored
        input_lengths = [d.int(2, T - 2) for _ in range(N)]
    targets = []
    for n in range(N):
        Tn = input_lengths[n]
        while True:
            tl = d.int(1, max(1, min(Tn // 2, max_target)))
            tgt = [d.choice(labels) for _ in range(tl)]
            if frames_needed(tgt) <= Tn:
                break
        targets.append(tgt)
    feasible_wanted = [True] * N
    if kind == 'repeat_tight':
        for n in range(N):
            # repeated labels needing exactly the available frames
            tl = d.int(2, 4)
            a = d.choice(labels)
            tgt = [a, a] + [d.choice(labels) for _ in range(tl - 2)]
            input_lengths[n] = frames_needed(tgt)
            targets[n] = tgt
        T = max(input_lengths)
    elif kind == 'same_label':
        a = d.choice(labels)
        for n in range(N):
            tl = d.int(2, 3)
            targets[n] = [a] * tl if n == 0 else [d.choice(labels)] * tl
            input_lengths[n] = max(input_lengths[n], 2 * tl - 1)
        T = max(input_lengths)
    elif kind == 'empty':
        for n in range(N):
            if n % 2 == 0:
                targets[n] = []
        if all(len(t) == 0 for t in targets):
            targets[-1] = [d.choice(labels)]
    elif kind == 'all_empty':  # only blanks: padded targets may have no column at all
        targets = [[] for _ in range(N)]
    elif kind == 'input_length1':
        input_lengths[0] = 1
        targets[0] = [d.choice(labels)]
        if N > 1:
            input_lengths[1] = 1
            targets[1] = []
        input_lengths[-1] = T
    elif kind == 'full_lengths':
        input_lengths = [T] * N
        targets = [[d.choice(labels) for _ in range(T // 2)] for _ in range(N)]
        targets = [t if frames_needed(t) <= T else t[: T // 3] for t in targets]
    elif kind in ('infeasible_repeat', 'infeasible_toolong'):
        n = d.int(0, N - 1)
        Tn = input_lengths[n]
        if kind == 'infeasible_toolong':
            tgt = [d.choice(labels) for _ in range(Tn + d.int(1, 2))]
        else:
            a = d.choice(labels)
            tgt = [a] * ((Tn + 1) // 2 + 1)  # needs 2·len − 1 > Tn frames, len ≤ Tn
            assert len(tgt) <= Tn < frames_needed(tgt)
        targets[n] = tgt
        feasible_wanted[n] = False
    target_lengths = [len(t) for t in targets]
    feasible = [frames_needed(t) <= input_lengths[n] for n, t in enumerate(targets)]
    assert feasible == feasible_wanted, (name, targets, input_lengths)
    S = max(target_lengths) + d.int(0, 2)
    S = d.int(0, 1) if kind == 'all_empty' else max(S, 1)
    padded = [t + [d.choice(labels) for _ in range(S - len(t))] for t in targets]
    concat = [c for t in targets for c in t]
    logits = leaf(d.u((T, N, C), -spread, spread))
    log_probs = torch.log_softmax(logits, -1)
    log_probs.retain_grad()
    il = torch.tensor(input_lengths, dtype=torch.int64)
    tl = torch.tensor(target_lengths, dtype=torch.int64)
    tgt_t = torch.tensor(padded, dtype=torch.int64) if fmt == 'padded' else torch.tensor(concat, dtype=torch.int64)
    out = F.ctc_loss(log_probs, tgt_t, il, tl, blank=blank, reduction=reduction, zero_infinity=zero_inf)
    if reduction == 'none':
        w = d.u((N,), 0.1, 1.0)
    else:
        w = torch.tensor(1.0)
    total = (out * w).sum()
    total.backward()
    # independent forward algorithm: loss values and the exact gradient −w·γ
    lp_exact = log_probs.detach().clone().requires_grad_(True)
    per_sample, weights_n = [], []
    for n in range(N):
        nll = ctc_alpha_nll(lp_exact[: input_lengths[n], n], targets[n], blank)
        per_sample.append(nll)
        if reduction == 'none':
            weights_n.append(float(w[n]))
        elif reduction == 'sum':
            weights_n.append(1.0)
        else:
            weights_n.append(1.0 / (N * max(target_lengths[n], 1)))
    exact_total = sum(weights_n[n] * per_sample[n] for n in range(N) if feasible[n])
    exact = torch.zeros(T, N, C)
    if any(feasible):
        (g,) = torch.autograd.grad(exact_total, lp_exact)
        exact = g.clone()
    for n in range(N):
        if not feasible[n]:
            exact[:, n] = 0.0
            if not zero_inf:
                exact[: input_lengths[n], n] = math.nan
    # checks of the documented conventions against PyTorch
    for n in range(N):
        ref = float(per_sample[n].detach()) if feasible[n] else math.inf
        if reduction == 'none':
            got = float(out[n])
            want = 0.0 if (zero_inf and not feasible[n]) else ref
            assert (math.isinf(got) and math.isinf(want)) or abs(got - want) < 1e-9 * max(1, abs(want)), (name, n, got, want)
        grad_lp, grad_lg = log_probs.grad[:, n], logits.grad[:, n]
        Tn = input_lengths[n]
        assert torch.all(grad_lp[Tn:] == 0) and torch.all(grad_lg[Tn:] == 0), name
        if feasible[n]:
            conv = exact[:Tn, n] + weights_n[n] * torch.exp(log_probs[:Tn, n].detach())
            assert torch.allclose(conv, grad_lp[:Tn], atol=1e-10), (name, n, conv, grad_lp[:Tn], targets[n], input_lengths[n])
        elif zero_inf:
            assert torch.all(grad_lp == 0) and torch.all(grad_lg == 0), name
        else:
            assert torch.all(torch.isnan(grad_lp[:Tn])) and torch.all(torch.isnan(grad_lg[:Tn])), name
    config = {'op': 'ctc_loss', 'blank': blank, 'reduction': reduction, 'zero_infinity': zero_inf,
              'targets_format': fmt, 'T': T, 'N': N, 'C': C}
    return {'name': name, 'family': 'ctc', 'config': config,
            'inputs': {'logits': t32(logits), 'targets_padded': ti64(padded), 'targets_concat': ti64(concat),
                       'input_lengths': ti64(input_lengths), 'target_lengths': ti64(target_lengths)},
            'outputs': {'ctc_loss': t64(out)}, 'aux': {'log_probs': t64(log_probs)},
            'loss': {'formula': 'sum(outputs.ctc_loss * loss.weights.ctc_loss)', 'weights': {'ctc_loss': t32(w)},
                     'value': t64(total)},
            'grads': {'logits': t64(logits.grad), 'log_probs': t64(log_probs.grad), 'log_probs_exact': t64(exact)},
            'targets_list': targets, 'feasible': feasible}


def ctc_file(d):
    specs = [
        ('ctc_blank0_padded_none', False, 'padded', 'none', False, 'plain'),
        ('ctc_blank0_concat_none', False, 'concat', 'none', False, 'plain'),
        ('ctc_blank0_padded_sum', False, 'padded', 'sum', False, 'plain'),
        ('ctc_blank0_concat_mean', False, 'concat', 'mean', False, 'plain'),
        ('ctc_blank0_padded_mean', False, 'padded', 'mean', False, 'plain'),
        ('ctc_blanklast_padded_none', True, 'padded', 'none', False, 'plain'),
        ('ctc_blanklast_concat_sum', True, 'concat', 'sum', False, 'plain'),
        ('ctc_blanklast_padded_mean', True, 'padded', 'mean', False, 'plain'),
        ('ctc_blanklast_concat_none_zeroinf', True, 'concat', 'none', True, 'plain'),
        ('ctc_blank0_padded_none_zeroinf', False, 'padded', 'none', True, 'plain'),
        ('ctc_repeat_tight_blank0_none', False, 'padded', 'none', False, 'repeat_tight'),
        ('ctc_repeat_tight_blanklast_concat_mean', True, 'concat', 'mean', False, 'repeat_tight'),
        ('ctc_same_label_blank0_sum', False, 'padded', 'sum', False, 'same_label'),
        ('ctc_same_label_blanklast_none', True, 'concat', 'none', False, 'same_label'),
        ('ctc_empty_target_blank0_none', False, 'padded', 'none', False, 'empty'),
        ('ctc_empty_target_blanklast_concat_mean', True, 'concat', 'mean', False, 'empty'),
        ('ctc_input_length1_blank0_none', False, 'padded', 'none', False, 'input_length1'),
        ('ctc_all_empty_targets_blank0_none', False, 'padded', 'none', False, 'all_empty'),
        ('ctc_all_empty_targets_blanklast_concat_mean', True, 'concat', 'mean', False, 'all_empty'),
        ('ctc_input_length1_blanklast_sum', True, 'concat', 'sum', False, 'input_length1'),
        ('ctc_infeasible_repeat_none', False, 'padded', 'none', False, 'infeasible_repeat'),
        ('ctc_infeasible_repeat_none_zeroinf', False, 'padded', 'none', True, 'infeasible_repeat'),
        ('ctc_infeasible_toolong_sum', False, 'concat', 'sum', False, 'infeasible_toolong'),
        ('ctc_infeasible_toolong_sum_zeroinf', False, 'concat', 'sum', True, 'infeasible_toolong'),
        ('ctc_infeasible_toolong_mean', True, 'padded', 'mean', False, 'infeasible_toolong'),
        ('ctc_infeasible_toolong_mean_zeroinf', True, 'padded', 'mean', True, 'infeasible_toolong'),
        ('ctc_infeasible_repeat_blanklast_mean_zeroinf', True, 'concat', 'mean', True, 'infeasible_repeat'),
        ('ctc_infeasible_repeat_blanklast_none', True, 'concat', 'none', False, 'infeasible_repeat'),
        ('ctc_full_lengths_blank0_none', False, 'padded', 'none', False, 'full_lengths'),
        ('ctc_large_blank0_padded_none', False, 'padded', 'none', False, 'large'),
        ('ctc_large_blanklast_concat_mean', True, 'concat', 'mean', False, 'large'),
        ('ctc_long_blank0_none', False, 'padded', 'none', False, 'long'),
        ('ctc_long_blanklast_concat_sum', True, 'concat', 'sum', False, 'long'),
        ('ctc_sharp_logits_blank0_none', False, 'padded', 'none', False, 'sharp'),
        ('ctc_one_sample_blanklast_mean', True, 'padded', 'mean', False, 'one_sample'),
        ('ctc_two_classes_blank0_none', False, 'concat', 'none', False, 'two_classes'),
        ('ctc_two_classes_blanklast_sum', True, 'padded', 'sum', False, 'two_classes'),
        ('ctc_short_inputs_blank0_none', False, 'padded', 'none', False, 'short_inputs'),
        ('ctc_short_inputs_blanklast_concat_mean', True, 'concat', 'mean', False, 'short_inputs'),
        ('ctc_sharp_logits_blanklast_mean_zeroinf', True, 'concat', 'mean', True, 'sharp'),
    ]
    return [ctc_case(d, *s) for s in specs]


# ---------------------------------------------------------------------------------------------
# plain ops


def op_case(d, name, op, expr, args, inputs, fn, diff):
    leaves = {k: (leaf(v) if k in diff else v) for k, v in inputs.items()}
    out = fn(**leaves)
    total, loss = loss_of(d, {'out': out})
    total.backward()
    stored = {k: (ti64(v) if v.dtype == torch.int64 else t32(v)) for k, v in inputs.items()}
    return {'name': name, 'family': 'op', 'config': {'op': op, 'expr': expr, 'args': args, 'differentiable_inputs': diff},
            'inputs': stored, 'outputs': {'out': t64(out)}, 'loss': loss,
            'grads': {k: t64(leaves[k].grad) for k in diff}}


def ops_file(d):
    r = lambda lo=1, hi=5: d.int(lo, hi)
    cases = []

    def binary(name, op, sa, sb, sym, positive_b=False):
        a = d.u(sa)
        b = d.u(sb)
        if positive_b:
            b = (d.u(sb, 0.5, 1.5) * torch.sign(d.u(sb))).float().double()
        fn = {'add': lambda a, b: a + b, 'sub': lambda a, b: a - b, 'mul': lambda a, b: a * b, 'div': lambda a, b: a / b}[op]
        cases.append(op_case(d, name, op, f'a {sym} b', {}, {'a': a, 'b': b}, fn, ['a', 'b']))

    m, n, k = r(2, 5), r(2, 6), r(1, 4)
    binary('add_same', 'add', (m, n), (m, n), '+')
    binary('add_broadcast_3d_2d', 'add', (r(2, 4), 1, n), (m, n), '+')
    binary('add_broadcast_row', 'add', (n,), (m, n), '+')
    binary('add_broadcast_scalar', 'add', (), (m, n), '+')
    binary('sub_broadcast', 'sub', (k + 1, m, 1), (1, n), '-')
    binary('sub_scalar_rhs', 'sub', (m, n), (), '-')
    binary('mul_same', 'mul', (m, n), (m, n), '*')
    binary('mul_broadcast_both', 'mul', (k + 1, m, 1), (1, m, n), '*')
    binary('mul_broadcast_col', 'mul', (m, 1), (m, n), '*')
    binary('div_broadcast', 'div', (m, n), (n,), '/', True)
    binary('div_scalar', 'div', (), (m, n), '/', True)
    mm = lambda a, b: torch.matmul(a, b)
    p, q, s, bt = r(1, 5), r(1, 5), r(1, 5), r(2, 3)
    for name, sa, sb in [('matmul_2d', (p, q), (q, s)), ('matmul_vec_mat', (q,), (q, s)), ('matmul_mat_vec', (p, q), (q,)),
                         ('matmul_vec_vec', (q,), (q,)), ('matmul_batched', (bt, p, q), (bt, q, s)),
                         ('matmul_batched_broadcast_rhs', (bt, p, q), (q, s)),
                         ('matmul_batched_broadcast_lhs', (p, q), (bt, q, s)),
                         ('matmul_batched_broadcast_both', (bt, 1, p, q), (r(2, 3), q, s))]:
        cases.append(op_case(d, name, 'matmul', 'torch.matmul(a, b)', {}, {'a': d.u(sa), 'b': d.u(sb)}, mm, ['a', 'b']))
    for op, fn in [('sigmoid', torch.sigmoid), ('tanh', torch.tanh), ('relu', torch.relu), ('exp', torch.exp)]:
        cases.append(op_case(d, op, op, f'torch.{op}(a)', {}, {'a': d.u((r(1, 4), r(1, 6)), -2, 2)}, lambda a, fn=fn: fn(a), ['a']))
    cases.append(op_case(d, 'log', 'log', 'torch.log(a)', {}, {'a': d.u((r(1, 4), r(1, 6)), 0.1, 2.0)}, torch.log, ['a']))
    for name, op, shape in [('softmax_last', 'softmax', (r(1, 3), r(1, 4), r(1, 7))), ('log_softmax_last', 'log_softmax', (r(1, 3), r(1, 4), r(1, 7))),
                            ('softmax_2d', 'softmax', (r(1, 5), r(1, 8))), ('log_softmax_2d', 'log_softmax', (r(1, 5), r(1, 8))),
                            ('softmax_1d', 'softmax', (r(2, 7),))]:
        fn = getattr(torch, op)
        cases.append(op_case(d, name, op, f'torch.{op}(a, dim)', {'dim': -1}, {'a': d.u(shape, -3, 3)}, lambda a, fn=fn: fn(a, -1), ['a']))
    for name, shape in [('logsumexp_last', (r(1, 4), r(1, 6))), ('logsumexp_last_3d', (r(1, 3), r(1, 3), r(1, 5)))]:
        cases.append(op_case(d, name, 'logsumexp', 'torch.logsumexp(a, dim, keepdim)', {'dim': -1, 'keepdim': False},
                             {'a': d.u(shape, -3, 3)}, lambda a: torch.logsumexp(a, -1, False), ['a']))
    for op in ('sum', 'mean'):
        for name, shape, dim, keep in [(f'{op}_all', (r(1, 4), r(1, 5)), None, False), (f'{op}_dim0_keepdim', (r(1, 4), r(1, 5)), 0, True),
                                       (f'{op}_dim1', (r(1, 3), r(1, 4), r(1, 5)), 1, False), (f'{op}_last_keepdim', (r(1, 3), r(1, 4), r(1, 5)), -1, True)]:
            fn = (lambda a, op=op: getattr(a, op)()) if dim is None else (lambda a, op=op, dim=dim, keep=keep: getattr(a, op)(dim, keep))
            cases.append(op_case(d, name, op, f'a.{op}(dim, keepdim) (a.{op}() when dim is null)', {'dim': dim, 'keepdim': keep},
                                 {'a': d.u(shape)}, fn, ['a']))
    for name, shape, d0, d1 in [('transpose_01', (r(1, 3), r(2, 4), r(1, 5)), 0, 1), ('transpose_12', (r(1, 3), r(2, 4), r(1, 5)), 1, 2),
                                ('transpose_2d', (r(2, 4), r(1, 5)), 0, 1)]:
        cases.append(op_case(d, name, 'transpose', 'a.transpose(dim0, dim1)', {'dim0': d0, 'dim1': d1}, {'a': d.u(shape)},
                             lambda a, d0=d0, d1=d1: a.transpose(d0, d1), ['a']))

    for name, sa, sb in [('matmul_2d_big', (r(30, 70), r(30, 90)), None), ('matmul_vec_batched', (q,), (bt, q, s)),
                         ('matmul_batched_vec', (bt, p, q), (q,)), ('matmul_batched_broadcast_big', (r(2, 3), 1, r(9, 35), r(9, 40)), None)]:
        if name == 'matmul_2d_big':
            sb = (sa[1], r(20, 70))
        if name == 'matmul_batched_broadcast_big':
            sb = (r(2, 3), sa[3], r(9, 30))
        cases.append(op_case(d, name, 'matmul', 'torch.matmul(a, b)', {}, {'a': d.u(sa), 'b': d.u(sb)}, mm, ['a', 'b']))
    # the last dimension named by its positive index
    for name, op, shape in [('softmax_last_positive_dim', 'softmax', (r(1, 3), r(1, 4), r(2, 6))),
                            ('log_softmax_last_positive_dim', 'log_softmax', (r(1, 4), r(2, 6)))]:
        fn, dim = getattr(torch, op), len(shape) - 1
        cases.append(op_case(d, name, op, f'torch.{op}(a, dim)', {'dim': dim}, {'a': d.u(shape, -3, 3)}, lambda a, fn=fn, dim=dim: fn(a, dim), ['a']))
    cases.append(op_case(d, 'logsumexp_last_positive_dim_keepdim', 'logsumexp', 'torch.logsumexp(a, dim, keepdim)', {'dim': 1, 'keepdim': True},
                         {'a': d.u((r(1, 4), r(2, 6)), -3, 3)}, lambda a: torch.logsumexp(a, 1, True), ['a']))
    binary('mul_scalar_scalar', 'mul', (), (), '*')
    cases.append(op_case(d, 'exp_scalar', 'exp', 'torch.exp(a)', {}, {'a': d.u(())}, torch.exp, ['a']))
    cases.append(op_case(d, 'transpose_negative_dims', 'transpose', 'a.transpose(dim0, dim1)', {'dim0': -1, 'dim1': 0},
                         {'a': d.u((r(1, 3), r(2, 4), r(1, 5)))}, lambda a: a.transpose(-1, 0), ['a']))
    cases.append(op_case(d, 'mean_dim_negative', 'mean', 'a.mean(dim, keepdim) (a.mean() when dim is null)', {'dim': -2, 'keepdim': False},
                         {'a': d.u((r(1, 3), r(2, 4), r(1, 5)))}, lambda a: a.mean(-2, False), ['a']))
    # large magnitudes (numerical stability) and zero-sized dimensions
    for op, fn, lim in [('sigmoid', torch.sigmoid, 40.0), ('tanh', torch.tanh, 40.0)]:
        cases.append(op_case(d, f'{op}_large', op, f'torch.{op}(a)', {}, {'a': d.u((r(2, 4), r(2, 6)), -lim, lim)}, lambda a, fn=fn: fn(a), ['a']))
    for name, op in [('softmax_large', 'softmax'), ('log_softmax_large', 'log_softmax')]:
        fn = getattr(torch, op)
        cases.append(op_case(d, name, op, f'torch.{op}(a, dim)', {'dim': -1}, {'a': d.u((r(2, 4), r(2, 7)), -120, 120)}, lambda a, fn=fn: fn(a, -1), ['a']))
    cases.append(op_case(d, 'logsumexp_large', 'logsumexp', 'torch.logsumexp(a, dim, keepdim)', {'dim': -1, 'keepdim': True},
                         {'a': d.u((r(2, 4), r(2, 6)), -150, 150)}, lambda a: torch.logsumexp(a, -1, True), ['a']))
    cases.append(op_case(d, 'matmul_empty_inner', 'matmul', 'torch.matmul(a, b)', {}, {'a': d.u((r(1, 4), 0)), 'b': d.u((0, r(1, 4)))}, mm, ['a', 'b']))
    cases.append(op_case(d, 'add_empty', 'add', 'a + b', {}, {'a': d.u((0, r(1, 4))), 'b': d.u((1,))}, lambda a, b: a + b, ['a', 'b']))
    cases.append(op_case(d, 'sum_empty_dim0', 'sum', 'a.sum(dim, keepdim) (a.sum() when dim is null)', {'dim': 0, 'keepdim': False},
                         {'a': d.u((0, r(1, 4)))}, lambda a: a.sum(0, False), ['a']))

    def ce(name, reduction, ignore, weighted, n_ignored, spread=2.0):
        N, C = r(3, 8), r(2, 6)
        ig = min(ignore, C - 1) if ignore is not None else -100
        while True:
            target = [d.int(0, C - 1) for _ in range(N)]
            if ignore is None:
                for i in d.r.sample(range(N), n_ignored):
                    target[i] = -100
            kept = [t for t in target if t != ig]
            if kept and (ignore is None or len(kept) < N):
                break
        inputs = {'input': d.u((N, C), -spread, spread), 'target': torch.tensor(target, dtype=torch.int64)}
        if weighted:
            inputs['weight'] = d.u((C,), 0.2, 2.0)
        fn = lambda input, target, weight=None: F.cross_entropy(input, target, weight=weight, ignore_index=ig, reduction=reduction)
        cases.append(op_case(d, name, 'cross_entropy', 'F.cross_entropy(input, target, weight, ignore_index, reduction)',
                             {'reduction': reduction, 'ignore_index': ig}, inputs, fn, ['input']))

    ce('cross_entropy_mean', 'mean', None, False, 0)
    ce('cross_entropy_mean_ignore_default', 'mean', None, False, 2)
    ce('cross_entropy_sum_ignore_class', 'sum', d.int(0, 1), False, 0)
    ce('cross_entropy_none_ignore', 'none', None, False, 1)
    ce('cross_entropy_mean_ignore_class', 'mean', 1, False, 0)
    ce('cross_entropy_weighted_mean_ignore', 'mean', None, True, 1)
    ce('cross_entropy_weighted_sum', 'sum', None, True, 0)
    ce('cross_entropy_weighted_none_ignore_class', 'none', 0, True, 0)
    ce('cross_entropy_large_logits_mean', 'mean', None, False, 1, 150.0)
    ce('cross_entropy_weighted_mean_ignore_class', 'mean', 2, True, 0)
    for red in ('mean', 'sum', 'none'):
        shape = (r(1, 5), r(1, 5))
        cases.append(op_case(d, f'mse_loss_{red}', 'mse_loss', 'F.mse_loss(input, target, reduction)', {'reduction': red},
                             {'input': d.u(shape), 'target': d.u(shape)},
                             lambda input, target, red=red: F.mse_loss(input, target, reduction=red), ['input', 'target']))
    return cases


# ---------------------------------------------------------------------------------------------
# optimizers and clipping

OPTIM_CASES = [
    ('sgd_plain', 'SGD', dict(lr=0.1), None),
    ('sgd_momentum', 'SGD', dict(lr=0.1, momentum=0.9), None),
    ('sgd_nesterov', 'SGD', dict(lr=0.1, momentum=0.9, nesterov=True), None),
    ('sgd_momentum_dampening', 'SGD', dict(lr=0.1, momentum=0.9, dampening=0.5), None),
    ('sgd_weight_decay', 'SGD', dict(lr=0.1, weight_decay=0.1), None),
    ('sgd_nesterov_weight_decay', 'SGD', dict(lr=0.05, momentum=0.8, weight_decay=0.05, nesterov=True), None),
    ('sgd_momentum_none_grad', 'SGD', dict(lr=0.1, momentum=0.9), {'bias': [2]}),
    ('adam_default', 'Adam', dict(), None),
    ('adam_betas_eps', 'Adam', dict(lr=0.05, betas=(0.8, 0.9), eps=1e-2), None),
    ('adam_amsgrad', 'Adam', dict(lr=0.05, betas=(0.9, 0.9), amsgrad=True), None),
    ('adam_weight_decay', 'Adam', dict(lr=0.05, weight_decay=0.1), None),
    ('adam_none_grad', 'Adam', dict(lr=0.05), {'bias': [1, 2]}),
    ('adamw_default', 'AdamW', dict(), None),
    ('adamw', 'AdamW', dict(lr=0.05, weight_decay=0.1), None),
    ('adamw_amsgrad', 'AdamW', dict(lr=0.05, betas=(0.9, 0.9), weight_decay=0.1, amsgrad=True), None),
    ('rmsprop_default', 'RMSprop', dict(), None),
    ('rmsprop_centered', 'RMSprop', dict(centered=True), None),
    ('rmsprop_momentum', 'RMSprop', dict(momentum=0.9), None),
    ('rmsprop_centered_momentum_weight_decay', 'RMSprop', dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5, centered=True), None),
    ('adagrad_default', 'Adagrad', dict(), None),
    ('adagrad_lr_decay', 'Adagrad', dict(lr=0.1, lr_decay=0.1), None),
    ('adagrad_weight_decay', 'Adagrad', dict(lr=0.1, weight_decay=0.1), None),
    ('adagrad_initial_accumulator_eps', 'Adagrad', dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-2), None),
    # more missing gradients (same semantics as the documented *_none_grad cases)
    ('adam_none_grad_first', 'Adam', dict(lr=0.05, betas=(0.8, 0.9)), {'weight': [0, 3], 'scalar': [2]}),
    ('adamw_none_grad', 'AdamW', dict(lr=0.05, weight_decay=0.1), {'bias': [1, 2], 'weight': [0]}),
    ('adamw_amsgrad_none_grad', 'AdamW', dict(lr=0.05, betas=(0.9, 0.9), weight_decay=0.1, amsgrad=True), {'scalar': [0, 1]}),
    ('sgd_nesterov_weight_decay_none_grad', 'SGD', dict(lr=0.05, momentum=0.8, weight_decay=0.05, nesterov=True), {'weight': [0], 'bias': [3]}),
    ('sgd_momentum_dampening_none_grad', 'SGD', dict(lr=0.1, momentum=0.9, dampening=0.5), {'weight': [0, 1]}),
    ('rmsprop_centered_momentum_weight_decay_none_grad', 'RMSprop', dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5, centered=True), {'bias': [0], 'weight': [2]}),
    ('adagrad_lr_decay_none_grad', 'Adagrad', dict(lr=0.1, lr_decay=0.1, weight_decay=0.1), {'bias': [0, 1], 'scalar': [3]}),
]

DEFAULTS = {
    'SGD': dict(lr=None, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False),
    'Adam': dict(lr=0.001, betas=[0.9, 0.999], eps=1e-08, weight_decay=0.0, amsgrad=False, maximize=False),
    'AdamW': dict(lr=0.001, betas=[0.9, 0.999], eps=1e-08, weight_decay=0.01, amsgrad=False, maximize=False),
    'RMSprop': dict(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0.0, momentum=0.0, centered=False, maximize=False),
    'Adagrad': dict(lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, maximize=False),
}
SCALES = [1.0, 0.3, 1.5, 0.05, 0.8]


def call_text(fn, kwargs):
    parts = ['params']
    for k, v in kwargs.items():
        parts.append(f'{k}={tuple(v) if isinstance(v, (list, tuple)) else v}')
    return f"{fn}({', '.join(parts)})"


def run_optimizer(opt_name, kwargs, init, grads_per_step):
    params = {n: v.clone().requires_grad_(True) for n, v in init.items()}
    opt = getattr(torch.optim, opt_name)(list(params.values()), foreach=False, **kwargs)
    steps = []
    for grads in grads_per_step:
        for n, p in params.items():
            p.grad = None if grads[n] is None else grads[n].clone()
        opt.step()
        state = {}
        for n, p in params.items():
            if p in opt.state and opt.state[p]:
                entry = {}
                for key, v in opt.state[p].items():
                    if v is None:
                        continue
                    if key == 'step':
                        entry[key] = ti64(torch.tensor(int(float(v))))
                    else:
                        entry[key] = t64(v)
                if entry:
                    state[n] = entry
        steps.append(({n: p.detach().clone() for n, p in params.items()}, state))
    return steps


def optim_file(d):
    cases = []
    for name, opt_name, kwargs, missing in OPTIM_CASES:
        r, c = d.int(1, 5), d.int(1, 5)
        shapes = {'weight': (r, c), 'bias': (r,), 'scalar': ()}
        init = {n: d.u(s) for n, s in shapes.items()}
        grads = []
        for k, s in enumerate(SCALES):
            g = {n: d.u(sh, -s, s) for n, sh in shapes.items()}
            for n, ks in (missing or {}).items():
                if k in ks:
                    g[n] = None
            grads.append(g)
        steps = run_optimizer(opt_name, kwargs, init, grads)
        # every option other than lr must change the trajectory by far more than the tolerance
        for key in kwargs:
            if key == 'lr':
                continue
            plain = dict(kwargs)
            default = DEFAULTS[opt_name][key]
            plain[key] = tuple(default) if isinstance(default, list) else default
            if key == 'momentum' and kwargs.get('nesterov'):
                continue
            other = run_optimizer(opt_name, plain, init, grads)
            diff = max(float((a[0][n] - b[0][n]).abs().max()) for a, b in zip(steps, other) for n in shapes)
            if diff < 1e-3:
                print(f'  note: {name}: option {key} changes the trajectory by only {diff:.2e}')
        args = {k: v for k, v in DEFAULTS[opt_name].items()}
        args.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()})
        config = {'kind': 'optimizer', 'optimizer': opt_name, 'args': args,
                  'call': call_text(f'torch.optim.{opt_name}', kwargs), 'num_steps': 5}
        cases.append({'name': name, 'family': 'optim', 'config': config, 'param_names': list(shapes),
                      'params': {n: t32(v) for n, v in init.items()},
                      'steps': [{'grads': {n: (None if g[n] is None else t32(g[n])) for n in shapes},
                                 'params': {n: t64(v) for n, v in ps.items()}, 'state': st}
                                for g, (ps, st) in zip(grads, steps)]})
    clips = [('clip_grad_norm_l2_clipped', 'norm', 1.0, 2.0, lambda t: t > 1.0),
             ('clip_grad_norm_l2_unchanged', 'norm', 10.0, 2.0, lambda t: t < 10.0),
             ('clip_grad_norm_inf_clipped', 'norm', 0.5, math.inf, lambda t: t > 0.5),
             ('clip_grad_norm_inf_unchanged', 'norm', 1.5, math.inf, lambda t: t < 1.5),
             ('clip_grad_norm_l1_clipped', 'norm', 2.0, 1.0, lambda t: t > 2.0),
             ('clip_grad_norm_l1_unchanged', 'norm', 50.0, 1.0, lambda t: t < 50.0),
             ('clip_grad_value', 'value', 0.5, None, None),
             ('clip_grad_value_small', 'value', 0.125, None, None)]
    for name, kind, limit, norm_type, want in clips:
        while True:
            r, c = d.int(1, 5), d.int(1, 5)
            shapes = {'weight': (r, c), 'bias': (r,), 'scalar': ()}
            before = {n: d.u(s) for n, s in shapes.items()}
            params = {n: torch.zeros(s, requires_grad=True) for n, s in shapes.items()}
            for n, p in params.items():
                p.grad = before[n].clone()
            if kind == 'norm':
                total = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm=limit, norm_type=norm_type)
                if want(float(total)):
                    break
            else:
                flat = torch.cat([v.reshape(-1) for v in before.values()])
                clamped = (flat.abs() > limit).sum()
                if 0 < clamped < flat.numel():
                    torch.nn.utils.clip_grad_value_(list(params.values()), clip_value=limit)
                    break
        if kind == 'norm':
            nt = 'Infinity' if math.isinf(norm_type) else norm_type
            nt_text = "float('inf')" if math.isinf(norm_type) else repr(norm_type)
            config = {'kind': 'clip_grad_norm_', 'function': 'torch.nn.utils.clip_grad_norm_',
                      'args': {'max_norm': limit, 'norm_type': nt, 'error_if_nonfinite': False},
                      'call': f'torch.nn.utils.clip_grad_norm_(params, max_norm={limit!r}, norm_type={nt_text})'}
        else:
            config = {'kind': 'clip_grad_value_', 'function': 'torch.nn.utils.clip_grad_value_', 'args': {'clip_value': limit},
                      'call': f'torch.nn.utils.clip_grad_value_(params, clip_value={limit!r})'}
        case = {'name': name, 'family': 'optim', 'config': config, 'param_names': list(shapes),
                'grads_before': {n: t32(v) for n, v in before.items()},
                'grads_after': {n: t64(p.grad) for n, p in params.items()}}
        if kind == 'norm':
            case['total_norm'] = t64(total)
            case['clipped'] = bool(float(total) > limit)
        else:
            case['clipped'] = True
        cases.append(case)
    return cases


# ---------------------------------------------------------------------------------------------
# state dicts (safetensors)


def safetensors_bytes(state):
    header = {'__metadata__': {'format': 'pt'}}
    offset, blobs = 0, []
    for name, t in state.items():
        data = t.detach().float().contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(blobs), header, len(text)


class EmbeddingLSTMLinear(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.lstm = nn.LSTM(E, H)
        self.linear = nn.Linear(H, V)

    def forward(self, ids):
        output, (h_n, c_n) = self.lstm(self.embedding(ids))
        return {'logits': self.linear(output), 'h_n': h_n, 'c_n': c_n}


def state_dict_file(d, out_dir):
    os.makedirs(os.path.join(out_dir, 'state_dict'), exist_ok=True)
    cases, assets = [], []
    specs = [('lstm_L2_bi_bf', 'lstm', 2, True, True, False), ('gru_L2', 'gru', 2, False, False, False),
             ('rnn_relu', 'rnn_relu', 1, False, False, False), ('lstm_proj', 'lstm_proj', 1, False, False, True),
             ('embedding_lstm_linear', None, 1, False, False, False)]
    for name, kind, L, bi, bf, proj in specs:
        T, B = d.int(2, 8), d.int(1, 4)
        if kind is None:
            V, E, H = d.int(5, 15), d.int(2, 8), d.int(2, 9)
            model = EmbeddingLSTMLinear(V, E, H)
            ids = [d.int(0, V - 1) for _ in range(T * B)]
            ids[d.int(0, T * B - 1)] = 0
            ids_t = torch.tensor(ids, dtype=torch.int64).reshape(T, B)
            state = {}
            for n, p in model.state_dict().items():
                k = 1.0 if n.startswith('embedding') else 1.0 / math.sqrt(H)
                v = d.u(p.shape, -k, k)
                if n == 'embedding.weight':
                    v[0] = 0.0
                state[n] = v
            model.load_state_dict(state)
            config = {'module': 'EmbeddingLSTMLinear',
                      'modules': [{'name': 'embedding', 'type': 'Embedding', 'args': {'num_embeddings': V, 'embedding_dim': E, 'padding_idx': 0}},
                                  {'name': 'lstm', 'type': 'LSTM', 'args': {'input_size': E, 'hidden_size': H, 'num_layers': 1, 'bias': True,
                                                                             'batch_first': False, 'dropout': 0.0, 'bidirectional': False, 'proj_size': 0}},
                                  {'name': 'linear', 'type': 'Linear', 'args': {'in_features': H, 'out_features': V, 'bias': True}}],
                      'forward': 'output, (h_n, c_n) = lstm(embedding(ids)); logits = linear(output)', 'seq_len': T, 'batch_size': B}
            with torch.no_grad():
                out64 = model(ids_t)
                out32 = model.float()(ids_t)
            inputs = {'ids': ti64(ids_t)}
        else:
            mode, module_name, nl, _ = MODES[kind]
            I, H = d.int(1, 7), d.int(2, 8)
            P = d.int(1, H - 1) if proj else 0
            if module_name == 'RNN':
                model = nn.RNN(I, H, L, nonlinearity=nl, batch_first=bf, bidirectional=bi)
            elif module_name == 'LSTM':
                model = nn.LSTM(I, H, L, batch_first=bf, bidirectional=bi, proj_size=P)
            else:
                model = nn.GRU(I, H, L, batch_first=bf, bidirectional=bi)
            k = 1.0 / math.sqrt(H)
            state = {n: d.u(p.shape, -k, k) for n, p in model.state_dict().items()}
            model.load_state_dict(state)
            x = d.u((B, T, I) if bf else (T, B, I))
            config = {'mode': mode, 'module': module_name, 'nonlinearity': nl, 'input_size': I, 'hidden_size': H,
                      'num_layers': L, 'bias': True, 'batch_first': bf, 'bidirectional': bi, 'proj_size': P,
                      'dropout': 0.0, 'seq_len': T, 'batch_size': B, 'has_h0': False, 'lengths': None}

            def run(m, xx):
                out, hidden = m(xx)
                if module_name == 'LSTM':
                    return {'output': out, 'h_n': hidden[0], 'c_n': hidden[1]}
                return {'output': out, 'h_n': hidden}

            with torch.no_grad():
                out64 = run(model, x)
                out32 = run(model.float(), x.float())
            inputs = {'x': t32(x)}
        blob, header, n_header = safetensors_bytes(state)
        fname = f'{name}.safetensors'
        with open(os.path.join(out_dir, 'state_dict', fname), 'wb') as fh:
            fh.write(blob)
        sha = hashlib.sha256(blob).hexdigest()
        assets.append({'file': f'state_dict/{fname}', 'bytes': len(blob), 'sha256': sha})
        tensors = [{'name': n, **h} for n, h in header.items() if n != '__metadata__']
        cases.append({'name': name, 'family': 'state_dict', 'config': config,
                      'safetensors': {'file': fname, 'bytes': len(blob), 'sha256': sha, 'header_length': n_header,
                                      'metadata': {'format': 'pt'}, 'tensors': tensors},
                      'param_names': list(state), 'inputs': inputs,
                      'outputs': {k: t64(v) for k, v in out64.items()},
                      'outputs_float32': {k: t32(v) for k, v in out32.items()}})
    return cases, assets


# ---------------------------------------------------------------------------------------------
# files and index

DESCRIPTIONS = {
    'cells.json': 'Single-step cells: nn.RNNCell (tanh, relu), nn.LSTMCell, nn.GRUCell.',
    'rnn_tanh.json': "nn.RNN(nonlinearity='tanh') sequence layers.",
    'rnn_relu.json': "nn.RNN(nonlinearity='relu') sequence layers.",
    'lstm.json': 'nn.LSTM sequence layers, proj_size = 0.',
    'lstm_proj.json': 'nn.LSTM sequence layers with proj_size > 0.',
    'gru.json': 'nn.GRU sequence layers.',
    'packed.json': 'Variable-length batches through pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence(padding_value=0, total_length=T).',
    'jordan.json': 'Jordan network (output fed back), reference implementation.',
    'clockwork.json': 'Clockwork RNN (Koutnik et al., 2014), reference implementation.',
    'scrn.json': 'Structurally Constrained Recurrent Network (Mikolov et al., 2014), reference implementation.',
    'ctc.json': 'torch.nn.functional.ctc_loss on log_softmax(logits).',
    'ops.json': 'Plain autograd ops (broadcasting, matmul, activations, softmax, losses).',
    'optim.json': 'torch.optim SGD / Adam / AdamW / RMSprop / Adagrad over 5 stored gradient sets, torch.nn.utils.clip_grad_norm_ / clip_grad_value_.',
    'state_dict/state_dict.json': "nn.Module state_dicts stored as float32 safetensors files, with a fixed input and PyTorch's forward outputs.",
}


def write_file(out_dir, file, family, cases, set_name):
    names = [c['name'] for c in cases]
    assert len(set(names)) == len(names), f'duplicate case names in {file}'
    head = {'schema_version': 1, 'file': file, 'family': family, 'description': DESCRIPTIONS[file], 'set': set_name,
            'num_cases': len(cases)}
    text = json.dumps(head, separators=(',', ':'))[:-1] + ',"cases":[\n'
    text += ',\n'.join(json.dumps(c, separators=(',', ':'), allow_nan=False) for c in cases)
    text += '\n]}\n'
    data = text.encode('utf-8')
    path = os.path.join(out_dir, file)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as fh:
        fh.write(data)
    return {'file': file, 'family': family, 'description': DESCRIPTIONS[file], 'num_cases': len(cases),
            'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(), 'cases': names}


def float32_budget(out_dir):
    """Recomputes the layer, packed and ctc cases of a written set with PyTorch in float32 and prints the
    share of the float32 tolerance (1e-5 + 1e-4·|expected|) it uses, per file: a correct float32
    implementation should not need much more."""
    def load(v, dtype=torch.float32):
        return torch.tensor([float(x) for x in v['data']], dtype=torch.float64).reshape(v['shape']).to(dtype)

    def used(actual, stored):
        expected, actual = load(stored, torch.float64), actual.detach().double()
        finite = torch.isfinite(expected)
        assert torch.equal(torch.isnan(actual), torch.isnan(expected)), 'NaN positions differ'
        ratio = (actual[finite] - expected[finite]).abs() / (1e-5 + 1e-4 * expected[finite].abs())
        return float(ratio.max()) if ratio.numel() else 0.0

    for stem in ['rnn_tanh', 'rnn_relu', 'lstm', 'lstm_proj', 'gru', 'packed', 'ctc']:
        worst, where = 0.0, ''
        with open(os.path.join(out_dir, f'{stem}.json')) as fh:
            cases = json.load(fh)['cases']
        for c in cases:
            cf = c['config']
            if stem == 'ctc':
                logits = load(c['inputs']['logits']).requires_grad_(True)
                targets = c['inputs']['targets_padded' if cf['targets_format'] == 'padded' else 'targets_concat']
                out = F.ctc_loss(torch.log_softmax(logits, -1), load(targets, torch.int64), load(c['inputs']['input_lengths'], torch.int64),
                                 load(c['inputs']['target_lengths'], torch.int64), blank=cf['blank'], reduction=cf['reduction'],
                                 zero_infinity=cf['zero_infinity'])
                (out * load(c['loss']['weights']['ctc_loss'])).sum().backward()
                share = max(used(out, c['outputs']['ctc_loss']), used(logits.grad, c['grads']['logits']))
            else:
                args = dict(bias=cf['bias'], batch_first=cf['batch_first'], bidirectional=cf['bidirectional'])
                if cf['module'] == 'RNN':
                    module = nn.RNN(cf['input_size'], cf['hidden_size'], cf['num_layers'], nonlinearity=cf['nonlinearity'], **args)
                elif cf['module'] == 'LSTM':
                    module = nn.LSTM(cf['input_size'], cf['hidden_size'], cf['num_layers'], proj_size=cf['proj_size'], **args)
                else:
                    module = nn.GRU(cf['input_size'], cf['hidden_size'], cf['num_layers'], **args)
                module = module.float()
                with torch.no_grad():
                    for n, p in module.named_parameters():
                        p.copy_(load(c['params'][n]))
                inputs = {k: load(v).requires_grad_(True) for k, v in c['inputs'].items()}
                state = None
                if 'h0' in inputs:
                    state = (inputs['h0'], inputs['c0']) if cf['module'] == 'LSTM' else inputs['h0']
                x = inputs['x']
                if cf['lengths']:
                    packed = pack_padded_sequence(x, torch.tensor(cf['lengths']), batch_first=cf['batch_first'], enforce_sorted=False)
                    out, hidden = module(packed, state)
                    out, _ = pad_packed_sequence(out, batch_first=cf['batch_first'], total_length=cf['seq_len'])
                else:
                    out, hidden = module(x, state)
                outs = {'output': out}
                if cf['module'] == 'LSTM':
                    outs['h_n'], outs['c_n'] = hidden
                else:
                    outs['h_n'] = hidden
                sum((outs[k] * load(w)).sum() for k, w in c['loss']['weights'].items()).backward()
                named = dict(module.named_parameters())
                share = max([used(outs[k], c['outputs'][k]) for k in outs] +
                            [used((named.get(k) if k in named else inputs[k]).grad, v) for k, v in c['grads'].items()])
            if share > worst:
                worst, where = share, c['name']
        print(f'{stem}.json: PyTorch float32 uses {100 * worst:.1f}% of the tolerance (worst: {where})')


def family_files():
    """The files of the families generated in their own modules (scripts/vectors/<family>.py, each
    with FILES = [(file, family, description, build)]), in the order of the module names."""
    import importlib
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    for name in sorted(os.listdir(here)):
        if name.endswith('.py') and name != 'generate.py':
            yield from getattr(importlib.import_module(name[:-3]), 'FILES', [])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seed', type=int, required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--only', default=None, help='comma-separated file stems to write (default: all)')
    parser.add_argument('--check-float32', action='store_true',
                        help='only recompute the layer, packed and ctc files of --out in float32 and print the tolerance they use')
    args = parser.parse_args()
    if args.check_float32:
        float32_budget(os.path.abspath(args.out))
        return
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    set_name = f'seed-{args.seed}'
    only = set(args.only.split(',')) if args.only else None
    entries = []
    plan = [('cells.json', 'cell', lambda d: [cell_case(d, k, b, h) for k in ('rnn_tanh', 'rnn_relu', 'lstm', 'gru')
                                             for b in (True, False) for h in (True, False)])]
    plan += [(f'{k}.json', 'layer', lambda d, k=k: layer_file(d, k)) for k in MODES]
    plan += [('packed.json', 'packed', packed_file), ('jordan.json', 'jordan', jordan_file),
             ('clockwork.json', 'clockwork', clockwork_file), ('scrn.json', 'scrn', scrn_file),
             ('ctc.json', 'ctc', ctc_file), ('ops.json', 'op', ops_file), ('optim.json', 'optim', optim_file)]
    import recurrent_variants  # peephole LSTM and reset-before GRU layers (their own file)
    DESCRIPTIONS.update(recurrent_variants.DESCRIPTIONS)
    plan += recurrent_variants.PLAN
    for file, family, description, build in family_files():
        DESCRIPTIONS[file] = description
        plan.append((file, family, build))
    for i, (file, family, build) in enumerate(plan):
        if only and file.split('.')[0] not in only:
            continue
        d = Draw(args.seed * 1000 + i)  # one stream per file: files can be regenerated alone
        entries.append(write_file(out, file, family, build(d), set_name))
        print(f'{file}: {entries[-1]["num_cases"]} cases, {entries[-1]["bytes"]} bytes')
    if not only or 'state_dict' in only:
        d = Draw(args.seed * 1000 + 99)
        cases, assets = state_dict_file(d, out)
        entry = write_file(out, 'state_dict/state_dict.json', 'state_dict', cases, set_name)
        entry['assets'] = assets
        entries.append(entry)
        print(f'state_dict/state_dict.json: {entry["num_cases"]} cases')
    index = {'schema_version': 1, 'set': set_name, 'seed': args.seed, 'generated_with': 'PyTorch 1.13 (CPU), float64',
             'number_format': {'computed_significant_digits': 10, 'non_finite': ['NaN', 'Infinity', '-Infinity']},
             'tolerance_float32': {'abs': 1e-05, 'rel': 0.0001}, 'files': entries,
             'total_cases': sum(e['num_cases'] for e in entries)}
    with open(os.path.join(out, 'index.json'), 'w') as fh:
        json.dump(index, fh, indent=1)
        fh.write('\n')
    print(f'{out}: {index["total_cases"]} cases')


if __name__ == '__main__':
    main()
