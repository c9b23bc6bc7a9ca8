"""MkDocs hook: the site shows the version of egovrules it documents, read from its one
source, ``src/egovrules/_version.py`` (never copied into mkdocs.yml)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

_VERSION_FILE = Path(__file__).resolve().parents[2] / "src" / "egovrules" / "_version.py"


def version() -> str:
    """The ``__version__`` string of ``_version.py``, read without importing or running it."""
    for node in ast.parse(_VERSION_FILE.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise ValueError(f"no __version__ in {_VERSION_FILE}")


def on_config(config: Any) -> Any:
    """Put the version in the site name and the footer."""
    config["site_name"] = f"egovrules {version()}"
    config["copyright"] = f"egovrules {version()} · MIT licence"
    return config
