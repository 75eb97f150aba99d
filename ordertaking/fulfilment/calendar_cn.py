"""China's working-day calendar for 2026 and 2027, seeded by a data migration; the administrator
maintains it from then on (the State Council publishes each year's arrangement, usually in November).

2026: the State Council's notice on the 2026 holidays (国务院办公厅关于2026年部分节假日安排的通知,
published November 2025), as we know it — 元旦 1–3 Jan (work Sun 4 Jan); 春节 15–23 Feb (work Sat 14 Feb
and Sat 28 Feb); 清明 4–6 Apr; 劳动节 1–5 May (work Sat 9 May); 端午 19–21 Jun; 中秋 25–27 Sep;
国庆 1–7 Oct (work Sun 20 Sep and Sat 10 Oct). The administrator should check it against the notice.

2027: PLACEHOLDERS. The 2027 notice was not known when this was written: only the statutory days
themselves are entered (元旦 1 Jan; 春节 除夕–初三 5–8 Feb; 清明 5 Apr; 劳动节 1–2 May; 端午 9 Jun;
中秋 15 Sep; 国庆 1–3 Oct), with NO bridging days and NO make-up working days 调休. The administrator
must replace them with the published arrangement.
"""

from __future__ import annotations

from datetime import date, timedelta

HOLIDAY = "holiday"
WORKDAY = "workday"


def _span(first: date, last: date, name: str) -> list[tuple[date, str, str]]:
    days = (last - first).days + 1
    return [(first + timedelta(days=i), HOLIDAY, name) for i in range(days)]


CN_2026: list[tuple[date, str, str]] = [
    *_span(date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 1, 4), WORKDAY, "元旦调休上班"),
    (date(2026, 2, 14), WORKDAY, "春节调休上班"),
    *_span(date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 2, 28), WORKDAY, "春节调休上班"),
    *_span(date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    *_span(date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 5, 9), WORKDAY, "劳动节调休上班"),
    *_span(date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 20), WORKDAY, "国庆节调休上班"),
    *_span(date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    *_span(date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
    (date(2026, 10, 10), WORKDAY, "国庆节调休上班"),
]

# Placeholders (see the module's docstring): statutory days only, to be replaced by the 2027 notice.
CN_2027_PLACEHOLDER: list[tuple[date, str, str]] = [
    (date(2027, 1, 1), HOLIDAY, "元旦（待确认）"),
    *_span(date(2027, 2, 5), date(2027, 2, 8), "春节（待确认）"),
    (date(2027, 4, 5), HOLIDAY, "清明节（待确认）"),
    *_span(date(2027, 5, 1), date(2027, 5, 2), "劳动节（待确认）"),
    (date(2027, 6, 9), HOLIDAY, "端午节（待确认）"),
    (date(2027, 9, 15), HOLIDAY, "中秋节（待确认）"),
    *_span(date(2027, 10, 1), date(2027, 10, 3), "国庆节（待确认）"),
]

SEED = CN_2026 + CN_2027_PLACEHOLDER
