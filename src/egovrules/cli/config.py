"""The project config: ``egovrules check`` configured once per repository.

``.egovrules.yaml``, or a ``[tool.egovrules]`` table in ``pyproject.toml``, in the working
directory or the nearest parent (up to the repository root, the first folder with ``.git``),
holds the options a team would otherwise repeat in every CI job and hook::

    city: wuhan                 # --city
    kind: website               # --kind
    fail-on: error              # --fail-on
    as-of: 2026-03-22           # --as-of (usually left out: today)
    lang: zh                    # --lang
    format: github              # --format, what stdout gets
    include: [compliance/]      # what to check when the command line names nothing
    exclude: ["drafts/*"]       # --exclude, added to the command line's
    only: ["website.*"]         # --only
    skip: []                    # --skip
    weekday-fallback: false     # --weekday-fallback
    output: {sarif: egovrules.sarif, junit: egovrules-junit.xml}   # --output FORMAT=FILE
    baseline: egovrules-baseline.json   # --baseline
    waivers: compliance/waivers.yaml    # --waivers
    inline-waivers: false       # --no-inline-waivers

Paths (``include``, ``output``, ``baseline``, ``waivers``) are relative to the config file's
folder. A flag on the command line overrides the config (``exclude`` and ``output`` add to it).
An unknown key or a bad value is an error (``E901``) at its line and column, with the nearest
known key as a hint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from egovrules.report.render import RENDERERS
from egovrules.source.document import (
    DocumentError,
    data_diagnostics,
    read_bounded,
    read_document,
)
from egovrules.source.errors import ConfigError, Diagnostic
from egovrules.source.span import Span
from egovrules.source.suggest import did_you_mean
from egovrules.subjects import SUBJECT_KINDS

__all__ = ["CONFIG_FILE", "ProjectConfig", "Settings", "find_config", "load_config"]

CONFIG_FILE = ".egovrules.yaml"
_CODE = "E901"
_TABLE = re.compile(r"^\s*\[tool\.egovrules[\].]", re.M)


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Settings(BaseModel):
    """The keys of a project config (all optional)."""

    # Built when a config is first read: a check without one never pays for its schema.
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab, defer_build=True)

    city: str | None = None
    kind: str | None = None
    fail_on: Literal["error", "warning", "advisory", "never"] | None = None
    as_of: dt.date | None = None
    lang: Literal["en", "zh"] | None = None
    format: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    weekday_fallback: bool | None = None
    output: dict[str, str] = {}
    baseline: str | None = None
    waivers: str | None = None
    inline_waivers: bool | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        if value is not None and value not in SUBJECT_KINDS:
            raise ValueError(f"not a subject kind; kinds: {', '.join(SUBJECT_KINDS)}")
        return value

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is not None and value not in RENDERERS:
            raise ValueError(f"not an output format; formats: {', '.join(RENDERERS)}")
        return value

    @field_validator("output")
    @classmethod
    def _known_formats(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = [fmt for fmt in value if fmt not in RENDERERS]
        if unknown:
            raise ValueError(
                f"{unknown[0]!r} is not an output format; formats: {', '.join(RENDERERS)}"
            )
        return value


_KEYS = tuple(_kebab(name) for name in Settings.model_fields)


@dataclass(frozen=True)
class ProjectConfig:
    """The settings of one config file, and where it is."""

    file: Path
    settings: Settings

    def path(self, relative: str) -> str:
        """A path of the config, as seen from the working directory."""
        base = os.path.relpath(self.file.parent)
        return relative if base == "." else os.path.join(base, relative)


def _has_table(text: str) -> bool:
    """Whether a pyproject.toml holds ``[tool.egovrules]``, however TOML writes it (``[ tool.
    egovrules ]``, ``[tool."egovrules"]``, ``egovrules = {...}`` under ``[tool]``) and not in a
    string that only looks like it. A text that is not TOML is one when a line opens the
    table, so that its error is reported rather than the config passed over."""
    if "egovrules" not in text:
        return False  # most pyproject.toml files: not parsed at all
    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        return _TABLE.search(text) is not None
    return isinstance(tool, dict) and "egovrules" in tool


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``.egovrules.yaml`` or ``pyproject.toml`` with ``[tool.egovrules]``, from
    ``start`` (the working directory) up to the repository root."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidates = [folder / CONFIG_FILE] if (folder / CONFIG_FILE).is_file() else []
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_table(
            pyproject.read_text(encoding="utf-8", errors="replace")
        ):
            candidates.append(pyproject)
        if len(candidates) > 1:
            raise ConfigError(
                [
                    Diagnostic(
                        _CODE,
                        f"two project configs in {folder}: {CONFIG_FILE} and "
                        "pyproject.toml [tool.egovrules]",
                        Span(str(candidates[0]), 1, 1),
                        "keep one of them",
                    )
                ]
            )
        if candidates:
            return candidates[0]
        if (folder / ".git").exists():
            return None
    return None


def load_config(file: Path | None) -> ProjectConfig | None:
    """The config in ``file`` (found with ``find_config`` when ``None``); ``ConfigError``
    with the position of every problem."""
    file = file if file is not None else find_config()
    if file is None:
        return None
    name = os.path.relpath(file)
    if file.name.endswith(".toml"):
        data, text, span = _read_toml(file, name)
    else:
        try:
            doc = read_document(file, display_name=name)
        except DocumentError as exc:
            raise ConfigError(exc.diagnostics, exc.text) from None
        data, text, span = doc.data, doc.text, doc.span
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([Diagnostic(_CODE, "the config must be a mapping of keys", span(()))])
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        diagnostics = [_hinted(d) for d in data_diagnostics(exc, data, _CODE, (), span)]
        raise ConfigError(diagnostics, text) from None
    return ProjectConfig(file, settings)


def _hinted(d: Diagnostic) -> Diagnostic:
    if d.message.startswith("unknown key") and d.loc and isinstance(d.loc[-1], str):
        hint = did_you_mean(d.loc[-1], _KEYS) or f"keys: {', '.join(_KEYS)}"
        return dataclasses.replace(d, hint=hint)
    return d


def _read_toml(file: Path, name: str) -> tuple[Any, str, Any]:
    try:
        text = read_bounded(file, name).decode("utf-8", errors="replace")
    except DocumentError as exc:
        raise ConfigError(exc.diagnostics, exc.text) from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        span = Span(name, int(where[1]), int(where[2])) if where else Span(name, 1, 1)
        raise ConfigError([Diagnostic("E900", f"not valid TOML: {exc}", span)], text) from None
    lines = text.splitlines()

    def at(path: tuple[Hashable, ...], *, key: bool = False) -> Span:
        """The line of the key at ``path`` in ``[tool.egovrules]`` (or its sub-table)."""
        del key  # a TOML key and its value share a line
        keys = [str(p) for p in path]
        for depth in range(len(keys), 0, -1):
            table_name = ".".join(["tool", "egovrules", *keys[: depth - 1]])
            found = _key_line(lines, table_name, keys[depth - 1])
            if found is not None:
                return Span(name, *found)
        header = _header_line(lines, "tool.egovrules")
        return Span(name, header or 1, 1)

    tool = table.get("tool")
    if not (isinstance(tool, dict) and isinstance(tool.get("egovrules"), dict)):
        # A file named with --config that holds no such table configures nothing: say so
        # rather than run with no settings.
        raise ConfigError(
            [Diagnostic(_CODE, "no [tool.egovrules] table in this file", Span(name, 1, 1))], text
        )
    return tool["egovrules"], text, at


def _header_line(lines: list[str], table: str) -> int | None:
    pattern = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def _key_line(lines: list[str], table: str, key: str) -> tuple[int, int] | None:
    """Line and column of ``key = ...`` inside ``[table]``, before the next table header."""
    start = _header_line(lines, table)
    if start is None:
        return None
    pattern = re.compile(rf"^(\s*)[\"']?{re.escape(key)}[\"']?\s*=")
    for n in range(start, len(lines)):
        line = lines[n]
        if line.lstrip().startswith("["):
            return None
        match = pattern.match(line)
        if match:
            return n + 1, len(match[1]) + 1
    return None
