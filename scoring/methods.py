"""Aggregation methods as plain array functions, batched over weight vectors.

This module owns the mathematics of WSM, WPM, TOPSIS, VIKOR and PROMETHEE II
and the ranking of scores. Every scoring function takes

* ``X``: float array (n alternatives x m criteria), finite, no NaN;
* ``maximise``: bool array (m,), True where the criterion is maximised;
* ``W``: weights, shape (k, m), each row summing to 1 (a 1-D (m,) vector is
  accepted and treated as k = 1);

and returns scores of shape (k, n), one row per weight vector. Inputs are not
validated here (validate once, at the edge: `scoring.ranking`); the functions
are pure numpy so that a Monte-Carlo study over 10 000 weight vectors costs a
few matrix products.

Conventions (see the issue and the docstrings): WSM min-max (constant column
= 1), WPM sum normalisation and product, TOPSIS vector normalisation, VIKOR
with v = 0.5 and lower Q better, PROMETHEE II with usual / linear (type V) /
vshape (type III) preference functions in O(m n log n) (pair by pair, up to
O(n^2), only where the values dwarf p - q; see `promethee2_unicriterion_flows`).
Finite input gives finite scores: huge, tiny and subnormal values are
rescaled by powers of two (exact) before any square, span or reciprocal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

import numpy as np

from scoring.normalise import (
    SAFE_EXPONENT,
    binary_exponents,
    log_sum_normalise,
    minmax,
    regret,
    vector_normalise,
)
from scoring.spec import Preference, Spec

__all__ = [
    "TopsisDetails",
    "VikorDetails",
    "higher_is_better",
    "method_scores",
    "promethee2_net_flows",
    "promethee2_unicriterion_flows",
    "rank_scores",
    "rank_tolerance",
    "tie_group_starts",
    "topsis_details",
    "topsis_scores",
    "vikor_details",
    "vikor_q",
    "vikor_srq",
    "wpm_scores",
    "wsm_scores",
]

# Size of the (chunk, n, m) temporary VIKOR builds to take R = max_j w_j d_ij.
_VIKOR_CHUNK_ELEMENTS = 2_000_000
# Up to this many weight vectors, weighted sums use einsum rather than BLAS.
_EINSUM_MAX_ROWS = 16
# PROMETHEE prefix sums are used when their bound on the rounding error of a flow is at most this;
# beyond it (values large next to p - q), the partial preferences are summed pair by pair.
_PREFIX_MAX_ERROR = 1e-10
# Pairs per block of the pair-by-pair PROMETHEE sums.
_DIRECT_CHUNK_PAIRS = 1_000_000
_UNIT_ROUNDOFF = 2.0**-53


def _as_2d(W: np.ndarray) -> np.ndarray:
    return np.atleast_2d(np.asarray(W, dtype=float))


def _weighted_rows(W: np.ndarray, A: np.ndarray) -> np.ndarray:
    """W @ A.T, shape (k, n): sum_j W[k, j] A[i, j].

    A few weight vectors go through einsum (a single-threaded loop, steady on
    a busy machine); many go through BLAS, much faster for Monte-Carlo batches.
    """
    rows: np.ndarray = np.einsum("kj,ij->ki", W, A) if W.shape[0] <= _EINSUM_MAX_ROWS else W @ A.T
    return rows


def higher_is_better(method: str) -> bool:
    """True when a higher score is better (all methods but VIKOR, whose Q is lower-better)."""
    return method != "vikor"


def wsm_scores(X: np.ndarray, maximise: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted sum of min-max normalised values: score = sum_j w_j r_ij, higher better."""
    R = minmax(X, maximise)
    return _weighted_rows(_as_2d(W), R)


