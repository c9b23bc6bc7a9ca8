"""The JSON Schema of the pack format (``egovrules schema pack``, ``schemas/pack.schema.json``):
current, valid, accepting every pack that loads, and rejecting what docs/pack-format.md forbids,
where the loader rejects it too."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import egovrules
from egovrules.cli import main
from egovrules.packdata.schema import pack_schema
from tests.conftest import FIXTURES, ROOT

SHIPPED = ROOT / "schemas" / "pack.schema.json"
PACKS = sorted((ROOT / "rules").glob("*.yaml"))
GOOD = [*PACKS, *(FIXTURES / "packs" / n for n in ("mini.yaml", "clock.yaml", "sql_features.yaml"))]
MODELINE = "# yaml-language-server: $schema=../schemas/pack.schema.json"


def _as_language_server_reads(value: Any) -> Any:
    """YAML as a YAML 1.2 language server sees it: dates are strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _as_language_server_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_language_server_reads(v) for v in value]
    return value


def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(
        json.loads(SHIPPED.read_text(encoding="utf-8")), format_checker=jsonschema.FormatChecker()
    )


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_shipped_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """schemas/pack.schema.json is byte for byte what `egovrules schema pack` prints."""
    assert main(["schema", "pack"]) == 0
    assert capsys.readouterr().out == SHIPPED.read_text(encoding="utf-8")


def test_schema_is_a_valid_draft_07_schema() -> None:
    """The schema is valid JSON Schema of draft-07, the draft YAML language servers implement,
    and every reference in it resolves."""
    schema = pack_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    refs = set(re.findall(r'"\$ref": "#/definitions/(\w+)"', json.dumps(schema)))
    assert refs and refs <= set(schema["definitions"])
    assert "$defs" not in json.dumps(schema)


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_every_pack_that_loads_validates(path: Path) -> None:
    """Each bundled pack and each valid fixture pack loads and validates against the schema."""
    egovrules.load_pack(path)
    errors = list(_validator().iter_errors(_as_language_server_reads(_load(path))))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("path", PACKS, ids=[p.stem for p in PACKS])
def test_bundled_pack_names_the_schema_in_its_first_line(path: Path) -> None:
    """The first line is the yaml-language-server modeline, and its path reaches the schema."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    target = first.split("$schema=", 1)[1]
    assert (path.parent / target).resolve() == SHIPPED.resolve()


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    rule = next(r for r in data["rules"] if r["id"] == rule_id)
    assert isinstance(rule, dict)
    return rule


def _police(data: dict[str, Any]) -> dict[str, Any]:
    return _rule(data, "mini.website.police_filing")


def _budget(data: dict[str, Any]) -> dict[str, Any]:
    return _rule(data, "mini.project.budget_reapproval")


# What docs/pack-format.md forbids, each as a change to the valid mini pack.
BAD: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown top-level key": lambda d: d.update(extras=1),
    "unknown key in a rule": lambda d: _police(d).update(severty="error"),
    "rule without requires": lambda d: _police(d).pop("requires"),
    "severity outside the enumeration": lambda d: _police(d).update(severity="fatal"),
    "misspelt comparison operator": lambda d: _police(d).update(
        when={"field": "has_interactive_columns", "equals": True}
    ),
    "two operators in one comparison": lambda d: _police(d).update(
        when={"field": "has_interactive_columns", "eq": True, "ne": False}
    ),
    "comparison with field and value": lambda d: _police(d).update(
        when={"field": "has_interactive_columns", "value": True, "eq": True}
    ),
    "empty all": lambda d: _police(d).update(when={"all": []}),
    "condition that is a list": lambda d: _police(d).update(when=[{"present": "url"}]),
    "every without require": lambda d: _budget(d).update(
        requires={"every": "approvals", "where": {"field": "kind", "eq": "re_approval"}}
    ),
    "unknown expression operator": lambda d: _budget(d)["when"]["all"][1].update(
        value={"divide": ["current_total_investment", "approved_total_investment"]}
    ),
    "binary operator with three operands": lambda d: _budget(d)["when"]["all"][1].update(
        value={"sub": ["current_total_investment", "approved_total_investment", 1]}
    ),
    "deadline with due and start": lambda d: _police(d)["requires"]["deadline"].update(
        due="network_access_date"
    ),
    "deadline without done": lambda d: _police(d)["requires"]["deadline"].pop("done"),
    "deadline with an unknown key": lambda d: _police(d)["requires"]["deadline"].update(
        until="network_access_date"
    ),
    "ratio given as text": lambda d: d["parameters"]["budget_variance"].update(value="10%"),
    "days not a whole number": lambda d: d["parameters"]["police_filing_days"].update(value=15.5),
    "parameter with neither value nor values": lambda d: d["parameters"]["police_filing_days"].pop(
        "value"
    ),
    "unit outside the enumeration": lambda d: d["parameters"]["police_filing_days"].update(
        unit="days"
    ),
    "pack version not x.y.z": lambda d: d["meta"].update(version="1.0"),
}


@pytest.mark.parametrize("change", BAD, ids=list(BAD))
def test_schema_rejects_what_the_format_forbids(change: str, tmp_path: Path) -> None:
    """Each forbidden change fails the schema, and the loader rejects the same pack too."""
    data = copy.deepcopy(_load(FIXTURES / "packs" / "mini.yaml"))
    BAD[change](data)
    assert list(_validator().iter_errors(_as_language_server_reads(data))), change
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(egovrules.PackError):
        egovrules.load_pack(path)


def test_month_day_parameter_must_be_mm_dd() -> None:
    """A month_day parameter is "MM-DD": "09-30" passes, "9-30" and "13-01" do not."""
    data = _as_language_server_reads(_load(FIXTURES / "packs" / "mini.yaml"))
    validator = _validator()
    for value, ok in (("09-30", True), ("9-30", False), ("13-01", False), ("02-29", True)):
        data["parameters"]["deadline"] = {
            "value": value,
            "unit": "month_day",
            "cite": {"article": 1},
        }
        assert (not list(validator.iter_errors(data))) is ok, value
