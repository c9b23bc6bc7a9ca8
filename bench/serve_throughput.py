"""Throughput and latency of ``egovrules serve`` on the loopback, beside ``pack.check``.

Run:  python bench/serve_throughput.py [--requests 2000] [--seconds 20] [--batch 1000]

Starts ``egovrules serve --packs wuhan`` on a free loopback port (one worker) and prints:
  * a single-subject check (``POST /v1/packs/wuhan/check``, the Wuhan example website) at 1, 8
    and 64 concurrent clients: requests per second, p50 and p99 latency, and the server's CPU
    time a request (what it costs, whatever the machine's load); each level stops at
    ``--requests`` requests or ``--seconds`` seconds, whichever comes first;
  * one request holding a batch of ``--batch`` subjects, against the same subjects checked
    in-process by ``pack.check`` (raw mappings, pydantic validation included, as the server
    validates them) and by the server's own code path in-process (read the body, check each
    subject, render the JSON; the time of each of the three), as subjects per second and their
    ratio (the goal: the batch endpoint at 0.5x or more of ``pack.check``'s throughput), also
    against ``pack.check`` with each report's document built (``report.to_dict``: the findings
    and messages ``pack.check`` builds only when asked, which every answer holds); and
    that code path with the body read by the positioned reader alone and the document indented,
    as the server did before its JSON fast path (the baseline of that change, in the same run),
    for the batch and for the single subject.
The clients are Python threads with one keep-alive connection each, in this process: at 64 the
client's own work competes with the server for a 2-core machine's CPU, and the figures say so.
All figures come from one run; ratios compare figures of that run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

import egovrules
from egovrules.engine.run import RunOptions, check_loaded
from egovrules.report.render.json import render_json
from egovrules.service.body import subjects_of_body

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
AS_OF = "2026-03-22"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(port: int, log: Path, batch: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "egovrules", "serve", "--port", str(port), "--packs"]
    command += ["wuhan", "--max-batch", str(batch), "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def _subject() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str)
    )
    return data


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process ``pid`` has used: on a machine shared with other
    work, what a request costs the server, whatever the wait for a core (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _level(
    url: str, body: bytes, clients: int, *, requests: int, seconds: float, pid: int
) -> dict[str, float]:
    """``requests`` checks (or ``seconds``' worth) shared by ``clients`` threads."""
    latencies: list[float] = []
    lock = threading.Lock()
    left = [requests]
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        with httpx.Client(timeout=60) as c:
            while time.perf_counter() < stop_at:
                with lock:
                    if left[0] == 0:
                        return
                    left[0] -= 1
                start = time.perf_counter()
                answer = c.post(url, content=body, headers={"Content-Type": "application/json"})
                took = time.perf_counter() - start
                assert answer.status_code == 200, answer.text
                with lock:
                    latencies.append(took)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu = _cpu_seconds(pid)
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    cpu = _cpu_seconds(pid) - cpu
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": cuts[98] * 1000,
        "cpu_ms": cpu / len(latencies) * 1000,
    }


def _batch(n: int) -> list[dict[str, Any]]:
    """``n`` websites, the example's access date moved across three months."""
    one = _subject()
    start = dt.date(2026, 1, 1)
    return [
        {**one, "id": f"site-{i}", "network_access_date": str(start + dt.timedelta(days=i % 90))}
        for i in range(n)
    ]


