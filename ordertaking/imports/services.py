"""Every write of the import (issue 12, "Excel in and out"; P4.1.a, P2.3.b).

- `batch_upload`: the file is checked and read (refused as a whole when it is not a workbook, too big,
  too long or lacks a column), its rows stored as typed; then checking them is queued.
- `batch_validate` (a job): every row is run through its service inside a savepoint that is always
  rolled back — the preview shows exactly what the import would refuse, with the services' own rules
  — plus what only a file can get wrong (formulas, the same key twice). Nothing is written.
- `batch_commit` then `batch_import` (a job): in one transaction every row is written through its
  service again (the data may have changed since the preview). All or nothing by default: if any row
  is refused, everything rolls back and the batch shows the new errors. With mode "valid" (the user's
  explicit choice) each row is its own savepoint and only the valid rows stay. Each record writes its
  service's audit event; the batch writes one more.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, DomainError, PermissionDenied, ValidationFailed

from . import parse
from .errors import SERVICE_CODES
from .kinds import KINDS, CellError, Context, Kind, convert
from .models import ImportBatch, ImportRow
from .states import BATCH

logger = logging.getLogger("ordertaking.imports")
CHUNK = 200


class _DryRun(Exception):
    """Raised at the end of a row's savepoint so that a check writes nothing."""


class _Refused(Exception):
    def __init__(self, results: list[tuple[ImportRow, list[dict[str, Any]], str, str]]) -> None:
        super().__init__("rows refused")
        self.results = results


def kind_get(key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise ValidationFailed(_("Choose what to import."), code="invalid_choice", field="kind")
    return kind


def may_import(user: Any, kind: Kind) -> bool:
    return bool(user.is_authenticated and user.has_perm(f"accounts.{kind.capability}"))


def _require(user: Any, kind: Kind) -> None:
    if not may_import(user, kind):
        raise PermissionDenied(_("You may not import %(what)s.") % {"what": str(kind.label).lower()})


# --- upload -------------------------------------------------------------------------------------------

def batch_upload(*, actor: User, kind: str, file_name: str, content: bytes) -> ImportBatch:
    """Check and read the file, store its rows, queue their check. Refusals name the field `file`."""
    k = kind_get(kind)
    _require(actor, k)
    file_name = (file_name or "").replace("\x00", "").strip()[-200:] or "import.xlsx"
    parse.check_file(name=file_name, size=len(content))
    rows = parse.parse(k, content)
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=k.key, file_name=file_name, content=content, created_by=actor,
                                           rows_total=len(rows))
        ImportRow.objects.bulk_create([ImportRow(batch=batch, number=r.number, cells=r.cells, parse_errors=r.errors,
                                                 errors=r.errors, valid=not r.errors) for r in rows],
                                      batch_size=500)
    _queue_validate(batch)
    return batch


def _queue_validate(batch: ImportBatch) -> None:
    from .tasks import batch_validate_task

    batch_validate_task(batch.pk)


