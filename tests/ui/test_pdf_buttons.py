"""The PDF buttons of the pages give the files of the commands: « Télécharger le procès-verbal (PDF) »
on /seance, the file of `jury pv`; « Télécharger en PDF » on /liste-restreinte and /classement, the file
of `jury rapport` (the séance's official settings either way). Each is written only when clicked, and
a juror is offered no procès-verbal (the service refuses it too)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dashboard.errors import AccessDenied
from dashboard.services import reports
from dashboard.store import Store
from dashboard.store.access import OPERATOR
from tests.helpers.apptest import PAGES, account, catch_downloads, signed_in_page
from tests.helpers.pdf import pdf_text, without_times
from tests.helpers.rendered import as_read
from tests.helpers.seance_record import CALL, HeldSeance, hold_seance


def _comparable(content: bytes, folder: Path, name: str) -> str:
    """The PDF's text with what differs between two writers of the same record left out: the time
    it was made and who made it (the person on the page, the operator at the command)."""
    path = folder / name
    path.write_bytes(content)
    text = without_times(pdf_text(path))
    text = re.sub(r"Établi le <date> par .*? Empreinte du contenu", "Établi le Empreinte du contenu", text)
    return re.sub(r"Établi par .*? Chiffres clés", "Établi par Chiffres clés", text)


@pytest.fixture
def held(demo_app_store: Store) -> HeldSeance:
    return hold_seance(demo_app_store)


def _served(page: str, login: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    served = catch_downloads(monkeypatch)
    at = signed_in_page(PAGES / page, account(store, login), CALL, timeout=60).run()
    assert not at.exception, at.exception
    by_key: dict[str, Any] = served["by_key"]
    return by_key


def test_the_seance_page_gives_the_proces_verbal_of_jury_pv(demo_app_store: Store, held: HeldSeance,
                                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    built: list[str] = []
    original = reports.proces_verbal_call
    monkeypatch.setattr(reports, "proces_verbal_call", lambda *a, **k: built.append("pv") or original(*a, **k))
    by_key = _served("seance.py", "direction", demo_app_store, monkeypatch)
    button = by_key[f"proces_verbal_{held.seance_id}"]
    assert as_read(button["label"]) == "Télécharger le procès-verbal (PDF)" and button["mime"] == "application/pdf"
    assert button["file_name"].startswith(f"proces-verbal_{CALL}_officiel-s{held.seance_id}-v2_")
    assert not built, "the page wrote the procès-verbal before any click"
    page_file = button["data"]()
    assert built == ["pv"]
    _name, command_file = original(demo_app_store, OPERATOR, CALL, held.seance_id)
    assert _comparable(page_file, tmp_path, "page.pdf") == _comparable(command_file, tmp_path, "commande.pdf")


def test_a_juror_is_offered_no_proces_verbal(demo_app_store: Store, held: HeldSeance,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    by_key = _served("seance.py", "celine.ravaud", demo_app_store, monkeypatch)
    assert not [key for key in by_key if str(key).startswith("proces_verbal_")]
    with pytest.raises(AccessDenied, match="procès-verbal"):
        reports.seance_minutes(demo_app_store, account(demo_app_store, "celine.ravaud"), CALL)


@pytest.mark.parametrize(("page", "key"), [("liste_restreinte.py", f"report_{CALL}"),
                                           ("classement.py", f"classement_report_{CALL}")])
def test_the_meeting_pages_give_the_report_of_jury_rapport(demo_app_store: Store, held: HeldSeance, page: str,
                                                           key: str, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    by_key = _served(page, "helene.marchetti", demo_app_store, monkeypatch)
    button = by_key[key]
    assert as_read(button["label"]) == "Télécharger en PDF"
    assert button["file_name"].startswith(f"rapport_{CALL}_officiel-s{held.seance_id}-v2_")
    _name, command_file = reports.report_call(demo_app_store, OPERATOR, CALL)
    assert _comparable(button["data"](), tmp_path, "page.pdf") == _comparable(command_file, tmp_path, "cmd.pdf")
