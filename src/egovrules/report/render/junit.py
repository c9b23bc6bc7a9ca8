"""JUnit XML that CI servers render: one test suite per subject, one test case per rule of the
subject's kind; violations are failures carrying message and citation, waived or inapplicable
rules are skipped, undetermined ones are errors. Inputs that could not be judged come first, in
a suite of their own: one test case per problem, an ``<error>`` typed with its code. Each
subject's suite starts with its ``<properties>``: the pack, its version and hash, the as-of
date and, for a pack that counts working days, the holiday calendar."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from xml.etree import ElementTree as ET

from egovrules.ir.nodes import RuleIR
from egovrules.law.citation import Citation
from egovrules.law.verdict import Outcome, severity_reason_in
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked, Report

__all__ = ["render_junit"]


def _cite(c: Citation) -> str:
    english = c.shown("en") if c.language != "en" else None
    return f"{c}\n「{c.quote}」" + (f"\n{english}" if english else "")


def _failures_suite(root: ET.Element, failures: Sequence[InputFailure]) -> dict[str, int]:
    suite = ET.SubElement(root, "testsuite", name="input errors")
    for f in failures:
        where = ":".join(str(x) for x in (f.file, f.line, f.column) if x is not None)
        case = ET.SubElement(suite, "testcase", name=where or f.code, classname="egovrules.input")
        if f.file is not None:
            case.set("file", f.file)
            if f.line is not None:
                case.set("line", str(f.line))
        error = ET.SubElement(case, "error", message=f.message, type=f.code)
        error.text = f"{where}: error[{f.code}]: {f.message}" + (
            f"\nhint: {f.hint}" if f.hint else ""
        )
    counts = {"tests": len(failures), "failures": 0, "errors": len(failures), "skipped": 0}
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts


def _properties(suite: ET.Element, r: Report) -> None:
    """What the verdicts of a suite were judged on, so that the run can be made again: the
    pack, its version and content hash, the as-of date, and the holiday calendar that counted
    its working days (only for a pack that counts them, as the JSON report's ``pack.calendar``).
    """
    props = ET.SubElement(suite, "properties")
    named = {
        "egovrules.pack": r.pack_id,
        "egovrules.pack.version": r.pack_version,
        "egovrules.pack.sha256": r.pack_hash,
        "egovrules.as_of": r.as_of.isoformat(),
        "egovrules.pack.calendar": r.calendar,
    }
    for name, value in named.items():
        if value is not None:
            ET.SubElement(props, "property", name=name, value=value)


def render_junit(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str = "en",
    failures: Sequence[InputFailure] = (),
) -> str:
    """The run as one ``<testsuites>`` document."""
    root = ET.Element("testsuites", name="egovrules")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if failures:
        totals = _failures_suite(root, failures)
    for item in checked:
        r = item.report
        suite = ET.SubElement(root, "testsuite", name=f"{r.subject_kind} {r.subject_id}")
        if item.source:
            suite.set("file", item.source)
        _properties(suite, r)
        violations = {v.rule_id: v for v in r.violations}
        waived = {v.rule_id: w for v, w in r.waived}
        upcoming = {u.rule_id: u for u in r.upcoming}
        undetermined = {u.rule_id: u for u in r.undetermined}
        excluded = {n.rule_id: n for n in r.not_applicable}
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for rule_id, outcome in r.outcomes.items():
            counts["tests"] += 1
            case = ET.SubElement(
                suite,
                "testcase",
                name=rule_id,
                classname=f"{r.pack_id}.{r.subject_kind}.{r.subject_id}",
            )
            loc = item.location(rule_id)
            if loc is not None:
                case.set("file", loc.file)
                case.set("line", str(loc.line))
            if rule_id in violations:
                v = violations[rule_id]
                counts["failures"] += 1
                failure = ET.SubElement(
                    case, "failure", message=v.message_in(language), type=v.severity.value
                )
                why = severity_reason_in(v.severity_reason, language)
                failure.text = "\n\n".join(
                    [*([f"({why})"] if why else []), *(_cite(c) for c in v.citations)]
                )
            elif rule_id in waived:
                counts["skipped"] += 1
                w = waived[rule_id]
                ET.SubElement(
                    case, "skipped", message=f"waived until {w.expires.isoformat()}: {w.reason}"
                )
            elif rule_id in undetermined:
                counts["errors"] += 1
                ET.SubElement(
                    case, "error", message=undetermined[rule_id].reason, type="undetermined"
                )
            elif outcome in (Outcome.NOT_APPLICABLE, Outcome.NOT_IN_FORCE):
                counts["skipped"] += 1
                label = outcome.label.replace("_", " ")
                if rule_id in excluded:
                    label += f": {excluded[rule_id].reason_in(language)}"
                ET.SubElement(case, "skipped", message=label)
            elif rule_id in upcoming:
                u = upcoming[rule_id]
                out = ET.SubElement(case, "system-out")
                out.text = f"pending: {u.status()}"
        for w in r.expired_waivers:
            counts["tests"] += 1
            counts["failures"] += 1
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"waiver {w.rule}",
                classname=f"{r.pack_id}.{r.subject_kind}.{r.subject_id}",
            )
            ET.SubElement(
                case,
                "failure",
                type="expired-waiver",
                message=f"waiver expired on {w.expires.isoformat()}: {w.reason}",
            )
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    del rules  # rule metadata is carried by the findings themselves
    _xml_safe(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# Characters XML 1.0 has no place for (C0 controls but tab, newline and carriage return; lone
# surrogates; U+FFFE and U+FFFF): a subject's strings may hold them (a JSON "\u0001" escape),
# and one of them makes the whole report unreadable to a CI server.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _xml_safe(root: ET.Element) -> None:
    """Every text and attribute of the tree written with such characters shown as ``\\uXXXX``."""
    for element in root.iter():
        if element.text:
            element.text = _NOT_XML.sub(_visible, element.text)
        for key, value in element.attrib.items():
            element.set(key, _NOT_XML.sub(_visible, value))
