"""The pack cache (egovrules.engine.cache): a pack loaded again comes from it, checks the same,
and never stale: another pack file, another option or another egovrules misses; a corrupt
entry is rebuilt; EGOVRULES_NO_CACHE turns it off."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
from pathlib import Path

import pytest

import egovrules
from egovrules.engine import cache
from egovrules.ir import compile as ir_compile
from tests.conftest import FIXTURES, ROOT

MINI = FIXTURES / "packs" / "mini.yaml"
SITE = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EGOVRULES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("EGOVRULES_NO_CACHE", raising=False)
    return tmp_path / "cache"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs compiled from their text (not taken from the cache), by id."""
    seen: list[str] = []
    real = ir_compile.compile_document

    def counting(doc: object, model: object, **options: object) -> object:
        ruleset = real(doc, model, **options)  # type: ignore[arg-type]
        seen.append(ruleset.pack_id)
        return ruleset

    monkeypatch.setattr(ir_compile, "compile_document", counting)
    return seen


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_second_load_comes_from_the_cache_and_checks_the_same(
    folder: Path, compiles: list[str]
) -> None:
    first = egovrules.load_pack("wuhan")
    second = egovrules.load_pack("wuhan")
    assert compiles == ["wuhan"] and len(_entries(folder)) == 1
    assert second.ruleset == first.ruleset
    assert second._backend.sources == first._backend.sources
    assert second._messages.sources == first._messages.sources
    subject = egovrules.parse_subject(
        {"kind": "website", "id": "s", "has_interactive_columns": True,
         "network_access_date": "2026-03-01"}
    )  # fmt: skip
    for as_of in (dt.date(2026, 3, 16), dt.date(2026, 3, 17)):
        assert second.check(subject, as_of) == first.check(subject, as_of)
    # What only the pack file holds is read again when asked for.
    assert second.tests == first.tests and second.document is not None
    assert second.document.text == first.document.text  # type: ignore[union-attr]


