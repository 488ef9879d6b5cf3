"""The session routes and the media guard, through Starlette's TestClient on a real database:
the cookie's flags, a ticket good once, forms from another site refused, sign-out ending the
session in the store, and `/media/` files only for the user they were granted to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard.services import web_sessions
from dashboard.services.importer import import_file
from dashboard.services.web_sessions import CLOSE_ROUTE, COOKIE_NAME, OPEN_ROUTE, TICKETS
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from dashboard.store.sessions import SIGNED_OUT
from dashboard.ui.downloads import grant, media_file_id
from dashboard.ui.server import MEDIA_REFUSED, MediaGuard, SecurityHeaders, route_stores, session_endpoints
from tests.helpers.accounts import JUROR, PRESIDENT, add_accounts


async def _media_file(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"contenu de {request.path_params['name']}")


@pytest.fixture
def served(tmp_path: Path, tiny_workbook: Path) -> Iterator[tuple[TestClient, Store]]:
    database = Database(tmp_path / "jury.duckdb")
    store = database.store()
    import_file(tiny_workbook, store, actor=OPERATOR)
    add_accounts(store)
    stores = route_stores(database)
    app = Starlette(routes=[*session_endpoints(stores), Route("/media/{name}", _media_file)],
                    middleware=[Middleware(SecurityHeaders), Middleware(MediaGuard, stores=stores)])
    with TestClient(app, base_url="http://127.0.0.1:8501") as client:
        yield client, store
    database.close()


def _ticket(store: Store, actor=PRESIDENT) -> tuple[str, str]:
    token = web_sessions.open_session(store, actor)
    return token, TICKETS.issue(token)


def _cookie(token: str) -> dict[str, str]:
    return {"cookie": f"{COOKIE_NAME}={token}"}


def test_a_ticket_becomes_an_httponly_strict_cookie_and_the_page_asked_for(served) -> None:
    client, store = served
    token, ticket = _ticket(store)
    answer = client.post(OPEN_ROUTE, data={"ticket": ticket, "next": "/notation?dossier=AMI1-002"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/notation?dossier=AMI1-002"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}={token};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and "Max-Age" not in cookie and "expires" not in cookie.lower()
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-frame-options"] == "DENY"

    # Good once: the same ticket again gives no cookie, and the log-in page.
    again = client.post(OPEN_ROUTE, data={"ticket": ticket, "next": "/"}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/connexion"
    assert 'jury_session=""' in again.headers["set-cookie"] and "Max-Age=0" in again.headers["set-cookie"]


def test_the_cookie_is_secure_behind_https_and_the_landing_stays_on_the_site(served, monkeypatch) -> None:
    client, store = served
    monkeypatch.setenv("JURY_COOKIE_SECURE", "1")
    _, ticket = _ticket(store)
    answer = client.post(OPEN_ROUTE, data={"ticket": ticket, "next": "https://ailleurs.example/"},
                         follow_redirects=False)
    assert "Secure" in answer.headers["set-cookie"]
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize("headers", [{"origin": "https://ailleurs.example"}, {"sec-fetch-site": "cross-site"},
                                     {"sec-fetch-site": "same-site", "origin": "http://127.0.0.1:8501"}])
def test_a_form_from_another_site_signs_no_one_in_nor_out(served, headers: dict[str, str]) -> None:
    client, store = served
    token, ticket = _ticket(store)
    refused = client.post(OPEN_ROUTE, data={"ticket": ticket, "next": "/"}, headers=headers, follow_redirects=False)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    assert "ne vient pas d'une page de ce site" in refused.text
    assert client.post(CLOSE_ROUTE, headers={**headers, **_cookie(token)}, follow_redirects=False).status_code == 403
    assert store.user_session(web_sessions.token_digest(token)).ended_at is None
    # The same form from a page of the site is taken (the ticket was not spent by the refusal).
    taken = client.post(OPEN_ROUTE, data={"ticket": ticket, "next": "/"}, follow_redirects=False,
                        headers={"origin": "http://127.0.0.1:8501", "sec-fetch-site": "same-origin"})
    assert taken.status_code == 303 and taken.headers["set-cookie"].startswith(f"{COOKIE_NAME}={token};")


def test_the_routes_take_a_posted_form_only(served) -> None:
    client, store = served
    assert client.get(OPEN_ROUTE, follow_redirects=False).status_code == 405
    assert client.get(CLOSE_ROUTE, follow_redirects=False).status_code == 405
    # A log-in and password posted here open nothing: the password is checked on the page only.
    answer = client.post(OPEN_ROUTE, data={"login": PRESIDENT.login, "password": "motdepasse-solide"},
                         follow_redirects=False)
    assert answer.headers["location"] == "/connexion" and "Max-Age=0" in answer.headers["set-cookie"]
    assert store.open_session_count(PRESIDENT.login) == 0


def test_sign_out_ends_the_session_in_the_store_and_drops_the_cookie(served) -> None:
    client, store = served
    token, _ = _ticket(store)
    answer = client.post(CLOSE_ROUTE, headers=_cookie(token), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/connexion"
    assert 'jury_session=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
    assert store.user_session(web_sessions.token_digest(token)).end_reason == SIGNED_OUT
    # The token kept by a copy of the cookie is worth nothing now.
    assert web_sessions.current_session(store, token).actor is None


def test_a_media_file_goes_only_to_the_session_it_was_granted_to(served) -> None:
    client, store = served
    president, _ = _ticket(store)
    juror, _ = _ticket(store, JUROR)
    address = "/media/5f0c1d2e3a4b.xlsx"
    grant(PRESIDENT.login, media_file_id(address))

    assert client.get(address, headers=_cookie(president)).text == "contenu de 5f0c1d2e3a4b.xlsx"
    for headers in ({}, _cookie(juror), _cookie("jeton-invente")):
        refused = client.get(address, headers=headers)
        assert refused.status_code == 403 and refused.text == MEDIA_REFUSED
        assert refused.headers["x-content-type-options"] == "nosniff"
    assert client.get("/media/autre-fichier.xlsx", headers=_cookie(president)).status_code == 403

    web_sessions.close_session(store, president)
    assert client.get(address, headers=_cookie(president)).status_code == 403


def test_a_media_address_names_its_file() -> None:
    assert media_file_id("/media/5f0c1d2e3a4b.xlsx") == "5f0c1d2e3a4b"
    assert media_file_id("/media/5f0c1d2e3a4b") == "5f0c1d2e3a4b"


def test_after_a_fatal_error_the_routes_reopen_the_database_as_a_page_does(
        tmp_path: Path, tiny_workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The routes' store is held as a page session's is (`Database.held_store`): the same one
    while nothing failed; after a fatal error (reported, then confirmed once by the probe), the
    file is reopened and the routes read on a new cursor of it."""
    database = Database(tmp_path / "jury.duckdb")
    import_file(tiny_workbook, database.store(), actor=OPERATOR)
    stores = route_stores(database)
    first = stores()
    assert stores() is first
    verdicts = iter([True])
    real_failed = Database.failed
    monkeypatch.setattr(Database, "failed", lambda self: next(verdicts, None) or real_failed(self))
    database.mark_failed()
    reopened = stores()
    assert reopened is not first and database.generation == 1
    assert reopened.calls()["call_id"].tolist() == ["AMI1"]
    database.close()
