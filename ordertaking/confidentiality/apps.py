from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfidentialityConfig(AppConfig):
    name = "ordertaking.confidentiality"
    label = "confidentiality"
    verbose_name = _("Confidentiality")

    def ready(self) -> None:
        # P4.1.c: the audit log (below) reads its events through the one masking rule, its free-text search
        # skips the notes that are confidential values, and the reveal action finds a value in an event's record.
        from ordertaking.audit.selectors import event_notes_hidden_set, event_reader_set

        from . import events
        from .duties import reveal_source_add

        event_reader_set(events.events_read)
        event_notes_hidden_set(events.notes_unsearched_q)
        reveal_source_add(events.SOURCE, events.reveal_event_value)
