"""``egovrules test [PACKS]``: run each pack's own test cases, and fail on a rule no case
covers."""

from __future__ import annotations

import argparse

from egovrules.authoring.testing import run_pack_tests, uncovered_rules
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import load_pack
from egovrules.packdata.bundled import available_packs

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``test`` to the command line."""
    test = subparsers.add_parser(
        "test", help="run the examples of rule packs", description="Run each pack's own test cases."
    )
    test.add_argument("packs", nargs="*", help="pack ids or files (default: every bundled pack)")
    test.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    failed = 0  # cases whose outcome differs, plus rules a pack's cases do not cover
    passed = 0
    for name in args.packs or available_packs():
        pack = load_pack(name)
        results = run_pack_tests(pack)
        for r in results:
            passed += r.passed
            if not r.passed:
                failed += 1
                print(f"FAIL {pack.id}: {r.case.name}")
                for label, ids in (
                    ("missing violations", r.missing),
                    ("unexpected violations", r.unexpected),
                    ("missing pending", r.pending_missing),
                    ("unexpected pending", r.pending_unexpected),
                    ("missing undetermined", r.undetermined_missing),
                    ("unexpected undetermined", r.undetermined_unexpected),
                    ("missing not applicable (scope)", r.not_applicable_missing),
                    ("unexpected not applicable (scope)", r.not_applicable_unexpected),
                ):
                    if ids:
                        print(f"  {label}: {', '.join(ids)}")
        gaps = uncovered_rules(pack, results)
        for label, rule_ids in gaps.items():
            for rid in rule_ids:
                failed += 1
                print(f"FAIL {pack.id}: rule {rid} is {label.replace('_', ' ')} by any case")
        print(f"{pack.id}: {len(results)} case(s), {len(pack.rules)} rule(s)")
    print(f"{passed} passed, {failed} failed")
    return ExitCode.VIOLATIONS if failed else ExitCode.OK
