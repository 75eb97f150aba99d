"""Small SQL expressions the ORM lacks, written once for both databases."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Func, Subquery, Value
from django.db.models.functions import Concat

SEPARATOR = "\x1f"  # the ASCII unit separator: no name, code or phone number contains it


class JoinedText(Func):
    """The values of one column over a subquery's rows, joined by SEPARATOR, in ONE row: PostgreSQL's
    string_agg, SQLite's group_concat. A Func, not an Aggregate, so the ORM adds no GROUP BY: used
    inside `Subquery(...)` it reads a related set in the same statement as its parent row."""

    function = "STRING_AGG"
    output_field = CharField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, Value(SEPARATOR), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def joined(value: str | None) -> list[str]:
    """What JoinedText returned, back as a list (no rows: NULL, an empty list)."""
    return [v for v in (value or "").split(SEPARATOR) if v]


def joined_set(value: str | None) -> set[str]:
    return set(joined(value))


def joined_text(queryset: Any, expression: Any) -> Subquery:
    """`expression` over the rows of `queryset` (correlated with OuterRef), joined into one column."""
    return Subquery(queryset.order_by().annotate(joined_text=JoinedText(expression)).values("joined_text")[:1])


def dotted(left: str, right: str) -> Concat:
    """`left.right` of two columns (a permission's app label and codename)."""
    return Concat(F(left), Value("."), F(right), output_field=CharField())
