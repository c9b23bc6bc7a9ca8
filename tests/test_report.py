"""The Report a check returns: its findings are built when first read, and read the same as a
report built with every finding at once; it is immutable, compares, copies and pickles as the
dataclass it replaced did."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import Any

import pytest

import egovrules
from egovrules.engine import findings
from egovrules.engine import pack as pack_module
from egovrules.report.model import Report
from egovrules.source.document import read_document
from egovrules.subjects import parse_subject
from tests.conftest import FIXTURES, ROOT

D = dt.date
LATE_SITE = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"


def _subject(path: Any) -> Any:
    return parse_subject(read_document(path).data)


def _eager(report: Report) -> Report:
    """The same report built with every field given at once (what a check used to return)."""
    return Report(**report.values())


def test_check_renders_no_message_until_one_is_read(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check itself costs its rules and the codes: the messages of the late filing's
    violations are written (by their compiled functions) only when the violations are read."""
    rendered: list[str] = []
    real = findings.compiled_violation

    def counting(rule: Any, finder: Any, subject: Any, as_of: dt.date) -> Any:
        rendered.append(rule.id)
        return real(rule, finder, subject, as_of)

    monkeypatch.setattr(pack_module, "compiled_violation", counting)
    report = wuhan.check(_subject(LATE_SITE), as_of=D(2026, 3, 22))
    assert 2 in report.codes
    assert report.compliant is False
    assert rendered == []
    assert "wuhan.website.police_filing_15_days" in {v.rule_id for v in report.violations}
    assert "wuhan.website.police_filing_15_days" in rendered


@pytest.mark.parametrize(
    "path",
    [
        LATE_SITE,
        FIXTURES / "ci" / "website-waived.yaml",
        FIXTURES / "ci" / "website-waiver-expired.yaml",
    ],
    ids=lambda p: p.stem,
)
@pytest.mark.parametrize("as_of", [D(2020, 1, 1), D(2026, 3, 22), D(2027, 3, 22)])
def test_compliant_from_the_codes_agrees_with_the_findings(
    wuhan: egovrules.Pack, path: Any, as_of: dt.date
) -> None:
    """``compliant`` read first (from the codes, when no waiver can change it) is what the
    findings say: no standing violation and no expired waiver. The waived site's violation
    is covered by its waiver until 2026-12-31; the other waiver has expired."""
    subject = _subject(path)
    first = wuhan.check(subject, as_of=as_of).compliant
    report = wuhan.check(subject, as_of=as_of)
    assert first == (not report.violations and not report.expired_waivers)


def test_deferred_report_equals_the_eager_one(wuhan: egovrules.Pack) -> None:
    """Every field reads the same, and the two compare and hash equal."""
    report = wuhan.check(_subject(FIXTURES / "ci" / "website-waived.yaml"), as_of=D(2026, 3, 22))
    eager = _eager(wuhan.check(_subject(FIXTURES / "ci" / "website-waived.yaml"), D(2026, 3, 22)))
    assert report.waived and not report.violations
    assert report == eager and hash(report) == hash(eager)
    assert repr(report) == repr(eager)
    assert report.values() == eager.values()


def test_not_in_force_note_is_built_when_read(wuhan: egovrules.Pack) -> None:
    """Judged on a day before the Measures take effect, the rules dated by that day are
    skipped, and the note says how many."""
    report = wuhan.check(_subject(LATE_SITE), as_of=D(2000, 1, 1))
    skipped = report.codes.count(egovrules.Outcome.NOT_IN_FORCE)
    assert skipped and report.compliant
    assert report.notes and report.notes[0].startswith(f"{skipped} rule(s) not applied")


def test_report_is_immutable_and_copies(wuhan: egovrules.Pack) -> None:
    report = wuhan.check(_subject(LATE_SITE), as_of=D(2026, 3, 22))
    with pytest.raises(AttributeError):
        report.subject_id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del report.codes  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(report)) == report
    assert copy.deepcopy(report) == report
    renamed = report.replace(subject_id="other", violations=())
    assert (renamed.subject_id, renamed.violations, renamed.codes) == ("other", (), report.codes)
    assert report.subject_id != "other" and report.violations


def test_a_model_its_subclass_and_its_mapping_check_alike(wuhan: egovrules.Pack) -> None:
    """A subject model is found by its class; a subclass of one by its kind; a mapping is
    validated first. All three give the same report."""

    class OwnSite(egovrules.Website):
        pass

    data = read_document(LATE_SITE).data
    model = parse_subject(data)
    reports = [wuhan.check(s, D(2026, 3, 22)) for s in (model, OwnSite.model_validate(data), data)]
    assert reports[0] == reports[1] == reports[2]
    assert reports[0].subject_id == "wuhan-site-hyq" and not reports[0].compliant
