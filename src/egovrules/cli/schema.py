"""``egovrules schema KIND``: the JSON Schema of a subject kind, or of the rule-pack format."""

from __future__ import annotations

import argparse
import json
import sys

from egovrules.engine.exitcodes import ExitCode
from egovrules.packdata.schema import pack_schema
from egovrules.subjects import SUBJECT_KINDS, SUBJECT_MODELS

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``schema`` to the command line."""
    schema = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a subject kind or of a rule pack",
        description="Print the JSON Schema of a subject model, or with 'pack' of the rule-pack "
        "format (shipped as schemas/pack.schema.json for editors).",
    )
    schema.add_argument(
        "kind", choices=(*SUBJECT_KINDS, "pack"), help="a subject kind, or pack for the pack format"
    )
    schema.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    schema = pack_schema() if args.kind == "pack" else SUBJECT_MODELS[args.kind].model_json_schema()
    sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return ExitCode.OK