def wpm_scores(X: np.ndarray, maximise: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted product of sum-normalised values: score = prod_j r_ij ** w_j (X > 0), higher better.

    Computed as exp(sum_j w_j ln r_ij), which is the product itself (not its
    logarithm) up to rounding, and batches over weight vectors as one matrix
    product. ln r is finite even where r underflows (`log_sum_normalise`), so
    a zero weight leaves its column out and a score is never NaN.
    """
    scores: np.ndarray = np.exp(_weighted_rows(_as_2d(W), log_sum_normalise(X, maximise)))
    return scores


class TopsisDetails(TypedDict):
    normalised: np.ndarray
    weighted: np.ndarray
    ideal: np.ndarray
    anti_ideal: np.ndarray
    d_plus: np.ndarray
    d_minus: np.ndarray
    closeness: np.ndarray


def _closeness(d_plus: np.ndarray, d_minus: np.ndarray) -> np.ndarray:
    """C = D- / (D+ + D-); an alternative at both ideal and anti-ideal (D+ = D- = 0) gets 1."""
    total = d_plus + d_minus
    return np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 1.0)


def topsis_scores(X: np.ndarray, maximise: np.ndarray, W: np.ndarray) -> np.ndarray:
    """TOPSIS closeness coefficient C = D- / (D+ + D-), higher better.

    Vector normalisation r = x / sqrt(sum x^2); v = w r; the ideal takes the
    best v of each column given its direction, the anti-ideal the worst;
    Euclidean distances. Since w >= 0, (v_ij - v*_j)^2 = w_j^2 (r_ij - r*_j)^2,
    so the distances for k weight vectors are one matrix product with W^2.
    When D+ + D- = 0 (every weighted column constant) C is defined as 1.
    C does not change when a weight vector is multiplied by a constant, so
    each is scaled by a power of two (exact) until its largest weighted
    column range is near 1: tiny weights (1e-200) are not squared to 0. A
    constant column, whose gaps are 0, gets weight 0 (its scaled weight could
    overflow); a column that is not constant has a range of at least about
    1e-16 / sqrt(n) after normalisation, so its scaled weight squared cannot.
    """
    W = _as_2d(W)
    R = vector_normalise(X)
    top = R.max(axis=0)
    bottom = R.min(axis=0)
    spread = top - bottom
    reach = (W * spread).max(axis=1, initial=0.0)
    W2 = np.where(spread > 0, np.ldexp(W, -binary_exponents(reach)[:, None]), 0.0) ** 2
    best = np.where(maximise, top, bottom)
    worst = np.where(maximise, bottom, top)
    gap = np.subtract(R, best)  # one n x m buffer reused for both distances
    np.square(gap, out=gap)
    d_plus = np.sqrt(_weighted_rows(W2, gap))
    np.subtract(R, worst, out=gap)
    np.square(gap, out=gap)
    d_minus = np.sqrt(_weighted_rows(W2, gap))
    return _closeness(d_plus, d_minus)


def _distances(gap: np.ndarray, exponent: int) -> np.ndarray:
    """2**-exponent times the Euclidean norm of each row of `gap` (overwritten), its squares taken at
    that scale (no underflow), or at the original one when they stay normal there (`SAFE_EXPONENT`)."""
    if abs(exponent) < SAFE_EXPONENT:
        np.square(gap, out=gap)
        at_scale: np.ndarray = np.ldexp(np.sqrt(gap.sum(axis=1)), -exponent)
        return at_scale
    scaled = np.ldexp(gap, -exponent)
    np.square(scaled, out=scaled)
    distances: np.ndarray = np.sqrt(scaled.sum(axis=1))
    return distances


def topsis_details(X: np.ndarray, maximise: np.ndarray, w: np.ndarray) -> TopsisDetails:
    """TOPSIS for one weight vector w (m,), keeping every intermediate step.

    The distances are squared at the scale of the largest weighted column
    range (a power of two, see `topsis_scores`) and C is their ratio at that
    scale; D+ and D- are reported at the original scale.
    """
    R = vector_normalise(X)
    V = R * w
    top = V.max(axis=0)
    bottom = V.min(axis=0)
    ideal = np.where(maximise, top, bottom)
    anti = np.where(maximise, bottom, top)
    exponent = int(binary_exponents(np.max(top - bottom, initial=0.0)))
    scaled_plus = _distances(V - ideal, exponent)
    scaled_minus = _distances(V - anti, exponent)
    return TopsisDetails(
        normalised=R,
        weighted=V,
        ideal=ideal,
        anti_ideal=anti,
        d_plus=np.ldexp(scaled_plus, exponent),
        d_minus=np.ldexp(scaled_minus, exponent),
        closeness=_closeness(scaled_plus, scaled_minus),
    )


def _vikor_q_from(S: np.ndarray, R: np.ndarray, v: float) -> np.ndarray:
    """Q = v (S - S*)/(S- - S*) + (1 - v)(R - R*)/(R- - R*) row-wise; a zero range gives 0 for its term."""
    s_best = S.min(axis=-1, keepdims=True)
    s_span = S.max(axis=-1, keepdims=True) - s_best
    r_best = R.min(axis=-1, keepdims=True)
    r_span = R.max(axis=-1, keepdims=True) - r_best
    s_term = np.where(s_span > 0, (S - s_best) / np.where(s_span > 0, s_span, 1.0), 0.0)
    r_term = np.where(r_span > 0, (R - r_best) / np.where(r_span > 0, r_span, 1.0), 0.0)
    return v * s_term + (1.0 - v) * r_term


def vikor_srq(
    X: np.ndarray, maximise: np.ndarray, w: np.ndarray, v: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """VIKOR S (group utility), R (individual regret) and Q for one weight vector w (m,).

    d_ij = (f*_j - x_ij)/(f*_j - f-_j) (0 on a constant column);
    S_i = sum_j w_j d_ij; R_i = max_j w_j d_ij;
    Q_i = v (S_i - S*)/(S- - S*) + (1 - v)(R_i - R*)/(R- - R*), where S* = min S,
    S- = max S (same for R); a term whose range is 0 is 0. Lower is better.
    """
    D = regret(X, maximise)
    WD = D * np.asarray(w, dtype=float)
    S = WD.sum(axis=1)
    R = WD.max(axis=1)
    return S, R, _vikor_q_from(S, R, v)


def vikor_q(X: np.ndarray, maximise: np.ndarray, W: np.ndarray, v: float = 0.5) -> np.ndarray:
    """VIKOR Q for k weight vectors, shape (k, n); lower is better (see `vikor_srq`)."""
    W = _as_2d(W)
    D = regret(X, maximise)
    n, m = D.shape
    S = _weighted_rows(W, D)
    R = np.empty_like(S)
    chunk = max(1, _VIKOR_CHUNK_ELEMENTS // max(1, n * m))
    for start in range(0, W.shape[0], chunk):
        block = W[start : start + chunk]
        R[start : start + chunk] = (block[:, None, :] * D[None, :, :]).max(axis=2)
    return _vikor_q_from(S, R, v)


class VikorDetails(TypedDict):
    regret: np.ndarray
    best: np.ndarray
    worst: np.ndarray
    S: np.ndarray
    R: np.ndarray
    Q: np.ndarray
    dq: float
    leader: int
    runner_up: int | None
    c1_acceptable_advantage: bool
    c2_acceptable_stability: bool
    compromise: list[int]


def vikor_details(X: np.ndarray, maximise: np.ndarray, w: np.ndarray, v: float = 0.5) -> VikorDetails:
    """VIKOR for one weight vector with Opricovic & Tzeng's (2004) compromise conditions.

    Alternatives are ordered by ascending Q (ties kept in input order); a1 is
    the first, a2 the second. DQ = 1/(n - 1).
    C1 (acceptable advantage): Q(a2) - Q(a1) >= DQ.
    C2 (acceptable stability): a1 is also first (possibly tied) by S or by R.
    Compromise set (positions in X): {a1} if C1 and C2; {a1, a2} if only C1
    holds; otherwise a1..aM with M the last position where Q(aM) - Q(a1) < DQ.
    With one alternative both conditions hold trivially.
    """
    D = regret(X, maximise)
    S, R, Q = vikor_srq(X, maximise, w, v)
    n = X.shape[0]
    order = np.argsort(Q, kind="stable")
    leader = int(order[0])
    top = X.max(axis=0)
    bottom = X.min(axis=0)
    best = np.where(maximise, top, bottom)
    worst = np.where(maximise, bottom, top)
    if n == 1:
        return VikorDetails(
            regret=D, best=best, worst=worst, S=S, R=R, Q=Q, dq=0.0, leader=leader,
            runner_up=None, c1_acceptable_advantage=True, c2_acceptable_stability=True,
            compromise=[leader],
        )
    dq = 1.0 / (n - 1)
    runner_up = int(order[1])
    c1 = bool(Q[runner_up] - Q[leader] >= dq)
    c2 = bool(S[leader] <= S.min() or R[leader] <= R.min())
    if c1 and c2:
        compromise = [leader]
    elif c1:
        compromise = [leader, runner_up]
    else:
        compromise = [int(i) for i in order if Q[i] - Q[leader] < dq]
    return VikorDetails(
        regret=D, best=best, worst=worst, S=S, R=R, Q=Q, dq=dq, leader=leader,
        runner_up=runner_up, c1_acceptable_advantage=c1, c2_acceptable_stability=c2,
        compromise=compromise,
    )


def _sums_of_preference(
    s: np.ndarray, prefix: np.ndarray, x: np.ndarray, preference: Preference
) -> tuple[np.ndarray, np.ndarray]:
    """For each x_a, sum_b P(x_a - s_b) and sum_b P(s_b - x_a) over the sorted column s (linear or vshape).

    `prefix` is the prefix sum of s with a leading 0. Linear and V-shape
    preference functions are continuous, so the side of each searchsorted
    boundary does not matter.
    """
    n = s.shape[0]
    q = preference.q if preference.function == "linear" else 0.0
    p = preference.p
    width = p - q
    # a is preferred to b: d = x_a - s_b; full preference when s_b < x_a - p,
    # partial (x_a - q - s_b)/(p - q) when x_a - p <= s_b < x_a - q.
    i_full = np.searchsorted(s, x - p, side="left")
    i_none = np.searchsorted(s, x - q, side="left")
    partial = (x - q) * (i_none - i_full) - (prefix[i_none] - prefix[i_full])
    plus = i_full + partial / width
    # b is preferred to a: d = s_b - x_a; partial when x_a + q < s_b <= x_a + p,
    # full when s_b > x_a + p.
    j_start = np.searchsorted(s, x + q, side="right")
    j_full = np.searchsorted(s, x + p, side="right")
    partial = (prefix[j_full] - prefix[j_start]) - (x + q) * (j_full - j_start)
    minus = (n - j_full) + partial / width
    return plus, minus


def _exact_split_prefix(values: np.ndarray) -> np.ndarray:
    """Prefix sums of `values` with a leading 0, each within about u of its own size (u = 2**-53).

    A plain cumsum errs by up to n u max|values| at the end. Here every value
    is split into a multiple of a power of two 2**e, with n max|values| below
    2**(e + 52), whose running sums are therefore exact, and a remainder below
    2**(e - 1) whose running sums err by a negligible n**2 u 2**e.
    """
    n = values.shape[0]
    exponent = int(binary_exponents(n * np.abs(values).max(initial=0.0))) - 52
    coarse = np.ldexp(np.rint(np.ldexp(values, -exponent)), exponent)
    fine = values - coarse  # exact
    prefix: np.ndarray = np.concatenate(([0.0], np.cumsum(coarse) + np.cumsum(fine)))
    return prefix


def _prefix_error_bound(s: np.ndarray, centre: float, q: float, p: float) -> float:
    """Bound on the rounding error of one flow by `_exact_split_prefix` sums of the sorted s - centre.

    With A = max |s - centre| and u = 2**-53, per pair and in units of p - q:
    the centring moves a difference by 2 u A, a rounded boundary x - p
    misplaces a pair by u (A + p); per needle, (x - q) times a count, the
    prefix sums (within u n A each) and their difference add about
    u (5 A + 2 q) n / (n - 1). Rounded up: 16 u (A + q + p) / (p - q).
    Infinite when the values overflow.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        reach = max(abs(s[0] - centre), abs(s[-1] - centre))
        bound = 16 * _UNIT_ROUNDOFF * (reach + q + p) / (p - q)
    return float(bound) if np.isfinite(bound) else np.inf


def _band_sums(s: np.ndarray, lo: np.ndarray, hi: np.ndarray, sign: float, q: float, width: float) -> np.ndarray:
    """For each a: sum over b in [lo_a, hi_a) of clip((sign (s_a - s_b) - q) / width, 0, 1), pair by pair.

    Each difference is one subtraction of two floats (exact when they are
    close); one that overflows is +-inf and clips to 1 or 0. Needles are
    taken in blocks of at most `_DIRECT_CHUNK_PAIRS` pairs.
    """
    n = s.shape[0]
    counts = hi - lo
    ends = np.cumsum(counts)
    sums = np.zeros(n)
    start = 0
    while start < n:
        before = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, before + _DIRECT_CHUNK_PAIRS, side="right")))
        block = counts[start:stop]
        total = int(block.sum())
        if total:
            owner = np.repeat(np.arange(start, stop), block)
            b = lo[owner] + np.arange(total) - np.repeat(np.cumsum(block) - block, block)
            with np.errstate(over="ignore"):
                d = sign * (s[owner] - s[b])
            preference = np.clip((d - q) / width, 0.0, 1.0)
            sums[start:stop] = np.bincount(owner - start, weights=preference, minlength=stop - start)
        start = stop
    return sums


