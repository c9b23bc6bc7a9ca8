"""The JSON Schema of a rule pack, for editors: ``egovrules schema pack`` prints it and the
repository ships it as ``schemas/pack.schema.json``, which every bundled pack names in its
``# yaml-language-server: $schema=...`` header line.

The shape (keys, types, required keys, enumerations) comes from the pydantic model
(``egovrules.packdata.model.PackModel``); the model leaves ``when``, ``requires`` and parameter
values free, so this module adds a recursive schema of the condition language of
``docs/pack-format.md`` and ties each parameter's value to its unit. The schema helps an author
while typing; it is not the authority: cross references (cited articles, parameters, field
paths, message placeholders) are checked only when the pack compiles, and a pack the schema
accepts may still fail to load. It must never reject a pack that loads.
"""

from __future__ import annotations

import copy
from typing import Any

from egovrules.packdata.model import PackModel
from egovrules.packdata.operators import COMPARE_OPS

__all__ = ["pack_schema"]

# Draft-07, the draft YAML language servers implement (yaml-language-server validates with a
# draft-07 validator); nothing below needs a later one.
_DRAFT = "http://json-schema.org/draft-07/schema#"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/definitions/{name}"}


def _one_key(key: str, value: Schema, description: str) -> Schema:
    """An object with exactly the one key ``key``."""
    return {
        "type": "object",
        "properties": {key: value},
        "required": [key],
        "additionalProperties": False,
        "description": description,
    }


_PATH: Schema = {
    "type": "string",
    "pattern": r"^/?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$",
    "description": "A dotted field path into the subject (police_filing.date); inside "
    "some/every relative to the item, absolute with a leading /.",
}

_PAIR: Schema = {
    "type": "array",
    "items": _ref("Expression"),
    "minItems": 2,
    "maxItems": 2,
}

# Operators of two operands and what they compute (docs/pack-format.md, Expressions).
_BINARY = {
    "add": "a + b (integers stay integers, else Decimal; null if an operand is null)",
    "sub": "a - b",
    "mul": "a × b",
    "div": "a ÷ b, always Decimal; null when b is zero",
    "days_between": "calendar days from the first date to the second (to - from)",
    "hours_between": "hours between two date-times, as Decimal",
    "add_days": "a date plus n calendar days",
    "add_working_days": "the n-th Chinese working day after a date (the date not counted)",
    "add_months": "a date plus n months (dateutil.relativedelta)",
    "add_years": "a date plus n years (dateutil.relativedelta)",
    "annual": "[$month_day_parameter, year]: the date of a month_day in a year",
}

_LITERAL_DESCRIPTION = (
    "A literal (number, true/false, null, a date YYYY-MM-DD, a string), a parameter "
    "reference $name, @as_of (the evaluation date) or @effective (meta.effective). Where a "
    "date or a path is expected "
    "(deadline start/done/due, operands of date arithmetic, present/absent), a bare string "
    "is a field path."
)


def _expression() -> Schema:
    forms: list[Schema] = [
        {"type": ["string", "number", "boolean", "null"], "description": _LITERAL_DESCRIPTION},
        _one_key("field", _PATH, "The value at a field path."),
        _one_key("const", {}, "A literal, also a string starting with $ or @."),
        _one_key("year", _ref("Expression"), "The year of a date, an integer."),
        _one_key(
            "date", _ref("Expression"), "The calendar day of a date-time (China time), a date."
        ),
        _one_key("len", _PATH, "The number of items of a list or set."),
    ]
    forms += [_one_key(op, _PAIR, text) for op, text in _BINARY.items()]
    forms += [
        _one_key(op, _extremum(op), f"The {op} date of the items of a list that satisfy where.")
        for op in ("earliest", "latest")
    ]
    return {"anyOf": forms, "description": "An expression: a literal or one operator."}


def _extremum(op: str) -> Schema:
    return {
        "type": "object",
        "description": f"{{of, among, where}}: the {op} 'of' date among the items of the list "
        "'among' that satisfy 'where'; items with a null date are passed over, and with no "
        "such item the value is null.",
        "properties": {
            "of": {
                **_ref("Expression"),
                "description": "The date (or date-time) of each item: a path relative to the "
                "item, or an expression.",
            },
            "among": {**_PATH, "description": "The list of records."},
            "where": {**_ref("Condition"), "description": "Which items count (optional)."},
        },
        "required": ["of", "among"],
        "additionalProperties": False,
    }


