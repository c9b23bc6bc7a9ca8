"""GitHub Actions workflow commands: one annotation per finding, at the offending line."""

from __future__ import annotations

from collections.abc import Sequence

from egovrules.law.verdict import Severity
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked
from egovrules.report.render.controls import visible
from egovrules.report.render.paths import ci_path

__all__ = ["render_github"]

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.ADVISORY: "notice"}


def _data(text: str) -> str:
    # GitHub's own escapes for "%", CR and LF; any other control character shown escaped.
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _file(name: str) -> str:
    # The file relative to the workspace, however the run was given it.
    return _prop(ci_path(name))


def _failure(f: InputFailure) -> str:
    props = []
    if f.file is not None:
        props.append(f"file={_file(f.file)}")
        if f.line is not None:
            props.append(f"line={f.line}")
        if f.column is not None:
            props.append(f"col={f.column}")
    props.append(f"title={_prop(f'egovrules {f.code}')}")
    message = f.message + (f" (hint: {f.hint})" if f.hint else "")
    return f"::error {','.join(props)}::{_data(message)}"


def render_github(
    checked: Sequence[Checked], language: str = "en", failures: Sequence[InputFailure] = ()
) -> str:
    """``::error file=…,line=…,title=…::message`` lines for every input that could not be
    judged, then, in a ``::group::`` per file (folded in the job's log), every violation and
    expired waiver, and ``::notice`` for upcoming deadlines."""
    out = [_failure(f) for f in failures]
    group: str | None = None
    for item in checked:
        lines = _annotations(item, language)
        if not lines:
            continue
        file = ci_path(item.file) if item.file else item.report.subject_id
        if file != group:
            if group is not None:
                out.append("::endgroup::")
            out.append(f"::group::egovrules {_data(file)}")
            group = file
        out += lines
    if group is not None:
        out.append("::endgroup::")
    return "\n".join(out) + ("\n" if out else "")


def _annotations(item: Checked, language: str) -> list[str]:
    r = item.report
    out = []
    for v in r.violations:
        props = []
        loc = item.location(v.rule_id)
        if loc is not None:
            props += [f"file={_file(loc.file)}", f"line={loc.line}", f"col={loc.col}"]
        elif item.file:
            props.append(f"file={_file(item.file)}")
        props.append(f"title={_prop(f'{v.rule_id} ({v.citation})')}")
        out.append(
            f"::{_COMMAND[v.severity]} {','.join(props)}::"
            f"{_data(f'{r.subject_id}: {v.message_in(language)}')}"
        )
    for w, at in item.expired_waiver_locations():  # where it is written, renewed or removed
        props = []
        if at is not None:
            props += [f"file={_file(at.file)}", f"line={at.line}", f"col={at.col}"]
        elif item.file:
            props.append(f"file={_file(item.file)}")
        props.append(f"title={_prop('expired waiver')}")
        out.append(
            f"::error {','.join(props)}::"
            f"{_data(f'{r.subject_id}: waiver of {w.rule} expired on {w.expires}')}"
        )
    for u in r.upcoming:
        out.append(
            f"::notice title={_prop(f'upcoming {u.rule_id}')}::"
            f"{_data(f'{r.subject_id}: {u.status()}')}"
        )
    return out
