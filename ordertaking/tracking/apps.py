from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "ordertaking.tracking"
    label = "tracking"
    verbose_name = _("Order tracking")

    def ready(self) -> None:
        # The daily at-risk job is listed on the administrator's jobs page in every process.
        from . import jobs  # noqa: F401
