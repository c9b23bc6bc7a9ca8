"""A concept of a diff with its pictures: the deadline timeline of the two packs on it and the
history of each parameter the timeline's steps use, on each side (``diff(..., pictures=True)``,
which the HTML diff asks for)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from egovrules.diffing.history import parameter_history
from egovrules.diffing.model import ConceptDiff, NoHistory, ParameterHistory
from egovrules.diffing.timeline import timeline
from egovrules.engine.pack import Pack
from egovrules.source.errors import UsageError

__all__ = ["with_pictures"]


def with_pictures(c: ConceptDiff, sides: Sequence[tuple[Pack, str, str | None]]) -> ConceptDiff:
    """``c`` with its ``timeline`` and ``histories`` (unchanged when no rule of any side on the
    concept counts days or orders acts). ``sides``: each pack, its label in the diff, and how
    the caller named it (a bundled id, a file, either ``@REVISION``: where its history is
    read; ``None`` for a pack given as an object, whose file is not known)."""
    labels = [label for _, label, _ in sides]
    t = timeline([pack for pack, _, _ in sides], c.concept, labels=labels)
    if t is None:
        return c
    histories: list[ParameterHistory | NoHistory] = []
    for ref, (_, _, named) in zip(t.packs, sides, strict=True):
        for name in dict.fromkeys(s.parameter for s in t.steps_of(ref) if s.parameter):
            if named is None:
                why = "the pack was given as an object, not as a file or a bundled id"
                histories.append(NoHistory(ref.label, name, why))
                continue
            try:
                histories.append(parameter_history(named, name))
            except UsageError as exc:  # git cannot read the revisions the name asks for
                histories.append(NoHistory(named, name, str(exc)))
    return dataclasses.replace(c, timeline=t, histories=tuple(histories))
