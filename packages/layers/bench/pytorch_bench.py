"""PyTorch side of `pnpm bench:rnn`: the same configurations, one intra-op thread.

Usage: python3 pytorch_bench.py CONFIG.json  -> one JSON line per (cell, shape, mode).
"""
import json
import statistics
import sys
import time

import torch


def main() -> None:
    config = json.load(open(sys.argv[1]))
    only = sys.argv[2].split(',') if len(sys.argv) > 2 and sys.argv[2] else None
    torch.set_num_threads(1)
    torch.manual_seed(config.get('seed', 0))
    modules = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}
    for cell in config['cells']:
        for shape in config['shapes']:
            if only and f"{cell}:{shape['name']}" not in only:
                continue
            B, T, I, H = shape['B'], shape['T'], shape['I'], shape['H']
            layer = modules[cell](I, H, batch_first=True)
            x = torch.randn(B, T, I)
            for mode in config['modes']:
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
                            p -= config['lr'] * p.grad
                for _ in range(config['warmup']):
                    step()
                times = []
                for _ in range(config['iters']):
                    start = time.perf_counter()
                    step()
                    times.append((time.perf_counter() - start) * 1000)
                print(json.dumps({'impl': 'pytorch', 'cell': cell, 'shape': shape['name'], 'mode': mode,
                                  'ms_per_step': statistics.median(times), 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