def _parts(seconds: list[float]) -> str:
    read, check, render = (t * 1000 for t in seconds)
    return f"    read {read:.0f} ms, check {check:.0f} ms, render {render:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per concurrency level")
    parser.add_argument("--seconds", type=float, default=20.0, help="per concurrency level")
    parser.add_argument("--batch", type=int, default=1000, help="subjects in the batch request")
    parser.add_argument("--repeat", type=int, default=3, help="batch timings (best kept)")
    args = parser.parse_args()

    port = _free_port()
    log = Path(tempfile.mkdtemp()) / "server.log"
    server = _start(port, log, args.batch)
    url = f"http://127.0.0.1:{port}/v1/packs/wuhan/check?as_of={AS_OF}"
    try:
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, egovrules serve, 1 worker")
        body = json.dumps(_subject()).encode()
        for _ in range(50):  # warm up: first requests, connections, caches
            httpx.post(url, content=body)
        print("single-subject check:")
        for clients in (1, 8, 64):
            r = _level(
                url, body, clients, requests=args.requests, seconds=args.seconds, pid=server.pid
            )
            print(
                f"  {clients:>2} clients: {r['requests']:>5.0f} requests, {r['rps']:8.1f} req/s,"
                f" p50 {r['p50_ms']:6.2f} ms, p99 {r['p99_ms']:7.2f} ms,"
                f" server CPU {r['cpu_ms']:5.2f} ms a request"
            )

        subjects = _batch(args.batch)
        batch_body = json.dumps(subjects).encode()
        pack = egovrules.load_pack("wuhan")
        as_of = dt.date.fromisoformat(AS_OF)
        options = RunOptions(city="wuhan", as_of=as_of)

        def server_path(*, fast: bool, body: bytes = batch_body) -> list[float]:
            """The seconds the server's code path takes to read, check and render."""
            start = time.perf_counter()
            loaded = subjects_of_body(pack, body, fast=fast)
            read = time.perf_counter()
            checked = [check_loaded(s, options, {"wuhan": pack}) for s in loaded]
            done = time.perf_counter()
            render_json(checked, "en", indent=None if fast else 2)
            return [read - start, done - read, time.perf_counter() - done]

        served, in_process, with_document, same_path, before = [], [], [], [], []
        with httpx.Client(timeout=120) as c:
            for _ in range(args.repeat):
                start = time.perf_counter()
                answer = c.post(url, content=batch_body)
                served.append(time.perf_counter() - start)
                assert answer.json()["summary"]["subjects"] == args.batch
                start = time.perf_counter()
                for s in subjects:
                    pack.check(s, as_of=as_of)
                in_process.append(time.perf_counter() - start)
                start = time.perf_counter()
                for s in subjects:
                    pack.check(s, as_of=as_of).to_dict("en")
                with_document.append(time.perf_counter() - start)
                same_path.append(server_path(fast=True))
                before.append(server_path(fast=False))
        path, old = min(same_path, key=sum), min(before, key=sum)
        best = {
            "served": min(served),
            "check": min(in_process),
            "document": min(with_document),
            "path": sum(path),
        }
        n = args.batch
        print(f"batch of {n} subjects (best of {args.repeat}):")
        print(f"  POST one batch request:          {n / best['served']:8.0f} subjects/s")
        print(f"  pack.check in-process (mappings): {n / best['check']:8.0f} subjects/s")
        print(f"  the same, each report.to_dict():  {n / best['document']:8.0f} subjects/s")
        print(f"  the server's code path in-process: {n / best['path']:8.0f} subjects/s")
        print(_parts(path))
        print(f"  before the fast path, in-process:  {n / sum(old):8.0f} subjects/s")
        print(_parts(old))
        print(f"  batch endpoint / pack.check throughput: {best['check'] / best['served']:.2f}x")
        print(f"  batch endpoint / pack.check + to_dict:  {best['document'] / best['served']:.2f}x")
        print(f"  server's code path, now / before:       {sum(old) / best['path']:.2f}x")
        single = {
            fast: min(sum(server_path(fast=fast, body=body)) for _ in range(200))
            for fast in (True, False)
        }
        print(
            f"single-subject code path in-process (best of 200): {single[True] * 1000:.2f} ms,"
            f" before the fast path {single[False] * 1000:.2f} ms"
            f" (now / before: {single[False] / single[True]:.2f}x)"
        )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average (1, 5, 15 min) at the end: {load}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
