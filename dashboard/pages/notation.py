"""Notation: a juror rates the dossiers of the call they are not recused from.

The versions of the ratings shown are remembered when a dossier's form is
filled from the store; a save against values changed elsewhere (another
window, another session) is refused with the current values, never silently
overwritten. The form is filled from the store when it is first drawn, and
again whenever Streamlit has let go of its widgets' values (after another
dossier was shown), never over values the juror is entering. A save says
exactly what it wrote: « 4 critères sur 6 enregistrés », with the scores, the
criteria left to rate, and any comment left unsaved for want of a score.

A juror who is rapporteur of dossiers of the call sees their progress on those first, and finds
them first in the list, marked « Rapporteur · »; when the call's plan reserves the rating to
rapporteurs, a caption says so. The calibration strip (`dashboard.core.calibration`) shows, folded,
how the juror uses the scale beside the other jurors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd
import streamlit as st

from dashboard.core.calibration import NO_SCORES, calibration_table
from dashboard.core.formatting import fr_number
from dashboard.core.text import md, md_format
from dashboard.core.views import rating_save_message
from dashboard.errors import AccessDenied, DiskFullError, StaleWrite, WriteConflictError
from dashboard.services.incidents import refusal_message
from dashboard.services.meeting import CallData
from dashboard.store import RatingEntry, Store
from dashboard.store.access import Actor
from dashboard.ui.documents import render_documents
from dashboard.ui.server import page_address
from dashboard.ui.session import current_call
from dashboard.ui.widgets import dossier_card

SCORES = [1, 2, 3, 4, 5]
SCORE_HELP = "1 : très insuffisant · 2 : insuffisant · 3 : correct · 4 : bon · 5 : excellent"
STALE_KEY = "notation_stale"
CALIBRATION_OPEN = "notation_calibration_open"
RAPPORTEUR_PREFIX = "Rapporteur · "
RAPPORTEURS_ONLY_NOTE = ("Pour cet appel, seuls les rapporteurs d'un dossier le notent : vous ne pouvez noter que "
                         "vos dossiers de rapporteur.")
CALIBRATION_NOTE = ("Vos notes de l'appel à côté de celles des autres jurés, critère par critère (notes comptées, "
                    "hors dossiers dont vous êtes récusé·e) ; dispersion : écart-type des notes.")


@dataclass(frozen=True)
class RatingForm:
    """One dossier's rating form: who rates, on which criteria, and where its widgets keep their values."""

    store: Store
    actor: Actor
    call_id: str
    criteria: dict[str, str]   # id → label of the call's jury criteria, in their order
    dossier_id: str
    dossier_name: str

    @property
    def criterion_ids(self) -> list[str]:
        return list(self.criteria)

    @property
    def loaded_key(self) -> str:
        """Where the versions of the ratings the form was filled with are kept."""
        return f"notation_loaded_{self.dossier_id}"

    def score_key(self, criterion_id: str) -> str:
        return f"score_{self.dossier_id}_{criterion_id}"

    def comment_key(self, criterion_id: str) -> str:
        return f"comment_{self.dossier_id}_{criterion_id}"

    def needs_load(self) -> bool:
        """Whether the form must be filled from the store: never filled, or its widgets' values let go."""
        state = st.session_state
        return self.loaded_key not in state or any(
            self.score_key(c) not in state or self.comment_key(c) not in state for c in self.criterion_ids)

    def load(self) -> None:
        """Fill the form with the stored values and remember their versions."""
        current = self.store.own_ratings(self.actor, self.call_id)
        current = current[current["dossier_id"] == self.dossier_id].set_index("criterion_id")
        versions, scores, comments = current["version"], current["score"], current["comment"]
        st.session_state[self.loaded_key] = {
            c: (int(versions[c]) if c in current.index else None) for c in self.criterion_ids}
        for c in self.criterion_ids:
            st.session_state[self.score_key(c)] = int(scores[c]) if c in current.index else None
            comment = comments[c] if c in current.index else None
            st.session_state[self.comment_key(c)] = comment if isinstance(comment, str) else ""

    def entries(self) -> list[RatingEntry]:
        """The scores entered, with the versions they were loaded at."""
        loaded = st.session_state[self.loaded_key]
        return [
            RatingEntry(c, int(st.session_state[self.score_key(c)]), st.session_state[self.comment_key(c)],
                        loaded.get(c))
            for c in self.criterion_ids if st.session_state[self.score_key(c)] is not None
        ]

    def unscored_comments(self) -> list[str]:
        """The criteria with a comment typed but no score (a comment is saved with its score only)."""
        state = st.session_state
        return [c for c in self.criterion_ids
                if state[self.score_key(c)] is None and state[self.comment_key(c)].strip()]

    @property
    def saved_key(self) -> str:
        """Where the message of the last save is kept, to be shown after the page is redrawn."""
        return f"notation_saved_{self.dossier_id}"


