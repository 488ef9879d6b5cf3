"""Classement: the selected call ranked under the session's current weight profile.

The ranking is cached per profile (see `dashboard.ui.meeting`): a weight changed
on /ponderation re-ranks at once, without reading the database again. Filters
only choose the rows shown; ranks are those of the whole call.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import scoring
from dashboard.core import charts, decision
from dashboard.core import views as mv
from dashboard.core.decision import AggregationSettings, DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_number
from dashboard.core.labels import EQUAL_WEIGHTS, METHOD_LABELS, WEIGHTING_LABELS
from dashboard.core.shortlist import ShortlistChoices, default_choices
from dashboard.core.text import md, md_format, md_frame
from dashboard.services import meeting as meeting_service
from dashboard.services import reports
from dashboard.services.meeting import CallData
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui import meeting
from dashboard.ui.downloads import offer_download
from dashboard.ui.projection import hidden_in_projection, projection_on
from dashboard.ui.session import choices_key
from dashboard.ui.widgets import CHART_CONFIG, french_numbers, ranking_or_stop

YES_NO: dict[str, bool | None] = {"Tous": None, "Oui": True, "Non": False}
REFERENCE_HELP = ("Profils enregistrés pour cet appel ; « poids égaux » : tous les critères au même poids, "
                  "somme pondérée.")


def _reference_options(store: Store, actor: Actor, call_id: str) -> tuple[str, list[str]]:
    """The reference selector's key and options (saved profiles, then equal weights), its value made valid."""
    options = [*store.weight_profiles(actor, call_id)["name"].tolist(), EQUAL_WEIGHTS]
    wanted = meeting.reference_name(call_id)
    key = f"classement_reference_{call_id}"
    if key not in st.session_state:
        st.session_state[key] = wanted if wanted in options else EQUAL_WEIGHTS
    elif st.session_state[key] not in options:
        st.session_state[key] = EQUAL_WEIGHTS
    return key, options


def _render_reference_choice(column: DeltaGenerator, key: str, options: list[str], call_id: str) -> None:
    """The profile rank changes are measured against, chosen in the settings column."""
    with column:
        chosen = st.selectbox("Évolution des rangs par rapport à", options, key=key, help=REFERENCE_HELP)
    meeting.set_reference_profile(call_id, chosen)


def _reference_ranking(store: Store, actor: Actor, inputs: DecisionInputs) -> tuple[str, scoring.RankResult | None]:
    """The reference profile's name and ranking (None, with a warning, when it cannot rank the call)."""
    name, profile = meeting.reference_profile(store, actor, inputs)
    try:
        return name, meeting.ranking(inputs, profile)
    except scoring.ScoringError as error:
        st.warning(md_format("Le profil de référence « {} » ne permet pas de classer l'appel : {}", name, error))
        return name, None


def _render_headline(column: DeltaGenerator, table: pd.DataFrame, profile: WeightProfile,
                     ineligible: pd.DataFrame, derogations: pd.DataFrame) -> None:
    """The leader and the three counts, in the top column."""
    leader = table.iloc[0]
    with column:
        st.caption(md_format("En tête : **{}** · {} {}", leader["display_name"], mv.score_label(profile.method).lower(),
                             fr_number(leader["score"], mv.score_decimals(profile.method))))
        columns = st.columns(3)
        columns[0].metric("Dossiers classés", fr_number(len(table)))
        columns[1].metric("Non éligibles", fr_number(len(ineligible)))
        columns[2].metric("Dérogations à examiner", fr_number(len(derogations)))


def _render_settings_caption(call: CallData, profile: WeightProfile, result: scoring.RankResult,
                             reference_name: str) -> None:
    """The call, method, weighting and reference the ranking uses."""
    mode = profile.weighting.get("mode", "equal")
    st.caption(md(f"{call.label} · méthode : {METHOD_LABELS.get(profile.method, profile.method)}"
                  + (f" (v = {fr_number(profile.v, 2)})" if profile.method == "vikor" else "")
                  + f" · pondération : {WEIGHTING_LABELS.get(mode, mode)} · {len(result.weights)} critères · "
                  f"référence des évolutions : {reference_name}"
                  + (" · Q VIKOR : plus bas = meilleur" if profile.method == "vikor" else "")))


