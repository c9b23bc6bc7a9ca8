"""The command line: parse arguments, call the API, pick a renderer, return an ``ExitCode``.

Thin on purpose: everything it does is available from the Python API.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from egovrules._version import __version__
from egovrules.authoring.lint import coverage, lint_pack
from egovrules.authoring.pages import city_page, concepts_page, subjects_reference
from egovrules.authoring.testing import run_pack_tests, uncovered_rules
from egovrules.cli.audit import register as register_audit
from egovrules.cli.diff import register as register_diff
from egovrules.cli.matrix import register as register_matrix
from egovrules.cli.reference import cli_reference
from egovrules.cli.watch import register as register_watch
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.inputs import read_subjects
from egovrules.engine.pack import load_pack, today_in_china
from egovrules.engine.run import RunOptions, progress_bar, run_check
from egovrules.ir.explain import explain_rule, render_explanation
from egovrules.ir.nodes import RuleIR
from egovrules.packdata.bundled import available_packs
from egovrules.packdata.schema import pack_schema
from egovrules.packdata.vocabulary import load_vocabulary
from egovrules.report.model import Checked
from egovrules.report.render.github import render_github
from egovrules.report.render.json import render_json
from egovrules.report.render.junit import render_junit
from egovrules.report.render.markdown import render_markdown
from egovrules.report.render.sarif import render_sarif
from egovrules.report.render.text import render_text
from egovrules.source.errors import EgovrulesError, UsageError
from egovrules.subjects import SUBJECT_KINDS, SUBJECT_MODELS

__all__ = ["ExitCode", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: ExitCode = args.run(args)
    except EgovrulesError as exc:
        print(str(exc), file=sys.stderr)
        return ExitCode.ERROR
    except BrokenPipeError:  # e.g. `egovrules check ... | head`
        return ExitCode.OK
    return int(code)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="egovrules",
        description="Check e-government projects, websites, network requests and departments "
        "against Chinese municipal regulations, with citations.",
        epilog="exit codes: 0 compliant, 1 violations found (or a pack test failed), "
        "2 usage or input error",
    )
    p.add_argument("--version", action="version", version=f"egovrules {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="check subject files against a city's rule pack",
        description="Check subject files (YAML or JSON) against a rule pack.",
    )
    check.add_argument(
        "files",
        nargs="+",
        help="subject files (YAML, JSON, JSON Lines), directories, glob patterns, or - for stdin",
    )
    check.add_argument(
        "--city", help="bundled pack id (or a pack file); default: the subject's city field"
    )
    check.add_argument(
        "--kind", choices=SUBJECT_KINDS, help="subject kind for files that have no 'kind' field"
    )
    check.add_argument(
        "--as-of", type=_date, help="evaluation date YYYY-MM-DD (default: today in Asia/Shanghai)"
    )
    check.add_argument("--format", choices=_RENDERERS, default="text")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "advisory", "never"),
        default="warning",
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    check.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="RULE",
        help="check only rules whose id or concept matches (glob; repeatable)",
    )
    check.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="RULE",
        help="leave out rules whose id or concept matches (glob; repeatable)",
    )
    check.add_argument(
        "--explain",
        action="store_true",
        help="add each finding's evaluation trace to the JSON output",
    )
    check.add_argument(
        "--weekday-fallback",
        action="store_true",
        help="count working days Monday to Friday in years the Chinese holiday calendar does "
        "not cover (default: such deadlines are reported undetermined)",
    )
    check.add_argument(
        "--lang",
        choices=("en", "zh"),
        default=default_language(),
        help="language of messages and quotes (default: zh when the locale is Chinese)",
    )
    check.set_defaults(run=_cmd_check)

    test = sub.add_parser(
        "test", help="run the examples of rule packs", description="Run each pack's own test cases."
    )
    test.add_argument("packs", nargs="*", help="pack ids or files (default: every bundled pack)")
    test.set_defaults(run=_cmd_test)

    explain = sub.add_parser(
        "explain",
        help="show how a rule was evaluated on a subject",
        description="Print the evaluation trace of a rule (or every rule of a concept) on one "
        "subject: each sub-condition with the actual values, true or false, and the article.",
    )
    explain.add_argument("file", type=Path, help="subject file")
    explain.add_argument("rule", help="rule id or concept")
    explain.add_argument("--city", help="pack id or file (default: the subject's city)")
    explain.add_argument("--kind", choices=SUBJECT_KINDS)
    explain.add_argument("--as-of", type=_date)
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.add_argument("--weekday-fallback", action="store_true")
    explain.set_defaults(run=_cmd_explain)

    lint = sub.add_parser(
        "lint",
        help="check that packs quote the law faithfully and cover every article",
        description="Check that every quote occurs in the regulation text (under the one "
        "documented normalization) and that every article is cited or declaratory.",
    )
    lint.add_argument("packs", nargs="*", help="pack ids or files (default: every bundled pack)")
    lint.add_argument(
        "--sources",
        type=Path,
        help="folder of regulation texts (default: the bundled rules/sources)",
    )
    lint.set_defaults(run=_cmd_lint)

    cov = sub.add_parser(
        "coverage",
        help="show which rules cite each article of a pack",
        description="Print, for every article of a pack, the rules citing it or the reason "
        "it is declaratory.",
    )
    cov.add_argument("pack", help="pack id or file")
    cov.set_defaults(run=_cmd_coverage)

    docs = sub.add_parser(
        "docs",
        help="generate the per-city pages, the concept table and the references",
        description="Write DIR/cities/<city>.md for every bundled pack, DIR/concepts.md, "
        "DIR/subjects-reference.md and DIR/cli.md (this reference); "
        "with --check, write nothing and fail if a page is not current.",
    )
    docs.add_argument("--out", type=Path, default=Path("docs"), help="folder (default: docs)")
    docs.add_argument("--check", action="store_true", help="only check the pages are current")
    docs.set_defaults(run=_cmd_docs)

    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of a subject kind or of a rule pack",
        description="Print the JSON Schema of a subject model, or with 'pack' of the rule-pack "
        "format (shipped as schemas/pack.schema.json for editors).",
    )
    schema.add_argument("kind", choices=(*SUBJECT_KINDS, "pack"))
    schema.set_defaults(run=_cmd_schema)

    packs = sub.add_parser(
        "packs", help="list the bundled rule packs", description="List the bundled rule packs."
    )
    packs.set_defaults(run=_cmd_packs)
    for register in (register_diff, register_matrix, register_audit, register_watch):
        register(sub)
    return p


def default_language() -> str:
    """``zh`` when the locale (LC_ALL, LC_MESSAGES or LANG) is Chinese, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


