"""Field paths into the subject models, resolved and typed once, when a pack compiles.

A ``FieldType`` says what a path yields: its scalar kind, whether it may be null, the choices
of a ``Literal``, and for lists of records the record model their items follow. The compiler
uses it to reject unknown paths (with a "did you mean"), enum literals that cannot match, and
comparisons of incompatible kinds.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any, Literal

from egovrules.source.suggest import did_you_mean

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["FieldType", "PathError", "resolve_path"]

Kind = Literal["bool", "int", "decimal", "date", "datetime", "str", "set", "list", "record"]


@dataclass(frozen=True, slots=True)
class FieldType:
    """What a field path yields."""

    kind: Kind
    nullable: bool
    choices: tuple[str, ...] | None = None
    item: FieldType | None = None
    # The record model (of a record, or of a list's items) as ``module:name``: a compiled
    # rule set read back from the pack cache imports no subject model it does not check.
    model_ref: str | None = None

    @property
    def is_number(self) -> bool:
        """True for integers and decimals."""
        return self.kind in ("int", "decimal")

    @property
    def model(self) -> type[BaseModel] | None:
        """The record model a record, or a list's items, follow."""
        return None if self.model_ref is None else _model(self.model_ref)


@cache
def _model(ref: str) -> type[BaseModel]:
    module, name = ref.split(":")
    model: type[BaseModel] = getattr(import_module(module), name)
    return model


class PathError(Exception):
    """An unknown field path; ``hint`` suggests the nearest known one."""

    def __init__(self, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.hint = hint


def resolve_path(
    model: type[BaseModel], path: tuple[str, ...]
) -> tuple[FieldType, tuple[bool, ...]]:
    """Type of ``path`` in ``model``, and for each step whether the value there may be null."""
    current: type[BaseModel] = model
    steps: list[bool] = []
    ftype: FieldType | None = None
    for depth, name in enumerate(path):
        fields = current.model_fields
        if name not in fields:
            known = [".".join((*path[:depth], f)) for f in fields]
            raise PathError(
                f"unknown field {'.'.join(path[: depth + 1])!r}",
                did_you_mean(".".join(path[: depth + 1]), known)
                or f"fields here: {', '.join(fields)}",
            )
        ftype = _type_of(fields[name].annotation)
        steps.append(ftype.nullable)
        if depth < len(path) - 1:
            if ftype.kind != "record" or ftype.model is None:
                raise PathError(
                    f"{'.'.join(path[: depth + 1])!r} is a {ftype.kind}, it has no fields", None
                )
            current = ftype.model
    if ftype is None:
        raise PathError("empty field path", None)
    return ftype, tuple(steps)


def _type_of(annotation: Any) -> FieldType:
    nullable = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
        origin = typing.get_origin(annotation)
    base = _base_type(annotation, origin)
    return FieldType(base.kind, nullable, base.choices, base.item, base.model_ref)


def _base_type(annotation: Any, origin: Any) -> FieldType:
    from pydantic import BaseModel  # noqa: PLC0415 - resolving paths is compiling: not at start

    if origin is Annotated:  # validators do not change what the field holds
        inner = typing.get_args(annotation)[0]
        return _base_type(inner, typing.get_origin(inner))
    if origin is Literal:
        return FieldType("str", False, tuple(str(a) for a in typing.get_args(annotation)))
    if origin in (frozenset, set):
        (arg,) = typing.get_args(annotation)
        return FieldType("set", False, item=_type_of(arg))
    if origin in (tuple, list):
        arg = typing.get_args(annotation)[0]
        item = _type_of(arg)
        return FieldType("list", False, item=item, model_ref=item.model_ref)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return FieldType(
            "record", False, model_ref=f"{annotation.__module__}:{annotation.__qualname__}"
        )
    simple: dict[Any, Kind] = {
        bool: "bool",
        int: "int",
        Decimal: "decimal",
        float: "decimal",
        dt.datetime: "datetime",
        dt.date: "date",
        str: "str",
    }
    if annotation in simple:
        return FieldType(simple[annotation], False)
    raise TypeError(f"unsupported field annotation {annotation!r}")  # a bug in a subject model
