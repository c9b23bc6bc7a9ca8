"""The output formats of a run, in one table: ``RENDERERS`` maps each format's name to its
renderer, in the order ``egovrules check --format`` lists them, and ``render`` renders a run in
one of them, from the command line or from Python.

Every entry takes the same arguments: the checked subjects, the rules of the packs used by id,
the language of the messages, and the inputs the run could not judge (``failures``, each an
``InputFailure``: every machine format shows them where CI looks). Only SARIF reads the rules
(its ``tool.driver.rules``); the formats that do not need them take them all the same, so that
a caller never has to know which format wants what. Each format's own module keeps its own
function (``render_text(checked, language)``, ``render_sarif(checked, rules, language)``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Protocol

from egovrules.ir.nodes import RuleIR
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked
from egovrules.source.errors import UsageError
from egovrules.source.suggest import did_you_mean

__all__ = ["RENDERERS", "Renderer", "render"]


class Renderer(Protocol):
    """A format: (checked subjects, rules by id, language, failures) -> the document."""

    def __call__(
        self,
        checked: Sequence[Checked],
        rules: Mapping[str, RuleIR],
        language: str,
        failures: Sequence[InputFailure] = (),
    ) -> str: ...


# Each format's module is imported when the format is first used, not with the table.
def _text(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str,
    failures: Sequence[InputFailure] = (),
) -> str:
    from egovrules.report.render.text import render_text  # noqa: PLC0415

    return render_text(checked, language, failures)


def _json(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str,
    failures: Sequence[InputFailure] = (),
) -> str:
    from egovrules.report.render.json import render_json  # noqa: PLC0415

    return render_json(checked, language, failures)


def _sarif(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str,
    failures: Sequence[InputFailure] = (),
) -> str:
    from egovrules.report.render.sarif import render_sarif  # noqa: PLC0415

    return render_sarif(checked, rules, language, failures)


def _junit(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str,
    failures: Sequence[InputFailure] = (),
) -> str:
    from egovrules.report.render.junit import render_junit  # noqa: PLC0415

    return render_junit(checked, rules, language, failures)


def _github(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str,
    failures: Sequence[InputFailure] = (),
) -> str:
    from egovrules.report.render.github import render_github  # noqa: PLC0415

    return render_github(checked, language, failures)


def _markdown(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str,
    failures: Sequence[InputFailure] = (),
) -> str:
    from egovrules.report.render.markdown import render_markdown  # noqa: PLC0415

    return render_markdown(checked, language, failures)


def _gitlab(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str,
    failures: Sequence[InputFailure] = (),
) -> str:
    from egovrules.report.render.gitlab import render_gitlab  # noqa: PLC0415

    return render_gitlab(checked, language, failures)


RENDERERS: Mapping[str, Renderer] = MappingProxyType(
    {
        "text": _text,
        "json": _json,
        "sarif": _sarif,
        "junit": _junit,
        "github": _github,
        "markdown": _markdown,
        "gitlab": _gitlab,
    }
)


def render(
    fmt: str,
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str = "en",
    failures: Sequence[InputFailure] = (),
) -> str:
    """The run in the format ``fmt`` (a key of ``RENDERERS``), messages in ``language``;
    ``rules`` holds every rule the reports name, by id (``{r.id: r for r in pack.rules}``);
    ``failures`` are the inputs the run could not judge (``RunResult.failures``)."""
    if fmt not in RENDERERS:
        known = did_you_mean(fmt, RENDERERS) or f"the formats: {', '.join(RENDERERS)}"
        raise UsageError(f"unknown output format {fmt!r}; {known}")
    return RENDERERS[fmt](checked, rules, language, failures)
