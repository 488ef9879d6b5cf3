"""The AHP grid of /ponderation and of the workbook, without Streamlit.

The page keeps the jury's judgements as the upper triangle of each matrix on
Saaty's 1–9 scale (« A|B » → « 3 », « 1/3 »), in the profile's weighting:

- flat (``weighting["structure"] == "plat"``, and every AHP profile saved
  before the hierarchy, which has no ``structure``): one matrix over all the
  enabled criteria, ``weighting["pairwise"]``;
- by groups (``"groupes"``, the default for a new AHP profile; Saaty's
  hierarchic composition): the criterion groups compared with each other
  (``weighting["group_pairwise"]``), then the criteria within each group
  (``weighting["pairwise"]``); `blocks` lists the matrices the page shows.

`weights` gives the engine's result for either; `specification` the JSON
document of ``python -m scoring weights --method ahp --ahp`` that reproduces it.
Pure pandas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any, cast

import numpy as np
import pandas as pd

import scoring
from dashboard.core.formatting import fr_number
from scoring.weighting import CR_THRESHOLD, ahp_from_json
from scoring.weighting import GROUPS_BLOCK as GROUPS_BLOCK

SAATY_LABELS: tuple[str, ...] = tuple([f"1/{k}" for k in range(9, 1, -1)] + [str(k) for k in range(1, 10)])
SAATY_VALUES: tuple[float, ...] = tuple(float(Fraction(label)) for label in SAATY_LABELS)
SAATY_HELP = ("Échelle de Saaty : 1 = importance égale, 3 = modérée, 5 = forte, 7 = très forte, 9 = extrême "
              "(2, 4, 6, 8 : intermédiaires) ; 1/3 … 1/9 : le second critère l'emporte d'autant.")


def saaty_value(label: str | float) -> float:
    """« 3 » → 3.0, « 1/3 » → 0.333…; numbers pass through."""
    if isinstance(label, str):
        return float(Fraction(label.strip().replace(",", ".")))
    return float(label)


def saaty_label(value: float) -> str:
    """The label of the Saaty value nearest to `value` on a log scale (a ratio of 2.4 → « 2 »)."""
    value = float(value)
    if not value > 0 or not math.isfinite(value):
        return "1"
    distances = [abs(math.log(value / v)) for v in SAATY_VALUES]
    return SAATY_LABELS[int(np.argmin(distances))]


def pair_key(first: str, second: str) -> str:
    return f"{first}|{second}"


def judgement(judgements: Mapping[str, Any], first: str, second: str) -> float:
    """How much more important `first` is than `second`: entered, reciprocal of the reverse, or 1."""
    if pair_key(first, second) in judgements:
        return saaty_value(judgements[pair_key(first, second)])
    if pair_key(second, first) in judgements:
        return 1.0 / saaty_value(judgements[pair_key(second, first)])
    return 1.0


def ahp_matrix(criteria: Sequence[str], judgements: Mapping[str, Any]) -> pd.DataFrame:
    """The full pairwise matrix from the upper triangle: a_ii = 1, a_ji = 1/a_ij.

    `judgements` maps « A|B » to how much more important A is than B (a
    Saaty label or a number); a pair entered the other way round is inverted,
    a pair not entered counts as 1.
    """
    ids = list(criteria)
    n = len(ids)
    matrix = np.ones((n, n))
    for i, j in combinations(range(n), 2):
        value = judgement(judgements, ids[i], ids[j])
        matrix[i, j] = value
        matrix[j, i] = 1.0 / value
    return pd.DataFrame(matrix, index=ids, columns=ids)


def ahp_matrix_labels(matrix: pd.DataFrame) -> pd.DataFrame:
    """The matrix as Saaty labels (« 3 », « 1/3 ») for display."""
    return matrix.map(saaty_label)


def ahp_judgements_from_weights(criteria: Sequence[str], weights: Mapping[str, float]) -> dict[str, str]:
    """A starting grid consistent with current weights: each pair gets the Saaty value nearest w_a / w_b."""
    out = {}
    for first, second in combinations(criteria, 2):
        a, b = float(weights.get(first, 0.0)), float(weights.get(second, 0.0))
        out[pair_key(first, second)] = saaty_label(a / b) if a > 0 and b > 0 else "1"
    return out


def ahp_diagnosis(result: scoring.WeightsResult, matrix: pd.DataFrame,
                  labels: Mapping[str, str]) -> str | None:
    """A French warning when CR > 0.10 (or undefined), naming the most inconsistent pair and the
    value that would agree with the other judgements; None when the grid is consistent enough."""
    if result.cr is None:
        return result.warning
    if result.cr <= CR_THRESHOLD:
        return None
    text = (f"Comparaisons incohérentes : ratio de cohérence CR = {fr_number(result.cr, 3)} "
            f"(au-delà de 0,10).")
    if result.inconsistent_pair is not None and result.suggested_value is not None:
        first, second = result.inconsistent_pair
        given = saaty_label(cast(float, matrix.at[first, second]))
        suggested = result.suggested_value
        text += (f" La paire la plus incohérente est « {labels.get(first, first)} » face à "
                 f"« {labels.get(second, second)} » : vous avez donné {given}, une valeur proche de "
                 f"{saaty_label(suggested)} (exactement {fr_number(suggested, 2)}) serait cohérente "
                 "avec les autres comparaisons.")
    return text


# --------------------------------------------------------------------------- flat or by groups

GROUPS, FLAT = "groupes", "plat"
STRUCTURE_LABELS = {GROUPS: "Par groupes de critères (hiérarchique)", FLAT: "Toutes les paires (à plat)"}


def structure(weighting: Mapping[str, Any]) -> str:
    """« groupes » or « plat »: as the profile says; a profile without a word on it is flat when it
    holds judgements (saved before the hierarchy), by groups when it holds none (a new AHP profile)."""
    given = weighting.get("structure")
    if given in STRUCTURE_LABELS:
        return str(given)
    return FLAT if weighting.get("pairwise") else GROUPS


@dataclass(frozen=True)
class Block:
    """One comparison matrix of the hierarchy: the groups (``name`` « groupes ») or one group's
    criteria; ``key`` is where the weighting keeps its judgements."""

    name: str
    items: tuple[str, ...]
    key: str

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(self.items, 2))


def active_groups(enabled: Sequence[str], groups: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Each group's enabled criteria, in the groups' order (groups without one left out)."""
    chosen = set(enabled)
    active = {str(g): [c for c in criteria if c in chosen] for g, criteria in groups.items()}
    return {g: criteria for g, criteria in active.items() if criteria}


