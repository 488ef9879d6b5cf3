"""Séance: the selection meeting, one record in the store that everyone follows live.

The president (and the administration) open the call's séance, take attendance,
edit the agenda, choose the « dossier en discussion » or pass to the next, open and
close its secret vote, record the decision, and close the séance. Each present juror
who is not recused votes on their own screen; the tally shows on every screen at the
close. Everyone else follows without a click: the entry script's live view
(`dashboard/ui/live.py`) reruns this page when the séance changes. A juror
recused from the dossier under discussion sees only that they are recused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
import streamlit as st

from dashboard.core.filenames import official_scope
from dashboard.core.formatting import fr_datetime, fr_number
from dashboard.core.seance import AGENDA_REASONS, ATTENDANCE_STATUSES
from dashboard.core.shortlist import default_size
from dashboard.core.text import md, md_format, md_frame
from dashboard.core.votes import VOTE_CHOICES
from dashboard.errors import JuryError, SeanceChanged
from dashboard.services import reports
from dashboard.services import seance as seance_service
from dashboard.services.incidents import refusal_message
from dashboard.services.meeting import CallData
from dashboard.services.seance import Discussed, SeanceView, VoteView
from dashboard.store import Store
from dashboard.store.access import Actor, may
from dashboard.store.deliberation import RESTART_REASON
from dashboard.store.seance import SeanceRecord
from dashboard.ui.decisions import decision_form
from dashboard.ui.documents import render_documents
from dashboard.ui.downloads import offer_download
from dashboard.ui.live import first_use
from dashboard.ui.meeting import meeting_inputs
from dashboard.ui.server import page_address
from dashboard.ui.session import current_call
from dashboard.ui.widgets import dossier_card

NOTICE_KEY = "seance_notice"
NONE_CHOICE = "— aucun —"
DEPARTED = "parti·e"
UNMARKED = "à pointer"


def _act(change: Callable[[], object], done: str | None = None, control: str | None = None) -> None:
    """Run a change of the séance from a control (a callback); keep what to say for the next draw.

    `control` names a control drawn for one version of the séance: it acts once. The
    browser may send the same click or choice again with a later run; that repeat is
    the person's own earlier action, not a conflict, so it neither acts nor warns.
    """
    if control is not None and not first_use(control):
        return
    try:
        change()
    except SeanceChanged as exc:
        st.session_state[NOTICE_KEY] = ("info", str(exc))
    except JuryError as exc:
        st.session_state[NOTICE_KEY] = ("error", refusal_message(exc, page_address()))
    else:
        if done:
            st.session_state[NOTICE_KEY] = ("success", done)


def _render_notice() -> None:
    """What the last control said, in a slot that is there even when empty (the page below keeps its place)."""
    kind, text = st.session_state.pop(NOTICE_KEY, (None, ""))
    slot = st.empty()
    if kind == "success":
        slot.success(md(text))
    elif kind == "info":
        slot.info(md(text))
    elif kind == "error":
        slot.error(md(text))


# --------------------------------------------------------------------------- no open séance


def _render_opening(store: Store, actor: Actor, call: CallData) -> None:
    """The president's form « Ouvrir la séance »: title, place, shortlist size."""
    inputs = meeting_inputs(store, actor, call)
    with st.form("seance_open"):
        st.subheader("Ouvrir une séance")
        title = st.text_input("Titre", value=seance_service.default_title(date.today()))
        place = st.text_input("Lieu", placeholder="Par exemple : Paris, Cnam, salle des conseils")
        eligible = len(inputs.eligible_ids)
        size = st.number_input("Taille de la liste restreinte (pour l'ordre du jour)", min_value=1,
                               max_value=max(1, eligible), value=default_size(inputs), step=1)
        st.caption("L'ordre du jour s'ouvre sur les dossiers les plus contestés, puis ceux qui sont près de la "
                   "limite de la liste (rangs N−5 à N+5 sous le profil du jury), puis les autres par rang.")
        if st.form_submit_button("Ouvrir la séance", type="primary"):
            _act(lambda: seance_service.open_seance(store, actor, inputs, title, place, int(size)),
                 "Séance ouverte : chaque membre du jury la suit sur son écran.")
            st.rerun()


