"""Column normalisations of a decision matrix.

This module owns the per-criterion normalisations the aggregation methods use.
Each function takes a float array X (n alternatives x m criteria, already
validated: finite, no NaN) and returns a new array of the same shape.

Float limits: a column is first brought to magnitudes below 1 by a power of
two (`binary_exponents`), which is exact, so that no square, sum, span or
reciprocal of the normalisations overflows or underflows while the results
on ordinary data stay bit for bit what they were.
"""

from __future__ import annotations

import numpy as np

__all__ = ["binary_exponents", "minmax", "regret", "sum_normalise", "vector_normalise"]


def binary_exponents(magnitudes: np.ndarray) -> np.ndarray:
    """Integer exponents e with magnitudes * 2**-e in [0.5, 1) (e = 0 for 0), for an exact rescaling by ldexp."""
    exponents: np.ndarray = np.frexp(magnitudes)[1]
    return exponents


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
    """Vector normalisation x / sqrt(sum x^2) for every column; a zero column stays 0.

    Each column is first divided by a power of two near its largest absolute
    value, so that the squares neither overflow (values beyond 1e154) nor
    underflow (below 1e-162); the quotient does not change.
    """
    scaled = np.ldexp(X, -binary_exponents(np.abs(X).max(axis=0, initial=0.0)))
    norm = np.sqrt(np.einsum("ij,ij->j", scaled, scaled))
    normalised: np.ndarray = scaled / np.where(norm == 0, 1.0, norm)
    return normalised
