"""Compressed posting lists (CSR) for the matcher's inverted index, in flat numpy arrays."""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt


def csr(
    keys: npt.NDArray[np.uint32], values: npt.NDArray[np.uint32], size: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """``values`` grouped by ``keys`` (0 ≤ key < size), in their order within a key, and
    where each key's group starts."""
    start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=size), out=start[1:])
    return values[np.argsort(keys, kind="stable")], start


def owners(starts: array[int]) -> npt.NDArray[np.uint32]:
    """For group offsets ``[0, a, b, ...]``, the group of each position: ``0`` a times, ..."""
    bounds = np.frombuffer(starts, dtype=np.uint32).astype(np.int64)
    return np.repeat(np.arange(len(bounds) - 1, dtype=np.uint32), bounds[1:] - bounds[:-1])
