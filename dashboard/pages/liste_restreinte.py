"""Liste restreinte: the balanced shortlist on the current ranking, the dossiers
the president forces in or out, the jury's decisions and the workbook export.

Once the call has a séance, its official constraints and forcings are shown (the
president changes them while it is open, each change a version) and the export is the
official one; an « essai personnel » works on the person's own constraints instead.

The logic lives in `dashboard.core.shortlist` and the export in
`dashboard.services.meeting` (the same path as `jury export`); this page
reads the widgets, calls them and the store, and draws. The current
shortlist is kept in `st.session_state["shortlist_<call_id>"]` (see
`dashboard.ui.session.shortlist_key`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

import scoring
from dashboard.core import shortlist as ms
from dashboard.core.decision import AggregationSettings, DecisionInputs
from dashboard.core.formatting import fr_number, fr_percent
from dashboard.core.labels import FORCING_ACTIONS, METHOD_LABELS
from dashboard.core.text import md, md_format, md_frame
from dashboard.core.votes import DECISIONS, Tally
from dashboard.errors import JuryError
from dashboard.services import meeting as meeting_service
from dashboard.services import reports
from dashboard.store.access import may
from dashboard.ui import meeting
from dashboard.ui.decisions import decision_form
from dashboard.ui.downloads import offer_download
from dashboard.ui.meeting import MeetingPage, open_meeting_page, ranking
from dashboard.ui.projection import hidden_in_projection
from dashboard.ui.server import show_refusal
from dashboard.ui.session import choices_key, shortlist_key
from scoring import ScoringError
from scoring.shortlist import ShortlistResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Regions:
    """The régions with an eligible dossier that the two « toutes les régions » switches cover."""

    metropolitan: list[str]
    every: list[str]


@st.cache_data(show_spinner=False, max_entries=64)
def _solve(_inputs: DecisionInputs, inputs_key: str, fingerprint: str, _ranking: scoring.RankResult,
           size: int, constraints_json: str) -> ShortlistResult:
    return ms.solve_shortlist(_inputs, _ranking, size, json.loads(constraints_json))


@st.cache_data(show_spinner=False, max_entries=16)
def _defaults(_inputs: DecisionInputs, inputs_key: str, fingerprint: str, _ranking: scoring.RankResult,
              _forcings: pd.DataFrame, forcings_key: str) -> ms.ShortlistChoices:
    return ms.default_choices(_inputs, _ranking, _forcings)


def _current_ranking(page: MeetingPage) -> scoring.RankResult:
    """The ranking under the current profile; the page stops when there is none."""
    try:
        ranked = ranking(page.inputs, page.profile)
    except ScoringError as exc:
        st.error(md(exc))
        st.stop()
    if ranked.scores.empty:
        st.info("Aucun dossier éligible dans cet appel : pas de liste restreinte possible.")
        st.stop()
    method = METHOD_LABELS.get(page.profile.method, page.profile.method)
    st.caption(md_format("{} · classement courant : {}, {} dossiers éligibles (poids réglés sur la page "
                         "Pondération).", page.call.label, method, fr_number(len(ranked.scores))))
    return ranked


# ----------------------------------------------------------------------------- constraints


def _saved_choices(page: MeetingPage, ranked: scoring.RankResult, forcings: pd.DataFrame) -> ms.ShortlistChoices:
    """The choices the widgets start from: this session's last ones, else the defaults."""
    key = choices_key(page.call.call_id)
    if key not in st.session_state:
        forcings_key = repr(sorted(zip(forcings["dossier_id"], forcings["kind"], strict=True)))
        st.session_state[key] = _defaults(page.inputs, page.inputs.cache_key, page.profile.fingerprint(),
                                          ranked, forcings, forcings_key)
    saved: ms.ShortlistChoices = st.session_state[key]
    return saved


