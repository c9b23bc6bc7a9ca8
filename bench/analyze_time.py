"""`egovrules analyze` on each bundled pack: rules, findings, solver queries, wall and CPU time.

    python bench/analyze_time.py [--repeat N]

CPU time (this process) is printed beside wall time: on a shared machine the wall time
includes waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from egovrules.analysis.run import analyze_pack
from egovrules.engine.pack import load_bundled_pack
from egovrules.packdata.bundled import available_packs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'pack':<8} {'rules':>5} {'findings':>8} {'queries':>7} {'wall s':>7} {'cpu s':>6}")
    total_wall = total_cpu = 0.0
    for pack_id in available_packs():
        pack = load_bundled_pack(pack_id)
        walls, cpus = [], []
        for _ in range(args.repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            result = analyze_pack(pack)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        total_wall += wall
        total_cpu += cpu
        print(
            f"{pack_id:<8} {result.rules:>5} {len(result.findings):>8} {result.queries:>7} "
            f"{wall:>7.1f} {cpu:>6.1f}"
        )
    print(f"{'all':<8} {'':>5} {'':>8} {'':>7} {total_wall:>7.1f} {total_cpu:>6.1f}")


if __name__ == "__main__":
    main()
