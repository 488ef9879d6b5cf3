"""Shared fixtures: a temporary DuckDB store, a small valid import workbook, and the two together with accounts."""

from __future__ import annotations

import os

# bcrypt's cost factor is lowered for the test run only (12 in production).
os.environ.setdefault("JURY_BCRYPT_ROUNDS", "4")

from pathlib import Path

import pytest

from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.accounts import add_accounts
from tests.helpers.databases import copy_database
from tests.helpers.packaging import InstalledPackage, build_and_install
from tests.helpers.workbooks import DEMO_WORKBOOK, tiny_tables, write_workbook

# Under `pytest -n 2 --dist loadgroup` (`make test`), the browser tests and the installed
# package's run as one group on one worker, first (they share one demo server and one
# Chromium, and are the longest part of the run); every other module is a group of its own,
# so that a module's fixtures are built once.
SERIAL_GROUP = "navigateur"
SERIAL_PATHS = ("tests/e2e/", "tests/test_packaging.py")


def _group_of(item: pytest.Item) -> str:
    path = item.nodeid.split("::", 1)[0]
    return SERIAL_GROUP if path.startswith(SERIAL_PATHS) else path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group_of(item)))
    items.sort(key=lambda item: _group_of(item) != SERIAL_GROUP)


@pytest.fixture(autouse=True, scope="session")
def digests_checked_at_every_close():
    """Every database a test closes (in this process) is checked: the state digests its writes
    kept up to date part by part must be those of the data read whole. A write that forgot to
    name the table it changed would show here, in whichever test made it."""
    original = Database.close

    def checked_close(self: Database) -> None:
        try:
            if not self.closed and not self._failure_met and not self.failed():
                kept, whole = self.chain.state(), self.store().state_hash()
                assert kept == whole, f"digests kept by the writes differ from the data of {self.path}"
        finally:
            original(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Database, "close", checked_close)
        yield


@pytest.fixture
def database(tmp_path: Path):
    db = Database(tmp_path / "jury.duckdb")
    yield db
    db.close()


@pytest.fixture
def store(database: Database) -> Store:
    return database.store()


@pytest.fixture
def tiny_workbook(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "tiny.xlsx", tiny_tables())


@pytest.fixture
def tiny_store(store: Store, tiny_workbook: Path) -> Store:
    """The tiny call imported, with an account for each of its people (`tests/helpers/accounts.py`)."""
    import_file(tiny_workbook, store, actor=OPERATOR)
    add_accounts(store)
    return store


@pytest.fixture(scope="session")
def demo_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo calls, their documents and their demo accounts in a database file built once per
    test run (what `jury init` makes)."""
    from dashboard.services.documents import attach_demo_documents
    from dashboard.services.importer import import_file
    from dashboard.services.operations import create_demo_accounts
    from dashboard.store.access import OPERATOR

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    db = Database(path)
    store = db.store()
    import_file(DEMO_WORKBOOK, store, actor=OPERATOR)
    attach_demo_documents(store)
    create_demo_accounts(store)
    db.close()
    return path


@pytest.fixture
def demo_app_store(demo_database_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh copy of the demo database opened the way the app opens it (JURY_DB,
    one cached database per process), with Streamlit's caches cleared around the test."""
    import streamlit as st

    path = tmp_path / "demo.duckdb"
    copy_database(demo_database_file, path)
    monkeypatch.setenv("JURY_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    from dashboard.ui.session import get_database

    yield get_database().store()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="session")
def installed_package(tmp_path_factory: pytest.TempPathFactory) -> InstalledPackage:
    """The project built as a wheel and installed (not editable) in a folder of its own, once per run."""
    return build_and_install(tmp_path_factory.mktemp("wheel"))
