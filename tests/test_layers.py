"""The layer order of the apps (docs/conventions.md, "The layers of the apps") holds, and CI checks it.

import-linter reads the contract in pyproject.toml; bin/test (and so .ci/run) runs it before pytest.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return list(contract["layers"])


def test_no_app_imports_a_higher_one_and_there_is_no_cycle():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_every_app_has_its_place_in_the_layers():
    placed = {name.strip() for layer in _layers() for name in layer.replace("|", ":").split(":")}
    apps = {f"ordertaking.{p.name}" for p in (ROOT / "ordertaking").iterdir() if (p / "apps.py").exists()}
    assert apps - placed == set(), "a new app needs its layer in pyproject.toml and docs/conventions.md"


def test_the_layers_in_the_conventions_are_the_ones_import_linter_checks():
    conventions = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    for layer in _layers()[1:]:  # the project-level modules are described in words
        assert layer.replace("ordertaking.", "") in conventions, layer


def test_bin_test_runs_the_layer_check_before_the_tests():
    script = (ROOT / "bin" / "test").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    assert script.index("lint-imports") < script.index("pytest \"$@\"")
