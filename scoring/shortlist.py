"""Constrained shortlist by integer programming.

This module owns `shortlist`: choose ``size`` dossiers maximising the total
score subject to the jury's balance constraints, and explain the choice.

Model (binary x_i per eligible dossier, solved by `scipy.optimize.milp`,
HiGHS branch and bound with a zero relative gap)::

    maximise   sum_i c_i x_i        c = score, or -score when lower is better (VIKOR Q)
    subject to sum_i x_i = size                                  « taille »
               sum_{i in g} x_i >= k   for every group g of a column   min_per_group
               sum_{i in g} x_i <= k   for every group g of a column   max_per_group
               sum_i a_i x_i >= k      (a_i in {0, 1})                 min_count
               sum_i (a_i - s) x_i >= 0  (share s of the selection)    min_share
               x_i = 1 (force_in), x_i = 0 (force_out)

Ineligible dossiers (attribute ``eligible`` = 0) get no variable. A dossier
whose grouping value is missing belongs to no group. ``min_per_group``
applies to every group that has an eligible member; a group with fewer
eligible members than the minimum makes the problem infeasible (it is then
reported, not silently capped).

After the solver, a 1-swap local search polishes the solution with exact
score comparisons (the solver's optimality tolerances are about 1e-7 of the
score range), and among equally good selections prefers dossiers of the plain
top N, so that a swap never appears between two equal scores, then dossiers
earlier in the input: equal scores are decided by input order, as in the
plain top N, never by the solver.

Explanations:

* **Constraint groups.** Each minimum or maximum of one group (« au moins
  1 dossier par région : Corse »), each ``min_count`` and ``min_share``
  column, each forced dossier and the size are separate groups.
* **Binding / cost.** Every group except the size is removed in turn and
  the problem re-solved; the objective gained is what that group costs.
  A group is *binding* when its removal improves the objective. ``tight``
  says whether the group is satisfied with no room to spare at the optimum.
* **Swaps.** ``entered`` = selected but not in the plain top N, ``dropped``
  = top N but not selected (same count). A group whose removal changes the
  selection (binding, or free of cost when scores tie) *causes* an entered
  dossier when that dossier leaves the selection once the group is removed,
  and a dropped dossier when it comes back. Pairs are formed group by group
  (most costly first), an entered dossier with a dropped one sharing the
  same cause, best entered with weakest dropped. What is left is paired in
  the same order and explained by the entered dossier's cause (plus the
  dropped one's, when it has another), else the dropped dossier's cause,
  else — constraints that only act together, none binding alone — by the
  tight minimum the entered dossier helps satisfy and the exclusion or full
  maximum that keeps the dropped one out, else « effet conjoint des
  contraintes ». ``because`` joins the names with « ; » and ``constraints``
  lists the same groups in machine form.
* **Infeasibility.** A deletion filter over the constraint groups (the size
  included) returns a minimal conflicting set: removing any one group of it
  makes the rest feasible.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from scoring.errors import ScoringError, shown

__all__ = [
    "ATTRIBUTE_LABELS",
    "CONSTRAINT_KEYS",
    "Constraints",
    "ShortlistResult",
    "shortlist",
]

CONSTRAINT_KEYS: tuple[str, ...] = (
    "min_per_group",
    "max_per_group",
    "min_count",
    "min_share",
    "force_in",
    "force_out",
    "labels",
)

# French names of the usual attribute columns, used in messages; any other
# column is named as it is (or as given in ``Constraints.labels``).
ATTRIBUTE_LABELS: dict[str, str] = {
    "region": "région",
    "metro_region": "région métropolitaine",
    "departement": "département",
    "department": "département",
    "overseas": "outre-mer",
    "ti": "Territoires d'industrie",
    "acv": "Action cœur de ville",
    "eligible": "éligible",
}

_SHARE_TOLERANCE = 1e-9


def _py(value: Any) -> Any:
    """A JSON-friendly Python scalar for a numpy scalar (ids, group values)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _plural(count: int | float, word: str) -> str:
    """French plural: 0 and 1 take the singular."""
    return word if abs(count) < 2 else word + "s"


def _format_share(share: float) -> str:
    """A share as a French percentage, e.g. 0.675 -> « 67,5 % »."""
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "\u00a0%"


