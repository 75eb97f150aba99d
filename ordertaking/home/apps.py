from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Project level, above every chapter (docs/conventions.md): each role's home page with the
    work queues the apps offer, and the navigation of the shell."""

    name = "ordertaking.home"
    label = "home"
    verbose_name = _("My work")
