#!/usr/bin/python3
"""Writes test-vectors/local/safetensors_layout.json: safetensors files laid out by the rules of the
reference writer (`safetensors.torch.save_file`, Rust `safetensors::tensor::prepare` and
`serialize`), for checking that `encodeSafetensors` writes the same bytes.

The `safetensors` Python package is not installed on the project's machines, so the rules are
applied here as the reference states them:
- tensors sorted by dtype, larger alignment first (its `Dtype` enum order: ... I32 < F32 < F64 < I64),
  then by name (Rust `String` order: code points);
- the header is serde_json's compact map: `__metadata__` first, then one
  `{"dtype","shape","data_offsets"}` entry per tensor in that order;
- the header is padded with spaces to a multiple of 8 bytes, its length a u64 little endian;
- the data of the tensors follow in the same order.
Metadata holds at most one key: the reference writes several in hash-map order.

Usage: /usr/bin/python3 scripts/vectors/safetensors_layout.py [--out test-vectors/local/safetensors_layout.json]
"""
import argparse
import base64
import hashlib
import json
import os
import random
import struct

RANK = {'BOOL': 0, 'U8': 1, 'I8': 2, 'I16': 5, 'U16': 6, 'F16': 7, 'BF16': 8, 'I32': 9, 'U32': 10, 'F32': 11, 'F64': 12, 'I64': 13}
PACK = {'F32': '<f', 'F64': '<d', 'I32': '<i'}
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'test-vectors', 'pytorch', 'state_dict')


def layout(tensors, metadata):
    """tensors: list of (name, dtype, shape, raw bytes) in the caller's order."""
    ordered = sorted(tensors, key=lambda t: (-RANK[t[1]], t[0]))
    header = {}
    if metadata is not None:
        header['__metadata__'] = metadata
    offset = 0
    for name, dtype, shape, raw in ordered:
        header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(t[3] for t in ordered)


def drawn(rng, dtype, shape):
    count = 1
    for d in shape:
        count *= d
    if dtype == 'I32':
        values = [rng.randint(-2**31, 2**31 - 1) for _ in range(count)]
    else:
        values = [rng.uniform(-2, 2) for _ in range(count)]
    return b''.join(struct.pack(PACK[dtype], v) for v in values)


def read_fixture(path):
    blob = open(path, 'rb').read()
    n = struct.unpack('<Q', blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    metadata = header.pop('__metadata__', None)
    tensors = [(name, info['dtype'], info['shape'], blob[8 + n + info['data_offsets'][0]:8 + n + info['data_offsets'][1]]) for name, info in header.items()]
    return tensors, metadata


def case(name, tensors, metadata, source=None):
    blob = layout(tensors, metadata)
    return {
        'name': name,
        'source_sha256': source,
        'metadata': metadata,
        'tensors': [{'name': n, 'dtype': d, 'shape': s, 'data': base64.b64encode(raw).decode()} for n, d, s, raw in tensors],
        'file': base64.b64encode(blob).decode(),
        'sha256': hashlib.sha256(blob).hexdigest(),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', '..', 'test-vectors', 'local', 'safetensors_layout.json'))
    args = parser.parse_args()
    rng = random.Random(16)
    cases = []
    for file in sorted(os.listdir(FIXTURES)):
        if file.endswith('.safetensors'):
            path = os.path.join(FIXTURES, file)
            tensors, metadata = read_fixture(path)
            source = hashlib.sha256(open(path, 'rb').read()).hexdigest()
            cases.append(case(f'state dict {file} (PyTorch state_dict order in)', tensors, metadata, source))
    mixed = [(n, d, s, drawn(rng, d, s)) for n, d, s in [
        ('linear.weight', 'F32', [3, 2]), ('step', 'I32', [1]), ('alpha', 'F64', [2]), ('linear.bias', 'F32', [3]),
        ('Zeta', 'F32', [0, 4]), ('counts', 'I32', [2, 2]), ('beta', 'F64', []), ('a.b', 'F32', [1])]]
    cases.append(case('mixed dtypes, names out of order', mixed, {'format': 'pt'}))
    unicode = [(n, 'F32', [2], drawn(rng, 'F32', [2])) for n in ['\U0001F600', '\uffff', 'é', 'e\u0301', 'z', 'Z', '_', '0']]
    cases.append(case('names past the BMP (code-point order, not UTF-16 order)', unicode, None))
    cases.append(case('no tensors', [], None))
    cases.append(case('metadata with quotes and a newline', mixed[:2], {'note': 'a "quoted"\nline ü'}))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump({'family': 'safetensors_layout', 'generator': 'scripts/vectors/safetensors_layout.py', 'cases': cases}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
