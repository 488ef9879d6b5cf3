"""Small Playwright helpers shared by the end-to-end tests."""

from __future__ import annotations

DEMO_PASSWORD = "demo-jury-2019"


def sign_in(page, app_url: str, login: str, password: str = DEMO_PASSWORD, path: str = "/connexion") -> None:
    """Open `path` in a browser context without a session (a new one, or after `sign_out`), sign
    in on the log-in form it shows, and wait for the page the browser is sent on to."""
    page.goto(app_url + path)
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def sign_out(page) -> None:
    """« Se déconnecter », and wait for the log-in form the browser is sent to (its cookie dropped)."""
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Se connecter").wait_for()


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def no_exception(page) -> bool:
    return page.locator('[data-testid="stException"]').count() == 0


# The script is not running and nothing of the screen before is left.
_SETTLED = """document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')"""
# The page is drawn: its address shown, and settled.
_DRAWN = f"""path => location.pathname.replace(/\\/$/, '') === path.replace(/\\/$/, '')
    && {_SETTLED}"""
# A tab is drawn: selected, its panel holding something, and settled (a tab drawn only when open, as on
# /ponderation, is filled by the rerun its click asks for; the others were drawn, hidden, with the page).
_TAB_DRAWN = f"""tab => {{
    const panel = document.getElementById(tab.getAttribute('aria-controls'));
    return tab.getAttribute('aria-selected') === 'true'
        && !!panel?.querySelector('[data-testid="stElementContainer"]') && {_SETTLED};
}}"""


def wait_drawn(page, path: str) -> None:
    """Wait, as a person does, until the page at `path` is drawn: a control touched while the
    page is still being drawn may be redrawn under the finger."""
    page.wait_for_function(_DRAWN, arg=path)


def click_tab(tab) -> None:
    """Open a tab (a Playwright locator of its ``role=tab`` button) and wait until its content is drawn."""
    tab.click()
    tab.page.wait_for_function(_TAB_DRAWN, arg=tab.element_handle())


def reset_working_state(page, path: str) -> None:
    """« Mes réglages » → « Réinitialiser mes réglages », and wait for the page at `path` loaded again."""
    page.get_by_role("button", name="Mes réglages").click()
    page.get_by_role("button", name="Réinitialiser mes réglages").click()
    page.get_by_text("Vos réglages sont réinitialisés.").wait_for()
    wait_drawn(page, path)


def open_page(page, title: str) -> None:
    """Follow the sidebar link to a page, as a person does (a new address or a reload keeps the
    session too, through its cookie, but loads the whole app again), and wait until it is drawn."""
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)
    path = page.evaluate("href => new URL(href).pathname", link.get_attribute("href"))
    link.click()
    wait_drawn(page, path)


def choose_call(page, label_pattern) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=label_pattern).click()
