"""Diffing rule packs by concept: presence, verdicts, aspects and witnesses on concepts whose
law we know (Wuhan 2004, Hohhot, Shantou), and the matrix of all packs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import egovrules
from egovrules.diffing.model import CellStatus, PackDiff, Presence, Verdict, Witness
from egovrules.law.verdict import Outcome
from egovrules.source.errors import UsageError
from egovrules.subjects import parse_subject


@pytest.fixture(scope="module")
def packs() -> dict[str, egovrules.Pack]:
    """Every bundled pack, loaded once for this module."""
    return {name: egovrules.load_pack(name) for name in egovrules.available_packs()}


@pytest.fixture(scope="module")
def wuhan_hohhot(packs: dict[str, egovrules.Pack]) -> PackDiff:
    """Wuhan (A) against Hohhot (B)."""
    return egovrules.diff(packs["wuhan"], packs["hohhot"])


@pytest.fixture(scope="module")
def shantou_wuhan(packs: dict[str, egovrules.Pack]) -> PackDiff:
    """Shantou (A) against Wuhan (B)."""
    return egovrules.diff(packs["shantou"], packs["wuhan"])


def _outcomes(pack: egovrules.Pack, w: Witness, concept: str) -> set[Outcome]:
    """Re-run ``pack`` on the witness subject; the outcomes of the concept's rules."""
    report = pack.check(parse_subject(dict(w.subject)), as_of=w.as_of)
    ids = {r.id for r in pack.rules if r.concept == concept and r.subject == w.kind}
    return {o for rid, o in report.outcomes.items() if rid in ids}


def test_police_filing_only_in_wuhan(
    wuhan_hohhot: PackDiff, packs: dict[str, egovrules.Pack]
) -> None:
    """Only Wuhan (第十五条 ¶2) requires a police filing, within 15 calendar days of network
    access; the diff shows it with its article, and a late filing as the witness."""
    c = wuhan_hohhot.concept("website.police_filing")
    assert c.presence is Presence.ONLY_A and c.verdict is None
    assert c.rules_b == ()
    (rule,) = c.rules_a
    assert rule.id == "wuhan.website.police_filing_15_days"
    assert (rule.citations[0].label, rule.citations[0].paragraph) == ("第十五条", 2)
    assert "15日内到市公安部门备案" in (rule.citations[0].quote_in("zh") or "")
    days = {p.name: p for p in rule.parameters}["police_filing_days"]
    assert (days.unit, days.raw, days.value) == ("calendar_days", 15, "15 calendar days")
    (w,) = c.witnesses
    assert w.rejected_by == "a" and w.a.outcome == "violated" and w.b.outcome == "no_rule"
    assert _outcomes(packs["wuhan"], w, c.concept) == {Outcome.VIOLATED}


def test_acceptance_before_payment_differs_by_payment_kind(
    wuhan_hohhot: PackDiff, shantou_wuhan: PackDiff
) -> None:
    """Wuhan withholds O&M funds (第八条), Hohhot the balance (Art. 11), Shantou follow-up funds
    (Art. 19) until acceptance is passed: the same concept in all three, incomparable, with a
    witness each way (a payment of the kind only one city names)."""
    for d, kinds in ((wuhan_hohhot, ("om", "balance")), (shantou_wuhan, ("followup", "om"))):
        c = d.concept("project.acceptance_before_payment")
        assert c.presence is Presence.BOTH
        assert c.verdict is Verdict.INCOMPARABLE
        when = next(a for a in c.aspects if a.name == "applies_when")
        assert f"kind = {kinds[0]}" in when.a and f"kind = {kinds[1]}" in when.b
        assert {w.rejected_by for w in c.witnesses} == {"a", "b"}
        for w in c.witnesses:
            paid = {p["kind"] for p in w.subject.get("payments", [])}
            rejecting_kind = kinds[0] if w.rejected_by == "a" else kinds[1]
            assert rejecting_kind in paid


def test_designated_maintainer_witness_is_a_site_kept_by_a_person(
    wuhan_hohhot: PackDiff, packs: dict[str, egovrules.Pack]
) -> None:
    """Wuhan (第十四条) requires a specialised body; Hohhot (Art. 15) accepts a body or a person:
    Wuhan is stricter, and the witness is a site maintained by a person that Wuhan rejects and
    Hohhot accepts. No subject can go the other way."""
    c = wuhan_hohhot.concept("website.designated_maintainer")
    assert c.verdict is Verdict.STRICTER_A
    requires = next(a for a in c.aspects if a.name == "requires")
    assert requires.verdict is Verdict.STRICTER_A
    (w,) = c.witnesses
    assert w.rejected_by == "a"
    assert w.subject["maintainer"]["kind"] == "person"
    assert ("maintainer.kind", "person") in w.facts
    assert (w.a.outcome, w.b.outcome) == ("violated", "satisfied")
    assert w.a.articles == ("第十四条 ¶1",)
    assert _outcomes(packs["wuhan"], w, c.concept) == {Outcome.VIOLATED}
    assert _outcomes(packs["hohhot"], w, c.concept) == {Outcome.SATISFIED}
    assert c.search.found_a and not c.search.found_b


