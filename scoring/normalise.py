"""Column normalisations of a decision matrix.

This module owns the per-criterion normalisations the aggregation methods use.
Each function takes a float array X (n alternatives x m criteria, already
validated: finite, no NaN) and returns a new array of the same shape.

Float limits: a column whose magnitudes leave 2**+-`SAFE_EXPONENT` (or whose
sum of squares overflowed or underflowed) is brought to magnitudes below 1 by
a power of two (`binary_exponents`), which is exact, so that no square, sum,
span or reciprocal of the normalisations overflows or underflows; ordinary
columns are used as they are, and give the same bits either way.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SAFE_EXPONENT", "binary_exponents", "log_sum_normalise", "minmax", "regret", "sum_normalise", "vector_normalise",
]

# Below this, a sum-normalised value may come from a subnormal (imprecise) quotient or be 0:
# its logarithm is taken from the logarithms of the values instead.
_LOG_SAFE = 2.0**-960
# Magnitudes within 2**+-400 need no rescaling: squares (up to 2**800), their sums over fewer than
# 2**100 rows, spans (at least one ulp, 2**-452) and reciprocals all stay normal floats.
SAFE_EXPONENT = 400
# A column's sum of squares within these bounds had no square overflow, nor one that matters underflow.
_SQUARES_MIN = 2.0**-800
_SQUARES_MAX = 2.0**800


def binary_exponents(magnitudes: np.ndarray) -> np.ndarray:
    """Integer exponents e with magnitudes * 2**-e in [0.5, 1) (e = 0 for 0), for an exact rescaling by ldexp."""
    exponents: np.ndarray = np.frexp(magnitudes)[1]
    return exponents


def _rescaling(magnitudes: np.ndarray) -> np.ndarray | None:
    """The exponents e bringing each magnitude within [0.5, 1) by 2**-e, or None when none needs it.

    A column whose magnitude lies within 2**+-SAFE_EXPONENT (or is 0) keeps normal floats in its
    squares, sums of squares, spans and reciprocals: rescaling it would change nothing but cost a
    pass over the matrix, so ordinary data are used as they are.
    """
    exponents = binary_exponents(magnitudes)
    if bool(((magnitudes == 0) | (np.abs(exponents) < SAFE_EXPONENT)).all()):
        return None
    return exponents


def _column_range(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, its column minima and maxima; all three divided column by column by a power of two near
    the column's largest absolute value (exact, |values| < 1) when some column needs it (`_rescaling`)."""
    lo = X.min(axis=0)
    hi = X.max(axis=0)
    exponents = _rescaling(np.maximum(np.abs(lo), np.abs(hi)))
    if exponents is None:
        return X, lo, hi
    return np.ldexp(X, -exponents), np.ldexp(lo, -exponents), np.ldexp(hi, -exponents)


def minmax(X: np.ndarray, maximise: np.ndarray) -> np.ndarray:
    """Min-max normalisation to [0, 1], 1 = best.

    max: (x - min) / (max - min); min: (max - x) / (max - min).
    A constant column (max == min) gives 1 for every alternative. Computed on
    the exactly rescaled columns (`_column_range`): a span such as
    1.5e308 - (-1.5e308) does not overflow, a subnormal span has a finite
    reciprocal, and ordinary data give the same bits.
    """
    X, lo, hi = _column_range(X)
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
    A constant column (f* == f-) gives 0 (nobody regrets it). Computed on the
    exactly rescaled columns, as `minmax`.
    """
    X, lo, hi = _column_range(X)
    span = hi - lo
    constant = span == 0
    best = np.where(maximise, hi, lo)
    scale = np.where(constant, 0.0, np.where(maximise, -1.0, 1.0) / np.where(constant, 1.0, span))
    D: np.ndarray = X - best
    D *= scale
    return D


def sum_normalise(X: np.ndarray, maximise: np.ndarray) -> np.ndarray:
    """Sum normalisation: max: x / sum(x); min: (1/x) / sum(1/x). Requires X > 0.

    A max column is divided by a power of two near its largest value, a min
    column by one near its smallest value before taking 1/x (both exact), so
    that neither the sum (values near 1.8e308) nor the reciprocal (subnormal
    values) overflows. A value below about 1e-308 of its column's sum
    underflows to 0: `log_sum_normalise` gives its logarithm.
    """
    lo = X.min(axis=0)
    hi = X.max(axis=0)
    if _rescaling(np.concatenate((lo, hi))) is None:
        Y = np.where(maximise, X, 1.0 / X)
    else:
        with np.errstate(over="ignore"):  # a min column spanning more than the float range: 1/inf = 0
            smallest_first = np.ldexp(X, -binary_exponents(lo))
        Y = np.where(maximise, np.ldexp(X, -binary_exponents(hi)), 1.0 / smallest_first)
    normalised: np.ndarray = Y / Y.sum(axis=0)
    return normalised


def log_sum_normalise(X: np.ndarray, maximise: np.ndarray, normalised: np.ndarray | None = None) -> np.ndarray:
    """ln of `sum_normalise`, finite for every X > 0, even where the quotient itself underflows to 0.

    ln r = ln y - ln sum(y) with y = x (max) or 1/x (min); the sum of
    logarithms uses the largest ln y as origin. Where the quotient is well
    above the smallest normal float its own logarithm is taken (the same
    bits as np.log(sum_normalise(X, maximise))). `normalised`: sum_normalise(X, maximise) when the
    caller has it already.
    """
    R = sum_normalise(X, maximise) if normalised is None else normalised
    if bool((R >= _LOG_SAFE).all()):  # ordinary data: no quotient near underflow
        direct: np.ndarray = np.log(R)
        return direct
    L = np.where(maximise, np.log(X), -np.log(X))
    top = L.max(axis=0)
    log_total = top + np.log(np.exp(L - top).sum(axis=0))
    with np.errstate(divide="ignore"):
        logs: np.ndarray = np.where(R >= _LOG_SAFE, np.log(R), L - log_total)
    return logs


def vector_normalise(X: np.ndarray) -> np.ndarray:
    """Vector normalisation x / sqrt(sum x^2) for every column; a zero column stays 0.

    When a sum of squares overflowed (values beyond 1e154) or underflowed
    (below 1e-162), the columns are divided by a power of two near their
    largest absolute value (`_column_range`) and summed again; the quotient
    does not change.
    """
    squares = np.einsum("ij,ij->j", X, X)
    zero = squares == 0
    ordinary = ((squares >= _SQUARES_MIN) & (squares <= _SQUARES_MAX)) | zero
    if not ordinary.all() or (zero.any() and X[:, zero].any()):  # a square overflowed or underflowed
        X, _, _ = _column_range(X)
        squares = np.einsum("ij,ij->j", X, X)
    norm = np.sqrt(squares)
    normalised: np.ndarray = X / np.where(norm == 0, 1.0, norm)
    return normalised
