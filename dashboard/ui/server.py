"""The web server: `st.App` around the entry script, as `jury serve` (and so `make run`) starts it.

It owns what holds for every request and every page:
- the database, opened (and so locked by DuckDB) by `jury serve` before the server
  listens, handed to the pages through `served_database()` and closed at shutdown;
- the server settings, passed in code (`SERVER_SETTINGS`), so they hold from any
  working directory;
- security headers on every HTTP response, and Streamlit's metrics endpoint closed;
- the error boundary: an exception no page caught is written to the incident log and
  the page shows a French sentence with its reference, never a traceback;
- the operator route (`operator_link.ROUTE`): the other `jury` commands, run here on the
  open database for a caller that holds the secret written beside it at start-up;
- the session routes (`web_sessions.OPEN_ROUTE`, `CLOSE_ROUTE`): a log-in's one-time ticket
  exchanged for the session cookie, and the cookie dropped at sign-out;
- the media guard: a `/media/` file (a download) only for the session whose user asked for it;
- the page in French and readable (`shell.ShellRewrite`): `lang="fr"`, Streamlit's own English texts
  translated, captions at a readable contrast;
- the automatic backups (`backups.AutoBackup`), in a thread of their own.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.core.text import md
from dashboard.errors import JuryError
from dashboard.services import operator_link, web_sessions
from dashboard.services.backups import AutoBackup
from dashboard.services.incidents import record_incident, refusal_message, user_message
from dashboard.services.operations import execute
from dashboard.store import Database, Store
from dashboard.ui.downloads import granted, media_file_id
from dashboard.ui.shell import ShellRewrite

ENTRY_SCRIPT = Path(__file__).resolve().parent / "app.py"

# `.streamlit/config.toml` says the same for a plain `streamlit run dashboard/ui/app.py` from the
# checkout (a test keeps the two in agreement): the 20 MB upload cap, no usage statistics, no file
# watching, the minimal toolbar, no error detail (the boundary below shows its own), and the theme.
# No full garbage collection after every script run: Streamlit's default runs one (~0,12 s on the
# demo) after each run, the séance's poll included, so ten followers polling every second kept a
# core busy and their pages fell behind (`bench/bench_seance.py`); Python's own collector still runs.
# No "fast reruns": by default a click stops the person's running script and starts the next
# run on a new thread at once, while the old one may still be in a query on the session's cursor
# (a click crossing the séance's poll every second made this frequent); the running script now
# stops at its next Streamlit call and the same thread starts the next run.
SERVER_SETTINGS: dict[str, object] = {
    "server.headless": True,
    "server.maxUploadSize": 20,
    "server.runOnSave": False,
    "server.fileWatcherType": "none",
    "browser.gatherUsageStats": False,
    "runner.postScriptGC": False,
    "runner.fastReruns": False,
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
    "theme.base": "light",
    "theme.primaryColor": "#c1002a",
    "theme.backgroundColor": "#ffffff",
    "theme.secondaryBackgroundColor": "#f3f4f7",
    "theme.textColor": "#1d1d2c",
}

# On every HTTP response: no framing (clickjacking of the log-in and rating pages),
# no MIME sniffing, no full URL sent to other sites.
SECURITY_HEADERS: dict[str, str] = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# Streamlit's internal counters (sessions, cache sizes) are nobody's business outside.
CLOSED_PATHS = frozenset({"/_stcore/metrics"})

# Where the entry script notes the page it is about to run, for the incident log.
CURRENT_PAGE_KEY = "current_page"

_served: Database | None = None


def served_database() -> Database | None:
    """The database `jury serve` opened for this process, None outside a server (AppTest)."""
    return _served


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response, and 404 on closed paths.
    (Plain ASGI rather than Starlette's BaseHTTPMiddleware, which buffers responses.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        if scope["path"] in CLOSED_PATHS:
            await send_with_headers({"type": "http.response.start", "status": 404,
                                     "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send_with_headers({"type": "http.response.body", "body": b"Introuvable."})
            return
        await self.app(scope, receive, send_with_headers)


def show_script_error(exc: Exception) -> bool:
    """`on_script_error`: log the error under a reference and show a French sentence
    in its place; True tells Streamlit to show nothing of its own."""
    reference = record_incident(exc, where=page_address())
    st.error(md(user_message(exc, reference)), icon=":material/error:")
    return True


def show_refusal(exc: JuryError) -> None:
    """Say on the page why an action it offered was refused or failed (a store failure
    gets the reference under which the incident log keeps its detail)."""
    st.error(md(refusal_message(exc, where=page_address())))


def page_address() -> str:
    """The page that failed, as the entry script recorded it (`st.context.url` keeps the
    address the browser tab was opened on, not the page it has moved to)."""
    return f"page « {st.session_state.get(CURRENT_PAGE_KEY, '?')} »"


def operator_endpoint(database: Database, token: str, address: str) -> Route:
    """The operator route: a `jury` command from this machine, run on the open database.
    Refused (403) through a proxy or from elsewhere, and (401) without the secret."""
    expected = operator_link.token_digest(token)

    async def run_command(request: Request) -> Response:
        client = request.client.host if request.client else None
        if not operator_link.direct_local_call(client, request.headers, address):
            return PlainTextResponse("Commande d'opérateur refusée : elle se lance sur la machine du serveur, "
                                     "sans intermédiaire.", status_code=403)
        if not operator_link.authorised(expected, request.headers.get("authorization")):
            return PlainTextResponse("Commande d'opérateur refusée : jeton absent ou faux.", status_code=401)
        try:
            body = await request.json()
            command, arguments = str(body["command"]), dict(body["request"])
        except (ValueError, KeyError, TypeError):
            return PlainTextResponse("Commande d'opérateur illisible.", status_code=400)
        outcome = await run_in_threadpool(execute, database, command, arguments)
        return JSONResponse(outcome.to_json())

    return Route(operator_link.ROUTE, run_command, methods=["POST"])


# --------------------------------------------------------------------------- sessions
MEDIA_PREFIX = "/media/"
MEDIA_REFUSED = ("Fichier réservé : ouvrez-le depuis le tableau de bord, connecté(e) avec le compte qui l'a "
                 "demandé.")


def route_stores(database: Database) -> Callable[[], Store]:
    """The store the routes read and write with: one cursor, taken again after the file reopened
    (as a page's, `Database.held_store`)."""
    held: list[tuple[int, Store]] = []
    guard = threading.Lock()

    def store() -> Store:
        with guard:
            held[:] = [database.held_store(held[0] if held else None)]
            return held[0][1]
    return store


def from_this_site(request: Request) -> bool:
    """Whether a form was posted by a page of this site (what the browser says of it): a form
    from elsewhere must not sign anyone in or out."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


async def _form_fields(request: Request) -> dict[str, str]:
    """A posted form's fields (url-encoded), the first value of each."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {name: values[0] for name, values in parse_qs(body).items()}


def _set_cookie(response: Response, token: str | None) -> None:
    """The session cookie set (or dropped, `token` None): HttpOnly, SameSite=Strict, Secure on demand."""
    secure = web_sessions.cookie_secure()
    if token is None:
        response.delete_cookie(web_sessions.COOKIE_NAME, path="/", secure=secure, httponly=True, samesite="strict")
    else:
        response.set_cookie(web_sessions.COOKIE_NAME, token, path="/", secure=secure, httponly=True,
                            samesite="strict")
    response.headers["Cache-Control"] = "no-store"


def session_endpoints(stores: Callable[[], Store]) -> list[Route]:
    """The two session routes (`web_sessions`' module docstring tells the flow)."""
    refused = PlainTextResponse("Formulaire refusé : il ne vient pas d'une page de ce site.", status_code=403)

    async def open_session(request: Request) -> Response:
        if not from_this_site(request):
            return refused
        fields = await _form_fields(request)
        token = web_sessions.TICKETS.redeem(fields.get("ticket", ""))
        if token is None:
            response = RedirectResponse(web_sessions.SIGNED_OUT_PATH, status_code=303)
        else:
            response = RedirectResponse(web_sessions.landing_path(fields.get("next")), status_code=303)
        _set_cookie(response, token)
        return response

    async def close_session(request: Request) -> Response:
        if not from_this_site(request):
            return refused
        token = request.cookies.get(web_sessions.COOKIE_NAME)
        if token:
            await run_in_threadpool(web_sessions.close_session, stores(), token)
        response = RedirectResponse(web_sessions.SIGNED_OUT_PATH, status_code=303)
        _set_cookie(response, None)
        return response

    return [Route(web_sessions.OPEN_ROUTE, open_session, methods=["POST"]),
            Route(web_sessions.CLOSE_ROUTE, close_session, methods=["POST"])]


class MediaGuard:
    """ASGI middleware: a `/media/` file goes only to a request whose session cookie is open
    and whose user was granted that file (`dashboard/ui/downloads.py`); else 403."""

    def __init__(self, app: ASGIApp, stores: Callable[[], Store]) -> None:
        self.app = app
        self.stores = stores

    def _login(self, token: str) -> str | None:
        actor = web_sessions.current_session(self.stores(), token).actor
        return actor.login if actor is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(MEDIA_PREFIX):
            await self.app(scope, receive, send)
            return
        token = Request(scope).cookies.get(web_sessions.COOKIE_NAME)
        login = await run_in_threadpool(self._login, token) if token else None
        if login is None or not granted(login, media_file_id(scope["path"])):
            await PlainTextResponse(MEDIA_REFUSED, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def build_app(database: Database, port: int, address: str) -> st.App:
    """The ASGI application serving the dashboard on an open `database`, on `address:port`."""
    token = operator_link.new_token()

    @asynccontextmanager
    async def lifespan(_app: st.App) -> AsyncIterator[dict[str, Any] | None]:
        global _served
        _served = database
        stop = threading.Event()
        backups = threading.Thread(target=AutoBackup(database).run, args=(stop,), name="sauvegardes", daemon=True)
        backups.start()
        operator_link.publish(database.path, token, address, port)
        try:
            yield None
        finally:
            operator_link.withdraw(database.path, token)
            stop.set()
            backups.join()
            _served = None
            database.close()

    stores = route_stores(database)
    return st.App(ENTRY_SCRIPT, lifespan=lifespan,
                  routes=[operator_endpoint(database, token, address), *session_endpoints(stores)],
                  middleware=[Middleware(SecurityHeaders), Middleware(ShellRewrite),
                              Middleware(MediaGuard, stores=stores)],
                  on_script_error=show_script_error)


def serve(database: Database, port: int, address: str) -> None:
    """Serve the dashboard on `address:port` until stopped; closes `database` at the end."""
    build_app(database, port, address).run(
        config={**SERVER_SETTINGS, "server.port": port, "server.address": address})
