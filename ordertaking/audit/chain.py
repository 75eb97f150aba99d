"""The hash chain of the audit log (P1.3, P4.2.a, P6.1.a): pure functions, no database.

Every event belongs to one *stream*, the record it is about ("orders.order:42",
"customers.customer:7", ...). Within its stream it has a sequence number `seq`
(1, 2, 3 ... with no gaps) and carries `prev_hash`, the `hash` of the event before it
(empty for the first), and its own `hash`: SHA-256 over a canonical serialisation of
its content and `prev_hash`. Changing an event changes its hash; removing one leaves
a gap in `seq`; slipping one in breaks the link of the event after it. The daily seal
(services.audit_seal) records every stream's head so that even the newest event of a
stream, which has no successor to betray it, is pinned once a seal has passed.

Migrations import this module: change the serialisation only with a migration that
re-chains (and a note that old seals no longer verify).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

SEAL_SUBJECT_TYPE = "audit.seal"
SEAL_SUBJECT_ID = "daily"
HASHED_FIELDS = ("stream", "seq", "at", "actor_id", "actor_name", "action", "clause", "subject_type",
                 "subject_id", "subject_label", "before", "after", "message")


def stream_of(subject_type: str, subject_id: str) -> str:
    """One stream per record: the order, the customer, the user ... the event is about."""
    return f"{subject_type}:{subject_id}"


SEAL_STREAM = stream_of(SEAL_SUBJECT_TYPE, SEAL_SUBJECT_ID)


def json_value(value: Any) -> Any:
    """`value` as it comes back from a JSON column (Decimal and dates become strings, keys strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def time_text(at: datetime) -> str:
    """The event time in UTC to the microsecond: the same text whatever the database returns."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(content: dict[str, Any], prev_hash: str) -> bytes:
    """Sorted keys, no spaces, ASCII only (so even a lone surrogate serialises)."""
    payload = {**content, "at": time_text(content["at"]), "prev_hash": prev_hash}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      cls=DjangoJSONEncoder).encode("ascii")


def event_hash(content: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(content, prev_hash)).hexdigest()


def content_of(event: Any) -> dict[str, Any]:
    """The hashed fields of a stored event (a model instance, current or historical)."""
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def heads_root(heads: dict[str, tuple[int, str]]) -> str:
    """One hash over every stream's head (stream, seq, hash), in stream order: the seal's fingerprint."""
    digest = hashlib.sha256()
    for stream in sorted(heads):
        seq, head_hash = heads[stream]
        digest.update(f"{stream}\t{seq}\t{head_hash}\n".encode("utf-8", "backslashreplace"))
    return digest.hexdigest()
