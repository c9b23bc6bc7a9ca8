"""GitHub Actions workflow commands: one annotation per finding, at the offending line."""

from __future__ import annotations

from collections.abc import Sequence

from egovrules.law.verdict import Severity
from egovrules.report.model import Checked

__all__ = ["render_github"]

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.ADVISORY: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(checked: Sequence[Checked], language: str = "en") -> str:
    """``::error file=…,line=…,title=…::message`` lines for every violation and expired
    waiver, ``::notice`` for upcoming deadlines."""
    out = []
    for item in checked:
        r = item.report
        for v in r.violations:
            props = []
            loc = item.location(v.rule_id)
            if loc is not None:
                props += [f"file={_prop(loc.file)}", f"line={loc.line}", f"col={loc.col}"]
            elif item.file:
                props.append(f"file={_prop(item.file)}")
            props.append(f"title={_prop(f'{v.rule_id} ({v.citation})')}")
            out.append(
                f"::{_COMMAND[v.severity]} {','.join(props)}::"
                f"{_data(f'{r.subject_id}: {v.message_in(language)}')}"
            )
        for w in r.expired_waivers:
            where = f" file={_prop(item.file)}," if item.file else " "
            out.append(
                f"::error{where}title={_prop('expired waiver')}::"
                f"{_data(f'{r.subject_id}: waiver of {w.rule} expired on {w.expires}')}"
            )
        for u in r.upcoming:
            out.append(
                f"::notice title={_prop(f'upcoming {u.rule_id}')}::"
                f"{_data(f'{r.subject_id}: {u.status()}')}"
            )
    return "\n".join(out) + ("\n" if out else "")
