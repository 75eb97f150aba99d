"""Small SQL expressions the ORM lacks, written once for both databases."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Concat


class JoinedText(Func):
    """The values of one column over a subquery's rows, joined by commas, in ONE row: PostgreSQL's
    string_agg, SQLite's group_concat. A Func, not an Aggregate, so the ORM adds no GROUP BY: used
    inside `Subquery(...)` it reads a related set in the same statement as its parent row."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def joined_set(value: str | None) -> set[str]:
    """What JoinedText returned, back as a set (no rows: NULL)."""
    return {v for v in (value or "").split(",") if v}


def dotted(left: str, right: str) -> Concat:
    """`left.right` of two columns (a permission's app label and codename)."""
    return Concat(F(left), Value("."), F(right), output_field=CharField())
