"""The `rank` facade: validate a decision matrix once, score it, explain the result.

This module owns the edge between pandas and the array functions of
`scoring.methods`: `prepare_matrix` checks and converts a DataFrame (index =
alternative ids, columns = criterion ids) into a float array, applying the
spec's missing-value policy; `rank` returns a `RankResult` that keeps every
intermediate value the dashboard and the workbook show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scoring import methods
from scoring.errors import ScoringError, shown
from scoring.normalise import log_sum_normalise, minmax, sum_normalise
from scoring.spec import Spec, parse_spec

__all__ = ["PreparedMatrix", "RankResult", "prepare_matrix", "rank"]

_MAX_CELLS_NAMED = 10
_SMALLEST_NORMAL = float(np.finfo(float).tiny)


@dataclass(frozen=True)
class PreparedMatrix:
    """A validated decision matrix: X (n x m floats, spec column order), ids and imputed cells."""

    X: np.ndarray
    ids: pd.Index
    spec: Spec
    imputed: list[dict[str, Any]] = field(default_factory=list)


def _first_named(parts: list[str], total: int, separator: str) -> str:
    """The first `_MAX_CELLS_NAMED` of `parts` joined, then « et k autre(s) » for the rest of `total`."""
    more = total - _MAX_CELLS_NAMED
    return separator.join(parts[:_MAX_CELLS_NAMED]) + (f" et {more} autre(s)" if more > 0 else "")


def _describe_cells(mask: np.ndarray, ids: pd.Index, columns: list[str], frame: pd.DataFrame | None = None) -> str:
    """French list of the first flagged cells (row id, column and, given `frame`, the value as given)."""
    rows, cols = np.nonzero(mask)
    parts = []
    for r, c in zip(rows[:_MAX_CELLS_NAMED].tolist(), cols[:_MAX_CELLS_NAMED].tolist(), strict=True):
        text = f"ligne « {ids[r]} », colonne « {columns[c]} »"
        if frame is not None:
            text += f" (valeur {shown(frame.iat[r, c])})"
        parts.append(text)
    return _first_named(parts, len(rows), "; ")


def _numeric_values(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Float values (NaN where missing or not numeric) and the mask of cells missing in the input.

    Numeric columns are converted in one step; only text or object columns
    go through `pandas.to_numeric` (so « 2.5 » read from a CSV is accepted).
    """
    dtypes = frame.dtypes
    if all(pd.api.types.is_numeric_dtype(dtype) for dtype in dtypes):
        numeric = frame.to_numpy(dtype=float, na_value=np.nan)
        return numeric, np.isnan(numeric)
    numeric = np.empty(frame.shape, dtype=float)
    missing = np.empty(frame.shape, dtype=bool)
    for j, dtype in enumerate(dtypes):
        column = frame.iloc[:, j]
        if pd.api.types.is_numeric_dtype(dtype):
            numeric[:, j] = column.to_numpy(dtype=float, na_value=np.nan)
            missing[:, j] = np.isnan(numeric[:, j])
        else:
            numeric[:, j] = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            missing[:, j] = column.isna().to_numpy()
    return numeric, missing


