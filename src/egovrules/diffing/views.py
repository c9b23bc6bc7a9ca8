"""Rules, parameters and citations as a lawyer reads them in a diff: ``RuleView`` and friends,
built from a compiled pack. Pure functions of the pack; nothing is evaluated here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from egovrules.diffing.implication import param_uses
from egovrules.diffing.model import CitationView, PackRef, ParameterView, RuleView
from egovrules.engine.pack import Pack
from egovrules.ir.describe import describe, describe_expr
from egovrules.ir.nodes import Deadline, Param, RuleIR
from egovrules.ir.words import WORDS_LANGS, rule_statement
from egovrules.law.citation import Citation
from egovrules.packdata.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "authority_name",
    "citation_view",
    "concept_titles",
    "pack_ref",
    "param_value",
    "parameter_view",
    "rule_params",
    "rule_view",
]

_UNIT_WORDS = {
    "calendar_days": "calendar days",
    "working_days": "working days",
    "hours": "hours",
    "years": "year(s)",
    "months": "month(s)",
    "count": "",
    "ratio": "ratio",
}


def pack_ref(pack: Pack, label: str | None = None) -> PackRef:
    """Who a side of the diff is."""
    rs = pack.ruleset
    city_zh = pack.model.meta.city.zh if pack.model is not None else None
    return PackRef(
        label=label or pack.id,
        id=pack.id,
        city=rs.city,
        city_zh=city_zh,
        version=rs.version,
        content_hash=rs.content_hash,
        effective=rs.effective,
        language=rs.language,
    )


def concept_titles(concept: str) -> tuple[str, str | None]:
    """The concept's English and Chinese titles from the vocabulary (the id if it has none)."""
    vocabulary = _vocabulary()
    entry = vocabulary.concepts.get(concept) if vocabulary is not None else None
    if entry is None:
        return concept, None
    return entry.title.en or concept, entry.title.zh


def _vocabulary() -> Vocabulary | None:
    try:
        return load_vocabulary()
    except Exception:  # a missing or broken vocabulary only costs the titles
        return None


def citation_view(pack: Pack, c: Citation) -> CitationView:
    """A rule's citation with the full article texts."""
    article = next((a for a in pack.ruleset.articles if a.number == c.article), None)
    return CitationView(
        article=c.article,
        label=c.label,
        paragraph=c.paragraph,
        item=c.item,
        quotes=c.quotes or ((c.language, c.quote),),
        article_texts=article.texts if article is not None else (),
        original_language=pack.ruleset.language,
        sources=c.sources,
    )


def _param_citation(pack: Pack, name: str) -> CitationView | None:
    model = pack.model
    if model is None or name not in model.parameters:
        return None
    cite = model.parameters[name].cite
    article = next((a for a in pack.ruleset.articles if a.number == cite.article), None)
    if article is None:
        return None
    return CitationView(
        article=cite.article,
        label=article.label,
        paragraph=cite.paragraph,
        item=cite.item,
        quotes=(),
        article_texts=article.texts,
        original_language=pack.ruleset.language,
    )


def authority_name(pack: Pack, authority_id: str, language: str = "en") -> str:
    """The name the pack gives an authority id (the id itself when it names none)."""
    model = pack.model
    if model is None or authority_id not in model.meta.authorities:
        return authority_id
    return model.meta.authorities[authority_id].get(language) or authority_id


def param_value(pack: Pack, p: Param) -> str:
    """A parameter's value as a person reads it."""
    if p.versions:
        return "; ".join(
            f"from {start.isoformat()}: {_one_value(pack, p.unit, v)}" for start, v in p.versions
        )
    return _one_value(pack, p.unit, p.value)


def _one_value(pack: Pack, unit: str, v: Any) -> str:
    if unit == "approver":
        return authority_name(pack, str(v))
    if unit == "month_day":
        return f"{v[0]:02d}-{v[1]:02d} each year"
    if unit == "ratio":
        d = Decimal(v)
        return f"{format(d.normalize(), 'f')} ({format((d * 100).normalize(), 'f')} %)"
    if isinstance(v, dt.date):
        return v.isoformat()
    words = _UNIT_WORDS.get(unit)
    return f"{v} {words}".strip() if words is not None else str(v)


def _raw(p: Param) -> str | int | None:
    if p.versions:
        return param_value_raw(p)
    if p.value is None:
        return None
    if isinstance(p.value, bool):
        return str(p.value).lower()
    if isinstance(p.value, int):
        return p.value
    if p.unit == "month_day":
        return f"{p.value[0]:02d}-{p.value[1]:02d}"
    if isinstance(p.value, dt.date):
        return p.value.isoformat()
    if isinstance(p.value, Decimal):
        return format(p.value.normalize(), "f")
    return str(p.value)


def param_value_raw(p: Param) -> str:
    """A versioned parameter for machines: ``from:value`` pairs joined by ``;``."""
    return ";".join(f"{start.isoformat()}:{v}" for start, v in p.versions)


def parameter_view(pack: Pack, p: Param) -> ParameterView:
    """A parameter with its value in words and the article that fixes it."""
    model = pack.model
    label = None
    if model is not None and p.name in model.parameters:
        loc = model.parameters[p.name].label
        label = loc.en if loc is not None else None
    return ParameterView(
        name=p.name,
        unit=p.unit,
        value=param_value(pack, p),
        raw=_raw(p),
        label=label,
        citation=_param_citation(pack, p.name),
    )


def rule_params(pack: Pack, rule: RuleIR) -> tuple[Param, ...]:
    """The parameters a rule uses (its conditions and its authority), each once, in order."""
    seen: dict[str, Param] = {}
    for use in param_uses(rule):
        seen.setdefault(use.param.name, use.param)
    authority = _authority_param(pack, rule)
    if authority is not None:
        seen.setdefault(authority.name, authority)
    return tuple(seen.values())


def _authority_param(pack: Pack, rule: RuleIR) -> Param | None:
    model = pack.model
    if model is None:
        return None
    source = next((r for r in model.rules if r.id == rule.id), None)
    if source is None or not source.authority or not source.authority.startswith("$"):
        return None
    name = source.authority[1:]
    return next((p for p in pack.ruleset.parameters if p.name == name), None)


def rule_view(pack: Pack, rule: RuleIR) -> RuleView:
    """One rule as a lawyer reads it."""
    params = rule_params(pack, rule)
    deadline = None
    if isinstance(rule.requires, Deadline):
        deadline = f"last day: {describe_expr(rule.requires.due)}"
    approvers = tuple(
        (str(p.value), authority_name(pack, str(p.value)))
        for p in params
        if p.unit == "approver" and not p.versions
    )
    return RuleView(
        id=rule.id,
        subject=rule.subject,
        severity=rule.severity.value,
        confidence=rule.confidence,
        title=rule.title,
        applies_when=describe(rule.when),
        requires=describe(rule.requires),
        deadline=deadline,
        parameters=tuple(parameter_view(pack, p) for p in params),
        approvers=tuple(dict.fromkeys(approvers)),
        citations=tuple(citation_view(pack, c) for c in rule.citations),
        in_force_from=rule.in_force_from,
        binds=None
        if rule.scope is None
        else f"{rule.scope.label_in('en')} ({rule.scope.citation})",
        statement=tuple((lang, rule_statement(rule, lang)) for lang in WORDS_LANGS),
    )
