"""The import's jobs (huey): checking the rows for the preview, and the import itself. Queued by the
services after the upload or the confirmation; the page polls the batch's progress."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import services


@db_task()
def batch_validate_task(batch_id: int) -> None:
    services.batch_validate(batch_id)


@db_task()
def batch_import_task(batch_id: int) -> None:
    services.batch_import(batch_id)