def _comparison() -> Schema:
    properties: Schema = {
        "field": {**_PATH, "description": "The field whose value is compared."},
        "value": {**_ref("Expression"), "description": "An expression to compare, for field."},
    }
    lists = ("in", "not_in", "contains_all")
    for op in COMPARE_OPS:
        if op in lists:
            properties[op] = {
                "type": "array",
                "items": _ref("Expression"),
                "description": f"{op}: a list of literal values or parameters",
            }
        else:
            properties[op] = {**_ref("Expression"), "description": f"{op}: the other side"}
    return {
        "type": "object",
        "description": "A comparison: field (or value) and exactly one operator "
        f"({', '.join(COMPARE_OPS)}). A comparison with null is false, except eq/ne null.",
        "properties": properties,
        "additionalProperties": False,
        "allOf": [
            {"oneOf": [{"required": ["field"]}, {"required": ["value"]}]},
            {"oneOf": [{"required": [op]} for op in COMPARE_OPS]},
        ],
    }


def _condition() -> Schema:
    cond = _ref("Condition")
    conditions = {"type": "array", "items": cond, "minItems": 1}
    return {
        "description": "A condition of the closed condition language (docs/pack-format.md).",
        "anyOf": [
            _one_key("all", conditions, "Every condition holds."),
            _one_key("any", conditions, "Some condition holds."),
            _one_key("not", cond, "The condition does not hold."),
            _one_key(
                "present",
                _ref("Expression"),
                "The value is not null and, for a list, set or string, not empty.",
            ),
            _one_key("absent", _ref("Expression"), "The value is null or empty."),
            {
                "type": "object",
                "description": "Some item of a list of records satisfies where (or, without "
                "where, the list is not empty).",
                "properties": {"some": _PATH, "where": cond},
                "required": ["some"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "description": "Every item (that satisfies where, if given) satisfies require.",
                "properties": {"every": _PATH, "where": cond, "require": cond},
                "required": ["every", "require"],
                "additionalProperties": False,
            },
            _ref("Comparison"),
        ],
    }


def _deadline() -> Schema:
    date = _ref("Expression")
    return {
        "type": "object",
        "description": "{start, within, done}: the last day is start + within (the start day "
        "not counted); or {due, done}: the last day given directly.",
        "properties": {
            "start": {**date, "description": "When the period starts: a date path or expression."},
            "within": {
                **_ref("Expression"),
                "description": "A calendar_days or working_days parameter, or an integer "
                "(calendar days).",
            },
            "due": {**date, "description": "The last day in time (e.g. an annual date)."},
            "done": {**date, "description": "When the act was done: a date path (null: not yet)."},
        },
        "required": ["done"],
        "additionalProperties": False,
        "oneOf": [
            {"required": ["start", "within"], "not": {"required": ["due"]}},
            {
                "required": ["due"],
                "not": {"anyOf": [{"required": ["start"]}, {"required": ["within"]}]},
            },
        ],
    }


# The value a parameter of each unit takes (egovrules.ir.compile checks the same).
_WHOLE: Schema = {"type": "integer", "minimum": 0}
_UNIT_VALUES: dict[str, Schema] = {
    "calendar_days": _WHOLE,
    "working_days": _WHOLE,
    "hours": _WHOLE,
    "months": _WHOLE,
    "years": _WHOLE,
    "count": _WHOLE,
    "ratio": {"type": "number"},
    "month_day": {
        "type": "string",
        "pattern": r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        "description": 'A month and day, "MM-DD" (quoted), such as "09-30".',
    },
    "date": {"type": "string", "format": "date"},
    "approver": {"type": "string", "description": "An authority id of meta.authorities."},
    "text": {"type": "string"},
}

# Descriptions of the keys, from docs/pack-format.md, shown by an editor on hover.
_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "PackModel": {
        "format": "The format version: 1.",
        "meta": "Who, what and when.",
        "articles": "The articles of the text, in order, each with its label and text.",
        "parameters": "Named, typed, unit-bearing values, each citing its article; a rule "
        "refers to one as $name.",
        "scopes": "Whom articles bind, by name: a field of the subject and the values the text "
        "names; a rule names one as its scope.",
        "rules": "The obligations.",
        "tests": "The pack's own examples, run by `egovrules test`.",
    },
    "Meta": {
        "id": "The pack id: load_pack('wuhan').",
        "sources": "The regulation texts the pack quotes, in rules/sources/; the first is the "
        "primary one.",
        "effective": "The date the text takes effect (null when the text has none).",
        "version": "The version of the pack (not of the law).",
        "languages": "The languages the article texts and quotes are given in.",
        "authorities": "Ids the rules use for the bodies the text names.",
        "notes": "Translation notes, defects, readings chosen.",
    },
    "Article": {
        "number": "The real article number.",
        "label": "The label in the original language, clean (第十五条).",
        "label_as_printed": "The label exactly as the source prints it.",
        "text": "The text per language: one line per paragraph.",
        "declaratory": "Why no rule cites this article (null when rules cite it).",
    },
    "ParameterModel": {
        "value": "The value, in the parameter's unit.",
        "values": "Dated values, when an amendment changed the value.",
        "unit": "The unit, which fixes the type of the value.",
        "cite": "Where the value stands in the text.",
    },
    "RuleModel": {
        "id": "<pack>.<subject>.<name>, unique in the pack.",
        "concept": "The shared concept (rules/vocabulary/concepts.yaml), so packs diff by concept.",
        "subject": "The subject kind the rule judges.",
        "severity": "error | warning | advisory (low-confidence duties).",
        "severity_reason": "Why a warning or advisory rule is not an error (required for them): "
        "binds_authority | in_principle | vague_criteria | translation_uncertain | low_confidence.",
        "confidence": "How directly the text supports the check.",
        "dated_by": "A date path: the date that matters, whose law and parameters apply.",
        "actor": "A field path naming the unit that must act.",
        "authority": "The approver parameter of the authority the actor answers to.",
        "awaiting": "Who must act while a deadline of the rule runs: actor | authority.",
        "pending": "The cases in which an unmet requirement is open (pending), not broken, "
        "each with who must act in it.",
        "scope": "The name of an entry of scopes: whom the rule's article binds.",
        "message": "Templates: {path}, {path|text}, {$name}, {@as_of}, {@due}, {@elapsed}, "
        "{@late}, {@missing}, {@failing}.",
        "cite": "One citation or a list of them (the first is the primary one).",
    },
    "ScopeModel": {
        "field": "The subject field that holds the standing the text turns on (owner_type).",
        "in": "The values of that field the article binds; an empty field is presumed inside.",
        "label": "The bodies the article names, per language, as reports show them.",
        "cite": "Where the text names them.",
    },
    "CitationModel": {
        "article": "The number of an article the pack holds.",
        "paragraph": "The paragraph, counted from 1 (a line of the article's text).",
        "item": "The numbered item within the paragraph.",
        "quote": "The cited words, exactly as the article's text has them, per language.",
    },
    "PendingModel": {
        "awaiting": "Who must act in this case: the rule's actor or its authority.",
    },
    "TestCaseModel": {
        "subject": "The name of a fixture.",
        "set": "Dotted-path overrides of the fixture (null removes a value).",
        "as_of": "The evaluation date.",
        "violations": "The exact set of violated rule ids.",
        "pending": "The exact set of pending rule ids (optional).",
        "undetermined": "The exact set of undetermined rule ids (optional).",
        "not_applicable": "The exact set of rule ids whose scope excludes the subject (optional).",
    },
}


