"""Both languages are complete (CONVENTIONS.md: every user-facing string translatable; zh-Hans and en complete).

1. Every app's catalogue `ordertaking/<app>/locale/zh_Hans/LC_MESSAGES/django.po` translates every
   msgid, has no fuzzy entry, and its compiled `.mo` holds exactly what the `.po` says.
2. Every literal passed to `{% translate %}` in an app's templates or to `_()`/`gettext*()` in its
   Python is in that app's catalogue (so nobody forgot `makemessages`).
3. Templates show no visible text outside translate tags: a heuristic that strips template tags,
   variables, comments, scripts and markup, then looks for any Latin word or CJK character left over
   (in text and in the visible attributes placeholder/title/aria-label/alt).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS_DIR = ROOT / "ordertaking"
APPS = sorted(p.name for p in APPS_DIR.iterdir() if (p / "apps.py").exists())
CATALOGUES = {app: APPS_DIR / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po" for app in APPS}


def _templates(app: str) -> list[Path]:
    return sorted((APPS_DIR / app / "templates").rglob("*.html"))


def _python_sources(app: str) -> list[Path]:
    return sorted(p for p in (APPS_DIR / app).rglob("*.py")
                  if "migrations" not in p.parts and "tests" not in p.parts)


def _needs_catalogue(app: str) -> bool:
    if _templates(app):
        return True
    return any(_GETTEXT_CALL.search(p.read_text(encoding="utf-8")) for p in _python_sources(app))


_GETTEXT_CALL = re.compile(r"""\b(?:_|gettext|gettext_lazy|pgettext_lazy|ngettext_lazy)\(\s*(["'])""")


# --- 1. catalogues complete and compiled ----------------------------------------------------------

@pytest.mark.parametrize("app", APPS)
def test_each_app_that_shows_text_has_its_own_chinese_catalogue(app):
    if not _needs_catalogue(app):
        pytest.skip(f"{app} has no templates and no translatable strings (nothing to translate)")
    assert CATALOGUES[app].exists(), (
        f"{app}: missing {CATALOGUES[app].relative_to(ROOT)}; run "
        f"`cd ordertaking/{app} && ../../.venv/bin/django-admin makemessages -l zh_Hans`")


def _existing_catalogues() -> list[str]:
    return [app for app, path in CATALOGUES.items() if path.exists()]


@pytest.mark.parametrize("app", _existing_catalogues())
def test_every_msgid_is_translated_and_none_is_fuzzy(app):
    po = polib.pofile(str(CATALOGUES[app]))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"{app}: untranslated msgids"
    assert fuzzy == [], f"{app}: fuzzy entries"
    assert "nplurals=1" in po.metadata.get("Plural-Forms", ""), f"{app}: Chinese has one plural form"


def _entries(catalogue: polib._BaseFile) -> dict[tuple[str, str], object]:
    result: dict[tuple[str, str], object] = {}
    for e in catalogue:
        if e.obsolete or "fuzzy" in e.flags or not e.msgid:
            continue
        value = tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr
        result[(e.msgctxt or "", e.msgid)] = value
    return result


@pytest.mark.parametrize("app", _existing_catalogues())
def test_the_compiled_mo_matches_the_po(app):
    po_path = CATALOGUES[app]
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{app}: run compilemessages"
    compiled_now = polib.mofile(mo_path.as_posix())
    # compile the .po afresh (to a temporary file) and read it back, as gettext will
    with tempfile.NamedTemporaryFile(suffix=".mo") as tmp:
        polib.pofile(str(po_path)).save_as_mofile(tmp.name)
        expected = _entries(polib.mofile(tmp.name))
    assert _entries(compiled_now) == expected, f"{app}: the .mo is stale; run compilemessages"


@pytest.mark.parametrize("app", _existing_catalogues())
def test_a_word_means_the_same_in_every_catalogue(app):
    """Django merges all apps' catalogues into one and the app listed first in INSTALLED_APPS wins a
    shared msgid. So "Approved" translated 已通过 in one app and 已批准 in another shows one of them
    everywhere, on the wrong pages. The same msgid (no context) must have the same translation in
    every catalogue; where the meaning differs, give the string a context (pgettext / `context`)."""
    mine = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUES[app]))
            if not e.obsolete and not e.msgctxt and not e.msgid_plural and e.msgstr}
    clashes = []
    for other in _existing_catalogues():
        if other == app:
            continue
        for e in polib.pofile(str(CATALOGUES[other])):
            if e.obsolete or e.msgctxt or e.msgid_plural or not e.msgstr:
                continue
            if e.msgid in mine and mine[e.msgid] != e.msgstr:
                clashes.append(f"{e.msgid!r}: {app} {mine[e.msgid]} ≠ {other} {e.msgstr}")
    assert clashes == []


