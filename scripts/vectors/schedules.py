#!/usr/bin/python3
"""Learning-rate schedules (family `schedule`, file schedules.json): torch.optim.lr_scheduler's StepLR,
MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR, LambdaLR,
MultiplicativeLR, CosineAnnealingWarmRestarts, OneCycleLR, CyclicLR, SequentialLR, ChainedScheduler and
ReduceLROnPlateau, each over a few hundred steps on an optimizer of one to three parameter groups:
every group's rate (and, for the cycling ones, momentum or beta1) after construction and after each
step.

Usage: /usr/bin/python3 scripts/vectors/schedules.py   (writes test-vectors/local/schedules.json)
generate.py also writes it into any set it generates (FILES below).
"""
import os
import sys
import warnings

import torch
from torch.optim import lr_scheduler as S

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402

# functions named in the vectors; the runner holds the same table
LAMBDAS = {
    'pow_0.97': lambda e: 0.97 ** e,
    'inverse_0.05': lambda e: 1 / (1 + 0.05 * e),
    'constant_0.99': lambda e: 0.99,
    'every_10th_0.5': lambda e: 0.5 if e % 10 == 0 else 1.0,
}

# name, optimizer, number of groups, scheduler, arguments, steps
CASES = [
    ('step_lr', 'SGD', 2, 'StepLR', dict(step_size=30, gamma=0.5), 300),
    ('multi_step_lr_repeated_milestone', 'Adam', 1, 'MultiStepLR', dict(milestones=[40, 100, 100, 250], gamma=0.3), 300),
    ('constant_lr', 'SGD', 2, 'ConstantLR', dict(factor=0.25, total_iters=50), 200),
    ('linear_lr_warmup', 'AdamW', 3, 'LinearLR', dict(start_factor=0.05, end_factor=1.0, total_iters=120), 300),
    ('linear_lr_decay', 'SGD', 1, 'LinearLR', dict(start_factor=1.0, end_factor=0.1, total_iters=200), 300),
    ('exponential_lr', 'SGD', 2, 'ExponentialLR', dict(gamma=0.99), 300),
    ('polynomial_lr', 'Adam', 2, 'PolynomialLR', dict(total_iters=250, power=2.0), 300),
    ('cosine_annealing_lr', 'SGD', 2, 'CosineAnnealingLR', dict(T_max=100, eta_min=1e-4), 300),
    ('cosine_annealing_lr_no_floor', 'Adam', 1, 'CosineAnnealingLR', dict(T_max=300), 300),
    ('lambda_lr_per_group', 'SGD', 2, 'LambdaLR', dict(lr_lambda=['pow_0.97', 'inverse_0.05']), 300),
    ('multiplicative_lr', 'Adam', 1, 'MultiplicativeLR', dict(lr_lambda='constant_0.99'), 300),
    ('multiplicative_lr_every_10th', 'SGD', 2, 'MultiplicativeLR', dict(lr_lambda='every_10th_0.5'), 200),
    ('cosine_warm_restarts', 'SGD', 2, 'CosineAnnealingWarmRestarts', dict(T_0=50, eta_min=1e-3), 300),
    ('cosine_warm_restarts_t_mult', 'Adam', 1, 'CosineAnnealingWarmRestarts', dict(T_0=10, T_mult=2), 400),
    ('one_cycle_lr_sgd', 'SGD', 2, 'OneCycleLR', dict(max_lr=[0.1, 0.05], total_steps=300), 299),
    ('one_cycle_lr_adam_linear', 'Adam', 1, 'OneCycleLR', dict(max_lr=0.01, total_steps=250, anneal_strategy='linear', pct_start=0.25), 249),
    ('one_cycle_lr_three_phase', 'SGD', 1, 'OneCycleLR', dict(max_lr=0.2, epochs=10, steps_per_epoch=30, three_phase=True, div_factor=10.0, final_div_factor=100.0), 299),
    ('one_cycle_lr_no_momentum', 'AdamW', 2, 'OneCycleLR', dict(max_lr=0.05, total_steps=200, cycle_momentum=False), 200),
    ('cyclic_lr_triangular', 'SGD', 2, 'CyclicLR', dict(base_lr=0.001, max_lr=[0.1, 0.05], step_size_up=40), 300),
    ('cyclic_lr_triangular2', 'SGD', 1, 'CyclicLR', dict(base_lr=0.01, max_lr=0.1, step_size_up=30, step_size_down=20, mode='triangular2'), 300),
    ('cyclic_lr_exp_range', 'SGD', 1, 'CyclicLR', dict(base_lr=0.01, max_lr=0.2, step_size_up=25, mode='exp_range', gamma=0.995, cycle_momentum=False), 300),
    ('sequential_linear_then_cosine', 'SGD', 2, 'SequentialLR', dict(schedulers=[('LinearLR', dict(start_factor=0.1, total_iters=20)),
                                                                                ('CosineAnnealingLR', dict(T_max=280))], milestones=[20]), 300),
    ('sequential_three', 'Adam', 1, 'SequentialLR', dict(schedulers=[('ConstantLR', dict(factor=0.5, total_iters=10)), ('ExponentialLR', dict(gamma=0.98)),
                                                                    ('StepLR', dict(step_size=40, gamma=0.5))], milestones=[30, 150]), 300),
    ('reduce_on_plateau', 'SGD', 2, 'ReduceLROnPlateau', dict(patience=5, factor=0.5, min_lr=[1e-4, 1e-3]), 300),
    ('reduce_on_plateau_abs_cooldown', 'Adam', 1, 'ReduceLROnPlateau', dict(patience=3, factor=0.3, threshold=0.01, threshold_mode='abs', cooldown=4), 300),
    ('reduce_on_plateau_max', 'SGD', 1, 'ReduceLROnPlateau', dict(mode='max', patience=4, factor=0.7, threshold=1e-3), 300),
    # ChainedScheduler last, so the cases above keep their draws
    ('chained_constant_exponential', 'SGD', 2, 'ChainedScheduler', dict(schedulers=[('ConstantLR', dict(factor=0.1, total_iters=20)),
                                                                                  ('ExponentialLR', dict(gamma=0.99))]), 300),
    ('chained_linear_cosine_floor', 'Adam', 1, 'ChainedScheduler', dict(schedulers=[('LinearLR', dict(start_factor=0.1, total_iters=30)),
                                                                                   ('CosineAnnealingLR', dict(T_max=100, eta_min=1e-3))]), 300),
    ('chained_step_multistep_polynomial', 'AdamW', 3, 'ChainedScheduler', dict(schedulers=[('StepLR', dict(step_size=40, gamma=0.5)),
                                                                                          ('MultiStepLR', dict(milestones=[50, 120, 120], gamma=0.8)),
                                                                                          ('PolynomialLR', dict(total_iters=250, power=1.5))]), 300),
    ('chained_multiplicative_then_lambda', 'SGD', 2, 'ChainedScheduler', dict(schedulers=[('MultiplicativeLR', dict(lr_lambda='constant_0.99')),
                                                                                         ('LambdaLR', dict(lr_lambda=['pow_0.97', 'inverse_0.05']))]), 200),
    ('chained_lambda_then_multiplicative', 'SGD', 2, 'ChainedScheduler', dict(schedulers=[('LambdaLR', dict(lr_lambda=['pow_0.97', 'inverse_0.05'])),
                                                                                         ('MultiplicativeLR', dict(lr_lambda='every_10th_0.5'))]), 200),
    ('chained_cyclic_then_step', 'SGD', 1, 'ChainedScheduler', dict(schedulers=[('CyclicLR', dict(base_lr=0.01, max_lr=0.1, step_size_up=30)),
                                                                               ('StepLR', dict(step_size=45, gamma=0.7))]), 300),
    ('chained_constant_linear_cosine_restarts', 'Adam', 2, 'ChainedScheduler', dict(schedulers=[('ConstantLR', dict(factor=0.5, total_iters=15)),
                                                                                               ('LinearLR', dict(start_factor=0.2, end_factor=0.9, total_iters=40)),
                                                                                               ('CosineAnnealingLR', dict(T_max=25))]), 300),
]