# -- commands ----------------------------------------------------------------------------------


_RENDERERS = ("text", "json", "sarif", "junit", "github", "markdown")


def _cmd_check(args: argparse.Namespace) -> ExitCode:
    options = RunOptions(
        city=args.city,
        kind=args.kind,
        as_of=args.as_of,
        weekday_fallback=args.weekday_fallback,
        only=tuple(args.only),
        skip=tuple(args.skip),
        fail_on=args.fail_on,
        explain=args.explain,
    )
    result = run_check(args.files, options, progress_bar())
    for error in result.errors:
        print(str(error), file=sys.stderr)
    rules = {r.id: r for pack in result.packs.values() for r in pack.rules}
    sys.stdout.write(render(args.format, result.checked, rules, args.lang))
    return result.exit_code(args.fail_on)


def render(fmt: str, checked: list[Checked], rules: dict[str, RuleIR], language: str) -> str:
    """The run in one of the output formats."""
    if fmt == "json":
        return render_json(checked, language)
    if fmt == "sarif":
        return render_sarif(checked, rules, language)
    if fmt == "junit":
        return render_junit(checked, rules, language)
    if fmt == "github":
        return render_github(checked, language)
    if fmt == "markdown":
        return render_markdown(checked, language)
    return render_text(checked, language)


