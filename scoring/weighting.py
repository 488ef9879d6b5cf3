"""Criteria weighting methods.

This module owns how the jury's weights are obtained: `equal`, direct
`points`, `ahp` (Saaty's eigenvector method with consistency ratio, flat or
hierarchical: groups of criteria, then the criteria within each group), `roc`
(rank-order centroid), and the objective methods `entropy` and `critic`
computed from the decision matrix. `weights(method, **kwargs)` dispatches to
them. Every function returns a `WeightsResult` whose weights sum to 1.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scoring.errors import ScoringError, shown
from scoring.normalise import minmax
from scoring.ranking import prepare_matrix
from scoring.spec import CriterionSpec, Direction, Spec, parse_spec

__all__ = [
    "SAATY_RANDOM_INDEX",
    "WEIGHTING_METHODS",
    "WeightsResult",
    "ahp",
    "ahp_from_json",
    "ahp_hierarchy",
    "critic",
    "entropy",
    "equal",
    "points",
    "roc",
    "weights",
]

#: Saaty's random consistency indices for n = 1..15: Saaty, T. L. (1980), The Analytic Hierarchy
#: Process, McGraw-Hill, New York, its table of the random index R.I. (mean CI of simulated
#: random reciprocal matrices on the 1-9 scale). RI(12) = 1.48 < RI(11) = 1.51 is simulation noise,
#: kept as published. n <= 10 are the values this module always used (the same table); Alonso &
#: Lamata (2006, Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 14(4)) give another one.
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
_RANDOM_INDEX_MAX_N = max(SAATY_RANDOM_INDEX)
CR_THRESHOLD = 0.10
WEIGHTING_METHODS: tuple[str, ...] = ("equal", "points", "ahp", "roc", "entropy", "critic")
_RECIPROCAL_RTOL = 1e-6
# A reciprocal typed with two decimals (0.33 for 1/3) is read as exact when |a_ij a_ji - 1| <= 0.05.
# The two-decimal reciprocals of Saaty's 1-9 scale give products within 0.04 of 1 (0.33 x 3 = 0.99,
# 0.17 x 6 = 1.02, 0.14 x 7 = 0.98, 0.13 or 0.12 x 8 = 1.04 or 0.96, 0.11 x 9 = 0.99; three decimals:
# within 0.005), while mistaking two values of the scale is at least 0.08 away (0.12 x 9 = 1.08,
# 0.11 x 8 = 0.88), and a genuine disagreement far more (3 and 0.5: 1.5). 0.02 would refuse 0.17 and 0.13.
_TYPED_RECIPROCAL_RTOL = 0.05
PairwiseInput = pd.DataFrame | np.ndarray | Sequence[Sequence[Any]]


@dataclass(frozen=True)
class WeightsResult:
    """Weights (summing to 1, indexed by criterion id) and what explains them.

    AHP fills ``lambda_max``, ``ci``, ``cr`` (None when n > 15: Saaty's random
    index table stops at 15), ``random_index``, ``inconsistent_pair`` (the
    judgement (i, j) whose ratio a_ij departs most from w_i/w_j, measured by
    |ln(a_ij w_j / w_i)|, which treats a_ij and a_ji alike) and
    ``suggested_value`` (w_i/w_j, the judgement consistent with the weights).
    ``warnings`` holds French sentences for the user (CR > 0.10, n > 15,
    degenerate data); ``notes`` French sentences on how the input was read
    (AHP: the cells whose rounded reciprocal, « 0,33 », was read as exact,
    « 1/3 »). ``details`` keeps method intermediates (entropy E_j, CRITIC
    sigma_j and C_j; hierarchical AHP: ``blocks``, the `WeightsResult` of each
    matrix — « groupes » first, then each group's —, and ``group_weights``).
    """

    method: str
    weights: pd.Series
    lambda_max: float | None = None
    ci: float | None = None
    cr: float | None = None
    random_index: float | None = None
    inconsistent_pair: tuple[str, str] | None = None
    suggested_value: float | None = None
    warnings: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def warning(self) -> str | None:
        """All warnings as one French text, or None."""
        return " ".join(self.warnings) if self.warnings else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: {"weights": {id: w}} plus, for AHP, lambda_max, ci, cr and the diagnosis."""
        out: dict[str, Any] = {"weights": {str(k): float(v) for k, v in self.weights.items()}}
        if self.method == "ahp":
            out.update(
                lambda_max=self.lambda_max,
                ci=self.ci,
                cr=self.cr,
                random_index=self.random_index,
                inconsistent_pair=list(self.inconsistent_pair) if self.inconsistent_pair else None,
                suggested_value=self.suggested_value,
            )
        blocks = self.details.get("blocks")
        if blocks:
            out["blocks"] = {name: block.to_dict() for name, block in blocks.items()}
            out["group_weights"] = {str(k): float(v) for k, v in self.details["group_weights"].items()}
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def _ids(criteria: Sequence[str], what: str) -> list[str]:
    if isinstance(criteria, str) or not isinstance(criteria, Sequence):
        raise ScoringError(f"{what} : une liste d'identifiants de critères est attendue, reçu {shown(criteria)}.")
    ids = [str(c).strip() for c in criteria]
    if not ids:
        raise ScoringError(f"{what} : la liste des critères est vide.")
    if any(not c for c in ids):
        raise ScoringError(f"{what} : un identifiant de critère est vide.")
    duplicated = sorted({c for c in ids if ids.count(c) > 1})
    if duplicated:
        raise ScoringError(f"{what} : critère en double : {', '.join(duplicated)}.")
    return ids


def equal(criteria: Sequence[str]) -> WeightsResult:
    """1/n for each of the n criteria."""
    ids = _ids(criteria, "Poids égaux")
    return WeightsResult("equal", pd.Series(1.0 / len(ids), index=ids, name="weight"))


def points(points: Mapping[str, float]) -> WeightsResult:
    """Direct points: any non-negative numbers, normalised to sum 1 (a zero total is an error)."""
    given: object = points  # the caller may pass anything: checked here
    if not isinstance(given, Mapping) or not given:
        raise ScoringError(f"Points : un dictionnaire {{critère: points}} non vide est attendu, reçu {shown(points)}.")
    values: dict[str, float] = {}
    for key, value in given.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.integer, np.floating))
            or not math.isfinite(value)
        ):
            raise ScoringError(
                f"Points : la valeur du critère « {key} » doit être un nombre fini, reçu {shown(value)}."
            )
        if value < 0:
            raise ScoringError(
                f"Points : la valeur du critère « {key} » doit être positive ou nulle, reçu {shown(value)}."
            )
        values[str(key)] = float(value)
    series = pd.Series(values, name="weight", dtype=float)
    total = series.sum()
    if not total > 0:
        raise ScoringError("Points : la somme des points est nulle ; donnez des points à au moins un critère.")
    return WeightsResult("points", series / total)


