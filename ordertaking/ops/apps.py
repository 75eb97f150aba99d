from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations (P4.2.b): the record of scheduled jobs' runs (and backups, when built).

    Layer (docs/conventions.md): just above accounts. It imports only common, audit and
    accounts, so every chapter's job can record its runs through ``ops.jobs``."""

    name = "ordertaking.ops"
    label = "ops"
    verbose_name = "Operations"
