"""Classement: the selected call ranked under the session's current weight profile.

The ranking is cached per profile (see `dashboard.ui.meeting`): a weight changed
on /ponderation re-ranks at once, without reading the database again. Filters
only choose the rows shown; ranks are those of the whole call.
"""

from __future__ import annotations

import streamlit as st

import scoring
from dashboard.core import charts, decision
from dashboard.core import views as mv
from dashboard.core.formatting import fr_number
from dashboard.core.labels import EQUAL_WEIGHTS, METHOD_LABELS, WEIGHTING_LABELS
from dashboard.ui import meeting

YES_NO = {"Tous": None, "Oui": True, "Non": False}

store, actor, call, inputs, profile = meeting.open_meeting_page("Classement")
short = mv.criterion_labels(inputs, limit=40)

# ------------------------------------------------------------------ reference profile
saved_names = store.weight_profiles(actor, inputs.call_id)["name"].tolist()
reference_options = saved_names + [EQUAL_WEIGHTS]
wanted = meeting.reference_name(inputs.call_id)
reference_key = f"classement_reference_{inputs.call_id}"
if reference_key not in st.session_state:
    st.session_state[reference_key] = wanted if wanted in reference_options else EQUAL_WEIGHTS
elif st.session_state[reference_key] not in reference_options:
    st.session_state[reference_key] = EQUAL_WEIGHTS

try:
    result = meeting.ranking(inputs, profile)
except scoring.ScoringError as error:
    st.error(f"Le profil courant ne permet pas de classer l'appel : {error} Modifiez-le sur la page Pondération.")
    st.stop()

top, settings = st.columns([3, 2])
with settings:
    chosen_reference = st.selectbox("Évolution des rangs par rapport à", reference_options, key=reference_key,
                                    help="Profils enregistrés pour cet appel ; « poids égaux » : tous les "
                                         "critères au même poids, somme pondérée.")
meeting.set_reference_profile(inputs.call_id, chosen_reference)
reference_name, reference_profile = meeting.reference_profile(store, actor, inputs)
try:
    reference = meeting.ranking(inputs, reference_profile)
except scoring.ScoringError as error:
    reference = None
    st.warning(f"Le profil de référence « {reference_name} » ne permet pas de classer l'appel : {error}")

table = decision.ranking_table(inputs, result, reference)
leader = table.iloc[0]
ineligible = mv.ineligible_table(inputs)
derogations = mv.derogation_table(inputs)
with top:
    st.caption(f"En tête : **{leader['display_name']}** · {mv.score_label(profile.method).lower()} "
               f"{fr_number(leader['score'], mv.score_decimals(profile.method))}")
    columns = st.columns(3)
    columns[0].metric("Dossiers classés", fr_number(len(table)))
    columns[1].metric("Non éligibles", fr_number(len(ineligible)))
    columns[2].metric("Dérogations à examiner", fr_number(len(derogations)))
mode = profile.weighting.get("mode", "equal")
st.caption(f"{call.label} · méthode : {METHOD_LABELS.get(profile.method, profile.method)}"
           + (f" (v = {fr_number(profile.v, 2)})" if profile.method == "vikor" else "")
           + f" · pondération : {WEIGHTING_LABELS.get(mode, mode)} · {len(result.weights)} critères · "
           f"référence des évolutions : {reference_name}"
           + (" · Q VIKOR : plus bas = meilleur" if profile.method == "vikor" else ""))

# ------------------------------------------------------------------ filters
options = mv.filter_options(table)
with st.expander("Filtres d'affichage (les rangs restent ceux de tout l'appel)", expanded=False):
    first = st.columns(3)
    regions = first[0].multiselect("Région", options["regions"], key="classement_f_region", placeholder="Toutes")
    concepts = first[1].multiselect("Concept d'antenne", options["concepts"], key="classement_f_concept",
                                    placeholder="Tous")
    sectors = first[2].multiselect("Filière", options["sectors"], key="classement_f_sector", placeholder="Toutes")
    second = st.columns(3)
    acv = second[0].selectbox("Action cœur de ville", list(YES_NO), key="classement_f_acv")
    ti = second[1].selectbox("Territoire d'industrie", list(YES_NO), key="classement_f_ti")
    overseas = second[2].selectbox("Outre-mer", list(YES_NO), key="classement_f_overseas")
filters = mv.RankingFilters(tuple(regions), YES_NO[acv], YES_NO[ti], YES_NO[overseas], tuple(concepts),
                            tuple(sectors))
shown = mv.filter_ranking(table, filters)
if filters.active:
    st.caption(f"{fr_number(len(shown))} dossier(s) affiché(s) sur {fr_number(len(table))}.")

st.dataframe(mv.ranking_display(shown, profile.method), hide_index=True, key="classement_table", width="stretch",
             height=min(36 * (len(shown) + 1) + 3, 560),
             column_config={"Rang": st.column_config.NumberColumn(format="%d", width="small"),
                            "Évolution": st.column_config.TextColumn(
                                help=f"Places gagnées (▲) ou perdues (▼) par rapport à « {reference_name} »")})
if not derogations.empty:
    st.info(f"{fr_number(len(derogations))} dossier(s) classé(s) sous réserve (« dérogation à examiner ») : "
            + " ; ".join(f"{name} — {reason}" for name, reason in
                       zip(derogations["Dossier"], derogations[mv.DEROGATION_REASON])))

# ------------------------------------------------------------------ contributions
st.subheader("Contribution de chaque critère")
if shown.empty:
    st.caption("Aucun dossier ne correspond aux filtres.")
else:
    count = len(shown)
    if count > 5:
        count = st.slider("Dossiers dans le graphique", 5, min(count, 85), min(count, 20), key="classement_chart_n")
    ids = shown.index[:count].tolist()
    contributions, explanation = mv.contribution_frame(result, ids)
    names = [f"{int(table.at[d, 'rank'])}. {mv.short_text(table.at[d, 'display_name'], 50)}" for d in ids]
    st.plotly_chart(charts.contributions_bar(contributions, names, short,
                                             "Q : S = somme des segments" if result.method == "vikor"
                                             else "Contribution"),
                    key="classement_contributions", width="stretch")
    st.caption(explanation)

# ------------------------------------------------------------------ out of the ranking
st.subheader("Dossiers non éligibles")
if ineligible.empty:
    st.caption("Tous les dossiers de l'appel passent les critères d'éligibilité.")
else:
    st.caption("Hors classement : chaque dossier échoue au(x) critère(s) d'éligibilité indiqué(s).")
    st.dataframe(ineligible, hide_index=True, key="classement_ineligible", width="stretch")
if not derogations.empty:
    st.subheader("Dérogations à examiner")
    st.caption("Classés, mais l'éligibilité demande une décision du jury.")
    st.dataframe(derogations, hide_index=True, key="classement_derogation", width="stretch")
