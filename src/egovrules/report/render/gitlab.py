"""GitLab Code Quality: the JSON report GitLab reads natively (``artifacts: reports:
codequality:``) and shows in merge requests and on the changed lines. GitLab does not ingest
SARIF as a SAST report; this is the format it does.

One issue per violation, at the line of the field it is about, one per expired waiver, at the
waiver's entry (in the subject file or the waivers file), and one per input that could not be
judged. Each fingerprint is the subject id, the rule id and the
file, hashed: stable from one pipeline to the next, so GitLab can tell new issues from fixed
ones, and not moved by an edit elsewhere in the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from egovrules.law.verdict import Severity
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked
from egovrules.report.render.paths import ci_path

__all__ = ["render_gitlab"]

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.ADVISORY: "minor"}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _path(file: str | None) -> str | None:
    # One file, one path, one fingerprint: relative to the checkout, however it was named.
    return ci_path(file) if file else file


def _issue(
    check: str,
    description: str,
    severity: str,
    where: tuple[str | None, int | None],
    fingerprint: str,
) -> dict[str, Any]:
    path, line = where
    return {
        "type": "issue",
        "check_name": check,
        "description": description,
        "categories": ["Compliance"],
        "severity": severity,
        "fingerprint": fingerprint,
        "location": {"path": path or "", "lines": {"begin": line or 1}},
    }


def render_gitlab(
    checked: Sequence[Checked], language: str = "en", failures: Sequence[InputFailure] = ()
) -> str:
    """The run as a GitLab Code Quality report (a JSON array of issues)."""
    issues = [
        _issue(
            f.code,
            f"egovrules: {f.message}",
            "blocker",
            (_path(f.file), f.line),
            _fingerprint(f.code, _path(f.file) or "", str(f.line), f.message),
        )
        for f in failures
    ]
    for item in checked:
        r = item.report
        file = _path(item.file) or ""
        for v in r.violations:
            loc = item.location(v.rule_id)
            issues.append(
                _issue(
                    v.rule_id,
                    f"{r.subject_id}: {v.message_in(language)} ({v.citation})",
                    _SEVERITY[v.severity],
                    (_path(loc.file), loc.line) if loc else (file or None, None),
                    _fingerprint(r.subject_id, v.rule_id, file),
                )
            )
        for w, at in item.expired_waiver_locations():  # where it is written
            issues.append(
                _issue(
                    "egovrules.waiver.expired",
                    f"{r.subject_id}: waiver of {w.rule} expired on {w.expires.isoformat()}",
                    "critical",
                    (_path(at.file), at.line) if at else (file or None, None),
                    # the file it is written in: an inline waiver and a waivers file's entry
                    # for one rule are two issues, renewed in two places
                    _fingerprint(
                        r.subject_id, "waiver", w.rule, (_path(at.file) or "") if at else file
                    ),
                )
            )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
