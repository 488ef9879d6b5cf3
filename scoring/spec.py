"""Typed ranking specification and its JSON mapping.

This module owns the `Spec` object (method, criteria with direction, weight and
PROMETHEE preference function, method parameters) and `parse_spec`, which
validates the JSON structure of the CLI and the dashboard::

    {"method": "wsm | wpm | topsis | vikor | promethee2",
     "criteria": [{"id": "C1", "direction": "max | min", "weight": 0.25,
                   "preference": {"function": "usual | linear | vshape",
                                  "q": 0.0, "p": 1.0}}],
     "params": {"v": 0.5, "missing": "error | worst | mean"}}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

import numpy as np

from scoring.errors import ScoringError, shown
from scoring.normalise import binary_exponents

__all__ = [
    "METHODS",
    "MISSING_POLICIES",
    "PREFERENCE_FUNCTIONS",
    "CriterionSpec",
    "Direction",
    "Preference",
    "Spec",
    "parse_spec",
]

METHODS: tuple[str, ...] = ("wsm", "wpm", "topsis", "vikor", "promethee2")
MISSING_POLICIES: tuple[str, ...] = ("error", "worst", "mean")
PREFERENCE_FUNCTIONS: tuple[str, ...] = ("usual", "linear", "vshape")


class Direction(Enum):
    """Whether a criterion is to be maximised or minimised."""

    MAX = "max"
    MIN = "min"


def _finite_number(value: Any, what: str) -> float:
    """Return `value` as a finite float, or raise a French ScoringError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ScoringError(f"{what} doit être un nombre, reçu {shown(value)}.")
    number = float(value)
    if not math.isfinite(number):
        raise ScoringError(f"{what} doit être un nombre fini, reçu {shown(value)}.")
    return number


