"""Fixtures of the page tests: the tiny call in the database file the app opens (JURY_DB)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from dashboard.services.importer import import_file
from dashboard.store import Database
from dashboard.store.access import OPERATOR


@pytest.fixture
def app_db(tmp_path: Path, tiny_workbook: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The tiny call in the file the app opens; the app's cached database and frames cleared
    around the test."""
    path = tmp_path / "app.duckdb"
    db = Database(path)
    import_file(tiny_workbook, db.store(), actor=OPERATOR)
    db.close()
    monkeypatch.setenv("JURY_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
