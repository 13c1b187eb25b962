"""Client-side throttling discipline for Graph: token buckets per resource, per-mailbox concurrency, and the
pause every request to a resource observes after a 429/503/504 with Retry-After (global pause, as Corso does)."""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

__all__ = ["ThrottlePolicy", "TokenBucket", "Throttle", "classify", "Resource"]


@dataclass(frozen=True)
class ThrottlePolicy:
    """Limits we keep ourselves under. Defaults stay below Microsoft's documented limits:
    Outlook 10,000 requests / 10 min / mailbox (we allow burst + rate*600 ≈ 9,600) and 4 concurrent per mailbox;
    SharePoint/OneDrive resource units (≈ 1,250 RU/min for a small tenant; we use 1,080, Corso 1,200);
    directory reads ~ 150/s. `time_scale` multiplies every rate (tests against an accelerated emulator)."""

    mailbox_rate: float = 15.0  # requests per second per mailbox
    mailbox_burst: float = 600.0
    mailbox_concurrency: int = 4
    sharepoint_rate: float = 18.0  # resource units per second per tenant (1,080/min: 90 % of the smallest limit)
    sharepoint_burst: float = 100.0  # burst + one window of the rate stays under the window limit (1,180 <= 1,200)
    directory_rate: float = 150.0
    directory_burst: float = 300.0
    default_rate: float = 200.0
    default_burst: float = 400.0
    max_connections: int = 64  # HTTP/1.1 keep-alive pool: 16 mailboxes x 4 concurrent requests, plus downloads
    max_attempts: int = 6  # total tries per request (throttling and transient errors)
    backoff_base: float = 0.5  # seconds; doubles per attempt, with full jitter
    backoff_max: float = 30.0
    max_retry_after: float = 300.0  # cap on one honoured Retry-After
    default_retry_after: float = 5.0  # 429 without Retry-After
    time_scale: float = 1.0

    def scaled(self, factor: float) -> ThrottlePolicy:
        return replace(self, time_scale=factor)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter for attempt 1, 2, ..."""
        cap = min(self.backoff_max, self.backoff_base * 2 ** max(0, attempt - 1))
        return random.uniform(cap / 2, cap)


class TokenBucket:
    """A classic token bucket for asyncio: `await take(cost)` waits until `cost` tokens are available."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = max(rate, 1e-9)
        self.capacity = max(capacity, 1.0)
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def take(self, cost: float = 1.0) -> float:
        """Consume `cost` tokens; returns how long we waited."""
        cost = min(cost, self.capacity)
        waited = 0.0
        async with self._lock:  # FIFO-ish fairness: one waiter refills at a time
            while True:
                self._refill()
                if self._tokens >= cost:
                    self._tokens -= cost
                    return waited
                delay = (cost - self._tokens) / self.rate
                await asyncio.sleep(delay)
                waited += delay

    @property
    def available(self) -> float:
        self._refill()
        return self._tokens


@dataclass(frozen=True)
class Resource:
    """What a request touches, for throttling: service (outlook, sharepoint, directory, teams, reports, other)
    and key (the mailbox for Outlook; tenant-wide otherwise). `cost` is in the service's units."""

    service: str
    key: str
    cost: float = 1.0


_OUTLOOK = re.compile(
    r"^/(?:users|me)/(?P<id>[^/]+)/(?:messages|mailfolders|events|calendar|calendars|calendarview|calendargroups|"
    r"contacts|contactfolders|mailboxsettings|settings/exchange|inferenceclassification|outlook|todo)(?:/|$|\?)", re.I)
_EXO_ADMIN = re.compile(r"^/admin/exchange/mailboxes/(?P<id>[^/]+)", re.I)
_GROUP_MAILBOX = re.compile(r"^/groups/(?P<id>[^/]+)/(?:conversations|threads|events|calendar|calendarview)", re.I)
_SP = re.compile(r"^/(?:drives|sites|shares)(?:/|$)|^/(?:users|groups)/[^/]+/drives?(?:/|$)", re.I)


