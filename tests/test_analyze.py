"""``egovrules analyze``: each kind of defect injected into each bundled pack is found, exactly,
with its witness or proof; the unmodified packs have only the reviewed findings
(docs/analyze.md, "The bundled packs")."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from egovrules.analysis import Finding, Kind, Status, analyze_packs
from egovrules.analysis.run import analyze_pack
from egovrules.cli import main
from egovrules.engine.pack import Pack, load_bundled_pack, load_pack
from egovrules.law.verdict import Outcome
from egovrules.packdata.bundled import available_packs, bundled_dir
from egovrules.subjects import parse_subject

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"
PACKS = tuple(available_packs())

# The findings the bundled packs have, each reviewed (docs/analyze.md says why each stands).
REVIEWED: dict[str, set[tuple[str, tuple[str, ...]]]] = {
    "hohhot": set(),
    "shantou": set(),
    # Art. 8 ¶2 names the platform's three parts; no duty turns on the number (the parameter's
    # own note says "descriptive, no rule uses it").
    "tianjin": {("unused-parameter", ("platform_parts",))},
    "wuhan": set(),
}


def _keys(findings: tuple[Finding, ...] | list[Finding]) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.kind.value, f.subjects) for f in findings}


@pytest.fixture(scope="module")
def bundled() -> dict[str, Any]:
    packs = [load_bundled_pack(p) for p in PACKS]
    return {a.pack_id: a for a in analyze_packs(packs, all_bundled=True)}


def test_the_bundled_packs_have_only_the_reviewed_findings(bundled: dict[str, Any]) -> None:
    for pack_id, analysis in bundled.items():
        assert _keys(analysis.findings) == REVIEWED[pack_id], pack_id
        assert analysis.undecided == (), pack_id  # every rule lies inside the encoding
        assert analysis.queries > analysis.rules  # each rule alone, then the pairs


# ---- mutations --------------------------------------------------------------------------------


def _data(pack_id: str) -> dict[str, Any]:
    text = (bundled_dir() / f"{pack_id}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _load(data: dict[str, Any], tmp_path: Path) -> Pack:
    path = tmp_path / f"{data['meta']['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_pack(path)


def _rule_with_when(data: dict[str, Any], *, condition: bool = False) -> dict[str, Any]:
    """The first rule with a ``when`` (and, with ``condition``, a condition requirement)."""
    for rule in data["rules"]:
        if rule.get("when") is None:
            continue
        if condition and "deadline" in rule["requires"]:
            continue
        return rule  # type: ignore[no-any-return]
    raise AssertionError("no such rule")


def _flipped_copy(data: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``rule`` that requires the opposite, at another severity, added to ``data``."""
    flipped = copy.deepcopy(rule)
    flipped["id"] = rule["id"] + "_flipped"
    flipped["requires"] = {"not": rule["requires"]}
    _other_severity(flipped, rule)
    data["rules"].append(flipped)
    return flipped


def _other_severity(flipped: dict[str, Any], rule: dict[str, Any]) -> None:
    """Give ``flipped`` another severity than ``rule``, with the reason an advisory needs."""
    advisory = rule["severity"] != "advisory"
    flipped["severity"] = "advisory" if advisory else "error"
    flipped["severity_reason"] = "low_confidence" if advisory else None


def _run(pack: Pack, focus: set[str]) -> list[Finding]:
    return list(analyze_pack(pack, focus=frozenset(focus)).findings)


def _baseline(pack_id: str) -> set[tuple[str, tuple[str, ...]]]:
    return REVIEWED[pack_id]


def _confirm(pack: Pack, f: Finding, expect: dict[str, set[Outcome]]) -> None:
    """Re-run the witness through the Python backend, independently of the analysis, and
    read its dates: each lies in a year the holiday calendar knows."""
    assert f.witness is not None
    subject = parse_subject(f.witness.subject)
    outcomes = pack.check(subject, f.witness.as_of).outcomes
    for rule, allowed in expect.items():
        assert outcomes[rule] in allowed, (rule, outcomes[rule])
    first, last = pack.ruleset.calendar.years
    years = _witness_years(f.witness.subject, f.witness.as_of)
    assert all(first <= y <= last for y in years), (f.witness.as_of, f.witness.subject)


