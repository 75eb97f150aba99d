"""Small SQL expressions the ORM lacks, written once for both databases."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
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
from django.db.models.functions import Cast, Concat, JSONArray

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


class Present(Subquery):
    """Whether `queryset` has a row, as a column of the caller's query: `((SELECT 1 ... LIMIT 1) IS NOT NULL)`,
    for a lock's facts about its own record (the record's findings, holds, audit events).

    Not `Exists`: PostgreSQL may plan an EXISTS as a hash of every row the subquery could match, built at each
    execution, and a prepared statement's generic plan on statistics older than the table's growth does (the
    reviewer's every audit event hashed at each approval: 1.8 ms at 6,000 events, growing with them). A scalar
    subquery is never hashed: it runs once per row of the caller, through the index of its own conditions."""

    template = "((%(subquery)s) IS NOT NULL)"
    output_field = BooleanField()

    def __init__(self, queryset: QuerySet[Any], **extra: Any) -> None:
        super().__init__(queryset.order_by().values(present=Value(1))[:1], **extra)


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


def _json_reader(field: Any) -> Callable[[Any], Any]:
    """A field's value from its JSON form, as a read of its column gives it (`_as_column`)."""
    if isinstance(field, models.DecimalField):
        return lambda v: _as_column(field, field.to_python(v))
    return field.to_python


class JSONRows(Func):
    """A JSON array of the values of one expression over a subquery's rows, in ONE row: PostgreSQL jsonb_agg,
    SQLite json_group_array. A Func, not an Aggregate, so the ORM adds no GROUP BY (as `JoinedText`)."""

    function = "JSONB_AGG"
    output_field = TextField()  # Django reads jsonb as text; `RowsColumn.rows` decodes it (decimals exact)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


# Fields whose JSON value `Field.to_python` turns back into what a read of the column gives, on both databases.
# Times are left out: SQLite keeps them as naive text that only its backend's converter makes aware.
_JSON_SAFE = (models.CharField, models.TextField, models.IntegerField, models.DecimalField, models.BooleanField,
              models.ForeignKey, models.AutoField, models.BigAutoField)


class RowsColumn:
    """The rows of a related set, with the rows they join, read as ONE column of their parent's query (the
    order's lock reads its lines so, instead of a second statement): `subquery(qs)` is the column, a JSON
    array of one array of columns per row (correlated with `OuterRef`); `rows(text, db)` gives the instances
    back, as a read of the queryset gives them (`Model.from_db`, decimals to their field's places, the joined
    rows cached on each), in the order of `order_by`. Only plain columns (text, numbers, booleans, keys): a
    model with another kind of field is refused when the column is declared.

        lines = RowsColumn(OrderLine, related=("product",), order_by="position")
        Order.objects.annotate(lines_rows=lines.subquery(OrderLine.objects.filter(order_id=OuterRef("pk"))))
    """

    def __init__(self, model: type[models.Model], *, related: Sequence[str] = (), order_by: str = "pk") -> None:
        self.model = model
        self.related: list[tuple[str, Any]] = [(name, model._meta.get_field(name)) for name in related]
        self.order_by = order_by
        self.parts: list[tuple[str, type[models.Model], list[Any]]] = [("", model, list(model._meta.concrete_fields))]
        self.parts += [(f"{name}__", field.related_model, list(field.related_model._meta.concrete_fields))
                       for name, field in self.related]
        for _prefix, owner, fields in self.parts:
            odd = [f.name for f in fields if not isinstance(f, _JSON_SAFE) or isinstance(f, models.DateField)]
            if odd:
                raise TypeError(f"RowsColumn: {owner._meta.label} has fields JSON does not carry back: {odd}")
        # What `rows` does with each part of a row, worked out once: its model, its fields' names, where its pk
        # is, and each field's reading of a JSON value.
        self._readers = [(owner, [f.attname for f in fields], [f.primary_key for f in fields].index(True),
                          [_json_reader(f) for f in fields]) for _prefix, owner, fields in self.parts]

    def subquery(self, queryset: QuerySet[Any]) -> Subquery:
        """The column: each row a JSON array of its columns, then those of each joined row, in field order."""
        columns = [F(f"{prefix}{f.attname}") for prefix, _m, fields in self.parts for f in fields]
        return Subquery(queryset.order_by().annotate(rows_column=JSONRows(JSONArray(*columns)))
                        .values("rows_column")[:1])

    def rows(self, text: str | None, db: str) -> list[Any]:
        """The instances the column carried (none: NULL, an empty list)."""
        out: list[Any] = []
        for row in json.loads(text or "[]", parse_float=Decimal):
            at, instances = 0, []  # the row: the parent's columns, then each joined row's
            for owner, names, pk_at, readers in self._readers:
                own = [None if v is None else read(v)
                       for read, v in zip(readers, row[at:at + len(readers)], strict=True)]
                at += len(readers)
                present = own[pk_at] is not None  # a NULL join: no row
                instances.append(owner.from_db(db, names, own) if present else None)
            parent = instances[0]
            for (_name, field), joined in zip(self.related, instances[1:], strict=True):
                field.set_cached_value(parent, joined)
            out.append(parent)
        out.sort(key=lambda r: getattr(r, self.order_by))
        return out
