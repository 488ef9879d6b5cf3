"""Sensibilité: how robust the current ranking is to the weights.

Weight stability intervals (tornado), Monte-Carlo rank acceptability
(heatmap) and each dossier's probability of being in the top N, on the
current weight profile over the eligible dossiers; seeded and cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd
import streamlit as st

import scoring
from dashboard.core import charts
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_number, fr_percent
from dashboard.core.labels import METHOD_LABELS
from dashboard.core.shortlist import default_size
from dashboard.core.text import md, md_format
from dashboard.services.meeting import CallData
from dashboard.ui.meeting import open_meeting_page
from dashboard.ui.projection import hidden_in_projection
from dashboard.ui.session import shortlist_key
from dashboard.ui.widgets import CHART_CONFIG
from scoring import ScoringError
from scoring.sensitivity import SensitivityResult

HEATMAP_ROWS = 25
DRAW_OPTIONS = [500, 1_000, 2_000, 3_000, 5_000, 7_500, 10_000]
CONCENTRATION_HELP = ("0 : poids tirés uniformément sur le simplexe (aucune information sur les poids). "
                      "Au-delà : loi de Dirichlet centrée sur les poids actuels, d'autant plus resserrée que la "
                      "valeur est grande.")


@dataclass(frozen=True)
class Settings:
    """The panel's choice of draws, concentration, list size and seed."""

    draws: int
    concentration: float
    top: int
    seed: int


@st.cache_data(show_spinner=False, max_entries=32)
def _sensitivity(_inputs: DecisionInputs, inputs_key: str, fingerprint: str, _profile: WeightProfile,
                 draws: int, concentration: float, top: int, seed: int) -> SensitivityResult:
    """The engine's sensitivity analysis, cached per data, profile and settings."""
    return scoring.sensitivity(_inputs.matrix.loc[_inputs.eligible_ids], _profile.spec(_inputs),
                               samples=draws, seed=seed, top=top,
                               concentration=concentration if concentration > 0 else None)


def _percent_cell(value: object) -> str:
    return fr_percent(cast(float, value), 1)


def _rank_cell(value: object) -> str:
    return fr_number(cast(float, value), 1)


def _render_scope(call: CallData, inputs: DecisionInputs, profile: WeightProfile) -> int:
    """What is studied; returns the number of eligible dossiers (the page stops when there is nothing to study)."""
    spec = profile.spec(inputs)
    eligible = len(inputs.eligible_ids)
    if eligible < 2 or not spec["criteria"]:
        st.info("Il faut au moins deux dossiers éligibles et un critère actif pour étudier la sensibilité "
                "du classement.")
        st.stop()
    st.caption(md_format("{} · méthode : {} · {} critères actifs · {} dossiers éligibles. Les poids viennent de la "
                         "page Pondération.", call.label, METHOD_LABELS.get(profile.method, profile.method),
                         fr_number(len(spec["criteria"])), fr_number(eligible)))
    return eligible


def _render_settings(call: CallData, inputs: DecisionInputs, eligible: int) -> Settings:
    """The four settings in a row; N starts at the shortlist's size when there is one."""
    shortlist = st.session_state.get(shortlist_key(call.call_id))
    suggested_top = shortlist["size"] if shortlist else default_size(inputs)
    columns = st.columns(4)
    draws = columns[0].select_slider("Nombre de tirages", options=DRAW_OPTIONS, value=2_000, format_func=fr_number,
                                     key="sens_draws", help="Vecteurs de poids tirés au hasard (méthode SMAA-2).")
    concentration = columns[1].number_input(
        "Concentration", min_value=0.0, max_value=10_000.0, value=0.0, step=10.0, format="%.0f",
        key="sens_concentration", help=CONCENTRATION_HELP)
    top = columns[2].number_input("N premiers", min_value=1, max_value=eligible,
                                  value=min(int(suggested_top), eligible), step=1, key="sens_top",
                                  help="Taille de la liste dont on mesure la stabilité.")
    seed = columns[3].number_input("Graine", min_value=0, max_value=2**31 - 1, value=1, step=1, key="sens_seed",
                                   help="La même graine redonne les mêmes tirages.")
    return Settings(int(draws), float(concentration), int(top), int(seed))


def _analysis(inputs: DecisionInputs, profile: WeightProfile, settings: Settings) -> SensitivityResult:
    """The (cached) analysis; the page stops with the engine's error when it refuses."""
    try:
        return _sensitivity(inputs, inputs.cache_key, profile.fingerprint(), profile, settings.draws,
                            settings.concentration, settings.top, settings.seed)
    except ScoringError as exc:
        st.error(md(exc))
        st.stop()


