"""The library contract an integrator relies on, through ``egovrules`` alone: a report as the
documented JSON (``Report.to_dict``/``to_json``), a rule's trace as data (``Pack.explain``),
and one error type for bad subject data (``parse_subject`` and ``pack.check`` raise
``SubjectError``, each diagnostic with a stable code and the field's path)."""

from __future__ import annotations

import datetime as dt
import json
import typing
from pathlib import Path
from typing import Any

import pytest

import egovrules
from egovrules.cli import main
from tests.conftest import ROOT

EXAMPLE = "examples/wuhan/website-late-police-filing.yaml"
AS_OF = dt.date(2026, 3, 22)


def _cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    main([*args])
    return json.loads(capsys.readouterr().out)


def _example() -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load((ROOT / EXAMPLE).read_text(encoding="utf-8"))
    return data


def test_report_to_dict_is_the_documented_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``Report.to_dict`` is the ``reports[]`` entry ``check --format json`` prints, but for
    what only a run over files knows (the source and each finding's location, null here)."""
    monkeypatch.chdir(ROOT)
    args = ("check", "--as-of", "2026-03-22", "--format", "json", "--lang", "zh", EXAMPLE)
    (printed,) = _cli_json(capsys, *args)["reports"]
    report = egovrules.load_pack("wuhan").check(_example(), as_of=AS_OF)
    data = report.to_dict(language="zh")
    assert printed["subject"]["source"] == EXAMPLE and data["subject"]["source"] is None
    printed["subject"]["source"] = None
    for finding in printed["violations"]:
        assert finding["location"] is not None
        finding["location"] = None
    assert data == printed
    assert data["violations"][0]["message"].startswith("网络接入于2026-03-01")
    assert json.loads(report.to_json("zh")) == data
    assert report.to_json().endswith("}\n") and "第十五条" in report.to_json()
    assert report.to_dict()["violations"][0]["message"].startswith("network access")


def test_pack_explain_is_the_trace_explain_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``Pack.explain`` returns, as data, the object ``egovrules explain --format json``
    prints; from a mapping too."""
    monkeypatch.chdir(ROOT)
    rule = "wuhan.website.police_filing_15_days"
    args = ("explain", EXAMPLE, rule, "--as-of", "2026-03-22", "--format", "json")
    printed = _cli_json(capsys, *args)
    pack = egovrules.load_pack("wuhan")
    trace = pack.explain(egovrules.parse_subject(_example()), rule, as_of=AS_OF)
    assert trace == printed
    assert trace["outcome"] == "violated" and trace["rule_id"] == rule
    assert pack.explain(_example(), rule, AS_OF) == trace


def test_pack_explain_refuses_unknown_and_foreign_rules() -> None:
    """An unknown rule id names the nearest one; a rule of another kind says whose it is."""
    pack = egovrules.load_pack("wuhan")
    with pytest.raises(egovrules.UsageError, match="police_filing_15_days"):
        pack.explain(_example(), "wuhan.website.police_filing_15_dayz", AS_OF)
    project_rule = next(r.id for r in pack.rules if r.subject == "project")
    with pytest.raises(egovrules.UsageError, match="applies to project subjects"):
        pack.explain(_example(), project_rule, AS_OF)


def _diagnostics(data: Any, kind: str | None = None) -> list[tuple[str, tuple[str | int, ...]]]:
    with pytest.raises(egovrules.SubjectError) as caught:
        egovrules.parse_subject(data, kind)
    assert all(d.span is None for d in caught.value.diagnostics)
    return [(d.code, d.loc) for d in caught.value.diagnostics]


def test_parse_subject_raises_subject_error_with_codes_and_paths() -> None:
    """Every problem is a ``SubjectError`` (never pydantic's error or a bare ``ValueError``)
    whose diagnostics carry a stable code and the field's path as a tuple."""
    site = {"kind": "website", "id": "s"}
    assert _diagnostics({**site, "has_interactive_colums": True}) == [
        ("E300", ("has_interactive_colums",))
    ]
    assert _diagnostics({**site, "network_access_date": "2026-13-01"}) == [
        ("E300", ("network_access_date",))
    ]
    assert _diagnostics({**site, "police_filing": {"date": "yesterday"}}) == [
        ("E300", ("police_filing", "date"))
    ]
    assert _diagnostics({"kind": "spaceship", "id": "s"}) == [("E303", ("kind",))]
    assert _diagnostics({"id": "s"}) == [("E302", ())]
    with pytest.raises(egovrules.SubjectError) as raised:  # pack.check takes no --kind
        egovrules.load_pack("wuhan").check({"id": "s"})
    assert raised.value.diagnostics[0].message == "no subject kind: add a 'kind' field"
    assert egovrules.parse_subject({"id": "s"}, "website").kind == "website"


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "website", "id": "s", "has_interactive_colums": True},
        {"kind": "website", "id": "s", "police_filing": {"date": "yesterday"}},
        {"kind": "spaceship", "id": "s"},
        {"kind": ["website"], "id": "s"},
        {"id": "s"},
    ],
)
def test_pack_check_of_a_mapping_says_what_parse_subject_says(data: dict[str, Any]) -> None:
    """``pack.check`` validates a mapping of a known kind at once, and explains an invalid one
    with the very diagnostics of ``parse_subject``."""
    with pytest.raises(egovrules.SubjectError) as caught:
        egovrules.load_pack("wuhan").check(data, AS_OF)
    assert [(d.code, d.loc) for d in caught.value.diagnostics] == _diagnostics(data)


