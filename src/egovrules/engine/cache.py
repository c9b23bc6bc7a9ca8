"""Compiled packs kept on disk, so that a process loads a pack without reading its YAML,
validating it or compiling it again.

An entry is found by a key that covers everything its contents depend on: the pack file's
bytes and name, the ``weekday_fallback`` option (a pack counting on supplied holiday notices
is not kept), and the engine (egovrules' version, the size, modification and change times and
the inode of each of its modules and of the field words, the Python version and the bytecode
format). A
changed pack or a changed egovrules therefore never meets an old entry. An entry that cannot
be read back whole (truncated, corrupt, from another layout) is ignored, and rebuilt.

Where: ``$EGOVRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/egovrules``, else
``~/.cache/egovrules`` (created owner-only). ``EGOVRULES_NO_CACHE=1`` turns it off. Entries are
written to a temporary file and renamed into place, so processes that load the same pack at
once each read a whole entry or none; the newest 64 entries are kept, older ones removed when
an entry is written. Only the pack file is read to find an entry: nothing a
checked subject names. The entries are pickles, trusted as the installed code is: a cache
directory others may write to is as unsafe as a ``site-packages`` they may write to.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Any

from egovrules._version import __version__
from egovrules.backends.python import CompiledKind
from egovrules.ir.nodes import RuleSet
from egovrules.packdata.bundled import bundled_dir

__all__ = ["cache_dir", "entry_key", "read_entry", "write_entry"]

# Bumped whenever what an entry holds changes. 5: who must act while a duty is open comes with
# the last day its case names. 4: the compiled findings (messages, actor,
# deadline facts of each rule: ``backends.messages``) beside the compiled conditions.
_LAYOUT = "egovrules-pack-cache-5"


def cache_dir() -> Path | None:
    """Where entries are kept; ``None`` when the cache is turned off."""
    if os.environ.get("EGOVRULES_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("EGOVRULES_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "egovrules"


@cache
def _engine() -> bytes:
    """What identifies this egovrules: a change to any of its modules changes it."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{_LAYOUT}\0{__version__}\0{sys.version}\0{marshal.version}".encode())
    for path in sorted(root.rglob("*.py")):
        h.update(_stamp(path, str(path.relative_to(root))))
    # The field words a compiled Chinese message holds (egovrules.ir.placeholder_words) too.
    h.update(_stamp(bundled_dir() / "vocabulary" / "fields.yaml", "fields.yaml"))
    return h.digest()


def _stamp(path: Path, name: str) -> bytes:
    """What tells one state of a file from another without reading it: its size and
    modification time, and the file itself (its inode) and the time of its last change
    (``st_ctime``), which a write or a time set back (``touch -r``) moves and no one can set:
    a copy made with its times (``cp -p``, a tar, a Nix store) or a module edited to the same
    size with its time restored is another engine, whose packs are compiled again. The device
    is left out: one image's files are on a new device in each container (an overlay mount),
    and a cache shared by them would never be hit. (On Windows ``st_ctime`` is the creation
    time: there an edit keeping size and time is not seen.)"""
    st = path.stat()
    return (f"\0{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}").encode()


def entry_key(raw: bytes, name: str, weekday_fallback: bool) -> str:
    """The key of the pack file ``name`` holding ``raw``, compiled with ``weekday_fallback``
    (the name is part of it: every rule's span names its file)."""
    h = hashlib.sha256(_engine())
    h.update(b"\1" if weekday_fallback else b"\0")
    h.update(name.encode("utf-8", "surrogatepass") + b"\0")
    h.update(raw)
    return h.hexdigest()


def read_entry(
    key: str,
) -> tuple[RuleSet, dict[str, CompiledKind], dict[str, CompiledKind]] | None:
    """The rule set, its compiled conditions and its compiled findings kept under ``key``;
    ``None`` when there is no whole, readable entry."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        blob = (folder / f"{key}.pickle").read_bytes()
        entry: Any = pickle.loads(blob)  # our own entry: see the module docstring
        layout, stored_key, ruleset, compiled, messages = entry
    except Exception:  # absent, unreadable, truncated or from another layout: rebuild
        return None
    if layout != _LAYOUT or stored_key != key or not isinstance(ruleset, RuleSet):
        return None
    return ruleset, compiled, messages


def write_entry(
    key: str,
    ruleset: RuleSet,
    compiled: dict[str, CompiledKind],
    messages: dict[str, CompiledKind],
) -> None:
    """Keep an entry: the rule set, its compiled conditions (``PythonBackend.parts``) and its
    compiled findings (``MessageBackend.parts``); a cache that cannot be written is skipped,
    never an error."""
    folder = cache_dir()
    if folder is None:
        return
    blob = pickle.dumps(
        (_LAYOUT, key, ruleset, compiled, messages), protocol=pickle.HIGHEST_PROTOCOL
    )
    import tempfile  # noqa: PLC0415 - only a first load writes: not imported at every start

    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key[:16]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.replace(temporary, folder / f"{key}.pickle")
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _prune(folder)


KEEP = 64  # entries kept: the newest, by modification time


def _prune(folder: Path) -> None:
    """Remove all but the ``KEEP`` newest entries (an edited pack leaves its old ones)."""
    entries = []
    for path in folder.glob("*.pickle"):
        with contextlib.suppress(OSError):  # removed meanwhile by another process
            entries.append((path.stat().st_mtime_ns, path))
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
