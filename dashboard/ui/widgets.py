"""Streamlit pieces drawn on several pages: the dossier card, the conflict
register, and the current ranking of a meeting page (or its error)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import scoring
from dashboard.core import analysis
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_date, fr_number
from dashboard.core.labels import KIND_LABELS
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui import meeting


def dossier_card(row: pd.Series, values: pd.DataFrame, criteria: pd.DataFrame, with_values: bool = True) -> None:
    """One dossier's full card: candidate, territory, project, criterion values."""
    st.markdown(f"### {row['display_name']}")
    st.markdown(
        f"**Dossier** : {row.name} · **Porteur** : {KIND_LABELS.get(row['kind'], row['kind'])} — "
        f"{row['candidate_name']}  \n"
        f"**Région** : {row['region_name']} · **Département** : {row['departement_name']}  \n"
        f"**Population** : {fr_number(row['population'])} habitants · "
        f"**Intercommunalité** : {row['epci_name']} ({fr_number(row['epci_population'])} hab.)  \n"
        f"**Pôle universitaire le plus proche** : {row['nearest_hub']} à {fr_number(row['dist_hub_km'], 1)} km  \n"
        f"**Dépôt** : {fr_date(row['submitted_on'])} · "
        f"**Décision historique** : {row['historical_decision'] or '–'}"
    )
    st.markdown(f"**Concept d'antenne** : {row['antenna_concept'] or '–'}  \n"
                f"**Filières** : {row['sectors'] or '–'}  \n**Partenaires** : {row['partners'] or '–'}")
    if isinstance(row["summary"], str) and row["summary"]:
        st.markdown(f"> {row['summary']}")
    if not with_values:
        return
    own = values[values["dossier_id"] == row.name].merge(
        criteria[["criterion_id", "label", "unit"]], on="criterion_id").sort_values("criterion_id")
    if own.empty:
        return
    st.table(pd.DataFrame({
        "Critère": own["criterion_id"] + " — " + own["label"],
        "Valeur": [fr_number(v, 0 if float(v).is_integer() else 1) for v in own["value"]],
        "Unité": own["unit"].fillna(""),
        "Provenance": own["provenance"].fillna(""),
    }).set_index("Critère"))


def conflict_register(store: Store, actor: Actor, call_id: str, jurors: pd.DataFrame,
                      names: dict[str, str]) -> pd.DataFrame:
    """The conflict-of-interest register of a call, ready to show: one row per juror."""
    register = analysis.conflict_register(jurors, store.conflict_declarations(actor, call_id),
                                          store.recusals(actor, call_id), names)
    return pd.DataFrame({
        "Juré": register["name"] + " (" + register["organisation"] + ")",
        "Déclaration": register["declaration"],
        "Date": [fr_date(d) for d in register["declared_on"]],
        "Récusé·e pour": register["recused_from"].replace("", "–"),
    })


def ranking_or_stop(inputs: DecisionInputs, profile: WeightProfile) -> scoring.RankResult:
    """The call ranked under the current profile; when the engine refuses it, the error and the page stops."""
    try:
        return meeting.ranking(inputs, profile)
    except scoring.ScoringError as error:
        st.error(f"Le profil courant ne permet pas de classer l'appel : {error} Modifiez-le sur la page Pondération.")
        st.stop()
