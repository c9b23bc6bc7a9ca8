"""Reading a large subject file: egovrules' reader beside the bare parsers, in one run.

Run:  python bench/read_time.py [--approvals 100000] [--repeat 5]

Builds a Shantou project with ``--approvals`` approvals (as JSON, 6 MB at 100,000, like the
one the reliability review measured), then times, median of ``--repeat``:
  * ``read_document`` + validation: what ``egovrules check`` does with the file (values, the
    line and column of every value and key, every check of the safe reader, the pydantic model);
  * ``read_document`` alone;
  * libyaml's parser alone, emitting its events (the floor of any reader built on it);
  * ``yaml.load`` with ``CSafeLoader`` (libyaml composing Python objects, no positions);
  * ``json.loads`` (no positions, no checks).
Each figure is also given as a ratio to ``yaml.load``, measured in the same process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from egovrules.source.document import read_document
from egovrules.subjects import parse_subject

ROOT = Path(__file__).resolve().parents[1]


def _subject(approvals: int) -> str:
    data = yaml.load(
        (ROOT / "examples" / "shantou" / "project-compliant.yaml").read_text("utf-8"),
        Loader=yaml.CSafeLoader,
    )
    data["approvals"] = [
        {"kind": "planning", "approver": "municipal_egov_authority", "date": "2025-10-13"}
    ] * approvals

    def iso(value: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(value)

    return json.dumps(data, default=iso, ensure_ascii=False, indent=1)


def _median(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _events(text: str) -> None:
    loader = yaml.CSafeLoader(text)
    try:
        while loader.get_event() is not None:
            pass
    finally:
        loader.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--approvals", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = _subject(args.approvals)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "project.json"
        path.write_text(text, encoding="utf-8")
        size = path.stat().st_size
        rows = {
            "read_document + validation": lambda: parse_subject(read_document(path).data),
            "read_document": lambda: read_document(path),
            "libyaml events only": lambda: _events(text),
            "yaml.load (CSafeLoader)": lambda: yaml.load(text, Loader=yaml.CSafeLoader),
            "json.loads": lambda: json.loads(text),
        }
        figures = {name: _median(run, args.repeat) for name, run in rows.items()}
    base = figures["yaml.load (CSafeLoader)"]
    print(f"{args.approvals:,} approvals, {size / 1e6:.1f} MB, median of {args.repeat}")
    for name, seconds in figures.items():
        print(f"  {name:<28} {seconds:7.3f} s   {seconds / base:5.2f}x yaml.load")


if __name__ == "__main__":
    main()