@dataclass(frozen=True)
class Preference:
    """PROMETHEE preference function of one criterion.

    ``usual``: P = [d > 0]. ``linear`` (type V): 0 if d <= q, (d-q)/(p-q) if
    q < d <= p, 1 beyond p. ``vshape`` (type III): d/p on 0 < d <= p, 1 beyond
    (q is ignored). Requires 0 <= q, and q < p for linear, p > 0 for vshape.
    """

    function: Literal["usual", "linear", "vshape"] = "usual"
    q: float = 0.0
    p: float = 1.0

    def __post_init__(self) -> None:
        if self.function not in PREFERENCE_FUNCTIONS:
            raise ScoringError(
                f"Fonction de préférence inconnue : {shown(self.function)} "
                f"(attendu : {', '.join(PREFERENCE_FUNCTIONS)})."
            )
        q = _finite_number(self.q, "Le seuil d'indifférence « q »")
        p = _finite_number(self.p, "Le seuil de préférence « p »")
        if q < 0:
            raise ScoringError(f"Le seuil d'indifférence « q » doit être positif ou nul, reçu {shown(q)}.")
        if self.function == "linear" and not p > q:
            raise ScoringError(
                f"Fonction « linear » : le seuil de préférence p ({shown(p)}) doit être "
                f"strictement supérieur au seuil d'indifférence q ({shown(q)})."
            )
        if self.function == "vshape" and not p > 0:
            raise ScoringError(
                f"Fonction « vshape » : le seuil de préférence p doit être strictement positif, reçu {shown(p)}."
            )
        object.__setattr__(self, "q", q)
        object.__setattr__(self, "p", p)

    def to_dict(self) -> dict[str, Any]:
        return {"function": self.function, "q": self.q, "p": self.p}


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion: its id (a matrix column), direction, raw weight, preference."""

    id: str
    direction: Direction
    weight: float
    preference: Preference = field(default_factory=Preference)

    def __post_init__(self) -> None:
        identifier: object = self.id  # a dataclass does not check its field types
        if not isinstance(identifier, str) or not identifier:
            raise ScoringError(f"L'identifiant d'un critère doit être un texte non vide, reçu {shown(self.id)}.")
        if not isinstance(self.direction, Direction):
            raise ScoringError(
                f"Critère « {self.id} » : direction invalide {shown(self.direction)} (attendu : max ou min)."
            )
        weight = _finite_number(self.weight, f"Critère « {self.id} » : le poids")
        if weight < 0:
            raise ScoringError(f"Critère « {self.id} » : le poids doit être positif ou nul, reçu {shown(weight)}.")
        object.__setattr__(self, "weight", weight)
        if not isinstance(self.preference, Preference):
            raise ScoringError(f"Critère « {self.id} » : préférence invalide {shown(self.preference)}.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "direction": self.direction.value,
            "weight": self.weight,
            "preference": self.preference.to_dict(),
        }


@dataclass(frozen=True)
class Spec:
    """A ranking request: method, criteria (in matrix column order) and parameters.

    ``v`` is VIKOR's weight of the group utility S (0 <= v <= 1). ``missing``
    says how missing cells are handled: ``error`` (default), ``worst`` (worst
    observed value of the column given its direction) or ``mean``.
    """

    method: str
    criteria: tuple[CriterionSpec, ...]
    v: float = 0.5
    missing: str = "error"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ScoringError(
                f"Méthode inconnue : {shown(self.method)} (attendu : {', '.join(METHODS)})."
            )
        criteria = tuple(self.criteria)
        if not criteria:
            raise ScoringError("La spécification doit contenir au moins un critère.")
        seen: set[str] = set()
        for criterion in criteria:
            if not isinstance(criterion, CriterionSpec):
                raise ScoringError(f"Critère invalide : {shown(criterion)}.")
            if criterion.id in seen:
                raise ScoringError(f"Le critère « {criterion.id} » apparaît deux fois.")
            seen.add(criterion.id)
        object.__setattr__(self, "criteria", criteria)
        v = _finite_number(self.v, "Le paramètre « v »")
        if not 0.0 <= v <= 1.0:
            raise ScoringError(f"Le paramètre « v » doit être compris entre 0 et 1, reçu {shown(v)}.")
        object.__setattr__(self, "v", v)
        if self.missing not in MISSING_POLICIES:
            raise ScoringError(
                f"Valeur de « missing » inconnue : {shown(self.missing)} "
                f"(attendu : {', '.join(MISSING_POLICIES)})."
            )

    @property
    def ids(self) -> list[str]:
        """Criterion ids in spec order."""
        return [c.id for c in self.criteria]

    @property
    def raw_weights(self) -> np.ndarray:
        """Weights as given, not normalised."""
        return np.array([c.weight for c in self.criteria], dtype=float)

    @property
    def weights(self) -> np.ndarray:
        """Weights normalised to sum 1; a zero total raises ScoringError.

        The raw weights are first divided by a power of two near the largest
        (exact), so that a total of weights near 1.8e308 does not overflow.
        """
        raw = self.raw_weights
        raw = np.ldexp(raw, -binary_exponents(raw.max(initial=0.0)))
        total = raw.sum()
        if not total > 0:
            raise ScoringError("La somme des poids est nulle : donnez un poids positif à au moins un critère.")
        normalised: np.ndarray = raw / total
        return normalised

    @property
    def maximise(self) -> np.ndarray:
        """Boolean array, True where the criterion is to be maximised."""
        return np.array([c.direction is Direction.MAX for c in self.criteria], dtype=bool)

    def with_weights(self, w: Mapping[str, float] | np.ndarray) -> Spec:
        """Return a copy with new raw weights (a mapping by id, or an array in spec order)."""
        if isinstance(w, Mapping):
            unknown = sorted(set(map(str, w)) - set(self.ids))
            if unknown:
                raise ScoringError(f"Poids donné pour un critère inconnu : {', '.join(unknown)}.")
            missing = [cid for cid in self.ids if cid not in w]
            if missing:
                raise ScoringError(f"Poids manquant pour le critère : {', '.join(missing)}.")
            values = [w[cid] for cid in self.ids]
        else:
            array = np.asarray(w, dtype=float)
            if array.shape != (len(self.criteria),):
                raise ScoringError(
                    f"Le vecteur de poids doit avoir {len(self.criteria)} valeurs, reçu la forme {array.shape}."
                )
            values = array.tolist()
        criteria = tuple(
            CriterionSpec(c.id, c.direction, float(value), c.preference)
            for c, value in zip(self.criteria, values, strict=True)
        )
        return Spec(self.method, criteria, self.v, self.missing)

    def to_dict(self) -> dict[str, Any]:
        """The JSON structure accepted by `parse_spec`."""
        return {
            "method": self.method,
            "criteria": [c.to_dict() for c in self.criteria],
            "params": {"v": self.v, "missing": self.missing},
        }


def _check_keys(obj: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in obj if k not in allowed)
    if unknown:
        raise ScoringError(
            f"{where} : clé inconnue « {unknown[0]} » (clés permises : {', '.join(sorted(allowed))})."
        )


def _parse_preference(raw: Any, where: str) -> Preference:
    if raw is None:
        return Preference()
    if not isinstance(raw, Mapping):
        raise ScoringError(f"{where} : « preference » doit être un objet, reçu {shown(raw)}.")
    _check_keys(raw, {"function", "q", "p"}, f"{where}, « preference »")
    function = raw.get("function", "usual")
    if function not in PREFERENCE_FUNCTIONS:
        raise ScoringError(
            f"{where} : « preference.function » inconnue {shown(function)} "
            f"(attendu : {', '.join(PREFERENCE_FUNCTIONS)})."
        )
    q = _finite_number(raw.get("q", 0.0), f"{where} : « preference.q »")
    p = _finite_number(raw.get("p", 1.0), f"{where} : « preference.p »")
    try:
        return Preference(function, q, p)
    except ScoringError as error:
        raise ScoringError(f"{where} : {error}") from error


def _parse_criterion(raw: Any, index: int) -> CriterionSpec:
    where = f"Critère n° {index + 1}"
    if not isinstance(raw, Mapping):
        raise ScoringError(f"{where} : un objet est attendu, reçu {shown(raw)}.")
    _check_keys(raw, {"id", "direction", "weight", "preference"}, where)
    if "id" not in raw:
        raise ScoringError(f"{where} : la clé « id » est obligatoire.")
    cid = raw["id"]
    if not isinstance(cid, str) or not cid.strip():
        raise ScoringError(f"{where} : « id » doit être un texte non vide, reçu {shown(cid)}.")
    where = f"Critère « {cid} »"
    direction = raw.get("direction")
    if direction not in ("max", "min"):
        raise ScoringError(f"{where} : « direction » doit valoir « max » ou « min », reçu {shown(direction)}.")
    if "weight" not in raw:
        raise ScoringError(f"{where} : la clé « weight » est obligatoire.")
    weight = _finite_number(raw["weight"], f"{where} : « weight »")
    if weight < 0:
        raise ScoringError(f"{where} : « weight » doit être positif ou nul, reçu {shown(raw['weight'])}.")
    preference = _parse_preference(raw.get("preference"), where)
    return CriterionSpec(cid, Direction(direction), weight, preference)


def parse_spec(spec: Mapping[str, Any] | Spec) -> Spec:
    """Validate the JSON structure (or pass a `Spec` through) and return a `Spec`.

    Errors are French and name the offending key and value.
    """
    if isinstance(spec, Spec):
        return spec
    if not isinstance(spec, Mapping):
        raise ScoringError(f"La spécification doit être un objet JSON, reçu {type(spec).__name__}.")
    _check_keys(spec, {"method", "criteria", "params"}, "Spécification")
    method = spec.get("method")
    if method not in METHODS:
        raise ScoringError(f"« method » inconnue : {shown(method)} (attendu : {', '.join(METHODS)}).")
    raw_criteria = spec.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise ScoringError(f"« criteria » doit être une liste non vide de critères, reçu {shown(raw_criteria)}.")
    criteria = tuple(_parse_criterion(raw, i) for i, raw in enumerate(raw_criteria))
    params = spec.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ScoringError(f"« params » doit être un objet, reçu {shown(params)}.")
    _check_keys(params, {"v", "missing"}, "« params »")
    v = _finite_number(params.get("v", 0.5), "« params.v »")
    if not 0.0 <= v <= 1.0:
        raise ScoringError(f"« params.v » doit être compris entre 0 et 1, reçu {shown(params.get('v'))}.")
    missing = params.get("missing", "error")
    if missing not in MISSING_POLICIES:
        raise ScoringError(
            f"« params.missing » inconnu : {shown(missing)} (attendu : {', '.join(MISSING_POLICIES)})."
        )
    return Spec(method, criteria, v, missing)
