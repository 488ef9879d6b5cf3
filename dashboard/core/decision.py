"""From a call's stored data to the engine's inputs, and back to what the
meeting needs: the jurors' ratings that count, aggregated under the panel's
settings; the decision matrix (objective and dossier criteria, plus the
jury criteria aggregated from those ratings); each dossier's
eligibility against the gates, the attributes the filters and the shortlist
use, and the weight profile (the engine's spec plus how the weights were set).

Pure pandas over frames the store returned; no SQL and no Streamlit, so the
pages, the workbook export and `jury export` compute the same ranking.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

import scoring
from dashboard.core import analysis
from dashboard.core.formatting import fr_number
from scoring import aggregate_ratings
from scoring.ratings import RatingsResult


@dataclass(frozen=True)
class AggregationSettings:
    """How the jurors' ratings become one value per dossier × jury criterion."""

    method: str = "mean"
    zscore: bool = False


def long_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """Store ratings (only those that count) in the engine's long format."""
    if "counts" in ratings.columns:
        ratings = ratings[ratings["counts"].astype(bool)]
    if "juror" in ratings.columns:
        return ratings[["juror", "dossier", "criterion", "score"]]
    return ratings.rename(columns={"juror_id": "juror", "dossier_id": "dossier",
                                   "criterion_id": "criterion"})[["juror", "dossier", "criterion", "score"]]


def aggregate_call_ratings(ratings: pd.DataFrame, settings: AggregationSettings) -> RatingsResult:
    return aggregate_ratings(long_ratings(ratings), method=settings.method, zscore=settings.zscore)


# Criterion groups whose numeric values can enter the ranking.
RANKABLE_GROUPS = ("objectif", "dossier", "jury")
ELIGIBLE, DEROGATION, INELIGIBLE = "éligible", "dérogation à examiner", "non éligible"


@dataclass(frozen=True)
class DecisionInputs:
    """Everything the engine needs about one call, ready to rank."""

    call_id: str
    matrix: pd.DataFrame          # dossier × criterion values (NaN where unknown), all dossiers
    criteria: pd.DataFrame        # rankable criteria (index criterion_id): label, unit, direction, group
    eligibility: pd.DataFrame     # index dossier_id: status, reason
    attributes: pd.DataFrame      # index dossier_id: display_name, region, overseas, acv, ti, concept, sectors…
    ratings: RatingsResult | None = None
    cache_key: str = ""           # identifies the data the inputs were built from (for caches)

    @property
    def eligible_ids(self) -> pd.Index:
        return passing_gates(self.eligibility)

    @property
    def display_names(self) -> dict[str, str]:
        """dossier id → the dossier's display name (empty when the attributes hold none)."""
        if "display_name" not in self.attributes:
            return {}
        return {str(k): str(v) for k, v in self.attributes["display_name"].items()}


def _gate_status(value: float, lower: float | None, upper: float | None,
                 derogation_lower: float | None) -> str:
    if value != value:  # NaN
        return INELIGIBLE
    if upper is not None and upper == upper and value > upper:
        return INELIGIBLE
    if lower is not None and lower == lower and value < lower:
        if derogation_lower is not None and derogation_lower == derogation_lower and value >= derogation_lower:
            return DEROGATION
        return INELIGIBLE
    return ELIGIBLE


def _bound(value: object) -> float | None:
    """A gate bound as stored (a number, NaN or None when the gate has none)."""
    return None if value is None else cast(float, value)


