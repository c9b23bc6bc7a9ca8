"""Renderers of a ``PackDiff`` and a ``Matrix``: text (80 columns), JSON (stable, documented in
docs/diff.md), Markdown and one self-contained HTML page. They format records and compute
nothing; ``words`` holds the phrases they share."""

from __future__ import annotations

__all__: list[str] = []
