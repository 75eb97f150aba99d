"""A finding: one thing a rule found wrong with an order, citing its clause.

Completeness (P2.2.a/b), review (P2.3), credit (P5.1) all speak this one shape so
the page's findings panel and the API show them alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    code: str  # stable machine code, e.g. "price_below_floor"
    clause: str  # policy clause, e.g. "P2.3.b"
    message: str  # translated, human sentence
    field: str | None = None  # e.g. "delivery_date" or "lines.2.unit_price"
    line: int | None = None  # 1-based line number when the finding is about a line
    blocking: bool = True  # blocks approval unless covered by a special approval

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
