"""Every pass over the IR handles every kind of node and every comparison operator.

Each pass dispatches on the node kinds of ``egovrules.ir.nodes`` (and on ``CompareOp``) and
ends in ``assert_never``, so that ``mypy --strict`` names each pass a new kind must be added
to. These tests hold the same at run time: a node of every kind the unions list (built from
the dataclasses' own field types, so a kind added to a union is tried without editing this
file) goes through every pass without reaching ``assert_never``; a kind no union lists, or an
operator ``CompareOp`` does not, does reach it; and the unions list every node class."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, get_args, get_origin

import pytest

from egovrules.backends import durable
from egovrules.backends.python import CodeGenerator as PythonGenerator
from egovrules.backends.sql import compile as sql
from egovrules.backends.sql.dialect import DUCKDB
from egovrules.diffing import implication, witness
from egovrules.ir import describe, explain, interpret, nodes
from egovrules.ir.compile import _anchor
from egovrules.ir.conditions import kind_of
from egovrules.ir.nodes import (
    Compare,
    Cond,
    Const,
    Deadline,
    Expr,
    Field,
    Node,
    Present,
    RuleIR,
)
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.verdict import Severity
from egovrules.packdata.operators import COMPARE_OPS, CompareOp
from egovrules.source.span import Span
from egovrules.subjects.paths import FieldType

AS_OF = dt.date(2024, 6, 1)
FIELD = Field(("n",), 0, FieldType("int", True), (True,))
TEXT = Field(("s",), 0, FieldType("str", True), (True,))
UNREACHABLE = "Expected code to be unreachable"


# ---- one node of each kind, from the field types of its dataclass ---------------------------


def _value(hint: Any) -> Any:
    """A small value of the type ``hint`` a node's field declares."""
    args = get_args(hint)
    if hint is Field:
        return FIELD
    if isinstance(hint, types.UnionType) or get_origin(hint) is typing.Union:
        kinds = {a for a in args if a is not type(None)}
        if kinds <= set(EXPRS):
            return Const(1)
        if kinds <= set(CONDS):
            return Present(FIELD)
        if type(None) in args:  # an optional setting, such as a Shift's bound
            return None
    if get_origin(hint) is Literal:
        return args[0]
    if get_origin(hint) is tuple:  # a tuple of conditions holds one; versions, paths none
        return (Present(FIELD),) if set(get_args(args[0])) == set(CONDS) else ()
    if hint is Any or hint is int:
        return 1
    if hint is bool:
        return False
    if hint is str:
        return "x"
    if hint is WorkCalendar:
        return CHINA
    raise AssertionError(f"no sample value for a field of type {hint!r}: add one here")


def sample(cls: type[Any]) -> Any:
    """A node of class ``cls``, its fields filled from their declared types (a field path is
    one of the subject's)."""
    if cls is Field:
        return FIELD
    hints = typing.get_type_hints(cls, vars(nodes))
    return cls(**{f.name: _value(hints[f.name]) for f in dataclasses.fields(cls)})


EXPRS: tuple[type[Any], ...] = get_args(Expr)
CONDS: tuple[type[Any], ...] = get_args(Cond)
ALL_NODES: tuple[type[Any], ...] = get_args(Node)


@dataclasses.dataclass(frozen=True, slots=True)
class Stranger:
    """A node of a kind no union lists."""

    item: Any = None


def _rule(requires: Cond) -> RuleIR:
    return RuleIR(
        "r", "c", "project", Severity("error"), "high", None, None, requires, (), None, None,
        None, (), (), (), Span("f", 1, 1),
    )  # fmt: skip


def _sql() -> sql._Generator:
    return sql._Generator(DUCKDB, AS_OF)


def _ctx() -> sql._Context:
    return sql._Context("DATE '2024-06-01'", AS_OF, frozenset({1, 2}))


def _durable() -> durable._KindCompiler:
    return durable._KindCompiler("project", ())


