"""Time of ``egovrules.diff`` on every pair of bundled packs, beside the same diff without the
witness search and beside loading the two packs.

Run:  python bench/diff_time.py [--repeat 3] [--max-candidates 400]

For each pair it prints the best of --repeat runs of: loading both packs (``load_pack``), the
diff without witnesses (the proofs and the views), and the full diff (with the bounded witness
search), the number of candidate subjects the search ran both packs on, and the ratios
full ÷ no-witness and full ÷ load. All figures come from one process and one run, so the
ratios compare like with like.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from typing import Any

import egovrules


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs of ``fn`` (seconds) and its last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    """Print one line per pair of packs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-candidates", type=int, default=400)
    args = parser.parse_args()
    names = egovrules.available_packs()
    packs = {n: egovrules.load_pack(n) for n in names}
    print(
        f"{'pair':<18}{'load s':>8}{'proofs s':>10}{'full s':>8}{'cands':>7}"
        f"{'full/proofs':>12}{'full/load':>10}"
    )
    for a, b in itertools.combinations(names, 2):
        load, _ = best(
            args.repeat, lambda a=a, b=b: (egovrules.load_pack(a), egovrules.load_pack(b))
        )
        proofs, _ = best(
            args.repeat, lambda a=a, b=b: egovrules.diff(packs[a], packs[b], witnesses=False)
        )
        full, d = best(
            args.repeat,
            lambda a=a, b=b: egovrules.diff(packs[a], packs[b], max_candidates=args.max_candidates),
        )
        candidates = sum(c.search.candidates for c in d.concepts)
        print(
            f"{a + '/' + b:<18}{load:>8.2f}{proofs:>10.2f}{full:>8.2f}{candidates:>7}"
            f"{full / proofs:>12.1f}{full / load:>10.2f}"
        )


if __name__ == "__main__":
    main()