def _follow_call(call_id: str) -> None:
    st.session_state["selected_call"] = call_id
    st.session_state["call_widget"] = call_id


def _render_elsewhere(store: Store, actor: Actor, call: CallData) -> None:
    """Another call's séance is open: say so and offer to follow it."""
    for other in store.open_seances(actor):
        if other.call_id != call.call_id:
            st.info(md_format("Une séance est ouverte pour l'appel « {} » : « {} ».", other.call_id, other.title))
            st.button("Suivre cette séance", key=f"follow_{other.seance_id}", on_click=_follow_call,
                      args=(other.call_id,))


def _offer_proces_verbal(store: Store, actor: Actor, call: CallData, seance: SeanceRecord) -> None:
    """« Télécharger le procès-verbal (PDF) »: written from the record when clicked (`jury pv`'s file)."""
    if not may(actor, "write_proces_verbal"):
        return
    try:
        version = store.official_settings(actor, seance.seance_id).version
    except JuryError:
        st.caption("Pas de procès-verbal pour cette séance : ses réglages officiels n'ont pas été enregistrés "
                   "(séance tenue avant les votes en séance).")
        return
    at = datetime.now().replace(microsecond=0)
    file_name = reports.proces_verbal_file_name(call.call_id, official_scope(seance.seance_id, version), at)
    offer_download(actor, "Télécharger le procès-verbal (PDF)",
                   lambda: reports.proces_verbal_call(store, actor, call.call_id, seance.seance_id, at)[1],
                   file_name=file_name, mime=reports.PDF, key=f"proces_verbal_{seance.seance_id}",
                   icon=":material/description:")
    if seance.is_open:
        st.caption("Séance ouverte : le procès-verbal est provisoire ; établissez-le de nouveau après la clôture.")


def _render_past(store: Store, actor: Actor, call: CallData, seances: list[SeanceRecord]) -> None:
    """The call's closed séances, with their procès-verbal; the president may reopen one."""
    closed = [s for s in seances if not s.is_open]
    if not closed:
        return
    st.subheader("Séances closes")
    for seance in closed:
        when = fr_datetime(seance.closed_at) if seance.closed_at else "–"
        st.markdown(md_format("**{}** — ouverte le {} par {}, close le {} par {}", seance.title,
                              fr_datetime(seance.opened_at), seance.opened_by, when, seance.closed_by or "–"))
        _offer_proces_verbal(store, actor, call, seance)
        if may(actor, "reopen_seance"):
            st.button("Rouvrir la séance", key=f"reopen_{seance.seance_id}",
                      on_click=_act, args=(lambda s=seance: store.reopen_seance(actor, s.seance_id),
                                           "Séance rouverte."))


# --------------------------------------------------------------------------- what everyone sees


def _render_header(view: SeanceView) -> None:
    seance = view.seance
    st.markdown(md_format("**{}**{} — ouverte le {} par {}", seance.title,
                          f" · {seance.place}" if seance.place else "", fr_datetime(seance.opened_at),
                          seance.opened_by))
    quorum = view.quorum
    (st.success if quorum.reached else st.warning)(md(quorum.sentence("de la séance")))


def _ratings_frame(ratings: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Critère": ratings["criterion_id"] + " — " + ratings["label"],
        "Moyenne": [fr_number(v, 2) for v in ratings["mean"]],
        "Plus basse – plus haute": [f"{int(lo)} – {int(hi)}" for lo, hi in
                                    zip(ratings["lowest"], ratings["highest"], strict=True)],
        "Jurés": [fr_number(n) for n in ratings["jurors"]],
    }).set_index("Critère")


def _render_discussed_heading(discussed: Discussed | None) -> None:
    """The dossier under discussion's name and quorum, or the recusal message alone."""
    if discussed is None:
        st.info("Aucun dossier en discussion pour le moment.")
        return
    st.subheader(md_format("Dossier en discussion : {}", discussed.name))
    if discussed.recused:
        st.warning("Vous êtes récusé·e pour ce dossier : ni ses notes ni ses documents ne vous sont montrés, "
                   "et vous ne prenez part ni à sa discussion ni à son vote.")
        return
    if discussed.quorum is not None:
        (st.success if discussed.quorum.reached else st.warning)(md(discussed.quorum.sentence("du dossier")))