SUBJECT = types.SimpleNamespace(n=1, s="a")

# ---- the passes ---------------------------------------------------------------------------

Pass = Callable[[Any], object]

NODE_PASSES: dict[str, Pass] = {
    "nodes.children": nodes.children,
    "nodes.walk": lambda n: list(nodes.walk(n)),
    "compile._anchor": _anchor,
    "sql._free_scopes": sql._free_scopes,
    "witness._own_field": witness._own_field,
    "witness._walk": lambda n: list(witness._walk(n, ())),
}

EXPR_PASSES: dict[str, Pass] = {
    "interpret.eval_expr": lambda e: interpret.eval_expr(e, (SUBJECT,), AS_OF),
    "describe.describe_expr": describe.describe_expr,
    "conditions.kind_of": kind_of,
    "python.expr": lambda e: PythonGenerator().expr(e),
    "sql._expr": lambda e: _sql()._expr(e, _ctx()),
    "durable.operand": lambda e: _durable().operand(e),
    "implication._expr_uses": lambda e: list(implication._expr_uses(e, 1)),
    "implication.due_not_later": lambda e: implication.due_not_later(e, Stranger()),  # type: ignore[arg-type]
}

COND_PASSES: dict[str, Pass] = {
    "interpret.eval_cond": lambda c: interpret.eval_cond(c, (SUBJECT,), AS_OF),
    "describe.describe": describe.describe,
    "explain._node": lambda c: explain._node(c, (SUBJECT,), AS_OF, AS_OF),
    "python.cond": lambda c: PythonGenerator().cond(c),
    "sql._cond": lambda c: _sql()._cond(c, _ctx()),
    "sql._assign": lambda c: sql._assign(c, Present(Const(2)), sql._TRUE),
    "sql._simplify": sql._simplify,
    "durable.tf": lambda c: _durable().tf(c, _rule(c)),
    "durable.native": lambda c: _durable().native(c),
    "implication.implies": lambda c: implication.implies(c, Stranger()),  # type: ignore[arg-type]
    "implication._cond_uses": lambda c: list(implication._cond_uses(c, 1, "when")),
}

DEADLINE_PASSES: dict[str, Pass] = {"describe.describe": describe.describe, **NODE_PASSES}

OP_PASSES: dict[str, Callable[[str], object]] = {
    "interpret._compare": lambda op: interpret._compare(
        Compare(op, FIELD, Const(2)),  # type: ignore[arg-type]
        (SUBJECT,),
        AS_OF,
        AS_OF,
    ),
    "python.compare": lambda op: PythonGenerator().compare(Compare(op, FIELD, Const(2))),  # type: ignore[arg-type]
    "sql.compare": lambda op: _sql().compare(Compare(op, FIELD, Const(2)), _ctx()),  # type: ignore[arg-type]
    "durable.native": lambda op: _durable().native(Compare(op, FIELD, Const(2))),  # type: ignore[arg-type]
    "implication._truth_in_left": implication._truth_in_left,  # type: ignore[dict-item]
    "implication._compare_implies_present": lambda op: implication._compare_implies_present(
        Compare(op, TEXT, Const("b")),  # type: ignore[arg-type]
        TEXT,
    ),
    "witness._around": lambda op: list(witness._around(op, 2, "int", None)),  # type: ignore[arg-type]
}


def _run(apply: Callable[[Any], object], value: Any) -> str | None:
    """What ``apply(value)`` did: None when it returned or failed on the sample's meaning
    (a sample is not a well-typed rule), the message when it reached ``assert_never``."""
    try:
        apply(value)
    except AssertionError as error:
        if str(error).startswith(UNREACHABLE):
            return str(error)
        return None
    except Exception:  # a dummy value the pass cannot compute with
        return None
    return None


