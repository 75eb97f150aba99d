"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

`playwright install` downloads browsers and is not needed: we point Playwright at
/usr/bin/chromium. Every test here is marked `browser`; without Chromium they are skipped
with the command that installs it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
# async contexts unless told this is intended (it is: the test, not a request, makes them).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "Test-pass-2026!"  # the make_user fixture's password (conftest.py at the root)
HERE = Path(__file__).resolve().parent


def _cjk_fonts() -> bool:
    """Some font with Chinese glyphs (Noto CJK, WenQuanYi): without one every Chinese page is boxes."""
    fonts = Path("/usr/share/fonts")
    return fonts.is_dir() and any(p for pattern in ("*CJK*", "*cjk*", "wqy*")
                                  for p in fonts.rglob(pattern))


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    missing = not Path(CHROMIUM).exists() or not _cjk_fonts()
    why = f"{CHROMIUM} not found" if not Path(CHROMIUM).exists() else "no Chinese font installed"
    skip = pytest.mark.skip(reason=f"{why}: apt-get install -y chromium fonts-noto-cjk")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The users are Chinese: the browser asks for zh-CN, as theirs would.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1440, "height": 900},
            "timezone_id": "Asia/Shanghai"}


@pytest.fixture(autouse=True)
def _clean_throttle(transactional_db: Any) -> Iterator[None]:
    """Each browser test starts with no failed sign-ins on record (the role groups are put back
    by the root conftest's baseline fixture)."""
    from axes.utils import reset

    reset()
    yield


# One patience for actions and assertions: Playwright's `expect` waits 5 s by default, and on a loaded 2-core
# machine (CI beside other suites) a page's HTMX update or the API docs' script has been seen to take longer.
# A wrong value still fails, after 15 s instead of 5.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture
def page(page: Any) -> Any:
    page.set_default_timeout(TIMEOUT_MS)
    return page


def sign_in(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def sign_out(page: Any) -> None:
    page.click("form[action$='/logout/'] button")
    page.wait_for_url(re.compile(r".*/login/.*"))