def make_optimizer(d, kind, groups):
    params = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    lrs = [float(d.u([], 0.01, 0.2)) for _ in range(groups)]
    spec = [dict(params=[p], lr=lr) for p, lr in zip(params, lrs)]
    extra = dict(momentum=0.9) if kind == 'SGD' else {}
    return getattr(torch.optim, kind)(spec, **extra), lrs


def momentum_of(opt):
    return [grp['betas'][0] if 'betas' in grp else grp['momentum'] for grp in opt.param_groups]


def build_scheduler(name, args, opt):
    if name == 'SequentialLR':
        inner = [build_scheduler(n, a, opt) for n, a in args['schedulers']]
        return S.SequentialLR(opt, schedulers=inner, milestones=args['milestones'])
    if name == 'ChainedScheduler':
        return S.ChainedScheduler([build_scheduler(n, a, opt) for n, a in args['schedulers']])
    a = dict(args)
    if 'lr_lambda' in a:
        a['lr_lambda'] = [LAMBDAS[n] for n in a['lr_lambda']] if isinstance(a['lr_lambda'], list) else LAMBDAS[a['lr_lambda']]
    return getattr(S, name)(opt, **a)


def metrics(d, steps):
    # a loss that falls, stalls, falls again and wanders, so the plateau logic fires several times
    values, level = [], 2.0
    for k in range(steps):
        if k % 60 < 25:
            level *= 0.97
        values.append(float(level + 0.02 * float(d.u([], -1, 1))))
    return values


