"""Hot reads compiled once per process: Django builds and compiles their SQL the first time, later calls only
bind their values (issue 14: the approval's and the submission's locking reads cost more to build and compile
in Python than PostgreSQL takes to run them).

    _LOCK = Prepared(lambda pk: Order.objects.select_for_update(of=("self",)).filter(pk=pk))
    order = _LOCK.get(pk=order.pk)

`build` takes its slots as keyword arguments (integers: keys, user ids; a slot annotated `str` takes text: an
order number, a token's hash) and returns the queryset. It is called once per database alias with a distinct
placeholder in each slot, and every parameter of the compiled SQL equal to a placeholder is bound to the
caller's value, so a slot must reach the SQL as it is (an exact match, not `__startswith`), and everything
else the queryset says must be the same on every call: no clock, no setting, no language read while building
(`Now()` in the SQL is fine; `timezone.now()` as a parameter is not). With `ORDERTAKING_PREPARED_CHECK` on
(the test settings), every call also builds and compiles the queryset with the caller's values and fails
loudly if the SQL or its parameters differ, so the whole test suite proves each prepared read equal to the
queryset it stands for.

The rows become model instances through Django's own `ModelIterable` (select_related, annotations,
converters), fed by the compiler the first call prepared (`all`, `get`); or, for a `values_list` queryset (a
union too), the tuples it gives (`rows`). The columns' converters, which Django works out again at every
execution, are worked out at the first execution on each connection.
"""

from __future__ import annotations

import copy
import inspect
import weakref
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connections, models, router
from django.db.models.query import ModelIterable, QuerySet
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)

# Far from any primary key or user id a database here will hold, and no text anyone types; distinct per slot.
_PLACEHOLDER = -7_340_032_000_000_000_001


_INT64 = (-(2**63), 2**63 - 1)


def _placeholder(k: int, text: bool) -> int | str:
    return f"\x1fprepared-slot-{k}\x1f" if text else _PLACEHOLDER - k


class PreparedMismatch(AssertionError):
    """The prepared SQL differs from what Django builds for the same values: `build` reads something that
    changes between calls. A bug in the caller, raised only with ORDERTAKING_PREPARED_CHECK on."""


class _Compiled:
    __slots__ = ("compiler", "converters", "model", "params", "positions", "sql", "for_update")

    def __init__(self, qs: QuerySet[Any], alias: str, slots: tuple[str, ...],
                 placeholders: dict[str, int | str]) -> None:
        compiler = qs.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions: list[tuple[int, str]] = []
        for slot in slots:
            at = [i for i, p in enumerate(self.params)
                  if type(p) is type(placeholders[slot]) and p == placeholders[slot]]
            if not at:
                raise ValueError(f"prepared read: slot {slot!r} does not reach the SQL as a parameter")
            self.positions += [(i, slot) for i in at]
        self.compiler = compiler
        self.model = qs.model
        self.for_update = bool(qs.query.select_for_update)
        # The row converters Django works out for every column at every execution (a lock read has a hundred),
        # worked out once per connection: they depend only on the compiled columns and the backend.
        self.converters: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def bind(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for i, slot in self.positions:
            params[i] = values[slot]
        return params


class Prepared(Generic[M]):
    """A read of at most a few rows whose SQL is built once per process and database (module docstring)."""

    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self._build = build
        parameters = inspect.signature(build).parameters
        self._slots = tuple(parameters)
        self._placeholders = {name: _placeholder(k, p.annotation in (str, "str"))
                              for k, (name, p) in enumerate(parameters.items())}
        self._compiled: dict[str, _Compiled] = {}
        self._model: type[models.Model] | None = None
        self._for_update = False

    def _compiled_for(self, alias: str | None) -> tuple[_Compiled, str]:
        """The compiled read for the database the router sends it to (compiled on first use there)."""
        compiled = self._compiled.get(alias) if alias else None
        if compiled is not None and alias is not None:
            return compiled, alias
        qs = self._build(**self._placeholders)
        compiled = self._compiled.get(qs.db) or _Compiled(qs, qs.db, self._slots, self._placeholders)
        self._compiled[qs.db] = compiled
        self._model, self._for_update = compiled.model, compiled.for_update
        return compiled, qs.db

    def _bound(self, values: dict[str, Any]) -> tuple[Any, str, _Compiled] | None:
        """A copy of the compiled query's compiler answering with the caller's values (None: nothing can match)."""
        if set(values) != set(self._slots):
            raise TypeError(f"prepared read takes {self._slots}, got {tuple(values)}")
        if any(v is None for v in values.values()):  # Django would write IS NULL, the prepared SQL = NULL
            raise TypeError(f"prepared read: no value for {[k for k, v in values.items() if v is None]}")
        if any(isinstance(v, int) and not _INT64[0] <= v <= _INT64[1] for v in values.values()):
            return None  # no key is that large; as Django's own lookups, match nothing (SQLite would overflow)
        alias = None
        if self._model is not None:  # the router's choice, as QuerySet.db would make it
            alias = (router.db_for_write if self._for_update else router.db_for_read)(self._model)
        compiled, alias = self._compiled_for(alias)
        params = compiled.bind(values)
        connection = connections[alias]
        if compiled.for_update and connection.features.has_select_for_update and not connection.in_atomic_block:
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        if getattr(settings, "ORDERTAKING_PREPARED_CHECK", False):
            self._check(compiled, alias, values, params)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection  # this thread's (Django's connections are per thread)
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        converters = compiled.converters.get(connection)
        if converters is None:  # as results_iter asks for them, before the instance's shortcut below
            columns = [s[0] for s in compiler.select[0:compiler.col_count]]
            converters = compiled.converters[connection] = compiler.get_converters(columns)
        compiler.get_converters = lambda expressions: converters  # results_iter's one call: these columns
        return compiler, alias, compiled

    def all(self, **values: Any) -> list[M]:
        """The rows as model instances (a queryset of models, with its select_related and annotations)."""
        bound = self._bound(values)
        if bound is None:
            return []
        compiler, alias, compiled = bound
        query = SimpleNamespace(get_compiler=lambda *args, **kwargs: compiler)
        queryset = SimpleNamespace(db=alias, query=query, model=compiled.model, _known_related_objects={})
        return list(ModelIterable(queryset))  # type: ignore[arg-type]

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        """The rows as tuples, converted as `values_list` gives them (a `values_list` queryset, unions too, whose
        columns come in the order it names them)."""
        bound = self._bound(values)
        return list(bound[0].results_iter(tuple_expected=True)) if bound is not None else []

    def first(self, **values: Any) -> M | None:
        """The row, or None (a read by a unique key)."""
        rows = self.all(**values)
        return rows[0] if rows else None

    def get(self, **values: Any) -> M:
        """The one row, or the model's DoesNotExist (as `QuerySet.get`)."""
        rows = self.all(**values)
        model: Any = self._model
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        if len(rows) > 1:
            raise model.MultipleObjectsReturned(f"{model._meta.object_name}: more than one row")
        return rows[0]

    def _check(self, compiled: _Compiled, alias: str, values: dict[str, Any], params: list[Any]) -> None:
        fresh = self._build(**values)
        sql, fresh_params = fresh.query.get_compiler(using=alias).as_sql()
        if sql != compiled.sql or list(fresh_params) != params:
            raise PreparedMismatch(f"prepared read differs from its queryset:\n{compiled.sql}\n{params}\n"
                                   f"{sql}\n{list(fresh_params)}")