_ISO_DAY = re.compile(r"\d{4,}-\d\d-\d\d")


def _witness_years(subject: Any, as_of: dt.date) -> list[int]:
    """The year of the as-of date, of every date and date-time written in the subject (as
    JSON), and every year field (a plan year)."""
    years = [as_of.year]

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and _ISO_DAY.match(value):
            years.append(int(value.split("-")[0]))
        elif isinstance(value, int) and not isinstance(value, bool) and key.endswith("year"):
            years.append(value)

    walk(subject, "")
    return years


APPLIES = {Outcome.SATISFIED, Outcome.VIOLATED, Outcome.PENDING}


@pytest.mark.parametrize("pack_id", PACKS)
def test_a_when_made_impossible_is_proved_dead(pack_id: str, tmp_path: Path) -> None:
    data = _data(pack_id)
    rule = _rule_with_when(data)
    rule["when"] = {"all": [rule["when"], {"not": copy.deepcopy(rule["when"])}]}
    pack = _load(data, tmp_path)
    found = _keys(_run(pack, {rule["id"]})) - _baseline(pack_id)
    assert found == {("never-applies", (rule["id"],))}


def _plain_condition_rule(data: dict[str, Any]) -> dict[str, Any]:
    """The first rule with a ``when``, a condition requirement, no ``pending`` cases and no
    message placeholder that reads its requirement (``{@missing}``, ``{@failing}``)."""
    for rule in data["rules"]:
        messages = " ".join(rule["message"].values())
        plain = rule.get("when") and "deadline" not in rule["requires"] and not rule.get("pending")
        if plain and "{@missing" not in messages and "{@failing" not in messages:
            return rule  # type: ignore[no-any-return]
    raise AssertionError("no such rule")


@pytest.mark.parametrize("pack_id", PACKS)
def test_a_requirement_that_always_holds_is_never_violated(pack_id: str, tmp_path: Path) -> None:
    """A ``requires`` that holds on every subject (R or not R), or that its own ``when``
    implies (the ``when`` again), makes a rule that can never report a violation: proved,
    with a subject it applies to."""
    data = _data(pack_id)
    rule = _plain_condition_rule(data)
    echo = copy.deepcopy(rule)
    echo["id"] = rule["id"] + "_echo"
    echo["requires"] = copy.deepcopy(rule["when"])
    rule["requires"] = {"any": [rule["requires"], {"not": copy.deepcopy(rule["requires"])}]}
    data["rules"].append(echo)
    pack = _load(data, tmp_path)
    findings = [f for f in _run(pack, {rule["id"], echo["id"]}) if f.kind is Kind.NEVER_VIOLATED]
    assert _keys(findings) == {("never-violated", (rule["id"],)), ("never-violated", (echo["id"],))}
    for f in findings:
        _confirm(pack, f, {f.subjects[0]: APPLIES})


