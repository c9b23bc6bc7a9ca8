"""The Chinese words a message placeholder shows instead of ids (issue 22 point 7): fixed when
the pack compiles, from rules/vocabulary/fields.yaml, and kept in the compiled rule (and the
pack cache), so that building a report never reads the vocabulary.

A placeholder showing a field (``{request_type}``), a parameter compared with one
(``{$confidential_network}``), what ``{@missing}`` names or the items ``{@failing}`` names
gets the words of the ids those fields hold (the field's own ``values`` first, then the ids
every pack shares: kinds of body, authorities) and the nouns of the fields ``{@missing}`` and
``{@failing}`` name by path; a scope the words of its field; a report the name of its kind.
"""

from __future__ import annotations

from dataclasses import replace

from egovrules.ir.nodes import (
    Compare,
    Cond,
    Deadline,
    Field,
    Param,
    Placeholder,
    ScopeIR,
    Some,
    asked_values,
    walk,
)
from egovrules.packdata.phrases import Phrases, load_phrases

__all__ = ["kind_names", "placeholder_words", "scope_words"]


def kind_names() -> tuple[tuple[str, str], ...]:
    """Each kind of subject's Chinese name (``("website", "网站")``), as a report names it."""
    return tuple((kind, phrase.zh) for kind, phrase in load_phrases().subjects.items())


def placeholder_words(kind: str, part: Placeholder, requires: Cond | Deadline) -> Placeholder:
    """``part`` of a Chinese message of a rule on ``kind`` with the words of the fields it
    shows (unchanged when it shows none the vocabulary has)."""
    phrases = load_phrases()
    named = [(p, key) for p, key in _named_fields(kind, part, requires) if key in phrases.fields]
    if not named:
        return part
    words: dict[str, str] = {}
    nouns: dict[str, str] = {}
    for path, key in named:
        field = phrases.fields[key]
        for value, phrase in field.values.items():
            words.setdefault(value, phrase.zh)
        if field.noun is not None:
            nouns.setdefault(path, field.noun.zh)
    words.update((v, p.zh) for v, p in phrases.values.items() if v not in words)
    return replace(part, words=tuple(words.items()), nouns=tuple(nouns.items()))


def scope_words(kind: str, scope: ScopeIR, phrases: Phrases | None = None) -> ScopeIR:
    """``scope`` with the Chinese noun of its field and the words of the ids it may hold."""
    phrases = phrases or load_phrases()
    path = ".".join(scope.field.path)
    field = phrases.fields.get(f"{kind}.{path}")
    words = {v: p.zh for v, p in (field.values.items() if field else ())}
    words.update((v, p.zh) for v, p in phrases.values.items() if v not in words)
    noun = field.noun.zh if field is not None and field.noun is not None else path
    return replace(scope, words=tuple(words.items()), noun=noun)


def _named_fields(kind: str, part: Placeholder, requires: Cond | Deadline) -> list[tuple[str, str]]:
    """Each field ``part`` shows: its path as the message names it, and its vocabulary key."""
    out: list[tuple[str, str]] = []
    expr = part.expr
    if isinstance(expr, Field) and expr.scope == 0:
        out.append((".".join(expr.path), f"{kind}.{'.'.join(expr.path)}"))
    elif isinstance(expr, Param):
        # a parameter is shown in the words of the field the rule compares it with
        for node in walk(requires):
            if isinstance(node, Compare):
                for a, b in ((node.left, node.right), (node.right, node.left)):
                    if a == expr and isinstance(b, Field) and b.scope == 0:
                        out.append((".".join(b.path), f"{kind}.{'.'.join(b.path)}"))
    for c in part.lacks:
        if isinstance(c, Some):
            items = f"{kind}.{'.'.join(c.field.path)}[]"
            out.extend(
                (".".join(a.left.path), f"{items}.{'.'.join(a.left.path)}")
                for a in asked_values(c)
                if isinstance(a.left, Field)
            )
        elif isinstance(c.left, Field) and c.left.scope == 0:
            out.append((".".join(c.left.path), f"{kind}.{'.'.join(c.left.path)}"))
    for e in part.items:
        items = f"{kind}.{'.'.join(e.field.path)}[]"
        out.extend(
            (".".join(n.path), f"{items}.{'.'.join(n.path)}")
            for n in walk(e)
            if isinstance(n, Field) and n.scope == e.item_scope
        )
    return out
