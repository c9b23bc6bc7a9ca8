"""The CI examples of docs/ci.md run, as far as they can without GitHub, GitLab, pre-commit or
Docker: in a fixture repository with the page's own .egovrules.yaml, each workflow's
egovrules steps run in bash (installs left out: egovrules is installed here), the action's
step as action.yml declares it, the pre-commit hook as .pre-commit-hooks.yaml declares it, and
the Dockerfile's inputs are checked to exist. What each produces is then read back: SARIF,
JUnit, GitLab Code Quality, annotations, the step summary."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from tests.conftest import ROOT

PAGE = ROOT / "docs" / "ci.md"
_INSTALL = re.compile(r"^(python3? -m )?pip install\b")


def _blocks(lang: str, section: str) -> list[str]:
    """The fenced ``lang`` blocks of a section (``## section``) of docs/ci.md."""
    text = PAGE.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"^```{lang}\n(.*?)^```", body, re.S | re.M)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the config of docs/ci.md: compliance/ holds a late Wuhan website
    and a compliant one, compliance/drafts/ one excluded by the config; a workflow file and
    a .pre-commit-config.yaml without a subject kind."""
    (tmp_path / ".git").mkdir()
    (config,) = [b for b in _blocks("yaml", "The project config") if "include:" in b]
    # As of the day the example website is 21 days past network access: a fixed verdict.
    (tmp_path / ".egovrules.yaml").write_text(config + "as-of: 2026-03-22\n", encoding="utf-8")
    compliance = tmp_path / "compliance"
    (compliance / "drafts").mkdir(parents=True)
    shutil.copy(ROOT / "examples/wuhan/website-late-police-filing.yaml", compliance / "late.yaml")
    shutil.copy(ROOT / "examples/wuhan/website-compliant.yaml", compliance / "good.yaml")
    (compliance / "drafts" / "draft.yaml").write_text("kind: website\n", encoding="utf-8")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yml").write_text("on: [push]\njobs: {}\n", encoding="utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text(
        _blocks("yaml", "pre-commit")[0], encoding="utf-8"
    )
    return tmp_path


def _bash(
    command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ)
    full["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full.get('PATH', '')}"
    full.pop("GITHUB_STEP_SUMMARY", None)
    full.update(env or {})
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=full, capture_output=True, text=True, check=False
    )


def _steps(workflow: str) -> list[dict[str, Any]]:
    (job,) = yaml.safe_load(workflow)["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _action_step(
    step: dict[str, Any], repo: Path, summary: Path
) -> subprocess.CompletedProcess[str]:
    """A ``uses: OWNER/egovrules@TAG`` step: action.yml's egovrules step, with its inputs."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (run,) = [s for s in action["runs"]["steps"] if s.get("name") == "egovrules check"]
    env = {
        "EGOVRULES_ARGS": step.get("with", {}).get("args", ""),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    return _bash(run["run"], repo, env)


def test_the_github_action_workflow(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The workflow with the action: annotations grouped per file on stdout, the SARIF its
    upload step names, the Markdown report on the summary page; the late filing fails it."""
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    workflow = _blocks("yaml", "GitHub Actions")[0]
    results = []
    for step in _steps(workflow):
        if str(step.get("uses", "")).startswith("OWNER/egovrules@"):
            results.append(_action_step(step, repo, summary))
        elif "upload-sarif" in str(step.get("uses", "")):
            sarif = json.loads((repo / step["with"]["sarif_file"]).read_text(encoding="utf-8"))
            (run,) = sarif["runs"]
            assert [r["ruleId"] for r in run["results"]] == ["wuhan.website.police_filing_15_days"]
            assert run["invocations"][0]["executionSuccessful"] is True
    (done,) = results
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "::group::egovrules compliance/late.yaml" and lines[-1] == "::endgroup::"
    assert lines[1].startswith("::error file=compliance/late.yaml,line=40,col=1,")
    assert summary.read_text(encoding="utf-8").startswith(
        "## ❌ egovrules: 共 2 个对象"
    )  # lang: zh


def test_the_action_leaves_patterns_in_its_arguments_to_egovrules(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The action's arguments are split into words unquoted: bash also expanded a pattern in
    them, and named each file it matched on the command line, where a link is read (the
    caller chose it): a link the change under review adds (compliance/leak.yaml to a file
    outside the tree) had its target's lines printed under the error's caret."""
    outside = tmp_path_factory.mktemp("outside") / "creds"
    outside.write_text("token: ghp_SECRET123\n", encoding="utf-8")
    (repo / "compliance" / "leak.yaml").symlink_to(outside)
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    done = _action_step({"with": {"args": "compliance/*.yaml"}}, repo, summary)
    assert "SECRET" not in done.stdout + done.stderr
    assert done.returncode == 1, done.stderr  # the late website, found by egovrules' own glob
    assert "::error file=compliance/late.yaml" in done.stdout


def test_the_github_steps_workflow(repo: Path) -> None:
    """The workflow without the action: its run steps, the install left out."""
    commands = [s["run"] for s in _steps(_blocks("yaml", "GitHub Actions")[1]) if "run" in s]
    ran = [_bash(c, repo) for c in commands if not _INSTALL.match(c)]
    assert [r.returncode for r in ran] == [1]
    assert "::error file=compliance/late.yaml" in ran[0].stdout
    suites = ET.parse(repo / "egovrules-junit.xml").getroot().findall("testsuite")
    assert [s.get("file") for s in suites] == ["compliance/good.yaml", "compliance/late.yaml"]


def test_the_gitlab_job(repo: Path) -> None:
    """The GitLab job's script, the install left out: the Code Quality report and the JUnit
    report its artifacts name are written; the quiet text lists the one violation."""
    (job,) = yaml.safe_load(_blocks("yaml", "GitLab CI")[0]).values()
    ran = [_bash(line, repo) for line in job["script"] if not _INSTALL.match(line)]
    assert [r.returncode for r in ran] == [1]
    assert "good.yaml" not in ran[0].stdout and "police_filing_15_days" in ran[0].stdout
    reports = job["artifacts"]["reports"]
    (issue,) = json.loads((repo / reports["codequality"]).read_text(encoding="utf-8"))
    assert issue["check_name"] == "wuhan.website.police_filing_15_days"
    assert issue["location"] == {"path": "compliance/late.yaml", "lines": {"begin": 40}}
    assert issue["severity"] == "critical" and len(issue["fingerprint"]) == 64
    assert ET.parse(repo / reports["junit"]).getroot().get("failures") == "1"


def test_the_pre_commit_hook(repo: Path) -> None:
    """The hook the page's .pre-commit-config.yaml names, run as pre-commit would on every
    file its pattern matches: the config and the workflow are skipped (no kind), the
    excluded draft is left out, the late website fails the commit."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["hooks"][0]["id"] == hook["id"]
    files = sorted(
        str(p.relative_to(repo))
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.parts[-2:-1] and re.search(hook["files"], p.name)
    )
    assert ".pre-commit-config.yaml" in files and ".github/workflows/ci.yml" in files
    done = _bash(" ".join([hook["entry"], *files]), repo)
    assert done.returncode == 1, done.stderr
    assert done.stderr == "" and "共检查 2 个对象" in done.stdout  # lang: zh in the config
    (repo / "compliance/late.yaml").unlink()
    assert _bash(" ".join([hook["entry"], *files[:-1]]), repo).returncode == 0


def test_the_dockerfile_builds_from_what_the_repository_has() -> None:
    """No Docker daemon here: the image's inputs exist, it installs egovrules from them, and
    .dockerignore keeps none of them out (the wheel they build is tested in test_wheel.py)."""
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    copied = [p for line in lines if line.startswith("COPY ") for p in line.split()[1:-1]]
    assert copied == ["pyproject.toml", "README.md", "src", "rules"]
    assert all((ROOT / p).exists() for p in copied)
    assert any(line.startswith("RUN pip install --no-cache-dir '.") for line in lines)
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert not set(copied) & set(ignored)