def _render_constraints(page: MeetingPage, saved: ms.ShortlistChoices, eligible_count: int,
                        regions: Regions) -> ms.ShortlistChoices:
    """The constraint widgets; the choices they hold, without forcings (the store keeps those).
    Official settings are shown for one version (their widgets' keys name it), read-only unless
    the president changes them."""
    st.subheader("Contraintes")
    call_id = page.call.call_id
    suffix = f"_o{page.official.settings.version}" if page.shows_official and page.official is not None else ""
    locked = page.shows_official and not page.edits_official
    columns = st.columns(5)
    size = columns[0].number_input("Taille de la liste (N)", min_value=1, max_value=eligible_count,
                                   value=min(saved.size, eligible_count), step=1, key=f"sl_size_{call_id}{suffix}",
                                   disabled=locked,
                                   help="Par défaut, le nombre de lauréats historiques de l'appel (sinon 10).")
    every_metro_region = columns[1].toggle(
        f"Toutes les régions métropolitaines ({fr_number(len(regions.metropolitan))})",
        value=saved.every_metro_region, disabled=locked, key=f"sl_every_metro_region_{call_id}{suffix}",
        help=md_format("Au moins un dossier dans chacune des {} régions métropolitaines (Corse comprise) ayant un "
                       "dossier éligible : {}.", len(regions.metropolitan), ", ".join(regions.metropolitan)))
    every_region = columns[1].toggle(
        f"Toutes les régions ({fr_number(len(regions.every))})", value=saved.every_region, disabled=locked,
        key=f"sl_every_region_{call_id}{suffix}",
        help=md_format("Au moins un dossier dans chacune des {} régions, métropolitaines et d'outre-mer, ayant un "
                       "dossier éligible : {}. Une collectivité d'outre-mer (Saint-Martin) n'est pas une région : "
                       "elle compte dans le minimum d'outre-mer.", len(regions.every), ", ".join(regions.every)))
    min_overseas = columns[2].number_input("Minimum d'outre-mer", min_value=0, max_value=eligible_count,
                                           value=min(saved.min_overseas, eligible_count), step=1, disabled=locked,
                                           key=f"sl_min_overseas_{call_id}{suffix}",
                                           help="Régions et collectivités d'outre-mer ; 6 des 55 lauréats de "
                                                "l'AMI 1.")
    ti_percent = columns[3].slider("Part minimale en Territoires d'industrie", min_value=0, max_value=100,
                                   value=round(100 * saved.min_ti_share), step=1, format="%d %%",
                                   key=f"sl_ti_share_{call_id}{suffix}", disabled=locked,
                                   help="67 % des lauréats de l'AMI 1 étaient en Territoires d'industrie.")
    max_per_region = columns[4].number_input("Maximum par région (0 : sans limite)", min_value=0,
                                             max_value=eligible_count, value=min(saved.max_per_region or 0,
                                                                                 eligible_count),
                                             step=1, key=f"sl_max_region_{call_id}{suffix}", disabled=locked)
    return ms.ShortlistChoices(size=int(size), every_region=bool(every_region),
                               every_metro_region=bool(every_metro_region), min_overseas=int(min_overseas),
                               min_ti_share=ti_percent / 100, max_per_region=int(max_per_region) or None)


def _change_official_choices(page: MeetingPage, widgets: ms.ShortlistChoices,
                             saved: ms.ShortlistChoices) -> ms.ShortlistChoices:
    """The president's constraint widgets on the official settings: a change the person made becomes
    the next version; otherwise the official constraints stay as the séance holds them."""
    official = page.official
    assert official is not None
    changed = [line for line in ms.describe_choices(widgets, page.inputs)
               if line not in ms.describe_choices(saved, page.inputs)]
    change = "contraintes : " + ("; ".join(changed) or "sans limite par région")
    written = meeting.change_official(
        page, "contraintes", json.dumps(widgets.to_settings(), sort_keys=True),
        lambda: page.store.set_official_choices(page.actor, official.seance.seance_id, widgets.to_settings(),
                                                official.settings.version, change))
    return widgets if written else saved


# ----------------------------------------------------------------------------- forcings


def _render_forcing_form(page: MeetingPage, ranked: scoring.RankResult, names: dict[str, str]) -> None:
    """The president's form to force a dossier in or out, with its justification."""
    call_id = page.call.call_id
    ordered = list(ranked.ranks.sort_values(kind="stable").index)
    with st.form(f"forcing_form_{call_id}", clear_on_submit=True):
        form_columns = st.columns([3, 2])
        dossier = form_columns[0].selectbox(
            "Dossier", ordered, key=f"forcing_dossier_{call_id}",
            format_func=lambda d: f"{int(ranked.ranks[d])}. {names.get(d, d)}")
        kind = form_columns[1].radio("Forçage", list(FORCING_ACTIONS), format_func=FORCING_ACTIONS.get,
                                     horizontal=True, key=f"forcing_kind_{call_id}")
        justification = st.text_area("Justification (obligatoire, conservée au journal)",
                                     key=f"forcing_justification_{call_id}")
        submitted = st.form_submit_button("Enregistrer le forçage", key=f"forcing_submit_{call_id}")
    if submitted:
        try:
            page.store.set_forcing(page.actor, call_id, dossier, kind, justification or "")
        except JuryError as exc:
            show_refusal(exc)
        else:
            st.success(md_format("« {} » : {} — enregistré.", names.get(dossier, dossier),
                                 FORCING_ACTIONS[kind].lower()))


