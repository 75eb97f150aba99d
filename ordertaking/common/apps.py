from django.apps import AppConfig


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
