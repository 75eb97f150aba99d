from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _refdata_triggers_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate (and flush): (re-)create the triggers that move the reference data version on the
    tables the apps named (common/refdata.py), and move it once."""
    from .refdata import refdata_triggers_ensure

    refdata_triggers_ensure(using)


class CommonConfig(AppConfig):
    name = "ordertaking.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .middleware import session_activity_start

        # The idle clock starts at sign-in, inside the session that login() writes anyway, so the
        # first page after signing in does not write the session a second time.
        user_logged_in.connect(session_activity_start, dispatch_uid="ot_session_activity_start")
        post_migrate.connect(_refdata_triggers_after_migrate, sender=self,
                             dispatch_uid="common_refdata_triggers_after_migrate")