def _render_discussed(store: Store, actor: Actor, call: CallData, discussed: Discussed | None) -> None:
    """The dossier under discussion's rank, ratings, card and documents (nothing for a recused juror)."""
    if discussed is None or discussed.recused:
        return
    rank = discussed.opening_rank
    st.markdown(md_format("**Rang à l'ouverture de la séance** (profil du jury) : {}",
                          fr_number(rank) if rank is not None else "non classé"))
    if discussed.ratings is not None and not discussed.ratings.empty:
        st.table(md_frame(_ratings_frame(discussed.ratings)))
    else:
        st.caption("Aucune note du jury sur ce dossier.")
    if discussed.card is not None:
        with st.expander("Fiche du dossier", expanded=True):
            dossier_card(discussed.card, call.values, call.criteria, with_values=False)
    render_documents(store, actor, discussed.dossier_id, key="seance_pieces")


# --------------------------------------------------------------------------- the vote


def _cast(store: Store, actor: Actor, vote_id: int, key: str) -> None:
    """The ballot form's callback: the choice as it stands when « Voter » is pressed."""
    choice = st.session_state.get(key)
    if choice is None:
        st.session_state[NOTICE_KEY] = ("error", "Choisissez « retenu », « ajourné – accompagnement proposé », "
                                                 "« non retenu » ou « abstention » avant de voter.")
        return
    _act(lambda: store.cast_ballot(actor, vote_id, str(choice)),
         f"Vote enregistré : « {choice} ». Vous pouvez le changer jusqu'à la clôture du vote.")


def _render_ballot(store: Store, actor: Actor, vote: VoteView) -> None:
    """A present, non-recused juror's secret ballot, changeable until the close."""
    key = f"ballot_{vote.vote.vote_id}"
    mine = vote.my_ballot
    with st.form(f"ballot_form_{vote.vote.vote_id}", border=True):
        st.markdown("**Votre vote** (secret : ni la présidence ni personne ne voit votre choix)")
        st.radio("Votre choix", VOTE_CHOICES, index=VOTE_CHOICES.index(mine) if mine in VOTE_CHOICES else None,
                 horizontal=True, key=key, label_visibility="collapsed")
        st.form_submit_button("Changer mon vote" if mine else "Voter", type="primary", key=f"{key}_send",
                              on_click=_cast, args=(store, actor, vote.vote.vote_id, key))
    if mine:
        st.caption(md_format("Votre vote actuel : « {} ».", mine))


def _vote_state(vote: VoteView) -> None:
    """What everyone sees of the vote: participation while open, the tally once closed, or why it is void."""
    record = vote.vote
    if record.is_open:
        st.info(md_format("**Vote en cours** : {} vote(s) sur {} votant(s) possible(s). Chacun peut changer son "
                          "vote jusqu'à la clôture.", fr_number(record.voters), fr_number(vote.possible_voters)))
    elif record.interrupted or (record.status == "annulé" and record.void_reason == RESTART_REASON):
        st.warning(md_format("Le vote sur ce dossier est annulé : {}. La présidence peut ouvrir un nouveau vote.",
                             RESTART_REASON))
    elif record.status == "annulé":
        st.info(md_format("Vote annulé ({}).", record.void_reason or "par la présidence"))
    elif record.tally is not None:
        st.success(md_format("**Vote clos** : {}", record.tally.sentence()))
        st.markdown(md(record.tally.plurality_sentence()))


def _render_vote_controls(store: Store, actor: Actor, view: SeanceView) -> None:
    """The president's « Ouvrir le vote », or « Clore le vote » and « Annuler le vote »."""
    seance, vote = view.seance, view.vote
    if vote is not None and vote.vote.is_open:
        record = vote.vote
        left, right = st.columns(2)
        close_key = f"vote_close_{record.vote_id}"
        left.button("Clore le vote", type="primary", key=close_key, on_click=_act,
                    args=(lambda: store.close_vote(actor, record.vote_id), "Vote clos : le décompte est affiché "
                          "sur chaque écran.", close_key))
        cancel_key = f"vote_cancel_{record.vote_id}"
        right.button("Annuler le vote", key=cancel_key, on_click=_act,
                     args=(lambda: store.cancel_vote(actor, record.vote_id), "Vote annulé : rien n'a été compté.",
                           cancel_key))
        return
    open_key = f"vote_open_{seance.seance_id}_{seance.version}"
    st.button("Ouvrir le vote", key=open_key, on_click=_act,
              args=(lambda: store.open_vote(actor, seance.seance_id, seance.version),
                    "Vote ouvert : chaque membre du jury présent vote sur son écran.", open_key))


