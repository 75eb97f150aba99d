"""Chinese names in the order Chinese users look for them: by pinyin (北京, 成都, 佛山, 南京, 上海 …),
not by code point (上海, 佛山, 南京 …). One sort key for every dropdown and list that sorts names."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def pinyin_key(text: str) -> tuple[str, str]:
    """Sort key: the pinyin without tones (Latin letters pass through, lower-cased), then the text itself."""
    return (" ".join(lazy_pinyin(text or "", style=Style.NORMAL, errors="default")).lower(), text or "")


def sorted_by_pinyin(items: Iterable[Any], key: Any = str) -> list[Any]:
    return sorted(items, key=lambda item: pinyin_key(key(item)))


def pinyin_choices(field: Any) -> None:
    """Give a ModelChoiceField its choices in pinyin order; validation still goes through its queryset.
    The select also becomes searchable (tom-select, see static/ot/app.js)."""
    objects = sorted_by_pinyin(field.queryset)
    choices: list[tuple[Any, str]] = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = choices + [(obj.pk, field.label_from_instance(obj)) for obj in objects]
    field.widget.attrs["data-ot-search"] = "1"