def roc(order: Sequence[str]) -> WeightsResult:
    """Rank-order centroid (Barron & Barrett 1996): w_k = (1/n) sum_{i=k..n} 1/i.

    `order` lists the criterion ids from most to least important.

    >>> roc(["emplois", "distance", "partenaires"]).weights.round(4).to_dict()
    {'emplois': 0.6111, 'distance': 0.2778, 'partenaires': 0.1111}
    """
    ids = _ids(order, "ROC")
    n = len(ids)
    inverse = 1.0 / np.arange(1, n + 1)
    w = np.cumsum(inverse[::-1])[::-1] / n
    return WeightsResult("roc", pd.Series(w, index=ids, name="weight"))


def _judgement(value: Any) -> float:
    """A pairwise judgement as a float: numbers, numeric text, Saaty's fractions « 1/3 »; NaN otherwise."""
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        numerator, slash, denominator = text.partition("/")
        try:
            return float(numerator) / float(denominator) if slash else float(text)
        except (ValueError, ZeroDivisionError):
            return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _pairwise_array(
    pairwise: PairwiseInput, criteria: Sequence[str] | None,
) -> tuple[np.ndarray, list[str], list[str]]:
    """The exactly reciprocal matrix, the criterion ids, and the notes on the reciprocals read as exact."""
    if isinstance(pairwise, pd.DataFrame):
        rows = [str(i) for i in pairwise.index]
        cols = [str(c) for c in pairwise.columns]
        if rows != cols:
            raise ScoringError(
                "AHP : la matrice de comparaisons doit avoir les mêmes critères, dans le même ordre, "
                f"en lignes ({', '.join(rows)}) et en colonnes ({', '.join(cols)})."
            )
        ids = _ids(cols, "AHP")
        raw = pairwise.to_numpy(dtype=object)
    else:
        raw = np.asarray(pairwise, dtype=object)
        if raw.ndim != 2:
            raise ScoringError(f"AHP : une matrice carrée est attendue, reçu un tableau de dimension {raw.ndim}.")
        ids = _ids(criteria, "AHP") if criteria is not None else [f"C{i + 1}" for i in range(raw.shape[1])]
    if raw.shape[0] != raw.shape[1] or raw.shape[0] == 0:
        raise ScoringError(
            f"AHP : la matrice de comparaisons doit être carrée et non vide, reçu {raw.shape[0]} × {raw.shape[1]}."
        )
    if len(ids) != raw.shape[0]:
        raise ScoringError(f"AHP : {len(ids)} critères nommés pour une matrice {raw.shape[0]} × {raw.shape[1]}.")
    A = np.empty(raw.shape, dtype=float)
    for i in range(raw.shape[0]):
        for j in range(raw.shape[1]):
            value = raw[i, j]
            number = _judgement(value)
            if isinstance(value, bool) or not math.isfinite(number) or number <= 0:
                raise ScoringError(
                    f"AHP : la comparaison ({ids[i]}, {ids[j]}) doit être un nombre strictement positif, "
                    f"reçu {shown(value)}."
                )
            A[i, j] = number
    return A, ids, _exact_reciprocals(A, ids)


