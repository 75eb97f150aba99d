from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "ordertaking.archive"
    label = "archive"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        # The nightly classification job is listed on the administrator's jobs page in every process.
        from . import services  # noqa: F401
