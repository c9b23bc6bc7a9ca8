"""A Markdown summary for a pull-request comment: a table of subjects, then each violation
with its message, article and quote."""

from __future__ import annotations

import html
from collections.abc import Sequence

from egovrules.law.verdict import severity_reason_in
from egovrules.report.model import Checked

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    """Text of a pack or a subject, inert in Markdown: no raw HTML (``<script>``, a closing
    ``</details>``) passes through, and no ``|`` ends a table cell."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def render_markdown(checked: Sequence[Checked], language: str = "en") -> str:
    """The summary table and the details."""
    reports = [c.report for c in checked]
    failing = sum(1 for r in reports if not r.compliant)
    total = sum(len(r.violations) for r in reports)
    icon = "✅" if not failing else "❌"
    out = [
        f"## {icon} egovrules: {len(reports)} subject(s), {failing} not compliant, "
        f"{total} violation(s)\n\n",
        "| subject | kind | city | as of | violations | upcoming | waived |\n",
        "|---|---|---|---|---|---|---|\n",
    ]
    for item in checked:
        r = item.report
        name = f"`{_cell(r.subject_id)}`" + (f" ({_cell(item.source)})" if item.source else "")
        out.append(
            f"| {name} | {r.subject_kind} | {r.city} | {r.as_of.isoformat()} | "
            f"{len(r.violations) + len(r.expired_waivers)} | {len(r.upcoming)} | "
            f"{len(r.waived)} |\n"
        )
    for item in checked:
        r = item.report
        if not (r.violations or r.expired_waivers or r.upcoming or r.not_applicable):
            continue
        out.append(f"\n### `{_cell(r.subject_id)}`\n\n")
        for v in r.violations:
            c = v.citation
            why = severity_reason_in(v.severity_reason, language)
            out.append(
                f"- **{v.severity.value}** `{v.rule_id}`: {_cell(v.message_in(language))}"
                + (f" *({_cell(why)})*" if why else "")
                + f"\n  <details><summary>{_cell(str(c))}</summary>\n\n"
                f"  > {_cell(c.quote)}\n"
            )
            english = c.shown("en") if c.language != "en" else None
            if english:
                out.append(f"  >\n  > {_cell(english)}\n")
            out.append("\n  </details>\n")
        for w in r.expired_waivers:
            out.append(
                f"- **expired waiver** `{_cell(w.rule)}`: {_cell(w.reason)} "
                f"(expired {w.expires.isoformat()})\n"
            )
        for u in r.upcoming:
            out.append(
                f"- upcoming `{u.rule_id}`: {_cell(u.status(language))} "
                f"— {_cell(u.message_in(language))}\n"
            )
        reasons: dict[str, list[str]] = {}  # one line per scope: its reason, then its rules
        for n in r.not_applicable:
            reasons.setdefault(n.reason_in(language), []).append(f"`{n.rule_id}`")
        for reason, ids in reasons.items():
            out.append(f"- not applicable ({len(ids)}): {_cell(reason)} — {', '.join(ids)}\n")
    return "".join(out)
