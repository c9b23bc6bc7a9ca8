"""Packs that check themselves: rules that can never apply or never be met, pairs of rules
that contradict or make one another redundant, rules written twice, and names defined and
never used; each impossibility proved by z3 over the rule IR, each possibility shown by a
subject run through the Python backend (``docs/analyze.md``).

z3 is the optional extra ``analyze``: ``analyze_packs`` raises ``MissingExtraError`` (exit 2)
without it. Nothing here is imported by ``import egovrules``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from egovrules.analysis.findings import LEVELS, Finding, Kind, PackAnalysis, Status
from egovrules.source.errors import require

if TYPE_CHECKING:
    from egovrules.engine.pack import Pack

__all__ = ["LEVELS", "Finding", "Kind", "PackAnalysis", "Status", "analyze_packs"]


def analyze_packs(
    packs: Sequence[Pack], *, all_bundled: bool = False, timeout_ms: int | None = None
) -> list[PackAnalysis]:
    """Analyse each pack; with ``all_bundled`` (the packs are every bundled pack) also report
    the concepts of the shared vocabulary none of them uses, with the first pack."""
    require("z3", "analyze", "egovrules analyze")
    from egovrules.analysis.run import (  # noqa: PLC0415 - z3 stays optional
        DEFAULT_TIMEOUT_MS,
        analyze_pack,
    )
    from egovrules.analysis.statics import unused_concepts  # noqa: PLC0415 - z3 optional

    out = [analyze_pack(p, timeout_ms=timeout_ms or DEFAULT_TIMEOUT_MS) for p in packs]
    if all_bundled and out:
        first = out[0]
        extra = tuple(unused_concepts(packs))
        out[0] = PackAnalysis(
            first.pack_id,
            first.pack_hash,
            first.file,
            first.rules,
            first.findings + extra,
            first.undecided,
            first.queries,
            first.seconds,
        )
    return out
