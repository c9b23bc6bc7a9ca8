"""Audits at scale: a whole table of subjects checked in SQL, where the data lives.

::

    projects.parquet | .csv | .jsonl | Arrow | subjects
        ──read──────▶ egr_input            (the engine's reader; no Python per row)
        ──normalize─▶ egr_subjects         (backends/sql/layout.py: the flat layout)
        ──rules─────▶ outcome codes        (backends/sql/compile.py: one CASE per rule)
        ──findings──▶ violated / pending / undetermined per subject and rule
        ──write─────▶ violations.parquet   (rule id, subject id, article, label, quote, ...)

DuckDB runs it in this process (``egovrules[audit]``); the same SQL runs on Apache Spark
(``egovrules[spark]``) for data that outgrows one machine. The answers are those of
``Pack.check``, rule by rule, as the differential tests require.
"""

from egovrules.auditing.runner import (
    VIOLATION_COLUMNS,
    AuditResult,
    RuleCount,
    Source,
    audit,
    audit_outcomes,
    audit_sql,
    run_audit,
)

__all__ = [
    "VIOLATION_COLUMNS",
    "AuditResult",
    "RuleCount",
    "Source",
    "audit",
    "audit_outcomes",
    "audit_sql",
    "run_audit",
]
