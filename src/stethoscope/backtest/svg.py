"""Small inline SVG charts for the HTML report: lines and points on two axes, and bars.
No script and no network: the page shows them as it is. Numbers are formatted here and
every text is escaped."""

from __future__ import annotations

from html import escape

W, H = 360, 260
PAD_L, PAD_R, PAD_T, PAD_B = 48, 12, 24, 40
COLOURS = ("#1f5fa8", "#c8553d", "#2a9d8f", "#8a5a9e", "#e9a03b")
# bars named like the usual bands take their colour
NAMED = {"red": "#c8553d", "yellow": "#e9a03b", "green": "#2a9d8f"}


def _x(v: float, lo: float, hi: float) -> float:
    return PAD_L + (v - lo) / ((hi - lo) or 1) * (W - PAD_L - PAD_R)


def _y(v: float, lo: float, hi: float) -> float:
    return H - PAD_B - (v - lo) / ((hi - lo) or 1) * (H - PAD_T - PAD_B)


def _frame(
    title: str,
    xlabel: str,
    ylabel: str,
    xr: tuple[float, float],
    yr: tuple[float, float],
    pct_y: bool,
) -> list[str]:
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
        f'height="{H}" role="img" aria-label="{escape(title)}">',
        f'<text x="{W / 2}" y="14" text-anchor="middle" font-size="12" font-weight="bold">'
        f"{escape(title)}</text>",
        f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#555"/>',
        f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="#555"/>',
        f'<text x="{(PAD_L + W - PAD_R) / 2}" y="{H - 6}" text-anchor="middle" '
        f'font-size="11">{escape(xlabel)}</text>',
        f'<text x="12" y="{(PAD_T + H - PAD_B) / 2}" text-anchor="middle" font-size="11" '
        f'transform="rotate(-90 12 {(PAD_T + H - PAD_B) / 2})">{escape(ylabel)}</text>',
    ]
    for i in range(5):
        xv = xr[0] + (xr[1] - xr[0]) * i / 4
        yv = yr[0] + (yr[1] - yr[0]) * i / 4
        ytext = f"{yv * 100:.0f}%" if pct_y else f"{yv:.2g}"
        out.append(
            f'<text x="{_x(xv, *xr):.1f}" y="{H - PAD_B + 14}" text-anchor="middle" '
            f'font-size="10">{xv:.3g}</text>'
        )
        out.append(
            f'<text x="{PAD_L - 4}" y="{_y(yv, *yr) + 3:.1f}" text-anchor="end" '
            f'font-size="10">{ytext}</text>'
        )
    return out


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
) -> str:
    """Each series a polyline (and its points, with ``points``) with a legend."""
    xs = [p[0] for _, s in series for p in s] or [0.0, 1.0]
    ys = [p[1] for _, s in series for p in s] or [0.0, 1.0]
    xr = xr or (min(xs), max(xs))
    yr = yr or (0.0, max(ys) * 1.1 or 1.0)
    out = _frame(title, xlabel, ylabel, xr, yr, pct_y)
    if diagonal:
        out.append(
            f'<line x1="{_x(xr[0], *xr):.1f}" y1="{_y(yr[0], *yr):.1f}" '
            f'x2="{_x(xr[1], *xr):.1f}" y2="{_y(yr[1], *yr):.1f}" stroke="#aaa" '
            'stroke-dasharray="4 3"/>'
        )
    for i, (name, s) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        pts = " ".join(f"{_x(a, *xr):.1f},{_y(b, *yr):.1f}" for a, b in s)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>')
        if points:
            out += [
                f'<circle cx="{_x(a, *xr):.1f}" cy="{_y(b, *yr):.1f}" r="3" fill="{colour}"/>'
                for a, b in s
            ]
        if name:
            out.append(
                f'<text x="{PAD_L + 8}" y="{PAD_T + 14 + 13 * i}" font-size="11" '
                f'fill="{colour}">{escape(name)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def bars(title: str, items: list[tuple[str, float]], *, ylabel: str, pct_y: bool = True) -> str:
    """One bar per (label, value)."""
    top = max((v for _, v in items), default=0.0) * 1.15 or 1.0
    yr = (0.0, top)
    out = _frame(title, "", ylabel, (0.0, 1.0), yr, pct_y)[:4]
    out.append(
        f'<text x="12" y="{(PAD_T + H - PAD_B) / 2}" text-anchor="middle" font-size="11" '
        f'transform="rotate(-90 12 {(PAD_T + H - PAD_B) / 2})">{escape(ylabel)}</text>'
    )
    width = (W - PAD_L - PAD_R) / max(len(items), 1)
    for i, (name, v) in enumerate(items):
        x = PAD_L + i * width + width * 0.15
        y = _y(v, *yr)
        text = f"{v * 100:.1f}%" if pct_y else f"{v:.3g}"
        out += [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width * 0.7:.1f}" '
            f'height="{H - PAD_B - y:.1f}" fill="{NAMED.get(name, COLOURS[i % len(COLOURS)])}"/>',
            f'<text x="{x + width * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="11">{text}</text>',
            f'<text x="{x + width * 0.35:.1f}" y="{H - PAD_B + 14}" text-anchor="middle" '
            f'font-size="11">{escape(name)}</text>',
        ]
    out.append("</svg>")
    return "\n".join(out)
