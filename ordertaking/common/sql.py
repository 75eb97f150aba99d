"""Small SQL expressions the ORM lacks, written once for both databases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import CharField, Expression, F, Func, IntegerField, Subquery, Value
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


class RangeIndex(Expression):
    """Which of consecutive ranges a column's value falls in, given where each range ends (exclusive):
    `CASE WHEN col < end_0 THEN 0 WHEN col < end_1 THEN 1 ... ELSE n - 1 END`, plain comparisons on both
    databases (a KPI trend's periods: assessment.kpis.by_period). It is what `Case(When(col__lt=end_0,
    then=Value(0)), ...)` writes, written out because Django takes some 5 ms per query to build, compare and
    group by a dozen When clauses; this takes a fraction of one. Values below every end but the last land in
    the last range too: filter the rows to the ranges first."""

    output_field = IntegerField()

    def __init__(self, column: str, ends: Sequence[Any]) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.ends = list(ends)

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        column, params = compiler.compile(self.column)
        field = self.column.output_field  # adapts each end as the field's own lookups do (UTC text on SQLite)
        sql, args = ["CASE"], []
        for i, end in enumerate(self.ends[:-1]):
            sql.append(f"WHEN {column} < %s THEN {i}")
            args += [*params, field.get_db_prep_value(end, connection)]
        sql.append(f"ELSE {len(self.ends) - 1} END")
        return " ".join(sql), args