def _jury_criteria(call: CallData) -> pd.DataFrame:
    """The call's jury criteria, in their order."""
    return call.criteria[call.criteria["criterion_group"] == "jury"].sort_values("position")


def _requested_dossier(store: Store, actor: Actor) -> str | None:
    """The dossier the address asks for; the page stops with the refusal when the user may not rate it."""
    requested = st.query_params.get("dossier")
    if requested:
        try:
            store.check_may_rate(actor, requested)
        except AccessDenied as refused:
            st.error(md(refused))
            st.query_params.clear()
            st.stop()
    return requested


def _complete_dossiers(to_rate: pd.DataFrame, own: pd.DataFrame, criteria_count: int) -> set[str]:
    """The dossiers the user has rated on every jury criterion."""
    rated = own.groupby("dossier_id")["criterion_id"].nunique() if not own.empty else None
    return {d for d in to_rate["dossier_id"] if rated is not None and rated.get(d, 0) >= criteria_count}


def _rapporteur_dossiers(store: Store, actor: Actor, call_id: str, to_rate: pd.DataFrame) -> list[str]:
    """The dossiers of the call the user is rapporteur of and may rate, in their order."""
    rateable = set(to_rate["dossier_id"])
    return [d for d in store.rapporteur_dossier_ids(actor, call_id) if d in rateable]


def _render_rapporteur_progress(store: Store, call_id: str, mine: list[str], complete: set[str]) -> None:
    """How many of the user's rapporteur dossiers are complete; whether only rapporteurs rate this call."""
    if mine:
        done = len(complete.intersection(mine))
        st.subheader("Vos dossiers en tant que rapporteur")
        st.metric("Dossiers de rapporteur complets", f"{fr_number(done)} / {fr_number(len(mine))}")
        st.progress(done / len(mine))
    plan = store.rapporteur_plan(call_id)
    if plan is not None and plan.rapporteurs_only:
        st.caption(RAPPORTEURS_ONLY_NOTE)
    if mine:
        st.subheader("Tous vos dossiers de l'appel")


def _render_progress(store: Store, actor: Actor, call_id: str, done: int, total: int) -> None:
    """How many dossiers are complete, and how many the user is recused from."""
    st.metric("Dossiers complets", f"{fr_number(done)} / {fr_number(total)}")
    st.progress(done / total if total else 0.0)
    recused_count = len(store.recused_dossier_ids(actor, call_id))
    if recused_count:
        st.caption(f"Vous êtes récusé·e pour {fr_number(recused_count)} dossier(s) de cet appel : "
                   "ils n'apparaissent pas ici.")


def _render_calibration(store: Store, actor: Actor, call_id: str, labels: dict[str, str]) -> None:
    """How the user uses the scale beside the other jurors, per jury criterion, folded: computed only
    while it is open (every rating rerun would otherwise read the whole call's scores for it)."""
    strip = st.expander("Votre usage de l'échelle (calibrage)", key=CALIBRATION_OPEN, on_change="rerun")
    if not strip.open:
        return
    with strip:
        st.caption(CALIBRATION_NOTE)
        table = calibration_table(store.calibration_scores(actor, call_id), labels)
        if table.empty:
            st.info(NO_SCORES)
        else:
            st.dataframe(table, hide_index=True, width="stretch", key="notation_calibration")


def _render_choice(to_rate: pd.DataFrame, names: dict[str, str], complete: set[str], requested: str | None,
                   mine: list[str]) -> str:
    """The dossier to rate (all, or those to complete), the user's rapporteur dossiers first; the page
    stops when none is left."""
    only_todo = st.toggle("À compléter seulement", key="notation_todo")
    marked = set(mine)
    ordered = mine + [d for d in to_rate["dossier_id"] if d not in marked]
    options = [d for d in ordered if not (only_todo and d in complete)]
    if not options:
        if ordered:
            st.success("Tous vos dossiers de cet appel sont notés.")
        else:
            st.info("Aucun dossier de cet appel n'est à noter pour vous.")
        st.stop()
    index = options.index(requested) if requested in options else 0
    chosen: str = st.selectbox(
        "Dossier", options, index=index, key="notation_dossier",
        format_func=lambda d: (f"{'✓ ' if d in complete else ''}{RAPPORTEUR_PREFIX if d in marked else ''}"
                               f"{d} — {names[d]}"),
        # the address follows the choice, so it can be shared or bookmarked
        on_change=lambda: st.query_params.update(dossier=st.session_state["notation_dossier"]))
    return chosen


