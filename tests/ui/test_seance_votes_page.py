"""AppTest of the vote and the decision on /seance: the quorum refusal said on the page, jurors'
secret ballots from their own pages (a change before the close), the count the president sees
(not the choices), the tally on every page after « Clore le vote », the decision that departs
from the vote only with its reason, and a restart in the middle of a vote said on the page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import Store, deliberation
from dashboard.store.access import Actor
from tests.helpers.apptest import PAGES, account, button, signed_in_page
from tests.helpers.rendered import as_read

PAGE = PAGES / "seance.py"
CALL = "AMI1"
JURORS = ("celine.ravaud", "olivier.castaing")


def _page(actor: Actor) -> AppTest:
    return signed_in_page(PAGE, actor, CALL, timeout=60).run()


def _texts(elements) -> list[str]:
    return [as_read(e.value) for e in elements]


def _notices(at: AppTest) -> list[str]:
    """What the page says in its messages and captions (not the dossier's card)."""
    return [*_texts(at.info), *_texts(at.success), *_texts(at.warning), *_texts(at.error), *_texts(at.caption)]


@pytest.fixture
def president(demo_app_store: Store) -> Actor:
    return account(demo_app_store, "helene.marchetti")


def _seance_with_dossier(at: AppTest, everyone_present: bool = True) -> AppTest:
    """Open the séance, mark every juror present (or none), pass to the first dossier."""
    button(at, "Ouvrir la séance").click()
    at.run()
    if everyone_present:
        button(at, "Pointer présents les 9 membres non pointés").click()
        at.run()
    button(at, "Passer au dossier suivant").click()
    return at.run()


def _vote(at: AppTest, choice: str) -> AppTest:
    [radio] = [r for r in at.radio if r.key and r.key.startswith("ballot_")]
    radio.set_value(choice)
    [send] = [b for b in at.button if b.key and b.key.startswith("ballot_") and b.key.endswith("_send")]
    send.click()
    return at.run()


def test_opening_a_vote_without_the_quorum_says_why(demo_app_store: Store, president: Actor) -> None:
    at = _seance_with_dossier(_page(president), everyone_present=False)
    button(at, "Ouvrir le vote").click()
    at.run()
    assert not at.exception
    assert any("Vote refusé sur « " in t and "Quorum du dossier non atteint : 0 présent sur" in t
               for t in _texts(at.error))
    [seance] = demo_app_store.open_seances(president)
    assert demo_app_store.seance_votes(president, seance.seance_id) == []


def test_jurors_vote_in_secret_and_the_tally_shows_on_every_page(demo_app_store: Store, president: Actor) -> None:
    chair = _seance_with_dossier(_page(president))
    [seance] = demo_app_store.open_seances(president)
    dossier = demo_app_store.seance(president, seance.seance_id).current_dossier_id
    assert dossier is not None and dossier != "AMI1-003"  # nobody of the two is recused from it
    button(chair, "Ouvrir le vote").click()
    chair.run()
    assert "Vote ouvert : chaque membre du jury présent vote sur son écran." in _texts(chair.success)

    first, second = (_page(account(demo_app_store, login)) for login in JURORS)
    for juror in (first, second):
        assert not juror.exception
        assert any(t.startswith("Vote en cours : 0 vote(s) sur 9 votant(s) possible(s)") for t in _texts(juror.info))
    first = _vote(first, "non retenu")
    assert any("Vote enregistré : « non retenu »" in t for t in _texts(first.success))
    first = _vote(first, "retenu")  # changed before the close
    assert "Votre vote actuel : « retenu »." in _texts(first.caption)
    second = _vote(second, "abstention")
    chair = _vote(chair.run(), "retenu")  # the president votes as a juror

    chair.run()
    shown = _notices(chair)
    assert any(t.startswith("Vote en cours : 3 vote(s) sur 9") for t in shown)
    # how many, never how: only the president's own ballot is named (the card keeps its history)
    assert [t for t in shown if any(c in t for c in ("non retenu", "abstention", "« retenu »"))] == [
        "Votre vote actuel : « retenu »."]
    button(chair, "Clore le vote").click()
    chair.run()
    assert not chair.exception
    tally = ("Vote clos : retenu : 2 · ajourné – accompagnement proposé : 0 · non retenu : 0 · abstention : 1 "
             "(3 votes)")
    for page in (chair, first.run(), second.run()):
        assert tally in _texts(page.success)
        assert "Majorité relative des voix exprimées : « retenu »." in _texts(page.markdown)
        assert not [r for r in page.radio if r.key and r.key.startswith("ballot_")]

    # the decision: « non retenu » departs from the vote, and is recorded only with its reason
    [radio] = [r for r in chair.radio if r.key and r.key.startswith("seance_decision_")]
    key = str(radio.key).removesuffix("_decision")
    assert radio.value == "retenu"  # the plurality
    radio.set_value("non retenu")
    chair.text_area(key=f"{key}_rationale").input("Le plan de financement n'est pas bouclé.")
    chair.button(key=f"{key}_save").click().run()
    name = demo_app_store.dossier_label(dossier)
    assert any(f"Décision refusée sur « {name} » : « non retenu » s'écarte du vote" in t for t in _texts(chair.error))
    assert chair.text_area(key=f"{key}_rationale").value == "Le plan de financement n'est pas bouclé."
    chair.text_area(key=f"{key}_departure").input("La région a retiré son cofinancement hier.")
    chair.button(key=f"{key}_save").click().run()
    assert not chair.exception
    decided = demo_app_store.decisions(president, CALL).set_index("dossier_id").loc[dossier]
    assert (decided["decision"], decided["seance_id"], decided["retenu"], decided["abstention"]) == (
        "non retenu", seance.seance_id, 2, 1)
    assert "Décision enregistrée : non retenu — Le plan de financement n'est pas bouclé." in _texts(
        first.run().markdown)


def test_a_restart_during_the_vote_is_said_on_the_page(demo_app_store: Store, president: Actor,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    chair = _seance_with_dossier(_page(president))
    button(chair, "Ouvrir le vote").click()
    chair.run()
    juror = _vote(_page(account(demo_app_store, JURORS[0])), "retenu")
    monkeypatch.setattr(deliberation, "BALLOTS", deliberation.BallotBox())  # the new process's empty memory
    for page in (juror.run(), chair.run()):
        assert any("Le vote sur ce dossier est annulé : le serveur a redémarré pendant le vote" in t
                   for t in _texts(page.warning))
        assert not [r for r in page.radio if r.key and r.key.startswith("ballot_")]
    [seance] = demo_app_store.open_seances(president)
    [vote] = demo_app_store.seance_votes(president, seance.seance_id)
    assert vote.status == "annulé"  # recorded when the president's page was drawn
    assert [b.label for b in chair.button if b.label == "Ouvrir le vote"] == ["Ouvrir le vote"]
