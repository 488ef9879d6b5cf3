"""Column normalisations of a decision matrix.

This module owns the per-criterion normalisations the aggregation methods use.
Each function takes a float array X (n alternatives x m criteria, already
validated: finite, no NaN) and returns a new array of the same shape.
"""

from __future__ import annotations

import numpy as np

__all__ = ["minmax", "regret", "sum_normalise", "vector_normalise"]


def minmax(X: np.ndarray, maximise: np.ndarray) -> np.ndarray:
    """Min-max normalisation to [0, 1], 1 = best.

    max: (x - min) / (max - min); min: (max - x) / (max - min).
    A constant column (max == min) gives 1 for every alternative.
    """
    lo = X.min(axis=0)
    hi = X.max(axis=0)
    span = hi - lo
    constant = span == 0
    origin = np.where(maximise, lo, hi)
    scale = np.where(constant, 0.0, np.where(maximise, 1.0, -1.0) / np.where(constant, 1.0, span))
    R: np.ndarray = X - origin
    R *= scale
    if constant.any():
        R[:, constant] = 1.0
    return R


def regret(X: np.ndarray, maximise: np.ndarray) -> np.ndarray:
    """VIKOR's normalised regret (f*_j - x_ij) / (f*_j - f-_j), 0 = best, 1 = worst.

    f* is the best value of the column given its direction, f- the worst.
    A constant column (f* == f-) gives 0 (nobody regrets it).
    """
    lo = X.min(axis=0)
    hi = X.max(axis=0)
    span = hi - lo
    constant = span == 0
    best = np.where(maximise, hi, lo)
    scale = np.where(constant, 0.0, np.where(maximise, -1.0, 1.0) / np.where(constant, 1.0, span))
    D: np.ndarray = X - best
    D *= scale
    return D


def sum_normalise(X: np.ndarray, maximise: np.ndarray) -> np.ndarray:
    """Sum normalisation: max: x / sum(x); min: (1/x) / sum(1/x). Requires X > 0."""
    Y = np.where(maximise, X, 1.0 / X)
    normalised: np.ndarray = Y / Y.sum(axis=0)
    return normalised


def vector_normalise(X: np.ndarray) -> np.ndarray:
    """Vector normalisation x / sqrt(sum x^2) for every column; a zero column stays 0."""
    norm = np.sqrt(np.einsum("ij,ij->j", X, X))
    return X / np.where(norm == 0, 1.0, norm)