def _direct_sums_of_preference(s: np.ndarray, preference: Preference) -> tuple[np.ndarray, np.ndarray]:
    """`_sums_of_preference` of the sorted column s against itself, the partial preferences pair by pair.

    The full and null preferences are counted by searchsorted on boundaries
    x - p, x - q (x + q, x + p) moved one float outwards, so that a rounded
    boundary never counts a pair on the wrong side; the pairs in between are
    computed from their own difference. Accurate to a few u on any finite
    data, at the cost of the number of pairs whose difference lies about
    between q and p.
    """
    n = s.shape[0]
    q = preference.q if preference.function == "linear" else 0.0
    p = preference.p
    width = p - q
    with np.errstate(over="ignore"):
        i_full = np.searchsorted(s, np.nextafter(s - p, -np.inf), side="left")  # s_b below: d > p surely
        i_none = np.searchsorted(s, np.nextafter(s - q, np.inf), side="left")  # s_b from there: d <= q surely
        j_start = np.searchsorted(s, np.nextafter(s + q, -np.inf), side="right")
        j_full = np.searchsorted(s, np.nextafter(s + p, np.inf), side="right")
    plus = i_full + _band_sums(s, i_full, i_none, 1.0, q, width)
    minus = (n - j_full) + _band_sums(s, j_start, j_full, -1.0, q, width)
    return plus, minus


