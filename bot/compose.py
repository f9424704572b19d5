"""`build_service`: the one place a `BotService` is wired (server, CLI, worker, bench, tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.flowset import FlowSet
from bot.followups import Followups, NoticeBudget
from bot.loader import load_assets
from bot.outbox import Outbox
from bot.purge import Purger
from bot.service import BotService, utc_now
from bot.settings import Settings, make_store
from bot.store.base import SessionStore
from bot.store.client import RedisClient
from bot.workshops.resolvers import workshop_resolvers
from bot.workshops.seats import Seats
from bot.workshops.seats.memory import MemorySeats
from bot.workshops.seats.redis import RedisSeats


def build_service(
    settings: Settings,
    store: SessionStore | None = None,
    *,
    flows: FlowSet | None = None,
    redis: RedisClient | None = None,
    seats: Seats | None = None,
    outbox: Outbox | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> BotService:
    """The service with its flows, store, workshop seats and resolvers, and the follow-ups of each commit.

    Each part not given is made from `settings`: the flows from `FLOWS_DIR` (without the samples
    in production), the store by `make_store`, the seats in `redis` when given (else in memory).
    The caller closes what it opened: `service.store.aclose()`, and `redis`.
    Raises `FlowError` for flows with errors and `InputError` for a store it cannot make.
    """
    if flows is None:
        flows = load_assets(settings.flows_dir, production=settings.production)
    if seats is None:
        seats = RedisSeats(redis) if redis is not None else MemorySeats()
    service = BotService(flows, store if store is not None else make_store(settings), clock=clock,
                         resolvers=workshop_resolvers(seats), retention_days=settings.session_ttl_days)
    # Followups reads the flows through the service, so a hot reload (service.flows = new) reaches it.
    budget = NoticeBudget(redis, settings.staff_notices_per_hour)
    service.after_commit = Followups(lambda: service.flows, seats, outbox, budget,
                                     Purger(redis, seats) if redis is not None else None)
    return service