def blocks(enabled: Sequence[str], groups: Mapping[str, Sequence[str]]) -> list[Block]:
    """The matrices to fill: the groups with each other (when two groups or more have an enabled
    criterion), then each group of two criteria or more."""
    active = active_groups(enabled, groups)
    out = [Block(GROUPS_BLOCK, tuple(active), "group_pairwise")] if len(active) > 1 else []
    out += [Block(g, tuple(criteria), "pairwise") for g, criteria in active.items() if len(criteria) > 1]
    return out


def block_matrix(block: Block, weighting: Mapping[str, Any]) -> pd.DataFrame:
    """The block's full reciprocal matrix from the weighting's judgements."""
    return ahp_matrix(block.items, weighting.get(block.key, {}))


def starting_judgements(block: Block, weights: Mapping[str, float],
                        groups: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """A starting grid consistent with the current weights: for the groups, their total weights."""
    if block.name != GROUPS_BLOCK:
        return ahp_judgements_from_weights(block.items, weights)
    totals = {g: sum(float(weights.get(c, 0.0)) for c in groups.get(g, ())) for g in block.items}
    return ahp_judgements_from_weights(block.items, totals)


def _cell(value: float) -> str | float:
    """A judgement for the JSON document: its Saaty label when it is one (« 1/3 »), else the number."""
    label = saaty_label(value)
    return label if math.isclose(saaty_value(label), value, rel_tol=1e-12) else float(value)


def cells(matrix: pd.DataFrame) -> list[list[str | float]]:
    """A matrix as the JSON document's rows of judgements."""
    return [[_cell(float(v)) for v in row] for row in matrix.to_numpy()]


def specification(enabled: Sequence[str], weighting: Mapping[str, Any],
                  groups: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The JSON document of ``python -m scoring weights --method ahp --ahp`` for these judgements:
    flat, or the groups' matrix with each group's criteria and matrix."""
    if structure(weighting) == FLAT:
        return {"criteria": list(enabled), "pairwise": cells(ahp_matrix(enabled, weighting.get("pairwise", {})))}
    active = active_groups(enabled, groups)
    judgements = weighting.get("pairwise", {})
    blocks_json: dict[str, Any] = {}
    for group, criteria in active.items():
        blocks_json[group] = {"criteria": criteria}
        if len(criteria) > 1:
            blocks_json[group]["pairwise"] = cells(ahp_matrix(criteria, judgements))
    return {"pairwise": cells(ahp_matrix(list(active), weighting.get("group_pairwise", {}))), "groups": blocks_json}


def weights(enabled: Sequence[str], weighting: Mapping[str, Any],
            groups: Mapping[str, Sequence[str]]) -> scoring.WeightsResult:
    """The engine's AHP result for the enabled criteria (flat or by groups; raises `ScoringError`).
    By groups, each block's result is in ``details["blocks"]``."""
    if structure(weighting) == FLAT:
        return scoring.weights("ahp", pairwise=ahp_matrix(enabled, weighting.get("pairwise", {})))
    return ahp_from_json(specification(enabled, weighting, groups))


def inconsistent_blocks(result: scoring.WeightsResult) -> dict[str, float]:
    """The blocks whose consistency ratio exceeds 0,10 (a flat result is one block, « à plat »)."""
    found = result.details.get("blocks") or {FLAT: result}
    return {str(name): float(block.cr) for name, block in found.items()
            if block.cr is not None and block.cr > CR_THRESHOLD}