def _text_fields(model: type[Any]) -> list[tuple[str, bool]]:
    """The fields of ``model`` holding a str (name, and whether it holds several)."""
    out = []
    for name, field in model.model_fields.items():
        if field.annotation in (str, str | None):
            out.append((name, False))
        elif typing.get_args(field.annotation)[:1] == (str,):  # frozenset[str], tuple[str, ...]
            out.append((name, True))
    return out


@pytest.mark.parametrize("kind", sorted(egovrules.subjects.SUBJECT_MODELS))
def test_a_lone_surrogate_in_python_data_is_refused_at_its_field(kind: str) -> None:
    """A str of Python data holding a UTF-16 half ("\\ud800", which the readers refuse in a file:
    E013) is no text any output could hold: refused where it is validated, at its field, not
    passed on to break the JSON, SARIF or text report (a UnicodeEncodeError) afterwards."""
    pack = egovrules.load_pack("wuhan")
    fields = _text_fields(egovrules.subjects.SUBJECT_MODELS[kind])
    assert ("id", False) in fields and len(fields) >= 3, fields
    for name, several in fields:
        lone = ["ok", "a\udc00b"] if several else "a\ud800b"
        data = {"kind": kind, "id": "s", name: lone}
        with pytest.raises(egovrules.SubjectError) as caught:
            pack.check(data, AS_OF)
        diagnostics = caught.value.diagnostics  # (a network's request_type is missing too)
        ((code, loc, message),) = [
            (d.code, d.loc, d.message) for d in diagnostics if d.loc[0] == name
        ]
        half = "DC00" if several else "D800"
        where = f"{name}.1" if several else name
        assert (code, loc) == ("E300", (name, 1) if several else (name,)), name
        assert message == f"{where}: a lone surrogate (U+{half}) is not a character"
    waiver = {"rule": "x", "reason": "\ud842\udfb7", "expires": "2027-01-01"}  # two halves
    with pytest.raises(egovrules.SubjectError) as caught:
        pack.check({"kind": kind, "id": "s", "waivers": [waiver]}, AS_OF)
    assert ("waivers", 0, "reason") in [d.loc for d in caught.value.diagnostics]


def test_a_character_outside_the_bmp_is_text() -> None:
    """What those two halves encode, written as one character, is checked and written out."""
    report = egovrules.load_pack("wuhan").check({"kind": "website", "id": "\U00020bb7"}, AS_OF)
    assert '"id": "\U00020bb7"' in json.dumps(report.to_dict(), ensure_ascii=False)


