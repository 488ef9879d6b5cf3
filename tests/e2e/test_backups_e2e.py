"""End to end: a backup made by `jury backup` while the shared server serves, listed on the
administration page and downloaded from it, byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.services.backups import backup_folder, prepared_folder
from tests.helpers.browser import no_exception, open_page, sign_in
from tests.helpers.workbooks import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_a_backup_made_while_serving_downloads_from_the_administration_page(
        page, app_url: str, demo_db: Path, tmp_path: Path) -> None:
    folder = prepared_folder(backup_folder(demo_db))
    made = subprocess.run([sys.executable, "-m", "dashboard", "backup", "--db", str(demo_db), "--out", str(folder)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    [backup] = folder.glob("sauvegarde_jury_cli_*.duckdb")

    sign_in(page, app_url, "admin")
    open_page(page, "Jurés et récusations")
    page.get_by_role("tab", name="Sauvegardes").click()
    button = page.get_by_role("button", name="Télécharger la sauvegarde")
    button.wait_for()
    assert "à la demande" in page.get_by_role("tabpanel", name="Sauvegardes").inner_text()  # the one chosen
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == backup.name
    saved = tmp_path / backup.name
    download.value.save_as(saved)
    assert saved.read_bytes() == backup.read_bytes()
    assert no_exception(page)
