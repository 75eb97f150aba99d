"""The regulation page: every clause ID shown in the application can be looked up (P1.3, all chapters)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ordertaking.common.regulation import BY_ID, CLAUSE_ID, CLAUSES, markdown

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_the_regulation_page_shows_each_clause_in_the_readers_language(client, sales_rep):
    client.force_login(sales_rep)
    zh = client.get("/regulation/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get("/regulation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="P2.3.c"' in zh and "审核结果处理" in zh and "特批" in zh
    assert 'id="P2.3.c"' in en and "Review result" in en and "审核结果处理" not in en
    assert 'data-regulation-url="/regulation/"' in zh  # what app.js links every clause badge to


def test_every_clause_id_the_code_cites_is_in_the_regulation():
    """Each `P2.3.c`-style ID in a template, a finding or a rule must have a clause to link to."""
    cited: set[str] = set()
    for path in (ROOT / "ordertaking").rglob("*"):
        if path.suffix in {".py", ".html"} and "migrations" not in path.parts and "tests" not in path.parts:
            cited |= set(re.findall(r"\bP[1-6](?:\.\d(?:\.[a-z])?)?\b", path.read_text(encoding="utf-8")))
    missing = sorted(c for c in cited if CLAUSE_ID.match(c) and c not in BY_ID)
    assert missing == []
    assert all(c.text_en and c.text_zh for c in CLAUSES if c.level == 3)


def test_docs_regulation_md_is_written_from_the_same_clauses():
    assert (ROOT / "docs" / "regulation.md").read_text(encoding="utf-8") == markdown(), (
        "run .venv/bin/python scripts/regulation_md.py")
