from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "ordertaking.supervision"
    label = "supervision"
    verbose_name = _("Supervision inspections")

    def ready(self) -> None:
        # Evidence of a rectification (corrected documents, records, photos) through the attachments app
        # (below): seen by whoever sees the task, attached by its department while it is theirs to answer.
        from ordertaking.attachments.models import Attachment
        from ordertaking.attachments.targets import AttachmentTarget, attachment_target_add

        from . import selectors
        from .models import RectificationTask

        attachment_target_add(AttachmentTarget(
            key="rectification", model=RectificationTask, get=lambda user, ref: selectors.task_for(user, ref),
            ref=lambda t: t.number, may_view=_sees_task, may_add=_may_attach,
            order_of=lambda t: t.finding.order,
            kinds=(Attachment.Kind.OTHER, Attachment.Kind.PHOTO, Attachment.Kind.CONTRACT,
                   Attachment.Kind.SERVICE_RECORD)))


def _sees_task(user: Any, task: Any) -> bool:
    from . import selectors

    return selectors.tasks_visible(user).filter(pk=task.pk).exists()


def _may_attach(user: Any, task: Any) -> bool:
    from .services import may_respond

    return may_respond(user, task) and task.state != "closed"
