"""Robustness of a ranking to the weights (and to the jurors).

This module owns `sensitivity`, which answers « would the ranking hold if
the weights were different? » in two ways:

* **Monte-Carlo rank acceptability (SMAA-2, Lahdelma & Salminen 2001).**
  ``samples`` weight vectors are drawn, either uniformly on the simplex
  (``concentration=None``: no weight information, every criterion of the
  spec included) or from a Dirichlet distribution centred on the current
  weights with parameters ``concentration * w`` (larger = closer to the
  current weights; criteria of weight 0 stay at 0). Every draw is scored
  with the spec's method (`scoring.methods.method_scores`, all draws of a
  chunk in one batched call) and ranked (1 = best, scores within 1e-12 of
  the row's largest magnitude share the smallest rank, as in
  `scoring.methods.rank_scores`). The result gives, for every alternative,
  the probability of each rank (``rank_acceptability``), of being in the
  top N (``top_probability``, i.e. rank <= N) and the SMAA central weight
  vector (mean of the draws that rank it first).
* **Weight stability intervals.** For each criterion j, its weight t
  varies over [0, 1] while the others keep their proportions
  (w_k(t) = w_k (1 - t) / (1 - w_j); when every other weight is 0 they
  share 1 - t equally). The interval is the largest [low, high] around the
  current weight within whose interior the top-N *set* stays the current
  one. For ``wsm`` the scores are linear in t, s_i(t) = t a_i + (1 - t) b_i,
  and the set holds exactly while min over the top N of s exceeds max over
  the others (a concave function of t), so the bounds are the nearest
  crossing points of an insider and an outsider, solved in closed form.
  For the other methods (and for ``wsm`` when the current top N has a tie
  at its boundary) the set is evaluated on a grid of 201 values of t,
  walking outward from the current weight to the first grid value where the
  set differs, then the change point is located by bisection to 1e-9; a
  change that reverts between two grid values (< 0.005 apart) can be
  missed. Only when N covers every alternative is every interval [0, 1]
  at once; a tie for the N-th place puts every tied alternative in the
  set (``current_top`` is then longer than N and ``boundary_tie`` names
  them), and the interval closes where the tie breaks.

**Jury uncertainty.** With ``bootstrap_jurors=True`` and ``ratings`` (long
table: ``juror``, ``dossier``, ``criterion``, ``score``), each draw also
resamples the jurors with replacement (as many as there are) and replaces
the rated criteria (``rating_criteria``, default: those in ``ratings``) by
the plain mean of the resampled jurors' scores before scoring; a cell that
none of the resampled jurors rated keeps its matrix value. So
``top_probability`` covers both weight and jury uncertainty. The ratings
are checked as `scoring.ratings.aggregate_ratings` checks them
(`scoring.ratings.validate_ratings`: every score on the 1-5 scale, one per
juror, dossier and criterion, rows named from 1 in messages) and juror ids
keep their type (1 and "1" are two jurors). Without ``bootstrap_jurors``,
``ratings`` are not used.

Reproducibility: one `numpy.random.SeedSequence(seed)` spawns one stream
for the weights and one for the jurors, so the weight draws are the same
with or without the bootstrap and with any chunk size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ScoringError, shown
from scoring.methods import higher_is_better, method_scores, tie_group_starts
from scoring.ranking import prepare_matrix
from scoring.ratings import validate_ratings
from scoring.spec import Spec, parse_spec

__all__ = ["SensitivityResult", "draw_weights", "sensitivity", "stability_intervals"]

# Ranks within this relative gap of the row's largest |score| are ties
# (the convention of scoring.methods.rank_scores).
_TIE_RTOL = 1e-12
# Elements of the (draws x alternatives) score block processed at once.
_CHUNK_ELEMENTS = 2_000_000
_GRID_POINTS = 201
# Alternatives up to 2**12 are ranked by an integer sort of packed keys.
_KEY_BITS_MAX = 12
_LOW63 = np.int64(0x7FFFFFFFFFFFFFFF)
_BISECTION_TOL = 1e-9


def _py(value: Any) -> Any:
    """A JSON-friendly Python scalar for a numpy scalar."""
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass(frozen=True)
class SensitivityResult:
    """Outcome of `sensitivity`.

    * ``rank_acceptability``: DataFrame ids x ranks 1..n, P(rank = r); rows sum to 1;
    * ``top_probability``: Series, P(rank <= top);
    * ``expected_rank``: Series, mean rank over the draws;
    * ``central_weights``: DataFrame ids x criteria, mean weights of the
      draws where the alternative ranks first (NaN if it never does);
    * ``stability``: DataFrame criteria x (weight, low, high), weights as
      fractions of 1; ``stability_method``: ``exact`` or ``bisection``;
    * ``current_top``: ids in the top N at the current weights (best first);
      longer than N only when several alternatives tie for the N-th place;
    * ``boundary_tie``: those tied alternatives (best first, then input
      order) when ``current_top`` is longer than N, else empty;
    * ``weights``: the current normalised weights.
    """

    method: str
    samples: int
    seed: int
    top: int
    concentration: float | None
    bootstrap_jurors: bool
    weights: pd.Series
    rank_acceptability: pd.DataFrame
    top_probability: pd.Series
    expected_rank: pd.Series
    central_weights: pd.DataFrame
    stability: pd.DataFrame
    stability_method: str
    current_top: tuple[Any, ...]
    boundary_tie: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``rank_acceptability`` {id: [P(rank 1), ...]}, ``top_probability``
        {id: p}, ``stability`` {criterion: [low, high]} and the settings."""
        ids = [_py(i) for i in self.rank_acceptability.index]
        acceptability = self.rank_acceptability.to_numpy()
        central = self.central_weights.to_numpy()
        criteria = [str(c) for c in self.central_weights.columns]
        return {
            "method": self.method,
            "samples": self.samples,
            "seed": self.seed,
            "top": self.top,
            "concentration": self.concentration,
            "bootstrap_jurors": self.bootstrap_jurors,
            "weights": {str(c): float(w) for c, w in self.weights.items()},
            "rank_acceptability": {i: acceptability[k].tolist() for k, i in enumerate(ids)},
            "top_probability": {i: float(p) for i, p in zip(ids, self.top_probability.to_numpy(), strict=True)},
            "expected_rank": {i: float(r) for i, r in zip(ids, self.expected_rank.to_numpy(), strict=True)},
            "central_weights": {
                i: None if np.isnan(central[k]).any() else dict(zip(criteria, central[k].tolist(), strict=True))
                for k, i in enumerate(ids)
            },
            "stability": {
                str(c): [float(row["low"]), float(row["high"])] for c, row in self.stability.iterrows()
            },
            "stability_method": self.stability_method,
            "current_top": [_py(i) for i in self.current_top],
            "boundary_tie": [_py(i) for i in self.boundary_tie],
        }


