"""The journal as one HTML page with its charts drawn as inline SVG: no script, no network, no external file,
so it opens anywhere and can be kept. Hand-written SVG: four simple charts need no plotting library (and
matplotlib would add about 40 MB and a second of import for one command)."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from assistant.journal.year import DAYS, Year

CELL = 13
"""A day's square on the calendar, in pixels (with its gap)."""
SHADES = ("#ebe6df", "#c9dfc9", "#8fc39a", "#4f9a6a", "#2e7d5b")
"""No ritual, then one, two, three, four or more that evening."""
HUG = "#d9777f"
KISS = "#8f6bb3"
DEPTH_COLOURS = {"light": "#f2c66d", "deeper": "#e08e5b", "vulnerable": "#b65a5a"}

STYLE = """
body { font-family: Georgia, 'DejaVu Serif', serif; background: #fbf8f4; color: #3b3430; margin: 0; }
main { max-width: 820px; margin: 0 auto; padding: 24px; }
h1 { font-weight: normal; font-size: 28px; margin: 8px 0 4px; }
h2 { font-weight: normal; font-size: 20px; margin: 28px 0 8px; border-bottom: 1px solid #e2dbd2; }
p.quiet { color: #7a6f66; margin: 4px 0; }
section { margin-bottom: 12px; }
ul { padding-left: 20px; }
details summary { cursor: pointer; color: #4f7a6a; }
.problem { background: #f6e3d9; padding: 10px 14px; border-radius: 6px; }
"""


def render(year: Year) -> str:
    """The whole page."""
    one, two = (escape(name) for name in year.names)
    parts = [f"<h1>{one} &amp; {two}</h1>",
             f'<p class="quiet">Your year together, up to {year.today.strftime("%d %B %Y")}.</p>']
    if year.problem:
        parts.append(f'<p class="problem" id="problem">{escape(year.problem)}</p>')
    if year.empty:
        parts.append('<section id="empty"><h2>Your journal starts tonight</h2><p>Nothing is kept yet. Say '
                     '"start our check-in", and this page begins to fill with your evenings.</p></section>')
    else:
        parts += [_section("calendar", "Evenings with a ritual", _calendar(year)),
                  _section("hugs", "Hugs and kisses, week by week", _hugs(year)),
                  _section("depth", "How deep your questions went", _depths(year)),
                  _section("goals", "Goals", _goals(year)),
                  _section("agreements", "Your agreements", _list(year.agreements, "No agreements of your own yet.")),
                  _section("highs", "The best moments", _highs(year))]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width\"><title>{one} &amp; {two}: our journal</title>"
            f"<style>{STYLE}</style></head><body><main>{''.join(parts)}</main></body></html>\n")


def _section(ident: str, title: str, body: str) -> str:
    return f'<section id="{ident}"><h2>{title}</h2>{body}</section>'


def _calendar(year: Year) -> str:
    first = year.today - timedelta(days=DAYS - 1)
    start = first - timedelta(days=first.weekday())
    cells = []
    day = start
    while day <= year.today:
        column, row = (day - start).days // 7, day.weekday()
        count = year.rituals_by_day.get(day, 0)
        shade = SHADES[min(count, len(SHADES) - 1)] if day >= first else "none"
        cells.append(f'<rect x="{column * CELL}" y="{row * CELL}" width="{CELL - 2}" height="{CELL - 2}" rx="2" '
                     f'fill="{shade}"><title>{day.isoformat()}: {count}</title></rect>')
        day += timedelta(days=1)
    columns = (year.today - start).days // 7 + 1
    evenings = len(year.rituals_by_day)
    return (f'<svg role="img" aria-label="calendar" width="{columns * CELL}" height="{7 * CELL}" '
            f'viewBox="0 0 {columns * CELL} {7 * CELL}">{"".join(cells)}</svg>'
            f'<p class="quiet">{evenings} evening{"s" if evenings != 1 else ""} with a ritual this year.</p>')


def _hugs(year: Year) -> str:
    weeks = year.hugs_by_week
    top = max([hugs + kisses for _, hugs, kisses in weeks] + [1])
    width, height, bar = 26 * len(weeks), 120, 18
    bars = []
    for i, (week, hugs, kisses) in enumerate(weeks):
        x = i * 26
        h_hug, h_kiss = height * hugs / top, height * kisses / top
        bars.append(f'<rect x="{x}" y="{height - h_hug:.1f}" width="{bar}" height="{h_hug:.1f}" fill="{HUG}">'
                    f'<title>week of {week.isoformat()}: {hugs} hugs</title></rect>')
        bars.append(f'<rect x="{x}" y="{height - h_hug - h_kiss:.1f}" width="{bar}" height="{h_kiss:.1f}" '
                    f'fill="{KISS}"><title>week of {week.isoformat()}: {kisses} kisses</title></rect>')
    total = sum(h for _, h, _ in weeks), sum(k for _, _, k in weeks)
    return (f'<svg role="img" aria-label="hugs" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'{"".join(bars)}</svg><p class="quiet">{total[0]} timed hugs and {total[1]} kisses in half a year.</p>')


def _depths(year: Year) -> str:
    top = max([*year.depths.values(), 1])
    rows = []
    for i, (depth, count) in enumerate(year.depths.items()):
        length = 500 * count / top
        rows.append(f'<text x="0" y="{i * 30 + 18}" font-size="14">{depth}</text>'
                    f'<rect x="90" y="{i * 30 + 4}" width="{length:.1f}" height="20" rx="3" '
                    f'fill="{DEPTH_COLOURS[depth]}"></rect>'
                    f'<text x="{96 + length:.1f}" y="{i * 30 + 18}" font-size="13">{count}</text>')
    return (f'<svg role="img" aria-label="depth" width="640" height="92" viewBox="0 0 640 92">{"".join(rows)}</svg>')


def _goals(year: Year) -> str:
    if not year.goals:
        return '<p class="quiet">No goals yet.</p>'
    items = [f"<li>{escape(g.text)} <span class=\"quiet\">(set {g.set_on.isoformat()}, {g.status})</span></li>"
             for g in year.goals]
    return f"<ul>{''.join(items)}</ul>"


def _list(items: list[str], none: str) -> str:
    if not items:
        return f'<p class="quiet">{none}</p>'
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _highs(year: Year) -> str:
    """Private words: folded away until one of them clicks."""
    if not year.highs:
        return '<p class="quiet">No check-in highs yet.</p>'
    items = "".join(f"<li>{day.isoformat()}, {escape(who)}: {escape(text)}</li>" for day, who, text in year.highs)
    count = len(year.highs)
    return f'<details id="highs-details"><summary>Show our highs ({count})</summary><ul>{items}</ul></details>'