def _exact_reciprocals(A: np.ndarray, ids: list[str]) -> list[str]:
    """Make `A` exactly reciprocal, in place: a_ii = 1, and of a_ij and a_ji the entry >= 1 is the
    judgement (Saaty's scale is 1-9; it is the fractions that get rounded), the other its exact
    reciprocal. A pair whose product departs from 1 by more than `_TYPED_RECIPROCAL_RTOL` is refused;
    one beyond `_RECIPROCAL_RTOL` gets a French note (« (b, a) : 0,33 lu comme 1/3. »)."""
    notes: list[str] = []
    for i in range(A.shape[0]):
        if not math.isclose(A[i, i], 1.0, rel_tol=_RECIPROCAL_RTOL):
            raise ScoringError(f"AHP : la diagonale doit valoir 1, or ({ids[i]}, {ids[i]}) vaut {shown(A[i, i])}.")
        A[i, i] = 1.0
        for j in range(i + 1, A.shape[0]):
            product = A[i, j] * A[j, i]
            if not abs(product - 1.0) <= _TYPED_RECIPROCAL_RTOL:
                raise ScoringError(
                    f"AHP : la matrice n'est pas réciproque : ({ids[i]}, {ids[j]}) vaut {shown(A[i, j])} "
                    f"mais ({ids[j]}, {ids[i]}) vaut {shown(A[j, i])} au lieu de {shown(1.0 / A[i, j])}."
                )
            row, col = (j, i) if A[i, j] >= A[j, i] else (i, j)  # the cell read as the reciprocal
            if not math.isclose(product, 1.0, rel_tol=_RECIPROCAL_RTOL):
                notes.append(f"({ids[row]}, {ids[col]}) : {_decimal(A[row, col], '.6g')} lu comme "
                             f"1/{_decimal(A[col, row], '.6g')}.")
            A[row, col] = 1.0 / A[col, row]
    return notes


