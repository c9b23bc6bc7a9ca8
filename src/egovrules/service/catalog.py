"""The packs a server holds, described: the list (``GET /v1/packs``) and one pack's rules,
parameters and articles (``GET /v1/packs/{pack}``), from the compiled ``RuleSet``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from egovrules.engine.pack import Pack
from egovrules.report.render.json import citation_to_dict
from egovrules.service.models import (
    ArticleInfo,
    CitationInfo,
    PackDetail,
    PackSummary,
    ParameterInfo,
    RuleInfo,
)

__all__ = ["pack_detail", "pack_summary"]


def pack_summary(pack: Pack) -> PackSummary:
    """Id, city, version, content hash, effective date, languages, number of rules, and the
    holiday calendar its working days are counted on."""
    rs = pack.ruleset
    languages = {rs.language}
    languages.update(lang for a in rs.articles for lang, _ in a.texts)
    languages.update(lang for r in rs.rules for lang, _ in r.messages)
    return PackSummary(
        id=rs.pack_id,
        city=rs.city,
        version=rs.version,
        sha256=rs.content_hash,
        effective=_date(rs.effective),
        language=rs.language,
        languages=sorted(languages),
        rules=len(rs.rules),
        calendar=pack.calendar_named,
    )


def pack_detail(pack: Pack) -> PackDetail:
    """The pack with every rule, parameter and article."""
    rs = pack.ruleset
    return PackDetail(
        pack=pack_summary(pack),
        rules=[
            RuleInfo(
                id=r.id,
                concept=r.concept,
                subject=r.subject,
                severity=r.severity.value,
                title=r.title,
                in_force_from=_date(r.in_force_from),
                citations=[CitationInfo(**citation_to_dict(c)) for c in r.citations],
            )
            for r in rs.rules
        ],
        parameters=[
            ParameterInfo(
                name=p.name,
                value=_plain(p.value),
                unit=p.unit,
                versions=[(d.isoformat(), _plain(v)) for d, v in p.versions],
            )
            for p in rs.parameters
        ],
        articles=[
            ArticleInfo(
                number=a.number, label=a.label, texts=dict(a.texts), declaratory=a.declaratory
            )
            for a in rs.articles
        ],
    )


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _plain(value: Any) -> Any:
    """A parameter's value as JSON has it (a Decimal amount as its digits)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    return str(value)
