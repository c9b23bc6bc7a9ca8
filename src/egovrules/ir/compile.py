"""Pack → IR: validate a pack document and compile it into a ``RuleSet``.

Collects every error of the file (shape errors from the pydantic model, then cross references:
cited articles, quotes, parameters, field paths, message placeholders) and raises one
``PackError`` with all of them. Never evaluates anything it reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from egovrules.ir.conditions import ConditionParser, kind_of, unknown_expr
from egovrules.ir.nodes import (
    All,
    AnyOf,
    ArticleIR,
    Awaiting,
    Compare,
    Cond,
    Const,
    Deadline,
    Every,
    Expr,
    Field,
    MessagePart,
    Node,
    Not,
    Param,
    Placeholder,
    Present,
    RuleIR,
    RuleSet,
    ScopeIR,
    Shift,
    Some,
    asked_values,
    children,
    walk,
)
from egovrules.ir.placeholder_words import kind_names, placeholder_words, scope_words
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.citation import Citation
from egovrules.law.verdict import SEVERITY_REASONS, Severity
from egovrules.packdata.model import (
    Article,
    CitationModel,
    Meta,
    PackModel,
    ParameterModel,
    RuleModel,
    ScopeModel,
    TestsModel,
)
from egovrules.packdata.places import paragraphs
from egovrules.source.document import Document, strings_in, validation_diagnostics
from egovrules.source.errors import Diagnostic, PackError
from egovrules.source.suggest import did_you_mean
from egovrules.subjects import SUBJECT_MODELS

__all__ = ["compile_document", "validate_document"]

_M = TypeVar("_M", bound=BaseModel)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FACTS = ("due", "elapsed", "late")
_REQUIRED_LANGUAGES = ("en", "zh")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escaped_controls(doc: Document) -> list[Diagnostic]:
    """An ``E012`` for each pack string holding a control character other than tab and line
    breaks: the reader refuses them raw, and an escape (``"\\0"``) is no way around it, since
    every pack text ends up in a report."""
    found: list[Diagnostic] = []
    for path, text, is_key in strings_in(doc.data):
        bad = None if is_key else _CONTROL.search(text)
        if bad:
            found.append(
                Diagnostic(
                    "E012",
                    f"character U+{ord(bad.group()):04X} is not allowed in a pack",
                    doc.span(path),
                    "remove control characters from the text",
                )
            )
    return found


def validate_document(doc: Document) -> PackModel:
    """Validate the shape of a pack document; raise ``PackError`` with every error.

    When the shape is wrong somewhere, the parts that are right are still compiled, so that
    their cross-reference errors are reported in the same run (minus the ones an invalid part
    could explain, such as a citation of an article whose entry did not validate).
    """
    controls = _escaped_controls(doc)
    if controls:
        raise PackError(controls, doc.text)
    try:
        return PackModel.model_validate(doc.data)
    except ValidationError as exc:
        diagnostics = validation_diagnostics(exc, doc, "E100")
    partial = _partial(doc)
    if partial is not None:
        model, invalid = partial
        compiler = _Compiler(doc, model)
        compiler.invalid = invalid
        try:
            compiler.run()
        except PackError as more:
            diagnostics.extend(more.diagnostics)
    raise PackError(diagnostics, doc.text)


def _partial(doc: Document) -> tuple[PackModel, _Invalid] | None:
    """The parts of a pack that validate on their own, and what is known of the rest."""
    data = doc.data
    if not isinstance(data, dict):
        return None
    try:
        meta = _lenient(Meta, data.get("meta"))
    except ValidationError:
        return None
    invalid = _Invalid()
    articles = []
    for raw in _as_list(data.get("articles")):
        try:
            articles.append(_lenient(Article, raw))
        except ValidationError:
            number = raw.get("number") if isinstance(raw, dict) else None
            if isinstance(number, int):
                invalid.articles.add(number)
            else:
                invalid.any_article = True
    parameters = {}
    raw_params = data.get("parameters")
    for name, raw in raw_params.items() if isinstance(raw_params, dict) else ():
        try:
            parameters[str(name)] = _lenient(ParameterModel, raw)
        except ValidationError:
            invalid.parameters.add(str(name))
    scopes = {}
    raw_scopes = data.get("scopes")
    for name, raw in raw_scopes.items() if isinstance(raw_scopes, dict) else ():
        try:
            scopes[str(name)] = ScopeModel.model_validate(raw)
        except ValidationError:
            invalid.scopes.add(str(name))
    rules = []
    for raw in _as_list(data.get("rules")):
        try:
            rules.append(_lenient(RuleModel, raw))
        except ValidationError:
            invalid.rule_indexes.add(len(rules) + len(invalid.rule_indexes))
    model = PackModel.model_construct(
        format=1,
        meta=meta,
        articles=articles,
        parameters=parameters,
        scopes=scopes,
        rules=rules,
        tests=TestsModel(),
    )
    return model, invalid


def _lenient(model: type[_M], raw: Any) -> _M:
    """Validate ``raw`` as ``model``, ignoring unknown keys (already reported)."""
    if isinstance(raw, dict):
        raw = {k: v for k, v in raw.items() if k in model.model_fields}
    return model.model_validate(raw)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class _Invalid:
    """What is known of the parts of a pack that did not validate."""

    def __init__(self) -> None:
        self.articles: set[int] = set()
        self.any_article = False
        self.parameters: set[str] = set()
        self.scopes: set[str] = set()
        self.rule_indexes: set[int] = set()


def compile_document(
    doc: Document,
    model: PackModel | None = None,
    *,
    weekday_fallback: bool = False,
    calendar: WorkCalendar = CHINA,
) -> RuleSet:
    """Compile a validated pack document into its IR; raise ``PackError`` on any error.

    ``weekday_fallback`` makes working-day counts in years the holiday calendar does not cover
    count Monday to Friday instead of being undetermined (documented opt-in). ``calendar``
    is the working-day calendar the counts use (with any supplied State Council notices).
    """
    pack = model if model is not None else validate_document(doc)
    compiler = _Compiler(doc, pack)
    compiler.weekday_fallback = weekday_fallback
    compiler.calendar = calendar
    return compiler.run()


class _Compiler:
    def __init__(self, doc: Document, pack: PackModel) -> None:
        self.doc = doc
        self.pack = pack
        self.language = pack.meta.sources[0].language
        self.source_languages = [s.language for s in pack.meta.sources]
        self.city = pack.meta.city.get("en") or pack.meta.id
        self.city_names = tuple(
            (lang, name) for lang in ("zh", "en", "es") if (name := pack.meta.city.get(lang))
        )
        self.diagnostics: list[Diagnostic] = []
        self.articles: dict[int, Article] = {}
        self.invalid = _Invalid()
        self.weekday_fallback = False
        self.calendar = CHINA
        self.scopes: dict[tuple[str, str], ScopeIR | None] = {}

    def error(
        self, code: str, message: str, path: tuple[Hashable, ...], hint: str | None = None
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.doc.span(path), hint))

    def run(self) -> RuleSet:
        articles = self._articles()
        parameters = self._parameters()
        known: dict[str, Expr] = {p.name: p for p in parameters}
        known.update({name: unknown_expr() for name in self.invalid.parameters})
        parser = ConditionParser(
            self.doc,
            known,
            weekday_fallback=self.weekday_fallback,
            calendar=self.calendar,
            effective=self.pack.meta.effective,
        )
        rules = self._rules(parser)
        self.diagnostics.extend(parser.diagnostics)
        if self.diagnostics:
            raise PackError(self.diagnostics, self.doc.text)
        meta = self.pack.meta
        return RuleSet(
            pack_id=meta.id,
            city=self.city,
            city_names=self.city_names,
            kind_names=kind_names(),
            version=meta.version,
            content_hash=self.doc.content_hash,
            language=self.language,
            effective=meta.effective,
            articles=articles,
            parameters=parameters,
            rules=rules,
            calendar=self.calendar,
            weekday_fallback=self.weekday_fallback,
        )

    # -- articles and parameters -------------------------------------------------------------

    def _articles(self) -> tuple[ArticleIR, ...]:
        missing = [lang for lang in _REQUIRED_LANGUAGES if lang not in self.pack.meta.languages]
        if missing:
            self.error(
                "E108",
                f"meta.languages must include {' and '.join(missing)}",
                ("meta", "languages"),
            )
        out = []
        for i, art in enumerate(self.pack.articles):
            path = ("articles", i)
            if art.number in self.articles:
                self.error("E101", f"article {art.number} is listed twice", (*path, "number"))
                continue
            self.articles[art.number] = art
            for lang in self.pack.meta.languages:
                # A source language may lack an article (Tianjin's Spanish file starts at Art. 3).
                optional = lang in self.source_languages[1:]
                if not art.text.get(lang) and not optional:
                    self.error(
                        "E105", f"article {art.number} has no text in {lang!r}", (*path, "text")
                    )
            texts = tuple((lang, art.text.get(lang) or "") for lang in self.pack.meta.languages)
            out.append(ArticleIR(art.number, art.label, texts, art.declaratory))
        return tuple(out)

    def _parameters(self) -> tuple[Param, ...]:
        out = []
        for name, p in self.pack.parameters.items():
            path = ("parameters", name)
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                self.error("E112", f"parameter name {name!r} must be lower_snake_case", path)
            if p.cite.article not in self.articles:
                self._missing_article(p.cite.article, (*path, "cite", "article"))
            if (p.values is None) == (p.value is None):
                self.error("E113", f"${name} needs either 'value' or dated 'values'", path)
                continue
            if p.values is None:
                value = self._parameter_value(name, p.unit, p.value, (*path, "value"))
                out.append(Param(name, value, p.unit))
                continue
            versions: list[tuple[dt.date, Any]] = []
            for i, version in enumerate(p.values):
                vpath = (*path, "values", i)
                if versions and version.from_ <= versions[-1][0]:
                    self.error("E114", f"${name}: versions must be in date order", vpath)
                v = self._parameter_value(name, p.unit, version.value, (*vpath, "value"))
                versions.append((version.from_, v))
            if not versions:
                self.error("E113", f"${name}: 'values' is empty", path)
                continue
            out.append(Param(name, versions[-1][1], p.unit, tuple(versions)))
        return tuple(out)

    def _parameter_value(self, name: str, unit: str, v: Any, path: tuple[Hashable, ...]) -> Any:
        if unit in ("calendar_days", "working_days", "hours", "months", "years", "count"):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                self.error("E110", f"${name} in {unit} must be a whole number >= 0", path)
            return v
        if unit == "ratio":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.error("E110", f"${name} is a ratio: give a number such as 0.10", path)
                return v
            return Decimal(str(v))
        if unit == "month_day":
            m = re.fullmatch(r"(\d\d)-(\d\d)", str(v))
            if not m or not _valid_month_day(int(m[1]), int(m[2])):
                self.error("E110", f'${name} is a month_day: give "MM-DD", such as "09-30"', path)
                return v
            return (int(m[1]), int(m[2]))
        if unit == "date":
            if not isinstance(v, dt.date) or isinstance(v, dt.datetime):
                self.error("E110", f"${name} is a date: give YYYY-MM-DD", path)
            return v
        if unit == "approver":
            if not isinstance(v, str) or v not in self.pack.meta.authorities:
                known = ", ".join(self.pack.meta.authorities) or "none declared"
                self.error(
                    "E111",
                    f"${name}: {v!r} is not an authority of meta.authorities",
                    path,
                    f"known authorities: {known}",
                )
            return v
        if not isinstance(v, str):
            self.error("E110", f"${name} is text: give a string", path)
        return v

    def _missing_article(self, number: int, path: tuple[Hashable, ...]) -> None:
        if number in self.invalid.articles or self.invalid.any_article:
            return  # its entry is already reported as invalid
        known = sorted(self.articles)
        self.error(
            "E102",
            f"article {number} is not in this pack",
            path,
            f"the pack holds articles {known[0]}–{known[-1]}" if known else None,
        )

    # -- rules -------------------------------------------------------------------------------

    def _rules(self, parser: ConditionParser) -> tuple[RuleIR, ...]:
        seen: set[str] = set()
        out = []
        indexes = (
            i
            for i in range(len(self.pack.rules) + len(self.invalid.rule_indexes))
            if i not in self.invalid.rule_indexes
        )
        for i, rule in zip(indexes, self.pack.rules, strict=False):
            path: tuple[Hashable, ...] = ("rules", i)
            if rule.id in seen:
                self.error("E120", f"rule id {rule.id!r} is used twice", (*path, "id"))
            seen.add(rule.id)
            prefix = f"{self.pack.meta.id}.{rule.subject}."
            if not rule.id.startswith(prefix):
                self.error("E121", f"rule id {rule.id!r} must start with {prefix!r}", (*path, "id"))
            model = SUBJECT_MODELS[rule.subject]
            when = (
                parser.condition(rule.when, (*path, "when"), model)
                if rule.when is not None
                else None
            )
            if rule.severity != "error" and rule.severity_reason is None:
                self.error(
                    "E123",
                    f"{'an' if rule.severity == 'advisory' else 'a'} {rule.severity} rule must "
                    "say why it is not an error (severity_reason)",
                    (*path, "severity"),
                    "one of: " + ", ".join(SEVERITY_REASONS),
                )
            scope = None
            if rule.scope is not None:
                scope = self._scope(rule.scope, rule.subject, parser, (*path, "scope"))
                if scope is not None:
                    when = scope.test if when is None else All((scope.test, when))
            requires = parser.requirement(rule.requires, (*path, "requires"), model)
            messages = tuple(
                (lang, self._message(rule, lang, path, parser, requires))
                for lang in self.pack.meta.languages
                if lang in _REQUIRED_LANGUAGES or rule.message.get(lang)
            )
            pending = self._pending(rule, path, parser, model, requires)
            citations = self._citations(rule, path)
            title = rule.title.get("en") if rule.title else None
            dated_by = actor = None
            if rule.dated_by is not None:
                dated_by = parser.expression(
                    rule.dated_by, (*path, "dated_by"), model, path_ok=True
                )
                if kind_of(dated_by) not in ("date", "any"):
                    self.error(
                        "E242",
                        f"dated_by must be a date, not a {kind_of(dated_by)}",
                        (*path, "dated_by"),
                    )
            if rule.actor is not None:
                actor = parser.expression(rule.actor, (*path, "actor"), model, path_ok=True)
            authority: tuple[tuple[str, str], ...] = ()
            if rule.authority is not None:
                found = parser.expression(rule.authority, (*path, "authority"), model)
                if isinstance(found, Param) and found.unit == "approver":
                    names = self.pack.meta.authorities.get(str(found.value))
                    authority = tuple(
                        (lang, (names.get(lang) if names else None) or str(found.value))
                        for lang in self.pack.meta.languages
                    )
                elif found != unknown_expr():
                    self.error(
                        "E243",
                        "authority must be an approver parameter ($name)",
                        (*path, "authority"),
                    )
            self._check_awaiting(rule, rule.awaiting, (*path, "awaiting"))
            out.append(
                RuleIR(
                    id=rule.id,
                    concept=rule.concept,
                    subject=rule.subject,
                    severity=Severity(rule.severity),
                    confidence=rule.confidence,
                    title=title,
                    when=when,
                    requires=requires,
                    messages=messages,
                    anchor=_anchor(requires) or _anchor(when),
                    dated_by=dated_by,
                    in_force_from=self.pack.meta.effective,
                    actor=actor,
                    authority=authority,
                    citations=citations,
                    span=self.doc.span(path),
                    pending=pending,
                    awaiting=rule.awaiting,
                    scope=scope,
                    severity_reason=rule.severity_reason,
                )
            )
        out.sort(key=_rule_order)
        return tuple(out)

    def _pending(
        self,
        rule: RuleModel,
        path: tuple[Hashable, ...],
        parser: ConditionParser,
        model: type[BaseModel],
        requires: Cond | Deadline,
    ) -> tuple[tuple[Cond, Awaiting], ...]:
        """The rule's ``pending`` cases: when the unmet obligation is open, not broken, and
        who must act in each."""
        if rule.pending is None:
            return ()
        if isinstance(requires, Deadline):
            self.error(
                "E244",
                "pending is for a condition; a deadline is pending by itself until its last day",
                (*path, "pending"),
            )
            return ()
        out = []
        for j, case in enumerate(rule.pending):
            cpath = (*path, "pending", j)
            cond = parser.condition(case.while_, (*cpath, "while"), model)
            if any(isinstance(n, Shift) and n.unit == "working_days" for n in walk(cond)):
                self.error(
                    "E244",
                    "a pending case may not count working days: an open obligation is a fact, "
                    "not a date",
                    (*cpath, "while"),
                )
            self._check_awaiting(rule, case.awaiting, (*cpath, "awaiting"))
            out.append((cond, case.awaiting))
        return tuple(out)

    def _check_awaiting(
        self, rule: RuleModel, awaiting: Awaiting | None, path: tuple[Hashable, ...]
    ) -> None:
        """Who must act is named by the rule: its ``actor`` or its ``authority``."""
        if awaiting is not None and getattr(rule, awaiting) is None:
            self.error(
                "E245",
                f"awaiting: {awaiting} names who must act, but the rule has no {awaiting}",
                path,
                f"give the rule an {awaiting}, or name the other",
            )

    def _scope(
        self, name: str, subject: str, parser: ConditionParser, path: tuple[Hashable, ...]
    ) -> ScopeIR | None:
        """The scope ``name`` over ``subject``, with its test: the field is empty (presumed
        inside) or holds one of the named values. Compiled once per subject kind."""
        spec = self.pack.scopes.get(name)
        if spec is None and name in self.invalid.scopes:
            return None  # its entry is already reported as invalid
        if spec is None:
            hint = did_you_mean(name, self.pack.scopes) or (
                f"known scopes: {', '.join(self.pack.scopes) or 'none declared'}"
            )
            self.error("E122", f"scope {name!r} is not in scopes", path, hint)
            return None
        if (name, subject) in self.scopes:
            return self.scopes[(name, subject)]
        spath: tuple[Hashable, ...] = ("scopes", name)
        raw = {"field": spec.field, "in": spec.in_}
        inside = parser.condition(raw, spath, SUBJECT_MODELS[subject])
        citation = self._citation(spec.cite, (*spath, "cite"))
        compiled = None
        if isinstance(inside, Compare) and isinstance(inside.left, Field) and citation:
            compiled = ScopeIR(
                name=name,
                field=inside.left,
                values=frozenset(spec.in_),
                labels=tuple(
                    (lang, text)
                    for lang in self.pack.meta.languages
                    if (text := spec.label.get(lang))
                ),
                citation=citation,
                test=AnyOf((Not(Present(inside.left)), inside)),
            )
            compiled = scope_words(subject, compiled)
        self.scopes[(name, subject)] = compiled
        return compiled

    def _citations(self, rule: RuleModel, path: tuple[Hashable, ...]) -> tuple[Citation, ...]:
        multi = isinstance(rule.cite, list)
        found = (
            self._citation(cite, (*path, "cite", j) if multi else (*path, "cite"))
            for j, cite in enumerate(rule.citations)
        )
        return tuple(c for c in found if c is not None)

    def _citation(self, cite: CitationModel, cpath: tuple[Hashable, ...]) -> Citation | None:
        art = self.articles.get(cite.article)
        if art is None:
            self._missing_article(cite.article, (*cpath, "article"))
            return None
        self._check_quote(cite, art, cpath)
        return Citation(
            city=self.city,
            article=cite.article,
            label=art.label,
            paragraph=cite.paragraph,
            item=cite.item,
            quote=cite.quote.get(self.language) or "",
            quote_en=cite.quote.get("en"),
            language=self.language,
            quotes=tuple(
                (lang, text) for lang in self.pack.meta.languages if (text := cite.quote.get(lang))
            ),
            sources=tuple(self.source_languages),
            cities=self.city_names,
        )

    def _check_quote(self, cite: CitationModel, art: Article, path: tuple[Hashable, ...]) -> None:
        for lang in self.source_languages:
            quote = cite.quote.get(lang)
            if not art.text.get(lang) and lang != self.language:
                continue  # this source lacks the article
            if quote is None or not _has_words(quote):
                self.error(
                    "E103",
                    f"the citation has no quote in the source language {lang!r}",
                    (*path, "quote"),
                    _NO_WORDS if quote else None,
                )
                continue
            text = art.text.get(lang) or ""
            if quote not in text:
                self.error(
                    "E104",
                    f"the {lang} quote is not in the text of article {art.number} ({art.label})",
                    (*path, "quote", lang),
                    "quote the article's words exactly, as the pack's article text has them",
                )
        for required in _REQUIRED_LANGUAGES:
            given = cite.quote.get(required) or ""
            if required not in self.source_languages and not _has_words(given):
                self.error(
                    "E107",
                    f"the citation has no {required} quote (every citation is given in zh and en)",
                    (*path, "quote"),
                    _NO_WORDS if given else None,
                )
        text = art.text.get(self.language) or ""
        if cite.paragraph is not None:
            count = len(paragraphs(text))
            if cite.paragraph > count:
                self.error(
                    "E106",
                    f"article {art.number} has {count} paragraph(s); "
                    f"there is no paragraph {cite.paragraph}",
                    (*path, "paragraph"),
                    "a line opening with an item mark such as (一) is an item of the "
                    "paragraph before it, not a paragraph",
                )

    def _message(
        self,
        rule: RuleModel,
        lang: str,
        path: tuple[Hashable, ...],
        parser: ConditionParser,
        requires: Any,
    ) -> tuple[MessagePart, ...]:
        template = rule.message.get(lang)
        mpath = (*path, "message", lang)
        if template is None:
            self.error("E241", f"rule {rule.id} has no message in {lang!r}", (*path, "message"))
            return ()
        model = SUBJECT_MODELS[rule.subject]
        parts: list[MessagePart] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(template):
            parts.append(template[pos : m.start()])
            pos = m.end()
            body, _, fallback = m.group(1).partition("|")
            body = body.strip()
            fb = fallback if _ else None
            if body == "@missing":
                lacks = _required_sets(requires)
                if not lacks:
                    self.error(
                        "E240",
                        "{@missing} names what a contains, contains_all or some of requires "
                        "lacks; this rule's requires has none on the subject's own lists",
                        mpath,
                    )
                parts.append(Placeholder(m.group(0), None, "missing", fb, lacks))
                continue
            if body == "@failing":
                items = tuple(
                    n
                    for n in walk(requires)
                    if isinstance(n, Every) and n.field.scope == 0 and n.item_scope == 1
                )
                if not items:
                    self.error(
                        "E240",
                        "{@failing} names the items that break an every of requires; "
                        "this rule's requires has none over the subject's own lists",
                        mpath,
                    )
                parts.append(Placeholder(m.group(0), None, "failing", fb, items=items))
                continue
            if body.startswith("@") and body[1:] in _FACTS:
                if not isinstance(requires, Deadline):
                    self.error("E240", f"{{{body}}} is only known in a deadline rule", mpath)
                parts.append(Placeholder(m.group(0), None, body[1:], fb))  # type: ignore[arg-type]
                continue
            before = len(parser.diagnostics)
            raw: Any = body if body[:1] in ("$", "@") else {"field": body}
            expr = parser.expression(raw, mpath, model)
            if len(parser.diagnostics) > before or expr == Const(None):
                last = parser.diagnostics[-1] if len(parser.diagnostics) > before else None
                del parser.diagnostics[before:]
                self.error(
                    "E240",
                    f"placeholder {m.group(0)} in the {lang} message: "
                    f"{last.message if last else 'unknown'}",
                    mpath,
                    last.hint if last else None,
                )
                continue
            if isinstance(expr, Param) and expr.unit == "approver":
                # Name the authority as the text does, in the message's language.
                names = self.pack.meta.authorities.get(str(expr.value))
                parts.append((names.get(lang) if names else None) or str(expr.value))
                continue
            parts.append(Placeholder(m.group(0), expr, None, fb))
        parts.append(template[pos:])
        stray = [c for p in parts if isinstance(p, str) for c in p if c in "{}"]
        if stray:
            self.error(
                "E242",
                f"the {lang} message has a {stray[0]!r} that opens or closes no placeholder",
                mpath,
                "write placeholders as {field}, {$parameter} or {@due}; braces are not text",
            )
        if lang == "zh":  # ids in Chinese words, fixed now (the report never reads them)
            parts = [
                placeholder_words(rule.subject, p, requires) if isinstance(p, Placeholder) else p
                for p in parts
            ]
        return tuple(p for p in parts if p != "")


def _required_sets(requires: Cond | Deadline) -> tuple[Compare | Some, ...]:
    """What ``{@missing}`` can name in a requirement: its ``contains`` and ``contains_all``
    on the subject's own lists against values of the subject (not of an item of
    ``some``/``every``), and its ``some`` over the subject's own lists whose ``where`` asks an
    item for a value (``{field: to, eq: $recipient}``)."""
    if isinstance(requires, Deadline):
        return ()
    return tuple(
        n
        for n in walk(requires)
        if (
            isinstance(n, Compare)
            and n.op in ("contains", "contains_all")
            and isinstance(n.left, Field)
            and n.left.scope == 0
            and all(f.scope == 0 for f in walk(n.right) if isinstance(f, Field))
        )
        or (isinstance(n, Some) and n.field.scope == 0 and bool(asked_values(n)))
    )


def _anchor(node: Node | None) -> tuple[str, ...]:
    """The subject field that best locates a violation of the rule: the first field of the
    subject the requirement reads (for a deadline, the act that is due)."""
    match node:
        case None:
            return ()
        case Deadline(due=due, done=done):
            return _anchor(done) or _anchor(due)
        case Field(path=path, scope=scope):
            return path if scope == 0 and path != ("?",) else ()
        case _:
            for child in children(node):
                found = _anchor(child)
                if found:
                    return found
            return ()


def _rule_order(rule: RuleIR) -> tuple[int, int, int, str]:
    c = rule.citations[0] if rule.citations else None
    if c is None:
        return (0, 0, 0, rule.id)
    return (c.article, c.paragraph or 0, c.item or 0, rule.id)


_NO_WORDS = "a quote of spaces or punctuation only quotes nothing: quote the text's words"


def _has_words(quote: str) -> bool:
    """True when the quote holds a word: a letter, digit or ideograph, not only spaces and
    punctuation (which occur in every paragraph and tie the rule to nothing)."""
    return any(ch.isalnum() for ch in quote)


def _valid_month_day(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)  # a leap year, so 02-29 is a valid annual date
    except ValueError:
        return False
    return True