def _render_release(page: MeetingPage, forcings: pd.DataFrame, names: dict[str, str]) -> None:
    """The president's control to lift a forcing."""
    call_id = page.call.call_id
    release_columns = st.columns([3, 1])
    released = release_columns[0].selectbox(
        "Lever le forçage de", list(forcings["dossier_id"]), key=f"release_dossier_{call_id}",
        format_func=lambda d: names.get(d, d))
    if release_columns[1].button("Lever le forçage", key=f"release_{call_id}"):
        try:
            page.store.set_forcing(page.actor, call_id, released, None)
        except JuryError as exc:
            show_refusal(exc)
        else:
            st.success(md_format("Forçage levé : « {} ».", names.get(released, released)))


def _render_forcings(page: MeetingPage, ranked: scoring.RankResult, names: dict[str, str]) -> pd.DataFrame:
    """The forced dossiers (and the president's controls); the stored forcings after any change."""
    st.subheader("Dossiers imposés ou écartés")
    actor, call_id = page.actor, page.call.call_id
    # Forcings are the séance's while it is open: the president sets them there, not in an essai.
    may_force = may(actor, "force_dossier") and (page.official is None or page.edits_official)
    if may_force:
        _render_forcing_form(page, ranked, names)
    forcings = _forcings(page)
    if forcings.empty:
        st.caption("Aucun dossier imposé ni écarté.")
        return forcings
    st.dataframe(ms.forcings_table(page.inputs, forcings), width="stretch", key=f"forcings_table_{call_id}")
    if may_force:
        _render_release(page, forcings, names)
        forcings = _forcings(page)
    return forcings


def _forcings(page: MeetingPage) -> pd.DataFrame:
    """The forcings in use: a closed séance's official ones, else the call's as stored."""
    if page.shows_official and page.official is not None and not page.official.seance.is_open:
        return page.official.forcings
    return page.store.forcings(page.actor, page.call.call_id)


def _with_forcings(choices: ms.ShortlistChoices, forcings: pd.DataFrame) -> ms.ShortlistChoices | None:
    """The choices united with the stored forcings (`ShortlistChoices.with_forcings`, the rule
    `jury export` follows too); None, with the French refusal shown, when they contradict each other."""
    try:
        return choices.with_forcings(forcings)
    except ValueError as exc:
        st.error(md(exc))
        return None


# ----------------------------------------------------------------------------- selection


def _render_metrics(inputs: DecisionInputs, result: ShortlistResult, regions: Regions) -> None:
    chosen = ms.shortlist_attributes(inputs).loc[[str(i) for i in result.selected]]
    metrics = st.columns(5)
    metrics[0].metric("Score cédé", fr_number(result.objective_lost, 3),
                      help="Écart entre le score total des N premiers et celui de la sélection.")
    metrics[1].metric("Échanges", fr_number(len(result.swaps)))
    metrics[2].metric("Régions représentées",
                      f"{fr_number(chosen['region'].nunique())} / {fr_number(len(regions.every))}",
                      help=f"Dont {fr_number(chosen['metro_region'].nunique())} / "
                           f"{fr_number(len(regions.metropolitan))} régions métropolitaines ; les collectivités "
                           "d'outre-mer comptent dans l'outre-mer, pas parmi les régions.")
    metrics[3].metric("Outre-mer", fr_number(int(chosen["overseas"].sum())))
    metrics[4].metric("Territoires d'industrie", fr_percent(chosen["ti"].mean()))


def _render_result(inputs: DecisionInputs, ranked: scoring.RankResult, result: ShortlistResult,
                   size: int, regions: Regions) -> None:
    """A feasible shortlist: its figures, the selection, the swaps and the constraints that cost."""
    call_id = inputs.call_id
    st.info(md(ms.name_dossiers(result.message, inputs)))
    _render_metrics(inputs, result, regions)
    # A static table: readable on the projector, and every row is in the page (and the workbook).
    st.table(md_frame(ms.selection_table(inputs, ranked, result)))
    if result.swaps:
        st.markdown(f"**Échanges par rapport aux {fr_number(size)} premiers**")
        st.table(md_frame(ms.swaps_table(inputs, ranked, result).set_index("Entre")))
    if result.binding:
        st.markdown("**Contraintes qui coûtent** (score cédé si on la retire)")
        st.dataframe(ms.binding_table(inputs, result), hide_index=True, width="stretch", key=f"binding_{call_id}")
    with st.expander("Toutes les contraintes"):
        st.dataframe(ms.constraints_table(inputs, result), hide_index=True, width="stretch",
                     key=f"constraints_{call_id}")


