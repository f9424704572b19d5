"""Operations endpoints and counters: `/healthz`, `/readyz` and `/metrics` (Prometheus)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

if TYPE_CHECKING:
    from webhooks.runtime import Runtime

STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """This process's counters, in a registry of its own (so tests can build many apps).

    With several workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty folder: every worker
    then writes its counters there and `/metrics` adds them up, whichever worker answers.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages_in = Counter("labor_bot_messages_in", "Messages received", ["channel"], registry=r)
        self.messages_out = Counter("labor_bot_messages_out", "Messages sent", ["channel"], registry=r)
        self.step_seconds = Histogram(
            "labor_bot_step_seconds", "Time to handle one message: load, step and commit",
            ["channel"], buckets=STEP_BUCKETS, registry=r,
        )
        self.errors = Counter("labor_bot_errors", "Errors, by channel and kind", ["channel", "kind"],
                              registry=r)
        self.rate_limited = Counter("labor_bot_rate_limited", "Messages over the per-sender limit",
                                    ["channel"], registry=r)
        self.flow_reloads = Counter("labor_bot_flow_reloads", "Flow reloads, by result", ["result"],
                                    registry=r)
        self.outbox_depth = Gauge("labor_bot_outbox_depth", "Replies waiting in the outbox",
                                  registry=r, multiprocess_mode="mostrecent")

    def exposition(self) -> bytes:
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not folder:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged, path=folder)  # type: ignore[no-untyped-call]
        return generate_latest(merged)


router = APIRouter()


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the store (Redis) answers and a checked flow set is loaded."""
    runtime = _runtime(request)
    checks = {
        "store": await runtime.service.store.ping(),
        "flows": bool(runtime.service.flows.flows),
    }
    if runtime.redis is not None:
        try:
            checks["redis"] = bool(await runtime.redis.ping())
        except Exception:
            checks["redis"] = False
    ready = all(checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    runtime = _runtime(request)
    if runtime.outbox is not None:
        try:
            runtime.metrics.outbox_depth.set(await runtime.outbox.depth())
        except Exception:
            runtime.metrics.errors.labels("outbox", "redis").inc()
    return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
