"""This process's Prometheus counters, and their exposition (merged across worker processes)."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """This process's counters, in a registry of its own (so tests can build many apps).

    With several workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty folder: every worker
    then writes its counters there and `/metrics` adds them up, whichever worker answers.
    """

    def __init__(self, multiproc_dir: str | None = None) -> None:
        self.multiproc_dir = multiproc_dir  # the settings' PROMETHEUS_MULTIPROC_DIR
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
        folder = self.multiproc_dir
        if not folder:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged, path=folder)  # type: ignore[no-untyped-call]
        return generate_latest(merged)
