"""Time of building the law explorer (``egovrules.explorer.build``) of the bundled packs, beside
what it is made of: the matrix, the six diffs with their witness search, the parameters'
histories, and the pages alone.

Run:  python bench/explore_time.py [--repeat 3]

Prints the best of --repeat runs of: ``egovrules.matrix`` of the packs; the diff of every pair
(the witness search bounded as the explorer bounds it); every parameter's history read with git;
rendering every page from the gathered corpus (timelines and histories already read); the whole
build; and writing the site to a folder, with the ratios build ÷ matrix and pages ÷ build.
All figures come from one process and one run, so the ratios compare like with like; state the
load average beside them (the machine is shared).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import tempfile
from pathlib import Path

from diff_time import best  # bench/ is the script's folder: one timing loop

import egovrules
from egovrules.explorer import build, export
from egovrules.explorer.corpus import WITNESS_CANDIDATES, gather
from egovrules.explorer.site import site_of


def main() -> None:
    """Print one line per step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    packs = [egovrules.load_pack(p) for p in egovrules.available_packs()]
    matrix, _ = best(args.repeat, lambda: egovrules.matrix(packs))
    diffs, _ = best(
        args.repeat,
        lambda: [
            egovrules.diff(a, b, max_candidates=WITNESS_CANDIDATES)
            for a, b in itertools.combinations(packs, 2)
        ],
    )
    corpus = gather(packs)

    def histories() -> None:
        fresh = dataclasses.replace(corpus, _histories={})
        for pack in packs:
            for p in pack.ruleset.parameters:
                fresh.history(pack.id, p.name)

    history, _ = best(args.repeat, histories)
    site_of(corpus)  # the timelines and histories now cached: what follows is the rendering
    pages, site = best(args.repeat, lambda: site_of(corpus))
    whole, _ = best(args.repeat, lambda: build(packs))
    with tempfile.TemporaryDirectory() as out:
        write, files = best(args.repeat, lambda: export(site, Path(out), force=True))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'step':<28}{'s':>8}")
    for name, value in (
        ("matrix", matrix),
        ("six diffs with witnesses", diffs),
        ("parameter histories (git)", history),
        (f"pages rendered ({len(site.pages)})", pages),
        ("whole build", whole),
        (f"export ({files} files)", write),
    ):
        print(f"{name:<28}{value:>8.2f}")
    print(f"build / matrix: {whole / matrix:.1f}x   pages / build: {pages / whole:.2f}")


if __name__ == "__main__":
    main()