def _render_filters(table: pd.DataFrame) -> mv.RankingFilters:
    """The display filters, in an expander."""
    options = mv.filter_options(table)
    with st.expander("Filtres d'affichage (les rangs restent ceux de tout l'appel)", expanded=False):
        first = st.columns(3)
        regions = first[0].multiselect("Région", options["regions"], key="classement_f_region", placeholder="Toutes")
        concepts = first[1].multiselect("Concept d'antenne", options["concepts"], key="classement_f_concept",
                                        placeholder="Tous")
        sectors = first[2].multiselect("Filière", options["sectors"], key="classement_f_sector",
                                       placeholder="Toutes")
        second = st.columns(3)
        acv = second[0].selectbox("Action cœur de ville", list(YES_NO), key="classement_f_acv")
        ti = second[1].selectbox("Territoire d'industrie", list(YES_NO), key="classement_f_ti")
        overseas = second[2].selectbox("Outre-mer", list(YES_NO), key="classement_f_overseas")
    return mv.RankingFilters(tuple(regions), YES_NO[acv], YES_NO[ti], YES_NO[overseas], tuple(concepts),
                             tuple(sectors))


def _render_table(table: pd.DataFrame, filters: mv.RankingFilters, method: str, reference_name: str) -> pd.DataFrame:
    """The ranking's rows that pass the filters; returns them."""
    shown = mv.filter_ranking(table, filters)
    if filters.active:
        st.caption(f"{fr_number(len(shown))} dossier(s) affiché(s) sur {fr_number(len(table))}.")
    if projection_on():  # a static table in large type, every row in the page
        st.table(md_frame(mv.ranking_display(shown, method).drop(columns=["Éligibilité", "N° dossier"])
                          .set_index("Rang")))
        return shown
    display = mv.ranking_display(shown, method)
    score = mv.score_label(method)
    display[score] = shown["score"].to_numpy(dtype=float)  # a number shown in French: it sorts as one
    st.dataframe(french_numbers(display, {score: mv.score_decimals(method)}), hide_index=True,
                 key="classement_table", width="stretch", height=min(36 * (len(shown) + 1) + 3, 560),
                 column_config={"Rang": st.column_config.NumberColumn(format="%d", width="small"),
                                "Dossier": st.column_config.TextColumn(width="large", pinned=True),
                                "Évolution": st.column_config.TextColumn(
                                    help=md_format("Places gagnées (▲) ou perdues (▼) par rapport à « {} »",
                                                   reference_name))})
    return shown


def _render_derogation_notice(derogations: pd.DataFrame) -> None:
    """The dossiers ranked subject to a jury decision, in one line."""
    if derogations.empty:
        return
    st.info(md(f"{fr_number(len(derogations))} dossier(s) classé(s) sous réserve (« dérogation à examiner ») : "
               + " ; ".join(f"{name} — {reason}" for name, reason in
                            zip(derogations["Dossier"], derogations[mv.DEROGATION_REASON], strict=True))))


def _render_contributions(result: scoring.RankResult, table: pd.DataFrame, shown: pd.DataFrame,
                          labels: dict[str, str]) -> None:
    """Each criterion's contribution to the score of the first dossiers shown."""
    st.subheader("Contribution de chaque critère")
    if shown.empty:
        st.caption("Aucun dossier ne correspond aux filtres.")
        return
    count = len(shown)
    if count > 5:
        with hidden_in_projection("classement_chart_n"):
            count = st.slider("Dossiers dans le graphique", 5, min(count, 85), min(count, 20),
                              key="classement_chart_n")
    ids = shown.index[:count].tolist()
    contributions, caption_md = mv.contribution_frame(result, ids)   # a caption of ours
    ranks, display_names = table["rank"], table["display_name"]
    names = [f"{int(ranks[d])}. {mv.short_text(display_names[d], 50)}" for d in ids]
    st.plotly_chart(charts.contributions_bar(contributions, names, labels,
                                             "Q : S = somme des segments" if result.method == "vikor"
                                             else "Contribution"),
                    key="classement_contributions", width="stretch", config=CHART_CONFIG)
    st.caption(caption_md)


