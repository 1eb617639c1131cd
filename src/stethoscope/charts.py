"""Charts drawn on the server as inline SVG: the dashboard's and the backtest report's.

No script and no file from elsewhere: a chart is part of its page, so it shows without
JavaScript, prints, and passes the dashboard's Content-Security-Policy (presentation
attributes, no inline styles). Each chart has role="img" with a text label; values are
numbers computed here, every text is escaped.

Two families share the frame and the scales. The dashboard's charts carry classes that its
style sheet colours, a <title> on each mark (a tooltip), and the page shows the same numbers
as a table: colour is never the only signal. The backtest report's charts carry their colours
as attributes, because the report is one self-contained file people send around.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup, escape


def _svg(
    width: float, height: float, label: str, body: list[str], cls: str | None, sep: str = ""
) -> Markup:
    # a dashboard chart is styled by its class; a report's stands alone, hence its namespace
    head = f'<svg class="chart {cls}" ' if cls else '<svg xmlns="http://www.w3.org/2000/svg" '
    return Markup(  # noqa: S704 (numbers we computed; every text escaped)
        f'{head}viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}">{sep}' + sep.join(body) + f"{sep}</svg>"
    )


def _scale(lo: float, hi: float, start: float, end: float) -> Callable[[float], float]:
    """The position of a value between ``lo`` and ``hi`` on an axis drawn from ``start`` to
    ``end`` (end < start for a y axis, which SVG draws downwards)."""
    return lambda v: start + (v - lo) / ((hi - lo) or 1) * (end - start)


def _band_class(name: str | None) -> str:
    # a class per band name the model declares; anything else has no colour of its own
    safe = "".join(c for c in (name or "none") if c.isalnum() or c in "-_")
    return f"fill-{safe}"


def stacked_bands(
    history: Sequence[dict[str, Any]],
    bands: Sequence[str],
    dates: Sequence[dt.date] = (),
    width: int = 880,
    height: int = 180,
) -> Markup:
    """Accounts per band on each date, stacked to 100% (worst band at the bottom): how the
    book's health is distributed over time. ``history``: rows of date, counts per band;
    ``dates``: the slots of the chart, left to right (a date without a row stays empty),
    by default the history's dates."""
    if not history:
        return Markup("")
    slots = list(dates) or [row["as_of"] for row in history]
    left, bottom, top = 34, 18, 6
    plot_w, plot_h = width - left - 4, height - bottom - top
    step = plot_w / len(slots)
    bar = max(step - (2 if step > 6 else 0), 0.5)
    body = [
        f'<text x="{left - 4}" y="{top + 4}" class="axis" text-anchor="end">100%</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" class="axis" text-anchor="end">0%</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'class="baseline"></line>',
    ]
    for row in history:
        if row["as_of"] not in slots:
            continue
        total = sum(row["counts"].values()) or 1
        y = top + plot_h
        x = left + slots.index(row["as_of"]) * step
        for name in bands:
            n = row["counts"].get(name, 0)
            if not n:
                continue
            h = n / total * plot_h
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'class="{_band_class(name)}"><title>{escape(str(row["as_of"]))}: '
                f"{escape(name)} {n:,} ({n / total:.0%})</title></rect>"
            )
    first, last = slots[0], slots[-1]
    body.append(f'<text x="{left}" y="{height - 4}" class="axis">{first}</text>')
    body.append(
        f'<text x="{left + plot_w}" y="{height - 4}" class="axis" text-anchor="end">{last}</text>'
    )
    label = f"Share of accounts per band on each scored date, {first} to {last}"
    return _svg(width, height, label, body, cls="stacked")


