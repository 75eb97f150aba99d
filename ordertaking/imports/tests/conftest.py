from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    """A workbook as a user's Excel would save it: raw openpyxl, so "=..." becomes a real formula cell."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def code(prefix17: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    from ordertaking.customers.rules import credit_code_check_char

    return prefix17 + credit_code_check_char(prefix17)


@pytest.fixture
def upload():  # type: ignore[no-untyped-def]
    from ordertaking.imports import services

    def run(actor: Any, kind: str, headers: list[str], rows: list[list[Any]], name: str = "file.xlsx") -> Any:
        batch = services.batch_upload(actor=actor, kind=kind, file_name=name, content=xlsx(headers, rows))
        batch.refresh_from_db()
        return batch

    return run
