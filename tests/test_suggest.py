"""The one "did you mean" helper."""

from __future__ import annotations

from egovrules.source.suggest import closest, did_you_mean


def test_the_closest_name_is_suggested() -> None:
    """A typo finds the name it was meant to be; the suggestion quotes it."""
    assert closest("wuhna", ["hohhot", "wuhan", "tianjin"]) == "wuhan"
    assert did_you_mean("wuhna", ["hohhot", "wuhan"]) == "did you mean 'wuhan'?"


def test_nothing_is_suggested_when_nothing_is_close() -> None:
    """A name like none of the choices gets no suggestion rather than a wild one."""
    assert closest("atlantis", ["hohhot", "wuhan"]) is None
    assert did_you_mean("atlantis", []) is None