def test_another_file_option_or_engine_misses(
    folder: Path, compiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "mini.yaml"
    shutil.copy(MINI, copy)
    egovrules.load_pack(copy)
    egovrules.load_pack(copy, weekday_fallback=True)  # another option: another entry
    copy.write_text(MINI.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = egovrules.load_pack(copy)  # another file: another entry, never the old one
    assert compiles == ["mini"] * 3 and len(_entries(folder)) == 3
    # The original file has the first copy's bytes, but rule spans name their file.
    original = egovrules.load_pack(MINI)
    assert edited.ruleset.content_hash != original.ruleset.content_hash
    assert original.rules[0].span.file == str(MINI) and len(compiles) == 4
    monkeypatch.setattr(cache, "_engine", lambda: b"another egovrules")
    egovrules.load_pack(copy)  # another engine
    assert len(compiles) == 5 and len(_entries(folder)) == 5


@pytest.mark.parametrize("damage", [b"", b"not a pickle", None], ids=["empty", "junk", "cut"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(
    folder: Path, compiles: list[str], damage: bytes | None
) -> None:
    egovrules.load_pack(MINI)
    (entry,) = _entries(folder)
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2] if damage is None else damage)
    again = egovrules.load_pack(MINI)
    assert compiles == ["mini", "mini"]
    assert entry.read_bytes() == whole  # rebuilt
    assert again.ruleset == egovrules.load_pack(MINI).ruleset and len(compiles) == 2


def test_an_entry_without_the_compiled_findings_is_never_served(
    folder: Path, compiles: list[str]
) -> None:
    """An entry of the layout before the findings were compiled (the rule set and the
    compiled conditions only, ``egovrules-pack-cache-3``) under the very key of the pack is
    not read: the pack is compiled again, and the entry rewritten whole."""
    egovrules.load_pack(MINI)
    (entry,) = _entries(folder)
    layout, key, ruleset, compiled, findings = pickle.loads(entry.read_bytes())
    assert layout == cache._LAYOUT != "egovrules-pack-cache-3" and findings
    entry.write_bytes(pickle.dumps(("egovrules-pack-cache-3", key, ruleset, compiled)))
    again = egovrules.load_pack(MINI)
    assert compiles == ["mini", "mini"]
    assert pickle.loads(entry.read_bytes())[0] == cache._LAYOUT
    assert again._messages.sources == egovrules.load_pack(MINI)._messages.sources


def test_no_cache_writes_nothing(
    folder: Path, compiles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EGOVRULES_NO_CACHE", "1")
    egovrules.load_pack(MINI)
    egovrules.load_pack(MINI)
    assert compiles == ["mini", "mini"] and not folder.exists()


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("EGOVRULES_CACHE_DIR", str(blocker / "cache"))
    assert egovrules.load_pack(MINI).id == "mini"


def test_a_pack_file_changed_after_a_cached_load_is_not_mixed_in(
    folder: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "mini.yaml"
    shutil.copy(MINI, copy)
    egovrules.load_pack(copy)
    cached = egovrules.load_pack(copy)
    copy.write_text(MINI.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    for _ in range(2):  # asked again, it says so again
        with pytest.raises(egovrules.UsageError, match="has changed since its pack was loaded"):
            cached.document  # noqa: B018


def test_the_cache_lives_where_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EGOVRULES_NO_CACHE", raising=False)
    monkeypatch.delenv("EGOVRULES_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/x")
    assert cache.cache_dir() == Path("/x/egovrules")
    monkeypatch.setenv("EGOVRULES_CACHE_DIR", "/y")
    assert cache.cache_dir() == Path("/y")
    monkeypatch.setenv("EGOVRULES_NO_CACHE", "0")
    assert cache.cache_dir() == Path("/y")
    monkeypatch.setenv("EGOVRULES_NO_CACHE", "1")
    assert cache.cache_dir() is None


def test_only_the_newest_entries_are_kept(
    folder: Path, compiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited pack leaves its old entries; past ``KEEP`` the oldest are removed."""
    monkeypatch.setattr(cache, "KEEP", 2)
    copy = tmp_path / "mini.yaml"
    for n in range(4):
        copy.write_text(MINI.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
        egovrules.load_pack(copy)
    assert len(_entries(folder)) == 2 and len(compiles) == 4
    egovrules.load_pack(copy)  # the newest is still there
    assert len(compiles) == 4


def _engine_of(package: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The engine identity of the egovrules package at ``package``, computed afresh."""
    monkeypatch.setattr(cache, "__file__", str(package / "engine" / "cache.py"))
    return cache._engine.__wrapped__()  # type: ignore[attr-defined]


def test_a_module_changed_keeping_its_size_and_time_is_another_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two checkouts, the second copied with its times (``cp -p``, a tar or a Nix store, where
    every time is the same), then one module edited in place to the same size and its time set
    back: the second is another egovrules, whose packs must not come from the first's entries
    (they did: ``sha256`` edited to ``sha224`` where the content hash is computed, the second
    checkout reported the first's hash until the cache was turned off)."""
    package = Path(cache.__file__).resolve().parents[1]
    skip = shutil.ignore_patterns("__pycache__")
    first = shutil.copytree(package, tmp_path / "a" / "egovrules", ignore=skip)
    second = shutil.copytree(first, tmp_path / "b" / "egovrules")  # times copied too
    module = second / "ir" / "compile.py"
    before = module.stat()
    text = module.read_bytes()
    module.write_bytes(text.replace(b"the", b"thE", 1))
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = module.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert module.read_bytes() != text
    assert _engine_of(second, monkeypatch) != _engine_of(first, monkeypatch)


def test_the_device_a_module_is_on_is_no_part_of_the_engine(tmp_path: Path) -> None:
    """One image's files are on a new device in each container (an overlay mount) with the
    same inode, times and size: a cache shared by the containers was never hit, the device
    being in the key. A file on another device, all else the same, is the same engine."""

    class Stat:
        def __init__(self, device: int) -> None:
            self.st_size, self.st_mtime_ns, self.st_ctime_ns = 10, 20, 30
            self.st_ino, self.st_dev = 40, device

    class OnDevice:
        def __init__(self, device: int) -> None:
            self.device = device

        def stat(self) -> Stat:
            return Stat(self.device)

    stamps = {cache._stamp(OnDevice(device), "ir/compile.py") for device in (40, 42)}  # type: ignore[arg-type]
    assert len(stamps) == 1
