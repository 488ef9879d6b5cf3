"""Notation: a juror rates the dossiers of the call they are not recused from.

The versions of the ratings shown are remembered when a dossier's form is
first drawn; a save against values changed elsewhere (another window, another
session) is refused with the current values, never silently overwritten.
"""

from __future__ import annotations

import streamlit as st

from dashboard.core.formatting import fr_number
from dashboard.errors import AccessDenied, StaleWrite
from dashboard.store import RatingEntry
from dashboard.ui.session import current_call
from dashboard.ui.widgets import dossier_card

SCORES = [1, 2, 3, 4, 5]
SCORE_HELP = "1 : très insuffisant · 2 : insuffisant · 3 : correct · 4 : bon · 5 : excellent"

store, actor, call = current_call("jure", "president")
st.title("Notation")
if call is None:
    st.stop()

criteria = call.criteria[call.criteria["criterion_group"] == "jury"].sort_values("position")
criterion_ids = criteria["criterion_id"].tolist()

requested = st.query_params.get("dossier")
if requested:
    try:
        store.check_may_rate(actor, requested)
    except AccessDenied as refused:
        st.error(str(refused))
        st.query_params.clear()
        st.stop()

to_rate = store.dossiers_to_rate(actor, call.call_id)
own = store.own_ratings(actor, call.call_id)
rated = own.groupby("dossier_id")["criterion_id"].nunique() if not own.empty else None
complete = {d for d in to_rate["dossier_id"] if rated is not None and rated.get(d, 0) >= len(criterion_ids)}

done, total = len(complete), len(to_rate)
st.metric("Dossiers complets", f"{fr_number(done)} / {fr_number(total)}")
st.progress(done / total if total else 0.0)
recused_count = len(store.recused_dossier_ids(actor, call.call_id))
if recused_count:
    st.caption(f"Vous êtes récusé·e pour {fr_number(recused_count)} dossier(s) de cet appel : "
               "ils n'apparaissent pas ici.")

only_todo = st.toggle("À compléter seulement", key="notation_todo")
options = [d for d in to_rate["dossier_id"] if not (only_todo and d in complete)]
if not options:
    st.success("Tous vos dossiers de cet appel sont notés.")
    st.stop()
names = dict(zip(to_rate["dossier_id"], to_rate["display_name"]))
index = options.index(requested) if requested in options else 0
chosen = st.selectbox("Dossier", options, index=index, key="notation_dossier",
                      format_func=lambda d: f"{'✓ ' if d in complete else ''}{d} — {names[d]}",
                      # the address follows the choice, so it can be shared or bookmarked
                      on_change=lambda: st.query_params.update(dossier=st.session_state["notation_dossier"]))

mine = own[own["dossier_id"] == chosen].set_index("criterion_id")
loaded_key = f"notation_loaded_{chosen}"


def load_form(dossier_id: str) -> None:
    """Fill the form with the stored values and remember their versions."""
    current = store.own_ratings(actor, call.call_id)
    current = current[current["dossier_id"] == dossier_id].set_index("criterion_id")
    st.session_state[f"notation_loaded_{dossier_id}"] = {
        c: (int(current.loc[c, "version"]) if c in current.index else None) for c in criterion_ids}
    for c in criterion_ids:
        st.session_state[f"score_{dossier_id}_{c}"] = int(current.loc[c, "score"]) if c in current.index else None
        comment = current.loc[c, "comment"] if c in current.index else None
        st.session_state[f"comment_{dossier_id}_{c}"] = comment if isinstance(comment, str) else ""


if loaded_key not in st.session_state:
    load_form(chosen)

card, form_column = st.columns([3, 2], gap="large")
with card:
    dossier_card(to_rate.set_index("dossier_id").loc[chosen], call.values, call.criteria)

with form_column:
    st.markdown(f"#### Vos notes\n{SCORE_HELP}")
    with st.form(f"notation_form_{chosen}"):
        for criterion in criteria.itertuples():
            st.radio(f"{criterion.criterion_id} — {criterion.label}", SCORES, horizontal=True,
                     key=f"score_{chosen}_{criterion.criterion_id}")
            st.text_input("Commentaire (facultatif)", key=f"comment_{chosen}_{criterion.criterion_id}",
                          label_visibility="collapsed", placeholder="Commentaire (facultatif)")
        submitted = st.form_submit_button("Enregistrer", type="primary")

    if submitted:
        loaded = st.session_state[loaded_key]
        entries = [
            RatingEntry(c, int(st.session_state[f"score_{chosen}_{c}"]), st.session_state[f"comment_{chosen}_{c}"],
                        loaded.get(c))
            for c in criterion_ids if st.session_state[f"score_{chosen}_{c}"] is not None
        ]
        if not entries:
            st.warning("Aucune note saisie.")
        else:
            try:
                versions = store.save_ratings(actor, chosen, entries)
            except StaleWrite as stale:
                st.session_state["notation_stale"] = str(stale)
            except AccessDenied as refused:
                st.error(str(refused))
                st.stop()
            else:
                st.session_state[loaded_key] = {**loaded, **versions}
                st.session_state.pop("notation_stale", None)
                st.toast(f"Notes de {names[chosen]} enregistrées.")
                st.rerun()

    stale_message = st.session_state.get("notation_stale")
    if stale_message:
        st.error(stale_message)

        def reload() -> None:
            st.session_state.pop("notation_stale", None)
            load_form(chosen)

        st.button("Recharger les valeurs actuelles", key="notation_reload", on_click=reload)
