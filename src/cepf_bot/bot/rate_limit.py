"""Per-user rate limiting: a token bucket per user, bounded in memory."""

from __future__ import annotations

import time
from collections import OrderedDict


class UserRateLimiter:
    """A token bucket per user: `per_minute` questions a minute, bursts of `burst`.

    Bounded: idle users are forgotten once the table grows past `max_users`.
    """

    def __init__(self, per_minute: float, burst: float, max_users: int = 10_000) -> None:
        self.rate = per_minute / 60
        self.burst = max(burst, 1.0)
        self.max_users = max_users
        self._buckets: OrderedDict[int, list[float]] = OrderedDict()  # user -> [tokens, t, told]

    def allow(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(allowed, notify): notify is True once per spell of being limited."""
        if self.rate <= 0:
            return True, False
        now = time.monotonic() if now is None else now
        tokens, last, told = self._buckets.pop(user_id, [self.burst, now, 0.0])
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        notify = not allowed and not told
        self._buckets[user_id] = [tokens - 1 if allowed else tokens, now,
                                  0.0 if allowed else 1.0]
        while len(self._buckets) > self.max_users:
            self._buckets.popitem(last=False)
        return allowed, notify
