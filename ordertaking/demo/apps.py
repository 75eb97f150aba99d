from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company (`ordertaking load-demo`): above every chapter, since it drives them all
    through their real services; nothing imports it."""

    name = "ordertaking.demo"
    label = "demo"
    verbose_name = "Demo"
