"""AppTest of the séance's official weights and constraints on /ponderation and /liste-restreinte:
the president's changes become versions; a juror reads them, and their « essai personnel » never
changes the séance; the official export has the official name, and `jury export` writes the same
workbook under the same rule."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.decision import AggregationSettings
from dashboard.report.shortlist_workbook import NATURE_LABEL
from dashboard.services import meeting as meeting_service
from dashboard.services import seance as seance_service
from dashboard.store import Store
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.apptest import PAGES, account, catch_downloads, signed_in_page
from tests.helpers.rendered import as_read

CALL = "AMI1"
WEIGHTS, SHORTLIST = PAGES / "ponderation.py", PAGES / "liste_restreinte.py"
JUROR = "celine.ravaud"
# Who exported and when differ between two exports of the same settings.
PER_EXPORT = {"Date et heure de l'export", "Utilisateur"}


@pytest.fixture
def seance(demo_app_store: Store) -> tuple[Store, Actor, int]:
    """The demo call's séance, opened by the president as /seance opens it."""
    store = demo_app_store
    president = account(store, "helene.marchetti")
    call = meeting_service.load_call(store, president, CALL)
    inputs = meeting_service.call_inputs(store, president, call, AggregationSettings())
    opened = seance_service.open_seance(store, president, inputs, "Séance du 05/09/2019", None, 55)
    return store, president, opened.seance_id


def _page(path, actor: Actor) -> AppTest:
    return signed_in_page(path, actor, CALL, timeout=60).run()


def _texts(elements) -> list[str]:
    return [as_read(e.value) for e in elements]


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_a_jurors_essai_personnel_never_changes_the_seance(seance) -> None:
    store, _, seance_id = seance
    juror = account(store, JUROR)
    at = _page(WEIGHTS, juror)
    _ok(at)
    assert any(t.startswith("Réglages officiels de la séance « Séance du 05/09/2019 » — version 1")
               for t in _texts(at.info))
    assert not [s for s in at.selectbox if s.label == "Méthode d'agrégation"]  # read, not edited
    at.toggle(key=f"essai_toggle_{CALL}").set_value(True).run()
    _ok(at)
    assert any(t.startswith("Essai personnel : vos pondérations") for t in _texts(at.warning))
    at.selectbox(key="pond_w_method").set_value("topsis").run()
    _ok(at)
    official = store.official_settings(juror, seance_id)
    assert official.version == 1 and official.profile["method"] == "wsm"
    assert at.session_state[f"profile_{CALL}"].method == "topsis"  # the juror's own

    shortlist = signed_in_page(SHORTLIST, juror, CALL, timeout=60)
    shortlist.session_state[f"trial_{CALL}"] = True  # kept for the person, as their working state keeps it
    shortlist.run()
    _ok(shortlist)
    assert not shortlist.number_input(key=f"sl_size_{CALL}").disabled
    shortlist.number_input(key=f"sl_min_overseas_{CALL}").set_value(9).run()
    _ok(shortlist)
    assert store.official_settings(juror, seance_id).version == 1
    assert not [b for b in shortlist.button if b.key and b.key.startswith(("forcing", "release"))]


def _served(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    served = catch_downloads(monkeypatch)
    at.run()
    _ok(at)
    return served


def _manifest(content: bytes) -> dict[str, Any]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {row[0]: row[1] for row in book["Manifeste"].iter_rows(values_only=True)}


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    sheets["Manifeste"] = [row for row in sheets["Manifeste"] if row[0] not in PER_EXPORT]
    return sheets


def test_the_presidents_changes_are_versions_and_the_official_export_follows_them(
        seance, monkeypatch: pytest.MonkeyPatch) -> None:
    store, president, seance_id = seance
    weights = _page(WEIGHTS, president)
    assert any("Vos changements créent une nouvelle version officielle" in t for t in _texts(weights.info))
    weights.selectbox(key="pond_w_method").set_value("topsis").run()
    _ok(weights)
    second = store.official_settings(president, seance_id)
    assert (second.version, second.profile["method"], second.changed_by) == (2, "topsis", "Hélène Marchetti")
    assert second.change == "pondération : méthode Somme pondérée → TOPSIS"

    constraints = _page(SHORTLIST, president)
    _ok(constraints)
    assert constraints.number_input(key=f"sl_min_overseas_{CALL}_o2").value == 6  # the 2019 proportion
    constraints.number_input(key=f"sl_min_overseas_{CALL}_o2").set_value(7).run()
    _ok(constraints)
    third = store.official_settings(president, seance_id)
    assert third.version == 3 and third.choices["min_overseas"] == 7 and third.profile["method"] == "topsis"
    assert third.change.startswith("contraintes : ")

    juror_page = signed_in_page(SHORTLIST, account(store, JUROR), CALL, timeout=60)
    served = _served(juror_page, monkeypatch)
    assert juror_page.number_input(key=f"sl_min_overseas_{CALL}_o3").disabled
    assert juror_page.number_input(key=f"sl_min_overseas_{CALL}_o3").value == 7
    assert served["file_name"].startswith(f"liste-restreinte_{CALL}_officiel-s{seance_id}-v3_")
    page_bytes = served["data"]()
    assert _manifest(page_bytes)[NATURE_LABEL].startswith(
        f"Officiel : pondération et contraintes de la séance n° {seance_id} « Séance du 05/09/2019 » (ouverte), "
        "version 3")

    # `jury export` without settings of its own: the same rule, the same workbook as the president's
    # page (a juror's ratings view leaves out the dossiers they are recused from)
    president_bytes = _served(signed_in_page(SHORTLIST, president, CALL, timeout=60), monkeypatch)["data"]()
    name, command_bytes = meeting_service.export_call(store, OPERATOR, CALL)
    assert name.startswith(f"liste-restreinte_{CALL}_officiel-s{seance_id}-v3_")
    assert _sheets(command_bytes) == _sheets(president_bytes)
    # with its own size it is the operator's, not the séance's
    own, own_bytes = meeting_service.export_call(store, OPERATOR, CALL, size=20, seance_id=seance_id)
    assert own.startswith(f"liste-restreinte_{CALL}_cli_")
    assert _manifest(own_bytes)[NATURE_LABEL].startswith("Export de l'opérateur")
