"""The HTTP service: REST API under /api, liveness at /healthz."""