def _render_metrics(result: SensitivityResult, top: int) -> None:
    """How many dossiers are nearly sure, how many uncertain, how many criteria have no effect."""
    probability = result.top_probability
    sure = int((probability >= 0.95).sum())
    uncertain = int(((probability > 0.05) & (probability < 0.95)).sum())
    metrics = st.columns(3)
    metrics[0].metric(f"Presque sûrs d'être dans les {fr_number(top)} premiers", fr_number(sure),
                      help="Probabilité d'au moins 95 %.")
    metrics[1].metric("Dossiers incertains", fr_number(uncertain), help="Probabilité entre 5 % et 95 %.")
    stable_everywhere = int(((result.stability["low"] <= 1e-9) & (result.stability["high"] >= 1 - 1e-9)).sum())
    metrics[2].metric("Critères sans effet sur la liste", fr_number(stable_everywhere),
                      help="Critères dont le poids peut aller de 0 à 100 % sans changer les N premiers.")


def _render_stability(inputs: DecisionInputs, result: SensitivityResult, top: int) -> None:
    """The weight stability intervals, as a tornado and as a folded table."""
    st.subheader("Stabilité des poids")
    criterion_names = inputs.criteria["label"]
    labels = {c: f"{c} — {criterion_names[c]}" if c in inputs.criteria.index else c
              for c in result.stability.index}
    st.plotly_chart(charts.stability_tornado(result.stability, labels), width="stretch", config=CHART_CONFIG,
                    key="sens_tornado")
    st.caption(f"Pour chaque critère, l'intervalle de poids dans lequel les {fr_number(top)} premiers restent "
               "les mêmes, "
               "les autres poids gardant leurs proportions (trait rouge : poids actuel). "
               + ("Calcul exact (somme pondérée)." if result.stability_method == "exact"
                  else "Calcul par balayage et dichotomie."))
    stability = result.stability.copy()
    stability_table = pd.DataFrame({
        "Critère": [labels[c] for c in stability.index],
        "Poids actuel": [fr_percent(w, 1) for w in stability["weight"]],
        "Borne basse": [fr_percent(w, 1) for w in stability["low"]],
        "Borne haute": [fr_percent(w, 1) for w in stability["high"]],
    })
    with st.expander("Intervalles en tableau"):
        st.dataframe(stability_table, hide_index=True, width="stretch", key="sens_stability_table")


def _render_acceptability(result: SensitivityResult, order: pd.Index, names: dict[str, str], top: int) -> None:
    """The rank acceptability heatmap of the dossiers with the best mean rank."""
    st.subheader("Acceptabilité des rangs")
    shown = order[:HEATMAP_ROWS]
    st.plotly_chart(charts.rank_acceptability_heatmap(result.rank_acceptability.loc[shown], names, top),
                    width="stretch", config=CHART_CONFIG, key="sens_heatmap")
    st.caption(f"Probabilité de chaque rang sur {fr_number(result.samples)} tirages de poids "
               f"(graine {fr_number(result.seed)}) ; les {fr_number(len(shown))} dossiers au meilleur rang moyen.")


def _render_top_table(inputs: DecisionInputs, result: SensitivityResult, order: pd.Index, names: dict[str, str],
                      top: int) -> None:
    """Each dossier's probability of being in the top N, and its mean rank."""
    st.subheader(f"Probabilité d'être dans les {fr_number(top)} premiers")
    if result.boundary_tie:
        st.info(md_format("Égalité pour la {}e place entre {} : aujourd'hui, les {} premiers comptent donc "
                          "{} dossiers.", fr_number(top), " ; ".join(str(names.get(i, i)) for i in result.boundary_tie),
                          fr_number(top), fr_number(len(result.current_top))))
    table = pd.DataFrame({
        "Dossier": [names.get(i, i) for i in order],
        "Région": inputs.attributes["region"].reindex(order).to_numpy(),
        "Dans les N premiers aujourd'hui": ["oui" if i in set(result.current_top) else "non" for i in order],
        "Probabilité": result.top_probability.reindex(order).to_numpy(dtype=float),
        "Rang moyen": result.expected_rank.reindex(order).to_numpy(dtype=float),
    }, index=pd.Index(order, name="Identifiant"))
    styled = table.style.format({"Probabilité": _percent_cell, "Rang moyen": _rank_cell})
    st.dataframe(styled, width="stretch", key="sens_top_table",
                 column_config={"Dossier": st.column_config.TextColumn(width=360, pinned=True),
                                "Région": st.column_config.TextColumn(width=200),
                                "Dans les N premiers aujourd'hui": st.column_config.TextColumn(width=110),
                                "Probabilité": st.column_config.NumberColumn(
                                    "Probabilité", width=100,
                                    help=f"Part des tirages où le dossier est dans les {fr_number(top)} premiers."),
                                "Rang moyen": st.column_config.NumberColumn(width=100)})


def main() -> None:
    """The page: scope, settings, key figures, stability, acceptability, top-N table."""
    page = open_meeting_page("Sensibilité")
    call, inputs, profile = page.call, page.inputs, page.profile
    with hidden_in_projection("sensitivity_settings"):
        eligible = _render_scope(call, inputs, profile)
        settings = _render_settings(call, inputs, eligible)
    result = _analysis(inputs, profile, settings)
    names = inputs.display_names
    order = result.expected_rank.sort_values(kind="stable").index
    _render_metrics(result, settings.top)
    _render_stability(inputs, result, settings.top)
    _render_acceptability(result, order, names, settings.top)
    _render_top_table(inputs, result, order, names, settings.top)


main()
