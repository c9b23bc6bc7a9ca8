"""Cost of the pictures and the exports of ``egovrules diff``, beside the diff they come from.

Run:  python bench/export_time.py [--repeat 3] [--pairs wuhan/shantou hohhot/wuhan] [--no-pdf]

For each pair (witness search off, so that the figures are the pictures' and the exports'):
the diff (loading the two packs by name, the proofs and the views: the baseline); the same
diff with pictures
(``pictures=True``: the timelines, and the git history of their parameters, read once — the
first run — and then from the in-process cache); rendering the HTML page and the CSV; and
printing the PDF with headless Chromium (one run: it starts a browser). Ratios: pictures (first
run) ÷ diff, CSV ÷ HTML, PDF ÷ HTML. All figures come from one process and one run.
"""

from __future__ import annotations

import argparse
import os
import time

from diff_time import best  # bench/ is the script's folder: one timing loop

import egovrules
from egovrules.diffing.render.csv import render_diff_csv
from egovrules.diffing.render.html import render_diff_html
from egovrules.diffing.render.pdf import print_pdf


def main() -> None:
    """Print one line per pair of packs, and the load average."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pairs", nargs="*", default=["wuhan/shantou", "hohhot/wuhan"])
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (no Chromium)")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"{'pair':<16}{'diff s':>8}{'+pict 1st':>10}{'+pict':>8}{'html s':>8}{'csv s':>8}"
        f"{'pdf s':>8}{'pict1/diff':>11}{'csv/html':>9}{'pdf/html':>9}"
    )
    for pair in args.pairs:
        a, b = pair.split("/")
        # Both by name, so that the history of each side's file is read (a Pack object has
        # none) and both load the packs alike.
        base, _ = best(args.repeat, lambda a=a, b=b: egovrules.diff(a, b, witnesses=False))
        start = time.perf_counter()
        d = egovrules.diff(a, b, witnesses=False, pictures=True)
        first = time.perf_counter() - start
        cached, _ = best(
            args.repeat, lambda a=a, b=b: egovrules.diff(a, b, witnesses=False, pictures=True)
        )
        html_s, html = best(args.repeat, lambda d=d: render_diff_html(d))
        csv_s, _ = best(args.repeat, lambda d=d: render_diff_csv(d))
        pdf_s = float("nan")
        if not args.no_pdf:
            pdf_s, _ = best(1, lambda html=html: print_pdf(html))
        print(
            f"{pair:<16}{base:>8.2f}{first:>10.2f}{cached:>8.2f}{html_s:>8.3f}{csv_s:>8.3f}"
            f"{pdf_s:>8.2f}{first / base:>11.2f}{csv_s / html_s:>9.2f}{pdf_s / html_s:>9.1f}"
        )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
