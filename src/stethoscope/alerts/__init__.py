"""Alerts, tasks and playbooks: turning a score into the right action by the right person.

    rules        the rules as written (in the model file or a rules file) and resolved
    evaluation   set-based SQL deciding, per as-of date, which alerts open and resolve
    playbooks    the steps of a task; presets per band, D.E.A.R. dimension and NPS answer
    templates    the messages, Jinja2 in a sandbox
    outbox       deliveries written before they are sent, sent with retries and backoff
    channels     email over SMTP, chat and webhooks through apprise, the signed sync webhook
    sync         the outbound sync of changed scores, and the export of the book
    outcomes     what became of alerts: tasks done, later scores, churn; per-rule precision

See docs/concepts/alerts.md.
"""
