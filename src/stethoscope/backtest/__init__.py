"""Backtesting and calibration: does the score predict churn, and which weights would
predict it better (docs/concepts/backtesting.md)."""