def _column_sums(s: np.ndarray, centre: float, preference: Preference) -> tuple[np.ndarray, np.ndarray]:
    """sum_b P(s_a - s_b) and sum_b P(s_b - s_a) for the sorted column s; `centre` is its mean (may be inf).

    Usual: counts of strictly smaller and greater values (exact). Linear and
    vshape: (split, near exact) prefix sums of s - centre when `_prefix_error_bound` is within
    `_PREFIX_MAX_ERROR`, otherwise the pair-by-pair band sums.
    """
    n = s.shape[0]
    if preference.function == "usual":
        below = np.searchsorted(s, s, side="left")
        above = n - np.searchsorted(s, s, side="right")
        return below.astype(float), above.astype(float)
    q = preference.q if preference.function == "linear" else 0.0
    if _prefix_error_bound(s, centre, q, preference.p) > _PREFIX_MAX_ERROR:
        return _direct_sums_of_preference(s, preference)
    centred = s - centre  # centring keeps prefix sums small
    return _sums_of_preference(centred, _exact_split_prefix(centred), centred, preference)


def promethee2_unicriterion_flows(
    X: np.ndarray, maximise: np.ndarray, preferences: Sequence[Preference]
) -> tuple[np.ndarray, np.ndarray]:
    """Unweighted per-criterion positive and negative flows, each of shape (n, m).

    plus[a, j] = sum_b P_j(d_j(a, b)) / (n - 1), minus[a, j] = sum_b P_j(d_j(b, a)) / (n - 1),
    with d_j(a, b) = x_aj - x_bj for max and x_bj - x_aj for min. Computed per
    criterion by sorting the column and using prefix sums: O(m n log n), no
    n x n matrix (the idea of Calders & Van Assche 2018, PROMETHEE is not
    quadratic, Computers & Operations Research 96). The weighted flows are
    then phi+ = plus @ w, phi- = minus @ w. With a single alternative every
    flow is 0.

    Float limits: flows are accurate to about 1e-10 on any finite data. The
    usual function only compares values. When the values are so large next
    to p - q that prefix sums would lose that accuracy (a spread beyond about
    1e5 (p - q)), the partial preferences are summed pair by pair instead:
    cheap then, since few pairs differ by between q and p, but up to O(n^2)
    when most values sit within p of each other beside a far outlier.
    """
    n, m = X.shape
    plus = np.zeros((n, m))
    minus = np.zeros((n, m))
    if n < 2:
        return plus, minus
    for j in range(m):
        column = X[:, j] if maximise[j] else -X[:, j]
        with np.errstate(over="ignore", invalid="ignore"):
            centre = float(column.mean())
        order = np.argsort(column, kind="stable")
        # Sorted needles make searchsorted cache-friendly; scatter back to input order.
        plus[order, j], minus[order, j] = _column_sums(column[order], centre, preferences[j])
    plus /= n - 1
    minus /= n - 1
    return plus, minus


