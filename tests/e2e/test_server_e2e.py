"""`jury serve` as the operator starts it: the file locked before anyone logs in, the security
headers on every response, and a page that fails showing a reference, never a traceback.

One server for the module: `tests/helpers/faulty_server.py` (the real command with
`load_call` made to fail) on a demo database of its own.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dashboard.services.incidents import incident_log_path
from dashboard.ui.server import SECURITY_HEADERS
from tests.helpers.browser import no_exception, sign_in
from tests.helpers.server import free_port, serving
from tests.helpers.workbooks import DEMO_WORKBOOK, REPO_ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

FAULTY_SERVER = REPO_ROOT / "tests" / "helpers" / "faulty_server.py"
EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
UNEXPECTED = "Une erreur inattendue est survenue ; elle a été consignée (référence"


@pytest.fixture(scope="module")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database of this module's own, made by `jury init` (about 2 s). Not a copy of the
    session's `demo_db`: by the time this module runs, the shared server holds that file open and
    other modules have written to it, and a DuckDB file copied while another process writes to it
    may be caught in the middle of a checkpoint."""
    path = tmp_path_factory.mktemp("faulty") / "jury.duckdb"
    subprocess.run([sys.executable, "-m", "dashboard", "init", "--db", str(path)], cwd=REPO_ROOT, check=True,
                   capture_output=True, timeout=300)
    return path


@pytest.fixture(scope="module")
def faulty_url(served_db: Path) -> Iterator[str]:
    with serving([sys.executable], program=[str(FAULTY_SERVER)], cwd=REPO_ROOT,
                 env={**os.environ, "JURY_DB": str(served_db)}, log=served_db.with_name("server.log")) as url:
        yield url


def _jury(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=20)  # a hang guard, not a speed check
    return done, time.monotonic() - started


def test_file_is_held_before_anyone_logs_in_and_commands_go_through_the_server(
        faulty_url: str, served_db: Path) -> None:
    other_port = free_port()
    second, second_took = _jury("serve", "--db", str(served_db), "--port", str(other_port),
                                "--address", "127.0.0.1")
    imported, import_took = _jury("import", str(DEMO_WORKBOOK), "--db", str(served_db))
    print(f"\nsecond serve refused in {second_took:.2f} s, import through the server in {import_took:.2f} s")

    assert second.returncode == 2, (second.stdout, second.stderr)
    assert "sert déjà" in second.stderr and "Traceback" not in second.stdout + second.stderr
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", other_port), timeout=2):
        pass  # the second server never listened
    # The file stays held: a process that opens it itself is refused by DuckDB's lock.
    opened = subprocess.run([sys.executable, "-c", "import sys; from dashboard.store import Database; "
                             "Database(sys.argv[1])", str(served_db)], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert opened.returncode != 0 and "est déjà ouverte par un autre processus" in opened.stderr
    assert imported.returncode == 0, imported.stderr  # run by the server, on the file it holds
    assert "Aucun changement" in imported.stdout
    with urllib.request.urlopen(f"{faulty_url}/_stcore/health", timeout=5) as response:
        assert response.read().decode().strip() == "ok"  # the first server is still up


def _assert_security_headers(headers: Message) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert headers.get(name) == value, (name, headers.get(name))


def test_security_headers_on_every_response(faulty_url: str) -> None:
    assert EXPECTED_HEADERS == SECURITY_HEADERS
    with urllib.request.urlopen(f"{faulty_url}/", timeout=10) as response:
        html = response.read().decode()
        _assert_security_headers(response.headers)
    match = re.search(r'(?:src|href)="\.?(/?static/[^"]+\.js)"', html)
    assert match, html[:2000]
    asset = match.group(1).lstrip("/")
    with urllib.request.urlopen(f"{faulty_url}/{asset}", timeout=10) as response:
        assert response.status == 200
        _assert_security_headers(response.headers)
    with urllib.request.urlopen(f"{faulty_url}/_stcore/health", timeout=10) as response:
        assert response.read().decode().strip() == "ok"
        _assert_security_headers(response.headers)

    with pytest.raises(urllib.error.HTTPError) as closed:
        urllib.request.urlopen(f"{faulty_url}/_stcore/metrics", timeout=10)
    with closed.value as error:
        assert error.code == 404
        assert error.read().decode() == "Introuvable."
        _assert_security_headers(error.headers)


def test_failing_page_shows_a_reference_and_no_detail(faulty_url: str, served_db: Path, page: Page) -> None:
    sign_in(page, faulty_url, "celine.ravaud")
    message = page.get_by_text(UNEXPECTED)
    message.wait_for()
    assert no_exception(page)

    text = page.locator("body").inner_text()
    for detail in ("panne simulée", "faulty_server", "/tmp", "Traceback", "RuntimeError"):
        assert detail not in text, detail
    found = re.search(r"référence (\d{8}-\d{6}-[0-9A-F]{4})", text)
    assert found, text
    reference = found.group(1)

    log = incident_log_path(served_db).read_text(encoding="utf-8")
    entry = log[log.index(reference):]
    assert entry.startswith(f"{reference} — page « / » — RuntimeError")  # the page that failed
    for detail in ("RuntimeError", "panne simulée", "Traceback"):
        assert detail in entry, detail
