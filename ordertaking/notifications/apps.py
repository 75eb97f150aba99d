from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ordertaking.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .signals import language_at_login

        user_logged_in.connect(language_at_login, dispatch_uid="notifications_language_at_login")
        # A role's members (selectors.role_members) and the recipients' e-mail choices and department webhooks
        # (services._choices_and_hooks) are read once per process behind the reference data version
        # (common/refdata.py): the tables their queries read move it; a sign-in's last_login does not (nothing
        # writes a choice or a webhook per order: none of their columns is left out).
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        from ordertaking.common.refdata import refdata_source_add

        from .models import DepartmentWebhook, NotificationPreference

        user = get_user_model()
        refdata_source_add(user, ignore=("last_login",))
        refdata_source_add(user.groups.through)
        refdata_source_add(Group)
        refdata_source_add(Group.permissions.through)
        refdata_source_add(Permission)
        refdata_source_add(ContentType)
        refdata_source_add(NotificationPreference)
        refdata_source_add(DepartmentWebhook)