# --------------------------------------------------------------------------- helpers


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ScoringError(f"« {name} » doit être un nombre entier, reçu {shown(value)}.")
    if value < minimum:
        raise ScoringError(f"« {name} » doit valoir au moins {minimum}, reçu {shown(value)}.")
    return int(value)


def draw_weights(
    rng: np.random.Generator, samples: int, weights: np.ndarray, concentration: float | None
) -> np.ndarray:
    """Weight vectors (samples x m), rows summing to 1.

    ``concentration=None``: uniform on the simplex (normalised exponentials,
    i.e. Dirichlet(1, ..., 1)). Otherwise Dirichlet(concentration * w) by
    normalised gamma variates; criteria with w = 0 stay at 0, and a row whose
    gammas all underflow to 0 takes the current weights.
    """
    m = weights.shape[0]
    if concentration is None:
        G = rng.standard_exponential((samples, m))
    else:
        G = np.zeros((samples, m))
        positive = weights > 0
        G[:, positive] = rng.standard_gamma(concentration * weights[positive], size=(samples, int(positive.sum())))
    total = G.sum(axis=1, keepdims=True)
    empty = total[:, 0] <= 0
    if empty.any():
        G[empty] = weights
        total[empty] = 1.0
    normalised: np.ndarray = G / total
    return normalised