def _render_vote(store: Store, actor: Actor, view: SeanceView) -> None:
    """The vote on the dossier under discussion: its state, the ballot, the president's controls."""
    discussed = view.discussed
    if discussed is None or discussed.recused:
        return
    vote = view.vote
    if vote is not None:
        _vote_state(vote)
        if vote.vote.is_open and vote.may_vote:
            _render_ballot(store, actor, vote)
        elif vote.vote.is_open and vote.why_not:
            st.caption(md(vote.why_not))
    elif not may(actor, "run_seance"):
        st.caption("Pas de vote en cours sur ce dossier.")
    if may(actor, "run_seance"):
        _render_vote_controls(store, actor, view)


def _render_decision(store: Store, actor: Actor, call: CallData, view: SeanceView) -> None:
    """The current decision on the dossier under discussion, and the president's form once no vote is open."""
    discussed, vote = view.discussed, view.vote
    if discussed is None or discussed.recused:
        return
    if view.decision is not None:
        st.markdown(md_format("**Décision enregistrée** : {} — {}", view.decision["decision"],
                              view.decision["rationale"]))
    if not may(actor, "record_decision") or (vote is not None and vote.vote.is_open):
        return
    tally = vote.vote.tally if vote is not None else None
    plurality = tally.plurality() if tally is not None else ()
    decision_form(store, actor, call.call_id, discussed.dossier_id, discussed.name, current=view.decision,
                  tally=tally, suggestion=plurality[0] if len(plurality) == 1 else None,
                  key=f"seance_decision_{discussed.dossier_id}_{vote.vote.vote_id if vote else 0}")


def _agenda_state(row: pd.Series) -> str:
    if bool(row["current"]):
        return "en discussion"
    if pd.notna(row["discussed_at"]):
        return f"examiné à {pd.Timestamp(row['discussed_at']):%H:%M}"
    return "à venir"


def _render_agenda(view: SeanceView) -> None:
    agenda = view.agenda
    done = int(agenda["discussed_at"].notna().sum())
    st.subheader("Ordre du jour")
    st.caption(f"{fr_number(done)} dossier(s) examiné(s) sur {fr_number(len(agenda))}.")
    st.dataframe(pd.DataFrame({
        "N°": agenda["position"],
        "Dossier": agenda["name"],
        "Rang à l'ouverture": [fr_number(r) if pd.notna(r) else "–" for r in agenda["opening_rank"]],
        "Motif": [AGENDA_REASONS.get(r, r) for r in agenda["reason"]],
        "Détail": agenda["detail"],
        "État": [_agenda_state(row) for _, row in agenda.iterrows()],
    }), hide_index=True, width="stretch")


# --------------------------------------------------------------------------- the president's controls


def _render_discussion_controls(store: Store, actor: Actor, view: SeanceView) -> None:
    """« Dossier en discussion » and « Passer au dossier suivant », each a compare-and-set on the version shown."""
    seance, agenda = view.seance, view.agenda
    ids = [NONE_CHOICE, *agenda["dossier_id"].tolist()]
    names = dict(zip(agenda["dossier_id"], agenda["name"], strict=True))
    current = seance.current_dossier_id if seance.current_dossier_id in ids else NONE_CHOICE
    key = f"seance_current_{seance.seance_id}_{seance.version}"

    def chosen() -> None:
        # A selectbox of an older drawing can report « changed » with the value it was drawn
        # with (the browser resending its state beside a later run): nothing was chosen.
        choice = st.session_state[key]
        if choice == current:
            return
        _act(lambda: store.discuss_dossier(actor, seance.seance_id, None if choice == NONE_CHOICE else choice,
                                           seance.version), control=key)

    voting = view.vote is not None and view.vote.vote.is_open  # the dossier stays until its vote ends
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox("Dossier en discussion", ids, index=ids.index(current), key=key, on_change=chosen,
                   format_func=lambda d: d if d == NONE_CHOICE else f"{d} — {names.get(d, d)}", disabled=voting,
                   help="Un vote est en cours : closez-le ou annulez-le pour changer de dossier." if voting else None)
    next_key = f"seance_next_{seance.seance_id}_{seance.version}"
    right.button("Passer au dossier suivant", type="primary", key=next_key, on_click=_act, disabled=voting,
                 args=(lambda: store.next_dossier(actor, seance.seance_id, seance.version), None, next_key))