def trend(
    timeline: Sequence[dict[str, Any]],
    *,
    low: float,
    high: float,
    thresholds: Sequence[tuple[str, float]],
    markers: Sequence[dict[str, Any]],
    older: Sequence[Sequence[dict[str, Any]]] = (),
    zones: Sequence[str] = (),
    marks: Sequence[dict[str, Any]] = (),
    width: int = 880,
    height: int = 200,
) -> Markup:
    """An account's score over time under the current model (a line, broken where a day
    has no score), the scores earlier model versions gave (dashed), the bands' thresholds
    (``thresholds``: the bands with an upper bound, worst first; ``zones``: every band's
    name, worst first, whose ranges are shaded), and a marker where each model version
    started scoring: a model change is not mistaken for the customer's behaviour.
    ``marks`` (``as_of``, ``kind``: input or scorecard, ``label``) are what else moved the
    score: a CSM's input, a switch of scorecard; each a dotted line with its letter."""
    every = [r for series in [timeline, *older] for r in series]
    if not every:
        return Markup("")
    left, bottom, top, right = 34, 18, 8, 8
    plot_w, plot_h = width - left - right, height - bottom - top
    first: dt.date = min(r["as_of"] for r in every)
    last: dt.date = max(r["as_of"] for r in every)
    span = max((last - first).days, 1)

    days = _scale(0, span, left, left + plot_w)
    y_of = _scale(low, high, top + plot_h, top)

    def x_of(day: dt.date) -> float:
        return days((day - first).days)

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" class="frame"></rect>']
    # each band's range as a faint zone behind the line (its name in the tooltip)
    floor = low
    for i, band in enumerate(zones):
        ceiling = thresholds[i][1] if i < len(thresholds) else high
        y0, y1 = y_of(min(ceiling, high)), y_of(max(floor, low))
        if y1 > y0:
            body.append(
                f'<rect x="{left}" y="{y0:.1f}" width="{plot_w}" height="{y1 - y0:.1f}" '
                f'class="zone {_band_class(band)}"><title>{escape(band)}: {floor:g} to '
                f"{min(ceiling, high):g}</title></rect>"
            )
        floor = ceiling
    for name, below in thresholds:
        y = y_of(below)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'class="threshold"><title>{escape(name)} below {below:g}</title></line>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
            f"{below:g}</text>"
        )

    def draw(series: Sequence[dict[str, Any]], cls: str) -> None:
        run: list[str] = []

        def flush() -> None:
            if len(run) > 1:
                body.append(f'<polyline points="{" ".join(run)}" class="{cls}"></polyline>')
            elif run:
                cx, cy = run[0].split(",")
                body.append(f'<circle cx="{cx}" cy="{cy}" r="3" class="{cls}"></circle>')

        previous: dt.date | None = None
        for r in series:
            if r["score"] is None or (previous and (r["as_of"] - previous).days > 1):
                flush()
                run = []
            if r["score"] is not None:
                run.append(f"{x_of(r['as_of']):.1f},{y_of(r['score']):.1f}")
            previous = r["as_of"]
        flush()

    for series in older:
        draw(series, "older")
    draw(timeline, "line")
    for r in timeline:
        if r["score"] is not None:
            body.append(
                f'<circle cx="{x_of(r["as_of"]):.1f}" cy="{y_of(r["score"]):.1f}" r="6" '
                f'class="hit"><title>{r["as_of"]}: {r["score"]:g} '
                f"({escape(r['band'] or 'no band')})</title></circle>"
            )
    for m in markers:
        x = x_of(m["as_of"])
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" class="marker">'
            f"<title>model version {escape(m['label'])} from {m['as_of']}</title></line>"
            f'<text x="{x + 3:.1f}" y="{top + 11}" class="marker-label">'
            f"model {escape(m['label'])}</text>"
        )
    for m in marks:
        if not first <= m["as_of"] <= last:
            continue
        x = x_of(m["as_of"])
        kind = "input" if m["kind"] == "input" else "scorecard"
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
            f'class="mark mark-{kind}"><title>{m["as_of"]}: {escape(m["label"])}</title></line>'
            f'<text x="{x:.1f}" y="{top + plot_h - 3}" class="mark-label" text-anchor="middle">'
            f"{'I' if kind == 'input' else 'S'}</text>"
        )
    body.append(f'<text x="{left}" y="{height - 4}" class="axis">{first}</text>')
    body.append(
        f'<text x="{left + plot_w}" y="{height - 4}" class="axis" text-anchor="end">{last}</text>'
    )
    label = f"Score from {first} to {last}, scale {low:g} to {high:g}"
    if markers:
        label += "; model versions start on " + ", ".join(str(m["as_of"]) for m in markers)
    shown = [m for m in marks if first <= m["as_of"] <= last]
    if shown:
        label += "; marked: " + "; ".join(f"{m['as_of']} {m['label']}" for m in shown)
    return _svg(width, height, label, body, cls="trend")


