"""End to end: a dossier summary holding a remote image, links, HTML and Streamlit's own
markup is shown to a juror as the text it is, and the page fetches nothing from the
addresses it names (a local listener receives no request; Chromium issues none).

Its own server and database: every dossier of the demo gets the hostile summary,
imported by `jury import` before the server starts.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import openpyxl
import pytest

from tests.helpers.browser import no_exception, open_page, sign_in
from tests.helpers.server import free_port, serving
from tests.helpers.workbooks import DEMO_WORKBOOK, REPO_ROOT

pytestmark = pytest.mark.e2e


@dataclass
class Listener:
    """A local HTTP server standing for the candidate's: it records every request it gets."""

    port: int
    paths: list[str] = field(default_factory=list)

    def summary(self) -> str:
        here = f"http://127.0.0.1:{self.port}"
        return (f"![pixel]({here}/image.png) [lien]({here}/lien) <img src=\"{here}/html.png\"> "
                f"<a href=\"{here}/a\">ancre</a> {here}/nu **gras** _penché_ :red[rouge] $x^2$ :smile: "
                "# pas un titre")


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener(free_port())

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.paths.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", found.port), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hostile_url(listener: Listener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("hostile")
    database = work / "jury.duckdb"
    jury = [sys.executable, "-m", "dashboard"]
    subprocess.run([*jury, "init", "--db", str(database)], check=True, capture_output=True, timeout=300,
                   cwd=REPO_ROOT)
    workbook = openpyxl.load_workbook(DEMO_WORKBOOK)
    sheet = workbook["Dossiers"]
    column = [c.value for c in sheet[1]].index("Résumé")
    for row in sheet.iter_rows(min_row=2):
        row[column].value = listener.summary()
    source = work / "dossiers.xlsx"
    workbook.save(source)
    imported = subprocess.run([*jury, "import", "--db", str(database), str(source)], capture_output=True,
                              text=True, timeout=300, cwd=REPO_ROOT)
    assert imported.returncode == 0, imported.stderr
    log = work / "streamlit.log"
    with serving([sys.executable], cwd=REPO_ROOT, env={**os.environ, "JURY_DB": str(database)}, log=log) as url:
        yield url


def test_a_summary_full_of_markup_reads_as_text_and_fetches_nothing(page, hostile_url: str,
                                                                    listener: Listener) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, hostile_url, "celine.ravaud")
    open_page(page, "Notation")
    quote = page.locator('[data-testid="stMarkdownContainer"] blockquote').first
    quote.wait_for()
    page.get_by_role("button", name="Enregistrer").wait_for()   # the card and the form are drawn
    assert no_exception(page)
    # Nothing went out to the addresses the summary names, and nothing there could send the reader.
    address = f"127.0.0.1:{listener.port}"
    assert not [url for url in requested if address in url]
    assert listener.paths == []
    main = page.locator('[data-testid="stMain"]')
    assert main.locator(f'img[src*="{address}"], a[href*="{address}"]').count() == 0
    # Verbatim (the zero-width spaces that keep « :smile: » from becoming an emoji aside), with no markup.
    assert quote.inner_text().replace("\u200b", "").strip() == listener.summary()
    assert main.locator("blockquote strong, blockquote em, blockquote h1, blockquote .katex").count() == 0
