"""The suite's verdicts stay what they are when a chinese-calendar release adds a year.

The State Council publishes each year's holiday arrangement late in the year before, and the
package's next release then knows that year: a fresh install resolves it, and a test that
assumed the year unknown would fail on a machine where nothing of ours changed (two of
``test_calendar.py`` did, once a release knowing 2027 was simulated). Here the calendar's
tests, the holiday notices', the trust tests and every pack's own cases run again, in a
subprocess, against the installed package with one more year: its tables copied, and the first
of January after its last year made a holiday, which is what makes the package decide a year
(``chinese_calendar.utils._validate_date`` reads its range off the holiday table).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import chinese_calendar

from tests.conftest import ROOT

CALENDAR_TESTS = (
    "tests/test_calendar.py",
    "tests/test_holiday_notice.py",
    "tests/test_trust.py",
    "tests/test_packs.py",
)


def _next_release(root: Path) -> int:
    """The installed package, copied under ``root`` with one more year; that year."""
    installed = Path(chinese_calendar.__file__).parent
    copy = root / "chinese_calendar"
    shutil.copytree(installed, copy, ignore=shutil.ignore_patterns("__pycache__"))
    year = max(day.year for day in chinese_calendar.holidays) + 1
    constants = copy / "constants.py"
    added = f"\nholidays[datetime.date({year}, 1, 1)] = Holiday.new_years_day.value\n"
    constants.write_text(constants.read_text(encoding="utf-8") + added, encoding="utf-8")
    return year


def test_a_release_that_adds_a_year_changes_no_verdict_of_the_suite(tmp_path: Path) -> None:
    year = _next_release(tmp_path)
    # The checkout's own code (its src/), not whichever egovrules the environment installed.
    path = [str(tmp_path), str(ROOT / "src"), str(ROOT)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    probe = subprocess.run(
        [sys.executable, "-c", "import chinese_calendar as c; print(max(c.holidays).year)"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == str(year)  # the copy, not the installed package, is read
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *CALENDAR_TESTS],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
