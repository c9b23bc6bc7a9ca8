"""Renderers of a ``PackDiff`` and a ``Matrix``: text (80 columns), JSON (stable, documented in
docs/diff.md), Markdown, one self-contained HTML page and CSV for a spreadsheet (``pdf.py``
prints the HTML to PDF; ``svg.py`` and ``history.py`` draw the pictures the HTML shows). They
format records and compute nothing; ``words`` holds the phrases they share.

``RENDERERS`` is the one table of the formats, in the order ``egovrules diff --format`` and
``egovrules matrix --format`` list them: each format renders both a diff and a matrix.
``render`` renders either in one of them, from the command line or from Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from egovrules.diffing.model import Matrix, PackDiff
from egovrules.diffing.render.csv import render_diff_csv, render_matrix_csv
from egovrules.diffing.render.html import render_diff_html, render_matrix_html
from egovrules.diffing.render.json import render_json
from egovrules.diffing.render.markdown import render_diff_markdown, render_matrix_markdown
from egovrules.diffing.render.text import render_diff_text, render_matrix_text
from egovrules.source.errors import UsageError
from egovrules.source.suggest import did_you_mean

__all__ = ["RENDERERS", "Renderer", "render"]


@dataclass(frozen=True, slots=True)
class Renderer:
    """One format: how it renders a diff and how it renders a matrix."""

    diff: Callable[[PackDiff], str]
    matrix: Callable[[Matrix], str]


RENDERERS: Mapping[str, Renderer] = MappingProxyType(
    {
        "text": Renderer(render_diff_text, render_matrix_text),
        "json": Renderer(render_json, render_json),
        "markdown": Renderer(render_diff_markdown, render_matrix_markdown),
        "html": Renderer(render_diff_html, render_matrix_html),
        "csv": Renderer(render_diff_csv, render_matrix_csv),
    }
)


def render(fmt: str, result: PackDiff | Matrix) -> str:
    """The diff or matrix ``result`` in the format ``fmt`` (a key of ``RENDERERS``)."""
    if fmt not in RENDERERS:
        known = did_you_mean(fmt, RENDERERS) or f"the formats: {', '.join(RENDERERS)}"
        raise UsageError(f"unknown output format {fmt!r}; {known}")
    if isinstance(result, Matrix):
        return RENDERERS[fmt].matrix(result)
    return RENDERERS[fmt].diff(result)