def _render_form(form: RatingForm, criteria: pd.DataFrame) -> bool:
    """The score and comment of every jury criterion; whether it was submitted."""
    st.markdown(f"#### Vos notes\n{SCORE_HELP}")
    with st.form(f"notation_form_{form.dossier_id}"):
        for criterion in criteria.itertuples():
            st.radio(md(f"{criterion.criterion_id} — {criterion.label}"), SCORES, horizontal=True,
                     key=form.score_key(str(criterion.criterion_id)))
            st.text_input("Commentaire (facultatif)", key=form.comment_key(str(criterion.criterion_id)),
                          label_visibility="collapsed", placeholder="Commentaire (facultatif)")
        return st.form_submit_button("Enregistrer", type="primary")


def _save(form: RatingForm) -> None:
    """Save the entered scores; a stale form keeps the refusal for `_render_stale`."""
    entries = form.entries()
    if not entries:
        st.warning("Aucune note enregistrée : choisissez une note de 1 à 5 pour au moins un critère.")
        return
    try:
        versions = form.store.save_ratings(form.actor, form.dossier_id, entries)
    except StaleWrite as stale:
        st.session_state[STALE_KEY] = str(stale)
    except AccessDenied as refused:
        st.error(md(refused))
        st.stop()
    except (DiskFullError, WriteConflictError) as failed:
        st.error(md_format("{} Vos notes restent saisies dans le formulaire : enregistrez-les à nouveau.",
                           refusal_message(failed, page_address())))
    else:
        st.session_state[form.loaded_key] = {**st.session_state[form.loaded_key], **versions}
        st.session_state.pop(STALE_KEY, None)
        st.session_state[form.saved_key] = rating_save_message(
            {e.criterion_id: e.score for e in entries}, form.criteria, form.dossier_name, form.unscored_comments())
        st.rerun()


def _render_saved(form: RatingForm) -> None:
    """What the last save of this dossier wrote (kept across the redraw that follows it)."""
    saved = st.session_state.pop(form.saved_key, None)
    if saved is None:
        return
    sentence, complete = saved
    if complete:
        st.success(md(sentence), icon=":material/check:")
    else:
        st.warning(md(sentence))


def _reload(form: RatingForm) -> None:
    """Forget the refusal and fill the form with the current values."""
    st.session_state.pop(STALE_KEY, None)
    form.load()


def _render_stale(form: RatingForm) -> None:
    """The refusal of a stale save, and the button reloading the current values."""
    stale_message = st.session_state.get(STALE_KEY)
    if stale_message:
        st.error(md(stale_message))
        st.button("Recharger les valeurs actuelles", key="notation_reload", on_click=_reload, args=(form,))


def main() -> None:
    """The page: progress (as rapporteur, then overall), calibration, the choice of a dossier, its documents
    and card beside its rating form."""
    store, actor, call = current_call("rate")
    st.title("Notation")
    if call is None:
        st.stop()
    criteria = _jury_criteria(call)
    requested = _requested_dossier(store, actor)
    to_rate = store.dossiers_to_rate(actor, call.call_id)
    complete = _complete_dossiers(to_rate, store.own_ratings(actor, call.call_id), len(criteria))
    mine = _rapporteur_dossiers(store, actor, call.call_id, to_rate)
    _render_rapporteur_progress(store, call.call_id, mine, complete)
    _render_progress(store, actor, call.call_id, len(complete), len(to_rate))
    labels = dict(zip(criteria["criterion_id"].astype(str), criteria["label"].astype(str), strict=True))
    _render_calibration(store, actor, call.call_id, labels)
    names: dict[str, str] = dict(zip(to_rate["dossier_id"], to_rate["display_name"], strict=True))
    chosen = _render_choice(to_rate, names, complete, requested, mine)
    form = RatingForm(store, actor, call.call_id, labels, chosen, names[chosen])
    if form.needs_load():
        form.load()
    card, form_column = st.columns([3, 2], gap="large")
    with card:
        render_documents(store, actor, chosen, key="notation_pieces")
        dossier_card(cast(pd.Series, to_rate.set_index("dossier_id").loc[chosen]), call.values, call.criteria)
    with form_column:
        _render_saved(form)
        if _render_form(form, criteria):
            _save(form)
        _render_stale(form)


main()
