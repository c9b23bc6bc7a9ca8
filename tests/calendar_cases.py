"""Subjects on each side of the possible last days of a working-day deadline whose last day
falls in a year ``chinese-calendar`` does not cover: the cases the backends' agreement tests
hold every backend to (issue 18 point 9).

Shantou 第十六条第二款: 自受理之日起七个工作日内予以批复. Received 2026-12-24, the seventh working
day is 2027-01-02 at the earliest, with no latest known while 2027 is unpublished; received
2003-12-24 (before the package's first year), it is 2003-12-31 at the earliest and 2004-01-12
at the latest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import egovrules
from egovrules.subjects import SubjectBase, parse_subject

RULE = "shantou.project.approval_within_7_working_days"

# (received, reply or None): no reply, a reply on either side of each bound
REPLIES = [
    ("2026-12-24", None),
    ("2026-12-24", "2027-01-02"),
    ("2026-12-24", "2027-01-03"),
    ("2003-12-24", None),
    ("2003-12-24", "2003-12-31"),
    ("2003-12-24", "2004-01-01"),
    ("2003-12-24", "2004-01-12"),
    ("2003-12-24", "2004-01-13"),
]

# The day before, on and after each bound: pending up to the earliest, undetermined between
# the bounds, late after the latest.
AS_OF = [
    dt.date(2027, 1, 1),
    dt.date(2027, 1, 2),
    dt.date(2027, 1, 3),
    dt.date(2003, 12, 30),
    dt.date(2003, 12, 31),
    dt.date(2004, 1, 1),
    dt.date(2004, 1, 12),
    dt.date(2004, 1, 13),
]


def project(received: str, decided: str | None, ident: str = "p") -> dict[str, Any]:
    """Shantou's compliant project fixture, its approval application received on
    ``received`` and replied to (and copied to finance) on ``decided``."""
    base = dict(egovrules.load_pack("shantou").tests.fixtures["project_ok"])
    application = {**base["approval_application"], "received_date": received}
    application["decision_date"] = decided
    application["copied_to_finance_date"] = decided
    return {**base, "approval_application": application, "id": ident}


def subjects() -> list[SubjectBase]:
    """One project per entry of ``REPLIES``, its id naming the receipt and the reply."""
    return [parse_subject(project(r, d, f"{r}/{d}")) for r, d in REPLIES]