def test_shantou_only_asks_for_a_designated_maintainer(shantou_wuhan: PackDiff) -> None:
    """Shantou asks only that someone be designated; Wuhan, a body: stricter in Wuhan (B)."""
    c = shantou_wuhan.concept("website.designated_maintainer")
    assert c.verdict is Verdict.STRICTER_B
    assert [w.rejected_by for w in c.witnesses] == ["b"]


def test_identical_obligations_are_the_same(wuhan_hohhot: PackDiff) -> None:
    """Free-of-charge disclosure reads the same in Wuhan and Hohhot: same, and no witness."""
    c = wuhan_hohhot.concept("website.disclosure_free_of_charge")
    assert c.verdict is Verdict.SAME and not c.witnesses
    assert not c.search.searched and "proved equivalent" in c.search.note


@pytest.mark.parametrize("name", ["wuhan_hohhot", "shantou_wuhan"])
def test_every_witness_is_proved_by_running_both_packs(
    name: str, request: pytest.FixtureRequest
) -> None:
    """Each printed witness, re-validated and re-run through both packs, is violated on the
    concept in the rejecting pack and satisfied or not applicable (or no rule) in the other;
    what the diff recorded is what the packs say."""
    d: PackDiff = request.getfixturevalue(name)
    loaded: dict[str, egovrules.Pack] = request.getfixturevalue("packs")
    packs = {"a": loaded[d.a.label], "b": loaded[d.b.label]}
    accepting = {Outcome.SATISFIED, Outcome.NOT_APPLICABLE}
    checked = 0
    for c in d.concepts:
        verdict_forbids = {Verdict.STRICTER_A: "b", Verdict.STRICTER_B: "a"}.get(
            c.verdict or Verdict.INCOMPARABLE
        )
        for w in c.witnesses:
            assert w.rejected_by != verdict_forbids, c.concept
            rejecter = w.rejected_by
            other = "b" if rejecter == "a" else "a"
            got = _outcomes(packs[rejecter], w, c.concept)
            assert Outcome.VIOLATED in got, (c.concept, w.description)
            rest = _outcomes(packs[other], w, c.concept)
            assert rest <= accepting, (c.concept, w.description)
            recorded = {"a": w.a, "b": w.b}
            assert recorded[rejecter].outcome == "violated"
            assert recorded[other].outcome in ("satisfied", "not_applicable", "no_rule")
            assert (recorded[other].outcome == "no_rule") == (not rest)
            checked += 1
    assert checked > 20


def test_pack_against_itself_is_the_same(packs: dict[str, egovrules.Pack]) -> None:
    """A pack against itself: every concept the same obligation, no witnesses, and labels that
    tell the sides apart."""
    d = egovrules.diff(packs["hohhot"], packs["hohhot"])
    assert (d.a.label, d.b.label) == ("hohhot (A)", "hohhot (B)")
    assert {c.verdict for c in d.concepts} == {Verdict.SAME}
    assert not any(c.witnesses or c.differs for c in d.concepts)


