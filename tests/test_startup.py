"""What starting egovrules costs: ``import egovrules`` and ``egovrules check`` import only
what a check needs (``python -X importtime`` lists no other egovrules module)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

import egovrules
from tests.conftest import ROOT

NOT_FOR_A_CHECK = (
    "egovrules.law.notice",  # holiday notices: only with --holidays
    "egovrules.diffing",
    "egovrules.monitoring",
    "egovrules.auditing",
    "egovrules.authoring",
    "egovrules.analysis",
)


def _printed_by(code: str) -> list[str]:
    """What a fresh interpreter running ``code`` printed, word by word."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    ).stdout
    return out.split()


def _imported_after(code: str) -> list[str]:
    """The egovrules modules a fresh interpreter has imported after running ``code``."""
    out = _printed_by(f"{code}\nimport sys\nprint('\\n'.join(sys.modules))")
    return [m for m in out if m.startswith("egovrules")]


def test_import_egovrules_leaves_the_other_ways_out_unimported() -> None:
    loaded = _imported_after("import egovrules")
    assert "egovrules.engine.pack" in loaded
    assert not [m for m in loaded if m.startswith(NOT_FOR_A_CHECK)]


OTHER_MODELS = (
    "egovrules.subjects.project",
    "egovrules.subjects.network",
    "egovrules.subjects.department",
)


def test_import_egovrules_defines_no_pydantic_model() -> None:
    """Defining models is most of what importing egovrules cost: none is defined (nor is
    pydantic's model machinery, ``pydantic.main``, imported) until a subject is checked or a
    model named; loading a pack from the cache defines none either."""
    imported = _printed_by("import sys, egovrules\nprint('\\n'.join(sys.modules))")
    assert "egovrules.engine.pack" in imported
    models = ("egovrules.subjects.base", "egovrules.subjects.website", *OTHER_MODELS)
    assert not [m for m in imported if m.startswith((*models, "pydantic.main"))]
    load = "import sys, egovrules\negovrules.load_pack('wuhan')\nprint('\\n'.join(sys.modules))"
    _printed_by(load)  # fills the pack cache
    loaded = _printed_by(load)
    assert "egovrules.subjects.paths" in loaded  # what the rule set's field types are
    assert not [m for m in loaded if m.startswith((*models, "pydantic.main"))]


def test_a_model_named_imports_only_its_own_module() -> None:
    """``egovrules.Website`` and ``SUBJECT_MODELS['website']`` import the website model alone;
    ``Subject``, the union of the four, imports them all."""
    website = _imported_after("import egovrules\negovrules.Website")
    assert "egovrules.subjects.website" in website
    assert not [m for m in website if m.startswith(OTHER_MODELS)]
    looked_up = _imported_after(
        "from egovrules.subjects import SUBJECT_MODELS\nSUBJECT_MODELS['network']"
    )
    assert "egovrules.subjects.network" in looked_up
    assert "egovrules.subjects.website" not in looked_up
    union = _imported_after("from egovrules.subjects import Subject")
    assert set(OTHER_MODELS) <= set(union)


def test_lazy_models_are_the_models() -> None:
    """Every way of naming a model gives the one class, and the union is of the four."""
    import typing

    from egovrules import subjects
    from egovrules.subjects.department import Department
    from egovrules.subjects.network import NetworkRequest
    from egovrules.subjects.project import Project
    from egovrules.subjects.website import Website

    models = (Project, Website, NetworkRequest, Department)
    assert (egovrules.Project, egovrules.Website) == (Project, Website)
    assert (egovrules.NetworkRequest, egovrules.Department) == (NetworkRequest, Department)
    assert tuple(subjects.SUBJECT_MODELS.values()) == models
    assert tuple(subjects.SUBJECT_MODELS) == subjects.SUBJECT_KINDS
    assert "nothing" not in subjects.SUBJECT_MODELS
    assert subjects.SUBJECT_MODELS.get("nothing") is None
    assert typing.get_args(subjects.Subject) == models
    assert set(subjects.__all__) <= set(dir(subjects))
    with pytest.raises(AttributeError, match="no_such_name"):
        subjects.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_lazy_names_still_resolve() -> None:
    """``egovrules.diff``, ``matrix``, ``Matrix``, ``PackDiff``, ``Monitor`` and
    ``load_calendar`` import their module when first named; an unknown name is still an
    AttributeError."""
    from egovrules.diffing import Matrix, PackDiff, diff, matrix
    from egovrules.law.notice import load_calendar
    from egovrules.monitoring.monitor import Monitor

    assert egovrules.load_calendar is load_calendar
    assert (egovrules.diff, egovrules.matrix) == (diff, matrix)
    assert (egovrules.Matrix, egovrules.PackDiff, egovrules.Monitor) == (Matrix, PackDiff, Monitor)
    assert set(egovrules.__all__) <= set(dir(egovrules))
    with pytest.raises(AttributeError, match="no_such_name"):
        egovrules.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_deprecated_pack_monitor_works_before_monitoring_is_imported() -> None:
    loaded = _imported_after(
        "import warnings, egovrules\n"
        "warnings.simplefilter('ignore')\n"
        "m = egovrules.load_pack('wuhan').monitor()\n"
        "assert type(m).__name__ == 'Monitor'"
    )
    assert "egovrules.monitoring.monitor" in loaded
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert isinstance(egovrules.load_pack("wuhan").monitor(), egovrules.Monitor)


def test_check_imports_only_what_a_check_needs() -> None:
    """``egovrules check`` of a website, its pack in the cache: no other command's module, no
    other output format, no pack compiler, no other kind's model (``-X importtime`` shows the
    same list)."""
    run = (
        "from egovrules.cli import main\n"
        "main(['check', '--city', 'wuhan', '--as-of', '2026-03-22', '--format', 'json',"
        " 'examples/wuhan/website-late-police-filing.yaml'])"
    )
    _imported_after(run)  # fills the pack cache
    loaded = _imported_after(run)
    assert "egovrules.report.render.json" in loaded
    assert "egovrules.subjects.website" in loaded
    unneeded = (
        *NOT_FOR_A_CHECK,
        *OTHER_MODELS,  # the pack has rules on every kind; the file is a website
        "egovrules.cli.audit",
        "egovrules.cli.watch",
        "egovrules.cli.diff",
        "egovrules.report.render.sarif",
        "egovrules.report.render.text",
        "egovrules.ir.compile",
        "egovrules.ir.explain",
        "egovrules.packdata.model",
        "egovrules.engine.waivers",  # only with --waivers
    )
    assert not [m for m in loaded if m.startswith(unneeded)]


def test_check_builds_the_schema_of_its_subjects_model_alone() -> None:
    """pydantic building a schema costs a start: a check of a website without a project
    config, a waivers file or holiday notices builds only the website model's (with the
    records it holds); the config's and the waivers file's are built when one is read."""
    run = (
        "from pydantic import BaseModel\n"
        "from egovrules.cli import main\n"
        "main(['check', '--no-config', '--city', 'wuhan', '--as-of', '2026-03-22',"
        " '--format', 'json', 'examples/wuhan/website-late-police-filing.yaml'])\n"
        "def built(model):\n"
        "    for m in model.__subclasses__():\n"
        "        if m.__pydantic_complete__: print(m.__module__ + ':' + m.__name__)\n"
        "        built(m)\n"
        "built(BaseModel)"
    )
    _printed_by(run)  # fills the pack cache
    built = [line for line in _printed_by(run) if line.startswith("egovrules")]
    assert "egovrules.subjects.website:Website" in built
    assert not [m for m in built if not m.startswith("egovrules.subjects.website:")]