def pack_schema() -> Schema:
    """The JSON Schema (draft-07) of a rule pack, with the condition language."""
    schema = copy.deepcopy(
        PackModel.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    )
    defs: Schema = schema.pop("$defs")
    schema["definitions"] = defs
    for model, keys in _DESCRIPTIONS.items():
        props = defs[model]["properties"] if model != "PackModel" else schema["properties"]
        for key, text in keys.items():
            props[key]["description"] = text
    rule = defs["RuleModel"]["properties"]
    rule["when"] = {
        "description": "When the obligation applies (omitted or null: always).",
        "anyOf": [_ref("Condition"), {"type": "null"}],
    }
    rule["requires"] = {
        "description": "What the obligation demands: a condition, or a deadline.",
        "anyOf": [
            _ref("Condition"),
            _one_key("deadline", _ref("Deadline"), "A deadline (only as the whole of requires)."),
        ],
    }
    defs["PendingModel"]["properties"]["while"] = {
        "description": "When the unmet obligation is open: the act it waits for has not "
        "happened yet.",
        "anyOf": [_ref("Condition")],
    }
    parameter = defs["ParameterModel"]
    parameter["oneOf"] = [{"required": ["value"]}, {"required": ["values"]}]
    parameter["allOf"] = [
        {
            "if": {"properties": {"unit": {"const": unit}}, "required": ["unit"]},
            "then": {
                "properties": {
                    "value": value,
                    "values": {"items": {"properties": {"value": value}}},
                }
            },
        }
        for unit, value in _UNIT_VALUES.items()
    ]
    defs["Condition"] = _condition()
    defs["Comparison"] = _comparison()
    defs["Expression"] = _expression()
    defs["Deadline"] = _deadline()
    return {
        "$schema": _DRAFT,
        "title": "egovrules rule pack",
        "description": "A rule pack (rules/<city>.yaml): the law of one city written as data. "
        "See docs/pack-format.md.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
