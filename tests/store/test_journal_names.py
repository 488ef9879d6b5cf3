"""`Store.journal_names`: the names the journal's sentences use, read for those who read the
journal only (the president and the administration)."""

from __future__ import annotations

import pytest

from dashboard.core.journal_text import DossierName, JournalEntry, SeanceName, entry_sentence
from dashboard.errors import AccessDenied
from dashboard.store import Store
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.accounts import ADMIN, DIRECTION, JUROR, PRESIDENT


def test_the_names_of_people_jurors_dossiers_calls_and_criteria(tiny_store: Store) -> None:
    names = tiny_store.journal_names(PRESIDENT)
    assert names.people["claire.martin"] == "Claire Martin"
    assert names.people[OPERATOR.login] == OPERATOR.name
    assert names.jurors == {"J-CNAM": "Claire Martin", "J-BDT": "Paul Leroy"}
    assert names.dossiers["AMI1-001"] == DossierName("Aurillac", "15", "AMI1")
    assert names.dossiers["AMI1-002"].label == "Saint-Joseph (974)"
    assert names.calls == {"AMI1": "AMI 1 — 2019"}
    assert names.criteria["J01"]
    assert names.seances == {} and names.votes == {}


def test_the_sentences_of_the_tiny_journal_name_people_and_towns(tiny_store: Store) -> None:
    tiny_store.set_forcing(PRESIDENT, "AMI1", "AMI1-001", "force_out", "Projet déjà financé")
    names = tiny_store.journal_names(ADMIN)
    log = tiny_store.audit_log(ADMIN)
    last = log.iloc[-1]
    entry = JournalEntry(last["action"], last["entity"], last["entity_id"], None, last["after"], last["actor"])
    assert entry_sentence(entry, names) == ("Claire Martin a écarté Aurillac (15) de la liste restreinte : "
                                            "motif « Projet déjà financé »")


def test_a_seance_and_its_votes_are_named(tiny_store: Store) -> None:
    tiny_store.open_seance(PRESIDENT, "AMI1", "Séance d'essai", None, 2, [], profile={"method": "wsm"}, choices={})
    assert tiny_store.journal_names(PRESIDENT).seances == {"1": SeanceName("AMI1", "Séance d'essai")}


@pytest.mark.parametrize("actor", [JUROR, DIRECTION], ids=lambda a: a.role)
def test_those_who_do_not_read_the_journal_are_refused(tiny_store: Store, actor: Actor) -> None:
    with pytest.raises(AccessDenied):
        tiny_store.journal_names(actor)
