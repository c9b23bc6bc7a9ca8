"""Coverage-guided fuzz target (atheris) for the loader and the condition compiler.

Every input is read as a pack file; the only acceptable outcomes are a compiled pack or an
egovrules error whose diagnostics carry positions. Anything else is a crash atheris reports.

Run (bounded):  python fuzz/fuzz_packs.py -max_total_time=60 -rss_limit_mb=2048 fuzz/corpus
The seed corpus is the bundled packs and the bad-pack fixtures: ``python fuzz/fuzz_packs.py
--seed fuzz/corpus`` copies them there first.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from egovrules.ir.compile import compile_document, validate_document
    from egovrules.source.document import DocumentError, parse_document
    from egovrules.source.errors import PackError

ROOT = Path(__file__).resolve().parents[1]


def one_input(data: bytes) -> None:
    """Load, validate and compile ``data`` as a pack."""
    try:
        doc = parse_document(data, "fuzz.yaml")
        compile_document(doc, validate_document(doc))
    except DocumentError as exc:
        assert all(d.span is not None for d in exc.diagnostics), exc.diagnostics
    except PackError as exc:
        assert all(d.span is not None for d in exc.diagnostics), exc.diagnostics


def seed(corpus: Path) -> None:
    """Copy the real packs and the bad-pack fixtures into ``corpus``."""
    corpus.mkdir(parents=True, exist_ok=True)
    for source in [*ROOT.glob("rules/*.yaml"), *ROOT.glob("tests/fixtures/packs/**/*.yaml")]:
        shutil.copy(source, corpus / source.name)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--seed":
        seed(Path(sys.argv[2]))
    else:
        atheris.Setup(sys.argv, one_input)
        atheris.Fuzz()
