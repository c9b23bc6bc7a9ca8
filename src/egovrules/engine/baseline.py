"""Baselines: report only the violations a previous run did not already have.

A violation is the same one from run to run when the same subject breaks the same rule on the
same facts: ``fingerprint`` hashes the subject id, the rule id and the values the rule's
evaluation read (every ``values`` entry of its trace, ``ir/explain.py``, and the date that
matters), leaving out what only the passing of time changes (the as-of date, the days elapsed
and late). Line numbers play no part: an edit elsewhere in the file keeps the violation known,
and a changed fact (a new access date, a filing made with the wrong authority) makes it new.

A baseline is the JSON report ``egovrules check --write-baseline FILE`` writes: each violation
there carries its ``fingerprint`` (a run computes them only when asked, ``RunOptions``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from egovrules.report.model import Checked
from egovrules.source.document import DocumentError, read_document
from egovrules.source.errors import Diagnostic, InputError

__all__ = ["Baseline", "apply_baseline", "fingerprint", "read_baseline"]

_TIME_ONLY = frozenset({"days elapsed", "days late"})


def _facts(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value the trace read, keyed by where it stands in the trace."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "values" and isinstance(value, dict):
                yield from ((f"{path}/{k}", v) for k, v in value.items() if k not in _TIME_ONLY)
            elif isinstance(value, dict | list):
                yield from _facts(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _facts(item, f"{path}/{i}")


def fingerprint(subject_id: str, rule_id: str, trace: dict[str, Any]) -> str:
    """The identity of a violation: subject, rule and the facts that decide it (32 hex)."""
    facts = sorted(_facts({"when": trace.get("when"), "requires": trace.get("requires")}))
    data = [subject_id, rule_id, trace.get("date_that_matters"), facts]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclasses.dataclass(frozen=True)
class Baseline:
    """The violations of a previous run, by fingerprint."""

    fingerprints: frozenset[str]


def read_baseline(path: Path) -> Baseline:
    """The violations of the JSON report at ``path``; ``InputError`` (``E910``) at the
    position of what is not such a report."""
    name = str(path)
    try:
        doc = read_document(path, display_name=name)
    except DocumentError as exc:
        raise InputError(exc.diagnostics, exc.text) from None

    def fail(where: tuple[Any, ...], message: str) -> InputError:
        hint = "a baseline is what egovrules check --write-baseline FILE writes"
        return InputError([Diagnostic("E910", message, doc.span(where), hint)], doc.text)

    reports = doc.data.get("reports") if isinstance(doc.data, dict) else None
    if not isinstance(reports, list):
        raise fail((), "not an egovrules JSON report: no 'reports' list")
    found: set[str] = set()
    for i, report in enumerate(reports):
        violations = report.get("violations") if isinstance(report, dict) else None
        if not isinstance(violations, list):
            raise fail(("reports", i), "a report without a 'violations' list")
        for j, v in enumerate(violations):
            fp = v.get("fingerprint") if isinstance(v, dict) else None
            if not isinstance(fp, str):
                raise fail(
                    ("reports", i, "violations", j),
                    "a violation without a 'fingerprint' (a report not written by "
                    "--write-baseline?)",
                )
            found.add(fp)
    return Baseline(frozenset(found))


def apply_baseline(checked: Sequence[Checked], baseline: Baseline) -> list[Checked]:
    """The reports without the violations the baseline already has."""
    out = []
    for item in checked:
        known = {rid for rid, fp in item.fingerprints if fp in baseline.fingerprints}
        if not known:
            out.append(item)
            continue
        kept = tuple(v for v in item.report.violations if v.rule_id not in known)
        out.append(dataclasses.replace(item, report=item.report.replace(violations=kept)))
    return out