def test_a_lone_surrogate_in_a_model_built_in_python_is_refused() -> None:
    website = egovrules.subjects.SUBJECT_MODELS["website"]
    with pytest.raises(ValueError, match="string_unicode") as caught:
        website(kind="website", id="s", police_filing={"authority": "\udfff"})
    assert caught.value.errors()[0]["loc"] == ("police_filing", "authority")  # type: ignore[attr-defined]


def test_a_record_left_out_is_the_record_of_defaults_shared_and_immutable() -> None:
    """A website that leaves out its consultation window has one with every field at its
    default: the same, unchangeable, record for every subject (not one made for each)."""
    first = egovrules.parse_subject({"kind": "website", "id": "a"})
    second = egovrules.parse_subject({"kind": "website", "id": "b"})
    assert first.consultation == type(first.consultation)()
    assert first.consultation is second.consultation
    with pytest.raises(ValueError, match="frozen"):
        first.consultation.column = True  # type: ignore[misc]
    given = egovrules.parse_subject({"kind": "website", "id": "c", "consultation": {}})
    assert given.consultation == first.consultation


@pytest.mark.parametrize(
    ("data", "what"), [(["a"], "a list"), ("website", "a string"), (None, "null"), (3, "a number")]
)
def test_data_that_is_not_a_mapping_is_told_so(data: Any, what: str) -> None:
    """A list, a string, null or a number is E301, naming what it is instead of a mapping;
    ``pack.check`` says the same (it used to leak "dictionary update sequence element")."""
    assert _diagnostics(data) == [("E301", ())]
    with pytest.raises(egovrules.SubjectError, match=f"not {what}") as caught:
        egovrules.load_pack("wuhan").check(data)
    assert "dictionary update" not in str(caught.value)


def test_a_file_diagnostic_has_both_its_position_and_its_path(tmp_path: Path) -> None:
    """Read from a file, the same diagnostic also carries file, line and column."""
    from egovrules.engine.inputs import read_subjects

    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: website\nid: a\npolice_filing:\n  date: yesterday\n", encoding="utf-8")
    _, (error,) = read_subjects(str(bad))
    (d,) = error.diagnostics
    assert (d.code, d.loc) == ("E300", ("police_filing", "date"))
    assert d.span is not None and (d.span.file, d.span.line, d.span.col) == (str(bad), 4, 9)


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00"])
def test_a_date_time_beyond_the_calendar_in_china_time_is_a_subject_error(at: str) -> None:
    """Converted to China time it falls outside years 1-9999: a bare OverflowError (exit 3
    from the command line) before."""
    data = {"kind": "website", "id": "x", "incidents": [{"detected_at": at}]}
    with pytest.raises(egovrules.SubjectError) as info:
        egovrules.parse_subject(data)
    assert [d.loc for d in info.value.diagnostics] == [("incidents", 0, "detected_at")]


def test_as_of_a_datetime_is_its_day_in_china_and_anything_else_is_refused() -> None:
    """A datetime (a date subclass) made Wuhan's rules raise TypeError comparing it with
    dates, and the other packs wrote it as the report's as-of date."""
    pack = egovrules.load_pack("wuhan")
    site = {"kind": "website", "id": "s", "has_interactive_columns": True}
    site["network_access_date"] = "2026-03-01"
    # 20:00 UTC on 16 March is 04:00 on 17 March in China: the day after the last day.
    late = dt.datetime(2026, 3, 16, 20, 0, tzinfo=dt.UTC)
    assert pack.check(site, as_of=late).as_of == dt.date(2026, 3, 17)
    assert (
        pack.check(site, as_of=late).outcomes
        == pack.check(site, as_of=dt.date(2026, 3, 17)).outcomes
    )
    assert pack.check(site, as_of=dt.datetime(2026, 3, 16, 23, 0)).as_of == dt.date(2026, 3, 16)
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date, not str"):
        pack.check(site, as_of="2026-03-17")  # type: ignore[arg-type]
