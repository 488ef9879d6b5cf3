"""The `rank` facade: validate a decision matrix once, score it, explain the result.

This module owns the edge between pandas and the array functions of
`scoring.methods`: `prepare_matrix` checks and converts a DataFrame (index =
alternative ids, columns = criterion ids) into a float array, applying the
spec's missing-value policy; `rank` returns a `RankResult` that keeps every
intermediate value the dashboard and the workbook show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scoring import methods
from scoring.errors import ScoringError, shown
from scoring.normalise import minmax, sum_normalise
from scoring.spec import Spec, parse_spec

__all__ = ["PreparedMatrix", "RankResult", "prepare_matrix", "rank"]

_MAX_CELLS_NAMED = 10


@dataclass(frozen=True)
class PreparedMatrix:
    """A validated decision matrix: X (n x m floats, spec column order), ids and imputed cells."""

    X: np.ndarray
    ids: pd.Index
    spec: Spec
    imputed: list[dict[str, Any]] = field(default_factory=list)


def _describe_cells(mask: np.ndarray, ids: pd.Index, columns: list[str], frame: pd.DataFrame | None = None) -> str:
    """French list of the first flagged cells (row id, column and, given `frame`, the value as given)."""
    rows, cols = np.nonzero(mask)
    parts = []
    for r, c in zip(rows[:_MAX_CELLS_NAMED].tolist(), cols[:_MAX_CELLS_NAMED].tolist(), strict=True):
        text = f"ligne « {ids[r]} », colonne « {columns[c]} »"
        if frame is not None:
            text += f" (valeur {shown(frame.iat[r, c])})"
        parts.append(text)
    more = len(rows) - _MAX_CELLS_NAMED
    return "; ".join(parts) + (f" et {more} autre(s)" if more > 0 else "")


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
        if spec.missing == "error":
            raise ScoringError(
                "Valeur manquante dans la matrice : "
                + _describe_cells(was_missing, ids, spec.ids)
                + ". Complétez-la ou choisissez « missing » : « worst » ou « mean »."
            )
        empty = [spec.ids[j] for j in range(numeric.shape[1]) if was_missing[:, j].all()]
        if empty:
            raise ScoringError(f"Le critère « {empty[0]} » n'a aucune valeur : impossible de compléter ses cellules manquantes.")
        if spec.missing == "mean":
            fill = np.nanmean(numeric, axis=0)
        else:
            fill = np.where(spec.maximise, np.nanmin(numeric, axis=0), np.nanmax(numeric, axis=0))
        rows, cols = np.nonzero(was_missing)
        numeric = numeric.copy()  # may be a read-only view of the caller's frame
        numeric[rows, cols] = fill[cols]
        imputed = [
            {"id": ids[r], "criterion": spec.ids[c], "value": float(fill[c])}
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        ]
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


def rank(matrix: pd.DataFrame, spec: Spec | Mapping[str, Any]) -> RankResult:
    """Rank the alternatives (rows of `matrix`) by the method and criteria of `spec`.

    `spec` is a `Spec` or its JSON structure (see `scoring.spec`). Ranks: 1 =
    best, equal scores share the smallest rank. Raises `ScoringError` (French)
    on bad input; never returns NaN.

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
    X, ids = prepared.X, prepared.ids
    w = spec.weights
    maximise = spec.maximise
    criteria = pd.Index(spec.ids, name="criterion")
    index = ids.copy()

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=index, columns=criteria, copy=False)

    def series(values: np.ndarray, name: str) -> pd.Series:
        return pd.Series(values, index=index, name=name)

    details: dict[str, Any] = {"imputed": prepared.imputed}
    contributions: pd.DataFrame | None
    if spec.method == "wsm":
        R = minmax(X, maximise)
        parts = R * w
        scores = parts.sum(axis=1)
        normalised, contributions = frame(R), frame(parts)
        details.update(minimum=pd.Series(X.min(axis=0), index=criteria), maximum=pd.Series(X.max(axis=0), index=criteria))
    elif spec.method == "wpm":
        R = sum_normalise(X, maximise)
        parts = w * np.log(R)
        scores = np.prod(R**w, axis=1)
        normalised, contributions = frame(R), frame(parts)
        details.update(minimum=pd.Series(X.min(axis=0), index=criteria), maximum=pd.Series(X.max(axis=0), index=criteria))
    elif spec.method == "topsis":
        t = methods.topsis_details(X, maximise, w)
        scores = t["closeness"]
        normalised, contributions = frame(t["normalised"]), None
        details.update(
            ideal=pd.Series(t["ideal"], index=criteria),
            anti_ideal=pd.Series(t["anti_ideal"], index=criteria),
            d_plus=series(t["d_plus"], "d_plus"),
            d_minus=series(t["d_minus"], "d_minus"),
            weighted=frame(t["weighted"]),
        )
    elif spec.method == "vikor":
        v = methods.vikor_details(X, maximise, w, spec.v)
        scores = v["Q"]
        normalised, contributions = frame(v["regret"]), frame(v["regret"] * w)
        details.update(
            S=series(v["S"], "S"),
            R=series(v["R"], "R"),
            Q=series(v["Q"], "Q"),
            best=pd.Series(v["best"], index=criteria),
            worst=pd.Series(v["worst"], index=criteria),
            v=spec.v,
            dq=v["dq"],
            leader=ids[v["leader"]],
            c1_acceptable_advantage=v["c1_acceptable_advantage"],
            c2_acceptable_stability=v["c2_acceptable_stability"],
            compromise=[ids[i] for i in v["compromise"]],
        )
    else:
        plus, minus = methods.promethee2_unicriterion_flows(X, maximise, [c.preference for c in spec.criteria])
        net = plus - minus
        phi_plus, phi_minus = plus @ w, minus @ w
        scores = phi_plus - phi_minus
        normalised, contributions = frame(net), frame(net * w)
        details.update(phi_plus=series(phi_plus, "phi_plus"), phi_minus=series(phi_minus, "phi_minus"))
    better = methods.higher_is_better(spec.method)
    return RankResult(
        method=spec.method,
        scores=series(scores, "score"),
        ranks=series(methods.rank_scores(scores, better, atol=methods.rank_tolerance(spec.method)), "rank"),
        higher_is_better=better,
        weights=pd.Series(w, index=criteria, name="weight"),
        normalised=normalised,
        contributions=contributions,
        details=details,
    )