# --- 2. every literal in the code is in the catalogue ---------------------------------------------

_TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+(?:context\s+(["'])(.*?)\3))?""")
_PY_LITERAL = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*\)""")


def _used_msgids(app: str) -> set[tuple[str, str]]:
    used: set[tuple[str, str]] = set()
    for path in _templates(app):
        for m in _TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            used.add((m.group(4) or "", m.group(2)))
    for path in _python_sources(app):
        for m in _PY_LITERAL.finditer(path.read_text(encoding="utf-8")):
            used.add(("", m.group(2).encode().decode("unicode_escape") if "\\" in m.group(2) else m.group(2)))
    return used


@pytest.mark.parametrize("app", _existing_catalogues())
def test_every_translated_literal_in_the_app_is_in_its_catalogue(app):
    po = polib.pofile(str(CATALOGUES[app]))
    known = {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}
    missing = sorted(m for _ctx, m in _used_msgids(app) - known)
    assert missing == [], f"{app}: strings not in the catalogue; run makemessages then translate them"


# --- 3. no visible text outside translate tags ----------------------------------------------------

_STRIP_BLOCKS = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*(?:blocktranslate|blocktrans)\b.*?\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<(?:code|kbd|samp)\b[^>]*>.*?</(?:code|kbd|samp)>", re.S | re.I),  # literal tokens, not prose
]
_TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_VISIBLE_ATTR = re.compile(r"""\b(placeholder|title|aria-label|alt)\s*=\s*(["'])(.*?)\2""", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_WORD = re.compile(r"[A-Za-z]{2,}|[\u3400-\u9fff]")
_ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
# A code, not prose: an order-number prefix or a clause ID ("SO…", "SO-2026", "P2.3.c"). It needs a digit,
# dash or ellipsis, so a bare abbreviation such as "API" still counts as a word to translate.
_CODE = re.compile(r"^[A-Z]{1,3}(?=[\d.\-…])[\w.\-…]*$")


def _is_prose(chunk: str) -> bool:
    words = [w for w in chunk.split() if _WORD.search(w)]
    return any(not _CODE.match(w) for w in words)


def visible_untranslated_text(source: str) -> list[str]:
    """Text a user would see that is not inside a translate tag (the heuristic this test enforces)."""
    text = source
    for pattern in _STRIP_BLOCKS:
        text = pattern.sub(" ", text)
    found: list[str] = []
    for m in _VISIBLE_ATTR.finditer(text):
        value = _TEMPLATE_SYNTAX.sub(" ", m.group(3))
        if _is_prose(_ENTITY.sub(" ", value)):
            found.append(f'{m.group(1)}="{m.group(3).strip()}"')
    text = _TAG.sub(" ", _TEMPLATE_SYNTAX.sub(" ", text))
    text = _ENTITY.sub(" ", text)
    found.extend(chunk.strip() for chunk in re.split(r"\s{2,}|\n", text) if _is_prose(chunk))
    return found


def test_the_heuristic_catches_bare_text_and_lets_tagged_text_through():
    assert visible_untranslated_text("<p>Order number</p>") == ["Order number"]
    assert visible_untranslated_text("<p>订单编号</p>") == ["订单编号"]
    assert visible_untranslated_text('<input placeholder="Search">') == ['placeholder="Search"']
    assert visible_untranslated_text('<nav aria-label="breadcrumb">') == ['aria-label="breadcrumb"']
    assert visible_untranslated_text("<span>API</span>") == ["API"]
    assert visible_untranslated_text('<input placeholder="SO…"><span>P2.3.c</span>') == []
    clean = ('{% load i18n %}<p title="{% translate \'Hi\' %}">{% translate "Order number" %}</p>'
             '{% blocktranslate %}Page {{ n }}{% endblocktranslate %}{{ order.number }} ¥ — → … '
             '<i class="bi bi-x"></i>{# a note #}<script>let x = "text";</script><code>/api/v1</code>')
    assert visible_untranslated_text(clean) == []


ALL_TEMPLATES = [p for app in APPS for p in _templates(app)]


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=[str(p.relative_to(APPS_DIR)) for p in ALL_TEMPLATES])
def test_templates_show_no_text_outside_translate_tags(path):
    assert visible_untranslated_text(path.read_text(encoding="utf-8")) == []
