"""Throttling, fault injection and counters for the sandbox tenant, as Graph documents its limits.
Outlook: per app per mailbox concurrency and requests per window; SharePoint/OneDrive: resource units per minute."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ThrottleConfig:
    """Documented limits; `time_scale` shrinks every window (0.01 turns 10 minutes into 6 seconds)."""

    enabled: bool = True
    time_scale: float = 1.0
    outlook_concurrency: int = 4
    outlook_requests: int = 10_000
    outlook_window_s: float = 600.0
    outlook_upload_bytes: int = 150 * 1024 * 1024  # PATCH/POST/PUT body bytes per app per mailbox per window
    outlook_upload_window_s: float = 300.0
    spo_resource_units: int = 1_200  # per app per tenant per minute (0-1k licences)
    spo_window_s: float = 60.0
    spo_status: int = 429  # 429, or 503 as SharePoint sometimes answers

    def window(self, seconds: float) -> float:
        return max(1e-3, seconds * self.time_scale)


@dataclass
class FaultConfig:
    """Knobs for the reliability suite. Rates are probabilities per Graph request (0..1)."""

    error_rate: float = 0.0
    error_statuses: list[int] = field(default_factory=lambda: [429, 500, 503, 504])
    retry_after_s: int = 1
    reset_rate: float = 0.0  # connection dropped with no response
    latency_ms: tuple[float, float] = (0.0, 0.0)  # uniform range; (0, 0) = off
    latency_dist: str = "uniform"  # uniform | exponential (mean = latency_ms[1])
    delta_expiry_rate: float = 0.0  # a delta/next link gets 410 (mail) or resyncRequired (drive)
    token_expiry_rate: float = 0.0  # a valid access token is answered 401 as if it had expired
    missing_fields_rate: float = 0.0  # drop a field from JSON items
    wrong_types_rate: float = 0.0  # give a field the wrong JSON type
    truncated_mime_rate: float = 0.0  # cut a $value body in half
    invalid_utf8_names_rate: float = 0.0  # names/subjects with a lone surrogate (not encodable as UTF-8)
    include_downloads: bool = False  # also fault pre-authenticated download/upload URLs
    identity_error_rate: float = 0.0  # token requests answered 429 temporarily_unavailable (AADSTS50196)
    seed: int | None = None
    only_paths: list[str] = field(default_factory=list)  # apply only to paths containing one of these

    def any_active(self) -> bool:
        return any((self.error_rate, self.reset_rate, self.latency_ms[1], self.delta_expiry_rate, self.token_expiry_rate,
                    self.identity_error_rate,
                    self.missing_fields_rate, self.wrong_types_rate, self.truncated_mime_rate,
                    self.invalid_utf8_names_rate))


class Counters:
    """Requests per endpoint, throttled, faults, bytes out; plus the throttle-limited minimum time of the work."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.per_endpoint: dict[str, int] = defaultdict(int)
        self.per_status: dict[int, int] = defaultdict(int)
        self.throttled = 0
        self.faults = 0
        self.faults_by_kind: dict[str, int] = defaultdict(int)
        self.bytes_out = 0
        self.bytes_in = 0
        self.token_requests = 0
        self.per_mailbox: dict[str, int] = defaultdict(int)
        self.spo_units = 0
        self.started = time.monotonic()

    def snapshot(self, throttle: ThrottleConfig | None = None) -> dict[str, Any]:
        with self.lock:
            snap = {
                "requests": self.requests, "per_endpoint": dict(self.per_endpoint),
                "per_status": {str(k): v for k, v in self.per_status.items()}, "throttled": self.throttled,
                "faults": self.faults, "faults_by_kind": dict(self.faults_by_kind), "bytes_out": self.bytes_out,
                "bytes_in": self.bytes_in, "token_requests": self.token_requests,
                "mailboxes_touched": len(self.per_mailbox), "max_requests_per_mailbox": max(self.per_mailbox.values(), default=0),
                "spo_resource_units": self.spo_units, "elapsed_s": time.monotonic() - self.started,
            }
        snap["min_time_s"] = self.min_time(throttle or ThrottleConfig())
        return snap

    def min_time(self, t: ThrottleConfig) -> float:
        """The least wall time in which the counted work could have been done without exceeding the limits:
        per mailbox, the windows its requests need; for SharePoint/OneDrive, the resource-unit windows; the max of those."""
        worst_mbx = max(self.per_mailbox.values(), default=0)
        mbx = (max(0, worst_mbx - 1) // t.outlook_requests) * t.window(t.outlook_window_s) if worst_mbx else 0.0
        spo = (self.spo_units / t.spo_resource_units) * t.window(t.spo_window_s) if self.spo_units > t.spo_resource_units else 0.0
        return max(mbx, spo)


class Throttle:
    """Sliding-window limiters. Throttled requests still count, as on the real service."""

    def __init__(self, config: ThrottleConfig | None = None) -> None:
        self.config = config or ThrottleConfig()
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.inflight: dict[tuple[str, str], int] = defaultdict(int)
        self.mbx_log: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.spo_log: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self.spo_sum: dict[str, int] = defaultdict(int)
        self.upload_log: dict[tuple[str, str], deque[tuple[float, int]]] = defaultdict(deque)

    def outlook_enter(self, app: str, mailbox: str) -> tuple[int, str, str] | None:
        """None if admitted (call outlook_exit later), else (retry_after, code, message)."""
        c = self.config
        if not c.enabled:
            return None
        now = time.monotonic()
        key = (app, mailbox)
        with self.lock:
            log = self.mbx_log[key]
            win = c.window(c.outlook_window_s)
            while log and log[0] <= now - win:
                log.popleft()
            log.append(now)  # counted whether admitted or not
            if self.inflight[key] >= c.outlook_concurrency:
                return (1, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
            if len(log) > c.outlook_requests:
                wait = log[len(log) - c.outlook_requests - 1] + win - now
                return (max(1, math.ceil(wait)), "ApplicationThrottled",
                        "Application is over its MailboxRequests limit.")
            self.inflight[key] += 1
        return None

    def outlook_upload(self, app: str, mailbox: str, nbytes: int) -> tuple[int, str, str] | None:
        """Outlook's upload limit (150 MB of request bodies per 5 minutes per app and mailbox)."""
        c = self.config
        if not c.enabled or nbytes <= 0:
            return None
        now = time.monotonic()
        with self.lock:
            log = self.upload_log[(app, mailbox)]
            win = c.window(c.outlook_upload_window_s)
            while log and log[0][0] <= now - win:
                log.popleft()
            used = sum(n for _, n in log)
            if used + nbytes > c.outlook_upload_bytes and log:
                return (max(1, math.ceil(log[0][0] + win - now)), "ApplicationThrottled",
                        "Application is over its MailboxUpload limit.")
            log.append((now, nbytes))
        return None

    def outlook_exit(self, app: str, mailbox: str) -> None:
        with self.lock:
            self.inflight[(app, mailbox)] -= 1

    def spo_charge(self, app: str, units: int) -> tuple[int, str, str] | None:
        c = self.config
        if not c.enabled:
            return None
        now = time.monotonic()
        with self.lock:
            log = self.spo_log[app]
            win = c.window(c.spo_window_s)
            while log and log[0][0] <= now - win:
                self.spo_sum[app] -= log.popleft()[1]
            log.append((now, units))
            self.spo_sum[app] += units
            if self.spo_sum[app] > c.spo_resource_units:
                # wait until enough units leave the window
                excess = self.spo_sum[app] - c.spo_resource_units
                acc = 0
                wait = win
                for ts, u in log:
                    acc += u
                    if acc >= excess:
                        wait = ts + win - now
                        break
                return (max(1, math.ceil(wait)), "activityLimitReached",
                        "The request has been throttled")
        return None


def spo_usage(t: Throttle, app: str) -> tuple[int, int, int]:
    """(units used in the current window, limit, seconds until the window resets) for RateLimit-* headers."""
    c = t.config
    with t.lock:
        used = t.spo_sum.get(app, 0)
        log = t.spo_log.get(app)
        reset = int(max(0.0, (log[0][0] + c.window(c.spo_window_s) - time.monotonic()))) + 1 if log else 0
    return used, c.spo_resource_units, reset


class Faults:
    def __init__(self, config: FaultConfig | None = None) -> None:
        self.config = config or FaultConfig()
        self.random = random.Random(self.config.seed)

    def configure(self, **kw: Any) -> FaultConfig:
        cur = asdict(self.config)
        for k, v in kw.items():
            if k not in cur:
                raise ValueError(f"unknown fault knob {k!r} (known: {', '.join(sorted(cur))})")
            if k == "latency_ms" and isinstance(v, int | float):
                v = (0.0, float(v)) if self.config.latency_dist == "exponential" else (float(v), float(v))
            cur[k] = tuple(v) if k == "latency_ms" else v
        self.config = FaultConfig(**cur)
        if "seed" in kw:
            self.random = random.Random(self.config.seed)
        return self.config

    def reset(self) -> None:
        self.config = FaultConfig()
        self.random = random.Random()

    def applies(self, path: str) -> bool:
        op = self.config.only_paths
        return not op or any(p in path for p in op)

    def hit(self, rate: float) -> bool:
        return rate > 0 and self.random.random() < rate

    def latency(self) -> float:
        lo, hi = self.config.latency_ms
        if hi <= 0:
            return 0.0
        if self.config.latency_dist == "exponential":
            return self.random.expovariate(1.0 / hi) / 1000.0
        return self.random.uniform(lo, hi) / 1000.0
