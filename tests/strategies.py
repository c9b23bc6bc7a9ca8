"""Hypothesis strategies for subjects, derived from the subject models and biased towards
the values a pack's conditions test (its string constants, close dates), so that generated
subjects land on both sides of every comparison."""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal

from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from egovrules.ir.nodes import Const, Param, RuleSet

BASE = dt.date(2024, 3, 1)
# Half the dates fall within two days of BASE, so that the dates of two acts (of two items, or
# of two lists) are often the same day or one day apart: the boundaries of an order of acts.
DATES = st.one_of(st.integers(-2, 2), st.integers(-40, 60)).map(
    lambda n: BASE + dt.timedelta(days=n)
)
DATETIMES = st.integers(0, 72 * 60).map(lambda m: dt.datetime(2024, 3, 1) + dt.timedelta(minutes=m))
# Budgets straddle the 10 % line in cents as well as in whole units.
DECIMALS = st.one_of(
    st.sampled_from(
        [
            Decimal("1000000"),
            Decimal("1100000"),
            Decimal("1100000.01"),
            Decimal("1099999.99"),
            Decimal("0"),
            # the extremes of an amount: 18 digits before the point, 6 after
            Decimal("999999999999999999.999999"),
            Decimal("0.000001"),
            Decimal("100000000000000000"),
            Decimal("110000000000000000.000001"),
        ]
    ),
    st.decimals(min_value=0, max_value=3_000_000, places=2, allow_nan=False),
)


def pack_strings(ruleset: RuleSet) -> list[str]:
    """Every string constant or parameter the pack's rules compare with."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, (Const, Param)):
            values = node.value if isinstance(node.value, frozenset) else [node.value]
            found.update(v for v in values if isinstance(v, str))
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                walk(getattr(node, name))
        elif isinstance(node, tuple):
            for item in node:
                walk(item)

    for rule in ruleset.rules:
        walk(rule.when)
        walk(rule.requires)
    return [*sorted(found), "other"]


def subject_data(model: type[BaseModel], strings: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Raw data for ``model``: every field drawn, nested records included."""
    fields = {
        name: _for(Annotated[f.annotation, *f.metadata] if f.metadata else f.annotation, strings)
        for name, f in model.model_fields.items()
    }
    return st.fixed_dictionaries(fields)


def _for(annotation: Any, strings: list[str]) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        # Drawn as the bare type, kept only where the field's constraints (a year's range, an
        # amount's digits) accept the value.
        adapter = TypeAdapter(annotation)
        return _for(typing.get_args(annotation)[0], strings).filter(lambda v: _accepts(adapter, v))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner = _for(args[0], strings)
        return st.one_of(st.none(), inner) if len(args) == 1 else inner
    if origin is Literal:
        return st.sampled_from(typing.get_args(annotation))
    if origin in (frozenset, set):
        return st.frozensets(st.sampled_from(strings), max_size=len(strings))
    if origin in (tuple, list):
        return st.lists(_for(typing.get_args(annotation)[0], strings), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return subject_data(annotation, strings)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        bool: st.booleans(),
        # small counts, and years around the plan years the packs compare with
        int: st.one_of(st.integers(0, 40), st.integers(2020, 2028)),
        Decimal: DECIMALS,
        dt.datetime: DATETIMES,
        dt.date: DATES,
        str: st.sampled_from(strings),
    }
    return simple[annotation]


def _accepts(adapter: TypeAdapter[Any], value: Any) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True
