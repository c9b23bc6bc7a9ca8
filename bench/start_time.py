"""What starting costs: ``import egovrules``, ``egovrules check`` of one subject, and loading
the four bundled packs with and without the pack cache, each in a fresh process, beside
``python -c pass``, ``python -c 'import pydantic'`` and one pydantic model defined and
validated (the floor of a start that validates anything with pydantic).

Run:  python bench/start_time.py [--repeat 10] [--against OTHER/src]

``--against`` adds the same egovrules commands run on another checkout's ``src`` (put first on
``PYTHONPATH``): an earlier commit measured in the same run.

The commands run interleaved, one round after another; each figure is the median over the
rounds of the wall time and of the CPU time (user + system) of the child process, and each
ratio the median of the per-round ratios to ``import pydantic``. The pack cache is a fresh
folder, filled by a first round that is not counted; that round also writes the ``.pyc`` files
(the children run without ``PYTHONDONTWRITEBYTECODE``: set, in a checkout without
``__pycache__``, it has every egovrules module compiled from source at every start, as an
installed package's never is). ``--no-pyc`` measures starts with no ``.pyc`` at all: every
module, the standard library's and pydantic's too, compiled from source (an empty
``PYTHONPYCACHEPREFIX``, and nothing written to it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "examples/wuhan/website-late-police-filing.yaml"
LOAD_FOUR = (
    "import time, egovrules\n"
    "t = time.perf_counter()\n"
    "for p in ('hohhot', 'shantou', 'tianjin', 'wuhan'): egovrules.load_pack(p)\n"
    "print(time.perf_counter() - t)"
)
ONE_MODEL = (
    "from pydantic import BaseModel\n"
    "class One(BaseModel):\n"
    "    x: int\n"
    "One.model_validate({'x': 1})"
)
COMMANDS: dict[str, tuple[list[str], dict[str, str]]] = {
    "python -c pass": ([sys.executable, "-c", "pass"], {}),
    "python -c 'import pydantic'": ([sys.executable, "-c", "import pydantic"], {}),
    # The floor of any start that validates with pydantic: ``import pydantic`` imports little
    # (its names are lazy); a first model defined and validated imports the rest of it, and
    # its plugin lookup imports importlib.metadata.
    "python -c '<one pydantic model, validated>'": (
        [sys.executable, "-c", ONE_MODEL],
        {},
    ),
    "python -c 'import egovrules'": ([sys.executable, "-c", "import egovrules"], {}),
    "egovrules check (one website)": (
        [
            sys.executable,
            "-m",
            "egovrules",
            "check",
            "--city",
            "wuhan",
            "--as-of",
            "2026-03-22",
            EXAMPLE,
        ],
        {},
    ),
    "load the four packs, cached": ([sys.executable, "-c", LOAD_FOUR], {}),
    "load the four packs, no cache": (
        [sys.executable, "-c", LOAD_FOUR],
        {"EGOVRULES_NO_CACHE": "1"},
    ),
}


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time, CPU time of the child, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--against", type=Path, help="another checkout's src folder")
    ap.add_argument(
        "--no-pyc", action="store_true", help="compile every module from source, at each start"
    )
    args = ap.parse_args()
    commands = dict(COMMANDS)
    if args.against is not None:
        other = {"PYTHONPATH": str(args.against.resolve())}
        for name, (argv, extra) in COMMANDS.items():
            if "egovrules" in name or "packs" in name:
                commands[f"{name} [against]"] = (argv, extra | other)
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as no_pyc:
        base = {**os.environ, "EGOVRULES_CACHE_DIR": cache}
        base.pop("EGOVRULES_NO_CACHE", None)
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        base.pop("PYTHONPYCACHEPREFIX", None)
        if args.no_pyc:
            base |= {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": no_pyc}
        print("no .pyc: every module compiled at each start" if args.no_pyc else ".pyc present")
        for argv, extra in commands.values():  # fills the cache; not counted
            run(argv, base | extra)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        loads: dict[str, list[float]] = {name: [] for name in commands if "load" in name}
        for _ in range(args.repeat):
            for name, (argv, extra) in commands.items():
                wall, cpu, out = run(argv, base | extra)
                walls[name].append(wall)
                cpus[name].append(cpu)
                if name in loads:
                    loads[name].append(float(out))
    ref = "python -c 'import pydantic'"
    floor = "python -c '<one pydantic model, validated>'"

    def ratio(times: dict[str, list[float]], name: str, to: str) -> float:
        """The median over the rounds of ``name``'s time ÷ ``to``'s in the same round."""
        return statistics.median(a / b for a, b in zip(times[name], times[to], strict=True))

    print(f"median of {args.repeat} interleaved rounds")
    print(
        f"{'command':<44} {'wall s':>7} {'CPU s':>7} {'wall ÷ pydantic':>16} "
        f"{'CPU ÷ pydantic':>15} {'CPU ÷ one model':>16}"
    )
    for name in commands:
        print(
            f"{name:<44} {statistics.median(walls[name]):>7.3f} "
            f"{statistics.median(cpus[name]):>7.3f} {ratio(walls, name, ref):>16.2f} "
            f"{ratio(cpus, name, ref):>15.2f} {ratio(cpus, name, floor):>16.2f}"
        )
    for name, seconds in loads.items():
        print(f"{name}: load_pack × 4 took {statistics.median(seconds):.3f} s inside the process")
    print("goals: import egovrules ≤ 0.1 s; check ≤ 2× import pydantic; four packs ≤ 0.05 s")
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