def _render_selection(page: MeetingPage, ranked: scoring.RankResult, choices: ms.ShortlistChoices,
                      constraints: dict[str, Any], regions: Regions) -> ShortlistResult | None:
    """The solved shortlist (None when the engine refuses the constraints)."""
    st.subheader("Sélection")
    inputs = page.inputs
    try:
        result: ShortlistResult = _solve(inputs, inputs.cache_key, page.profile.fingerprint(), ranked, choices.size,
                                         json.dumps(constraints, sort_keys=True))
    except ScoringError as exc:
        st.error(md(ms.name_dossiers(str(exc), inputs)))
        return None
    if not result.feasible:
        st.error(md(ms.name_dossiers(result.message, inputs)))
    else:
        _render_result(inputs, ranked, result, choices.size, regions)
    return result


def _keep_shortlist(page: MeetingPage, choices: ms.ShortlistChoices, constraints: dict[str, Any],
                    result: ShortlistResult | None) -> list[str]:
    """Keep the current shortlist in the session (for the other pages); its selected ids."""
    selected = [str(i) for i in result.selected] if result is not None and result.feasible else []
    st.session_state[shortlist_key(page.call.call_id)] = {
        "selected": selected,
        "size": choices.size,
        "constraints": constraints,
        "choices": choices,
        "result": result,
        "profile": page.profile.fingerprint(),
        "inputs": page.inputs.cache_key,
    }
    return selected


# ----------------------------------------------------------------------------- decisions


def _open_seance_vote(page: MeetingPage, dossier_id: str) -> Tally | None:
    """The tally of the dossier's latest closed vote in the call's open séance (what a decision
    recorded now carries), None without one."""
    official = page.official
    if official is None or not official.seance.is_open:
        return None
    vote = page.store.latest_closed_vote(page.actor, official.seance.seance_id, dossier_id)
    return None if vote is None else vote.tally


def _render_decision_form(page: MeetingPage, ranked: scoring.RankResult, selected: list[str],
                          decisions: pd.DataFrame, names: dict[str, str]) -> None:
    """The president's form, one dossier at a time: the dossier, its decision and motivation."""
    call_id = page.call.call_id
    ordered = [*ranked.ranks.sort_values(kind="stable").index.astype(str),
               *(d for d in page.inputs.attributes.index.astype(str) if d not in ranked.ranks.index)]
    current = decisions.set_index("dossier_id") if not decisions.empty else pd.DataFrame()

    def shown(dossier: str) -> str:
        rank = f"{int(ranked.ranks[dossier])}. " if dossier in ranked.ranks.index else "non classé · "
        state = f" — {current.at[dossier, 'decision']!s}" if dossier in current.index else ""
        return f"{rank}{names.get(dossier, dossier)}{state}"

    dossier = str(st.selectbox("Dossier", ordered, key=f"decision_dossier_{call_id}", format_func=shown))
    recorded = current.loc[dossier] if dossier in current.index else None
    assert recorded is None or isinstance(recorded, pd.Series)  # one row per dossier
    decision_form(page.store, page.actor, call_id, dossier, names.get(dossier, dossier), current=recorded,
                  tally=_open_seance_vote(page, dossier), suggestion="retenu" if dossier in selected else "non retenu",
                  key=f"decision_{call_id}_{dossier}")


def _render_decisions(page: MeetingPage, ranked: scoring.RankResult, selected: list[str],
                      names: dict[str, str]) -> None:
    st.subheader("Décisions")
    store, actor, call_id = page.store, page.actor, page.call.call_id
    if may(actor, "record_decision"):
        st.caption("Choisissez un dossier : le formulaire part de sa décision enregistrée, sinon de la sélection "
                   "(« retenu » dans la liste, « non retenu » hors de la liste). Chaque décision demande une "
                   "motivation ; en séance, elle porte le décompte du dernier vote sur le dossier.")
        _render_decision_form(page, ranked, selected, store.decisions(actor, call_id), names)
    recorded = ms.decisions_table(page.inputs, store.decisions(actor, call_id))
    if recorded.empty:
        st.caption("Aucune décision enregistrée pour cet appel.")
        return
    counts = recorded["Décision"].value_counts()
    st.caption(" · ".join(f"{md(d)} : {fr_number(int(counts.get(d, 0)))}" for d in DECISIONS))
    st.dataframe(recorded, width="stretch", key=f"decisions_{call_id}")


