"""Sessions that survive a reload, in Chromium on the shared demo server: F5 and a new tab keep
the president signed in on the same page with the constraint they set, until they reset it; a
deep link opens while signed in; the workbook's address fails without the session's cookie;
sign-out, then the browser's back button, shows the log-in form; the password is in no log."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.browser import (
    DEMO_PASSWORD,
    metric,
    no_exception,
    open_page,
    reset_working_state,
    sign_in,
    sign_out,
    wait_drawn,
)

PRESIDENT = "helene.marchetti"
OVERSEAS = "Minimum d'outre-mer"
DEFAULT_OVERSEAS = "6"   # the page's default on the demo: 6 of 55, the 2019 laureates' proportion
# The shortlist's « Outre-mer » metric shows at least the minimum asked for.
_OVERSEAS_SHOWN = """minimum => [...document.querySelectorAll('[data-testid="stMetric"]')]
    .filter(box => box.innerText.includes('Outre-mer'))
    .some(box => parseInt(box.querySelector('[data-testid="stMetricValue"]').innerText, 10) >= minimum)"""


def _signed_in_on(page, path: str) -> None:
    page.get_by_role("button", name="Se déconnecter").wait_for()
    wait_drawn(page, path)


def test_reload_new_tab_deep_link_media_and_sign_out(page, browser, app_url: str, app_log: Path,
                                                     demo_db: Path) -> None:
    sign_in(page, app_url, PRESIDENT)
    open_page(page, "Liste restreinte")
    minimum = page.get_by_role("spinbutton", name=OVERSEAS)
    assert minimum.input_value() == DEFAULT_OVERSEAS
    wanted = str(int(metric(page, "Outre-mer")) + 1)  # one more than the list holds: the page shows it
    minimum.fill(wanted)
    minimum.press("Enter")
    # Wait, as a person does, until the page shows the change (a poll's run in between is not
    # the change's); the run that shows it keeps it, at its end.
    page.wait_for_function(_OVERSEAS_SHOWN, arg=int(wanted))
    wait_drawn(page, "/liste-restreinte")

    page.reload()
    _signed_in_on(page, "/liste-restreinte")
    assert page.get_by_role("spinbutton", name=OVERSEAS).input_value() == wanted

    tab = page.context.new_page()
    tab.goto(app_url + "/liste-restreinte")
    _signed_in_on(tab, "/liste-restreinte")
    assert tab.get_by_role("spinbutton", name=OVERSEAS).input_value() == wanted
    # A deep link opened while signed in: the dossier asked for, no log-in form.
    tab.goto(app_url + "/notation?dossier=AMI1-002")
    _signed_in_on(tab, "/notation")
    tab.get_by_text("Dossier : AMI1-002").first.wait_for()
    assert tab.get_by_role("button", name="Se connecter").count() == 0 and no_exception(tab)
    tab.close()

    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter le classeur").click()
    address = download.value.url
    assert "/media/" in address and page.request.get(address).status == 200
    # Without the cookie (another person's cookie is refused too: tests/ui/test_session_routes.py).
    stranger = browser.new_context()
    refused = stranger.request.get(address)
    assert refused.status == 403 and "Fichier réservé" in refused.text()
    stranger.close()

    # The constraint stays until the president resets it (the shared server's other tests start clean).
    reset_working_state(page, "/liste-restreinte")
    assert "reglages" not in page.url
    assert page.get_by_role("spinbutton", name=OVERSEAS).input_value() == DEFAULT_OVERSEAS

    sign_out(page)
    assert "jury_session" not in {cookie["name"] for cookie in page.context.cookies(app_url)}
    page.go_back()
    page.get_by_role("button", name="Se connecter").wait_for()
    assert page.get_by_role("button", name="Se déconnecter").count() == 0
    assert page.get_by_role("spinbutton", name=OVERSEAS).count() == 0

    logs = app_log.read_text() + "".join(p.read_text() for p in demo_db.parent.glob("*.log"))
    assert DEMO_PASSWORD not in logs
