"""Dossiers: a filterable table of the call's dossiers and one dossier's full card."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.core import analysis
from dashboard.core.formatting import fr_number
from dashboard.core.labels import KIND_LABELS
from dashboard.services.meeting import CallData
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.documents import render_documents
from dashboard.ui.session import current_call
from dashboard.ui.shell import CHOOSE
from dashboard.ui.widgets import dossier_card, french_numbers


@dataclass(frozen=True)
class DossierFilters:
    """What the user chose in the filter row (empty: no filter)."""

    regions: list[str]
    concepts: list[str]
    sectors: list[str]
    search: str


def _render_filters(call: CallData) -> DossierFilters:
    """The filter row: régions, antenna concepts, sectors, a name search."""
    dossiers = call.dossiers
    attributes = analysis.dossier_attributes(dossiers, call.values)
    with st.container(horizontal=True):
        regions = st.multiselect("Région", sorted(attributes["region"].unique()), key="dossiers_regions",
                                 placeholder=CHOOSE)
        concepts = st.multiselect("Concept d'antenne", sorted(dossiers["antenna_concept"].dropna().unique()),
                                  key="dossiers_concepts", placeholder=CHOOSE)
        sectors = st.multiselect("Filière",
                                 sorted({s for t in dossiers["sectors"] for s in analysis.split_list(t)}),
                                 key="dossiers_sectors", placeholder=CHOOSE)
        search = st.text_input("Recherche (nom)", key="dossiers_search")
    return DossierFilters(regions, concepts, sectors, search)


def _filtered(dossiers: pd.DataFrame, filters: DossierFilters) -> pd.DataFrame:
    """The dossiers passing every filter."""
    mask = pd.Series(True, index=dossiers.index)
    if filters.regions:
        mask &= analysis.territory_labels(dossiers).isin(filters.regions)
    if filters.concepts:
        mask &= dossiers["antenna_concept"].isin(filters.concepts)
    if filters.sectors:
        mask &= dossiers["sectors"].map(lambda t: bool(set(analysis.split_list(t)) & set(filters.sectors)))
    if filters.search:
        mask &= dossiers["display_name"].str.contains(filters.search, case=False, regex=False)
    return dossiers[mask]


def _render_table(shown: pd.DataFrame, total: int) -> None:
    """The dossiers shown, one row each, with their count."""
    table = pd.DataFrame({
        "Dossier": shown["dossier_id"],
        "Candidat": shown["display_name"],
        "Type": shown["kind"].map(KIND_LABELS).fillna(shown["kind"]),
        "Région": analysis.territory_labels(shown),
        "Population": shown["population"].astype("Int64"),
        "Concept d'antenne": shown["antenna_concept"],
        "Filières": shown["sectors"],
        "Décision historique": shown["historical_decision"].fillna("–"),
    })
    st.caption(f"{fr_number(len(shown))} dossier(s) sur {fr_number(total)}")
    st.dataframe(french_numbers(table, {"Population": 0}), hide_index=True, width="stretch",
                 column_config={"Candidat": st.column_config.TextColumn(width="large", pinned=True),
                                "Filières": st.column_config.TextColumn(width="large")})


def _render_card(store: Store, actor: Actor, call: CallData, shown: pd.DataFrame) -> None:
    """The card and documents of one dossier shown (the address's `dossier` by default); the page
    stops when none is."""
    st.subheader("Fiche du dossier")
    options = shown["dossier_id"].tolist()
    if not options:
        st.info("Aucun dossier ne correspond aux filtres.")
        st.stop()
    dossiers = call.dossiers
    names = dict(zip(dossiers["dossier_id"], dossiers["display_name"], strict=True))
    requested = st.query_params.get("dossier")
    index = options.index(requested) if requested in options else 0
    chosen = st.selectbox("Dossier", options, index=index, format_func=lambda d: f"{d} — {names[d]}",
                          key="dossiers_card",
                          on_change=lambda: st.query_params.update(dossier=st.session_state["dossiers_card"]))
    row = dossiers.set_index("dossier_id").loc[chosen]
    dossier_card(row, call.values, call.criteria)
    render_documents(store, actor, chosen, key="dossiers_pieces")


def main() -> None:
    """The page: filters, table, one dossier's card."""
    store, actor, call = current_call()
    st.title("Dossiers")
    if call is None:
        st.stop()
    filters = _render_filters(call)
    shown = _filtered(call.dossiers, filters)
    _render_table(shown, len(call.dossiers))
    _render_card(store, actor, call, shown)


main()