def _impute(
    numeric: np.ndarray, was_missing: np.ndarray, ids: pd.Index, spec: Spec
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Fill the missing cells by the spec's policy; returns the filled copy and the list of filled cells."""
    if spec.missing == "error":
        raise ScoringError(
            "Valeur manquante dans la matrice : "
            + _describe_cells(was_missing, ids, spec.ids)
            + ". Complétez-la ou choisissez « missing » : « worst » ou « mean »."
        )
    empty = [spec.ids[j] for j in range(numeric.shape[1]) if was_missing[:, j].all()]
    if empty:
        raise ScoringError(
            f"Le critère « {empty[0]} » n'a aucune valeur : impossible de compléter ses cellules manquantes."
        )
    if spec.missing == "mean":
        fill = np.nanmean(numeric, axis=0)
    else:
        fill = np.where(spec.maximise, np.nanmin(numeric, axis=0), np.nanmax(numeric, axis=0))
    rows, cols = np.nonzero(was_missing)
    filled = numeric.copy()  # may be a read-only view of the caller's frame
    filled[rows, cols] = fill[cols]
    imputed = [
        {"id": ids[r], "criterion": spec.ids[c], "value": float(fill[c])}
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
    ]
    return filled, imputed


def prepare_matrix(matrix: pd.DataFrame, spec: Spec | Mapping[str, Any]) -> PreparedMatrix:
    """Validate `matrix` against `spec` and return the float array in spec column order.

    Checks: a DataFrame with at least one row; unique, non-missing row ids;
    every spec criterion present as a column (extra columns are ignored);
    numeric, finite values; missing cells handled by `spec.missing`
    (``error``: a French error naming the cells; ``worst``: worst observed
    value of the column given its direction; ``mean``: column mean); for
    ``wpm`` every value > 0; weights with a positive total. Errors are
    `ScoringError` with French messages naming rows, columns and values.
    """
    spec = parse_spec(spec)
    if not isinstance(matrix, pd.DataFrame):
        raise ScoringError(f"La matrice de décision doit être un tableau (DataFrame), reçu {type(matrix).__name__}.")
    if matrix.shape[0] == 0:
        raise ScoringError("La matrice de décision ne contient aucune alternative (aucune ligne).")
    ids = matrix.index
    if ids.hasnans:
        raise ScoringError("Un identifiant d'alternative est manquant (ligne sans identifiant).")
    if ids.has_duplicates:
        duplicated = sorted({str(i) for i in ids[ids.duplicated()]})
        raise ScoringError(f"Identifiant d'alternative en double : {', '.join(duplicated)}.")
    columns = [str(c) for c in matrix.columns]
    if len(set(columns)) != len(columns):
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        raise ScoringError(f"Colonne en double dans la matrice : {', '.join(duplicated)}.")
    by_name = dict(zip(columns, matrix.columns, strict=True))
    absent = [cid for cid in spec.ids if cid not in by_name]
    if absent:
        raise ScoringError(
            f"Critère absent de la matrice : {', '.join(absent)} "
            f"(colonnes présentes : {', '.join(columns) or 'aucune'})."
        )
    _ = spec.weights  # raises the French error on a zero total weight
    frame = matrix[[by_name[cid] for cid in spec.ids]]
    numeric, was_missing = _numeric_values(frame)
    not_numeric = np.isnan(numeric) & ~was_missing
    if not_numeric.any():
        raise ScoringError(
            "Valeur non numérique dans la matrice : "
            + _describe_cells(not_numeric, ids, spec.ids, frame)
            + "."
        )
    infinite = np.isinf(numeric)
    if infinite.any():
        raise ScoringError(
            "Valeur infinie dans la matrice : " + _describe_cells(infinite, ids, spec.ids, frame) + "."
        )
    imputed: list[dict[str, Any]] = []
    if was_missing.any():
        numeric, imputed = _impute(numeric, was_missing, ids, spec)
    if spec.method == "wpm":
        not_positive = numeric <= 0
        if not_positive.any():
            raise ScoringError(
                "La méthode « wpm » exige des valeurs strictement positives : "
                + _describe_cells(not_positive, ids, spec.ids, frame)
                + "."
            )
    return PreparedMatrix(X=numeric, ids=ids, spec=spec, imputed=imputed)


@dataclass(frozen=True)
class RankResult:
    """A ranking with everything needed to explain it.

    ``normalised``: the method's normalised matrix (wsm: min-max; wpm: sum
    normalisation; topsis: vector normalisation; vikor: the regret
    d = (f* - x)/(f* - f-); promethee2: the unweighted per-criterion net flows).
    ``contributions`` (alternatives x criteria), a per-criterion decomposition
    of the score: wsm w r (sums to the score); wpm w ln r (sums to ln score);
    vikor w d (sums to S, lower better); promethee2 w (phi+_j - phi-_j) (sums to
    the net flow); topsis None (distances are not additive; see ``details``).
    ``details``: wsm/wpm the column min and max; topsis ideal, anti_ideal,
    d_plus, d_minus, weighted; vikor S, R, Q, best, worst, dq,
    c1_acceptable_advantage, c2_acceptable_stability, compromise (ids), leader;
    promethee2 phi_plus, phi_minus; every method ``imputed`` (list of filled
    cells).
    """

    method: str
    scores: pd.Series
    ranks: pd.Series
    higher_is_better: bool
    weights: pd.Series
    normalised: pd.DataFrame
    contributions: pd.DataFrame | None
    details: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """One row per alternative, best first (ties in input order): id, score, rank, then method columns."""
        frame = pd.DataFrame({"id": self.scores.index, "score": self.scores.to_numpy(), "rank": self.ranks.to_numpy()})
        extra_names = {
            "topsis": ("d_plus", "d_minus"),
            "vikor": ("S", "R", "Q"),
            "promethee2": ("phi_plus", "phi_minus"),
        }.get(self.method, ())
        for name in extra_names:
            frame[name] = self.details[name].to_numpy()
        return frame.sort_values("rank", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class _Axes:
    """The alternative ids and criterion ids that label a method's arrays."""

    index: pd.Index
    criteria: pd.Index

    def frame(self, values: np.ndarray) -> pd.DataFrame:
        """Alternatives x criteria."""
        return pd.DataFrame(values, index=self.index, columns=self.criteria, copy=False)

    def series(self, values: np.ndarray, name: str) -> pd.Series:
        """One value per alternative."""
        return pd.Series(values, index=self.index, name=name)

    def per_criterion(self, values: np.ndarray) -> pd.Series:
        """One value per criterion."""
        return pd.Series(values, index=self.criteria)


# What each method gives `rank`: scores, normalised matrix, contributions (or None), method details.
_MethodParts = tuple[np.ndarray, pd.DataFrame, pd.DataFrame | None, dict[str, Any]]


def _wsm_parts(X: np.ndarray, spec: Spec, axes: _Axes) -> _MethodParts:
    """Weighted sum of min-max normalised values; contributions w r."""
    R = minmax(X, spec.maximise)
    parts = R * spec.weights
    details = {"minimum": axes.per_criterion(X.min(axis=0)), "maximum": axes.per_criterion(X.max(axis=0))}
    return parts.sum(axis=1), axes.frame(R), axes.frame(parts), details


def _wpm_parts(X: np.ndarray, spec: Spec, axes: _Axes) -> _MethodParts:
    """Weighted product of sum-normalised values; contributions w ln r.

    A row with a value of r that underflows (below 1e-308) takes its score
    from the logarithms, exp(sum w ln r), instead of the product.
    """
    w = spec.weights
    R = sum_normalise(X, spec.maximise)
    parts = w * log_sum_normalise(X, spec.maximise, R)
    underflow = (R < _SMALLEST_NORMAL).any(axis=1)
    scores = np.where(underflow, np.exp(parts.sum(axis=1)), np.prod(R**w, axis=1))
    details = {"minimum": axes.per_criterion(X.min(axis=0)), "maximum": axes.per_criterion(X.max(axis=0))}
    return scores, axes.frame(R), axes.frame(parts), details


def _topsis_parts(X: np.ndarray, spec: Spec, axes: _Axes) -> _MethodParts:
    """TOPSIS closeness; no additive contributions."""
    t = methods.topsis_details(X, spec.maximise, spec.weights)
    details = {
        "ideal": axes.per_criterion(t["ideal"]),
        "anti_ideal": axes.per_criterion(t["anti_ideal"]),
        "d_plus": axes.series(t["d_plus"], "d_plus"),
        "d_minus": axes.series(t["d_minus"], "d_minus"),
        "weighted": axes.frame(t["weighted"]),
    }
    return t["closeness"], axes.frame(t["normalised"]), None, details


def _vikor_parts(X: np.ndarray, spec: Spec, axes: _Axes) -> _MethodParts:
    """VIKOR Q (lower better) with the compromise conditions; contributions w d."""
    w = spec.weights
    v = methods.vikor_details(X, spec.maximise, w, spec.v)
    ids = axes.index
    details = {
        "S": axes.series(v["S"], "S"),
        "R": axes.series(v["R"], "R"),
        "Q": axes.series(v["Q"], "Q"),
        "best": axes.per_criterion(v["best"]),
        "worst": axes.per_criterion(v["worst"]),
        "v": spec.v,
        "dq": v["dq"],
        "leader": ids[v["leader"]],
        "c1_acceptable_advantage": v["c1_acceptable_advantage"],
        "c2_acceptable_stability": v["c2_acceptable_stability"],
        "compromise": [ids[i] for i in v["compromise"]],
    }
    return v["Q"], axes.frame(v["regret"]), axes.frame(v["regret"] * w), details


def _promethee2_parts(X: np.ndarray, spec: Spec, axes: _Axes) -> _MethodParts:
    """PROMETHEE II net flow; contributions w (phi+_j - phi-_j)."""
    w = spec.weights
    plus, minus = methods.promethee2_unicriterion_flows(X, spec.maximise, [c.preference for c in spec.criteria])
    net = plus - minus
    phi_plus, phi_minus = plus @ w, minus @ w
    details = {"phi_plus": axes.series(phi_plus, "phi_plus"), "phi_minus": axes.series(phi_minus, "phi_minus")}
    return phi_plus - phi_minus, axes.frame(net), axes.frame(net * w), details


_METHOD_PARTS: dict[str, Callable[[np.ndarray, Spec, _Axes], _MethodParts]] = {
    "wsm": _wsm_parts,
    "wpm": _wpm_parts,
    "topsis": _topsis_parts,
    "vikor": _vikor_parts,
    "promethee2": _promethee2_parts,
}


def _check_finite(scores: np.ndarray, method: str, ids: pd.Index) -> None:
    """Raise a French ScoringError naming the alternatives whose score is not finite (a safety net)."""
    bad = np.flatnonzero(~np.isfinite(scores))
    if bad.size:
        named = _first_named([f"« {ids[i]} » ({shown(scores[i])})" for i in bad[:_MAX_CELLS_NAMED].tolist()],
                             bad.size, ", ")
        raise ScoringError(
            f"La méthode « {method} » ne donne pas une valeur finie pour : {named}. "
            "Les valeurs de la matrice dépassent les limites du calcul en virgule flottante."
        )


def rank(matrix: pd.DataFrame, spec: Spec | Mapping[str, Any]) -> RankResult:
    """Rank the alternatives (rows of `matrix`) by the method and criteria of `spec`.

    `spec` is a `Spec` or its JSON structure (see `scoring.spec`). Ranks: 1 =
    best, equal scores share the smallest rank. Raises `ScoringError` (French)
    on bad input; never returns NaN (a score that is not finite raises).

    >>> import pandas as pd
    >>> matrix = pd.DataFrame({"emplois": [120, 80, 200], "distance": [45, 60, 30]},
    ...                       index=["Albi", "Autun", "Redon"])
    >>> spec = {"method": "wsm", "criteria": [
    ...     {"id": "emplois", "direction": "max", "weight": 3},
    ...     {"id": "distance", "direction": "min", "weight": 1}]}
    >>> result = rank(matrix, spec)
    >>> result.to_frame()
          id  score  rank
    0  Redon  1.000     1
    1   Albi  0.375     2
    2  Autun  0.000     3
    >>> result.contributions.loc["Albi"].round(3).tolist()
    [0.25, 0.125]
    """
    prepared = prepare_matrix(matrix, spec)
    spec = prepared.spec
    axes = _Axes(index=prepared.ids.copy(), criteria=pd.Index(spec.ids, name="criterion"))
    scores, normalised, contributions, details = _METHOD_PARTS[spec.method](prepared.X, spec, axes)
    _check_finite(scores, spec.method, axes.index)
    better = methods.higher_is_better(spec.method)
    return RankResult(
        method=spec.method,
        scores=axes.series(scores, "score"),
        ranks=axes.series(methods.rank_scores(scores, better, atol=methods.rank_tolerance(spec.method)), "rank"),
        higher_is_better=better,
        weights=pd.Series(spec.weights, index=axes.criteria, name="weight"),
        normalised=normalised,
        contributions=contributions,
        details={"imputed": prepared.imputed, **details},
    )
