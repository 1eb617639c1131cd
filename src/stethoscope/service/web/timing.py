"""Each dashboard answer says how long the server took to make it, in a ``Server-Timing``
header (which browsers' developer tools show): ``app`` is the time from the request's
arrival at the route to the answer, ``cpu`` the processor time the server process spent
meanwhile (all its threads, the store's too): on a busy machine the first grows while the
second does not. bench/web.py reads both."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class TimedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def timed(request: Request) -> Response:
            wall, cpu = time.perf_counter(), time.process_time()
            response = await handler(request)
            response.headers["Server-Timing"] = (
                f"app;dur={(time.perf_counter() - wall) * 1000:.1f}, "
                f"cpu;dur={(time.process_time() - cpu) * 1000:.1f}"
            )
            return response

        return timed
