"""End to end in a real Chromium: the selection meeting.

The president changes a weight on /ponderation and sees the ranking change on
/classement, builds a shortlist with a région minimum on /liste-restreinte,
downloads the workbook and reads it back with LibreOffice: the « Liste
restreinte » sheet lists the dossiers the page shows, and every région holds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.browser import no_exception, open_page, reset_working_state, sign_in, wait_drawn
from tests.helpers.databases import copy_database
from tests.helpers.libreoffice import libreoffice_sheets, table
from tests.helpers.pdf import pdf_text

pytestmark = pytest.mark.e2e

# Leaders expected from the engine itself, on a copy of the same database: with
# equal weights, and with the partnership criterion D03 set to 0 points.
EXPECTED = """
import json, sys
from dashboard.core import decision
from dashboard.services import meeting
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
db = Database(sys.argv[1]); s = db.store()
inputs = meeting.call_inputs(s, OPERATOR, meeting.load_call(s, OPERATOR, "AMI1"), decision.AggregationSettings())
equal = decision.default_profile(inputs)
without = decision.WeightProfile(weights={**equal.weights, "D03": 0.0}, enabled=equal.enabled)
names = inputs.attributes["display_name"]
eligible = inputs.attributes.loc[inputs.eligible_ids]
# The 18 régions (Saint-Martin, a collectivité d'outre-mer, is not one).
regions = sorted(eligible.loc[eligible["region_kind"] != "collectivité d'outre-mer", "region"].unique())
print(json.dumps({"before": names[decision.rank_call(inputs, equal).scores.idxmax()],
                  "after": names[decision.rank_call(inputs, without).scores.idxmax()], "regions": regions}))
db.close()
"""


def _expected(db: Path) -> dict:
    copy = db.with_name("copy-for-meeting.duckdb")
    copy_database(db, copy)
    return json.loads(subprocess.run([sys.executable, "-c", EXPECTED, str(copy)], capture_output=True,
                                     text=True, check=True).stdout)


def _leader(page) -> str:
    caption = page.get_by_text(re.compile(r"^En tête :")).first
    caption.wait_for()
    return caption.locator("strong").inner_text()


def test_weights_ranking_shortlist_and_workbook(page, app_url: str, demo_db: Path, tmp_path: Path) -> None:
    expected = _expected(demo_db)
    assert expected["before"] != expected["after"]

    sign_in(page, app_url, "helene.marchetti")
    open_page(page, "Classement")
    page.wait_for_function(f"() => document.body.innerText.includes({json.dumps('En tête : ' + expected['before'])})")
    assert _leader(page) == expected["before"]

    open_page(page, "Pondération")
    page.get_by_text("Points (curseurs)").click()
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="D03").get_by_role("slider")
    slider.wait_for()
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stSlider\"]')]"
                           ".some(s => s.innerText.includes('D03') && s.innerText.includes('· 0,0'))")

    open_page(page, "Classement")
    page.wait_for_function(f"() => document.body.innerText.includes({json.dumps('En tête : ' + expected['after'])})")
    assert _leader(page) == expected["after"]

    open_page(page, "Liste restreinte")
    size = page.locator('[data-testid="stNumberInput"]').filter(has_text="Taille de la liste").locator("input")
    size.fill("20")
    size.press("Enter")
    wait_drawn(page, "/liste-restreinte")
    page.get_by_text("Toutes les régions (18)").click()
    wait_drawn(page, "/liste-restreinte")
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stTable\"]')]"
                           ".some(t => t.innerText.includes('Dans les N premiers') "
                           "&& t.querySelectorAll('tbody tr').length === 20)")
    regions = page.locator('[data-testid="stMetric"]').filter(has_text="Régions représentées")
    assert regions.locator('[data-testid="stMetricValue"]').inner_text() == \
        f"{len(expected['regions'])} / {len(expected['regions'])}"
    selection = page.locator('[data-testid="stTable"]').filter(has_text="Dans les N premiers")
    rows = selection.locator("tbody tr")
    page_ids = [rows.nth(i).locator("th").first.inner_text().strip() for i in range(rows.count())]
    assert len(page_ids) == 20
    assert no_exception(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter le classeur").click()
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    # /classement's report holds the shortlist just chosen: the click, outside the page's run, still has it
    open_page(page, "Classement")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger en PDF").click()
    assert re.fullmatch(r"rapport_AMI1_essai-helene\.marchetti_\d{4}-\d{2}-\d{2}_\d{2}h\d{2}\.pdf",
                        download.value.suggested_filename)
    download.value.save_as(tmp_path / "rapport.pdf")
    report = pdf_text(tmp_path / "rapport.pdf")
    assert "Liste restreinte (20 dossiers)" in report and "Essai personnel de Hélène Marchetti" in report
    reset_working_state(page, "/classement")  # the shared server's next tests find the defaults
    # {kind}_{call}_{scope}_{YYYY-MM-DD_HHhMM}.{ext}: a working export by the signed-in president.
    assert re.fullmatch(r"liste-restreinte_AMI1_essai-helene\.marchetti_\d{4}-\d{2}-\d{2}_\d{2}h\d{2}\.xlsx",
                        workbook.name)

    sheets = libreoffice_sheets(workbook, tmp_path / "lo")
    shortlist = table(sheets["Liste restreinte"])
    id_column = next(c for c in shortlist[0] if shortlist[0][c] in page_ids)
    region_column = next(c for c in shortlist[0] if shortlist[0][c] in expected["regions"])
    assert sorted(r[id_column] for r in shortlist) == sorted(page_ids)
    assert set(expected["regions"]) <= {r[region_column] for r in shortlist}
    assert len(expected["regions"]) == 18