def eligibility(dossier_ids: pd.Index, values: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """Each dossier's status against every gate of the catalogue, with the reason in French."""
    gates = criteria[criteria["criterion_group"] == "éligibilité"]
    wide = values.pivot_table(index="dossier_id", columns="criterion_id", values="value", aggfunc="first")
    rows = []
    for dossier in dossier_ids:
        status, reasons = ELIGIBLE, []
        for gate in gates.itertuples():
            value = cast(float, wide.at[dossier, gate.criterion_id]) \
                if (dossier in wide.index and gate.criterion_id in wide) else float("nan")
            gate_status = _gate_status(value, _bound(gate.lower), _bound(gate.upper), _bound(gate.derogation_lower))
            if gate_status == ELIGIBLE:
                continue
            shown = ("valeur absente" if value != value
                     else f"valeur {fr_number(value, 0 if float(value).is_integer() else 1)}")
            reasons.append(f"{gate.criterion_id} — {gate.label} ({shown})")
            if gate_status == INELIGIBLE or status == ELIGIBLE:
                status = INELIGIBLE if gate_status == INELIGIBLE else DEROGATION
        rows.append({"dossier_id": dossier, "status": status, "reason": " ; ".join(reasons)})
    return pd.DataFrame(rows, columns=["dossier_id", "status", "reason"]).set_index("dossier_id")


def passing_gates(statuses: pd.DataFrame) -> pd.Index:
    """The dossiers of an `eligibility` frame that pass the gates (a derogation passes)."""
    return statuses.index[statuses["status"] != INELIGIBLE]


def build_inputs(call_id: str, dossiers: pd.DataFrame, values: pd.DataFrame, criteria: pd.DataFrame,
                 ratings: RatingsResult | None) -> DecisionInputs:
    """Assemble one call's decision matrix; jury criteria come from the aggregated ratings."""
    ids = pd.Index(dossiers["dossier_id"], name="dossier_id")
    rankable = criteria[criteria["criterion_group"].isin(RANKABLE_GROUPS) & criteria["direction"].notna()]
    rankable = rankable.sort_values("position").set_index("criterion_id")
    wide = values.pivot_table(index="dossier_id", columns="criterion_id", values="value", aggfunc="first")
    matrix = wide.reindex(index=ids, columns=rankable.index).astype(float)
    jury = rankable.index[rankable["criterion_group"] == "jury"]
    if ratings is not None and not ratings.values.empty:
        aggregated = ratings.values.reindex(index=ids)
        for criterion in jury:
            if criterion in aggregated:
                matrix[criterion] = aggregated[criterion].astype(float)
    else:
        matrix[jury] = np.nan
    attributes = analysis.dossier_attributes(dossiers, values)
    frame = dossiers.set_index("dossier_id")
    attributes["display_name"] = frame["display_name"]
    attributes["antenna_concept"] = frame["antenna_concept"]
    attributes["sectors"] = frame["sectors"]
    attributes["historical_decision"] = frame["historical_decision"]
    return DecisionInputs(call_id, matrix, rankable, eligibility(ids, values, criteria), attributes, ratings)


@dataclass(frozen=True)
class WeightProfile:
    """A named way of weighting: the engine spec plus how the panel set the weights.

    `weighting` keeps the mode and its raw input (points, AHP judgements,
    importance order) so that the profile reopens as it was entered.
    """

    method: str = "wsm"
    weights: dict[str, float] = field(default_factory=dict)       # raw, normalised by the engine
    enabled: tuple[str, ...] = ()
    preferences: dict[str, dict[str, Any]] = field(default_factory=dict)
    v: float = 0.5
    missing: str = "mean"
    weighting: dict[str, Any] = field(default_factory=lambda: {"mode": "equal"})

    def spec(self, inputs: DecisionInputs) -> dict[str, Any]:
        """The engine's spec over the enabled criteria that have values for this call."""
        usable = [c for c in self.enabled if c in inputs.criteria.index and inputs.matrix[c].notna().any()]
        return {
            "method": self.method,
            "criteria": [
                {"id": c, "direction": inputs.criteria.at[c, "direction"],
                 "weight": float(self.weights.get(c, 0.0)),
                 **({"preference": self.preferences[c]} if c in self.preferences else {})}
                for c in usable
            ],
            "params": {"v": self.v, "missing": self.missing},
        }

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "weights": self.weights, "enabled": list(self.enabled),
                "preferences": self.preferences, "v": self.v, "missing": self.missing,
                "weighting": self.weighting}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WeightProfile:
        return cls(method=data.get("method", "wsm"), weights=dict(data.get("weights", {})),
                   enabled=tuple(data.get("enabled", ())), preferences=dict(data.get("preferences", {})),
                   v=float(data.get("v", 0.5)), missing=data.get("missing", "mean"),
                   weighting=dict(data.get("weighting", {"mode": "equal"})))

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:12]


def default_profile(inputs: DecisionInputs) -> WeightProfile:
    """Equal weights on every criterion that has values for the call, weighted sum."""
    enabled = tuple(c for c in inputs.criteria.index if inputs.matrix[c].notna().any())
    return WeightProfile(weights=dict.fromkeys(enabled, 1.0), enabled=enabled)


def eligible_matrix(inputs: DecisionInputs) -> pd.DataFrame:
    return inputs.matrix.loc[inputs.eligible_ids]


def rank_call(inputs: DecisionInputs, profile: WeightProfile) -> scoring.RankResult:
    """The ranking of the call's eligible dossiers under a profile."""
    return scoring.rank(eligible_matrix(inputs), profile.spec(inputs))


def ranking_table(inputs: DecisionInputs, result: scoring.RankResult,
                  reference: scoring.RankResult | None = None) -> pd.DataFrame:
    """Rank, name, région, score, change against a reference, eligibility — best first."""
    table = pd.DataFrame({
        "rank": result.ranks,
        "score": result.scores,
    })
    table = table.join(inputs.attributes[["display_name", "region", "overseas", "acv", "ti", "antenna_concept",
                                          "sectors", "historical_decision"]])
    table = table.join(inputs.eligibility)
    if reference is not None:
        table["change"] = reference.ranks.reindex(table.index) - table["rank"]
    else:
        table["change"] = np.nan
    return table.sort_values(["rank", "display_name"])
