from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "ordertaking.common"
    label = "common"
    verbose_name = "Common"
