"""The packs ship inside the wheel and the sdist, with the pack JSON Schema: load_pack("wuhan")
works from an installed wheel in a fresh virtual environment, away from the checkout (the
install docs/ci.md gives without a package index)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_installed_wheel_loads_bundled_pack(tmp_path: Path) -> None:
    """Build the wheel and the sdist, each holding every bundled pack and the pack JSON
    Schema; install the wheel in a new venv, and check a subject with the Wuhan pack."""
    import tarfile

    from egovrules import available_packs

    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("egovrules-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        schema = zf.read("egovrules/schemas/pack.schema.json")
    packs = {f"rules/{pack}.yaml" for pack in available_packs()}
    assert {f"egovrules/{p}" for p in packs} <= names
    assert "egovrules/py.typed" in names
    assert schema == (ROOT / "schemas" / "pack.schema.json").read_bytes()
    (sdist,) = dist.glob("egovrules-*.tar.gz")
    with tarfile.open(sdist) as tf:
        inside = {name.split("/", 1)[1] for name in tf.getnames() if "/" in name}
    assert {*packs, "schemas/pack.schema.json", "src/egovrules/py.typed"} <= inside

    # The installed wheel alone must be found: no PYTHONPATH pointing at a checkout.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    script = (
        "import datetime as dt, egovrules, egovrules.engine.pack as c\n"
        "p = egovrules.load_pack('wuhan')\n"
        "site = egovrules.Website(id='s', has_interactive_columns=True,"
        " network_access_date=dt.date(2026, 3, 1))\n"
        "r = p.check(site, as_of=dt.date(2026, 3, 22))\n"
        "print(c.bundled_dir())\n"
        "print(len(p.rules), sorted(v.rule_id for v in r.violations if v.citation.article == 15))\n"
    )
    out = subprocess.run(
        [str(python), "-c", script],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.splitlines()
    assert "site-packages" in out[0] and str(ROOT) not in out[0]
    import egovrules

    assert out[1].startswith(f"{len(egovrules.load_pack('wuhan').rules)} ")
    assert "wuhan.website.police_filing_15_days" in out[1]
    cli = venv / ("Scripts" if os.name == "nt" else "bin") / "egovrules"
    proc = subprocess.run(
        [str(cli), "packs"], cwd=tmp_path, capture_output=True, text=True, check=False, env=env
    )
    assert proc.returncode == 0
    assert any(line.startswith("wuhan\t") for line in proc.stdout.splitlines())