def batch_recheck(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Check the rows again (the catalog or the customers may have changed since the preview)."""
    _require_owner(actor, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        BATCH.check(locked.state, "validate")
    _queue_validate(locked)
    locked.refresh_from_db()
    return locked


def _require_owner(actor: User, batch: ImportBatch) -> None:
    _require(actor, kind_get(batch.kind))
    if batch.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file imports it."))


# --- running one row ------------------------------------------------------------------------------------

def _service_error(kind: Kind, error: DomainError, retry: Callable[[], Any]) -> dict[str, Any]:
    col = kind.column_for(error.field)
    if error.code in SERVICE_CODES:
        params: dict[str, Any] = {}
        if error.code == "too_long":
            m = re.search(r"\d+", str(error.message))
            params["n"] = int(m.group()) if m else ""
        if error.code == "duplicate_customer":
            params["name"] = (error.details or {}).get("customer_name", "")
        return {"col": col, "code": error.code, "params": params}
    # A rule with no words of ours: keep the service's own sentence, in each language.
    texts: dict[str, str] = {}
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            try:
                with transaction.atomic():
                    retry()
                    raise _DryRun
            except DomainError as again:
                texts[lang] = str(again.message)
            except _DryRun:
                pass
    if not texts:
        texts[get_language() or "en"] = str(error.message)
    return {"col": col, "code": "refused", "params": {"text": texts}}


def run_row(kind: Kind, ctx: Context, row: ImportRow, *, write: bool) -> tuple[list[dict[str, Any]], str, str]:
    """(errors, outcome, record label) of one row; with write=False nothing it does is kept."""
    errors: list[dict[str, Any]] = list(row.parse_errors)
    refused_cols = {e["col"] for e in errors}
    values: dict[str, Any] = {}
    for column in kind.columns:
        if column.key in refused_cols:
            continue
        try:
            values[column.key] = convert(column, row.cells.get(column.key, ""), ctx)
        except CellError as e:
            errors.append({"col": column.key, "code": e.code, "params": e.params})
    if errors:
        return errors, "", ""
    if kind.check is not None:
        problem = kind.check(values)
        if problem is not None:
            col = {"product_exists": "code", "nothing_to_change": "list_price"}.get(problem.code, "")
            return [{"col": col, "code": problem.code, "params": problem.params}], "", ""
    key = kind.row_key(values)
    if key is not None:
        first = ctx.seen.setdefault(f"{key[0]}:{key[1]}", row.number)
        if first != row.number:
            col = key[0] if kind.column(key[0]) else kind.columns[0].key
            return [{"col": col, "code": "duplicate_in_file", "params": {"row": first}}], "", ""

    def attempt() -> tuple[str, str]:
        return kind.apply(ctx.actor, dict(values))

    try:
        with transaction.atomic():
            outcome, label = attempt()
            if not write:
                raise _DryRun
    except _DryRun:
        return [], "", ""
    except DomainError as e:
        return [_service_error(kind, e, attempt)], "", ""
    return [], outcome, label


# --- checking (the preview) -------------------------------------------------------------------------------

def batch_validate(batch_id: int) -> None:
    """The job behind the preview: every row checked through its service, nothing kept; the progress
    (rows checked of all) saved as it goes so the page's bar moves."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state not in (ImportBatch.State.UPLOADED, ImportBatch.State.READY, ImportBatch.State.FAILED):
        return
    batch.state = BATCH.check(batch.state, "validate")
    batch.rows_done = 0
    batch.outcome = ""
    batch.save(update_fields=["state", "rows_done", "outcome"])
    try:
        kind = KINDS[batch.kind]
        ctx = Context(actor=batch.created_by)
        step = max(1, batch.rows_total // 50)
        invalid = 0
        pending: list[ImportRow] = []
        for i, row in enumerate(batch.rows.order_by("number").iterator(chunk_size=CHUNK), start=1):
            errors, _outcome, _label = run_row(kind, ctx, row, write=False)
            row.errors, row.valid = errors, not errors
            invalid += bool(errors)
            pending.append(row)
            if len(pending) >= CHUNK:
                ImportRow.objects.bulk_update(pending, ["errors", "valid"])
                pending = []
            if i % step == 0:
                ImportBatch.objects.filter(pk=batch.pk).update(rows_done=i)
        ImportRow.objects.bulk_update(pending, ["errors", "valid"])
    except Exception:
        logger.exception("import %s: checking failed", batch_id)
        ImportBatch.objects.filter(pk=batch.pk).update(state=BATCH.check(batch.state, "fail"), outcome="error")
        return
    batch.state = BATCH.check(batch.state, "checked")
    batch.rows_done = batch.rows_total
    batch.rows_invalid = invalid
    batch.save(update_fields=["state", "rows_done", "rows_invalid"])


# --- importing ----------------------------------------------------------------------------------------------

def batch_commit(*, actor: User, batch: ImportBatch, mode: str) -> ImportBatch:
    """The user's confirmation: all rows or nothing (`all`), or only the valid rows (`valid`, chosen
    explicitly). The import itself runs as a job (`batch_import`)."""
    if mode not in ImportBatch.Mode.values:
        raise ValidationFailed(_("Choose how to import."), code="invalid_choice", field="mode")
    _require_owner(actor, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state == ImportBatch.State.READY:
            if mode == ImportBatch.Mode.ALL and locked.rows_invalid:
                raise Conflict(_("Some rows have errors: correct the file, or import only the valid rows."),
                               code="rows_invalid", field="mode")
            if locked.rows_invalid >= locked.rows_total:
                raise Conflict(_("No row is valid: nothing to import."), code="no_valid_rows", field="mode")
        locked.state = BATCH.check(locked.state, "import")
        locked.mode = mode
        locked.rows_done = 0
        locked.outcome = ""
        locked.save(update_fields=["state", "mode", "rows_done", "outcome"])
    from .tasks import batch_import_task

    batch_import_task(locked.pk)
    locked.refresh_from_db()
    return locked


def batch_import(batch_id: int) -> None:
    """The job: every row through its service again in one transaction; all or nothing unless the user
    chose the valid rows only. A crash midway rolls everything back (the batch says it failed)."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state != ImportBatch.State.IMPORTING:
        return
    kind = KINDS[batch.kind]
    ctx = Context(actor=batch.created_by)
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            results = []
            for row in locked.rows.order_by("number").iterator(chunk_size=CHUNK):
                errors, outcome, label = run_row(kind, ctx, row, write=True)
                results.append((row, errors, outcome, label))
            refused = sum(1 for r in results if r[1])
            if refused and locked.mode == ImportBatch.Mode.ALL:
                raise _Refused(results)
            for row, errors, outcome, label in results:
                row.errors, row.valid = errors, not errors
                row.outcome = outcome if not errors else ImportRow.Outcome.SKIPPED
                row.record = label[:200]
            ImportRow.objects.bulk_update([r[0] for r in results], ["errors", "valid", "outcome", "record"],
                                          batch_size=CHUNK)
            imported = len(results) - refused
            locked.state = BATCH.check(locked.state, "finish")
            locked.rows_done = locked.rows_total
            locked.rows_invalid = refused
            locked.rows_imported = imported
            locked.committed_at = timezone.now()
            locked.save(update_fields=["state", "rows_done", "rows_invalid", "rows_imported", "committed_at"])
            event_record(actor=locked.created_by, action="import_batch.imported", subject=locked,
                         clause=kind.clause, after={
                             "import_kind": locked.kind, "file_name": locked.file_name, "import_mode": locked.mode,
                             "rows_imported": imported, "rows_skipped": refused})
    except _Refused as r:
        with transaction.atomic():
            for row, errors, _outcome, _label in r.results:
                row.errors, row.valid = errors, not errors
            ImportRow.objects.bulk_update([x[0] for x in r.results], ["errors", "valid"], batch_size=CHUNK)
            ImportBatch.objects.filter(pk=batch.pk).update(
                state=BATCH.check(batch.state, "refuse"), outcome="rows_refused", rows_done=batch.rows_total,
                rows_invalid=sum(1 for x in r.results if x[1]))
    except Exception:
        logger.exception("import %s failed; nothing was written", batch_id)
        ImportBatch.objects.filter(pk=batch.pk).update(state=BATCH.check(batch.state, "fail"), outcome="error")