def classify(url: str, method: str = "GET") -> Resource:
    """Map a Graph URL (absolute or relative) to its throttling resource."""
    parts = urlsplit(url)
    path = parts.path
    if ".sharepoint." in (parts.hostname or ""):  # pre-authenticated download/upload URLs count as SharePoint use
        return Resource("sharepoint", "sharepoint", 2.0 if method.upper() in ("POST", "PUT", "PATCH", "DELETE") else 1.0)
    m = re.match(r"^/(?:v1\.0|beta)(/.*)$", path)
    if m:
        path = m.group(1)
    low = path.lower()
    for rx in (_OUTLOOK, _EXO_ADMIN, _GROUP_MAILBOX):
        mm = rx.match(path)
        if mm:
            return Resource("outlook", "mailbox:" + mm.group("id").lower())
    if _SP.match(path):
        q = parts.query.lower()
        cost = 2.0 if ("$expand" in q or "%24expand" in q or "/permissions" in low) else 1.0
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            cost = 2.0
        return Resource("sharepoint", "sharepoint", cost)
    if low.startswith(("/users", "/groups", "/organization", "/directoryobjects", "/serviceprincipals",
                       "/applications", "/domains", "/subscribedskus", "/me")):
        return Resource("directory", "directory")
    if low.startswith(("/teams", "/chats")):
        return Resource("teams", "teams")
    if low.startswith("/reports"):
        return Resource("reports", "reports")
    if low.startswith("/$batch"):
        return Resource("batch", "batch")
    return Resource("other", "other")


class Throttle:
    """Shared by every request of one GraphClient (one app in one tenant)."""

    def __init__(self, policy: ThrottlePolicy | None = None) -> None:
        self.policy = policy or ThrottlePolicy()
        self._buckets: dict[str, TokenBucket] = {}
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._paused_until: dict[str, float] = {}
        self.throttled_responses = 0
        self.pauses = 0
        self.budget_wait = 0.0  # seconds requests spent waiting for the budget (buckets, pauses), summed

    def _bucket(self, res: Resource) -> TokenBucket | None:
        b = self._buckets.get(res.key)
        if b is None:
            p, s = self.policy, self.policy.time_scale
            rate, burst = {
                "outlook": (p.mailbox_rate, p.mailbox_burst),
                "sharepoint": (p.sharepoint_rate, p.sharepoint_burst),
                "directory": (p.directory_rate, p.directory_burst),
            }.get(res.service, (p.default_rate, p.default_burst))
            b = self._buckets[res.key] = TokenBucket(rate * s, burst)
        return b

    def semaphore(self, res: Resource) -> asyncio.Semaphore | None:
        if res.service != "outlook":
            return None
        sem = self._sems.get(res.key)
        if sem is None:
            sem = self._sems[res.key] = asyncio.Semaphore(self.policy.mailbox_concurrency)
        return sem

    def pause(self, res: Resource, seconds: float) -> None:
        """Hold every request to `res` for `seconds`: one mailbox for Outlook, the whole service otherwise
        (SharePoint, directory, Teams and reports limits are tenant-wide)."""
        until = time.monotonic() + seconds
        if self._paused_until.get(res.key, 0.0) < until:
            self._paused_until[res.key] = until
        self.pauses += 1

    def pause_all(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        if self._paused_until.get("*", 0.0) < until:
            self._paused_until["*"] = until
        self.pauses += 1

    def paused_for(self, res: Resource) -> float:
        now = time.monotonic()
        return max(0.0, max(self._paused_until.get(res.key, 0.0), self._paused_until.get("*", 0.0)) - now)

    async def wait_unpaused(self, res: Resource) -> None:
        while True:
            delay = self.paused_for(res)
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    async def admit(self, res: Resource) -> None:
        """Wait for any pause, then for the resource's bucket (the time waited is added to budget_wait)."""
        t0 = time.monotonic()
        await self.wait_unpaused(res)
        bucket = self._bucket(res)
        if bucket is not None:
            await bucket.take(res.cost)
        await self.wait_unpaused(res)
        self.budget_wait += time.monotonic() - t0
