"""Liste restreinte: the balanced shortlist on the current ranking, the dossiers
the president forces in or out, the jury's decisions and the workbook export.

The logic lives in `dashboard.core.shortlist`; this page reads the
widgets, calls it and the store, and draws. The current shortlist is kept in
`st.session_state["shortlist_<call_id>"]` (see `dashboard.ui.session.shortlist_key`).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import partial

import pandas as pd
import streamlit as st

import scoring
from dashboard.core import analysis
from dashboard.core import shortlist as ms
from dashboard.core.decision import DecisionInputs
from dashboard.core.formatting import fr_number, fr_percent
from dashboard.core.labels import FORCING_ACTIONS, METHOD_LABELS
from dashboard.errors import JuryError
from dashboard.report import shortlist_workbook as workbook_export
from dashboard.store.access import may
from dashboard.store.store import DECISIONS
from dashboard.ui.meeting import open_meeting_page, ranking
from dashboard.ui.session import shortlist_key
from scoring import ScoringError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=64)
def _solve(_inputs: DecisionInputs, inputs_key: str, fingerprint: str, _ranking: scoring.RankResult,
           size: int, constraints_json: str):
    return ms.solve_shortlist(_inputs, _ranking, size, json.loads(constraints_json))


@st.cache_data(show_spinner=False, max_entries=16)
def _defaults(_inputs: DecisionInputs, inputs_key: str, fingerprint: str, _ranking: scoring.RankResult,
              _forcings: pd.DataFrame, forcings_key: str) -> ms.ShortlistChoices:
    return ms.default_choices(_inputs, _ranking, _forcings)


def _content_hash(store, version: int) -> str:
    """The database content hash, computed once per data version in this session."""
    cached = st.session_state.get("_content_hash")
    if not cached or cached[0] != version:
        cached = (version, store.content_hash())
        st.session_state["_content_hash"] = cached
    return cached[1]


store, actor, call, inputs, profile = open_meeting_page("Liste restreinte")
call_id = call.call_id
president = actor.role == "president"

fingerprint = profile.fingerprint()
try:
    ranked = ranking(inputs, profile)
except ScoringError as exc:
    st.error(str(exc))
    st.stop()
if ranked.scores.empty:
    st.info("Aucun dossier éligible dans cet appel : pas de liste restreinte possible.")
    st.stop()
names = inputs.attributes["display_name"].astype(str).to_dict()
st.caption(f"{call.label} · classement courant : {METHOD_LABELS.get(profile.method, profile.method)}, "
           f"{fr_number(len(ranked.scores))} dossiers éligibles (poids réglés sur la page Pondération).")
eligible_count = len(ranked.scores)
regions = ms.regions_with_eligible(inputs)
forcings = store.forcings(actor, call_id)

# ----------------------------------------------------------------------------- constraints
choices_key = f"shortlist_choices_{call_id}"
if choices_key not in st.session_state:
    st.session_state[choices_key] = _defaults(inputs, inputs.cache_key, fingerprint, ranked, forcings,
                                              repr(sorted(zip(forcings["dossier_id"], forcings["kind"]))))
saved = st.session_state[choices_key]

st.subheader("Contraintes")
columns = st.columns(5)
size = columns[0].number_input("Taille de la liste (N)", min_value=1, max_value=eligible_count,
                               value=min(saved.size, eligible_count), step=1, key=f"sl_size_{call_id}",
                               help="Par défaut, le nombre de lauréats historiques de l'appel (sinon 10).")
every_region = columns[1].toggle("Toutes les régions", value=saved.every_region, key=f"sl_every_region_{call_id}",
                                 help=f"Au moins un dossier dans chacune des {len(regions)} régions ayant un "
                                      "dossier éligible : " + ", ".join(regions) + ".")
min_overseas = columns[2].number_input("Minimum d'outre-mer", min_value=0, max_value=eligible_count,
                                       value=saved.min_overseas, step=1, key=f"sl_min_overseas_{call_id}")
ti_percent = columns[3].slider("Part minimale en Territoires d'industrie", min_value=0, max_value=100,
                               value=int(round(100 * saved.min_ti_share)), step=1, format="%d %%",
                               key=f"sl_ti_share_{call_id}",
                               help="67 % des lauréats de l'AMI 1 étaient en Territoires d'industrie.")
max_per_region = columns[4].number_input("Maximum par région (0 : sans limite)", min_value=0,
                                         max_value=eligible_count, value=saved.max_per_region or 0, step=1,
                                         key=f"sl_max_region_{call_id}")

# ----------------------------------------------------------------------------- forcings
st.subheader("Dossiers imposés ou écartés")
if president:
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
            store.set_forcing(actor, call_id, dossier, kind, justification or "")
        except JuryError as exc:
            st.error(str(exc))
        else:
            st.success(f"« {names.get(dossier, dossier)} » : {FORCING_ACTIONS[kind].lower()} — enregistré.")
            forcings = store.forcings(actor, call_id)
if forcings.empty:
    st.caption("Aucun dossier imposé ni écarté.")
else:
    st.dataframe(ms.forcings_table(inputs, forcings), width="stretch", key=f"forcings_table_{call_id}")
    if president:
        release_columns = st.columns([3, 1])
        released = release_columns[0].selectbox(
            "Lever le forçage de", list(forcings["dossier_id"]), key=f"release_dossier_{call_id}",
            format_func=lambda d: names.get(d, d))
        if release_columns[1].button("Lever le forçage", key=f"release_{call_id}"):
            try:
                store.set_forcing(actor, call_id, released, None)
            except JuryError as exc:
                st.error(str(exc))
            else:
                st.success(f"Forçage levé : « {names.get(released, released)} ».")
                forcings = store.forcings(actor, call_id)

choices = ms.choices_with_forcings(
    ms.ShortlistChoices(size=int(size), every_region=bool(every_region), min_overseas=int(min_overseas),
                        min_ti_share=ti_percent / 100, max_per_region=int(max_per_region) or None),
    forcings)
st.session_state[choices_key] = choices
constraints = choices.to_constraints()

# ----------------------------------------------------------------------------- selection
st.subheader("Sélection")
result = None
try:
    result = _solve(inputs, inputs.cache_key, fingerprint, ranked, choices.size,
                    json.dumps(constraints, sort_keys=True))
except ScoringError as exc:
    st.error(ms.name_dossiers(str(exc), inputs))

selected: list[str] = []
if result is not None and not result.feasible:
    st.error(ms.name_dossiers(result.message, inputs))
elif result is not None:
    selected = [str(i) for i in result.selected]
    chosen = inputs.attributes.loc[selected]
    st.info(ms.name_dossiers(result.message, inputs))
    metrics = st.columns(5)
    metrics[0].metric("Score cédé", fr_number(result.objective_lost, 3),
                      help="Écart entre le score total des N premiers et celui de la sélection.")
    metrics[1].metric("Échanges", fr_number(len(result.swaps)))
    metrics[2].metric("Régions représentées", f"{chosen['region'].nunique()} / {len(regions)}")
    metrics[3].metric("Outre-mer", fr_number(int(chosen["overseas"].sum())))
    metrics[4].metric("Territoires d'industrie", fr_percent(chosen["ti"].mean()))
    # A static table: readable on the projector, and every row is in the page (and the workbook).
    st.table(ms.selection_table(inputs, ranked, result))
    if result.swaps:
        st.markdown(f"**Échanges par rapport aux {choices.size} premiers**")
        st.table(ms.swaps_table(inputs, ranked, result).set_index("Entre"))
    if result.binding:
        st.markdown("**Contraintes qui coûtent** (score cédé si on la retire)")
        st.dataframe(ms.binding_table(inputs, result), hide_index=True, width="stretch",
                     key=f"binding_{call_id}")
    with st.expander("Toutes les contraintes"):
        st.dataframe(ms.constraints_table(inputs, result), hide_index=True, width="stretch",
                     key=f"constraints_{call_id}")

st.session_state[shortlist_key(call_id)] = {
    "selected": selected,
    "size": choices.size,
    "constraints": constraints,
    "choices": choices,
    "result": result,
    "profile": fingerprint,
    "inputs": inputs.cache_key,
}

# ----------------------------------------------------------------------------- decisions
st.subheader("Décisions")
decisions = store.decisions(actor, call_id)
if president:
    round_key = f"decisions_round_{call_id}"
    editor_round = st.session_state.setdefault(round_key, 0)
    drafts = ms.decision_drafts(inputs, ranked, selected, decisions)
    st.caption("Pré-rempli : « retenu » pour la sélection, « non retenu » sinon, ou la décision déjà enregistrée. "
               "Seules les lignes modifiées sont enregistrées ; chaque décision demande une motivation.")
    edited = st.data_editor(
        drafts, key=f"decisions_editor_{call_id}_{editor_round}", width="stretch",
        disabled=["Dossier", "Rang", "Sélection"],
        column_config={
            "Décision": st.column_config.SelectboxColumn("Décision", options=list(DECISIONS), required=True),
            "Motivation": st.column_config.TextColumn("Motivation", width="large"),
            "Sélection": st.column_config.CheckboxColumn("Sélection"),
        })
    if st.button("Enregistrer les décisions", key=f"decisions_save_{call_id}", type="primary"):
        rows = ms.decisions_to_save(drafts, edited)
        saved_count, refused = 0, []
        for dossier_id, decision, rationale in rows:
            try:
                store.record_decision(actor, call_id, dossier_id, decision, rationale)
            except JuryError as exc:
                refused.append(f"{names.get(dossier_id, dossier_id)} : {exc}")
            else:
                saved_count += 1
        if not rows:
            st.warning("Aucune décision modifiée : choisissez une décision et rédigez sa motivation.")
        if saved_count:
            st.success(f"{fr_number(saved_count)} décision(s) enregistrée(s).")
        if refused:
            st.error("Décision(s) refusée(s) :\n\n" + "\n\n".join(f"- {line}" for line in refused))
        elif saved_count:
            st.session_state[round_key] = editor_round + 1
        decisions = store.decisions(actor, call_id)
recorded = ms.decisions_table(inputs, decisions)
if recorded.empty:
    st.caption("Aucune décision enregistrée pour cet appel.")
else:
    counts = recorded["Décision"].value_counts()
    st.caption(" · ".join(f"{d} : {fr_number(int(counts.get(d, 0)))}" for d in DECISIONS))
    st.dataframe(recorded, width="stretch", key=f"decisions_{call_id}")

# ----------------------------------------------------------------------------- export
st.subheader("Export")
calls = store.calls().set_index("call_id")
call_row = {"call_id": call_id, **calls.loc[call_id].to_dict()}
file_name = ms.export_file_name(call_id, call_row.get("results_on"))
if result is None or not result.feasible:
    st.caption("Le classeur s'exporte une fois la liste restreinte calculée.")
else:
    anonymise = st.toggle("Anonymiser les jurés (J1, J2…)", value=False, key=f"export_anonymise_{call_id}")
    profile_name = (ms.matching_profile_name(store.weight_profiles(actor, call_id), profile)
                    or "profil en cours (non enregistré)")

    def build(**arguments) -> bytes:
        """Run on click (Streamlit's deferred download): no store access here."""
        return workbook_export.build_workbook(generated_at=datetime.now(), **arguments)

    build = partial(
        build,
        call=call_row, inputs=inputs, profile=profile, profile_name=profile_name, result=ranked,
        shortlist=result, constraints=constraints, forcings=forcings,
        ratings=store.ratings(actor, call_id) if may(actor, "read_all_ratings") else None,
        decisions=decisions, content_hash=_content_hash(store, store.data_version()), user=actor.login,
        aggregation=st.session_state.get("aggregation"), anonymise=bool(anonymise),
        register=analysis.conflict_register(store.jurors(), store.conflict_declarations(actor, call_id),
                                            store.recusals(actor, call_id), names)
        if actor.role in ("president", "direction", "admin") else None)
    st.download_button("Exporter le classeur", data=build, file_name=file_name, mime=XLSX,
                       key=f"export_{call_id}", on_click="ignore", type="primary")
    st.caption(f"Fichier « {file_name} » : liste restreinte, classement complet, pondérations, notes du jury, "
               "contraintes et manifeste de reproductibilité.")