def _join_fr(items: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


# --------------------------------------------------------------------------- constraints


def _check_count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ScoringError(f"{where} : un nombre entier positif ou nul est attendu, reçu {shown(value)}.")
    number = float(value)
    if not math.isfinite(number) or number != int(number) or number < 0:
        raise ScoringError(f"{where} : un nombre entier positif ou nul est attendu, reçu {shown(value)}.")
    return int(number)


def _check_share(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ScoringError(f"{where} : une part entre 0 et 1 est attendue, reçu {shown(value)}.")
    share = float(value)
    if not math.isfinite(share) or not 0.0 <= share <= 1.0:
        raise ScoringError(f"{where} : une part entre 0 et 1 est attendue, reçu {shown(value)}.")
    return share


def _check_mapping(raw: Any, key: str) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ScoringError(
            f"Contrainte « {key} » : un objet {{colonne: valeur}} est attendu, reçu {shown(raw)}."
        )
    for column in raw:
        if not isinstance(column, str) or not column:
            raise ScoringError(f"Contrainte « {key} » : nom de colonne invalide {shown(column)}.")
    return raw


def _check_ids(raw: Any, key: str) -> tuple[Hashable, ...]:
    if raw is None:
        return ()
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        raise ScoringError(f"Contrainte « {key} » : une liste d'identifiants est attendue, reçu {shown(raw)}.")
    items = list(raw)
    for item in items:
        if not isinstance(item, Hashable) or isinstance(item, (list, dict, set)):
            raise ScoringError(f"Contrainte « {key} » : identifiant invalide {shown(item)}.")
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class Constraints:
    """The jury's balance constraints; every field is optional.

    * ``min_per_group`` {column: k}: at least k selected in every group of
      the column that has an eligible member (e.g. ``{"region": 1}``);
    * ``max_per_group`` {column: k}: at most k selected in any group;
    * ``min_count`` {column: k}: at least k selected with attribute 1
      (e.g. ``{"overseas": 6}``);
    * ``min_share`` {column: s}: at least a share s (0..1) of the selection
      with attribute 1 (e.g. ``{"ti": 0.67}``);
    * ``force_in`` / ``force_out``: dossier ids the jury imposes / excludes;
    * ``labels`` {column: French name} for messages (defaults:
      `ATTRIBUTE_LABELS`, else the column name).
    """

    min_per_group: Mapping[str, int] = field(default_factory=dict)
    max_per_group: Mapping[str, int] = field(default_factory=dict)
    min_count: Mapping[str, int] = field(default_factory=dict)
    min_share: Mapping[str, float] = field(default_factory=dict)
    force_in: tuple[Hashable, ...] = ()
    force_out: tuple[Hashable, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key in ("min_per_group", "max_per_group", "min_count"):
            raw = _check_mapping(getattr(self, key), key)
            checked = {
                column: _check_count(value, f"Contrainte « {key} », colonne « {column} »")
                for column, value in raw.items()
            }
            object.__setattr__(self, key, checked)
        raw_share = _check_mapping(self.min_share, "min_share")
        object.__setattr__(
            self,
            "min_share",
            {
                column: _check_share(value, f"Contrainte « min_share », colonne « {column} »")
                for column, value in raw_share.items()
            },
        )
        object.__setattr__(self, "force_in", _check_ids(self.force_in, "force_in"))
        object.__setattr__(self, "force_out", _check_ids(self.force_out, "force_out"))
        labels = _check_mapping(self.labels, "labels")
        for column, label in labels.items():
            if not isinstance(label, str) or not label.strip():
                raise ScoringError(
                    f"Contrainte « labels », colonne « {column} » : un texte est attendu, reçu {shown(label)}."
                )
        object.__setattr__(self, "labels", dict(labels))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | Constraints | None) -> Constraints:
        """Validate the JSON structure (every key optional) and build `Constraints`."""
        if raw is None:
            return cls()
        if isinstance(raw, Constraints):
            return raw
        if not isinstance(raw, Mapping):
            raise ScoringError(
                f"Les contraintes doivent être un objet JSON, reçu {type(raw).__name__}."
            )
        unknown = [str(key) for key in raw if key not in CONSTRAINT_KEYS]
        if unknown:
            raise ScoringError(
                f"Contrainte inconnue : « {unknown[0]} » (permises : {', '.join(CONSTRAINT_KEYS)})."
            )
        return cls(**{key: raw[key] for key in CONSTRAINT_KEYS if key in raw and raw[key] is not None})

    def columns(self) -> set[str]:
        """Every attribute column the constraints refer to."""
        return (
            set(self.min_per_group)
            | set(self.max_per_group)
            | set(self.min_count)
            | set(self.min_share)
        )

    def label(self, column: str) -> str:
        """French name of an attribute column for messages."""
        return self.labels.get(column) or ATTRIBUTE_LABELS.get(column) or column

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_per_group": dict(self.min_per_group),
            "max_per_group": dict(self.max_per_group),
            "min_count": dict(self.min_count),
            "min_share": dict(self.min_share),
            "force_in": [_py(i) for i in self.force_in],
            "force_out": [_py(i) for i in self.force_out],
            "labels": dict(self.labels),
        }


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class _Group:
    """One constraint group: a row lo <= a.x <= hi, or a fixed variable."""

    key: dict[str, Any]
    label: str
    row: np.ndarray | None = None
    lo: float = -np.inf
    hi: float = np.inf
    fixed: int | None = None  # variable index for force_in / force_out
    fixed_value: float = 0.0
    # for explanations: which variables the group "favours" when tight
    members: np.ndarray | None = None


class _Model:
    """Eligible dossiers, objective and every constraint group; solves any subset."""

    def __init__(self, objective: np.ndarray, groups: list[_Group], top_mask: np.ndarray) -> None:
        self.objective = objective
        self.groups = groups
        self.top_mask = top_mask
        self.n = objective.shape[0]
        rows = [g.row for g in groups if g.row is not None]
        self.row_group = np.array([k for k, g in enumerate(groups) if g.row is not None], dtype=int)
        self.A = np.vstack(rows) if rows else np.zeros((0, self.n))
        self.lo = np.array([g.lo for g in groups if g.row is not None], dtype=float)
        self.hi = np.array([g.hi for g in groups if g.row is not None], dtype=float)
        # Shifted and scaled to [-1, 0] for HiGHS's tolerances: the shift is a
        # constant because every optimisation keeps the size constraint.
        span = float(objective.max() - objective.min()) if self.n else 0.0
        self.cost = -(objective - objective.min()) / (span if span > 0 else 1.0)

    def _bounds(self, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lb = np.zeros(self.n)
        ub = np.ones(self.n)
        for k, group in enumerate(self.groups):
            if active[k] and group.fixed is not None:
                if group.fixed_value > 0.5:
                    lb[group.fixed] = 1.0
                else:
                    ub[group.fixed] = 0.0
        return lb, ub

    def solve(self, active: np.ndarray, *, optimise: bool = True) -> np.ndarray | None:
        """Selection mask for the active groups, or None when infeasible.

        Forced dossiers are substituted out before calling HiGHS: with
        presolve off (ten times faster here), HiGHS 1.12 prints a debug line
        on stdout when a variable is fixed by its bounds.
        """
        lb, ub = self._bounds(active)
        if np.any(lb > ub):
            return None
        free = lb < ub
        fixed_x = lb > 0.5
        rows = active[self.row_group] if self.row_group.size else np.zeros(0, dtype=bool)
        A = self.A[rows]
        contribution = A[:, fixed_x].sum(axis=1)
        lo = self.lo[rows] - contribution
        hi = self.hi[rows] - contribution
        A = A[:, free]
        empty = ~np.any(A != 0, axis=1)
        if np.any(empty & ((lo > _SHARE_TOLERANCE) | (hi < -_SHARE_TOLERANCE))):
            return None
        A, lo, hi = A[~empty], lo[~empty], hi[~empty]
        x = fixed_x.copy()
        n_free = int(free.sum())
        if n_free:
            c = self.cost[free] if optimise else np.zeros(n_free)
            constraints = [LinearConstraint(A, lo, hi)] if A.shape[0] else []
            result = milp(
                c,
                integrality=np.ones(n_free, dtype=np.uint8),
                bounds=Bounds(np.zeros(n_free), np.ones(n_free)),
                constraints=constraints,
                options={"mip_rel_gap": 0.0, "presolve": False},
            )
            if result.status == 2:
                return None
            if result.x is None:
                raise ScoringError(f"Le solveur n'a pas abouti : {result.message}")
            x[free] = result.x > 0.5
        if optimise:
            x = self.polish(x, active)
        return x

    def polish(self, x: np.ndarray, active: np.ndarray) -> np.ndarray:
        """1-swap local search with exact comparisons, then ties towards the plain top N, then input order.

        A swap (i out, j in) is accepted when it keeps every active group
        satisfied and either raises the objective or, at equal objective,
        brings in a top-N dossier for one outside the top N or, both being
        on the same side of it, brings in a dossier earlier in the input
        than the one it replaces (so equal scores never leave the choice to
        the solver). The three criteria are lexicographically increasing
        (objective, top-N members, minus the sum of the selected
        positions), so the loop ends.
        """
        x = x.copy()
        lb, ub = self._bounds(active)
        rows = active[self.row_group] if self.row_group.size else np.zeros(0, dtype=bool)
        A = self.A[rows]
        lo = self.lo[rows] - _SHARE_TOLERANCE
        hi = self.hi[rows] + _SHARE_TOLERANCE
        for _ in range(4 * self.n + 1):
            out_idx = np.flatnonzero(x & (lb < 0.5))
            in_idx = np.flatnonzero(~x & (ub > 0.5))
            if out_idx.size == 0 or in_idx.size == 0:
                break
            gain = self.objective[in_idx][None, :] - self.objective[out_idx][:, None]
            tie_gain = self.top_mask[in_idx][None, :].astype(int) - self.top_mask[out_idx][:, None]
            order_gain = out_idx[:, None] - in_idx[None, :]  # > 0: the entering dossier comes first in the input
            better = (gain > 0) | ((gain == 0) & ((tie_gain > 0) | ((tie_gain == 0) & (order_gain > 0))))
            if not better.any():
                break
            if A.shape[0]:
                counts = A @ x.astype(float)
                for r in range(A.shape[0]):
                    new = counts[r] + A[r, in_idx][None, :] - A[r, out_idx][:, None]
                    better &= (new >= lo[r]) & (new <= hi[r])
                    if not better.any():
                        break
            if not better.any():
                break
            score = np.where(better, gain, -np.inf)
            best_gain = score.max()
            candidates = better & (score == best_gain)
            if best_gain == 0:
                candidates &= tie_gain == tie_gain[candidates].max()
                candidates &= order_gain == order_gain[candidates].max()
            a, b = np.argwhere(candidates)[0]
            x[out_idx[a]] = False
            x[in_idx[b]] = True
        return x

    def value(self, x: np.ndarray) -> float:
        return float(self.objective[x].sum())


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class ShortlistResult:
    """Outcome of `shortlist`, JSON-ready through `to_dict`.

    * ``feasible``: False when the constraints cannot hold together; then
      ``message`` names a minimal conflicting set (``conflict``, machine
      form) and ``selected``, ``swaps``, ``binding`` are empty, the
      objectives None;
    * ``selected``: chosen ids, best score first; ``top_n``: the plain top
      ``size`` eligible ids, best first;
    * ``swaps``: ``{"in", "out", "because", "constraints"}`` pairs turning
      ``top_n`` into ``selected``;
    * ``binding``: constraint groups whose removal improves the objective
      (machine form plus French ``label`` and ``cost``);
    * ``constraints``: every constraint group with its achieved ``value``,
      ``slack``, ``tight``, ``cost`` and ``binding``;
    * ``objective``: total score of the selection; ``top_n_objective``: of
      the plain top N; ``objective_lost``: how much worse the selection's
      total is than the top N's (>= 0, in score units, whatever the
      direction).
    """

    feasible: bool
    message: str
    size: int
    higher_is_better: bool
    selected: tuple[Hashable, ...]
    top_n: tuple[Hashable, ...]
    swaps: tuple[dict[str, Any], ...]
    binding: tuple[dict[str, Any], ...]
    constraints: tuple[dict[str, Any], ...]
    conflict: tuple[dict[str, Any], ...]
    objective: float | None
    top_n_objective: float
    objective_lost: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "message": self.message,
            "size": self.size,
            "higher_is_better": self.higher_is_better,
            "selected": [_py(i) for i in self.selected],
            "top_n": [_py(i) for i in self.top_n],
            "swaps": [dict(s) for s in self.swaps],
            "binding": [dict(b) for b in self.binding],
            "constraints": [dict(c) for c in self.constraints],
            "conflict": [dict(c) for c in self.conflict],
            "objective": self.objective,
            "top_n_objective": self.top_n_objective,
            "objective_lost": self.objective_lost,
        }


# --------------------------------------------------------------------------- validation


def _validate_scores(scores: pd.Series) -> pd.Series:
    if not isinstance(scores, pd.Series):
        raise ScoringError(f"Les scores doivent être une série pandas, reçu {type(scores).__name__}.")
    if scores.empty:
        raise ScoringError("Aucun score : la série des scores est vide.")
    if scores.index.has_duplicates:
        dup = scores.index[scores.index.duplicated()].unique()[:5]
        raise ScoringError(f"Identifiants en double dans les scores : {', '.join(map(str, dup))}.")
    values = pd.to_numeric(scores, errors="coerce").astype(float)
    bad = values.index[~np.isfinite(values.to_numpy())]
    if len(bad):
        raise ScoringError(
            "Score manquant ou non numérique pour le dossier : "
            + ", ".join(f"{i} ({shown(scores[i])})" for i in bad[:5])
            + ("…" if len(bad) > 5 else "")
            + "."
        )
    return values


def _binary_column(attributes: pd.DataFrame, column: str, label: str) -> np.ndarray:
    """A 0/1 attribute column as a bool array; anything else is a French error naming the row."""
    raw = attributes[column]
    if pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
    else:
        numeric = pd.to_numeric(raw, errors="coerce")
        values = numeric.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        where = np.flatnonzero(bad)[:5]
        found = ", ".join(f"{attributes.index[i]} ({shown(raw.iloc[i])})" for i in where)
        raise ScoringError(
            f"Colonne « {column} » ({label}) : 0 ou 1 attendu, reçu pour le dossier {found}."
        )
    flags: np.ndarray = values == 1.0
    return flags


def _resolve_ids(ids: Sequence[Hashable], index: pd.Index, key: str) -> list[Hashable]:
    """Map the ids of a force list onto the score index (exact, else by their text)."""
    by_text: dict[str, list[Hashable]] = {}
    for item in index:
        by_text.setdefault(str(item), []).append(item)
    resolved: list[Hashable] = []
    unknown: list[str] = []
    for item in ids:
        if item in index:
            resolved.append(item)
        elif len(by_text.get(str(item), [])) == 1:
            resolved.append(by_text[str(item)][0])
        else:
            unknown.append(str(item))
    if unknown:
        raise ScoringError(
            f"Contrainte « {key} » : dossier inconnu {', '.join(f'« {u} »' for u in unknown[:5])}."
        )
    return list(dict.fromkeys(resolved))


@dataclass(frozen=True)
class _Problem:
    """A validated shortlist problem, restricted to the eligible dossiers (input order)."""

    size: int
    higher_is_better: bool
    constraints: Constraints
    ids: pd.Index  # eligible dossier ids
    scores: np.ndarray  # their scores as given
    objective: np.ndarray  # scores, negated when lower is better
    attributes: pd.DataFrame  # their attribute rows
    top_positions: np.ndarray  # positions of the plain top N, best first
    force_in: list[Hashable]
    force_out: list[Hashable]
    scale: float  # largest |score| of every dossier, for the tolerances

    @property
    def sign(self) -> float:
        """1 when higher is better, -1 when lower is better."""
        return 1.0 if self.higher_is_better else -1.0


def _checked_attributes(attributes: pd.DataFrame, values: pd.Series, cons: Constraints) -> pd.DataFrame:
    """The attribute rows of the scored dossiers, in score order, with every constrained column."""
    if not isinstance(attributes, pd.DataFrame):
        raise ScoringError(
            f"Les attributs doivent être un tableau pandas, reçu {type(attributes).__name__}."
        )
    if attributes.index.has_duplicates:
        dup = attributes.index[attributes.index.duplicated()].unique()[:5]
        raise ScoringError(f"Identifiants en double dans les attributs : {', '.join(map(str, dup))}.")
    missing = values.index.difference(attributes.index, sort=False)
    if len(missing):
        raise ScoringError(
            "Attributs manquants pour le dossier : "
            + ", ".join(map(str, missing[:5]))
            + ("…" if len(missing) > 5 else "")
            + "."
        )
    attrs = attributes.loc[values.index]
    unknown_columns = sorted(cons.columns() - set(map(str, attrs.columns)))
    if unknown_columns:
        raise ScoringError(
            f"Colonne d'attribut inconnue : « {unknown_columns[0]} » "
            f"(colonnes disponibles : {', '.join(map(str, attrs.columns)) or 'aucune'})."
        )
    return attrs


def _checked_size(value: Any, n_eligible: int) -> int:
    """The selection size as an int between 1 and the number of eligible dossiers."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ScoringError(f"La taille de la sélection doit être un nombre entier, reçu {shown(value)}.")
    size = int(value)
    if size <= 0:
        raise ScoringError(f"La taille de la sélection doit être au moins 1, reçu {size}.")
    if size > n_eligible:
        raise ScoringError(
            f"La taille de la sélection ({size}) dépasse le nombre de dossiers éligibles ({n_eligible})."
        )
    return size


def _checked_forced(
    cons: Constraints, index: pd.Index, eligible: np.ndarray
) -> tuple[list[Hashable], list[Hashable]]:
    """The forced-in and forced-out ids mapped onto the score index; an ineligible forced-in id is an error."""
    force_in = _resolve_ids(cons.force_in, index, "force_in")
    force_out = _resolve_ids(cons.force_out, index, "force_out")
    ineligible_forced = [i for i in force_in if not eligible[index.get_loc(i)]]
    if ineligible_forced:
        raise ScoringError(
            "Contrainte « force_in » : le dossier "
            + ", ".join(f"« {i} »" for i in ineligible_forced[:5])
            + " est inéligible et ne peut pas être imposé."
        )
    return force_in, force_out


def _prepare_problem(
    scores: pd.Series,
    attributes: pd.DataFrame,
    size: Any,
    constraints: Mapping[str, Any] | Constraints | None,
    higher_is_better: bool,
) -> _Problem:
    """Validate the input of `shortlist` (French `ScoringError` on bad input) and keep the eligible dossiers."""
    values = _validate_scores(scores)
    cons = Constraints.from_dict(constraints)
    attrs = _checked_attributes(attributes, values, cons)
    if "eligible" in attrs.columns:
        eligible = _binary_column(attrs, "eligible", cons.label("eligible"))
    else:
        eligible = np.ones(len(values), dtype=bool)
    checked_size = _checked_size(size, int(eligible.sum()))
    force_in, force_out = _checked_forced(cons, values.index, eligible)
    ids = values.index[eligible]
    sign = 1.0 if higher_is_better else -1.0
    eligible_scores = values.to_numpy()[eligible]
    objective = sign * eligible_scores
    # Plain top N: best objective first, ties in input order.
    top_positions = np.argsort(-objective, kind="stable")[:checked_size]
    return _Problem(
        size=checked_size,
        higher_is_better=higher_is_better,
        constraints=cons,
        ids=ids,
        scores=eligible_scores,
        objective=objective,
        attributes=attrs.loc[ids],
        top_positions=top_positions,
        force_in=force_in,
        force_out=force_out,
        scale=float(values.abs().max()) if len(values) else 1.0,
    )


# --------------------------------------------------------------------------- constraint groups


def _size_group(size: int, n: int) -> _Group:
    """Exactly ``size`` dossiers selected."""
    return _Group(
        key={"type": "size", "bound": size},
        label=f"taille de la sélection : {size} {_plural(size, 'dossier')}",
        row=np.ones(n),
        lo=float(size),
        hi=float(size),
    )


def _per_group_groups(kind: str, column: str, bound: int, problem: _Problem) -> list[_Group]:
    """One minimum (``min_per_group``) or maximum (``max_per_group``) group per value of the column, by label."""
    raw = problem.attributes[column]
    present = raw.notna().to_numpy()
    codes, uniques = pd.factorize(raw, sort=False)
    labels = [str(_py(u)) for u in uniques]
    onehot = codes[None, :] == np.arange(len(uniques))[:, None]
    is_min = kind == "min_per_group"
    word = "au moins" if is_min else "au plus"
    name = problem.constraints.label(column)
    groups: list[_Group] = []
    for g in sorted(range(len(uniques)), key=lambda k: labels[k]):
        row = (onehot[g] & present).astype(float)
        groups.append(
            _Group(
                key={"type": kind, "column": column, "group": _py(uniques[g]), "bound": bound},
                label=f"{word} {bound} {_plural(bound, 'dossier')} par {name} : {labels[g]}",
                row=row,
                lo=float(bound) if is_min else -np.inf,
                hi=np.inf if is_min else float(bound),
                members=row > 0,
            )
        )
    return groups


def _count_group(column: str, bound: int, problem: _Problem) -> _Group:
    """At least ``bound`` selected dossiers with attribute 1."""
    name = problem.constraints.label(column)
    flag = _binary_column(problem.attributes, column, name)
    return _Group(
        key={"type": "min_count", "column": column, "bound": bound},
        label=f"au moins {bound} {_plural(bound, 'dossier')} : {name}",
        row=flag.astype(float),
        lo=float(bound),
        members=flag,
    )


def _share_group(column: str, share: float, problem: _Problem) -> _Group:
    """At least a share ``share`` of the selection with attribute 1: sum_i (a_i - s) x_i >= 0."""
    name = problem.constraints.label(column)
    flag = _binary_column(problem.attributes, column, name)
    return _Group(
        key={"type": "min_share", "column": column, "bound": share},
        label=f"au moins {_format_share(share)} des dossiers : {name}",
        row=flag.astype(float) - share,
        lo=-_SHARE_TOLERANCE,
        members=flag,
    )


def _forced_groups(problem: _Problem) -> list[_Group]:
    """One fixed variable per forced-in dossier, then per eligible forced-out dossier."""
    position = {item: k for k, item in enumerate(problem.ids)}
    groups = [
        _Group(
            key={"type": "force_in", "id": _py(item)},
            label=f"dossier imposé : {item}",
            fixed=position[item],
            fixed_value=1.0,
        )
        for item in problem.force_in
    ]
    groups.extend(
        _Group(
            key={"type": "force_out", "id": _py(item)},
            label=f"dossier écarté : {item}",
            fixed=position[item],
            fixed_value=0.0,
        )
        for item in problem.force_out
        if item in position  # ineligible: already out, nothing to force
    )
    return groups


def _constraint_groups(problem: _Problem) -> list[_Group]:
    """Every constraint group: size, per-group minimums and maximums, counts, shares, forced dossiers."""
    cons = problem.constraints
    groups = [_size_group(problem.size, len(problem.ids))]
    for kind, bounds in (("min_per_group", cons.min_per_group), ("max_per_group", cons.max_per_group)):
        for column, bound in bounds.items():
            if kind == "min_per_group" and bound == 0:
                continue
            groups.extend(_per_group_groups(kind, column, bound, problem))
    groups.extend(_count_group(column, bound, problem) for column, bound in cons.min_count.items())
    groups.extend(_share_group(column, share, problem) for column, share in cons.min_share.items())
    groups.extend(_forced_groups(problem))
    return groups


def _build_model(problem: _Problem) -> _Model:
    """The integer programme of the problem: its objective, constraint groups and plain top N."""
    top_mask = np.zeros(len(problem.ids), dtype=bool)
    top_mask[problem.top_positions] = True
    return _Model(problem.objective, _constraint_groups(problem), top_mask)


# --------------------------------------------------------------------------- main entry


def shortlist(
    scores: pd.Series,
    attributes: pd.DataFrame,
    size: int,
    constraints: Mapping[str, Any] | Constraints | None = None,
    *,
    higher_is_better: bool = True,
) -> ShortlistResult:
    """Choose ``size`` dossiers maximising the total score under the constraints.

    ``scores`` is indexed by dossier id; ``attributes`` is indexed by the same
    ids (extra rows are ignored) with the columns the constraints name and
    optionally ``eligible`` (0/1; absent: every dossier is eligible).
    ``higher_is_better=False`` (VIKOR Q) minimises the total instead.
    Bad input raises `ScoringError` (French, naming the value); constraints
    that cannot hold together return ``feasible=False`` with a message naming
    a minimal conflicting set. See the module docstring for the model and
    how swaps and binding constraints are explained.
    """
    problem = _prepare_problem(scores, attributes, size, constraints, higher_is_better)
    model = _build_model(problem)
    x = model.solve(np.ones(len(model.groups), dtype=bool))
    if x is None:
        return _infeasible_result(problem, model)
    return _feasible_result(problem, model, x)


# --------------------------------------------------------------------------- explanations


def _top_n_objective(problem: _Problem) -> float:
    """Total score of the plain top N."""
    return float(problem.scores[problem.top_positions].sum())


def _infeasible_result(problem: _Problem, model: _Model) -> ShortlistResult:
    """The result when the constraints cannot hold together: a minimal conflicting set, named in French."""
    groups = model.groups
    conflict = _deletion_filter(model)
    labels_fr = [f"« {groups[k].label} »" for k in conflict]
    message = (
        "Contraintes incompatibles : aucune sélection ne peut respecter ensemble "
        + _join_fr(labels_fr)
        + ". Assouplissez ou retirez l'une d'elles."
    )
    return ShortlistResult(
        feasible=False,
        message=message,
        size=problem.size,
        higher_is_better=problem.higher_is_better,
        selected=(),
        top_n=tuple(problem.ids[problem.top_positions]),
        swaps=(),
        binding=(),
        constraints=(),
        conflict=tuple({**groups[k].key, "label": groups[k].label} for k in conflict),
        objective=None,
        top_n_objective=_top_n_objective(problem),
        objective_lost=None,
    )


def _deletion_filter(model: _Model) -> list[int]:
    """Indices of a minimal infeasible set of groups (deletion filter, in group order).

    Each group is tentatively removed; if what remains is still infeasible
    the group is dropped for good, otherwise it is necessary and kept. The
    result is infeasible and removing any single member makes it feasible.
    """
    active = np.ones(len(model.groups), dtype=bool)
    for k in range(len(model.groups)):
        active[k] = False
        if model.solve(active, optimise=False) is not None:
            active[k] = True
    return [int(k) for k in np.flatnonzero(active)]


def _achieved(group: _Group, x: np.ndarray, top_mask: np.ndarray, size: int) -> dict[str, int]:
    """What a group reaches in the selection and in the plain top N, and its slack."""
    if group.row is None:
        assert group.fixed is not None  # a group without a row fixes a variable
        return {"value": int(x[group.fixed]), "top_n_value": int(top_mask[group.fixed]), "slack": 0}
    value = float(group.row @ x.astype(float))
    top_value = float(group.row @ top_mask.astype(float))
    kind = group.key["type"]
    if kind == "min_share":
        assert group.members is not None  # share groups always carry their members
        count = float(group.members[x].sum())
        needed = math.ceil(group.key["bound"] * size - _SHARE_TOLERANCE)
        return {"value": int(count), "top_n_value": int(group.members[top_mask].sum()), "slack": int(count) - needed}
    slack = group.hi - value if kind == "max_per_group" else value - group.lo
    return {"value": round(value), "top_n_value": round(top_value), "slack": round(slack)}


def _constraint_report(
    model: _Model, x: np.ndarray, size: int, tolerance: float
) -> tuple[list[dict[str, Any]], dict[int, np.ndarray]]:
    """Every group with its value, slack, cost and binding flag, and the selections without each group.

    The second item maps a group to the optimal selection once it is removed,
    for the groups whose removal changes the selection (or improves it).
    """
    best = model.value(x)
    report: list[dict[str, Any]] = []
    without: dict[int, np.ndarray] = {}
    for k, group in enumerate(model.groups):
        entry: dict[str, Any] = {**group.key, "label": group.label}
        entry.update(_achieved(group, x, model.top_mask, size))
        entry["tight"] = entry["slack"] == 0
        if group.key["type"] == "size":
            entry.update(cost=0.0, binding=False)
        else:
            active = np.ones(len(model.groups), dtype=bool)
            active[k] = False
            relaxed = model.solve(active)
            if relaxed is None:  # cannot happen: a relaxation of a feasible problem
                raise RuntimeError("relaxed shortlist problem reported infeasible")
            cost = max(0.0, model.value(relaxed) - best)
            entry.update(cost=cost, binding=cost > tolerance)
            if entry["binding"] or not np.array_equal(relaxed, x):
                without[k] = relaxed
        report.append(entry)
    return report, without


def _selection_message(size: int, n_swaps: int, any_binding: bool, lost: float, tolerance: float) -> str:
    """The French summary of a feasible selection."""
    if not n_swaps:
        return (
            f"Sélection de {size} {_plural(size, 'dossier')} : "
            f"les {size} premiers respectent toutes les contraintes."
        )
    message = (
        f"Sélection de {size} {_plural(size, 'dossier')} : {n_swaps} "
        f"{_plural(n_swaps, 'échange')} par rapport aux {size} premiers, imposé"
        f"{'s' if n_swaps > 1 else ''} par les contraintes."
    )
    if not any_binding and lost > tolerance:
        message += (
            " Aucune contrainte ne coûte à elle seule : c'est leur combinaison qui impose "
            f"{'ces échanges' if n_swaps > 1 else 'cet échange'}."
        )
    return message


def _feasible_result(problem: _Problem, model: _Model, x: np.ndarray) -> ShortlistResult:
    """The result for the optimal selection ``x``: constraint report, swaps, binding groups and message."""
    size = problem.size
    tolerance = 1e-9 * max(1.0, problem.scale) * size
    report, without = _constraint_report(model, x, size, tolerance)
    swaps = _explain_swaps(model, x, without, report, problem.ids)
    order_sel = np.flatnonzero(x)[np.argsort(-problem.objective[x], kind="stable")]
    top_total = _top_n_objective(problem)
    total = float(problem.scores[x].sum())
    lost = max(0.0, problem.sign * (top_total - total))
    binding = tuple(sorted((e for e in report if e["binding"]), key=lambda e: -e["cost"]))
    return ShortlistResult(
        feasible=True,
        message=_selection_message(size, len(swaps), bool(binding), lost, tolerance),
        size=size,
        higher_is_better=problem.higher_is_better,
        selected=tuple(problem.ids[order_sel]),
        top_n=tuple(problem.ids[problem.top_positions]),
        swaps=tuple(swaps),
        binding=binding,
        constraints=tuple(report),
        conflict=(),
        objective=total,
        top_n_objective=top_total,
        objective_lost=lost,
    )


def _pair_swaps(
    model: _Model,
    x: np.ndarray,
    without: Mapping[int, np.ndarray],
    report: Sequence[dict[str, Any]],
    by_cost: Sequence[int],
) -> list[tuple[int, int, list[int]]]:
    """Pair every entered dossier with a dropped one and the groups that cause the pair (see the module docstring)."""
    objective = model.objective
    entered = [int(i) for i in np.flatnonzero(x & ~model.top_mask)]
    dropped = [int(j) for j in np.flatnonzero(~x & model.top_mask)]
    entered.sort(key=lambda i: -objective[i])  # best entered first
    dropped.sort(key=lambda j: objective[j])  # weakest dropped first
    cause_in = {i: [k for k in by_cost if not without[k][i]] for i in entered}
    cause_out = {j: [k for k in by_cost if without[k][j]] for j in dropped}
    pairs: list[tuple[int, int, list[int]]] = []
    free_in = list(entered)
    free_out = list(dropped)
    for k in by_cost:
        ins = [i for i in free_in if k in cause_in[i]]
        outs = [j for j in free_out if k in cause_out[j]]
        for i, j in zip(ins, outs, strict=False):  # as many pairs as the shorter side allows
            pairs.append((i, j, [k]))
            free_in.remove(i)
            free_out.remove(j)
    for i in [i for i in free_in if cause_in[i]]:
        # prefer a dropped dossier with a cause of its own: both are named
        with_cause = [j for j in free_out if cause_out[j]]
        j = with_cause[0] if with_cause else free_out[0]
        free_out.remove(j)
        free_in.remove(i)
        pairs.append((i, j, list(dict.fromkeys([cause_in[i][0], *cause_out[j][:1]]))))
    for j in [j for j in free_out if cause_out[j]]:
        i = free_in.pop(0)
        free_out.remove(j)
        pairs.append((i, j, cause_out[j][:1]))
    # as many entered as dropped dossiers: the selection and the top N have the same size
    for i, j in zip(list(free_in), list(free_out), strict=True):
        found = (_tight_group_for(model, i, report), _holding_group_for(model, j, report))
        causes = [k for k in found if k is not None]
        pairs.append((i, j, causes))
    return pairs


def _explain_swaps(
    model: _Model,
    x: np.ndarray,
    without: Mapping[int, np.ndarray],
    report: Sequence[dict[str, Any]],
    ids: pd.Index,
) -> list[dict[str, Any]]:
    """Pair entered and dropped dossiers and name the constraint behind each pair."""
    by_cost = sorted(without, key=lambda k: -report[k]["cost"])
    pairs = _pair_swaps(model, x, without, report, by_cost)
    swaps: list[dict[str, Any]] = []
    binding_labels = [report[k]["label"] for k in by_cost if report[k]["binding"]]
    for i, j, causes in sorted(pairs, key=lambda p: -model.objective[p[0]]):
        if causes:
            because = " ; ".join(report[k]["label"] for k in causes)
        else:
            because = "effet conjoint des contraintes" + (
                " : " + " ; ".join(binding_labels) if binding_labels else ""
            )
        constraints = [
            {key: value for key, value in report[k].items() if key in ("type", "column", "group", "bound", "id")}
            for k in causes
        ]
        swaps.append({"in": _py(ids[i]), "out": _py(ids[j]), "because": because, "constraints": constraints})
    return swaps


def _holding_group_for(model: _Model, j: int, report: Sequence[dict[str, Any]]) -> int | None:
    """The group that keeps the dropped dossier j out: its force_out, else a full maximum group."""
    best: int | None = None
    for k, group in enumerate(model.groups):
        kind = group.key["type"]
        if kind == "force_out" and group.fixed == j:
            return k
        if (
            kind == "max_per_group"
            and report[k]["tight"]
            and group.members is not None
            and group.members[j]
            and (best is None or report[k]["cost"] > report[best]["cost"])
        ):
            best = k
    return best


def _tight_group_for(model: _Model, i: int, report: Sequence[dict[str, Any]]) -> int | None:
    """The most costly tight lower-bound group the entered dossier i helps satisfy, if any."""
    best: int | None = None
    for k, group in enumerate(model.groups):
        entry = report[k]
        if not entry["tight"] or group.members is None or not group.members[i]:
            continue
        if group.key["type"] not in ("min_per_group", "min_count", "min_share"):
            continue
        if best is None or entry["cost"] > report[best]["cost"]:
            best = k
    return best
