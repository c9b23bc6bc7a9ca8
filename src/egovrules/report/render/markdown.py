"""A Markdown summary for a pull-request comment: a table of subjects, then each violation
with its message, article and quote."""

from __future__ import annotations

import html
from collections.abc import Sequence

from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    """Text of a pack or a subject, inert in Markdown: no raw HTML (``<script>``, a closing
    ``</details>``) passes through, and no ``|`` ends a table cell."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _where(f: InputFailure) -> str:
    parts = [str(x) for x in (f.file, f.line, f.column) if x is not None]
    return f"`{_cell(':'.join(parts))}`" if parts else "(no file)"


def render_markdown(
    checked: Sequence[Checked], language: str = "en", failures: Sequence[InputFailure] = ()
) -> str:
    """The summary table and the details; first, the inputs that could not be judged."""
    reports = [c.report for c in checked]
    failing = sum(1 for r in reports if not r.compliant)
    total = sum(len(r.violations) for r in reports)
    icon = "✅" if not failing and not failures else "❌"
    errors = f", {len(failures)} input error(s)" if failures else ""
    out = [
        f"## {icon} egovrules: {len(reports)} subject(s), {failing} not compliant, "
        f"{total} violation(s){errors}\n\n",
    ]
    if failures:
        out.append("### Inputs that could not be checked\n\n| where | code | problem |\n")
        out.append("|---|---|---|\n")
        for f in failures:
            hint = f" (hint: {f.hint})" if f.hint else ""
            out.append(f"| {_where(f)} | `{f.code}` | {_cell(f.message + hint)} |\n")
        out.append("\n")
    out += [
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
        if not (r.violations or r.expired_waivers or r.upcoming):
            continue
        out.append(f"\n### `{_cell(r.subject_id)}`\n\n")
        for v in r.violations:
            c = v.citation
            out.append(
                f"- **{v.severity.value}** `{v.rule_id}`: {_cell(v.message_in(language))}"
                f"\n  <details><summary>{_cell(str(c))}</summary>\n\n"
                f"  > {_cell(c.quote)}\n"
            )
            if c.quote_en and c.language != "en":
                out.append(f"  >\n  > {_cell(c.quote_en)}\n")
            out.append("\n  </details>\n")
        for w in r.expired_waivers:
            out.append(
                f"- **expired waiver** `{_cell(w.rule)}`: {_cell(w.reason)} "
                f"(expired {w.expires.isoformat()})\n"
            )
        for u in r.upcoming:
            out.append(
                f"- upcoming `{u.rule_id}`: due {u.due.isoformat()} "
                f"({u.days_left} day(s) left) — {_cell(u.message_in(language))}\n"
            )
    return "".join(out)