def ahp(
    pairwise: PairwiseInput, criteria: Sequence[str] | None = None,
    groups: Mapping[str, Mapping[str, Any]] | None = None,
) -> WeightsResult:
    """Saaty's AHP: weights = principal right eigenvector of the positive reciprocal matrix.

    a_ij says how much more important criterion i is than j (a_ji = 1/a_ij);
    cells may be numbers or text such as « 3 », « 0,5 » or « 1/3 ». A reciprocal
    typed with two decimals (« 0,33 » against 3, « 0,14 » against 7: a_ij a_ji
    within 5 % of 1) is read as the exact one, and ``notes`` says so cell by
    cell; the weights are those of the exactly reciprocal matrix (of each pair,
    the entry >= 1 is kept). A pair further from reciprocal is refused.
    lambda_max is the principal eigenvalue, CI = (lambda_max - n)/(n - 1)
    (0 for n <= 2), CR = CI/RI with Saaty's random indices (The Analytic
    Hierarchy Process, 1980; n = 1..15: 0, 0, 0.58, 0.90, 1.12,
    1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59; CR = 0 when
    RI = 0). For n > 15 the table stops: CR is None, only CI is given, and a
    warning says so (no extrapolated RI). A warning is given when CR > 0.10. Criterion ids come from the
    DataFrame labels, `criteria`, or default to C1..Cn.

    With `groups`, the hierarchical method of `ahp_hierarchy` (`pairwise`
    then compares the groups).
    """
    if groups is not None:
        return ahp_hierarchy(pairwise, groups)
    A, ids, notes = _pairwise_array(pairwise, criteria)
    n = A.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(A)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    w = vector / vector.sum()
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    if abs(ci) < 1e-12:  # a consistent matrix; rounding may give lambda_max a hair below n
        ci = 0.0
    warnings: list[str] = []
    random_index = SAATY_RANDOM_INDEX.get(n)
    cr: float | None
    if random_index is None:
        cr = None
        warnings.append(
            f"La table des indices aléatoires de Saaty (1980) s'arrête à n = {_RANDOM_INDEX_MAX_N} : "
            f"le ratio de cohérence n'est pas défini pour {n} critères (seul l'indice de cohérence "
            f"CI = {_decimal(ci, '.4f')} est donné)."
        )
    else:
        cr = ci / random_index if random_index > 0 else 0.0
    ratio = A * w[None, :] / w[:, None]
    deviation = np.abs(np.log(ratio))
    i, j = np.unravel_index(int(np.argmax(np.triu(deviation, k=1))), deviation.shape)
    pair: tuple[str, str] | None = None
    suggested: float | None = None
    if n > 1 and deviation[i, j] > 1e-9:
        pair = (ids[i], ids[j])
        suggested = float(w[i] / w[j])
    if cr is not None and cr > CR_THRESHOLD:
        text = (f"Ratio de cohérence CR = {_decimal(cr, '.3f')} supérieur à 0,10 : "
                "les comparaisons sont incohérentes.")
        if pair is not None:
            text += (
                f" La comparaison la plus incohérente est ({pair[0]}, {pair[1]}) : "
                f"{_decimal(A[i, j], '.4g')} donné, {_decimal(suggested, '.4g')} serait cohérent avec les poids."
            )
        warnings.append(text)
    return WeightsResult(
        "ahp",
        pd.Series(w, index=ids, name="weight"),
        lambda_max=lambda_max,
        ci=float(ci),
        cr=None if cr is None else float(cr),
        random_index=random_index,
        inconsistent_pair=pair,
        suggested_value=suggested,
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


GROUPS_BLOCK = "groupes"


def ahp_hierarchy(pairwise: PairwiseInput, groups: Mapping[str, Mapping[str, Any]]) -> WeightsResult:
    """Hierarchical AHP (Saaty's hierarchic composition): the groups of criteria are compared
    with each other (`pairwise`, rows and columns in the order of `groups`, or labelled by the
    group ids), then the criteria within each group (``groups[g] = {"criteria": [...],
    "pairwise": matrix}``; a group of one criterion needs no matrix). Each matrix is an `ahp`
    block; a criterion's global weight is its group's weight times its local weight.

    ``details["blocks"]`` holds each block's `WeightsResult` (« groupes » first);
    ``details["group_weights"]`` the groups' weights. ``cr`` is the largest consistency
    ratio of the blocks (None when a block's is undefined), ``inconsistent_pair`` and
    ``suggested_value`` those of that block; the warnings and notes name their block.

    >>> result = ahp_hierarchy([[1, 2], ["1/2", 1]], {
    ...     "territoire": {"criteria": ["C01", "C02"], "pairwise": [[1, 3], ["1/3", 1]]},
    ...     "jury": {"criteria": ["J01"]}})
    >>> result.weights.round(4).to_dict()
    {'C01': 0.5, 'C02': 0.1667, 'J01': 0.3333}
    """
    given: object = groups
    if not isinstance(given, Mapping) or not given:
        raise ScoringError(f"AHP hiérarchique : un dictionnaire {{groupe: critères et comparaisons}} non vide est "
                           f"attendu, reçu {shown(groups)}.")
    group_ids = _ids(list(groups), "AHP hiérarchique (groupes)")
    top = ahp(pairwise, criteria=None if isinstance(pairwise, pd.DataFrame) else group_ids)
    if list(top.weights.index) != group_ids:
        raise ScoringError(f"AHP hiérarchique : la matrice des groupes compare {', '.join(top.weights.index)} "
                           f"au lieu de {', '.join(group_ids)}.")
    blocks: dict[str, WeightsResult] = {GROUPS_BLOCK: top}
    parts: list[pd.Series] = []
    for group, block in groups.items():
        local = _group_block(str(group), block)
        blocks[str(group)] = local
        parts.append(local.weights * float(top.weights[str(group)]))
    global_weights = pd.concat(parts)
    _ids(list(global_weights.index), "AHP hiérarchique (critères)")  # a criterion in two groups is refused
    global_weights = (global_weights / global_weights.sum()).rename("weight")
    return _hierarchy_result(global_weights, blocks)


def _group_block(group: str, block: Mapping[str, Any]) -> WeightsResult:
    """The local weights of one group's criteria (a lone criterion weighs 1 in its group)."""
    given: object = block  # the caller may pass anything: checked here
    if not isinstance(given, Mapping) or "criteria" not in given:
        raise ScoringError(f"AHP hiérarchique : le groupe « {group} » doit donner « criteria » (et « pairwise » "
                           f"s'il a plusieurs critères), reçu {shown(block)}.")
    criteria = _ids(block["criteria"], f"AHP hiérarchique, groupe « {group} »")
    if len(criteria) == 1 and block.get("pairwise") is None:
        return ahp([[1.0]], criteria=criteria)
    if block.get("pairwise") is None:
        raise ScoringError(f"AHP hiérarchique : le groupe « {group} » a {len(criteria)} critères mais aucune "
                           "matrice de comparaisons (« pairwise »).")
    return ahp(block["pairwise"], criteria=criteria)


def _hierarchy_result(weights: pd.Series, blocks: dict[str, WeightsResult]) -> WeightsResult:
    """The composed weights with the worst block's consistency and every block's warnings."""
    worst = max(blocks, key=lambda name: _cr_or_inf(blocks[name]))
    cr = blocks[worst].cr
    warnings = tuple(f"Bloc « {name} » : {text}" for name, block in blocks.items() for text in block.warnings)
    notes = tuple(f"Bloc « {name} » : {text}" for name, block in blocks.items() for text in block.notes)
    group_weights = blocks[GROUPS_BLOCK].weights
    return WeightsResult(
        "ahp", weights, cr=cr, random_index=blocks[worst].random_index,
        inconsistent_pair=blocks[worst].inconsistent_pair, suggested_value=blocks[worst].suggested_value,
        warnings=warnings, details={"blocks": blocks, "group_weights": group_weights}, notes=notes,
    )


def _cr_or_inf(block: WeightsResult) -> float:
    """A block's consistency ratio, infinite when undefined (the worst there is)."""
    return math.inf if block.cr is None else block.cr


def ahp_from_json(data: Any) -> WeightsResult:
    """AHP weights from a JSON document (``python -m scoring weights --method ahp --ahp F.json``, and the
    workbook's « Spécification AHP »): flat, ``{"criteria": [...], "pairwise": [[...]]}``, or
    hierarchical, ``{"pairwise": [[...]], "groups": {"g": {"criteria": [...], "pairwise": [[...]]}}}``
    (the top matrix compares the groups in their order). Cells are numbers or text such as « 1/3 »."""
    if not isinstance(data, Mapping) or "pairwise" not in data:
        raise ScoringError("Spécification AHP : un objet JSON avec « pairwise » (et « criteria » ou « groups ») "
                           f"est attendu, reçu {shown(data)}.")
    if "groups" in data:
        return ahp_hierarchy(data["pairwise"], data["groups"])
    return ahp(data["pairwise"], criteria=data.get("criteria"))


def _objective_input(matrix: pd.DataFrame, spec: Spec | Mapping[str, Any] | None) -> tuple[np.ndarray, Spec]:
    """Validate the matrix (all columns as max criteria when no spec is given)."""
    if spec is None:
        if not isinstance(matrix, pd.DataFrame):
            raise ScoringError(
                f"La matrice de décision doit être un tableau (DataFrame), reçu {type(matrix).__name__}."
            )
        if matrix.shape[1] == 0:
            raise ScoringError("La matrice de décision ne contient aucun critère (aucune colonne).")
        spec = Spec("wsm", tuple(CriterionSpec(str(c), Direction.MAX, 1.0) for c in matrix.columns))
    spec = parse_spec(spec)
    if not spec.raw_weights.sum() > 0:  # the spec's weights are irrelevant here
        spec = spec.with_weights(np.ones(len(spec.criteria)))
    prepared = prepare_matrix(matrix, spec)
    return prepared.X, spec


def _fallback_equal(ids: list[str], method: str, reason: str, details: dict[str, Any]) -> WeightsResult:
    return WeightsResult(
        method,
        pd.Series(1.0 / len(ids), index=ids, name="weight"),
        warnings=(f"{reason} : poids égaux retenus.",),
        details=details,
    )


def entropy(matrix: pd.DataFrame, spec: Spec | Mapping[str, Any] | None = None) -> WeightsResult:
    """Shannon entropy weights: p = x/sum x, E = -sum p ln p / ln n, w proportional to 1 - E.

    n is the number of alternatives; directions are ignored; values must be
    >= 0 (0 ln 0 = 0). A column summing to 0 carries no information (E = 1).
    When every E is 1 (or there is one alternative) the weights fall back to
    equal, with a warning.
    """
    X, spec = _objective_input(matrix, spec)
    ids = spec.ids
    negative = np.argwhere(X < 0)
    if negative.size:
        r, c = negative[0]
        raise ScoringError(
            f"Entropie : les valeurs doivent être positives ou nulles, or la ligne « {matrix.index[r]} », "
            f"colonne « {ids[c]} » vaut {shown(X[r, c])}."
        )
    n = X.shape[0]
    if n < 2:
        return _fallback_equal(ids, "entropy", "Une seule alternative : l'entropie n'apporte aucune information", {})
    totals = X.sum(axis=0)
    P = X / np.where(totals > 0, totals, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    E = np.where(totals > 0, -plogp.sum(axis=0) / math.log(n), 1.0)
    divergence = np.clip(1.0 - E, 0.0, None)
    details = {"entropy": pd.Series(E, index=ids), "divergence": pd.Series(divergence, index=ids)}
    if not divergence.sum() > 0:
        return _fallback_equal(ids, "entropy", "Toutes les colonnes ont une entropie maximale", details)
    return WeightsResult("entropy", pd.Series(divergence / divergence.sum(), index=ids, name="weight"), details=details)


def critic(matrix: pd.DataFrame, spec: Spec | Mapping[str, Any] | None = None) -> WeightsResult:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).

    Min-max normalisation with the spec's directions; sigma_j = standard
    deviation with ddof = 0; rho = Pearson correlations of the normalised
    columns; C_j = sigma_j sum_k (1 - rho_jk); w proportional to C. A constant
    column has sigma = 0 (so C = 0) and is left out of the other columns'
    sums (its correlation is undefined). When every C is 0 the weights fall
    back to equal, with a warning. Without a spec every column is a max
    criterion.
    """
    X, spec = _objective_input(matrix, spec)
    ids = spec.ids
    R = minmax(X, spec.maximise)
    sigma = R.std(axis=0, ddof=0)
    varying = sigma > 0
    rho = np.ones((len(ids), len(ids)))
    if varying.sum() >= 1:
        centred = R[:, varying] - R[:, varying].mean(axis=0)
        scaled = centred / np.linalg.norm(centred, axis=0)
        rho[np.ix_(varying, varying)] = np.clip(scaled.T @ scaled, -1.0, 1.0)
    C = sigma * (1.0 - rho).sum(axis=1)
    details = {
        "sigma": pd.Series(sigma, index=ids),
        "correlation": pd.DataFrame(rho, index=ids, columns=ids),
        "information": pd.Series(C, index=ids),
    }
    if not C.sum() > 0:
        return _fallback_equal(ids, "critic", "Aucun critère ne discrimine les alternatives", details)
    return WeightsResult("critic", pd.Series(C / C.sum(), index=ids, name="weight"), details=details)


def weights(method: str, **kwargs: Any) -> WeightsResult:
    """Dispatch: ``equal(criteria=...)``, ``points(points=...)``, ``ahp(pairwise=..., criteria=None,
    groups=None)`` (hierarchical with ``groups``),
    ``roc(order=...)``, ``entropy(matrix=..., spec=None)``, ``critic(matrix=..., spec=None)``."""
    functions: dict[str, Callable[..., WeightsResult]] = {
        "equal": equal, "points": points, "ahp": ahp, "roc": roc, "entropy": entropy, "critic": critic,
    }
    if method not in functions:
        raise ScoringError(
            f"Méthode de pondération inconnue : {shown(method)} (attendu : {', '.join(WEIGHTING_METHODS)})."
        )
    function = functions[method]
    try:
        inspect.signature(function).bind(**kwargs)
    except TypeError as error:
        expected = {
            "equal": "criteria", "points": "points", "ahp": "pairwise (et criteria ou groups)", "roc": "order",
            "entropy": "matrix (et spec)", "critic": "matrix (et spec)",
        }[method]
        raise ScoringError(
            f"Pondération « {method} » : arguments {sorted(kwargs)} invalides (attendu : {expected})."
        ) from error
    return function(**kwargs)


def _decimal(value: float | None, spec: str) -> str:
    """A number in a French message: `format(value, spec)` with a decimal comma (0,0014)."""
    return f"{value:{spec}}".replace(".", ",")