def spark(
    points: Sequence[tuple[int, float | None]], low: float, high: float, width: int = 72
) -> Markup:
    """A small line of a few scores: ``points`` are (days before the last, score)."""
    known = [(d, s) for d, s in points if s is not None]
    if len(known) < 2:
        return Markup("")
    height = 20
    span = max(d for d, _ in known) or 1
    xy = " ".join(
        f"{width - d / span * (width - 4) - 2:.1f},"
        f"{height - 2 - (s - low) / ((high - low) or 1) * (height - 4):.1f}"
        for d, s in sorted(known, key=lambda p: -p[0])
    )
    return Markup(  # noqa: S704 (numbers we computed; every text escaped)
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-hidden="true"><polyline points="{xy}"></polyline></svg>'
    )


def weekly(usage: Sequence[dict[str, Any]], width: int = 420, height: int = 110) -> Markup:
    """Product usage per week as bars (events), each with its tooltip."""
    if not usage:
        return Markup("")
    left, bottom, top = 34, 16, 6
    plot_w, plot_h = width - left - 4, height - bottom - top
    most = max(int(u["events"]) for u in usage) or 1
    step = plot_w / len(usage)
    body = [
        f'<text x="{left - 4}" y="{top + 8}" class="axis" text-anchor="end">{most:,}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" class="axis" text-anchor="end">0</text>',
    ]
    for i, u in enumerate(usage):
        h = int(u["events"]) / most * plot_h
        body.append(
            f'<rect x="{left + i * step + 1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(step - 2, 1):.1f}" height="{h:.1f}" class="bar"><title>week of '
            f"{u['week']}: {int(u['events']):,} events, {int(u['users'])} active users"
            "</title></rect>"
        )
    body.append(f'<text x="{left}" y="{height - 3}" class="axis">{usage[0]["week"]}</text>')
    body.append(
        f'<text x="{width - 4}" y="{height - 3}" class="axis" text-anchor="end">'
        f"{usage[-1]['week']}</text>"
    )
    label = f"Events per week from {usage[0]['week']} to {usage[-1]['week']}"
    return _svg(width, height, label, body, cls="weekly")


# The report's charts: one size, the usual bands in their colours, other series in turn.
W, H = 360, 260
PAD_L, PAD_R, PAD_T, PAD_B = 48, 12, 24, 40
COLOURS = ("#1f5fa8", "#c8553d", "#2a9d8f", "#8a5a9e", "#e9a03b")
# bars named like the usual bands take their colour
NAMED = {"red": "#c8553d", "yellow": "#e9a03b", "green": "#2a9d8f"}


def _axes(title: str, ylabel: str) -> list[str]:
    """A report chart's title, its two axes and the y axis's label."""
    mid = (PAD_T + H - PAD_B) / 2
    return [
        f'<text x="{W / 2}" y="14" text-anchor="middle" font-size="12" font-weight="bold">'
        f"{escape(title)}</text>",
        f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#555"/>',
        f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="#555"/>',
        f'<text x="12" y="{mid}" text-anchor="middle" font-size="11" '
        f'transform="rotate(-90 12 {mid})">{escape(ylabel)}</text>',
    ]


