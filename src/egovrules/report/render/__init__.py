"""The output formats of a run, in one table: ``RENDERERS`` maps each format's name to its
renderer, in the order ``egovrules check --format`` lists them, and ``render`` renders a run in
one of them, from the command line or from Python.

Every entry takes the same three arguments: the checked subjects, the rules of the packs used
by id, and the language of the messages. Only SARIF reads the rules (its
``tool.driver.rules``); the formats that do not need them take them all the same, so that a
caller never has to know which format wants what. Each format's own module keeps its own
function (``render_text(checked, language)``, ``render_sarif(checked, rules, language)``, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from egovrules.ir.nodes import RuleIR
from egovrules.report.model import Checked
from egovrules.source.errors import UsageError
from egovrules.source.suggest import did_you_mean

__all__ = ["RENDERERS", "Renderer", "render"]

Renderer = Callable[[Sequence[Checked], Mapping[str, RuleIR], str], str]
"""A format: (checked subjects, rules by id, language) -> the document."""


# Each format's module is imported when the format is first used, not with the table.
def _text(checked: Sequence[Checked], rules: Mapping[str, RuleIR], language: str) -> str:
    from egovrules.report.render.text import render_text  # noqa: PLC0415

    return render_text(checked, language)


def _json(checked: Sequence[Checked], rules: Mapping[str, RuleIR], language: str) -> str:
    from egovrules.report.render.json import render_json  # noqa: PLC0415

    return render_json(checked, language)


def _sarif(checked: Sequence[Checked], rules: Mapping[str, RuleIR], language: str) -> str:
    from egovrules.report.render.sarif import render_sarif  # noqa: PLC0415

    return render_sarif(checked, rules, language)


def _junit(checked: Sequence[Checked], rules: Mapping[str, RuleIR], language: str) -> str:
    from egovrules.report.render.junit import render_junit  # noqa: PLC0415

    return render_junit(checked, rules, language)


def _github(checked: Sequence[Checked], rules: Mapping[str, RuleIR], language: str) -> str:
    from egovrules.report.render.github import render_github  # noqa: PLC0415

    return render_github(checked, language)


def _markdown(checked: Sequence[Checked], rules: Mapping[str, RuleIR], language: str) -> str:
    from egovrules.report.render.markdown import render_markdown  # noqa: PLC0415

    return render_markdown(checked, language)


RENDERERS: Mapping[str, Renderer] = MappingProxyType(
    {
        "text": _text,
        "json": _json,
        "sarif": _sarif,
        "junit": _junit,
        "github": _github,
        "markdown": _markdown,
    }
)


def render(
    fmt: str, checked: Sequence[Checked], rules: Mapping[str, RuleIR], language: str = "en"
) -> str:
    """The run in the format ``fmt`` (a key of ``RENDERERS``), messages in ``language``;
    ``rules`` holds every rule the reports name, by id (``{r.id: r for r in pack.rules}``)."""
    if fmt not in RENDERERS:
        known = did_you_mean(fmt, RENDERERS) or f"the formats: {', '.join(RENDERERS)}"
        raise UsageError(f"unknown output format {fmt!r}; {known}")
    return RENDERERS[fmt](checked, rules, language)