def _sorted_scores(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ascending order of each row of S (k x n) and the sorted values.

    Up to 4 096 alternatives, each float is mapped to an order-preserving
    int64 whose 12 lowest bits are replaced by the column index; one integer
    sort (much faster than argsort) then gives both. The values come back
    with their mantissa truncated to 40 bits (relative error < 2**-40, below
    the 1e-12 tie tolerance), so the ranks are those of the exact values.
    """
    n = S.shape[1]
    bits = max(1, (n - 1).bit_length())
    if bits > _KEY_BITS_MAX:
        order = np.argsort(S, axis=1)
        return order, np.take_along_axis(S, order, axis=1)
    mask = np.int64((1 << bits) - 1)
    keys = np.add(S, 0.0).view(np.int64)  # + 0.0 folds -0.0 into +0.0
    keys ^= (keys >> 63) & _LOW63  # float order -> int64 order
    keys &= ~mask
    keys |= np.arange(n, dtype=np.int64)
    keys.sort(axis=1)
    order = keys & mask
    keys &= ~mask
    keys ^= (keys >> 63) & _LOW63  # back to (truncated) floats
    return order, keys.view(np.float64)


def _descending_ranks_sorted(S: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """For score rows S (k x n, higher better): ascending order and the rank of each sorted position.

    Rank = 1 + number of scores strictly greater, where a score within
    1e-12 x max|score| of the row of the best score of its tie group is
    equal to it (groups do not chain: `scoring.methods.tie_group_starts`).
    The ranks are None when no row has a tie: position p then has rank n - p.
    """
    n = S.shape[1]
    order, ordered = _sorted_scores(S)
    scale = np.maximum(np.abs(ordered[:, :1]), np.abs(ordered[:, -1:]))
    tolerance = _TIE_RTOL * scale
    if (np.diff(ordered, axis=1) > tolerance).all():
        return order, None
    best_first = -ordered[:, ::-1]  # ascending keys, best first
    starts = tie_group_starts(best_first, tolerance)
    run_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0), axis=1)
    return order, (run_start + 1)[:, ::-1]


def _ranks(S: np.ndarray) -> np.ndarray:
    """Ranks (k x n) of score rows, higher better, ties sharing the smallest rank."""
    order, sorted_ranks = _descending_ranks_sorted(S)
    if sorted_ranks is None:
        sorted_ranks = np.broadcast_to(S.shape[1] - np.arange(S.shape[1]), S.shape)
    ranks = np.empty(S.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, sorted_ranks, axis=1)
    return ranks


def _oriented_scores(spec: Spec, X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Scores of the spec's method, negated when lower is better, so that higher is always better."""
    scores = method_scores(spec, X, W)
    return scores if higher_is_better(spec.method) else -scores


# --------------------------------------------------------------------------- ratings


def _rated_criteria(table: pd.DataFrame, rating_criteria: Sequence[str] | None, spec: Spec) -> list[str]:
    """The criteria replaced by the jurors' means: ``rating_criteria``, else those of the table."""
    if rating_criteria is None:
        rated = list(dict.fromkeys(map(str, table["criterion"])))
    else:
        if isinstance(rating_criteria, str) or not isinstance(rating_criteria, Sequence):
            raise ScoringError(f"« rating_criteria » doit être une liste de critères, reçu {shown(rating_criteria)}.")
        rated = list(dict.fromkeys(map(str, rating_criteria)))
        if not rated:
            raise ScoringError("« rating_criteria » est vide : indiquez au moins un critère noté par les jurés.")
    unknown = [c for c in rated if c not in spec.ids]
    if unknown:
        raise ScoringError(
            f"Notes des jurés : critère « {unknown[0]} » absent de la spécification "
            f"(critères : {', '.join(spec.ids)})."
        )
    return rated


def _prepare_ratings(
    ratings: pd.DataFrame,
    rating_criteria: Sequence[str] | None,
    ids: pd.Index,
    spec: Spec,
    X: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Juror tensors for the bootstrap.

    The table is checked as `scoring.ratings.validate_ratings` checks it
    (scores on the 1-5 scale, rows named from 1, juror ids compared with
    their type). Returns (columns of X replaced, per-juror sums J x (n*c),
    per-juror counts J x (n*c), base values n*c). Raises French errors on
    bad tables.
    """
    table = validate_ratings(ratings)
    rated = _rated_criteria(table, rating_criteria, spec)
    table = table[table["criterion"].astype(str).isin(rated)]
    if table.empty:
        raise ScoringError(f"Notes des jurés : aucune note pour le critère {', '.join(rated)}.")
    position = pd.Index(ids).get_indexer(table["dossier"])
    if (position < 0).any():
        row = table.index[np.flatnonzero(position < 0)[0]]
        raise ScoringError(
            f"Notes des jurés, ligne {row + 1} : dossier « {table['dossier'].loc[row]} » absent de la matrice."
        )
    juror_codes, _ = pd.factorize(table["juror"])  # 1 and "1" are two jurors
    columns = np.array([spec.ids.index(c) for c in rated])
    crit_code = pd.Index(rated).get_indexer(pd.Index(table["criterion"].astype(str)))
    n, c = len(ids), len(rated)
    J = int(juror_codes.max()) + 1
    flat = position * c + crit_code
    score = table["score"].to_numpy(dtype=float)
    sums = np.zeros((J, n * c))
    counts = np.zeros((J, n * c))
    np.add.at(sums, (juror_codes, flat), score)
    np.add.at(counts, (juror_codes, flat), 1.0)
    base = X[:, columns].reshape(-1)
    return columns, sums, counts, base


# --------------------------------------------------------------------------- stability


def _weights_along(w: np.ndarray, j: int, t: np.ndarray) -> np.ndarray:
    """Weight vectors (len(t) x m) with w_j = t and the others rescaled proportionally."""
    m = w.shape[0]
    others = w.copy()
    others[j] = 0.0
    total = others.sum()
    if total > 0:
        others /= total
    else:
        others = np.full(m, 1.0 / (m - 1))
        others[j] = 0.0
    W: np.ndarray = (1.0 - t)[:, None] * others[None, :]
    W[:, j] = t
    return W


def _top_sets(S: np.ndarray, top: int) -> np.ndarray:
    """Boolean membership (k x n) of the top-N set (rank <= top) for score rows (higher better)."""
    return _ranks(S) <= top


def _stability_exact_wsm(
    X: np.ndarray, spec: Spec, w: np.ndarray, in_top: np.ndarray
) -> np.ndarray:
    """Exact [low, high] per criterion for wsm (scores linear in the varied weight)."""
    m = w.shape[0]
    R = method_scores(spec, X, np.eye(m)).T  # n x m min-max normalised matrix
    out = np.empty((m, 2))
    inside, outside = R[in_top], R[~in_top]
    for j in range(m):
        if m == 1:
            out[j] = (1.0, 1.0)
            continue
        base = _weights_along(w, j, np.array([0.0]))[0]  # the others' proportions
        a_in, a_out = inside[:, j], outside[:, j]
        b_in, b_out = inside @ base, outside @ base
        # d(t) = s_i(t) - s_o(t) = beta + gamma t for every insider i and outsider o.
        beta = b_in[:, None] - b_out[None, :]
        gamma = (a_in - b_in)[:, None] - (a_out - b_out)[None, :]
        low, high = 0.0, 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = -beta / gamma
        falling = gamma < 0
        rising = gamma > 0
        if falling.any():
            high = min(high, float(roots[falling].min()))
        if rising.any():
            low = max(low, float(roots[rising].max()))
        t0 = w[j]
        out[j] = (min(max(low, 0.0), t0), max(min(high, 1.0), t0))
    return out


def _stability_bisection(
    X: np.ndarray, spec: Spec, w: np.ndarray, in_top: np.ndarray, top: int
) -> np.ndarray:
    """[low, high] per criterion by a grid walk from the current weight and bisection."""
    m = w.shape[0]
    out = np.empty((m, 2))
    grid = np.linspace(0.0, 1.0, _GRID_POINTS)

    def same(W: np.ndarray) -> np.ndarray:
        unchanged: np.ndarray = (_top_sets(_oriented_scores(spec, X, W), top) == in_top[None, :]).all(axis=1)
        return unchanged

    brackets: list[tuple[int, int, float, float]] = []  # (criterion, side, good t, bad t)
    for j in range(m):
        if m == 1:
            out[j] = (1.0, 1.0)
            continue
        t0 = float(w[j])
        up = grid[grid > t0]
        down = grid[grid < t0][::-1]
        ok_up = same(_weights_along(w, j, up)) if up.size else np.zeros(0, dtype=bool)
        ok_down = same(_weights_along(w, j, down)) if down.size else np.zeros(0, dtype=bool)
        out[j] = (0.0, 1.0)
        for side, ts, ok in ((1, up, ok_up), (0, down, ok_down)):
            bad = np.flatnonzero(~ok)
            if bad.size == 0:
                continue
            first = int(bad[0])
            good_t = t0 if first == 0 else float(ts[first - 1])
            brackets.append((j, side, good_t, float(ts[first])))
    if brackets:
        good = np.array([b[2] for b in brackets])
        bad = np.array([b[3] for b in brackets])
        crit = [b[0] for b in brackets]
        while np.abs(bad - good).max() > _BISECTION_TOL:
            mid = (good + bad) / 2
            W = np.vstack([_weights_along(w, j, np.array([t]))[0] for j, t in zip(crit, mid, strict=True)])
            ok = same(W)
            good = np.where(ok, mid, good)
            bad = np.where(ok, bad, mid)
        for (j, side, _, _), g, b in zip(brackets, good, bad, strict=True):
            out[j, side] = (g + b) / 2
    return out


def stability_intervals(
    X: np.ndarray, spec: Spec, top: int
) -> tuple[np.ndarray, np.ndarray, str]:
    """Stability interval of every criterion's weight for the top-N set.

    Returns (intervals m x 2, current top-N membership mask, method used:
    ``exact`` or ``bisection``). ``X`` is a validated matrix (see
    `scoring.ranking.prepare_matrix`). Only when ``top`` covers every
    alternative is every interval [0, 1] without computation; a tie at the
    N-th place that pulls more than N alternatives into the set is walked
    like any other set (the interval then closes where the tie breaks).
    """
    w = spec.weights
    scores0 = _oriented_scores(spec, X, w[None, :])
    in_top = _top_sets(scores0, top)[0]
    if top >= X.shape[0]:  # everyone is in the top whatever the weights
        return np.tile([0.0, 1.0], (w.shape[0], 1)) if w.shape[0] > 1 else np.array([[1.0, 1.0]]), in_top, "exact"
    if spec.method == "wsm" and int(in_top.sum()) == top:
        return _stability_exact_wsm(X, spec, w, in_top), in_top, "exact"
    return _stability_bisection(X, spec, w, in_top, top), in_top, "bisection"


def _current_top(scores: np.ndarray, in_top: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the current top N (best first, ties in input order) and of those tied for the N-th
    place when the tie makes the set longer than N (else empty)."""
    current = np.flatnonzero(in_top)
    current = current[np.argsort(-scores[current], kind="stable")]
    if current.size <= top:
        return current, current[:0]
    ranks = _ranks(scores[None, :])[0]
    return current, current[ranks[current] == ranks[current].max()]


# --------------------------------------------------------------------------- main entry


def _checked_concentration(concentration: Any) -> float | None:
    """The Dirichlet concentration as a positive finite float, or None (uniform draws)."""
    if concentration is None:
        return None
    if isinstance(concentration, bool) or not isinstance(concentration, (int, float, np.integer, np.floating)):
        raise ScoringError(f"« concentration » doit être un nombre positif, reçu {shown(concentration)}.")
    value = float(concentration)
    if not (math.isfinite(value) and value > 0):
        raise ScoringError(
            f"« concentration » doit être un nombre strictement positif et fini, reçu {shown(value)}."
        )
    return value


def _check_bootstrap(bootstrap_jurors: Any, ratings: pd.DataFrame | None) -> None:
    """``bootstrap_jurors`` is a bool, and True only with juror ratings."""
    if not isinstance(bootstrap_jurors, bool):
        raise ScoringError(f"« bootstrap_jurors » doit valoir vrai ou faux, reçu {shown(bootstrap_jurors)}.")
    if bootstrap_jurors and ratings is None:
        raise ScoringError(
            "« bootstrap_jurors » demande les notes des jurés (« ratings ») : aucune n'est fournie."
        )


@dataclass(frozen=True)
class _Jury:
    """The juror tensors of the bootstrap (see `_prepare_ratings`) and the jurors each draw picks."""

    columns: np.ndarray  # columns of X replaced by the jurors' means
    sums: np.ndarray  # J x (n*c) per-juror sums
    counts: np.ndarray  # J x (n*c) per-juror counts
    base: np.ndarray  # n*c matrix values, kept where no picked juror rated
    picks: np.ndarray  # samples x J: how many times each juror is drawn


def _jury_bootstrap(
    ratings: pd.DataFrame,
    rating_criteria: Sequence[str] | None,
    ids: pd.Index,
    spec: Spec,
    X: np.ndarray,
    rng: np.random.Generator,
    samples: int,
) -> _Jury:
    """Juror tensors and, for every draw, as many jurors resampled with replacement as there are."""
    columns, sums, counts, base = _prepare_ratings(ratings, rating_criteria, ids, spec, X)
    J = sums.shape[0]
    picks = rng.multinomial(J, np.full(J, 1.0 / J), size=samples).astype(float)
    return _Jury(columns=columns, sums=sums, counts=counts, base=base, picks=picks)


def _chunk_scores(spec: Spec, X: np.ndarray, Wc: np.ndarray, jury: _Jury | None, start: int) -> np.ndarray:
    """Oriented scores (draws x alternatives) of the weight draws ``Wc`` starting at draw ``start``.

    With a jury, each draw first replaces the rated columns of X by the mean
    of its resampled jurors' scores.
    """
    if jury is None:
        return _oriented_scores(spec, X, Wc)
    n = X.shape[0]
    P = jury.picks[start : start + len(Wc)]
    num = P @ jury.sums
    den = P @ jury.counts
    values = np.where(den > 0, num / np.where(den > 0, den, 1.0), jury.base[None, :])
    values = values.reshape(len(Wc), n, len(jury.columns))
    S = np.empty((len(Wc), n))
    Xb = X.copy()
    for b in range(len(Wc)):
        Xb[:, jury.columns] = values[b]
        S[b] = _oriented_scores(spec, Xb, Wc[b : b + 1])[0]
    return S


def _rank_counts(
    spec: Spec, X: np.ndarray, W: np.ndarray, jury: _Jury | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count the ranks over the draws, chunk by chunk.

    Returns (n x n counts of alternative i at rank r + 1, n x m sums of the
    weights of the draws where i ranks first, n counts of those draws).
    """
    n, m = X.shape
    samples = W.shape[0]
    counts_flat = np.zeros(n * n, dtype=np.int64)
    central = np.zeros((n, m))
    first_count = np.zeros(n)
    chunk = max(1, _CHUNK_ELEMENTS // n)
    if jury is not None:
        chunk = max(1, min(chunk, _CHUNK_ELEMENTS // max(1, jury.sums.shape[1])))
    for start in range(0, samples, chunk):
        Wc = W[start : start + chunk]
        S = _chunk_scores(spec, X, Wc, jury, start)
        order, sorted_ranks = _descending_ranks_sorted(S)
        if sorted_ranks is None:  # no tie in this chunk: position p has rank n - p
            flat = order * n + (n - 1 - np.arange(n))
            rows = np.arange(len(Wc))
            winners = order[:, -1]
        else:
            flat = order * n + (sorted_ranks - 1)
            rows, cols = np.nonzero(sorted_ranks == 1)
            winners = order[rows, cols]
        counts_flat += np.bincount(flat.ravel(), minlength=n * n)
        # Central weights: draws where an alternative ranks first (ties included).
        np.add.at(central, winners, Wc[rows])
        first_count += np.bincount(winners, minlength=n)
    return counts_flat.reshape(n, n), central, first_count


def sensitivity(
    matrix: pd.DataFrame,
    spec: Spec | Mapping[str, Any],
    *,
    samples: int = 10_000,
    seed: int = 0,
    top: int = 10,
    concentration: float | None = None,
    ratings: pd.DataFrame | None = None,
    rating_criteria: Sequence[str] | None = None,
    bootstrap_jurors: bool = False,
) -> SensitivityResult:
    """Rank acceptability, top-N probability and weight stability intervals.

    ``matrix`` (index = alternative ids, columns = criterion ids) and
    ``spec`` are validated by `scoring.ranking.prepare_matrix`. ``top`` is
    the N of « top N »; a value above the number of alternatives counts as
    all of them. See the module docstring for the draws, the stability
    intervals and the juror bootstrap. Bad input raises `ScoringError`
    with a French message.
    """
    spec = parse_spec(spec)
    samples = _check_int(samples, "samples", 1)
    seed = _check_int(seed, "seed", 0)
    top = _check_int(top, "top", 1)
    concentration = _checked_concentration(concentration)
    _check_bootstrap(bootstrap_jurors, ratings)

    prepared = prepare_matrix(matrix, spec)
    X, ids = prepared.X, prepared.ids
    n = X.shape[0]
    top = min(top, n)
    w = spec.weights

    weight_seq, juror_seq = np.random.SeedSequence(seed).spawn(2)
    W = draw_weights(np.random.default_rng(weight_seq), samples, w, concentration)
    jury = None
    if bootstrap_jurors:
        assert ratings is not None  # checked by _check_bootstrap
        jury = _jury_bootstrap(ratings, rating_criteria, ids, spec, X, np.random.default_rng(juror_seq), samples)
    counts, central, first_count = _rank_counts(spec, X, W, jury)

    acceptability = counts / samples
    index = ids.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        central_mean = central / first_count[:, None]
    intervals, in_top, stability_method = stability_intervals(X, spec, top)
    current, tied = _current_top(_oriented_scores(spec, X, w[None, :])[0], in_top, top)
    criteria_index = pd.Index(spec.ids, name="criterion")
    return SensitivityResult(
        method=spec.method,
        samples=samples,
        seed=seed,
        top=top,
        concentration=concentration,
        bootstrap_jurors=bootstrap_jurors,
        weights=pd.Series(w, index=criteria_index, name="weight"),
        rank_acceptability=pd.DataFrame(acceptability, index=index, columns=pd.Index(np.arange(1, n + 1), name="rank")),
        top_probability=pd.Series(acceptability[:, :top].sum(axis=1), index=index, name="top_probability"),
        expected_rank=pd.Series(acceptability @ np.arange(1, n + 1), index=index, name="expected_rank"),
        central_weights=pd.DataFrame(central_mean, index=index, columns=criteria_index),
        stability=pd.DataFrame(
            {"weight": w, "low": intervals[:, 0], "high": intervals[:, 1]}, index=criteria_index
        ),
        stability_method=stability_method,
        current_top=tuple(_py(i) for i in ids[current]),
        boundary_tie=tuple(_py(i) for i in ids[tied]),
    )
