"""Throughput and latency of ``egovrules serve`` on the loopback, beside ``pack.check``.

Run:  python bench/serve_throughput.py [--requests 2000] [--seconds 20] [--batch 1000]
                                       [--repeat 3] [--batch-only]

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
    for the batch and for the single subject. The repetitions of the batch interleave the
    request and each in-process measure; each is given in wall time (best of the repetitions)
    and in CPU time (their mean: the server's from /proc, counted in clock ticks of 10 ms, for
    the request; this process's for the rest), and each ratio in both; the request's time
    ends when its whole answer is received (the client parses it after). ``--batch-only``
    leaves out the single-subject levels.
To compare two checkouts, run it for each in turn, twice or more, e.g. ``PYTHONPATH=/work/main/src
python bench/serve_throughput.py --batch-only`` and the same without PYTHONPATH (the server is
started with the same environment, so it runs the same code).
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
from egovrules.report.model import Checked
from egovrules.report.render.json import render_json
from egovrules.service.body import subjects_of_body

try:
    from egovrules.service.answer import check_answer
except ImportError:  # a checkout before orjson wrote the answer: what its server wrote

    def check_answer(checked: list[Checked], language: str) -> bytes:  # type: ignore[misc]
        return render_json(checked, language, indent=None).encode()


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


def _single_levels(url: str, body: bytes, args: argparse.Namespace, pid: int) -> None:
    for _ in range(50):  # warm up: first requests, connections, caches
        httpx.post(url, content=body)
    print("single-subject check:")
    for clients in (1, 8, 64):
        r = _level(url, body, clients, requests=args.requests, seconds=args.seconds, pid=pid)
        print(
            f"  {clients:>2} clients: {r['requests']:>5.0f} requests, {r['rps']:8.1f} req/s,"
            f" p50 {r['p50_ms']:6.2f} ms, p99 {r['p99_ms']:7.2f} ms,"
            f" server CPU {r['cpu_ms']:5.2f} ms a request"
        )


def _timed(work: Any, *, pid: int | None = None) -> tuple[float, float, Any]:
    """The wall and CPU seconds ``work()`` takes (this process's CPU, or the process
    ``pid``'s: the server answering a request), and what it returned."""
    cpu = _cpu_seconds(pid) if pid is not None else time.process_time()
    start = time.perf_counter()
    result = work()
    wall = time.perf_counter() - start
    cpu = (_cpu_seconds(pid) if pid is not None else time.process_time()) - cpu
    return wall, cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per concurrency level")
    parser.add_argument("--seconds", type=float, default=20.0, help="per concurrency level")
    parser.add_argument("--batch", type=int, default=1000, help="subjects in the batch request")
    parser.add_argument(
        "--repeat", type=int, default=3, help="batch repetitions (wall: best; CPU: mean)"
    )
    parser.add_argument("--batch-only", action="store_true", help="no single-subject levels")
    args = parser.parse_args()

    port = _free_port()
    log = Path(tempfile.mkdtemp()) / "server.log"
    server = _start(port, log, args.batch)
    url = f"http://127.0.0.1:{port}/v1/packs/wuhan/check?as_of={AS_OF}"
    try:
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, egovrules serve, 1 worker")
        print(f"egovrules from {Path(egovrules.__file__).parent}")
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average (1, 5, 15 min) at the start: {load}")
        body = json.dumps(_subject()).encode()
        if not args.batch_only:
            _single_levels(url, body, args, server.pid)

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
            if fast:
                check_answer(checked, "en")
            else:
                render_json(checked, "en", indent=2)
            return [read - start, done - read, time.perf_counter() - done]

        def post(client: httpx.Client) -> httpx.Response:
            return client.post(url, content=batch_body)  # the whole answer received

        def check() -> None:
            for s in subjects:
                pack.check(s, as_of=as_of)

        def document() -> None:
            for s in subjects:
                pack.check(s, as_of=as_of).to_dict("en")

        times: dict[str, list[tuple[float, float]]] = {
            "served": [],
            "check": [],
            "document": [],
            "path": [],
        }
        same_path, before = [], []
        with httpx.Client(timeout=120) as c:
            post(c)  # warm up: the batch's first answer
            for _ in range(args.repeat):
                wall_post, cpu_post, answer = _timed(lambda: post(c), pid=server.pid)
                times["served"].append((wall_post, cpu_post))
                # read after the clock stops: parsing 4 MB of JSON is the client's work
                assert answer.json()["summary"]["subjects"] == args.batch
                times["check"].append(_timed(check)[:2])
                times["document"].append(_timed(document)[:2])
                wall_path, cpu_path, parts = _timed(lambda: server_path(fast=True))
                times["path"].append((wall_path, cpu_path))
                same_path.append(parts)
                before.append(server_path(fast=False))
        wall = {k: min(w for w, _ in v) for k, v in times.items()}
        cpu = {k: statistics.fmean(c for _, c in v) for k, v in times.items()}
        path, old = min(same_path, key=sum), min(before, key=sum)
        n = args.batch

        def line(label: str, key: str) -> str:
            return (
                f"  {label:<36} {n / wall[key]:8.0f} subjects/s,"
                f" {wall[key] * 1000:6.1f} ms wall, {cpu[key] * 1000:6.1f} ms CPU"
            )

        print(
            f"batch of {n} subjects, {len(batch_body):,} bytes"
            f" (wall: best of {args.repeat}; CPU: their mean):"
        )
        print(line("POST one batch request:", "served") + " (the server's CPU)")
        print(line("pack.check in-process (mappings):", "check"))
        print(line("the same, each report.to_dict():", "document"))
        print(line("the server's code path in-process:", "path"))
        print(_parts(path))
        print(f"  before the fast path, in-process:  {n / sum(old):8.0f} subjects/s")
        print(_parts(old))
        for label, key in (("pack.check", "check"), ("pack.check + to_dict", "document")):
            print(
                f"  batch endpoint / {label + ':':<22} {wall[key] / wall['served']:.2f}x wall,"
                f" {cpu[key] / cpu['served']:.2f}x CPU"
            )
            print(
                f"  code path in-process / {label + ':':<16} {wall[key] / wall['path']:.2f}x wall,"
                f" {cpu[key] / cpu['path']:.2f}x CPU"
            )
        print(f"  server's code path, now / before:       {sum(old) / sum(path):.2f}x")
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
