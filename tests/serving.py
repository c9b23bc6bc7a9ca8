"""A real ``egovrules serve`` in a subprocess on a free loopback port, for the tests that talk
to it over HTTP as a client would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_SECONDS = 60  # generous for a loaded 2-core CI machine; a server is ready in ~2 s


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice on the loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A started server: its address, its process and its log file."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        """What the server has logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, then the exit status (killed if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def start(
    log: Path,
    *options: str,
    script: Path | None = None,
    while_loading: Callable[[str], None] | None = None,
) -> Server:
    """``egovrules serve OPTIONS`` on a free port (or ``script``, run as ``egovrules``), once
    ``/readyz`` answers 200; ``while_loading(url)`` is called once if it first answers 503."""
    port = free_port()
    program = [str(script)] if script else ["-m", "egovrules"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, *program, "serve", "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = Server(f"http://127.0.0.1:{port}", port, process, log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{server.log_text()}")
        try:
            status = httpx.get(f"{server.url}/readyz", timeout=2).status_code
            if status == 200:
                return server
            if status == 503 and while_loading is not None:
                while_loading(server.url)
                while_loading = None
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"the server was not ready in {STARTUP_SECONDS} s:\n{server.log_text()}")


def token_client(server: Server, token: str) -> httpx.Client:
    """A client of ``server`` that sends the bearer ``token`` (close it: ``with``)."""
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
