"""A real `jury serve` on a free loopback port, polled until healthy, stopped afterwards."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer {url}:\n{log.read_text()}")


@contextmanager
def serving(python: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path,
            program: Sequence[str] = ("-m", "dashboard")) -> Iterator[str]:
    """Run `<python> <program> serve` (`jury serve`, or a test launcher that wraps it) on a
    free port from `cwd`; yield its base URL.

    The server writes to `log` (a pipe could fill up and block it)."""
    port = free_port()
    with log.open("w") as handle:
        server = subprocess.Popen(
            [*python, *program, "serve", "--port", str(port), "--address", "127.0.0.1"],
            cwd=cwd, env=dict(env), stdout=handle, stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