def lines(
    title: str,
    series: list[tuple[str, list[tuple[float, float]]]],
    *,
    xlabel: str,
    ylabel: str,
    xr: tuple[float, float] | None = None,
    yr: tuple[float, float] | None = None,
    diagonal: bool = False,
    points: bool = False,
    pct_y: bool = False,
) -> Markup:
    """Each series a polyline (and its points, with ``points``) with a legend, on axes
    ``xr`` and ``yr`` (by default the data's x range, and y from 0 to a tenth above the top)."""
    xs = [p[0] for _, s in series for p in s] or [0.0, 1.0]
    ys = [p[1] for _, s in series for p in s] or [0.0, 1.0]
    xr = xr or (min(xs), max(xs))
    yr = yr or (0.0, max(ys) * 1.1 or 1.0)
    x_of = _scale(*xr, PAD_L, W - PAD_R)
    y_of = _scale(*yr, H - PAD_B, PAD_T)
    out = _axes(title, ylabel)
    out.append(
        f'<text x="{(PAD_L + W - PAD_R) / 2}" y="{H - 6}" text-anchor="middle" '
        f'font-size="11">{escape(xlabel)}</text>'
    )
    for i in range(5):
        xv = xr[0] + (xr[1] - xr[0]) * i / 4
        yv = yr[0] + (yr[1] - yr[0]) * i / 4
        ytext = f"{yv * 100:.0f}%" if pct_y else f"{yv:.2g}"
        out.append(
            f'<text x="{x_of(xv):.1f}" y="{H - PAD_B + 14}" text-anchor="middle" '
            f'font-size="10">{xv:.3g}</text>'
        )
        out.append(
            f'<text x="{PAD_L - 4}" y="{y_of(yv) + 3:.1f}" text-anchor="end" '
            f'font-size="10">{ytext}</text>'
        )
    if diagonal:
        out.append(
            f'<line x1="{x_of(xr[0]):.1f}" y1="{y_of(yr[0]):.1f}" '
            f'x2="{x_of(xr[1]):.1f}" y2="{y_of(yr[1]):.1f}" stroke="#aaa" '
            'stroke-dasharray="4 3"/>'
        )
    for i, (name, s) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        pts = " ".join(f"{x_of(a):.1f},{y_of(b):.1f}" for a, b in s)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>')
        if points:
            out += [
                f'<circle cx="{x_of(a):.1f}" cy="{y_of(b):.1f}" r="3" fill="{colour}"/>'
                for a, b in s
            ]
        if name:
            out.append(
                f'<text x="{PAD_L + 8}" y="{PAD_T + 14 + 13 * i}" font-size="11" '
                f'fill="{colour}">{escape(name)}</text>'
            )
    return _svg(W, H, title, out, cls=None, sep="\n")


def bars(title: str, items: list[tuple[str, float]], *, ylabel: str, pct_y: bool = True) -> Markup:
    """One bar per (label, value), its value written above it."""
    y_of = _scale(0.0, max((v for _, v in items), default=0.0) * 1.15 or 1.0, H - PAD_B, PAD_T)
    out = _axes(title, ylabel)
    width = (W - PAD_L - PAD_R) / max(len(items), 1)
    for i, (name, v) in enumerate(items):
        x = PAD_L + i * width + width * 0.15
        y = y_of(v)
        text = f"{v * 100:.1f}%" if pct_y else f"{v:.3g}"
        out += [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width * 0.7:.1f}" '
            f'height="{H - PAD_B - y:.1f}" fill="{NAMED.get(name, COLOURS[i % len(COLOURS)])}"/>',
            f'<text x="{x + width * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="11">{text}</text>',
            f'<text x="{x + width * 0.35:.1f}" y="{H - PAD_B + 14}" text-anchor="middle" '
            f'font-size="11">{escape(name)}</text>',
        ]
    return _svg(W, H, title, out, cls=None, sep="\n")