@pytest.mark.parametrize(("recorded", "never_violated"), [("ne_null", False), ("present", True)])
def test_a_deadline_that_runs_but_is_never_late_is_not_never_violated(
    recorded: str, never_violated: bool, tmp_path: Path
) -> None:
    """A deadline whose ``when`` puts its act within the period is never late, but its period
    runs (pending, reported as upcoming) while the act, on record for a later day, has not
    been done: such a rule reports something, so it is not "never violated: every subject
    it applies to meets it" (it was: ``unmet`` counted a deadline's lateness alone). With the
    act done by the as-of date (``present``) nothing runs and the finding stands."""
    data = yaml.safe_load((ROOT / "tests/fixtures/packs/mini.yaml").read_text(encoding="utf-8"))
    rule = copy.deepcopy(next(r for r in data["rules"] if r["id"] == "mini.website.police_filing"))
    rule["id"] = "mini.website.police_filing_within_3_days"
    on_record = (
        {"field": "police_filing.date", "ne": None}
        if recorded == "ne_null"
        else {"present": "police_filing.date"}
    )
    rule["when"] = {
        "all": [
            on_record,
            {
                "value": {"field": "police_filing.date"},
                "le": {"add_days": [{"field": "network_access_date"}, 3]},
            },
        ]
    }
    data["rules"].append(rule)
    pack = _load(data, tmp_path)
    site = parse_subject(
        {
            "kind": "website",
            "id": "s1",
            "has_interactive_columns": True,
            "network_access_date": "2024-03-04",
            "police_filing": {"authority": "police", "date": "2024-03-06"},
        }
    )
    outcome = pack.check(site, dt.date(2024, 3, 5)).outcomes[rule["id"]]
    assert outcome == (Outcome.NOT_APPLICABLE if never_violated else Outcome.PENDING)
    found = {("never-violated", (rule["id"],))} & _keys(_run(pack, {rule["id"]}))
    assert bool(found) == never_violated


@pytest.mark.parametrize("pack_id", PACKS)
def test_a_requirement_inverted_in_a_copy_contradicts_the_rule(
    pack_id: str, tmp_path: Path
) -> None:
    data = _data(pack_id)
    rule = _rule_with_when(data, condition=True)
    flipped = _flipped_copy(data, rule)
    pack = _load(data, tmp_path)
    findings = [
        f
        for f in _run(pack, {flipped["id"]})
        if (f.kind.value, f.subjects) not in _baseline(pack_id)
    ]
    assert _keys(findings) == {("contradiction", (rule["id"], flipped["id"]))}
    (f,) = findings
    assert f.status is Status.PROVED
    _confirm(pack, f, {rule["id"]: APPLIES, flipped["id"]: APPLIES})


def test_a_threshold_flipped_in_a_copy_contradicts_the_rule(tmp_path: Path) -> None:
    """Wuhan 第十五条, a case reported within "24小时": a rule requiring each reported case to be
    reported within the limit, and a copy with the comparison flipped ("more than 24 hours"),
    cannot be met together. (The pack's own rule also lets an unreported case pass until its 24
    hours are over, which the flipped copy shares; the pair is its reported-case branch.)"""
    negate = {"le": "gt", "lt": "ge", "ge": "lt", "gt": "le"}
    data = _data("wuhan")
    rule = next(r for r in data["rules"] if r["id"] == "wuhan.website.illegal_case_reported_24h")
    reported = rule["requires"]["require"]["any"][0]
    original = copy.deepcopy(rule)
    original["requires"] = {**rule["requires"], "require": reported}
    text = json.dumps(original["requires"], ensure_ascii=False)
    m = re.search(r'"(le|lt|ge|gt)": "\$', text)
    assert m is not None
    flipped = copy.deepcopy(original)
    flipped["id"] = rule["id"] + "_flipped"
    flipped["requires"] = json.loads(text[: m.start(1)] + negate[m[1]] + text[m.end(1) :])
    _other_severity(flipped, rule)
    data["rules"] = [original if r is rule else r for r in data["rules"]] + [flipped]
    pack = _load(data, tmp_path)
    found = _keys(_run(pack, {flipped["id"]})) - _baseline("wuhan")
    assert found == {("contradiction", (rule["id"], flipped["id"]))}


@pytest.mark.parametrize(("op", "dead"), [("gt", True), ("ge", False)])
def test_an_order_of_acts_that_cannot_hold_is_proved_dead(
    op: str, dead: bool, tmp_path: Path
) -> None:
    """The first approval of the leaders after their last one cannot be (proved dead, which a
    loose encoding of the earliest/latest date could not prove); on the same day as it, it can
    (one approval: not dead)."""
    data = _data("hohhot")
    (rule,) = [r for r in data["rules"] if r["id"] == "hohhot.project.leader_approval"]
    leaders = {"among": "approvals", "of": "date", "where": {"field": "kind", "eq": "leader"}}
    rule["when"] = {"value": {"earliest": leaders}, op: {"latest": copy.deepcopy(leaders)}}
    pack = _load(data, tmp_path)
    found = _keys(_run(pack, {rule["id"]})) - _baseline("hohhot")
    assert found == ({("never-applies", (rule["id"],))} if dead else set())


