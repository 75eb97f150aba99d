"""Mail goes through the job queue with a timeout (common/mail.py): a hung SMTP server never holds
a web worker, and the worker delivers through a real SMTP conversation, retrying on failure."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import transaction
from huey.contrib.djhuey import HUEY

from ordertaking.common import mail as ot_mail

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greeting, HELO/EHLO, MAIL, RCPT, DATA, QUIT."""

    received: list[str] = []

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        data: list[bytes] = []
        in_data = False
        for line in self.rfile:
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    self.received.append(b"".join(data).decode("utf-8", "replace"))
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[str]]]:
    _Smtp.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], _Smtp.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def hung_smtp_server() -> Iterator[int]:
    """Accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def queued() -> Iterator[None]:
    """Tasks wait in the (in-memory) queue as in production, instead of running inline."""
    HUEY.immediate = False
    storage = HUEY.storage
    from huey.storage import MemoryStorage

    HUEY.storage = MemoryStorage("test")
    yield
    HUEY.storage = storage
    HUEY.immediate = True


def test_a_service_only_queues_its_mail_so_a_hung_smtp_server_holds_no_request(
        settings, hung_smtp_server, queued, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = SMTP, "127.0.0.1", hung_smtp_server
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ot_mail.mail_after_commit(subject="询价移交", body="请跟进", to=["wang@example.cn"])
    assert time.monotonic() - started < 1
    assert HUEY.pending_count() == 1


def test_the_worker_gives_up_on_a_hung_smtp_server_after_the_timeout_and_huey_retries(
        settings, hung_smtp_server):
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = SMTP, "127.0.0.1", hung_smtp_server
    settings.EMAIL_TIMEOUT = 1
    assert ot_mail.mail_send.s("s", "b", ["a@example.cn"]).retries == ot_mail.MAIL_RETRIES > 0
    started = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout, OSError)):
        ot_mail.mail_send.call_local("s", "b", ["a@example.cn"])
    assert time.monotonic() - started < 5


def test_the_worker_delivers_the_mail_through_a_real_smtp_conversation(
        settings, smtp_server, django_capture_on_commit_callbacks):
    port, received = smtp_server
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = SMTP, "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 5
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ot_mail.mail_after_commit(subject="Inquiry handed to you", body="please follow up", to=["wang@example.cn"])
    assert len(received) == 1 and "please follow up" in received[0] and "wang@example.cn" in received[0]


def test_a_rolled_back_change_sends_no_mail(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                ot_mail.mail_after_commit(subject="s", body="b", to=["a@example.cn"])
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    assert callbacks == [] and mailoutbox == []
