"""A parameter's value over a pack's revisions: ``parameter_history("wuhan",
"police_filing_days")`` reads the pack file at each revision git lists for it (``git log``,
newest ``limit`` commits) or at the revisions given, with ``git show`` (read-only: nothing in
the repository changes), and returns each revision's value, oldest first.

The value is read from the file's ``parameters`` section as written (one ``value``, or the
dated ``values`` of an amended parameter), not by compiling the pack: an old revision that a
newer loader would refuse still shows its value. A revision where the pack has no such
parameter, or no file, or a file that is not YAML, has no value and says why.

Outside a git checkout (an installed wheel, a pack file git does not track) the result is a
``NoHistory`` that says why, never an exception; a pack name that names nothing, or a revision
the caller gave that git does not know, is a ``UsageError`` (exit 2).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from egovrules.diffing.model import NoHistory, ParameterHistory, Revision
from egovrules.diffing.refs import git_show, pack_file, run_git, split_ref
from egovrules.source.errors import UsageError

__all__ = ["HISTORY_LIMIT", "NoHistory", "ParameterHistory", "Revision", "parameter_history"]

HISTORY_LIMIT = 20
"""How many of the newest commits of the pack file ``git log`` lists when no revisions are
given."""


def parameter_history(
    ref: str,
    parameter: str,
    revisions: Sequence[str] | None = None,
    *,
    limit: int = HISTORY_LIMIT,
) -> ParameterHistory | NoHistory:
    """``parameter`` of the pack ``ref`` names (``wuhan``, ``rules/wuhan.yaml``; with
    ``@REV``, the newest revision considered) at each of ``revisions``, or at the newest
    ``limit`` commits of the pack file when none are given."""
    name, until = split_ref(ref)
    folder, file = pack_file(name, ref)
    if not folder.is_dir():
        return NoHistory(ref, parameter, f"{folder} is not a folder")
    try:
        inside = run_git(folder, ["rev-parse", "--is-inside-work-tree"], ref)
    except UsageError as exc:
        return NoHistory(ref, parameter, str(exc))
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        return NoHistory(ref, parameter, f"{folder} is not in a git checkout")
    if revisions is None:
        heads = _log(folder, file, until or "HEAD", limit, ref)
        if not heads:
            return NoHistory(ref, parameter, f"git has no commit of {file} in {folder}")
    else:
        heads = [_describe(folder, rev, ref) for rev in revisions]
    out = tuple(_at(folder, file, parameter, head, ref) for head in heads)
    return ParameterHistory(ref, parameter, file, out)


_Head = tuple[str, str, dt.date | None, str]


def _log(folder: Path, file: str, until: str, limit: int, ref: str) -> list[_Head]:
    if until.startswith("-"):
        raise UsageError(f"{ref!r}: a revision cannot start with '-'")
    done = run_git(
        folder,
        ["log", f"-n{max(1, limit)}", "--format=%H%x09%h%x09%cs%x09%s", until, "--", file],
        ref,
    )
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"{ref!r}: git cannot list the revisions of {file}" + (f" ({why[-1]})" if why else "")
        )
    heads = [_head(line) for line in done.stdout.decode("utf-8", "replace").splitlines() if line]
    return heads[::-1]


def _describe(folder: Path, rev: str, ref: str) -> _Head:
    if rev.startswith("-"):
        raise UsageError(f"{ref!r}: a revision cannot start with '-'")
    done = run_git(
        folder, ["log", "-n1", "--format=%H%x09%h%x09%cs%x09%s", f"{rev}^{{commit}}", "--"], ref
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise UsageError(f"{ref!r}: git does not know the revision {rev!r}")
    return _head(done.stdout.decode("utf-8", "replace").splitlines()[0])


def _head(line: str) -> _Head:
    commit, short, day, subject = [*line.split("\t", 3), "", "", ""][:4]
    try:
        date: dt.date | None = dt.date.fromisoformat(day)
    except ValueError:
        date = None
    return commit, short, date, subject


def _at(folder: Path, file: str, parameter: str, head: _Head, ref: str) -> Revision:
    commit, short, date, subject = head

    def absent(why: str) -> Revision:
        return Revision(commit, short, date, subject, None, None, why)

    params = _parameters(folder, commit, file, ref)
    if isinstance(params, str):
        return absent(params)
    entry = params.get(parameter)
    if not isinstance(entry, dict):
        return absent("no such parameter")
    unit = entry.get("unit")
    value = _value(entry)
    if value is None:
        return absent("no such parameter")
    return Revision(commit, short, date, subject, value, str(unit) if unit else None)


# A top-level key of the pack file: where its ``parameters`` section ends.
_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:", re.MULTILINE)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=256)
def _parameters(folder: Path, commit: str, file: str, ref: str) -> dict[str, Any] | str:
    """The ``parameters`` of ``file`` at ``commit`` (a commit id: what it names never
    changes), or why there are none. Only that section is parsed: a pack file is large."""
    try:
        text = git_show(folder, commit, file, ref)
    except UsageError:
        return "no pack file"
    start = re.search(r"^parameters:", text, re.MULTILINE)
    if start is not None:
        end = _TOP_KEY.search(text, start.end())
        text = text[start.start() : end.start() if end is not None else len(text)]
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        return "not a pack file"
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        return "no such parameter"
    return params


def _value(entry: dict[str, Any]) -> str | None:
    if "value" in entry:
        return None if entry["value"] is None else _text(entry["value"])
    versions = entry.get("values")
    if isinstance(versions, list):
        return "; ".join(
            f"from {_text(v.get('from'))}: {_text(v.get('value'))}"
            for v in versions
            if isinstance(v, dict)
        )
    return None


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)
