"""Naming the packs to compare: a bundled id (``wuhan``), a pack file, or a pack as it was at
a git revision (``wuhan@v1.0``, ``rules/wuhan.yaml@HEAD~3``).

A revision is read with ``git show <rev>:./<file>`` run in the file's folder (read-only: it
never changes the repository), written to a temporary file and loaded like any pack. A revision
or file git does not know is a ``UsageError`` (exit 2), never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from egovrules.engine.pack import Pack, load_pack
from egovrules.packdata.bundled import available_packs, bundled_dir
from egovrules.source.errors import UsageError

__all__ = ["git_show", "load_ref", "pack_file", "run_git", "split_ref"]

_GIT_TIMEOUT_S = 30


def split_ref(ref: str) -> tuple[str, str | None]:
    """``"wuhan@HEAD"`` → ``("wuhan", "HEAD")``; a name with no ``@`` (or an existing file
    whose name holds one) has no revision."""
    if "@" not in ref or Path(ref).exists():
        return ref, None
    name, _, rev = ref.rpartition("@")
    if not name or not rev:
        raise UsageError(f"{ref!r}: expected NAME@REVISION, e.g. wuhan@HEAD")
    return name, rev


def load_ref(ref: str, *, weekday_fallback: bool = False) -> Pack:
    """Load the pack ``ref`` names (id, file, or either with ``@revision``)."""
    name, rev = split_ref(ref)
    if rev is None:
        return load_pack(name, weekday_fallback=weekday_fallback)
    folder, file = pack_file(name, ref)
    text = git_show(folder, rev, file, ref)
    with tempfile.TemporaryDirectory(prefix="egovrules-rev-") as tmp:
        target = Path(tmp) / file
        target.write_text(text, encoding="utf-8")
        return load_pack(target, weekday_fallback=weekday_fallback)


def pack_file(name: str, ref: str) -> tuple[Path, str]:
    """The folder and file name of the pack ``name`` (a file, or a bundled id) that ``ref``
    names; ``UsageError`` when it is neither."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path.parent, path.name
    if name in available_packs():
        return bundled_dir(), f"{name}.yaml"
    raise UsageError(
        f"{ref!r}: no bundled pack {name!r} and no such file; "
        f"available: {', '.join(available_packs())}"
    )


def run_git(folder: Path, args: list[str], ref: str) -> subprocess.CompletedProcess[bytes]:
    """``git -C folder *args`` (read-only commands only), its output captured; ``UsageError``
    when git is not installed or cannot be run."""
    git = shutil.which("git")
    if git is None:
        raise UsageError(f"{ref!r}: reading a pack at a revision needs git, which is not installed")
    try:
        return subprocess.run(
            [git, "-C", str(folder), *args],
            capture_output=True,
            check=False,
            timeout=_GIT_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"{ref!r}: git could not be run: {exc}") from None


def git_show(folder: Path, rev: str, file: str, ref: str) -> str:
    """The text of ``file`` (in ``folder``) at revision ``rev``; ``UsageError`` when git does
    not know the revision or the file there."""
    if rev.startswith("-"):
        raise UsageError(f"{ref!r}: a revision cannot start with '-'")
    done = run_git(folder, ["show", f"{rev}:./{file}"], ref)
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"{ref!r}: cannot read {file} at revision {rev!r}" + (f" ({why[-1]})" if why else "")
        )
    return done.stdout.decode("utf-8")