@pytest.fixture(scope="module")
def amended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wuhan's pack with the police filing period cut from 15 to 10 calendar days and a
    person accepted as the website maintainer: a hypothetical amendment."""
    text = (Path(egovrules.packdata.bundled.bundled_dir()) / "wuhan.yaml").read_text("utf-8")
    period = "  police_filing_days:\n    value: 15\n"
    maintainer = "        - {field: maintainer.kind, eq: agency}\n"
    assert text.count(period) == 1 and text.count(maintainer) == 1
    text = text.replace(period, period.replace("15", "10")).replace(
        maintainer, "        - {field: maintainer.kind, in: [agency, person]}\n"
    )
    path = tmp_path_factory.mktemp("amended") / "wuhan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_amendment_shows_the_shorter_period_as_stricter(
    amended: Path, packs: dict[str, egovrules.Pack]
) -> None:
    """A 10-day period is stricter than 15 days: the deadline and the parameter say so, and the
    witness files between day 11 and day 15 after network access."""
    d = egovrules.diff(packs["wuhan"], amended)
    c = d.concept("website.police_filing")
    assert c.verdict is Verdict.STRICTER_B
    aspects = {a.name: a for a in c.aspects}
    assert aspects["deadline"].verdict is Verdict.STRICTER_B
    assert (aspects["parameter"].a, aspects["parameter"].b) == (
        "$police_filing_days = 15 calendar days",
        "$police_filing_days = 10 calendar days",
    )
    assert aspects["parameter"].verdict is Verdict.STRICTER_B
    (w,) = c.witnesses
    assert w.rejected_by == "b"
    access = dt.date.fromisoformat(w.subject["network_access_date"])
    filed = w.subject.get("police_filing", {}).get("date")
    if filed is not None:
        assert 11 <= (dt.date.fromisoformat(filed) - access).days <= 15
    else:  # not filed, judged between the two last days
        assert 11 <= (w.as_of - access).days <= 15
    maintainer = d.concept("website.designated_maintainer")
    assert maintainer.verdict is Verdict.STRICTER_A
    assert maintainer.witnesses[0].subject["maintainer"]["kind"] == "person"
    changed = {c.concept for c in d.concepts if c.differs}
    assert changed == {"website.police_filing", "website.designated_maintainer"}


def test_diff_is_deterministic(packs: dict[str, egovrules.Pack]) -> None:
    """The same packs and seed give the same diff, witnesses included."""
    one = egovrules.diff(packs["shantou"], packs["hohhot"], concepts=["project"])
    two = egovrules.diff(packs["shantou"], packs["hohhot"], concepts=["project"])
    assert one == two


def test_filters_select_concepts_and_kinds(packs: dict[str, egovrules.Pack]) -> None:
    """``concepts`` takes ids, prefixes and patterns; ``kind`` keeps one subject kind; a filter
    that matches nothing is a usage error with a suggestion."""
    wuhan, hohhot = packs["wuhan"], packs["hohhot"]
    d = egovrules.diff(wuhan, hohhot, concepts=["website"], witnesses=False)
    assert d.concepts and all(c.concept.startswith("website.") for c in d.concepts)
    d = egovrules.diff(wuhan, hohhot, concepts=["*.police_filing*"], witnesses=False)
    assert [c.concept for c in d.concepts] == [
        "website.police_filing",
        "website.police_filing_authority",
    ]
    d = egovrules.diff(wuhan, hohhot, kind="network", witnesses=False)
    assert d.concepts and all(c.kinds == ("network",) for c in d.concepts)
    with pytest.raises(UsageError, match=r"website\.police_filing"):
        egovrules.diff(wuhan, hohhot, concepts=["website.police_filling"])
    with pytest.raises(UsageError, match="unknown subject kind"):
        egovrules.diff(wuhan, hohhot, kind="building")


def test_unknown_pack_and_revision_are_usage_errors() -> None:
    """A pack that does not exist, at a revision or not, is a usage error, not a crash."""
    with pytest.raises(UsageError, match="no bundled pack"):
        egovrules.diff("atlantis", "wuhan")
    with pytest.raises(UsageError, match="atlantis@HEAD"):
        egovrules.diff("atlantis@HEAD", "wuhan")


def test_matrix_grid_of_all_packs(packs: dict[str, egovrules.Pack]) -> None:
    """Every concept of the four packs is a row with a cell per pack: the police filing is
    Wuhan's alone; Wuhan forbids operating before acceptance for every project while Shantou's
    rule is limited to the projects its Measures cover, so Wuhan is stricter and Shantou looser."""
    m = egovrules.matrix(list(packs.values()))
    assert [p.label for p in m.packs] == ["hohhot", "shantou", "tianjin", "wuhan"]
    rows = {r.concept: r for r in m.rows}
    every = {r.concept for p in packs.values() for r in p.rules}
    assert set(rows) == every
    police = {c.pack: c for c in rows["website.police_filing"].cells}
    assert [police[p].status for p in ("hohhot", "shantou", "tianjin")] == [CellStatus.ABSENT] * 3
    assert police["wuhan"].status is CellStatus.PRESENT
    assert "15 calendar days" in police["wuhan"].summary
    assert police["wuhan"].articles == ("第十五条 ¶2",)
    operation = {c.pack: c.status for c in rows["project.acceptance_before_operation"].cells}
    assert operation["wuhan"] is CellStatus.STRICTER
    assert operation["shantou"] is CellStatus.LOOSER


def test_the_witness_search_moves_no_date_past_the_calendar() -> None:
    """A subject's date of 9999-12-31 (or 0001-01-01) moved a day on: OverflowError, and
    `egovrules diff` exited 3 (a review of the change found it)."""
    import datetime as dt

    from egovrules.diffing.witness import _around_value

    assert list(_around_value(dt.date.max, "date")) == [
        dt.date.max - dt.timedelta(days=1),
        dt.date.max,
    ]
    assert list(_around_value(dt.date.min, "date")) == [
        dt.date.min,
        dt.date.min + dt.timedelta(days=1),
    ]