def _cases(passes: dict[str, Any], values: tuple[Any, ...]) -> list[Any]:
    return [
        pytest.param(
            apply, value, id=f"{name}-{value if isinstance(value, str) else value.__name__}"
        )
        for name, apply in passes.items()
        for value in values
    ]


# ---- the tests ----------------------------------------------------------------------------


def test_the_unions_list_every_node_class() -> None:
    """Each condition and expression class of ``ir.nodes`` is in ``Cond`` or ``Expr``, and
    ``Node`` is the two and ``Deadline``: a class left out of them escapes the checks."""
    records = {nodes.Placeholder, nodes.RuleIR, nodes.ScopeIR, nodes.ArticleIR, nodes.RuleSet}
    declared = {
        cls
        for cls in vars(nodes).values()
        if isinstance(cls, type)
        and dataclasses.is_dataclass(cls)
        and cls.__module__ == nodes.__name__
    }
    assert declared - records == set(ALL_NODES)
    assert (*EXPRS, *CONDS, Deadline) == ALL_NODES
    assert set(get_args(CompareOp)) == set(COMPARE_OPS)


@pytest.mark.parametrize(("apply", "cls"), _cases(NODE_PASSES, ALL_NODES))
def test_every_node_kind_is_handled(apply: Pass, cls: type[Any]) -> None:
    """Every pass over any node (walkers: what they do not treat apart goes through
    ``children``) has a case for every member of ``Node``."""
    assert _run(apply, sample(cls)) is None


@pytest.mark.parametrize(("apply", "cls"), _cases(EXPR_PASSES, EXPRS))
def test_every_expression_kind_is_handled(apply: Pass, cls: type[Any]) -> None:
    """Every pass over expressions has a case for every member of ``Expr``."""
    assert _run(apply, sample(cls)) is None


@pytest.mark.parametrize(("apply", "cls"), _cases(COND_PASSES, CONDS))
def test_every_condition_kind_is_handled(apply: Pass, cls: type[Any]) -> None:
    """Every pass over conditions has a case for every member of ``Cond``."""
    assert _run(apply, sample(cls)) is None


def test_children_are_nodes_in_field_order() -> None:
    """``children`` lists the nodes among a node's fields, in their order, and nothing else:
    the walkers built on it visit what walking the dataclass fields visited."""
    for cls in ALL_NODES:
        node = sample(cls)
        fields = [getattr(node, f.name) for f in dataclasses.fields(node)]
        inside = [v for f in fields for v in (f if isinstance(f, tuple) else (f,))]
        assert nodes.children(node) == tuple(v for v in inside if isinstance(v, Node))


def test_a_deadline_is_handled() -> None:
    """The passes that take a rule's requirement whole know a deadline."""
    deadline = sample(Deadline)
    for apply in DEADLINE_PASSES.values():
        assert _run(apply, deadline) is None


@pytest.mark.parametrize(("apply", "op"), _cases(OP_PASSES, COMPARE_OPS))
def test_every_operator_is_handled(apply: Callable[[str], object], op: CompareOp) -> None:
    """Every dispatch on the comparison operator has a case for every ``CompareOp``."""
    assert _run(apply, op) is None


@pytest.mark.parametrize(
    "apply",
    [
        pytest.param(apply, id=name)
        for name, apply in {**NODE_PASSES, **EXPR_PASSES, **COND_PASSES}.items()
    ],
)
def test_a_kind_no_union_lists_reaches_assert_never(apply: Pass) -> None:
    """A node of an unknown kind is not passed over with a default: it stops at
    ``assert_never`` (mypy reports the same place when a kind is added to a union)."""
    assert _run(apply, Stranger(Present(FIELD))) is not None


@pytest.mark.parametrize("apply", [pytest.param(a, id=n) for n, a in OP_PASSES.items()])
def test_an_unknown_operator_reaches_assert_never(apply: Callable[[str], object]) -> None:
    """An operator ``CompareOp`` does not list stops at ``assert_never``."""
    assert _run(apply, "between") is not None
