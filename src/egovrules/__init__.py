"""egovrules: Chinese municipal e-government regulations as executable, citable policy.

The pipeline, one stage per module::

    rules/<city>.yaml ──document──▶ values + line/column marks       (document.py)
                      ──validate──▶ PackModel (pydantic)              (pack/model.py)
                      ──compile───▶ RuleSet IR, citations resolved    (ir/compile.py, ir/nodes.py)
                      ──backend───▶ one Python function per kind      (backends/python.py)
                                    one SQL query per kind (DuckDB, Spark) (backends/sql/)
    subject (Project | Website | NetworkRequest | Department)          (subjects/)
        ──Pack.check──▶ Report (violations, upcoming, citations)      (pack/compiled.py, report/)
        ──render──────▶ text | json                                   (report/render/)

The reference semantics of the IR is ``ir/interpret.py``; every backend agrees with it.
"""

from typing import Any

from egovrules._version import __version__
from egovrules.diff import Matrix, PackDiff, diff, matrix
from egovrules.errors import (
    EgovrulesError,
    InputError,
    PackError,
    SubjectError,
    UsageError,
)
from egovrules.pack import Pack, available_packs, load_pack
from egovrules.report.model import Citation, Outcome, Report, Severity, Upcoming, Violation
from egovrules.subjects import Department, NetworkRequest, Project, Website, parse_subject


def audit(pack: Pack | str, source: Any, **options: Any) -> Any:
    """Audit a table of subjects in SQL; return the violations as a ``pyarrow.Table``.

    See ``egovrules.auditing.audit`` (DuckDB by default; needs ``egovrules[audit]``)."""
    from egovrules.auditing import audit as run  # noqa: PLC0415 - keeps duckdb optional

    return run(pack, source, **options)


__all__ = [
    "Citation",
    "Department",
    "EgovrulesError",
    "InputError",
    "Matrix",
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
    "__version__",
    "audit",
    "available_packs",
    "diff",
    "load_pack",
    "matrix",
    "parse_subject",
]
