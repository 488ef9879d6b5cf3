"""AppTest of /seance: the president's controls (opening, attendance, the dossier under
discussion, the next dossier, the agenda, closing and reopening) and what the others follow,
a recused juror seeing only that they are recused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.formatting import fr_number
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.store.seance import SeanceRecord
from dashboard.ui.app import seance_listed
from dashboard.ui.live import moved
from dashboard.ui.session import LAST_SEEN_KEY, POLL_RERUN_KEY
from tests.helpers.apptest import PAGES, account, button, signed_in_page
from tests.helpers.rendered import rendered, rendered_frame

PAGE = PAGES / "seance.py"
CALL = "AMI1"
RECUSED_JUROR, RECUSED_FROM = "olivier.castaing", "AMI1-003"  # JUR-04 in the demo's register


def _page(actor: Actor) -> AppTest:
    return signed_in_page(PAGE, actor, CALL, timeout=60).run()


def _texts(elements) -> list[str]:
    return [rendered(e.value) for e in elements]


def _open(at: AppTest) -> AppTest:
    button(at, "Ouvrir la séance").click()
    return at.run()


def _seance(store: Store, actor: Actor) -> SeanceRecord:
    [seance] = store.open_seances(actor)
    return seance


@pytest.fixture
def president(demo_app_store: Store) -> Actor:
    return account(demo_app_store, "helene.marchetti")


def test_the_president_opens_the_seance_with_its_agenda(demo_app_store: Store, president: Actor) -> None:
    at = _page(president)
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Titre", "Lieu"]
    assert at.text_input[0].value.startswith("Séance du ")
    at.text_input[1].set_value("Paris, Cnam")
    at = _open(at)
    assert not at.exception
    assert "Séance ouverte : chaque membre du jury la suit sur son écran." in _texts(at.success)
    seance = _seance(demo_app_store, president)
    assert (seance.call_id, seance.place, seance.opened_by) == (CALL, "Paris, Cnam", "Hélène Marchetti")
    agenda = demo_app_store.agenda(president, seance.seance_id)
    assert len(agenda) == 85 and agenda["reason"].tolist()[:10] == ["conteste"] * 10
    assert "Quorum de la séance non atteint : 0 présent sur 9 (5 requis)." in _texts(at.warning)
    shown = at.dataframe[0].value
    assert shown["N°"].tolist() == list(range(1, 86)) and set(shown["État"]) == {"à venir"}
    assert "Aucun dossier en discussion pour le moment." in _texts(at.info)


def test_a_juror_waits_for_the_seance_without_a_control(demo_app_store: Store) -> None:
    at = _page(account(demo_app_store, "celine.ravaud"))
    assert not at.exception
    assert any("Aucune séance n'est ouverte pour cet appel" in t for t in _texts(at.info))
    assert not at.button and not at.text_input


def test_next_dossier_and_the_selector_move_the_seance(demo_app_store: Store, president: Actor) -> None:
    at = _open(_page(president))
    button(at, "Passer au dossier suivant").click()
    at.run()
    seance = _seance(demo_app_store, president)
    agenda = demo_app_store.agenda(president, seance.seance_id)
    first, third = agenda["dossier_id"].iloc[0], agenda["dossier_id"].iloc[2]
    assert seance.current_dossier_id == first
    selector = next(s for s in at.selectbox if s.label == "Dossier en discussion")
    assert selector.value == first
    selector.set_value(third)
    at.run()
    assert not at.exception
    assert _seance(demo_app_store, president).current_dossier_id == third
    states = at.dataframe[0].value.set_index("N°")["État"]
    assert states[1].startswith("examiné à ") and states[3] == "en discussion" and states[2] == "à venir"
    name = demo_app_store.dossiers(president, CALL).set_index("dossier_id").loc[third, "display_name"]
    assert f"Dossier en discussion : {name}" in _texts(at.subheader)


def test_a_second_tab_of_the_president_does_not_move_twice(demo_app_store: Store, president: Actor) -> None:
    first_tab = _open(_page(president))
    second_tab = _page(president)  # drawn at the same version
    button(first_tab, "Passer au dossier suivant").click()
    first_tab.run()
    button(second_tab, "Passer au dossier suivant").click()
    second_tab.run()
    assert not second_tab.exception
    assert any("La séance a changé entre-temps" in t for t in _texts(second_tab.info))
    seance = _seance(demo_app_store, president)
    agenda = demo_app_store.agenda(president, seance.seance_id)
    assert seance.current_dossier_id == agenda["dossier_id"].iloc[0]  # moved once
    assert agenda["discussed_at"].isna().all()


def test_jurors_follow_and_the_recused_juror_sees_only_the_recusal(demo_app_store: Store,
                                                                   president: Actor) -> None:
    _open(_page(president))
    seance = _seance(demo_app_store, president)
    demo_app_store.discuss_dossier(president, seance.seance_id, RECUSED_FROM, seance.version)
    name = demo_app_store.dossiers(president, CALL).set_index("dossier_id").loc[RECUSED_FROM, "display_name"]

    follower = _page(account(demo_app_store, "celine.ravaud"))
    assert not follower.exception
    assert f"Dossier en discussion : {name}" in _texts(follower.subheader)
    ratings = rendered_frame(follower.table[0].value)
    expected = demo_app_store.discussed_ratings(president, seance.seance_id)
    assert ratings["Moyenne"].tolist() == [fr_number(v, 2) for v in expected["mean"]] and len(ratings) == 6
    assert not [b for b in follower.button if b.label == "Passer au dossier suivant"]
    assert "#### Pièces du dossier (1)" in _texts(follower.markdown)
    assert [t.label for t in follower.toggle if str(t.key).startswith("seance_pieces_read_")] == ["Lire ici"]

    recused = _page(account(demo_app_store, RECUSED_JUROR))
    assert not recused.exception
    assert f"Dossier en discussion : {name}" in _texts(recused.subheader)
    assert any(t.startswith("Vous êtes récusé·e pour ce dossier") for t in _texts(recused.warning))
    assert not recused.table and not recused.get("expander")
    assert not any("Rang à l'ouverture" in t for t in _texts(recused.markdown))
    assert not any("Pièces du dossier" in t for t in _texts(recused.markdown))
    assert not [t for t in recused.toggle if str(t.key).startswith("seance_pieces")]


def test_attendance_and_the_quorums(demo_app_store: Store, president: Actor) -> None:
    at = _open(_page(president))
    present = ["JUR-01", "JUR-02", "JUR-03", "JUR-04", "JUR-05"]
    for box in at.selectbox:
        juror = box.key.rsplit("_", 1)[-1] if box.key and box.key.startswith("attendance_") else None
        if juror in present:
            box.set_value("présent")
        elif juror == "JUR-06":
            box.set_value("excusé")
    button(at, "Enregistrer les présences").click()
    at.run()
    assert not at.exception
    assert "Présences enregistrées." in _texts(at.success)
    assert "Quorum de la séance atteint : 5 présents sur 9 (5 requis)." in _texts(at.success)
    seance = _seance(demo_app_store, president)
    attendance = demo_app_store.attendance(president, seance.seance_id).set_index("juror_id")
    assert attendance["status"].fillna("").to_dict() == {
        "JUR-01": "présent", "JUR-02": "présent", "JUR-03": "présent", "JUR-04": "présent", "JUR-05": "présent",
        "JUR-06": "excusé", "JUR-07": "", "JUR-08": "", "JUR-09": ""}
    # JUR-04 leaves: the séance loses its quorum; for the dossier JUR-04 is recused from, 4 of 8 sit
    boxes = {b.key.rsplit("_", 1)[-1]: b for b in at.selectbox if b.key and b.key.startswith("attendance_")}
    boxes["JUR-04"].set_value("parti·e")
    button(at, "Enregistrer les présences").click()
    at.run()
    assert "Quorum de la séance non atteint : 4 présents sur 9 (5 requis)." in _texts(at.warning)
    seance = _seance(demo_app_store, president)
    demo_app_store.discuss_dossier(president, seance.seance_id, RECUSED_FROM, seance.version)
    at.run()
    recused_count = len(demo_app_store.dossier_recused_juror_ids(RECUSED_FROM))
    expected = 9 - recused_count
    assert (f"Quorum du dossier non atteint : 4 présents sur {expected} ({expected // 2 + 1} requis)."
            in _texts(at.warning))


def test_the_president_edits_the_agenda(demo_app_store: Store, president: Actor) -> None:
    at = _open(_page(president))
    seance = _seance(demo_app_store, president)
    ids = demo_app_store.agenda(president, seance.seance_id)["dossier_id"].tolist()
    at.selectbox(key="agenda_dossier").set_value(ids[5])
    at.number_input(key="agenda_position").set_value(1)
    at.button(key="agenda_move").click()
    at.run()
    assert "Ordre du jour modifié." in _texts(at.success)
    ids_after = demo_app_store.agenda(president, seance.seance_id)["dossier_id"].tolist()
    assert ids_after == [ids[5], *ids[:5], *ids[6:]]
    at.selectbox(key="agenda_dossier").set_value(ids[0])
    at.button(key="agenda_remove").click()
    at.run()
    assert ids[0] not in demo_app_store.agenda(president, seance.seance_id)["dossier_id"].tolist()
    at.selectbox(key="agenda_added").set_value(ids[0])
    at.button(key="agenda_add").click()
    at.run()
    agenda = demo_app_store.agenda(president, seance.seance_id)
    assert agenda["dossier_id"].iloc[-1] == ids[0] and agenda["detail"].iloc[-1] == "Ajouté par Hélène Marchetti"
    assert not at.exception


def test_closing_freezes_and_the_president_reopens(demo_app_store: Store, president: Actor) -> None:
    at = _open(_page(president))
    at.button(key="seance_close").click()  # not confirmed: the séance stays open
    at.run()
    assert "Cochez « Je confirme la clôture de la séance » pour clore la séance." in _texts(at.warning)
    assert len(demo_app_store.open_seances(president)) == 1
    at.checkbox[0].check()
    at.button(key="seance_close").click()  # the confirmation and the button leave together
    at.run()
    assert not at.exception
    assert "Séance close." in _texts(at.success)
    assert demo_app_store.open_seances(president) == []
    assert "Séances closes" in _texts(at.subheader)
    assert [b.label for b in at.button if b.label == "Ouvrir la séance"]  # a new one may be opened
    button(at, "Rouvrir la séance").click()
    at.run()
    assert "Séance rouverte." in _texts(at.success)
    assert len(demo_app_store.open_seances(president)) == 1


def test_the_administration_runs_but_cannot_reopen(demo_app_store: Store, president: Actor) -> None:
    admin = account(demo_app_store, "admin")
    at = _open(_page(admin))
    assert _seance(demo_app_store, admin).opened_by == "Secrétariat du programme (démonstration)"
    demo_app_store.close_seance(admin, _seance(demo_app_store, admin).seance_id)
    at.run()
    assert "Séances closes" in _texts(at.subheader)
    assert not [b for b in at.button if b.label == "Rouvrir la séance"]


def test_the_sidebar_lists_the_seance_for_the_others_only_while_one_is_open(demo_app_store: Store,
                                                                              president: Actor) -> None:
    juror, direction = account(demo_app_store, "celine.ravaud"), account(demo_app_store, "direction")
    assert seance_listed(president, False) and seance_listed(account(demo_app_store, "admin"), False)
    assert not seance_listed(juror, False) and not seance_listed(direction, False)
    assert seance_listed(juror, True) and seance_listed(direction, True)


def test_the_live_view_reruns_on_the_changes_that_matter() -> None:
    assert moved((3, 1), (4, 1), on_seance_page=True)
    assert not moved((3, 1), (3, 1), on_seance_page=True)
    assert not moved((3, 1), (4, 1), on_seance_page=False)  # a move: nothing to redraw elsewhere
    assert moved((3, 1), (4, 2), on_seance_page=False)  # opened or closed: the sidebar changes


def _controls_script() -> None:
    import streamlit as st

    from dashboard.ui.live import first_use
    st.write(repr([first_use("seance_next_1_4"), first_use("seance_next_1_4"), first_use("seance_next_1_5")]))


def test_a_control_drawn_for_one_version_acts_once_in_a_browser_session() -> None:
    at = AppTest.from_function(_controls_script).run()
    assert at.markdown[0].value == "[True, False, True]"
    assert at.run().markdown[0].value == "[False, False, False]"  # a resent click, a later run: no second act
    other_browser = AppTest.from_function(_controls_script).run()
    assert other_browser.markdown[0].value == "[True, False, True]"


def test_a_seance_of_another_call_is_offered_to_follow(demo_app_store: Store, president: Actor) -> None:
    other = "AMI2-P1"
    inputs_page = _page(president)
    inputs_page.session_state["selected_call"] = other
    inputs_page.session_state["call_widget"] = other
    _open(inputs_page.run())
    follower = _page(account(demo_app_store, "celine.ravaud"))  # on AMI1
    assert any(f"Une séance est ouverte pour l'appel « {other} »" in t for t in _texts(follower.info))
    button(follower, "Suivre cette séance").click()
    follower.run()
    assert not follower.exception
    assert follower.session_state["selected_call"] == other
    assert "Ordre du jour" in _texts(follower.subheader)


def test_a_run_the_poll_started_does_not_count_as_activity(demo_app_store: Store) -> None:
    app = str(PAGES.parent / "ui" / "app.py")
    seen = datetime.now() - timedelta(minutes=20)
    at = signed_in_page(app, account(demo_app_store, "celine.ravaud"), CALL)
    at.session_state[LAST_SEEN_KEY] = seen
    at.session_state[POLL_RERUN_KEY] = True  # as `dashboard.ui.live.follow_seance` leaves it
    at.run()
    assert not at.exception
    assert at.session_state[LAST_SEEN_KEY] == seen and POLL_RERUN_KEY not in at.session_state
    at.run()  # a run of the person's own
    assert at.session_state[LAST_SEEN_KEY] > seen
