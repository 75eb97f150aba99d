"""Reading imports: whose batches a user sees, a batch's rows with their problems in words, and the
cells masked for anyone but the uploader (P4.1.c: the file's contact details are the uploader's)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ordertaking.common import masking
from ordertaking.common.errors import NotFound

from .errors import row_messages
from .kinds import KINDS, Kind
from .models import ImportBatch, ImportRow

CATALOG_KINDS = [k.key for k in KINDS.values() if k.capability == "catalog_manage"]
CUSTOMER_KINDS = [k.key for k in KINDS.values() if k.capability == "customer_manage"]
MASKS = {"phone": masking.mask_phone, "email": masking.mask_email, "name": masking.mask_name,
         "address": masking.mask_address, "code": masking.mask_code}


def batches_visible(*, user: Any) -> QuerySet[ImportBatch]:
    """One's own imports; the catalog's maintainers see every catalog import, and those who see every
    customer and may edit them (customer service, the order center) every customer import."""
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    q = Q(created_by=user)
    if user.has_perm("accounts.catalog_manage"):
        q |= Q(kind__in=CATALOG_KINDS)
    if user.has_perm("accounts.customer_manage") and user.has_perm("accounts.customer_view_all"):
        q |= Q(kind__in=CUSTOMER_KINDS)
    return ImportBatch.objects.filter(q).select_related("created_by").defer("content")


def batch_get(*, user: Any, pk: int) -> ImportBatch:
    batch = batches_visible(user=user).filter(pk=pk).first()
    if batch is None:
        raise NotFound("import not found")
    return batch


def batch_rows(*, batch: ImportBatch, errors_only: bool = False) -> QuerySet[ImportRow]:
    rows = batch.rows.all().order_by("number")
    return rows.filter(valid=False) if errors_only else rows


def kind_of(batch: ImportBatch) -> Kind:
    return KINDS[batch.kind]


def row_view(*, user: Any, batch: ImportBatch, row: ImportRow) -> dict[str, Any]:
    """A row as shown: its cells in the kind's column order (masked unless the reader uploaded the
    file), each with its problems in the reader's language."""
    kind = kind_of(batch)
    mine = batch.created_by_id == user.pk
    messages = row_messages(kind, row.errors, row.cells)
    cells = []
    for column in kind.columns:
        value = row.cells.get(column.key, "")
        if column.confidential and not mine:
            value = MASKS[column.confidential](value)
        cells.append({"key": column.key, "value": value,
                      "errors": [m["message"] for m in messages if m["col"] == column.key]})
    return {"number": row.number, "valid": row.valid, "outcome": row.get_outcome_display() if row.outcome else "",
            "record": row.record, "cells": cells, "messages": messages,
            "row_errors": [m["message"] for m in messages if not m["col"]]}