def _cmd_explain(args: argparse.Namespace) -> ExitCode:
    subjects, errors = read_subjects(str(args.file), args.kind)
    if errors:
        raise errors[0]
    if len(subjects) != 1:
        raise UsageError(f"{args.file}: explain takes a file holding one subject")
    (loaded,) = subjects
    city = args.city or loaded.subject.city
    if city is None:
        raise UsageError(f"{args.file}: no city: give --city or a 'city' field")
    pack = load_pack(city, weekday_fallback=args.weekday_fallback)
    matches = [r for r in pack.rules if args.rule in (r.id, r.concept)]
    if not matches:
        guess = difflib.get_close_matches(args.rule, [r.id for r in pack.rules], n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        raise UsageError(f"no rule or concept {args.rule!r} in pack {pack.id}{hint}")
    as_of = args.as_of or today_in_china()
    for rule in matches:
        if rule.subject != loaded.subject.kind:
            raise UsageError(
                f"{rule.id} applies to {rule.subject} subjects, not to a {loaded.subject.kind}"
            )
        trace = explain_rule(rule, loaded.subject, as_of)
        if args.format == "json":
            sys.stdout.write(json.dumps(trace, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(render_explanation(trace))
    return ExitCode.OK


def _cmd_test(args: argparse.Namespace) -> ExitCode:
    failed = 0  # cases whose outcome differs, plus rules a pack's cases do not cover
    passed = 0
    for name in args.packs or available_packs():
        pack = load_pack(name)
        results = run_pack_tests(pack)
        for r in results:
            passed += r.passed
            if not r.passed:
                failed += 1
                print(f"FAIL {pack.id}: {r.case.name}")
                for label, ids in (
                    ("missing violations", r.missing),
                    ("unexpected violations", r.unexpected),
                    ("missing pending", r.pending_missing),
                    ("unexpected pending", r.pending_unexpected),
                    ("missing undetermined", r.undetermined_missing),
                    ("unexpected undetermined", r.undetermined_unexpected),
                ):
                    if ids:
                        print(f"  {label}: {', '.join(ids)}")
        gaps = uncovered_rules(pack, results)
        for label, rule_ids in gaps.items():
            for rid in rule_ids:
                failed += 1
                print(f"FAIL {pack.id}: rule {rid} is {label.replace('_', ' ')} by any case")
        print(f"{pack.id}: {len(results)} case(s), {len(pack.rules)} rule(s)")
    print(f"{passed} passed, {failed} failed")
    return ExitCode.VIOLATIONS if failed else ExitCode.OK


def _cmd_lint(args: argparse.Namespace) -> ExitCode:
    findings = 0
    for name in args.packs or available_packs():
        pack = load_pack(name)
        diagnostics = lint_pack(pack, args.sources)
        doc = pack.document
        for d in diagnostics:
            print(d.render(doc.text if doc else None))
        findings += len(diagnostics)
        quotes = sum(len(r.citations) for r in pack.rules)
        print(
            f"{pack.id}: {len(pack.ruleset.articles)} articles, {len(pack.rules)} rules, "
            f"{quotes} citations, {len(diagnostics)} finding(s)"
        )
    return ExitCode.VIOLATIONS if findings else ExitCode.OK


def _cmd_coverage(args: argparse.Namespace) -> ExitCode:
    pack = load_pack(args.pack)
    rows = coverage(pack)
    width = max(_display_width(r.label) for r in rows) + 2
    print(f"{'art.':>4}  {'label':<{width}}rules, or why the article is declaratory")
    for row in rows:
        lines = list(row.rules) or [
            f"declaratory: {row.declaratory}" if row.declaratory else "NOT COVERED"
        ]
        pad = width - _display_width(row.label) + len(row.label)
        print(f"{row.number:>4}  {row.label:<{pad}}{lines[0]}")
        for extra in lines[1:]:
            print(f"{'':>4}  {'':<{width}}{extra}")
    uncovered = sum(1 for r in rows if not r.rules and not r.declaratory)
    cited = sum(1 for r in rows if r.rules)
    print(
        f"{pack.id}: {len(rows)} articles, {cited} cited, {len(rows) - cited - uncovered} "
        f"declaratory, {uncovered} not covered"
    )
    return ExitCode.VIOLATIONS if uncovered else ExitCode.OK


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _cmd_docs(args: argparse.Namespace) -> ExitCode:
    packs = [load_pack(name) for name in available_packs()]
    pages = {Path("cities") / f"{p.id}.md": city_page(p) for p in packs}
    pages[Path("concepts.md")] = concepts_page(packs, load_vocabulary())
    pages[Path("subjects-reference.md")] = subjects_reference()
    pages[Path("cli.md")] = cli_reference(_parser())
    stale = 0
    for rel, text in sorted(pages.items()):
        path = args.out / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale += 1
        if args.check:
            print(f"{path}: not current; run `egovrules docs`", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return ExitCode.VIOLATIONS if (stale and args.check) else ExitCode.OK


def _cmd_schema(args: argparse.Namespace) -> ExitCode:
    schema = pack_schema() if args.kind == "pack" else SUBJECT_MODELS[args.kind].model_json_schema()
    sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return ExitCode.OK


def _cmd_packs(args: argparse.Namespace) -> ExitCode:
    for name in available_packs():
        pack = load_pack(name)
        print(f"{name}\t{pack.ruleset.version}\t{len(pack.rules)} rules\t{pack.ruleset.city}")
    return ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main())
