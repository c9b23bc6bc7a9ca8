"""Shared building blocks of the subject models.

Every subject model forbids unknown keys: a misspelt field in a department's file must be an
error, never a silently ignored fact. Booleans default to ``False`` ("not recorded as done"),
optional dates and records default to ``None`` ("no such event").
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Literal, TypeVar, get_args
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

__all__ = [
    "AMOUNT_DIGITS",
    "AMOUNT_PLACES",
    "BODY_TYPES",
    "Amount",
    "BodyType",
    "ChinaDateTime",
    "Days",
    "Filing",
    "Record",
    "StrSet",
    "SubjectBase",
    "Waiver",
    "Year",
    "shared",
]

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _to_china_time(value: dt.datetime) -> dt.datetime:
    """Date-times are compared as China Standard Time wall-clock times: an offset given in the
    input is converted to Asia/Shanghai and dropped, so mixed inputs compare correctly."""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(_SHANGHAI).replace(tzinfo=None)
    except OverflowError:  # 0001-01-01T00:00+14:00 is a day before the calendar's first
        raise ValueError("in China Standard Time this is outside years 1 to 9999") from None


ChinaDateTime = Annotated[dt.datetime, AfterValidator(_to_china_time)]

AMOUNT_DIGITS = 24
AMOUNT_PLACES = 6
Amount = Annotated[
    Decimal, Field(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, allow_inf_nan=False)
]
"""A sum of money in yuan: at most 18 digits before the point and 6 after, the range every
backend holds exactly (the SQL audit's DECIMAL(24,6)). A value outside it (``1e-999999``,
``1E+425000000``) is refused where it is read, rather than overflow an evaluation."""

Year = Annotated[int, Field(ge=1, le=9999)]
"""A calendar year (a plan year, a budget year): one the calendar of dates has."""

Days = Annotated[int, Field(ge=0, le=(dt.date.max - dt.date.min).days)]
"""A count of days: no more than lie between the calendar's first and last day."""

# A set of keys, written out sorted so that every dump of a subject is the same bytes.
StrSet = Annotated[frozenset[str], PlainSerializer(sorted, return_type=list[str])]


BodyType = Literal[
    "municipal_government",
    "municipal_department",
    "district_government",
    "county_government",
    "district_department",
    "development_zone_committee",
    "education",
    "health",
    "electricity",
    "water",
    "gas",
    "public_transport",
    "environmental_protection",
    "other",
]
"""The standing of a body (the owner of a site, the unit making a network request), in the
words the texts bind by: the municipal government; a department of it (市人民政府各部门,
Hohhot's commissions and bureaus); a district (urban area) or county (banner) people's
government; a department of a district or county government; a development-zone management
committee (开发区管委会); a public service institution by its field (Shantou Art. 30:
教育、卫生、供电、供水、供气、公共交通、环境保护); or another body (an enterprise, an association,
a Party or people's congress organ)."""

BODY_TYPES: tuple[str, ...] = get_args(BodyType)


class Record(BaseModel):
    """A nested record of a subject: strict keys, immutable once validated."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        defer_build=True,
        # No bound (every str is at least 0 long), but a str with a bound is read by
        # pydantic-core as text, which a lone surrogate ("\ud800") is not: it is refused
        # (string_unicode) at its field, at pydantic-core's speed, as the readers refuse it (E013).
        str_min_length=0,
    )


R = TypeVar("R", bound=Record)


def shared(record: type[R]) -> Callable[[], R]:
    """The default of a field holding a nested record: the record with every field at its
    default, made when first asked for and then shared (it is immutable), not validated anew
    for each subject that leaves the field out."""

    @functools.cache
    def default() -> R:
        return record()

    return default


class Waiver(Record):
    """A recorded, reasoned and dated exception to one rule (or concept) for this subject."""

    rule: str = Field(min_length=1)
    """Rule id (`wuhan.website.police_filing_15_days`) or concept (`website.police_filing`)."""
    reason: str = Field(min_length=1)
    """Why the rule is waived; required, reported with the waived finding."""
    expires: dt.date
    """Last day the waiver holds; after it the waiver is itself reported as expired."""


class SubjectBase(Record):
    """Fields every subject kind carries."""

    kind: str
    """Subject kind: `project`, `website`, `network` or `department` (each model fixes it)."""

    id: str
    """Identifier of the subject, reported back as `subject.id` (a string: quote a numeric id)."""
    city: str | None = None
    """Id of the pack whose rules apply, e.g. `wuhan`; None leaves the pack to `--city`."""
    name: str | None = None
    """Human-readable name of the subject, e.g. the Chinese name of the system or site."""
    waivers: tuple[Waiver, ...] = ()
    """Exceptions granted to this subject: a waived violation is reported as waived, not as a
    violation, until the waiver expires."""


class Filing(Record):
    """A filing (备案) with an authority: no decision is needed, only the submission."""

    authority: str | None = None
    """Authority id the filing (备案) was made with, e.g. `municipal_public_security_department`."""
    date: dt.date | None = None
    """Date the filing was made; None means it has not been filed."""
    tech_security_plan: bool = False
    """Whether the filing includes the technical and security plan (技术及安全方案)."""
