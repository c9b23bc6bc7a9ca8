"""Shared fixtures: paths of the repository, the bundled packs, and the mini test pack."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The suite's verdicts on working days are written for the holidays chinese-calendar 1.11 knows
# (2004-2026): a later release that adds 2027 must not change them, so the package's later
# years are set aside (egovrules.law.calendar.UNTIL_VARIABLE), here and in the processes the
# tests start. tests/test_calendar.py tests the setting itself.
os.environ["EGOVRULES_CALENDAR_UNTIL"] = "2026"

import egovrules

# The compiled packs of a test run are cached in a folder of its own, never the user's
# (egovrules.engine.cache); the CLI processes the tests start inherit it.
if "EGOVRULES_CACHE_DIR" not in os.environ:
    os.environ["EGOVRULES_CACHE_DIR"] = tempfile.mkdtemp(prefix="egovrules-tests-cache-")
    atexit.register(shutil.rmtree, os.environ["EGOVRULES_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def mini() -> egovrules.Pack:
    """The small engine-test pack."""
    return egovrules.load_pack(FIXTURES / "packs" / "mini.yaml")


@pytest.fixture(scope="session")
def wuhan() -> egovrules.Pack:
    """The bundled Wuhan pack."""
    return egovrules.load_pack("wuhan")


def pytest_addoption(parser: pytest.Parser) -> None:
    """--update-goldens rewrites tests/golden/* from the current outputs (review with git diff)."""
    parser.addoption("--update-goldens", action="store_true", default=False)


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when goldens are being reset."""
    return bool(request.config.getoption("--update-goldens"))
