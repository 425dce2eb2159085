"""PyTorch side of `pnpm bench:rnn`: the same configurations, one intra-op thread; each row the
median of at least `iters` steps and 1 s after at least `warmup` steps and 0.5 s.

Usage: python3 pytorch_bench.py CONFIG.json [cell:shape,…]  -> one JSON line per (cell, shape, mode);
       python3 pytorch_bench.py CONFIG.json --serve           -> timed blocks on request (see serve).
"""
import json
import statistics
import sys
import time

import torch

WARMUP_SECONDS = 0.5
TIMED_SECONDS = 1.0


def make_step(layer: torch.nn.Module, x: torch.Tensor, mode: str, lr: float):
    """One step of the standard benchmark: the forward alone, or forward, backward of mean(y²) and SGD."""
    def step() -> None:
        if mode == 'inference':
            with torch.no_grad():
                layer(x)
            return
        y, _ = layer(x)
        loss = (y * y).mean()
        layer.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in layer.parameters():
                p -= lr * p.grad
    return step


def run_steps(step, steps: int, seconds: float) -> list:
    """Runs at least `steps` steps and at least `seconds` of them; the ms of each."""
    times = []
    while len(times) < steps or sum(times) < seconds * 1000:
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return times


MODULES = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}


def build(shape: dict, cell: str):
    B, T, I, H = shape['B'], shape['T'], shape['I'], shape['H']
    return MODULES[cell](I, H, batch_first=True), torch.randn(B, T, I)


def serve(config: dict) -> None:
    """`--serve`: one JSON request a line on stdin, {"cell", "shape", "mode", "steps", "seconds"},
    answered by {"times": [ms, …]} on stdout; the layer of the last (cell, shape) is kept, so that
    a caller can interleave blocks of its own steps with blocks of these in one warm process."""
    shapes = {shape['name']: shape for shape in config['shapes']}
    current = None
    for line in sys.stdin:
        request = json.loads(line)
        key = (request['cell'], request['shape'])
        if current is None or current[0] != key:
            current = (key, *build(shapes[request['shape']], request['cell']))
        step = make_step(current[1], current[2], request['mode'], config['lr'])
        times = run_steps(step, request['steps'], request['seconds'])
        print(json.dumps({'times': times, 'torch': torch.__version__}), flush=True)


def main() -> None:
    config = json.load(open(sys.argv[1]))
    torch.set_num_threads(1)
    torch.manual_seed(config.get('seed', 0))
    if len(sys.argv) > 2 and sys.argv[2] == '--serve':
        serve(config)
        return
    only = sys.argv[2].split(',') if len(sys.argv) > 2 and sys.argv[2] else None
    for cell in config['cells']:
        for shape in config['shapes']:
            if only and f"{cell}:{shape['name']}" not in only:
                continue
            layer, x = build(shape, cell)
            for mode in config['modes']:
                step = make_step(layer, x, mode, config['lr'])
                # at least the config's counts, and at least WARMUP_SECONDS / TIMED_SECONDS of
                # steps (as the native benchmark does): a few warm-ups of a 4 ms step are not a warm process
                run_steps(step, config['warmup'], WARMUP_SECONDS)
                times = run_steps(step, config['iters'], TIMED_SECONDS)
                print(json.dumps({'impl': 'pytorch', 'cell': cell, 'shape': shape['name'], 'mode': mode,
                                  'ms_per_step': statistics.median(times), 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
