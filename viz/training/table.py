"""The numbers of a training page: one series per shown quantity (a node's value, its gradient,
an edge's local derivative, a weight), one number per frame, each series stored once.

Many series repeat another: a product's local derivative is the other factor's value, every sum
in a neuron passes the same gradient along, an ``add``'s local derivative is always 1.  So the
series are stored as columns of a float32 table, identical series once, series that never change
as one number; every quantity refers to its column (``k >= 0``) or its constant (``-1 - k``).
The table travels as base64 (the page decodes it with ``atob`` into a ``Float32Array``).

>>> blocks = {"a": np.array([[1.0, 2.0], [1.0, 3.0]]), "b": np.array([[2.0], [3.0]])}
>>> table = encode(blocks)
>>> table["refs"], table["constants"]
({'a': [-1, 0], 'b': [0]}, [1.0])
>>> {name: values.tolist() for name, values in decode(table).items()}
{'a': [[1.0, 2.0], [1.0, 3.0]], 'b': [[2.0], [3.0]]}
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

__all__ = ["decode", "encode"]


def encode(blocks: dict[str, np.ndarray]) -> dict[str, Any]:
    """The table of ``blocks`` (name -> array of shape ``(frames, items)``, all with the same
    number of frames): ``frames``, ``columns`` (base64 of float32, column after column),
    ``constants`` and, for every block, the reference of each item."""
    frames = {block.shape[0] for block in blocks.values()}
    if len(frames) > 1:
        raise ValueError(f"training page: every block of numbers needs the same number of frames, got {sorted(frames)}")
    count = frames.pop() if frames else 0
    columns: list[np.ndarray] = []
    constants: list[float] = []
    seen: dict[bytes, int] = {}
    refs: dict[str, list[int]] = {}
    for name, block in blocks.items():
        values = np.ascontiguousarray(np.asarray(block, dtype=np.float32).T)  # one row per item
        bits = values.view(np.uint32)
        same = (bits == bits[:, :1]).all(axis=1) if count else np.ones(len(values), bool)
        out = []
        for item, row in enumerate(values):
            if same[item]:
                key = b"c" + row[:1].tobytes()
                if key not in seen:
                    seen[key] = -1 - len(constants)
                    constants.append(float(row[0]) if count else 0.0)
            else:
                key = row.tobytes()
                if key not in seen:
                    seen[key] = len(columns)
                    columns.append(row)
            out.append(seen[key])
        refs[name] = out
    table = np.concatenate(columns) if columns else np.zeros(0, np.float32)
    return {"frames": count, "columns": base64.b64encode(table.astype("<f4").tobytes()).decode("ascii"),
            "constants": constants, "refs": refs}


def decode(table: dict[str, Any]) -> dict[str, np.ndarray]:
    """The blocks of an encoded table, as float64 arrays of shape ``(frames, items)`` (the values
    the page shows: float32 numbers)."""
    count = table["frames"]
    columns = np.frombuffer(base64.b64decode(table["columns"]), dtype="<f4").astype(np.float64)
    columns = columns.reshape(-1, count) if count else columns.reshape(0, 0)
    constants = np.asarray(table["constants"], dtype=np.float64)
    out = {}
    for name, refs in table["refs"].items():
        block = np.empty((count, len(refs)))
        for item, ref in enumerate(refs):
            block[:, item] = columns[ref] if ref >= 0 else constants[-1 - ref]
        out[name] = block
    return out
