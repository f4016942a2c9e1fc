"""Who may add articles: everyone on a local run, only holders of the editor secret on a shared one.

A server other machines reach, with no secret set, refuses their writes (``write_refusal``); the
secret is compared in constant time, and wrong guesses are slowed down for the guesser and, past
a limit, for the whole server (``Guard``), so guessing cannot run in parallel sessions.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import threading
import time
from typing import Callable, Mapping

SECRET_ENV = "TIMELINE_EDITOR_SECRET"
SECRET_KEY = "editor_secret"
FREE_TRIES = 3             # wrong secrets a client may give before it has to wait
FIRST_WAIT_S = 2.0         # the wait after the first try past the free ones, doubled each time
MAX_WAIT_S = 300.0         # inclusive cap on one client's wait
GLOBAL_WINDOW_S = 600.0    # the server counts wrong secrets from every client over this window...
GLOBAL_LIMIT = 30          # ...and past this many (inclusive), every client waits for the window


def editor_secret(environ: Mapping[str, str], secrets: Mapping | None = None) -> str:
    """The configured editor secret ("" when none: adding is open to local users)."""
    value = environ.get(SECRET_ENV, "")
    if not value and secrets is not None:
        try:
            value = str(secrets.get(SECRET_KEY, "") or "")
        except Exception:  # a missing or broken secrets.toml means "no secret configured"
            value = ""
    return value.strip()


def may_add(secret: str, supplied: str) -> bool:
    """True when no secret is configured or ``supplied`` matches it. Both are hashed first, so the
    comparison takes the same time whatever their lengths and contents."""
    if not secret:
        return True
    want = hashlib.sha256(secret.encode("utf-8")).digest()
    got = hashlib.sha256((supplied or "").strip().encode("utf-8")).digest()
    return hmac.compare_digest(want, got)


def is_local(client_ip: str | None) -> bool:
    """True for a visitor on this machine (Streamlit gives no address for localhost)."""
    if not client_ip:
        return True
    try:
        return ipaddress.ip_address(client_ip.split("%")[0]).is_loopback
    except ValueError:
        return False


def write_refusal(secret: str, client_ip: str | None) -> str:
    """Why this visitor may not add articles at all ("" when they may, with the secret if one is
    set): without a secret, only visitors on this machine may write."""
    if secret or is_local(client_ip):
        return ""
    return ("This server is reachable from other machines and has no editor secret, so adding articles "
            f"is off. Set {SECRET_ENV} (or {SECRET_KEY} in .streamlit/secrets.toml) to allow it.")


class Guard:
    """Backoff after wrong secrets, per client and for the whole server (thread-safe: Streamlit
    runs each session in its own thread)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[int, float]] = {}   # client -> (wrong tries, may try again at)
        self._recent: list[float] = []                       # times of wrong tries, all clients

    def wait_s(self, client: str) -> float:
        """Seconds before ``client`` may try a secret again (0 when it may now)."""
        with self._lock:
            now = self._clock()
            self._forget(now)
            until = self._clients.get(client, (0, 0.0))[1]
            if len(self._recent) >= GLOBAL_LIMIT:
                until = max(until, self._recent[len(self._recent) - GLOBAL_LIMIT] + GLOBAL_WINDOW_S)
            return max(0.0, until - now)

    def failed(self, client: str) -> None:
        """Record a wrong secret from ``client``."""
        with self._lock:
            now = self._clock()
            tries = self._clients.get(client, (0, 0.0))[0] + 1
            wait = 0.0 if tries <= FREE_TRIES else min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** (tries - FREE_TRIES - 1))
            self._clients[client] = (tries, now + wait)
            self._recent.append(now)
            self._forget(now)

    def succeeded(self, client: str) -> None:
        """The right secret: ``client`` starts afresh."""
        with self._lock:
            self._clients.pop(client, None)

    def _forget(self, now: float) -> None:
        cutoff = now - GLOBAL_WINDOW_S
        while self._recent and self._recent[0] <= cutoff:
            self._recent.pop(0)
