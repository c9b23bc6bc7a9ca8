"""Text output for a person at a terminal: one block per subject, each finding with its
citation and quote."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from egovrules.report.model import Citation, Report

__all__ = ["render_text"]


def _cite(c: Citation) -> str:
    lines = [f"    law: {c}"]
    lines.append(f"         「{c.quote}」")
    if c.quote_en and c.language != "en":
        lines.extend(
            textwrap.wrap(
                f'"{c.quote_en}"', 88, initial_indent="         ", subsequent_indent="          "
            )
        )
    return "\n".join(lines)


def render_text(reports: Sequence[tuple[Report, str | None]]) -> str:
    """All reports, then a one-line summary."""
    out = []
    for r, source in reports:
        where = f" ({source})" if source else ""
        status = "compliant" if r.compliant else f"{len(r.violations)} violation(s)"
        out.append(
            f"{r.subject_kind} {r.subject_id}{where}: {status} "
            f"[{r.pack_id} {r.pack_version}, as of {r.as_of.isoformat()}]"
        )
        for v in r.violations:
            out.append(f"  {v.severity.value.upper():8} {v.rule_id}")
            out.append(f"    {v.message}")
            out.append(_cite(v.citation))
        for u in r.upcoming:
            out.append(
                f"  UPCOMING {u.rule_id}: due {u.due.isoformat()} ({u.days_left} day(s) left)"
            )
            out.append(f"    {u.message}")
            out.append(_cite(u.citation))
        out.append("")
    total = sum(len(r.violations) for r, _ in reports)
    ok = sum(1 for r, _ in reports if r.compliant)
    out.append(f"{len(reports)} subject(s) checked, {ok} compliant, {total} violation(s)")
    return "\n".join(out) + "\n"