@pytest.mark.parametrize("pack_id", PACKS)
def test_a_duplicated_rule_is_found(pack_id: str, tmp_path: Path) -> None:
    data = _data(pack_id)
    rule = _rule_with_when(data)
    twin = copy.deepcopy(rule)
    twin["id"] = rule["id"] + "_again"
    data["rules"].append(twin)
    pack = _load(data, tmp_path)
    found = _keys(_run(pack, {twin["id"]})) - _baseline(pack_id)
    assert found == {("duplicate", (twin["id"], rule["id"]))}


@pytest.mark.parametrize("pack_id", PACKS)
def test_an_unused_parameter_is_found(pack_id: str, tmp_path: Path) -> None:
    data = _data(pack_id)
    article = data["articles"][0]["number"]
    data["parameters"]["probe_unused"] = {"value": 3, "unit": "count", "cite": {"article": article}}
    pack = _load(data, tmp_path)
    found = _keys(_run(pack, set())) - _baseline(pack_id)
    assert found == {("unused-parameter", ("probe_unused",))}


def test_a_rule_made_redundant_by_a_stricter_twin_is_found(tmp_path: Path) -> None:
    """A copy of a rule whose ``when`` is narrowed (an extra conjunct) is violated only where
    the original is, at the same severity: the copy is redundant, not the original."""
    data = _data("wuhan")
    rule = _rule_with_when(data, condition=True)
    narrow = copy.deepcopy(rule)
    narrow["id"] = rule["id"] + "_narrow"
    narrow["when"] = {"all": [rule["when"], {"present": "id"}, {"not": {"field": "id", "eq": "x"}}]}
    data["rules"].append(narrow)
    pack = _load(data, tmp_path)
    findings = [f for f in _run(pack, {narrow["id"]}) if f.kind is Kind.REDUNDANT]
    assert _keys(findings) == {("redundant", (narrow["id"], rule["id"]))}
    _confirm(pack, findings[0], {narrow["id"]: {Outcome.VIOLATED}, rule["id"]: {Outcome.VIOLATED}})


# Rules whose witnesses the solver dated far from any year a pack author would write (before:
# as of 0200-09-01, a project call for the plan year 901, as of 0001-01-01), and a date-time.
DATED = (
    ("shantou", "shantou.project.annual_declaration_deadline"),
    ("shantou", "shantou.department.annual_solicitation_deadline"),
    ("hohhot", "hohhot.department.county_devzone_annual_special_funds"),
    ("wuhan", "wuhan.website.illegal_case_reported_24h"),
)


@pytest.mark.parametrize(("pack_id", "rule_id"), DATED, ids=[r for _, r in DATED])
def test_a_witness_is_dated_in_the_years_of_the_pack(
    pack_id: str, rule_id: str, tmp_path: Path
) -> None:
    """A witness is read by a pack author: its as-of date, dates, date-times and plan years
    lie in the years the holiday calendar knows (where the fixtures it starts from are dated),
    and it still gives the outcomes claimed (each rule violated, for a redundant copy)."""
    data = _data(pack_id)
    rule = next(r for r in data["rules"] if r["id"] == rule_id)
    narrow = copy.deepcopy(rule)
    narrow["id"] = rule_id + "_narrow"
    extra = {"all": [{"present": "id"}, {"not": {"field": "id", "eq": "x"}}]}
    narrow["when"] = {"all": [rule["when"], extra]} if rule.get("when") else extra
    data["rules"].append(narrow)
    pack = _load(data, tmp_path)
    # A query of these takes seconds on a loaded machine: time enough that it is decided.
    found = analyze_pack(pack, timeout_ms=60_000, focus=frozenset({narrow["id"]})).findings
    (f,) = [f for f in found if f.kind is Kind.REDUNDANT]
    assert f.subjects == (narrow["id"], rule_id)
    _confirm(pack, f, {narrow["id"]: {Outcome.VIOLATED}, rule_id: {Outcome.VIOLATED}})
    assert dict(f.witness.outcomes if f.witness else ()) == {
        narrow["id"]: "violated",
        rule_id: "violated",
    }


