"""Packs that check themselves: rules that can never apply or never be met, pairs of rules
that contradict or make one another redundant, rules written twice, and names defined and
never used; each impossibility proved by z3 over the rule IR, each possibility shown by a
subject run through the Python backend (``docs/analyze.md``).

z3 is the optional extra ``analyze``: ``analyze_packs`` raises ``MissingExtraError`` (exit 2)
without it. Nothing here is imported by ``import egovrules``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from egovrules.analysis.findings import LEVELS, Finding, Kind, PackAnalysis, Status
from egovrules.source.errors import require

if TYPE_CHECKING:
    from egovrules.engine.pack import Pack
    from egovrules.engine.waivers import SharedWaiver

__all__ = ["LEVELS", "Finding", "Kind", "PackAnalysis", "Status", "analyze_packs"]


def analyze_packs(
    packs: Sequence[Pack],
    *,
    all_bundled: bool = False,
    timeout_ms: int | None = None,
    waivers: Sequence[SharedWaiver] = (),
) -> list[PackAnalysis]:
    """Analyse each pack; with ``all_bundled`` (the packs are every bundled pack) also report
    the concepts of the shared vocabulary none of them uses, with the first pack; with
    ``waivers`` (a waivers file's entries) also the rules they waive for every subject."""
    require("z3", "analyze", "egovrules analyze")
    from egovrules.analysis.run import (  # noqa: PLC0415 - z3 stays optional
        DEFAULT_TIMEOUT_MS,
        analyze_pack,
    )
    from egovrules.analysis.statics import (  # noqa: PLC0415 - z3 optional
        shadowed_by_waivers,
        unused_concepts,
    )

    out = []
    for p in packs:
        a = analyze_pack(p, timeout_ms=timeout_ms or DEFAULT_TIMEOUT_MS)
        shadowed = tuple(shadowed_by_waivers(p, waivers))
        out.append(dataclasses.replace(a, findings=a.findings + shadowed) if shadowed else a)
    if all_bundled and out:
        first = out[0]
        extra = tuple(unused_concepts(packs))
        out[0] = dataclasses.replace(first, findings=first.findings + extra)
    return out
