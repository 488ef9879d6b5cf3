"""Small Playwright helpers shared by the end-to-end tests."""

from __future__ import annotations

DEMO_PASSWORD = "demo-jury-2019"


def sign_in(page, app_url: str, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(app_url + "/connexion")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Se connecter").wait_for()


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def no_exception(page) -> bool:
    return page.locator('[data-testid="stException"]').count() == 0
