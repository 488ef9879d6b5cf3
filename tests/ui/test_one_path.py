"""Proof of one path: the workbook the page /liste-restreinte serves and the one `jury export`
writes from the same data hold identical sheets, except the export's time and user."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import streamlit as st

from dashboard.core import filenames
from dashboard.store import Store
from dashboard.ui.session import get_database, shortlist_key
from tests.helpers.apptest import account, catch_downloads, signed_in_page
from tests.helpers.rendered import rendered
from tests.helpers.workbooks import REPO_ROOT

SHORTLIST = str(REPO_ROOT / "dashboard" / "pages" / "liste_restreinte.py")
CALL = "AMI1"
# Manifest rows that name when and by whom the file was made: the only ones allowed to differ.
# Who exported and when, and so whose essai it is (no séance: the user's, the operator's).
PER_EXPORT = {"Date et heure de l'export", "Utilisateur", "Nature de l'export"}


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def _without_per_export_rows(sheets: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    kept = dict(sheets)
    kept["Manifeste"] = [row for row in sheets["Manifeste"] if row[0] not in PER_EXPORT]
    return kept


def _page_download(store: Store, login: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run the page as `login` with every région required, and catch what its download button serves."""
    served = catch_downloads(monkeypatch)
    at = signed_in_page(SHORTLIST, account(store, login), CALL, timeout=60)
    at.run()
    at.number_input(key=f"sl_size_{CALL}").set_value(20)
    at.toggle(key=f"sl_every_region_{CALL}").set_value(True).run()
    assert not at.exception and not at.error, [rendered(e.value) for e in at.error]
    served["constraints"] = at.session_state[shortlist_key(CALL)]["constraints"]
    return served


def test_page_and_jury_export_write_the_same_workbook(demo_app_store: Store, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    store = demo_app_store
    president = store.credentials("helene.marchetti")["actor"]
    # A forcing stored by the president: the page and the command must both unite it with the constraints.
    store.set_forcing(president, CALL, "AMI1-002", "force_in", "Projet pilote retenu par le comité")
    served = _page_download(store, "helene.marchetti", monkeypatch)
    assert served["constraints"]["min_per_group"] == {"region": 1}
    assert served["constraints"]["force_in"] == ["AMI1-002"]
    page_bytes = served["data"]()  # what the browser receives on click
    assert served["file_name"].startswith(f"liste-restreinte_{CALL}_{filenames.trial_scope('helene.marchetti')}_")

    # The same data through `jury export`, in its own process (the file is released first).
    get_database().close()
    st.cache_resource.clear()
    constraints = tmp_path / "contraintes.json"
    # The session's constraints as the page solved them (its forcing included: the command unites
    # it with the stored one, so it is not counted twice).
    constraints.write_text(json.dumps(served["constraints"]), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "dashboard", "export", "--db", os.environ["JURY_DB"], "--call", CALL,
                          "--size", "20", "--constraints", str(constraints), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert run.returncode == 0, run.stderr
    (written,) = tmp_path.glob("liste-restreinte_*.xlsx")
    assert written.name.startswith(f"liste-restreinte_{CALL}_cli_")

    page, command = _sheets(page_bytes), _sheets(written.read_bytes())
    assert list(page) == list(command)
    assert _without_per_export_rows(page) == _without_per_export_rows(command)
    # What does differ is only the time and the user.
    page_info = {row[0]: row[1] for row in page["Manifeste"]}
    command_info = {row[0]: row[1] for row in command["Manifeste"]}
    assert page_info["Utilisateur"] != command_info["Utilisateur"]
    assert page_info["Nature de l'export"].startswith("Essai personnel de Hélène Marchetti (helene.marchetti)")
    assert command_info["Nature de l'export"].startswith("Export de l'opérateur")
    assert page_info["Profil de pondération"] == command_info["Profil de pondération"] == "poids égaux"
