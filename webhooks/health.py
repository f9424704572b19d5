"""Operations endpoints: `/healthz`, `/readyz` and `/metrics` (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from webhooks.runtime import Runtime

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
