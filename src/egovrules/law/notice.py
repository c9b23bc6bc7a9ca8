"""A State Council holiday notice supplied for a year ``chinese-calendar`` does not cover yet.

Every November the General Office of the State Council publishes the next year's holidays
(国务院办公厅关于某年部分节假日安排的通知); until the package catches up, a user writes the notice
down as a small YAML file and passes it to a check (``--holidays FILE``, or
``load_calendar([...])`` and ``Pack.check(..., calendar=...)``)::

    notice:
      title: 国务院办公厅关于2027年部分节假日安排的通知
      url: https://www.gov.cn/...
      published: 2026-11-12
    year: 2027
    holidays:                  # the days off, as the notice lists them
      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
    workdays: [2027-02-20]     # the weekend days worked (调休上班)

The file is read with the safe reader and checked whole before anything is counted with it:
every error is positioned (``file:line:col``, ``CalendarError``, exit 2), never a traceback.
A notice is refused when a day lies outside its year, a range runs backwards, a day is both
off and worked, a make-up workday is not a weekend day, or a notice for a year the package
covers contradicts it on any day; the notices' years must follow on from the package's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from egovrules.law import calendar
from egovrules.law.calendar import HolidayNotice, WorkCalendar
from egovrules.source.document import (
    Document,
    DocumentError,
    read_document,
    validation_diagnostics,
)
from egovrules.source.errors import CalendarError, Diagnostic

__all__ = ["load_calendar", "load_notice"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Source(_Strict):
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    published: dt.date


class _Holiday(_Strict):
    name: str = Field(min_length=1)
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None


class _NoticeFile(_Strict):
    notice: _Source
    year: int = Field(ge=1900, le=2199)
    holidays: list[_Holiday] = Field(min_length=1)
    workdays: list[dt.date] = Field(default_factory=list)


def load_notice(path: str | Path) -> HolidayNotice:
    """Read and check one notice file; ``CalendarError`` with every positioned problem."""
    try:
        doc = read_document(path)
    except DocumentError as exc:
        raise CalendarError(list(exc.diagnostics), exc.text) from None
    try:
        model = _NoticeFile.model_validate(doc.data)
    except ValidationError as exc:
        raise CalendarError(validation_diagnostics(exc, doc, "E800"), doc.text) from None
    out: list[Diagnostic] = []

    def at(where: tuple[Hashable, ...], code: str, message: str, hint: str | None = None) -> None:
        out.append(Diagnostic(code, message, doc.span(where), hint))

    year = model.year
    holidays: dict[dt.date, tuple[Hashable, ...]] = {}
    for i, h in enumerate(model.holidays):
        last = h.to or h.from_
        if last < h.from_:
            at(("holidays", i, "to"), "E802", f"{h.name}: 'to' {last} is before 'from' {h.from_}")
            continue
        for key, day in (("from", h.from_), ("to", last)):
            if day.year != year:
                at(
                    ("holidays", i, key),
                    "E801",
                    f"{h.name}: {day} is not in {year}, the notice's year",
                )
        day = h.from_
        while day <= last:
            holidays.setdefault(day, ("holidays", i))
            day += dt.timedelta(days=1)
    workdays: dict[dt.date, tuple[Hashable, ...]] = {}
    for i, day in enumerate(model.workdays):
        where = ("workdays", i)
        workdays.setdefault(day, where)
        if day.year != year:
            at(where, "E801", f"make-up workday {day} is not in {year}, the notice's year")
        if day.weekday() < 5:
            at(
                where,
                "E804",
                f"make-up workday {day} is a {day:%A}: a day worked in exchange (调休上班) is a "
                "Saturday or Sunday",
            )
        if day in holidays:
            at(where, "E803", f"{day} is listed both as a day off and as a workday")
    notice = HolidayNotice(
        year=year,
        holidays=frozenset(d for d in holidays if d.year == year),
        workdays=frozenset(d for d in workdays if d.year == year),
        title=model.notice.title,
        url=model.notice.url,
        published=model.notice.published,
        file=str(path),
    )
    first, last_known = calendar.covered_years()
    if not out and first <= year <= last_known:
        contradiction = _agrees_with_package(notice, holidays, workdays, doc)
        if contradiction is not None:
            out.append(contradiction)
    if out:
        raise CalendarError(out, doc.text)
    return notice


def _agrees_with_package(
    notice: HolidayNotice,
    holidays: dict[dt.date, tuple[Hashable, ...]],
    workdays: dict[dt.date, tuple[Hashable, ...]],
    doc: Document,
) -> Diagnostic | None:
    """A notice for a year the package covers must say what the package says on every day:
    the first day it does not, at the entry that lists it (or at ``year`` for a day the
    notice leaves out)."""
    day = dt.date(notice.year, 1, 1)
    while day.year == notice.year:
        said, known = notice.is_workday(day), calendar.is_workday(day)
        if said != known:
            return Diagnostic(
                "E805",
                f"the notice makes {day} a {'working day' if said else 'day off'}, but "
                f"chinese-calendar {calendar.package_version()} (which covers {notice.year}) "
                f"has it as a {'working day' if known else 'day off'}",
                doc.span(holidays.get(day) or workdays.get(day) or ("year",)),
                "a notice is for a year the package does not cover yet; check the dates",
            )
        day += dt.timedelta(days=1)
    return None


def load_calendar(paths: Iterable[str | Path]) -> WorkCalendar:
    """The package's calendar with the notices of ``paths``: ``CalendarError`` when a file is
    refused, when two give the same year, or when a year is left unknown between the package's
    last and a notice's."""
    notices = [load_notice(p) for p in paths]
    out: list[Diagnostic] = []
    seen: dict[int, HolidayNotice] = {}
    last = calendar.covered_years()[1]
    for notice in sorted(notices, key=lambda n: n.year):
        span = read_document(notice.file).span(("year",))
        if notice.year in seen:
            out.append(
                Diagnostic(
                    "E807",
                    f"a second notice for {notice.year} (the first is {seen[notice.year].file})",
                    span,
                )
            )
            continue
        seen[notice.year] = notice
        if notice.year > last + 1:
            out.append(
                Diagnostic(
                    "E806",
                    f"the notice for {notice.year} leaves {last + 1} unknown",
                    span,
                    f"supply the State Council's notice for {last + 1} too",
                )
            )
        last = max(last, notice.year)
    if out:
        raise CalendarError(out)
    return WorkCalendar(tuple(seen.values()))
