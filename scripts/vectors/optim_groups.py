#!/usr/bin/python3
"""Optimizer parameter groups (family `optim`, file optim_groups.json): torch.optim SGD, Adam, AdamW,
RMSprop and Adagrad over two and three groups with their own options, a group whose parameters never
get a gradient, and a group added with add_param_group after some steps; six stored gradient sets,
the parameters after each step and the optimizer's state_dict() at the end (PyTorch's layout of
param_groups and state).

Usage: /usr/bin/python3 scripts/vectors/optim_groups.py   (writes test-vectors/local/optim_groups.json)
generate.py also writes it into any set it generates (FILES below).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402

SCALES = [1.0, 0.3, 1.5, 0.05, 0.8, 0.4]
# the options that are ours, in PyTorch's names (foreach, maximize, capturable, differentiable are not)
KEPT = {'lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'betas', 'eps', 'amsgrad', 'alpha', 'centered',
        'lr_decay', 'initial_accumulator_value', 'initial_lr'}

# name, optimizer, defaults, groups [(parameter names, options)], parameters that never get a
# gradient, (step before which a group is added, (names, options)) or None
CASES = [
    ('sgd_momentum_two_groups', 'SGD', dict(lr=0.1, momentum=0.9),
     [(['w1', 'b1'], {}), (['w2', 'b2'], dict(lr=0.05, momentum=0.5, weight_decay=0.1))], [], None),
    ('sgd_nesterov_three_groups_one_without_grad', 'SGD', dict(lr=0.05, momentum=0.8, nesterov=True),
     [(['w1'], {}), (['b1', 'w2'], dict(lr=0.2, weight_decay=0.05)), (['b2'], dict(lr=0.3))], ['b2'], None),
    ('sgd_groups_dampening_and_plain', 'SGD', dict(lr=0.1),
     [(['w1', 'b1'], dict(momentum=0.9, dampening=0.5)), (['w2', 'b2'], {})], [], None),
    ('adam_two_groups_no_decay_on_biases', 'Adam', dict(lr=0.05, weight_decay=0.1),
     [(['w1', 'w2'], {}), (['b1', 'b2'], dict(weight_decay=0.0, lr=0.01))], [], None),
    ('adam_three_groups_amsgrad_one_without_grad', 'Adam', dict(lr=0.02),
     [(['w1'], dict(betas=(0.8, 0.9))), (['b1', 'w2'], dict(amsgrad=True, eps=1e-3)), (['b2'], dict(lr=0.1))], ['w2'], None),
    ('adamw_two_groups', 'AdamW', dict(lr=0.05),
     [(['w1', 'b1'], dict(weight_decay=0.2)), (['w2', 'b2'], dict(weight_decay=0.0, betas=(0.5, 0.99)))], [], None),
    ('adamw_three_groups_one_without_grad', 'AdamW', dict(lr=0.03, weight_decay=0.05, amsgrad=True),
     [(['w1'], {}), (['b1'], dict(lr=0.1, amsgrad=False)), (['w2', 'b2'], dict(lr=0.01))], ['w2', 'b2'], None),
    ('rmsprop_two_groups', 'RMSprop', dict(lr=0.01),
     [(['w1', 'b1'], dict(centered=True, momentum=0.5)), (['w2', 'b2'], dict(alpha=0.9, weight_decay=0.1))], [], None),
    # PyTorch starts every sum at the constructor's initial_accumulator_value, whatever a group says
    ('adagrad_two_groups', 'Adagrad', dict(lr=0.1, initial_accumulator_value=0.5),
     [(['w1', 'b1'], dict(lr_decay=0.1)), (['w2', 'b2'], dict(eps=1e-2, weight_decay=0.1))], [], None),
    ('sgd_add_param_group', 'SGD', dict(lr=0.1, momentum=0.9),
     [(['w1', 'b1'], {})], [], (3, (['w2', 'b2'], dict(lr=0.02, momentum=0.5)))),
    ('adam_add_param_group', 'Adam', dict(lr=0.05),
     [(['w1', 'b1'], dict(weight_decay=0.1))], [], (2, (['w2', 'b2'], dict(lr=0.2, amsgrad=True)))),
]


def snake_options(options):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}


def stored_state_dict(opt):
    sd = opt.state_dict()
    groups = []
    for group in sd['param_groups']:
        groups.append({k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items() if k in KEPT or k == 'params'})
    state = {}
    for index, entry in sd['state'].items():
        state[str(index)] = {k: (g.ti64(torch.tensor(int(float(v)))) if k == 'step' else g.t64(v)) for k, v in entry.items() if v is not None}
    return {'param_groups': groups, 'state': state}


def case(d, name, opt_name, defaults, groups, never, added):
    shapes = {}
    for n in ['w1', 'b1', 'w2', 'b2']:
        r, c = d.int(1, 4), d.int(1, 4)
        shapes[n] = (r, c) if n.startswith('w') else (r,)
    init = {n: d.u(s) for n, s in shapes.items()}
    params = {n: v.clone().requires_grad_(True) for n, v in init.items()}
    spec = [dict(params=[params[n] for n in names], **opts) for names, opts in groups]
    opt = getattr(torch.optim, opt_name)(spec, foreach=False, **defaults)
    steps = []
    for k, s in enumerate(SCALES):
        if added and added[0] == k:
            names, opts = added[1]
            opt.add_param_group(dict(params=[params[n] for n in names], **opts))
        grads = {n: (None if n in never else d.u(sh, -s, s)) for n, sh in shapes.items()}
        for n, p in params.items():
            p.grad = None if grads[n] is None else grads[n].clone()
        opt.step()
        steps.append({'grads': {n: (None if v is None else g.t32(v)) for n, v in grads.items()},
                      'params': {n: g.t64(p) for n, p in params.items()}})
    config = {'kind': 'optimizer_groups', 'optimizer': opt_name, 'defaults': snake_options(defaults),
              'groups': [{'params': names, 'options': snake_options(opts)} for names, opts in groups],
              'add_param_group': None if not added else {'before_step': added[0], 'params': added[1][0], 'options': snake_options(added[1][1])},
              'no_grad': never, 'num_steps': len(SCALES)}
    return {'name': name, 'family': 'optim', 'config': config, 'param_names': list(shapes),
            'params': {n: g.t32(v) for n, v in init.items()}, 'steps': steps, 'state_dict': stored_state_dict(opt)}


def build(d):
    return [case(d, *c) for c in CASES]


FILES = [('optim_groups.json', 'optim', 'torch.optim parameter groups: SGD / Adam / AdamW / RMSprop / Adagrad over two and three groups with their '
          'own options, a group without gradients and add_param_group, six stored gradient sets and the final state_dict().', build)]


if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../test-vectors/local')
    os.makedirs(out, exist_ok=True)
    for file, family, description, make in FILES:
        g.DESCRIPTIONS[file] = description
        entry = g.write_file(out, file, family, make(g.Draw(19_001)), 'local')
        print(f'{file}: {entry["num_cases"]} cases, {entry["bytes"]} bytes')
