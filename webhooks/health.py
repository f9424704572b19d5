"""Operations endpoints: `/healthz`, `/readyz` and `/metrics` (Prometheus)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from webhooks.runtime import Runtime

router = APIRouter()
# Not ready above this share of Redis's `maxmemory`: with `noeviction` a full Redis refuses every
# write, so the proxy should send no more traffic here before the workers' own messages fail.
MEMORY_READY_LIMIT = 0.9


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the store (Redis) answers, is not near its memory limit, and a checked
    flow set is loaded."""
    runtime = _runtime(request)
    checks = {
        "store": await runtime.service.store.ping(),
        "flows": bool(runtime.service.flows.flows),
    }
    if runtime.redis is not None:
        try:
            checks["redis"] = bool(await runtime.redis.ping())
            checks["redis_memory"] = memory_ok(await runtime.redis.info("memory"))
        except Exception:
            checks["redis"] = False
    ready = all(checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)


def memory_ok(info: Mapping[str, Any]) -> bool:
    """`INFO memory` says used memory is under `MEMORY_READY_LIMIT` of `maxmemory` (no limit set:
    fine). A cluster client answers one section per node: every node must be fine."""
    if "used_memory" not in info:
        return all(memory_ok(node) for node in info.values() if isinstance(node, Mapping))
    limit = int(info.get("maxmemory") or 0)
    return limit <= 0 or int(info["used_memory"]) <= MEMORY_READY_LIMIT * limit


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    runtime = _runtime(request)
    if runtime.outbox is not None:
        try:
            runtime.metrics.outbox_depth.set(await runtime.outbox.depth())
        except Exception:
            runtime.metrics.errors.labels("outbox", "redis").inc()
    return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
