from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _triggers_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate (and flush): re-create the append-only triggers if a migration rebuilt the
    audit table, and, on PostgreSQL with ORDERTAKING_DB_RUNTIME_ROLE set, grant the runtime role."""
    from django.conf import settings

    from .triggers import runtime_role_grant, triggers_ensure

    triggers_ensure(using)
    role = getattr(settings, "ORDERTAKING_DB_RUNTIME_ROLE", "")
    if role:
        runtime_role_grant(role, using)


class AuditConfig(AppConfig):
    name = "ordertaking.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system check

        post_migrate.connect(_triggers_after_migrate, sender=self, dispatch_uid="audit_triggers_after_migrate")