def promethee2_net_flows(
    X: np.ndarray, maximise: np.ndarray, W: np.ndarray, preferences: Sequence[Preference]
) -> np.ndarray:
    """PROMETHEE II net flows phi = phi+ - phi- for k weight vectors, shape (k, n), higher better.

    pi(a, b) = sum_j w_j P_j(d_j(a, b)); phi+(a) = sum_b pi(a, b)/(n - 1);
    phi-(a) = sum_b pi(b, a)/(n - 1). Because pi is linear in w, phi = W @
    (plus - minus).T with the unweighted per-criterion flows computed once.
    """
    plus, minus = promethee2_unicriterion_flows(X, maximise, preferences)
    return _weighted_rows(_as_2d(W), plus - minus)


def method_scores(spec: Spec, X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Scores of shape (k, n) of `spec.method` for k weight vectors (rows of W), on a validated X."""
    maximise = spec.maximise
    if spec.method == "wsm":
        return wsm_scores(X, maximise, W)
    if spec.method == "wpm":
        return wpm_scores(X, maximise, W)
    if spec.method == "topsis":
        return topsis_scores(X, maximise, W)
    if spec.method == "vikor":
        return vikor_q(X, maximise, W, spec.v)
    if spec.method == "promethee2":
        return promethee2_net_flows(X, maximise, W, [c.preference for c in spec.criteria])
    raise AssertionError(f"unreachable: method {spec.method!r} passed Spec validation")


def tie_group_starts(ordered: np.ndarray, tolerance: np.ndarray | float) -> np.ndarray:
    """Where each tie group starts in rows sorted best first (ascending keys), as a boolean mask.

    A tie group is every key within `tolerance` (a scalar or one value per
    row, shape (k, 1)) of the group's first key, so groups do not chain:
    keys 0, 0.6t, 1.2t, 1.8t make two groups {0, 0.6t} and {1.2t, 1.8t}, not
    one. Consecutive gaps find the candidate runs at once; only the rows
    where a run spans more than the tolerance are walked one key at a time.
    """
    keys = np.atleast_2d(ordered)
    limit = np.broadcast_to(np.asarray(tolerance, dtype=float), (keys.shape[0], 1))
    n = keys.shape[-1]
    starts = np.ones(keys.shape, dtype=bool)
    if n < 2:
        return starts.reshape(np.shape(ordered))
    starts[:, 1:] = np.diff(keys, axis=-1) > limit
    run_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0), axis=-1)
    first = np.take_along_axis(keys, run_start, axis=-1)
    for row in np.flatnonzero(((keys - first) > limit).any(axis=-1)):
        anchor = keys[row, 0]
        for p in range(1, n):
            starts[row, p] = keys[row, p] - anchor > limit[row, 0]
            if starts[row, p]:
                anchor = keys[row, p]
    return starts.reshape(np.shape(ordered))


def rank_scores(
    scores: np.ndarray, higher_is_better: bool, *, rtol: float = 1e-12, atol: float = 0.0
) -> np.ndarray:
    """Integer ranks, 1 = best, ties sharing the smallest rank ('min' method).

    `scores` has shape (n,) or (k, n) (ranked along the last axis). A score
    within max(atol, rtol x max|score|) of the best score of its tie group
    counts as equal to it, so that rounding noise (0.3 vs
    0.30000000000000004) does not split a tie; groups do not chain (see
    `tie_group_starts`). `rank` passes atol = 1e-12 for the methods whose
    scores lie on a unit scale (all but WPM).
    """
    values = np.asarray(scores, dtype=float)
    key = -values if higher_is_better else values
    order = np.argsort(key, axis=-1)  # the order within a tie does not change 'min' ranks
    ordered = np.take_along_axis(key, order, axis=-1)
    n = values.shape[-1]
    if n == 0:
        return np.zeros(values.shape, dtype=np.int64)
    tolerance = np.maximum(atol, rtol * np.abs(values).max(axis=-1, keepdims=True))
    new_run = tie_group_starts(ordered, tolerance.reshape(-1, 1))
    positions = np.broadcast_to(np.arange(n), values.shape)
    run_start = np.maximum.accumulate(np.where(new_run, positions, 0), axis=-1)
    ranks = np.empty(values.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, run_start + 1, axis=-1)
    return ranks


def rank_tolerance(method: str) -> float:
    """Absolute tie tolerance for `rank_scores`: 1e-12 on unit-scale scores, 0 for WPM (scores ~ 1/n)."""
    return 0.0 if method == "wpm" else 1e-12
