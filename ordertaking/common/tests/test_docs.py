"""The README and deploy guide point at things that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("doc", ["README.md", "docs/deploy.md"])
def test_every_relative_link_and_image_in_the_docs_exists(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#\s]+)", text) if "://" not in t]
    assert targets or doc != "README.md"
    missing = [t for t in targets if not ((ROOT / doc).parent / t).exists()]
    assert missing == []


def test_the_readme_sets_up_with_exactly_bin_run_and_bin_test():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Run it", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["bin/run", "bin/test"]
    for script in ("bin/run", "bin/test", ".ci/run"):
        path = ROOT / script
        assert path.stat().st_mode & 0o111, f"{script} is not executable"
        assert "set -euo pipefail" in path.read_text()
