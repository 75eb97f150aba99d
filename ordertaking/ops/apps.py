from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations (P4.2.b): the record of scheduled jobs' runs (and backups, when built).

    Layer (docs/conventions.md): just above accounts. It imports only common, audit and
    accounts, so every chapter's job can record its runs through ``ops.jobs``."""

    name = "ordertaking.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Every chapter registers its scheduled jobs (ops.jobs.job_register) in its `jobs` or `tasks` module.
        # Import them all in every process, as the admin site discovers `admin` modules, so the jobs page of a
        # web server names every job by its label, not only those whose module the server happened to import.
        # By name at start-up, not a static import: ops stays below the chapters it lists.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs", "tasks")
