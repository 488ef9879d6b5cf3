"""The served page rewritten (`dashboard/ui/shell.py`), through Starlette's TestClient on
Streamlit's own `index.html`: `lang="fr"`, the title, the style and the translation script, the
length right and the page not compressed; scripts and other files untouched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard.ui.shell import PAGE_TITLE, READABLE_STYLE, TRANSLATIONS, ShellRewrite, shell_page

STREAMLIT_INDEX = Path(streamlit.__file__).parent / "static" / "index.html"
SCRIPT = "x" * 4_000  # big enough for the compression to apply


async def _index(request: Request) -> FileResponse:
    return FileResponse(STREAMLIT_INDEX)


async def _script(request: Request) -> PlainTextResponse:
    return PlainTextResponse(SCRIPT, media_type="text/javascript")


@pytest.fixture
def client() -> Iterator[TestClient]:
    """Streamlit's page at every address, as its static routes serve it (compressed on demand)."""
    app = Starlette(routes=[Route("/static/js/app.js", _script), Route("/{path:path}", _index)],
                    middleware=[Middleware(ShellRewrite), Middleware(GZipMiddleware, minimum_size=500)])
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/", "/journal", "/connexion"])
def test_every_address_serves_the_page_in_french(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)
    page = response.text
    assert '<html lang="fr">' in page and 'lang="en"' not in page
    assert f"<title>{PAGE_TITLE}</title>" in page and "<title>Streamlit</title>" not in page
    assert f"<style>{READABLE_STYLE}</style>" in page
    assert json.dumps(TRANSLATIONS, ensure_ascii=False) in page
    # the additions in the head, before the app's own module script runs (deferred by nature)
    assert page.index("<script>(() =>") < page.index("</head>")
    assert 'type="module"' in page


def test_scripts_and_other_files_are_left_as_they_are(client: TestClient) -> None:
    response = client.get("/static/js/app.js", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip" and response.text == SCRIPT


def test_the_rewrite_keeps_the_page_whole() -> None:
    original = STREAMLIT_INDEX.read_text(encoding="utf-8")
    rewritten = shell_page(original)
    assert rewritten.count("<html") == 1 and rewritten.count("</head>") == 1
    assert original.split("</head>")[1] == rewritten.split("</head>")[1]  # the body untouched
