"""The facade's concerns, one module each; ``stethoscope.project.Project`` joins them.

- ``core``: settings, the store, its write lock, the connections that read without waiting
- ``model_files``: the model and alert rules files, read without the store
- ``source_data``: imports, ingest, the demo book, the store's status
- ``scoring``: runs, the scored book, explanations, model diffs
- ``readouts``: listings with their totals, the book from above (API pages, dashboard)
- ``today``: one owner's day (the dashboard's Today page and its count of open tasks)
- ``week``: the VP's week: ARR at risk and red renewals by week, revenue retention
- ``inputs``: CSM inputs
- ``relationship``: touchpoints people log (and their next steps' tasks), key contacts
- ``backtests``: backtests, calibration, discovery, the churn forecast
- ``backtest_jobs``: a backtest started from the dashboard, in the background on a snapshot
- ``access``: API keys, users, dashboard sessions, sign-in throttling, audit, erasure
- ``protocol``: ``Facade``, what the CLI asks of a local or a remote project

The alert methods live with the alerts (stethoscope.alerts.facade). These modules import
neither stethoscope.project nor stethoscope.client.
"""
