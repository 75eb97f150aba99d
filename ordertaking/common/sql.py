"""Small SQL expressions the ORM lacks, written once for both databases."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import (
    BooleanField,
    CharField,
    Expression,
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Concat

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


def texts_param(values: Iterable[str]) -> str:
    """The one parameter `OneOf` takes: the texts as a JSON array (sorted, no repeats: the same set is the same
    parameter)."""
    return json.dumps(sorted(set(values)), ensure_ascii=False)


class OneOf(Expression):
    """`column IN (...)` for the texts of a JSON array given as ONE parameter (`texts_param`): PostgreSQL
    `col = ANY(ARRAY(SELECT jsonb_array_elements_text(%s::jsonb)))` (an index condition), SQLite
    `col IN (SELECT value FROM json_each(%s))`. Unlike `filter(col__in=values)`, which writes one placeholder
    per value, the SQL is the same whatever the number of texts, so a prepared read (common/prepared.py) takes
    the list in one `str` slot. Exact, case-sensitive matches, as `__in`."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, texts: Any) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.texts: Any = texts if hasattr(texts, "resolve_expression") else Value(texts, output_field=TextField())

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.texts]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.column, self.texts = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # pragma: no cover - PG and SQLite only
        raise NotImplementedError(f"OneOf: no SQL for {connection.vendor}")

    def _parts(self, compiler: Any) -> tuple[str, str, list[Any]]:
        column, column_params = compiler.compile(self.column)
        texts, texts_params = compiler.compile(self.texts)
        return column, texts, [*column_params, *texts_params]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        column, texts, params = self._parts(compiler)
        return f"{column} = ANY(ARRAY(SELECT jsonb_array_elements_text(({texts})::jsonb)))", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        column, texts, params = self._parts(compiler)
        return f"{column} IN (SELECT value FROM json_each({texts}))", params


class ModelUnion:
    """Rows of several models read in ONE statement: a `UNION ALL` with one branch per queryset (the i-th of
    the i-th model), each row tagged with its branch and carrying its model's concrete columns where the other
    branches' rows carry NULLs cast to the same types. `split` turns the rows back into model instances, as
    Django builds them from a queryset of that model (`Model.from_db`, the fields' own converters): the union
    reads what the querysets would have read, in one round trip instead of one each.

        catalog = ModelUnion(Region, PaymentMethod)
        qs = catalog.queryset(Region.objects.filter(code="SH"), PaymentMethod.objects.filter(code="PREPAY"))
        regions, methods = catalog.split(qs, qs.db)

    The querysets bring their filters only: no select_related, annotations, ordering or slicing (a branch of a
    union takes none of them). `queryset` returns a `values_list` union, which a `Prepared` read takes too
    (`Prepared.rows`)."""

    def __init__(self, *model_classes: type[models.Model]) -> None:
        self.models = model_classes
        self.fields = [list(m._meta.concrete_fields) for m in model_classes]
        self.names = [f"union_{k}_{f.attname}" for k, fields in enumerate(self.fields) for f in fields]

    def queryset(self, *querysets: QuerySet[Any]) -> QuerySet[Any]:
        if [qs.model for qs in querysets] != list(self.models):
            raise TypeError("ModelUnion: one queryset per model, in the order the union names them")
        branches = []
        for k, qs in enumerate(querysets):
            columns: dict[str, Any] = {"union_branch": Value(k, output_field=IntegerField())}
            for owner, fields in enumerate(self.fields):
                for f in fields:
                    own = owner == k
                    columns[f"union_{owner}_{f.attname}"] = F(f.attname) if own else Cast(Value(None), output_field=f)
            branches.append(qs.order_by().annotate(**columns).values_list("union_branch", *self.names))
        return branches[0].union(*branches[1:], all=True)

    def split(self, rows: Iterable[Sequence[Any]], db: str) -> list[list[Any]]:
        """The rows as instances of their models, one list per branch (in the order the rows came)."""
        out: list[list[Any]] = [[] for _ in self.models]
        starts = [1]
        for fields in self.fields:
            starts.append(starts[-1] + len(fields))
        for row in rows:
            k = row[0]
            model, fields = self.models[k], self.fields[k]
            values = [_as_column(f, v) for f, v in zip(fields, row[starts[k]:starts[k + 1]], strict=True)]
            out[k].append(model.from_db(db, [f.attname for f in fields], values))
        return out


def _as_column(field: Any, value: Any) -> Any:
    """A decimal to its field's places, as a read of the column gives it: on SQLite Django quantizes only what it
    reads as a column, and a union's rows are converted as its first branch reads them (typed NULLs, for every
    model but the first). PostgreSQL's numeric(p, s) already has the field's places."""
    if value is not None and isinstance(field, models.DecimalField):
        return value.quantize(Decimal(1).scaleb(-field.decimal_places), context=field.context)
    return value
