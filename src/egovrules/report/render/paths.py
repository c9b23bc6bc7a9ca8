"""A checked file as the CI formats name it: by its path inside the working directory (the
checkout a CI job runs in), however the run was given it (``examples/a.yaml``,
``./examples/a.yaml`` or ``$CI_PROJECT_DIR/examples/a.yaml``), so that one file is one path
and one GitLab fingerprint from one pipeline to the next."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ci_path", "inside_workdir"]


def inside_workdir(path: str) -> str | None:
    """``path`` relative to the working directory, ``/``-separated and without ``./``, when it
    lies inside; else ``None``. A symbolic link is not followed, so a report never names where
    a link points."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(os.getcwd())).as_posix()
    except ValueError:  # outside the working directory
        return None


def ci_path(path: str) -> str:
    """``inside_workdir``'s path, or the absolute path of a file outside the working
    directory (GitLab's ``location.path``, GitHub's ``file=``)."""
    inside = inside_workdir(path)
    return inside if inside is not None else Path(os.path.abspath(path)).as_posix()
