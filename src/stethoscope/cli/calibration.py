"""What `stethoscope calibrate` prints: what each step bought held out, then the weights at
every level, the measures turned round or regraded, and the new band thresholds."""

from __future__ import annotations

from typing import Any

from stethoscope.cli import output


def print_calibration(r: dict[str, Any]) -> None:
    from rich.table import Table

    from stethoscope.backtest.report import num, pct

    c = output.console
    h = r["held_out"]
    c.print(
        f"Wrote {r['out']['file']} (version {r['out']['version'][:12]}) from "
        f"{r['model']['from']}: review it before using it.\nHeld out: {len(h['dates'])} later "
        f"dates, {h['observations']:,} observations, each scored by a model fitted only on "
        f"the dates before it (regularisation C = {r['regularisation_c']:g}).",
        highlight=False,
    )
    t = Table("step", "AUC", "top-decile lift", "churn by band, worst first", "changes")
    for s in r["steps"]:
        bands = " / ".join(f"{b['band']} {pct(b['churn_rate'])}" for b in s["bands"])
        changes = ", ".join(s["changes"]) + ("" if s["kept"] else " (not written: no higher AUC)")
        t.add_row(s["step"], num(s["auc"]), num(s["lift_top_decile"], 2), bands, changes)
    c.print(t)
    for card in r["scorecards"]:
        _card(card)
    for g in r["groups"]:
        t = Table("member", "old weight", "new weight", title=f"group {g['group']}")
        total = sum(g["old"].values()) or 1
        for n, w in g["old"].items():
            t.add_row(n, f"{w / total * 100:.0f}", str(g["new"].get(n, 0)))
        c.print(t)
    shown = [m for m in r["measures"] if m["reversed"] or m["curve"] or m["note"]]
    if shown:
        t = Table("measure", "AUC held out", "curve vs grading held out", "change", "note")
        for m in shown:
            change = "flipped" if m["flipped"] else ""
            if m["curve"]:
                pts = ", ".join(f"{a:g}: {g:g}" for a, g in m["curve"]["points"])
                change = f"thresholds below {m['curve']['below']:g}, {pts}"
            t.add_row(
                m["measure"],
                num(m["held_out_auc"]),
                f"{num(m['curve_held_out_auc'])} vs {num(m['grading_held_out_auc'])}",
                change,
                m["note"],
            )
        c.print(t)
    t = Table("band", "old below", "new below")
    for b in r["bands"]:
        t.add_row(b["name"], str(b["old_below"] or "-"), str(b["below"] or "-"))
    c.print(t)
    for fl in r["adds_nothing"]:
        c.print(f"adds nothing: {fl['scorecard']}.{fl['member']} ({fl['why']})", highlight=False)
    for p in r["correlated"]:
        c.print(
            f"correlated: {p['a']} and {p['b']} (r = {p['correlation']:.2f}): candidates for "
            "one group",
            highlight=False,
        )


def _card(card: dict[str, Any]) -> None:
    from rich.table import Table

    c = output.console
    t = Table("member", "old weight", "new weight", title=f"scorecard {card['scorecard']}")
    total = sum(card["old"].values()) or 1
    new = card["new"] or {}
    for n in [*card["old"], *[k for k in new if k not in card["old"]]]:
        w = card["old"].get(n)
        old = "-" if w is None else f"{w / total * 100:.0f}"
        t.add_row(n, old, "(kept)" if card["new"] is None else str(new.get(n, 0)))
    c.print(t)
    if card["fitted_flat"]:
        flat = ", ".join(f"{m} {w}" for m, w in card["fitted_flat"].items())
        c.print(f"  fitted weight of each measure (of 100): {flat}", highlight=False)
    if card["group_shares"]:
        shares = ", ".join(f"{g} {v:g}%" for g, v in card["group_shares"].items())
        c.print(f"  share of the fitted weight by group: {shares}", highlight=False)
    if card["note"]:
        c.print(f"  {card['note']}", highlight=False)
