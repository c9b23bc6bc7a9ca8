"""``engine.run.check_loaded``: what it keeps from one subject to the next is the pack's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

import egovrules
from egovrules.engine.inputs import read_subjects
from egovrules.engine.run import RunOptions, check_loaded
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
FILED_LATE = "wuhan.website.police_filing_15_days"


def test_a_pack_of_the_same_city_is_checked_by_its_own_rules(tmp_path: Path) -> None:
    """Two packs with the city id ``wuhan``, one without the rule the example breaks: the
    rules a run looks findings up in are those of the pack that checked the subject, not of
    the pack of that id seen first (a cache per pack, never per city id)."""
    data = yaml.safe_load((ROOT / "rules" / "wuhan.yaml").read_text(encoding="utf-8"))
    data["rules"] = [r for r in data["rules"] if r["id"] != FILED_LATE]
    data.pop("tests")
    trimmed_file = tmp_path / "wuhan.yaml"
    trimmed_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    trimmed, full = egovrules.load_pack(str(trimmed_file)), egovrules.load_pack("wuhan")
    assert trimmed.id == full.id == "wuhan"
    (loaded,), errors = read_subjects(str(EXAMPLE), None)
    assert errors == []
    options = RunOptions(as_of=dt.date(2026, 3, 22))

    first = check_loaded(loaded, options, {"wuhan": trimmed})
    then = check_loaded(loaded, options, {"wuhan": full})

    assert FILED_LATE not in {v.rule_id for v in first.report.violations}
    assert [v.rule_id for v in then.report.violations] == [FILED_LATE]
    ((rule_id, span),) = then.locations
    assert rule_id == FILED_LATE
    (rule,) = (r for r in full.rules if r.id == FILED_LATE)
    assert span == loaded.span_of(rule.anchor)
