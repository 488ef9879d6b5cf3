"""End to end: a juror rates and signs out; a recused juror is refused by URL; the president sees the rating."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import choose_call, no_exception, open_page, sign_in, sign_out
from tests.helpers.databases import copy_database

pytestmark = pytest.mark.e2e


def _recused_pair(db: Path) -> tuple[str, str]:
    """A demo juror's login and a dossier of AMI1 they are recused from (read with a separate process)."""
    script = (
        "import sys; from dashboard.store import Database, Store; from dashboard.store.access import OPERATOR;"
        "db = Database(sys.argv[1]); s = db.store();"
        "r = s.recusals(OPERATOR, 'AMI1').iloc[0]; u = s.users(OPERATOR);"
        "print(u[u.juror_id == r.juror_id].login.iloc[0], r.dossier_id); db.close()"
    )
    return tuple(subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True, text=True,
                                check=True).stdout.split())


def test_rating_recusal_and_concertation(page, app_url: str, demo_db: Path) -> None:
    # Read the recusal before the server holds the file: the fixture order guarantees it
    # only if we ask before the first page load, so the pair is computed from a copy.
    copy = demo_db.with_name("copy-for-read.duckdb")
    if not copy.exists():
        copy_database(demo_db, copy)
    recused_login, recused_dossier = _recused_pair(copy)

    sign_in(page, app_url, "celine.ravaud")
    open_page(page, "Notation")
    page.get_by_role("heading", name="Vos notes", exact=True).wait_for()  # the form (the calibration says it too)
    choose_call(page, re.compile(r"AMI 2 — phase 3"))
    page.get_by_text("Dossiers complets").wait_for()
    progress = "() => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText.startsWith('{} /')"
    page.wait_for_function(progress.format(0))
    form = page.locator('[data-testid="stForm"]')
    page.get_by_text(re.compile(r"Dossier : AMI2-P3-\d+")).wait_for()
    for criterion in ("J01", "J02", "J03", "J04", "J05", "J06"):
        group = form.get_by_role("radiogroup", name=re.compile(criterion))
        expect(group).to_have_count(1)  # the form of the previous call has gone
        group.get_by_text("1", exact=True).click()
        expect(group.locator("input[type=radio]").first).to_be_checked()
    comment = form.get_by_placeholder("Commentaire (facultatif)").first
    comment.fill("Projet encore fragile (test navigateur)")
    expect(comment).to_have_value("Projet encore fragile (test navigateur)")
    form.get_by_role("button", name="Enregistrer").click()
    page.wait_for_function(progress.format(1))
    assert no_exception(page)
    sign_out(page)

    # Typing the address of a dossier the juror is recused from.
    sign_in(page, app_url, recused_login, path=f"/notation?dossier={recused_dossier}")
    page.get_by_text("vous êtes récusé").wait_for()
    page.get_by_role("button", name="Se connecter").wait_for(state="detached")
    assert page.locator('[data-testid="stForm"]').count() == 0
    assert page.get_by_role("radiogroup").count() == 0
    sign_out(page)

    sign_in(page, app_url, "helene.marchetti")
    open_page(page, "Concertation")
    page.get_by_text("Accord entre jurés").wait_for()
    choose_call(page, re.compile(r"AMI 2 — phase 3"))
    page.get_by_text("Projet encore fragile (test navigateur)").wait_for()
    recent = page.locator('[data-testid="stTable"]').filter(has_text="Projet encore fragile (test navigateur)")
    assert "Céline Ravaud" in recent.inner_text()
    assert no_exception(page)
