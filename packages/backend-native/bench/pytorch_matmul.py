"""PyTorch side of the native matmul benchmark: float32 GFLOP/s of torch.mm for each case.

Usage: python3 pytorch_matmul.py, then one JSON case per line on stdin ({"m", "n", "k", "transA",
"transB"}) -> one JSON line per case on stdout, so that the Node side can measure each case right
after its own (both see the same machine load). A transposed operand is a .t() view, which torch.mm hands to
sgemm as a transpose flag. Each figure is the median of 7 timed batches of about 50 ms after a
200 ms warm-up (the same scheme as the Node side).
"""
import json
import statistics
import sys
import time

import torch


def rate(m, n, k, trans_a, trans_b):
    a = torch.rand(k, m).t() if trans_a else torch.rand(m, k)
    b = torch.rand(n, k).t() if trans_b else torch.rand(k, n)
    out = torch.empty(m, n)
    end = time.perf_counter() + 0.2
    calls = 0
    while calls < 3 or time.perf_counter() < end:
        torch.mm(a, b, out=out)
        calls += 1
    start = time.perf_counter()
    torch.mm(a, b, out=out)
    once = max(time.perf_counter() - start, 1e-6)
    batch = max(1, int(0.05 / once + 0.999))
    rates = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(batch):
            torch.mm(a, b, out=out)
        rates.append(2 * m * n * k * batch / (time.perf_counter() - start) / 1e9)
    return statistics.median(rates)


def main():
    torch.set_num_threads(1)
    for line in sys.stdin:
        case = json.loads(line)
        gflops = rate(case['m'], case['n'], case['k'], case['transA'], case['transB'])
        print(json.dumps({**case, 'gflops': round(gflops, 2)}), flush=True)


if __name__ == '__main__':
    main()