# ----------------------------------------------------------------------------- export


def _anonymisation_choice(page: MeetingPage) -> tuple[bool, bool]:
    """(anonymise, keep the recusal motives): the second switch is the administration's alone."""
    call_id = page.call.call_id
    anonymise = st.toggle("Anonymiser les jurés (J1, J2… tirés au hasard)", value=False,
                          key=f"export_anonymise_{call_id}",
                          help="Noms, identifiants et organisations des jurés retirés, auteurs des décisions "
                               "masqués, motifs de récusation remplacés par « motif non communiqué ». "
                               "Les commentaires sont reproduits tels quels et peuvent révéler leur auteur.")
    if not anonymise or not may(page.actor, "manage_recusals"):
        return bool(anonymise), False
    keep = st.toggle("Garder les motifs de récusation", value=False, key=f"export_keep_motives_{call_id}")
    return True, bool(keep)


def _render_export(page: MeetingPage, ranked: scoring.RankResult, result: ShortlistResult | None,
                   constraints: dict[str, Any], forcings: pd.DataFrame) -> None:
    """The workbook's download button: the same request and writer as `jury export`."""
    st.subheader("Export")
    if result is None or not result.feasible:
        st.caption("Le classeur s'exporte une fois la liste restreinte calculée.")
        return
    store, call_id = page.store, page.call.call_id
    anonymise, keep_motives = _anonymisation_choice(page)
    request = meeting_service.export_request(
        store, page.actor, page.call, page.inputs, page.profile, ranked, result, constraints, forcings,
        aggregation=st.session_state.get("aggregation", AggregationSettings()), anonymise=anonymise,
        keep_motives=keep_motives, content_hash=meeting.content_hash(store),
        official_settings=page.official if page.shows_official else None)
    # The name and the manifest carry the same time: when this export was prepared.
    at = datetime.now().replace(microsecond=0)
    file_name = meeting_service.export_file_name(request, at)
    columns = st.columns(2)
    with columns[0]:
        offer_download(page.actor, "Exporter le classeur", partial(meeting_service.build_export, request, at),
                       file_name=file_name, mime=XLSX, key=f"export_{call_id}", primary=True)
    with columns[1]:
        offer_download(page.actor, "Télécharger en PDF", partial(reports.build_report, request, at),
                       file_name=reports.report_file_name(call_id, request.scope, at), mime=reports.PDF,
                       key=f"report_{call_id}", icon=":material/picture_as_pdf:")
    st.caption(md_format("Classeur « {} » : liste restreinte, classement complet, pondérations, notes du jury, "
                         "contraintes et manifeste de reproductibilité ; PDF : le rapport à imprimer (liste, "
                         "chiffres clés, échanges, décisions, classement complet, empreintes). {}", file_name,
                         request.nature))


def main() -> None:
    page = open_meeting_page("Liste restreinte")
    ranked = _current_ranking(page)
    names = page.inputs.display_names
    regions = Regions(metropolitan=ms.regions_with_eligible(page.inputs, metropolitan=True),
                      every=ms.regions_with_eligible(page.inputs))
    if page.shows_official and page.official is not None:
        saved = page.official.choices
    else:
        saved = _saved_choices(page, ranked, page.store.forcings(page.actor, page.call.call_id))
    # In projection mode the inputs are hidden (still drawn, so that they hold): the list comes first.
    with hidden_in_projection("shortlist_inputs"):
        widgets = _render_constraints(page, saved, len(ranked.scores), regions)
        if page.edits_official:
            widgets = _change_official_choices(page, widgets, saved)
        forcings = _render_forcings(page, ranked, names)
    choices = _with_forcings(widgets, forcings)
    if choices is None:
        st.stop()
    if not page.shows_official:
        st.session_state[choices_key(page.call.call_id)] = choices
    constraints = choices.to_constraints()
    result = _render_selection(page, ranked, choices, constraints, regions)
    selected = _keep_shortlist(page, choices, constraints, result)
    with hidden_in_projection("shortlist_decisions"):
        _render_decisions(page, ranked, selected, names)
        _render_export(page, ranked, result, constraints, forcings)


main()
