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
- the automatic backups (`backups.AutoBackup`), in a thread of their own.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.core.text import md
from dashboard.errors import JuryError
from dashboard.services import operator_link
from dashboard.services.backups import AutoBackup
from dashboard.services.incidents import record_incident, refusal_message, user_message
from dashboard.services.operations import execute
from dashboard.store import Database

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

    return st.App(ENTRY_SCRIPT, lifespan=lifespan, routes=[operator_endpoint(database, token, address)],
                  middleware=[Middleware(SecurityHeaders)], on_script_error=show_script_error)


def serve(database: Database, port: int, address: str) -> None:
    """Serve the dashboard on `address:port` until stopped; closes `database` at the end."""
    build_app(database, port, address).run(
        config={**SERVER_SETTINGS, "server.port": port, "server.address": address})
