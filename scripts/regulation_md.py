#!/usr/bin/env python
"""Writes docs/regulation.md from ordertaking/common/regulation.py (the one source of the clause texts)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ordertaking.common.regulation import markdown  # noqa: E402

if __name__ == "__main__":
    (ROOT / "docs" / "regulation.md").write_text(markdown(), encoding="utf-8")
    print("wrote docs/regulation.md")