def test_a_rule_before_the_law_is_never_in_force(tmp_path: Path) -> None:
    """A rule dated by a day its own ``when`` puts before the pack's effective date is never
    applied: the law does not judge conduct before it existed."""
    data = _data("wuhan")
    effective = data["meta"]["effective"]
    rule = next(r for r in data["rules"] if r.get("dated_by") and r.get("when"))
    rule["when"] = {"all": [rule["when"], {"field": rule["dated_by"], "lt": effective}]}
    pack = _load(data, tmp_path)
    found = _keys(_run(pack, {rule["id"]})) - _baseline("wuhan")
    assert found == {("never-in-force", (rule["id"],))}


# ---- the command -----------------------------------------------------------------------------


def test_cli_exit_codes_and_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data("tianjin")
    rule = _rule_with_when(data)
    rule["when"] = {"all": [rule["when"], {"not": copy.deepcopy(rule["when"])}]}
    path = tmp_path / "tianjin.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["analyze", "--format", "sarif", str(path)]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    results = log["runs"][0]["results"]
    dead = [r for r in results if r["ruleId"] == "egovrules.analyze.never-applies"]
    assert len(dead) == 1
    region = dead[0]["locations"][0]["physicalLocation"]["region"]
    line = path.read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    assert rule["id"] in line  # located at the rule's YAML line
    # a note only (the reviewed unused parameter) does not fail at the default level
    assert main(["analyze", "tianjin"]) == 0
    assert main(["analyze", "--fail-on", "note", "tianjin"]) == 1
    capsys.readouterr()


def test_cli_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path / "missing.yaml")]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nmeta: [\n", encoding="utf-8")
    assert main(["analyze", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "bad.yaml:" in err


def test_json_output_carries_the_witness(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _data("hohhot")
    rule = _rule_with_when(data, condition=True)
    flipped = _flipped_copy(data, rule)
    pack = _load(data, tmp_path)
    main(["analyze", "--format", "json", str(tmp_path / "hohhot.yaml")])
    doc = json.loads(capsys.readouterr().out)
    (entry,) = doc["packs"]
    (contra,) = [f for f in entry["findings"] if f["kind"] == "contradiction"]
    w = contra["witness"]
    assert set(w["outcomes"]) == {rule["id"], flipped["id"]}
    outcomes = pack.check(parse_subject(w["subject"]), dt.date.fromisoformat(w["as_of"])).outcomes
    assert outcomes[rule["id"]] in APPLIES and outcomes[flipped["id"]] in APPLIES


def test_a_waiver_for_every_subject_shadows_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A waivers-file entry for subject "*" waives a rule (by id, or by its concept) for every
    subject: analyze says so; a pattern some id escapes ("wuhan-*") does not shadow it."""
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- {subject: '*', rule: website.police_filing, reason: filings suspended, "
        "expires: 2030-12-31}\n"
        "- {subject: 'wuhan-*', rule: wuhan.website.consultation_column, reason: x, "
        "expires: 2030-12-31}\n",
        encoding="utf-8",
    )
    assert main(["analyze", "--format", "json", "--waivers", str(waivers), "wuhan"]) == 1
    doc = json.loads(capsys.readouterr().out)
    shadowed = {
        tuple(f["about"]) for f in doc["packs"][0]["findings"] if f["kind"] == "shadowed-by-waiver"
    }
    police = {
        r.id for r in load_bundled_pack("wuhan").rules if r.concept == "website.police_filing"
    }
    assert police and shadowed == {(rid,) for rid in police}
