"""``engine.run.check_loaded``: what it keeps from one subject to the next is the pack's own;
``run_check`` and the service's check: one as-of date for a whole run."""

from __future__ import annotations

import datetime as dt
import json
import types
from pathlib import Path

import pytest
import yaml

import egovrules
from egovrules.engine import pack as pack_module
from egovrules.engine.inputs import read_subjects
from egovrules.engine.run import RunOptions, check_loaded, run_check
from egovrules.service.app import _check
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


class _MidnightInShanghai(dt.datetime):
    """A clock that strikes midnight in Shanghai (16:00 UTC) after its first reading."""

    readings = 0

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
        cls.readings += 1
        utc = dt.datetime(2026, 3, 16, 15, 59, 59, tzinfo=dt.UTC)
        later = utc + dt.timedelta(seconds=1 if cls.readings > 1 else 0)
        return later.astimezone(tz)


def _around_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    """``today_in_china`` reads the clock above: 2026-03-16, then 2026-03-17 ever after."""
    _MidnightInShanghai.readings = 0
    shim = types.SimpleNamespace(**{**vars(dt), "datetime": _MidnightInShanghai})
    monkeypatch.setattr(pack_module, "dt", shim)


def test_a_run_without_an_as_of_date_judges_every_subject_on_the_day_it_began(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The as-of date defaults to today in Asia/Shanghai: one day for the whole run, as its
    reports (and a baseline written from them) say. A batch running through midnight in
    Shanghai (16:00 UTC) judged its first subjects on one day and the rest on the next (the
    second report said 2026-03-17)."""
    _around_midnight(monkeypatch)
    other = ROOT / "examples" / "wuhan" / "website-compliant.yaml"
    result = run_check([str(EXAMPLE), str(other)], RunOptions())
    assert result.errors == []
    assert [c.report.as_of for c in result.checked] == [dt.date(2026, 3, 16)] * 2


def test_a_batch_over_http_without_an_as_of_date_is_judged_on_one_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``POST /v1/packs/{pack}/check`` with a list and no ``as_of``: one date for the batch
    (the second report of a batch answered at midnight in Shanghai said 2026-03-17)."""
    _around_midnight(monkeypatch)
    subject = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    body = json.dumps([subject, subject], default=str).encode()
    wuhan = egovrules.load_pack("wuhan")
    answer = json.loads(_check(wuhan, body, RunOptions(city="wuhan"), "en", 10))
    assert [r["as_of"] for r in answer["reports"]] == ["2026-03-16"] * 2
