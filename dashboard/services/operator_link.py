"""How `jury` finds the server that holds a database, and how it is let in.

DuckDB lets one process open the file: while `jury serve` holds it, every other
`jury` command goes through the server's operator route (`ROUTE`, a POST on the
server's own port) and the server runs it (`operations.execute`).

At start the server writes, beside the database:
- `<base>.operator.token`: a new random secret, readable by its owner only (0600);
- `<base>.operator.json`: the discovery file: process number, address and port to
  call, and the SHA-256 of the secret (so a client tells a current secret from a stale one).
It removes both when it stops. A client that can read the secret is let in: the same
person who may read the database file. A loopback check alone would not do (a reverse
proxy on the same machine calls from 127.0.0.1), so the route wants the secret, and it
also refuses a request that came through a proxy or from another machine.

A discovery file whose process is gone (a server killed without its shutdown) is
ignored: the command opens the file itself, as when no server runs.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.errors import OperatorRouteError
from dashboard.services.operations import Outcome

ROUTE = "/operateur/commande"
TOKEN_SUFFIX = ".operator.token"
DISCOVERY_SUFFIX = ".operator.json"
# A request with one of these came through a proxy: the route refuses it.
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")
# An export or a backup can take a while on a large base.
TIMEOUT_SECONDS = 600.0


def token_path(db_path: Path) -> Path:
    """`data/jury.duckdb` → `data/jury.operator.token`."""
    return db_path.with_name(db_path.stem + TOKEN_SUFFIX)


def discovery_path(db_path: Path) -> Path:
    """`data/jury.duckdb` → `data/jury.operator.json`."""
    return db_path.with_name(db_path.stem + DISCOVERY_SUFFIX)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` (replaced whole), readable and writable by its owner only."""
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)
    os.replace(staging, path)


def call_host(address: str) -> str:
    """The address a client on this machine calls for a server listening on `address`."""
    if address in ("", "0.0.0.0"):
        return "127.0.0.1"
    if address == "::":
        return "::1"
    return address


def publish(db_path: Path, token: str, address: str, port: int) -> None:
    """Write the secret and the discovery file of the server starting on `db_path`."""
    _write_private(token_path(db_path), token + "\n")
    _write_private(discovery_path(db_path), json.dumps({
        "pid": os.getpid(), "host": call_host(address), "port": port,
        "database": str(db_path.resolve()), "token_sha256": token_digest(token)}, indent=2) + "\n")


def withdraw(db_path: Path, token: str) -> None:
    """Remove the files `publish` wrote, unless another server has written its own since."""
    server = running_server(db_path, check_process=False)
    if server is not None and server.token_sha256 == token_digest(token):
        discovery_path(db_path).unlink(missing_ok=True)
        token_path(db_path).unlink(missing_ok=True)


@dataclass(frozen=True)
class RunningServer:
    """A server that announced itself for a database."""

    pid: int
    host: str
    port: int
    token_sha256: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{ROUTE}"

    def describe(self) -> str:
        return f"processus n° {self.pid}, port {self.port}"

    def listening(self) -> bool:
        """Whether something answers on the announced port (a process number can be reused)."""
        try:
            with socket.create_connection((self.host, self.port), timeout=2):
                return True
        except OSError:
            return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user
        return True
    return True


def running_server(db_path: Path, check_process: bool = True) -> RunningServer | None:
    """The server announced beside `db_path`, if its process still runs."""
    try:
        data = json.loads(discovery_path(db_path).read_text(encoding="utf-8"))
        server = RunningServer(int(data["pid"]), str(data["host"]), int(data["port"]), str(data["token_sha256"]))
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        raise OperatorRouteError(f"Un serveur a annoncé cette base dans « {discovery_path(db_path)} », lisible "
                                 "seulement par le compte qui l'a lancé : lancez la commande sous ce compte.") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OperatorRouteError(f"Fichier de découverte du serveur illisible : « {discovery_path(db_path)} » "
                                 f"({exc}). Supprimez-le si aucun serveur ne tourne.") from exc
    if check_process and not _alive(server.pid):
        return None
    return server


def answering_server(db_path: Path) -> RunningServer | None:
    """The server announced beside `db_path` if it answers on its port: the one a second
    server, or a restore, must not run beside."""
    server = running_server(db_path)
    return server if server is not None and server.listening() else None


def _read_token(db_path: Path, server: RunningServer) -> str:
    path = token_path(db_path)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except PermissionError as exc:
        raise OperatorRouteError(f"Le serveur ({server.describe()}) tient la base, mais son jeton « {path} » "
                                 "n'est lisible que par l'utilisateur qui l'a lancé : lancez la commande "
                                 "sous ce compte.") from exc
    except FileNotFoundError as exc:
        raise OperatorRouteError(f"Le serveur ({server.describe()}) tient la base, mais son jeton « {path} » "
                                 "est introuvable : redémarrez le serveur.") from exc
    if not hmac.compare_digest(token_digest(token), server.token_sha256):
        raise OperatorRouteError(f"Le jeton « {path} » n'est pas celui du serveur ({server.describe()}) : "
                                 "redémarrez le serveur.")
    return token


def send(db_path: Path, server: RunningServer, command: str, request: dict[str, Any]) -> Outcome | None:
    """Run `command` inside `server`; None when nothing answers on its port (a server that
    has just stopped, or not started to listen yet)."""
    token = _read_token(db_path, server)
    body = json.dumps({"command": command, "request": request}, ensure_ascii=False).encode("utf-8")
    call = urllib.request.Request(server.url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(call, timeout=TIMEOUT_SECONDS) as response:
            return Outcome.from_json(json.loads(response.read().decode("utf-8")))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()
        raise OperatorRouteError(f"Le serveur ({server.describe()}) a refusé la commande "
                                 f"(HTTP {exc.code}) : {detail}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ConnectionRefusedError):
            return None
        raise OperatorRouteError(f"Le serveur ({server.describe()}) ne répond pas : {exc.reason}.") from exc


def authorised(expected_sha256: str, authorization: str | None) -> bool:
    """Whether an `Authorization: Bearer …` header carries the server's secret."""
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return False
    return hmac.compare_digest(token_digest(presented.strip()), expected_sha256)


def direct_local_call(client_host: str | None, headers: Mapping[str, str], served_address: str) -> bool:
    """Whether a request came straight from this machine: no proxy header, and from a
    loopback address or the very address the server listens on."""
    if any(name in headers for name in PROXY_HEADERS) or not client_host:
        return False
    if client_host == call_host(served_address):
        return True
    try:
        return ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        return False
