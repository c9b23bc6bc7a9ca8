"""Time of putting every bundled rule into words (``egovrules.ir.words.rule_statement``, English
and Chinese) beside writing its expression (``egovrules.ir.describe``) and beside a diff.

Run:  python bench/words_time.py [--repeat 5]

It prints the best of --repeat runs of: the expressions of every rule of the four packs (the
baseline), the sentences of the same rules in both languages, and a diff without witnesses of
every pair of packs, which builds the sentences of the rules it shows, and the same diffs with
the sentences left out (``diffing.views.rule_statement`` replaced by a stub); then the ratios
words ÷ expressions and diffs ÷ diffs without words. All figures come from one process and
one run.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from typing import Any

import egovrules
from egovrules.diffing import views
from egovrules.ir.describe import describe
from egovrules.ir.words import WORDS_LANGS, rule_statement


def best(repeat: int, fn: Callable[[], Any]) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print the three times and the two ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    packs = {n: egovrules.load_pack(n) for n in egovrules.available_packs()}
    rules = [r for p in packs.values() for r in p.rules]
    rule_statement(rules[0], "en")  # the field words are read once, on first use

    def expressions() -> None:
        for r in rules:
            describe(r.when)
            describe(r.requires)

    def words() -> None:
        for r in rules:
            for lang in WORDS_LANGS:
                rule_statement(r, lang)

    def diffs() -> None:
        for a, b in itertools.combinations(packs, 2):
            egovrules.diff(packs[a], packs[b], witnesses=False)

    t_expr = best(args.repeat, expressions)
    t_words = best(args.repeat, words)
    t_diffs = best(args.repeat, diffs)
    kept = views.rule_statement
    views.rule_statement = lambda rule, lang: ""
    try:
        t_bare = best(args.repeat, diffs)
    finally:
        views.rule_statement = kept
    print(f"rules: {len(rules)}")
    print(f"expressions  {t_expr * 1000:8.1f} ms")
    print(f"words en+zh  {t_words * 1000:8.1f} ms")
    print(f"6 diffs      {t_diffs * 1000:8.1f} ms  (no witnesses)")
    print(f"6 diffs      {t_bare * 1000:8.1f} ms  (no witnesses, no words)")
    print(f"words / expressions          {t_words / t_expr:6.1f}")
    print(f"diffs / diffs without words  {t_diffs / t_bare:6.2f}")


if __name__ == "__main__":
    main()