def _attendance_choice(row: pd.Series) -> str:
    if row["status"] == "présent" and pd.notna(row["left_at"]):
        return DEPARTED
    return str(row["status"]) if isinstance(row["status"], str) else UNMARKED


def _save_attendance(store: Store, actor: Actor, view: SeanceView, chosen: dict[str, str]) -> None:
    """Write the attendance choices that changed: présent / absent / excusé, or a departure."""
    before = {str(row["juror_id"]): _attendance_choice(row) for _, row in view.attendance.iterrows()}
    for juror_id, choice in chosen.items():
        if choice == before.get(juror_id) or choice == UNMARKED:
            continue
        if choice == DEPARTED:
            store.record_departure(actor, view.seance.seance_id, juror_id)
        else:
            store.mark_attendance(actor, view.seance.seance_id, juror_id, choice)


def _render_attendance(store: Store, actor: Actor, view: SeanceView) -> None:
    """The attendance form: one choice per juror, arrival and departure times beside it; and, while
    some are not marked yet, one button that marks them all present."""
    options = [UNMARKED, *ATTENDANCE_STATUSES, DEPARTED]
    with st.expander("Présences", expanded=not view.quorum.reached):
        _render_all_present(store, actor, view)
        _render_attendance_form(store, actor, view, options)


def _render_all_present(store: Store, actor: Actor, view: SeanceView) -> None:
    unmarked = [str(j) for j, status in zip(view.attendance["juror_id"], view.attendance["status"], strict=True)
                if not isinstance(status, str)]
    if not unmarked:
        return
    seance_id = view.seance.seance_id
    key = f"attendance_all_{seance_id}_{view.seance.version}"

    def mark_all() -> None:
        for juror_id in unmarked:
            store.mark_attendance(actor, seance_id, juror_id, "présent")
    label = ("Pointer présent·e le membre non pointé" if len(unmarked) == 1
             else f"Pointer présents les {fr_number(len(unmarked))} membres non pointés")
    st.button(md(label), key=key, on_click=_act, args=(mark_all, "Présences enregistrées.", key))


def _render_attendance_form(store: Store, actor: Actor, view: SeanceView, options: list[str]) -> None:
    with st.form(f"seance_attendance_{view.seance.seance_id}"):
        chosen: dict[str, str] = {}
        for _, row in view.attendance.iterrows():
            times = " · ".join(part for part in (
                f"arrivée {pd.Timestamp(row['arrived_at']):%H:%M}" if pd.notna(row["arrived_at"]) else "",
                f"départ {pd.Timestamp(row['left_at']):%H:%M}" if pd.notna(row["left_at"]) else "") if part)
            label_md = md(f"{row['name']} ({row['organisation']})" + (f" — {times}" if times else ""))
            chosen[str(row["juror_id"])] = st.selectbox(
                label_md, options, index=options.index(_attendance_choice(row)),
                key=f"attendance_{view.seance.seance_id}_{view.seance.version}_{row['juror_id']}")
        if st.form_submit_button("Enregistrer les présences"):
            _act(lambda: _save_attendance(store, actor, view, chosen), "Présences enregistrées.")
            st.rerun()


def _edit_agenda(store: Store, actor: Actor, seance_id: int, edit: str) -> None:
    """A callback of the agenda editor: reads the choices as they stand when the button is pressed."""
    dossier, position = str(st.session_state.get("agenda_dossier")), int(st.session_state.get("agenda_position", 1))
    if edit == "move":
        _act(lambda: store.move_agenda_line(actor, seance_id, dossier, position), "Ordre du jour modifié.")
    elif edit == "remove":
        _act(lambda: store.remove_agenda_line(actor, seance_id, dossier), "Dossier retiré de l'ordre du jour.")
    else:
        added = str(st.session_state.get("agenda_added"))
        _act(lambda: store.add_agenda_line(actor, seance_id, added), "Dossier ajouté à l'ordre du jour.")


