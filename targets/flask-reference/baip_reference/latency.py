"""An optional pause before every request, set by ``BAIP_DELAY_MS`` (default 0: none).

Against a container on the same machine each request takes about a millisecond, so a
benchmark there says nothing about a service behind a database or across a network,
where a request costs tens of milliseconds and the suite's wall time is set by how many
requests it sends one after another. ``bench/bench.ts`` boots this target with
``BAIP_DELAY_MS=50`` to measure that case. It is a WSGI wrapper rather than a
``before_request`` hook so that every answer the application gives is delayed alike,
including routing errors and 401s; ``time.sleep`` holds only its own gunicorn thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

ENV_VAR = "BAIP_DELAY_MS"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def delay_seconds(environ: dict[str, str] | None = None) -> float:
    """The configured delay; a value that is not a non-negative number stops the start."""
    raw = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if raw == "":
        return 0.0
    try:
        ms = float(raw)
    except ValueError:
        ms = -1.0
    # NaN fails both comparisons: refused too.
    if not 0 <= ms <= 60_000:
        raise ValueError(f"{ENV_VAR}={raw!r}: expected milliseconds, 0 to 60000")
    return ms / 1000


def delayed(app: WsgiApp, seconds: float) -> WsgiApp:
    """``app`` answering each request ``seconds`` later; ``app`` itself when 0."""
    if seconds <= 0:
        return app

    def wrapper(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        time.sleep(seconds)
        return app(environ, start_response)

    return wrapper
