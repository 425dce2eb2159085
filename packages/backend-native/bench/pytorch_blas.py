"""Which BLAS PyTorch runs on here: prints one JSON line {"torch", "blas", "library", "core", "threads"}.

`blas` is "openblas" when libopenblas is mapped into the process after importing torch, "reference"
when only netlib's reference libblas is (Debian's python3-torch without libopenblas0-pthread, 5-15x
slower), else "other". Usage: python3 pytorch_blas.py
"""
import ctypes
import json

import torch

# one product, so that a lazily loaded BLAS is mapped
torch.ones(8, 8) @ torch.ones(8, 8)
mapped = sorted({line.split()[-1] for line in open('/proc/self/maps') if 'blas' in line.split()[-1]})
openblas = [path for path in mapped if 'openblas' in path]
info = {'torch': torch.__version__, 'library': openblas[0] if openblas else (mapped[0] if mapped else None), 'core': None, 'threads': None}
if openblas:
    lib = ctypes.CDLL(openblas[0])
    lib.openblas_get_corename.restype = ctypes.c_char_p
    info['blas'] = 'openblas'
    info['core'] = lib.openblas_get_corename().decode()
    info['threads'] = lib.openblas_get_num_threads()
else:
    info['blas'] = 'reference' if any('/blas/' in path for path in mapped) else 'other'
print(json.dumps(info))