def _render_agenda_editor(store: Store, actor: Actor, call: CallData, view: SeanceView) -> None:
    """Move, remove or add a dossier of the agenda."""
    ids, seance_id = view.agenda["dossier_id"].tolist(), view.seance.seance_id
    names = call.dossiers.set_index("dossier_id")["display_name"].astype(str).to_dict()
    with st.expander("Modifier l'ordre du jour"):
        st.selectbox("Dossier", ids, key="agenda_dossier", format_func=lambda d: f"{d} — {names.get(d, d)}")
        st.number_input("Nouvelle position", min_value=1, max_value=max(1, len(ids)), value=1, step=1,
                        key="agenda_position")
        left, right = st.columns(2)
        left.button("Déplacer", key="agenda_move", on_click=_edit_agenda, args=(store, actor, seance_id, "move"))
        right.button("Retirer de l'ordre du jour", key="agenda_remove", on_click=_edit_agenda,
                     args=(store, actor, seance_id, "remove"))
        missing = [d for d in call.dossiers["dossier_id"] if d not in set(ids)]
        if missing:
            st.selectbox("Dossier à ajouter", missing, key="agenda_added",
                         format_func=lambda d: f"{d} — {names.get(d, d)}")
            st.button("Ajouter à l'ordre du jour", key="agenda_add", on_click=_edit_agenda,
                      args=(store, actor, seance_id, "add"))


def _render_closing(store: Store, actor: Actor, view: SeanceView) -> None:
    """Closing: the confirmation and the button are sent together (a form), so no poll can part them."""
    seance_id = view.seance.seance_id
    with st.expander("Clore la séance"), st.form(f"seance_close_{seance_id}"):
        st.caption("Une séance close ne peut plus être modifiée ; seule la présidence peut la rouvrir.")
        confirmed = st.checkbox("Je confirme la clôture de la séance", key=f"seance_close_ok_{seance_id}")
        if not st.form_submit_button("Clore la séance", key="seance_close"):
            return
        if not confirmed:
            st.warning("Cochez « Je confirme la clôture de la séance » pour clore la séance.")
            return
        _act(lambda: store.close_seance(actor, seance_id), "Séance close.")
        st.rerun()


# --------------------------------------------------------------------------- the page


def _render_open(store: Store, actor: Actor, call: CallData, seance: SeanceRecord) -> None:
    """The open séance. Each part is one block, so a part that grows or shrinks leaves the others in place
    (an expander the president opened stays open while followers' changes redraw the page)."""
    view = seance_service.seance_view(store, actor, call, seance.seance_id)
    runs = may(actor, "run_seance")
    with st.container():
        _render_header(view)
    with st.container():
        if runs:
            _render_discussion_controls(store, actor, view)
    with st.container():
        _render_discussed_heading(view.discussed)
    with st.container():
        _render_vote(store, actor, view)
    with st.container():
        _render_decision(store, actor, call, view)
    with st.container():
        _render_discussed(store, actor, call, view.discussed)
    with st.container():
        _render_agenda(view)
    if runs:
        _render_attendance(store, actor, view)
        _render_agenda_editor(store, actor, call, view)
        _render_closing(store, actor, view)
    with st.container():
        _offer_proces_verbal(store, actor, call, seance)


def main() -> None:
    """The page: the call's open séance, else the opening form (president) or a word on where it is."""
    store, actor, call = current_call("follow_seance")
    st.title("Séance")
    _render_notice()
    if call is None:
        st.stop()
    seances = store.call_seances(actor, call.call_id)
    if seances and seances[0].is_open:
        _render_open(store, actor, call, seances[0])
        return
    _render_elsewhere(store, actor, call)
    if may(actor, "run_seance"):
        _render_opening(store, actor, call)
    else:
        st.info("Aucune séance n'est ouverte pour cet appel. Cette page la suivra dès que la présidence l'ouvrira.")
    if may(actor, "write_proces_verbal"):
        _render_past(store, actor, call, seances)


main()
