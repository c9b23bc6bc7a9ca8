"""The HTML diff (or matrix) printed to PDF by headless Chromium (``--print-to-pdf``): the same
page a person opens, with its print style sheet (one concept per page, no filters). Chromium is
looked up on ``PATH`` (``chromium``, ``chromium-browser``, ``google-chrome``); without it the
export is a ``UsageError`` (exit 2) that says what to install, never a traceback.

The page is written to a private temporary folder and opened from there (``file://``) with a
throw-away profile and the network features off: nothing is fetched, nothing is kept.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from egovrules.source.errors import UsageError

__all__ = ["BROWSERS", "HEADLESS_FLAGS", "find_chromium", "print_pdf"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""The names a Chromium is looked up by on ``PATH``, in this order."""

_TIMEOUT_S = 180

HEADLESS_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""Chromium without a window, a sandbox (it runs as root in containers), a GPU or any of its
network features; the browser tests start it with the same flags."""


def find_chromium() -> str | None:
    """The path of the first Chromium on ``PATH``, or ``None``."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: str) -> bytes:
    """``html`` (one self-contained page) as PDF bytes."""
    browser = find_chromium()
    if browser is None:
        raise UsageError(
            "--format pdf prints the HTML diff with headless Chromium, and none was found on "
            f"PATH (looked for {', '.join(BROWSERS)}); install it (Debian: apt-get install "
            "chromium) or write --format html and print it from a browser"
        )
    # A Chromium helper may still be writing into the profile as it is removed.
    with tempfile.TemporaryDirectory(prefix="egovrules-pdf-", ignore_cleanup_errors=True) as tmp:
        page, out = Path(tmp) / "diff.html", Path(tmp) / "diff.pdf"
        try:
            page.write_text(html, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the page to print: {exc.strerror or exc}") from None
        args = [
            browser,
            *HEADLESS_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(args, capture_output=True, check=False, timeout=_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UsageError(f"Chromium ({browser}) could not print the PDF: {exc}") from None
        if done.returncode != 0 or not out.is_file():
            why = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise UsageError(
                f"Chromium ({browser}) could not print the PDF"
                + (f": {why[-1]}" if why else f" (exit {done.returncode})")
            )
        return out.read_bytes()
