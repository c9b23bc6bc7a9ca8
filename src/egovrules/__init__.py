"""egovrules: Chinese municipal e-government regulations as executable, citable policy.

The pipeline, bottom to top: one package a stage, each importing only the stages below it
(the import-linter contracts in pyproject.toml hold every module to that)::

    rules/<city>.yaml, subject files
      source/      what was read and where: spans, the safe YAML/JSON reader, diagnostics
      law/         the legal vocabulary: Citation, Severity, Outcome; China's working days
      subjects/    the subjects checked (pydantic)   packdata/  a pack file as data: models,
                                                                schema, concept vocabulary
      ir/          compile: a validated pack into the RuleSet IR, citations resolved; the
                   reference interpreter; rules described and explained in words
      backends/    execute: Python closures, durable-rules, SQL   report/  the Report and
                                                                          its renderers
      engine/      the engine that checks: load_pack (and its pack cache), Pack.check,
                   findings, runs over files
      ── the ways out ─────────────────────────────────────────────────────────────────────
      monitoring/  events in, alerts out as violations arise: Monitor, watch checkpoints
      auditing/    whole tables of subjects checked in SQL, where the data lives
      diffing/     pack × pack by legal concept, stricter/looser proved: diff, matrix
      authoring/   for pack authors: lint, the pack's own tests, generated pages
      service/     the same over HTTP: egovrules serve (FastAPI, the 'serve' extra)
      cli/         the egovrules command

The reference semantics of the IR is ``ir/interpret.py``; every backend agrees with it.
CONTRIBUTING.md says which files each kind of change touches.
"""

from typing import TYPE_CHECKING, Any

from egovrules._version import __version__
from egovrules.engine.pack import Pack, load_pack, register_monitor
from egovrules.law.calendar import WorkCalendar
from egovrules.law.citation import Citation
from egovrules.law.verdict import Outcome, Severity
from egovrules.packdata.bundled import available_packs
from egovrules.report.model import Report, Upcoming, Violation
from egovrules.source.errors import (
    CalendarError,
    EgovrulesError,
    InputError,
    PackError,
    SubjectError,
    UsageError,
)
from egovrules.subjects import MODEL_NAMES, parse_subject

if TYPE_CHECKING:
    from egovrules.diffing import Matrix, PackDiff, diff, matrix
    from egovrules.law.notice import load_calendar
    from egovrules.monitoring.monitor import Monitor
    from egovrules.subjects import Department, NetworkRequest, Project, Website

# What a check does not need is imported when first named (PEP 562): ``egovrules.diff``
# imports the diffing package, ``egovrules.Monitor`` the monitoring one, ``egovrules.Website``
# the website model alone (a check of a website defines no other kind's model),
# ``egovrules.load_calendar`` the holiday notices' reader (and its models).
_DIFFING = ("Matrix", "PackDiff", "diff", "matrix")
_MODELS = tuple(MODEL_NAMES.values())
_LAZY = (*_DIFFING, *_MODELS, "Monitor", "load_calendar")


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from egovrules import subjects  # noqa: PLC0415

        value = getattr(subjects, name)
    elif name == "load_calendar":
        from egovrules.law.notice import load_calendar  # noqa: PLC0415

        value = load_calendar
    elif name in _DIFFING:
        from egovrules import diffing  # noqa: PLC0415

        value = getattr(diffing, name)
    elif name == "Monitor":
        from egovrules.monitoring.monitor import Monitor  # noqa: PLC0415

        value = Monitor
    else:
        raise AttributeError(f"module 'egovrules' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


def _monitor(pack: Pack, state: Any) -> Any:
    """What the deprecated ``Pack.monitor`` builds, imported when it is first called."""
    from egovrules.monitoring.monitor import Monitor  # noqa: PLC0415

    return Monitor(pack, state)


register_monitor(_monitor)


def audit(pack: Pack | str, source: Any, **options: Any) -> Any:
    """Audit a table of subjects in SQL; return the violations as a ``pyarrow.Table``.

    See ``egovrules.auditing.audit`` (DuckDB by default; needs ``egovrules[audit]``)."""
    from egovrules.auditing import audit as run  # noqa: PLC0415 - keeps duckdb optional

    return run(pack, source, **options)


__all__ = [
    "CalendarError",
    "Citation",
    "Department",
    "EgovrulesError",
    "InputError",
    "Matrix",
    "Monitor",
    "NetworkRequest",
    "Outcome",
    "Pack",
    "PackDiff",
    "PackError",
    "Project",
    "Report",
    "Severity",
    "SubjectError",
    "Upcoming",
    "UsageError",
    "Violation",
    "Website",
    "WorkCalendar",
    "__version__",
    "audit",
    "available_packs",
    "diff",
    "load_calendar",
    "load_pack",
    "matrix",
    "parse_subject",
]