def _render_out_of_ranking(ineligible: pd.DataFrame, derogations: pd.DataFrame) -> None:
    """The ineligible dossiers, and those whose eligibility the jury must decide."""
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


def _report_choices(page: meeting.MeetingPage, saved: object, result: scoring.RankResult,
                    forcings: pd.DataFrame) -> ShortlistChoices:
    """The shortlist the report holds: the séance's official constraints, else the person's own
    from /liste-restreinte (`saved`), else the page's defaults."""
    if page.shows_official and page.official is not None:
        return page.official.choices
    return saved if isinstance(saved, ShortlistChoices) else default_choices(page.inputs, result, forcings)


def _render_report(page: meeting.MeetingPage, result: scoring.RankResult) -> None:
    """« Télécharger en PDF »: the ranking report (the file of `jury rapport`), written when clicked.
    The click runs outside the page's script: what it needs of the session is read here."""
    st.subheader("Rapport")
    store, actor, call_id = page.store, page.actor, page.call.call_id
    official = page.official if page.shows_official else None
    saved = st.session_state.get(choices_key(call_id))
    aggregation = st.session_state.get("aggregation", AggregationSettings())
    content_hash = meeting.content_hash(store)
    at = datetime.now().replace(microsecond=0)
    scope = official.scope if official is not None else meeting_service.export_scope(actor)
    file_name = reports.report_file_name(call_id, scope, at)

    def build() -> bytes:
        forcings = official.forcings if official is not None else store.forcings(actor, call_id)
        choices = _report_choices(page, saved, result, forcings)
        request = reports.page_report_request(store, actor, page.call, page.inputs, page.profile, choices, forcings,
                                              aggregation=aggregation, official_settings=official,
                                              content_hash=content_hash)
        return reports.build_report(request, at)

    offer_download(actor, "Télécharger en PDF", build, file_name=file_name, mime=reports.PDF,
                   key=f"classement_report_{call_id}", icon=":material/picture_as_pdf:")
    st.caption(md_format("« {} » : la liste restreinte ({}), ses chiffres clés, contraintes et échanges, les "
                         "décisions, la pondération, les contributions, le classement complet et les empreintes.",
                         file_name, "contraintes officielles de la séance" if official is not None
                         else "vos contraintes de la page Liste restreinte, sinon celles par défaut"))


def main() -> None:
    """The page: headline, settings, filters, table, contributions, dossiers out of the ranking."""
    page = meeting.open_meeting_page("Classement")
    store, actor, call, inputs, profile = page.store, page.actor, page.call, page.inputs, page.profile
    reference_key, reference_options = _reference_options(store, actor, inputs.call_id)
    result = ranking_or_stop(inputs, profile)
    ineligible = mv.ineligible_table(inputs)
    derogations = mv.derogation_table(inputs)
    with hidden_in_projection("classement_settings"):
        top, settings = st.columns([3, 2])
        _render_reference_choice(settings, reference_key, reference_options, inputs.call_id)
        reference_name, reference = _reference_ranking(store, actor, inputs)
        table = decision.ranking_table(inputs, result, reference)
        _render_headline(top, table, profile, ineligible, derogations)
        _render_settings_caption(call, profile, result, reference_name)
        filters = _render_filters(table)
    shown = _render_table(table, filters, profile.method, reference_name)
    _render_derogation_notice(derogations)
    _render_contributions(result, table, shown, mv.criterion_labels(inputs, limit=40))
    _render_out_of_ranking(ineligible, derogations)
    with hidden_in_projection("classement_report"):
        _render_report(page, result)


main()
