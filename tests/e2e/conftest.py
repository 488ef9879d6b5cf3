"""A real `jury serve` on a free loopback port (the demo database) and Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.server import serving
from tests.helpers.workbooks import REPO_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _open_pages(funcargs: dict) -> list[tuple[str, object]]:
    """The browser pages a test holds, by argument name (a page, or a list of them)."""
    pages: list[tuple[str, object]] = []
    for name, value in funcargs.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pages += [(f"{name}[{i}]" if len(values) > 1 else name, v) for i, v in enumerate(values)
                  if hasattr(v, "inner_text") and hasattr(v, "url")]
    return pages


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing browser test's report shows what each of its pages said then (the CI log is all one sees)."""
    report = yield
    if report.when == "call" and report.failed:
        for name, page in _open_pages(getattr(item, "funcargs", {})):
            try:
                text = page.inner_text("body", timeout=2_000)
            except Exception as exc:  # the page may be gone; say so rather than hide the failure
                text = f"(page illisible : {exc})"
            report.sections.append((f"page {name} at {page.url}", text[-6_000:]))
    return report


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh database filled with the demo call through `jury init`."""
    path = tmp_path_factory.mktemp("e2e") / "jury.duckdb"
    subprocess.run([sys.executable, "-m", "dashboard", "init", "--db", str(path)], check=True,
                   capture_output=True, timeout=300)
    return path


@pytest.fixture(scope="session")
def app_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the shared demo server writes what it prints."""
    return tmp_path_factory.mktemp("e2e-log") / "streamlit.log"


@pytest.fixture(scope="session")
def app_url(demo_db: Path, app_log: Path):
    with serving([sys.executable], cwd=REPO_ROOT, env={**os.environ, "JURY_DB": str(demo_db)}, log=app_log) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(accept_downloads=True, locale="fr-FR", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    # The last screen of each test, to look at when one fails.
    shots = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    context.close()