def case(d, name, kind, groups, scheduler, args, steps):
    opt, lrs = make_optimizer(d, kind, groups)
    momentum_before = momentum_of(opt)
    plateau = scheduler == 'ReduceLROnPlateau'
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        sched = S.ReduceLROnPlateau(opt, **args) if plateau else build_scheduler(scheduler, args, opt)
        series = metrics(d, steps) if plateau else None
        rates, momenta = [[grp['lr'] for grp in opt.param_groups]], [momentum_of(opt)]
        for k in range(steps):
            opt.step()
            if plateau:
                sched.step(series[k])
            else:
                sched.step()
            rates.append([grp['lr'] for grp in opt.param_groups])
            momenta.append(momentum_of(opt))
    stored_args = dict(args)
    if scheduler in ('SequentialLR', 'ChainedScheduler'):
        stored_args['schedulers'] = [{'scheduler': n, 'args': a} for n, a in args['schedulers']]
    config = {'scheduler': scheduler, 'args': stored_args, 'optimizer': kind, 'optimizer_args': dict(momentum=0.9) if kind == 'SGD' else {},
              'group_lrs': lrs, 'momentum_before': momentum_before, 'num_steps': steps, 'metrics': series}
    return {'name': name, 'family': 'schedule', 'config': config,
            'outputs': {'lr': g.t64(torch.tensor(rates, dtype=torch.float64)), 'momentum': g.t64(torch.tensor(momenta, dtype=torch.float64))}}


def build(d):
    return [case(d, *c) for c in CASES]


FILES = [('schedules.json', 'schedule', 'torch.optim.lr_scheduler schedules over a few hundred steps on one to three parameter groups: '
          "every group's lr (and momentum or beta1) after construction and after each step.", build)]


if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../test-vectors/local')
    os.makedirs(out, exist_ok=True)
    for file, family, description, make in FILES:
        g.DESCRIPTIONS[file] = description
        entry = g.write_file(out, file, family, make(g.Draw(19_002)), 'local')
        print(f'{file}: {entry["num_cases"]} cases, {entry["bytes"]} bytes')
