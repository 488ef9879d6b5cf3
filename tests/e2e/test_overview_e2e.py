"""End to end in a real Chromium: sign-in gate, and the overview following the call selector."""

from __future__ import annotations

import re

import pytest

from tests.helpers.browser import metric, no_exception, sign_in, sign_out

pytestmark = pytest.mark.e2e

PAGES = ["/", "/dossiers", "/notation", "/concertation", "/journal", "/import", "/administration",
         "/seance", "/ponderation", "/classement", "/comparer", "/sensibilite", "/liste-restreinte"]


def test_without_a_session_every_url_shows_only_the_login_form(page, app_url: str) -> None:
    """Each address typed in one browser without a session cookie (a load each, one context)."""
    for path in PAGES:
        page.goto(app_url + path)
        page.get_by_role("button", name="Se connecter").wait_for()
        page.get_by_label("Identifiant").wait_for()
        shown = {kind: page.locator(f'[data-testid="{kind}"]').count()
                 for kind in ("stMetric", "stDataFrame", "stTable", "stPlotlyChart")}
        assert shown == dict.fromkeys(shown, 0), path
        assert "Aurillac" not in page.content(), path


def test_overview_counts_follow_the_call_selector(page, app_url: str) -> None:
    sign_in(page, app_url, "direction")
    page.locator('[data-testid="stMetricValue"]').first.wait_for()
    assert metric(page, "Dossiers") == "85"
    assert metric(page, "Lauréats historiques") == "55"

    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=re.compile(r"AMI 2 — phase 1")).click()
    page.wait_for_function(
        """() => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                    .find(e => e.innerText.includes('Dossiers'));
                   return m && !m.innerText.includes('85'); }"""
    )
    assert metric(page, "Dossiers") == "7"
    assert no_exception(page)
    sign_out(page)
    page.goto(app_url + "/")
    page.get_by_role("button", name="Se connecter").wait_for()
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_wrong_password_is_refused(page, app_url: str) -> None:
    page.goto(app_url + "/connexion")
    page.get_by_label("Identifiant").fill("admin")
    page.get_by_label("Mot de passe", exact=True).fill("pas-le-bon-mot")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for()
    assert page.locator('[data-testid="stMetric"]').count() == 0
