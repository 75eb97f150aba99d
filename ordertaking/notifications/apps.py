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
        # A role's members (selectors.role_members) are read once per process behind the reference data version
        # (common/refdata.py): the tables its query joins move it; a sign-in's last_login does not.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        from ordertaking.common.refdata import refdata_source_add

        user = get_user_model()
        refdata_source_add(user, ignore=("last_login",))
        refdata_source_add(user.groups.through)
        refdata_source_add(Group)
        refdata_source_add(Group.permissions.through)
        refdata_source_add(Permission)
        refdata_source_add(ContentType)
