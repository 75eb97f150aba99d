from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "ordertaking.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)
