"""The dashboard's page of the latest backtest report."""

from __future__ import annotations

from tests.web.conftest import Book


def test_backtest_page_shows_the_latest_report(fresh: Book) -> None:
    b = fresh.browser()
    assert b.get("/model/backtest").status_code == 303
    assert b.get("/model/backtest?format=json").status_code == 401
    viewer = fresh.browser("viewer")
    assert "No backtest yet" in viewer.get("/model").text
    assert viewer.get("/model?format=json").json()["backtest"] is None
    none = viewer.get("/model/backtest")
    assert none.status_code == 404
    assert "No backtest yet" in none.text
    assert viewer.get("/model/backtest?format=json").json()["ok"] is False
    made = fresh.project.backtest(every=7, horizon=30)
    page = viewer.get("/model/backtest")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2
    assert f"Backtest of {made.model['name']}" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src" not in csp
    assert "default-src 'none'" in csp
    data = viewer.get("/model/backtest?format=json").json()
    assert data["observations"] == made.report["observations"]
    assert data["model"]["version"] == made.model["version"]
    assert "rows" not in data  # the store keeps the figures, not every observation
    # the Model page says what the latest backtest found and links to the whole report
    model_page = viewer.get("/model").text
    assert 'href="/model/backtest"' in model_page
    # this small book has no churn within the horizon: the page says so instead of a blank AUC
    assert made.report["churned"] == 0
    assert "no account churned within the horizon" in model_page
    headline = viewer.get("/model?format=json").json()["backtest"]
    assert headline["auc"] is None
    assert headline["observations"] == made.report["observations"]
    assert headline["model_version"] == made.model["version"]
