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

# INSEE région codes (Code officiel géographique since 2016): the 13 metropolitan régions, Corse
# included, and the 5 overseas régions (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte), 18 in
# all, as the programme counts them. Any other code is a collectivité d'outre-mer (978 Saint-Martin):
# it is overseas, never a région.
METROPOLITAN_REGIONS = frozenset({"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"})
OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})
METROPOLE, OVERSEAS_REGION, COLLECTIVITY = "métropole", "région d'outre-mer", "collectivité d'outre-mer"
UNKNOWN_REGION = "Inconnue"


def territory_kind(region_code: object) -> str | None:
    """« métropole », « région d'outre-mer » or « collectivité d'outre-mer » for an INSEE région
    code (None when the code is unknown)."""
    if not isinstance(region_code, str) or not region_code.strip():
        return None
    code = region_code.strip()
    if code in METROPOLITAN_REGIONS:
        return METROPOLE
    return OVERSEAS_REGION if code in OVERSEAS_REGIONS else COLLECTIVITY


def territory_label(region_code: object, region_name: object) -> str:
    """The région's name, « Saint-Martin (collectivité d'outre-mer) » for a collectivité,
    « Inconnue » when there is no name."""
    if not isinstance(region_name, str) or not region_name.strip():
        return UNKNOWN_REGION
    return f"{region_name} ({COLLECTIVITY})" if territory_kind(region_code) == COLLECTIVITY else region_name


def territory_labels(dossiers: pd.DataFrame) -> pd.Series:
    """`territory_label` of each row of a dossiers frame (columns region_code, region_name)."""
    return pd.Series([territory_label(c, n) for c, n in zip(dossiers["region_code"], dossiers["region_name"],
                                                            strict=True)], index=dossiers.index, dtype=object)


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
    collectivities: list[str]
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
    """Per dossier: région (`territory_label`) and its kind (`territory_kind`: « métropole »,
    « région d'outre-mer », « collectivité d'outre-mer » or None), overseas, ACV, TI flags — the
    filters' and the shortlist's attributes."""
    frame = dossiers.set_index("dossier_id")
    attributes = pd.DataFrame(index=frame.index)
    attributes["region"] = territory_labels(frame)
    attributes["region_kind"] = [territory_kind(c) for c in frame["region_code"]]
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
    territories = territory_labels(dossiers)
    kinds = pd.Series([territory_kind(c) for c in dossiers["region_code"]], index=dossiers.index, dtype=object)
    regions = sorted(territories[kinds.isin([METROPOLE, OVERSEAS_REGION])].unique().tolist())
    return CallFigures(
        dossiers=count,
        laureates=int((dossiers["historical_decision"] == "lauréat").sum()),
        kind_shares={str(k): float(v) for k, v in kind_shares.items()},
        ti_share=flag_share(values, ids, TI_CRITERION),
        acv_share=flag_share(values, ids, ACV_CRITERION),
        overseas=int(dossiers["overseas"].fillna(False).astype(bool).sum()),
        regions=regions,
        collectivities=sorted(territories[kinds == COLLECTIVITY].unique().tolist()),
        by_region=territories.value_counts().sort_values(ascending=False),
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
