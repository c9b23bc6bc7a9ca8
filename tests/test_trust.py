"""The review's probes (../shared/reviews/reliability.md), each a test that failed on the main
it was written against: a subject never chooses its law, and what is read is bounded."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from egovrules.cli import main
from egovrules.source.document import MAX_BYTES, DocumentError, read_document
from tests.conftest import FIXTURES, ROOT

LENIENT = """\
meta:
  id: lenient
"""


def _subject(tmp_path: Path, city: str) -> Path:
    path = tmp_path / "probe.yaml"
    path.write_text(f"kind: website\nid: x\ncity: {city}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "city",
    [
        "/etc/passwd",  # disclosure: its first line was printed in the error
        "../../../../../../etc/hostname",
        "/dev/zero",  # read until memory ran out
        str(FIXTURES / "packs" / "mini.yaml"),  # a lenient pack of the author's choosing
        str(ROOT / "rules" / "hohhot.yaml"),  # another city's law, by its file
    ],
    ids=["passwd", "traversal", "dev-zero", "lenient-pack", "other-city-file"],
)
def test_a_subject_never_chooses_the_file_that_is_its_law(
    tmp_path: Path, city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """D1: without --city, the subject's `city` names a bundled pack id and nothing else. Was:
    the value was read as a pack file (exit 0 "compliant" with a lenient pack, /etc/passwd's
    first line in the error, /dev/zero read without end)."""
    path = _subject(tmp_path, city)
    assert main(["check", "--as-of", "2026-03-22", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:7: error[E305]: city {city!r} is not a bundled pack" in err
    assert "root:" not in err and "Traceback" not in err


def test_a_bundled_city_still_picks_its_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same field naming a bundled id is how a subject says which city it belongs to."""
    path = _subject(tmp_path, "wuhan")
    assert main(["check", "--as-of", "2026-03-22", "--format", "json", str(path)]) in (0, 1)
    assert '"id": "wuhan"' in capsys.readouterr().out


def test_a_city_typo_is_positioned_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D13: city errors carry the position of the `city` line (they had none)."""
    path = _subject(tmp_path, "wuhna")
    assert main(["check", "--as-of", "2026-03-22", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:7: error[E305]" in err and "hint: did you mean 'wuhan'?" in err


def test_no_city_and_a_mismatched_city_are_positioned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No city at all points at the subject; a city other than --city's at its line."""
    none = tmp_path / "none.yaml"
    none.write_text("kind: website\nid: x\n", encoding="utf-8")
    assert main(["check", "--as-of", "2026-03-22", str(none)]) == 2
    assert f"{none}:1:1: error[E304]: no city" in capsys.readouterr().err
    other = _subject(tmp_path, "wuhan")
    assert main(["check", "--city", "tianjin", "--as-of", "2026-03-22", str(other)]) == 2
    err = capsys.readouterr().err
    assert f"{other}:3:7: error[E306]: the subject's city is 'wuhan', not 'tianjin'" in err


def test_the_caller_may_still_choose_a_pack_file(tmp_path: Path) -> None:
    """A pack file comes from the command line: the caller's choice, not the subject's."""
    path = tmp_path / "s.yaml"
    path.write_text("kind: website\nid: x\n", encoding="utf-8")
    mini = str(FIXTURES / "packs" / "mini.yaml")
    assert main(["check", "--city", mini, "--as-of", "2026-03-22", str(path)]) in (0, 1)


def test_a_bundled_id_is_never_a_path_of_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--city wuhan` is the bundled pack even where a folder or file named `wuhan` exists."""
    import egovrules

    monkeypatch.chdir(tmp_path)
    (tmp_path / "wuhan").mkdir()
    assert egovrules.load_pack("wuhan").id == "wuhan"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (POSIX)")
def test_devices_are_read_only_up_to_the_limit() -> None:
    """D9: the size limit holds for what is read, not what stat() says (0 for a device)."""
    with pytest.raises(DocumentError) as info:
        read_document("/dev/zero")
    assert [d.code for d in info.value.diagnostics] == ["E001"]
    assert str(MAX_BYTES) in info.value.diagnostics[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_fifo_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    """A FIFO whose writer never stops is cut at the limit and refused, in a process of its
    own so that a regression fails the test instead of hanging the suite."""
    fifo = tmp_path / "endless.yaml"
    os.mkfifo(fifo)
    stop = threading.Event()

    def write() -> None:
        try:
            with open(fifo, "wb") as out:
                while not stop.is_set():
                    out.write(b"a" * 65536)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "egovrules", "check", "--city", "wuhan", str(fifo)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        stop.set()
    assert run.returncode == 2, run.stderr[-2000:]
    assert "error[E001]" in run.stderr and "Traceback" not in run.stderr
