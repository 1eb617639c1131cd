"""Sources: where a contract table's rows come from when they are not imported from files.

A source is configured in ``stethoscope.toml`` as ``[sources.NAME]``. Its *kind* says how it is
read: a SaaS API through a connector (``connector.Connector``), synced into the store; or a
database or files, read in place by the engine. See docs/concepts/sources.md.
"""
