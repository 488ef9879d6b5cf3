"""Figures computed from the store's frames for the pages: the press kit's
key figures for a call, dossier attributes used by filters and the shortlist.
Pure pandas; no SQL and no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.labels import KIND_LABELS

# Catalogue criteria that carry programme memberships (criteria_catalogue.csv).
ACV_CRITERION = "C05"
TI_CRITERION = "C06"

@dataclass(frozen=True)
class CallFigures:
    """What the press kit reports about a call, computed from the store."""

    dossiers: int
    laureates: int
    kind_shares: dict[str, float]
    ti_share: float | None
    acv_share: float | None
    overseas: int
    regions: list[str]
    by_region: pd.Series
    by_sector: pd.Series


def split_list(text: object) -> list[str]:
    """« Numérique ; BTP » → ["Numérique", "BTP"]."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


def flag_share(values: pd.DataFrame, dossier_ids: pd.Index, criterion_id: str) -> float | None:
    """Share of the dossiers whose 0/1 criterion equals 1 (None when no value)."""
    column = values.loc[values["criterion_id"] == criterion_id].set_index("dossier_id")["value"]
    column = column.reindex(dossier_ids).dropna()
    if column.empty:
        return None
    return float((column >= 1).mean())


def dossier_attributes(dossiers: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Per dossier: région, overseas, ACV, TI flags — the filters' and the shortlist's attributes."""
    frame = dossiers.set_index("dossier_id")
    attributes = pd.DataFrame(index=frame.index)
    attributes["region"] = frame["region_name"].fillna("Inconnue")
    attributes["overseas"] = frame["overseas"].fillna(False).astype(bool).astype(int)
    for name, criterion in (("acv", ACV_CRITERION), ("ti", TI_CRITERION)):
        column = values.loc[values["criterion_id"] == criterion].set_index("dossier_id")["value"]
        attributes[name] = (column.reindex(frame.index).fillna(0) >= 1).astype(int)
    return attributes


def call_figures(dossiers: pd.DataFrame, values: pd.DataFrame) -> CallFigures:
    """The key figures of one call's dossiers."""
    count = len(dossiers)
    kinds = dossiers["kind"].map(KIND_LABELS).fillna(dossiers["kind"])
    kind_shares = (kinds.value_counts() / count).to_dict() if count else {}
    ids = pd.Index(dossiers["dossier_id"])
    sectors = pd.Series([s for text in dossiers["sectors"] for s in split_list(text)], dtype=object)
    regions = sorted(dossiers["region_name"].dropna().unique().tolist())
    return CallFigures(
        dossiers=count,
        laureates=int((dossiers["historical_decision"] == "lauréat").sum()),
        kind_shares={str(k): float(v) for k, v in kind_shares.items()},
        ti_share=flag_share(values, ids, TI_CRITERION),
        acv_share=flag_share(values, ids, ACV_CRITERION),
        overseas=int(dossiers["overseas"].fillna(False).astype(bool).sum()),
        regions=regions,
        by_region=dossiers["region_name"].fillna("Inconnue").value_counts().sort_values(ascending=False),
        by_sector=sectors.value_counts().sort_values(ascending=False),
    )


def conflict_register(jurors: pd.DataFrame, declarations: pd.DataFrame, recusals: pd.DataFrame,
                      names: dict[str, str]) -> pd.DataFrame:
    """The conflict-of-interest register of a call, one row per juror: their
    declaration (with or without conflicts, or none yet), its date, and the
    dossiers they are recused from with the reason (``recused_from``), and
    the names of those dossiers alone (``recused_names``)."""
    declared = declarations.set_index("juror_id") if not declarations.empty else pd.DataFrame()
    rows = []
    for juror in jurors.itertuples():
        mine = recusals[recusals["juror_id"] == juror.juror_id] if not recusals.empty else recusals
        if juror.juror_id in declared.index:
            entry = declared.loc[str(juror.juror_id)]
            status = "conflits déclarés" if entry["has_conflicts"] else "aucun conflit déclaré"
            when = entry["declared_on"]
        else:
            status, when = "pas de déclaration", None
        rows.append({
            "juror_id": juror.juror_id,
            "name": juror.name,
            "organisation": juror.organisation,
            "declaration": status,
            "declared_on": when,
            "recused_from": "; ".join(f"{names.get(d, d)} — {r}"
                                      for d, r in zip(mine["dossier_id"], mine["reason"], strict=True)),
            "recused_names": [names.get(d, d) for d in mine["dossier_id"]],
        })
    return pd.DataFrame(rows, columns=["juror_id", "name", "organisation", "declaration", "declared_on",
                                       "recused_from", "recused_names"])
