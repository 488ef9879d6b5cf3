"""The pages' error boundary (`dashboard.ui.server.show_script_error`, Streamlit's
`on_script_error`) and the reopening of the database after a fatal error, run in AppTest.

The browser test (tests/e2e/test_server_e2e.py) shows the boundary through the real
server; here each kind of error is checked for the words a user reads and what the
incident log keeps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.services.incidents import configure_incident_log, incident_log_path
from dashboard.store import Database
from tests.helpers.rendered import rendered

REFERENCE = re.compile(r"référence (\d{8}-\d{6}-[0-9A-F]{4})")


def _failing_page(error: str) -> None:
    """A page that fails with `error` (a name in dashboard.errors, or RuntimeError)."""
    import dashboard.errors as errors
    from dashboard.ui.server import show_script_error

    kind = getattr(errors, error, RuntimeError)
    try:
        raise kind("échec dans /srv/jury/data/jury.duckdb : SELECT * FROM users")
    except Exception as exc:
        show_script_error(exc)


@pytest.fixture
def incident_log(tmp_path: Path) -> Path:
    return configure_incident_log(tmp_path / "jury.duckdb")


def _shown(error: str) -> str:
    at = AppTest.from_function(_failing_page, args=(error,), default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1
    return rendered(rendered(at.error[0].value))


def test_an_unexpected_error_shows_a_sentence_and_a_reference_and_logs_the_detail(incident_log: Path) -> None:
    shown = _shown("RuntimeError")
    assert shown.startswith("Une erreur inattendue est survenue ; elle a été consignée (référence ")
    for hidden in ("/srv", "SELECT", "RuntimeError", "Traceback"):
        assert hidden not in shown
    match = REFERENCE.search(shown)
    assert match is not None
    logged = incident_log.read_text(encoding="utf-8")
    assert f"référence {match.group(1)}" in logged
    assert "RuntimeError: échec dans /srv/jury/data/jury.duckdb" in logged and "Traceback" in logged
    assert "page « ? »" in logged  # AppTest runs no entry script to name the page


def test_an_error_of_the_application_shows_its_own_french_message(incident_log: Path) -> None:
    shown = _shown("DiskFullError")
    assert shown.startswith("échec dans")  # its own message…
    assert REFERENCE.search(shown)  # …with the reference to give the operator


def test_an_error_meant_for_the_operator_names_no_file_on_a_page(incident_log: Path) -> None:
    for error in ("DamagedDatabaseError", "DatabaseLockedError", "SchemaTooNewError"):
        shown = _shown(error)
        assert shown.startswith("La base est indisponible ; l'incident a été consigné (référence ")
        assert "/srv" not in shown


def _refusing_page(with_store_failure: bool) -> None:
    """A page that expects a refusal and shows it with `show_refusal`."""
    import duckdb

    from dashboard.errors import AccessDenied, JuryError
    from dashboard.store.failures import translate
    from dashboard.ui.server import show_refusal

    try:
        if with_store_failure:
            try:
                raise duckdb.ConstraintException('Constraint Error: NOT NULL constraint failed: "/srv/x".reason')
            except duckdb.Error as exc:
                raise translate(exc, "Enregistrement impossible") from exc
        raise AccessDenied("Action refusée : réservé à la présidence.")
    except JuryError as refused:
        show_refusal(refused)


def test_a_refusal_a_page_expects_is_said_as_such_and_a_store_failure_gets_a_reference(
        incident_log: Path) -> None:
    at = AppTest.from_function(_refusing_page, args=(False,), default_timeout=30).run()
    assert [rendered(error.value) for error in at.error] == ["Action refusée : réservé à la présidence."]
    assert not incident_log.exists() or "présidence" not in incident_log.read_text(encoding="utf-8")

    at = AppTest.from_function(_refusing_page, args=(True,), default_timeout=30).run()
    (shown,) = [rendered(error.value) for error in at.error]
    assert shown.startswith("Enregistrement impossible : la base a refusé l'opération ; le détail est consigné")
    assert "/srv" not in shown and "Constraint" not in shown
    match = REFERENCE.search(shown)
    assert match is not None
    logged = incident_log.read_text(encoding="utf-8")
    assert f"référence {match.group(1)}" in logged and "NOT NULL constraint failed" in logged


def test_the_incident_log_sits_beside_the_database_and_rotates(tmp_path: Path) -> None:
    from logging.handlers import RotatingFileHandler

    from dashboard.services import incidents

    path = configure_incident_log(tmp_path / "base" / "jury.duckdb")
    assert path == incident_log_path(tmp_path / "base" / "jury.duckdb") == tmp_path / "base" / "jury.incidents.log"
    (handler,) = incidents._logger.handlers
    assert isinstance(handler, RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (5 * 1024 * 1024, 4)
    assert configure_incident_log(tmp_path / "base" / "jury.duckdb") == path  # once per file
    assert len(incidents._logger.handlers) == 1


def _store_page() -> None:
    import streamlit as st

    from dashboard.ui.session import get_store

    store = get_store()
    st.write(f"session store {id(store)}")
    st.write(f"{len(store.calls())} appel(s)")


def test_after_a_fatal_error_the_next_page_reopens_the_database_on_a_new_cursor(
        demo_app_store, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB invalidates a database after a fatal error (a full disk at a checkpoint:
    tests/store/test_disk_full.py makes a real one). Here a store reports one and the
    probe confirms it once; the reopening that follows is real: every cursor closed, the
    file opened again, and the session given a store on a new cursor."""
    from dashboard.ui.session import get_database

    at = AppTest.from_function(_store_page, default_timeout=30).run()
    first, calls = rendered(at.markdown[0].value), rendered(at.markdown[1].value)
    assert calls == "4 appel(s)"  # the demo's four calls
    verdicts = iter([True])
    real_failed = Database.failed
    monkeypatch.setattr(Database, "failed", lambda self: next(verdicts, None) or real_failed(self))
    get_database().mark_failed()  # what the session's store does when DuckDB says so
    at.run()
    assert not at.exception
    assert rendered(at.markdown[0].value) != first  # a new store, on a cursor of the reopened file
    assert rendered(at.markdown[1].value) == calls  # read whole from the reopened file
    assert get_database().generation == 1


def test_no_page_probes_the_database_until_a_store_has_met_a_fatal_error(
        demo_app_store, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_probe(self: Database) -> bool:
        raise AssertionError("probed without a fatal error")

    monkeypatch.setattr(Database, "failed", no_probe)
    at = AppTest.from_function(_store_page, default_timeout=30).run()
    at.run()
    assert not at.exception and rendered(at.markdown[1].value) == "4 appel(s)"


def test_a_store_reports_a_fatal_error_to_its_database() -> None:
    import duckdb

    from dashboard.errors import DatabaseFailedError
    from dashboard.store import Store

    class Invalidated:
        def execute(self, *args: object) -> None:
            raise duckdb.FatalException("FATAL Error: Failed: database has been invalidated because of a "
                                        "previous fatal error.")

    reported: list[bool] = []
    from dashboard.store.journal import ChainState

    store = Store(Invalidated(), chain=ChainState(bytes(32)), on_fatal=lambda: reported.append(True))
    with pytest.raises(DatabaseFailedError):
        store.calls()
    assert reported == [True]
