"""The wheel installed (not editable) and served from another folder, where no
`.streamlit/config.toml` lies: the theme, the map and the 20 MB upload cap still hold."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.helpers.browser import no_exception, open_page, sign_in
from tests.helpers.packaging import InstalledPackage
from tests.helpers.server import serving

pytestmark = pytest.mark.e2e

PRIMARY = "rgb(193, 0, 42)"  # theme.primaryColor #c1002a


@pytest.fixture(scope="module")
def installed_url(installed_package: InstalledPackage, tmp_path_factory: pytest.TempPathFactory):
    elsewhere = tmp_path_factory.mktemp("ailleurs")
    db = elsewhere / "jury.duckdb"
    subprocess.run([*installed_package.python, "-m", "dashboard", "init", "--db", str(db)], cwd=elsewhere,
                   env=installed_package.env(), check=True, capture_output=True, timeout=300)
    assert not (elsewhere / ".streamlit").exists()
    with serving(installed_package.python, cwd=elsewhere, env=installed_package.env(JURY_DB=str(db)),
                 log=elsewhere / "streamlit.log") as url:
        yield url


def test_installed_server_keeps_its_theme_map_and_upload_cap(page, installed_url: str) -> None:
    page.goto(installed_url + "/connexion")
    button = page.get_by_role("button", name="Se connecter")
    button.wait_for()
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == PRIMARY

    sign_in(page, installed_url, "admin")
    lines = page.locator('[data-testid="stPlotlyChart"]').first.locator("path.js-line")
    lines.first.wait_for()
    # one line path per outline ring (plotly splits the trace at its gaps): at least the 96
    # départements of metropolitan France, read from the package's departements.geojson
    assert lines.count() >= 96
    assert no_exception(page)

    open_page(page, "Import")
    dropzone = page.locator('[data-testid="stFileUploaderDropzone"]').first
    dropzone.wait_for()
    limit = dropzone.inner_text()
    assert re.search(r"(?<!\d)20\s?Mo par fichier", limit), limit  # the cap, in French (`shell`)
    assert no_exception(page)
