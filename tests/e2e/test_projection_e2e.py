"""« Mode projection » in a real browser at a projector's 1280 × 720: the rows of /classement and the
radar of /comparer in the first screen, /liste-restreinte's list before anything else, and the mode
kept for the person until they leave it."""

from __future__ import annotations

import pytest

from tests.helpers.browser import sign_in, wait_drawn

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
LOGIN = "thomas.delorme"   # a juror no other browser test signs in as: the mode is kept for him


def _rows_in_view(page) -> int:
    """The static table's rows wholly inside the first screen."""
    return page.evaluate("""height => [...document.querySelectorAll('[data-testid="stTable"] tbody tr')]
        .filter(row => { const box = row.getBoundingClientRect(); return box.top >= 0 && box.bottom <= height; })
        .length""", PROJECTOR["height"])


def _visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def test_projection_mode_shows_what_matters_in_the_first_screen(browser, app_url: str) -> None:
    context = browser.new_context(locale="fr-FR", viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, app_url, LOGIN)
        page.goto(app_url + "/classement?projection=1")
        wait_drawn(page, "/classement")
        page.get_by_role("button", name="Quitter le mode projection").wait_for()
        page.locator('[data-testid="stTable"] tbody tr').nth(14).wait_for()
        assert not _visible(page, '[data-testid="stSidebar"]')
        assert not page.get_by_text("Filtres d'affichage").is_visible()
        assert _rows_in_view(page) >= 15
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 20

        # Kept with the person: a new address (the whole app loaded again) is still in projection.
        page.goto(app_url + "/comparer")
        wait_drawn(page, "/comparer")
        radar = page.locator('.st-key-comparer_radar .js-plotly-plot, [data-testid="stPlotlyChart"]').first
        radar.wait_for()
        box = radar.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"]
        sentence = page.get_by_text("Pourquoi l'un devance l'autre")
        assert sentence.bounding_box()["y"] < PROJECTOR["height"]
        assert not page.get_by_text("Dossiers à comparer (2 à 4)").is_visible()
        legend = page.locator('[data-testid="stPlotlyChart"] .legendtext').first
        assert float(legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 14

        page.goto(app_url + "/liste-restreinte")
        wait_drawn(page, "/liste-restreinte")
        page.locator('[data-testid="stTable"] tbody tr').first.wait_for()
        assert not page.get_by_text("Contraintes", exact=True).is_visible()
        assert page.locator('[data-testid="stTable"] tbody tr').first.bounding_box()["y"] < PROJECTOR["height"]

        # Leaving it brings the sidebar and the inputs back.
        page.get_by_role("button", name="Quitter le mode projection").click()
        page.get_by_role("button", name="Se déconnecter").wait_for()
        wait_drawn(page, "/liste-restreinte")
        assert page.get_by_text("Contraintes", exact=True).is_visible()
    finally:
        context.close()
