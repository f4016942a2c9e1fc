"""Fetching web pages and feeds over HTTP(S), politely and safely, with urllib3.

One ``Fetcher`` serves a whole run: it sends a User-Agent naming this project, waits between two
requests to the same host, follows redirects itself (so that each hop is checked), retries 429 and
5xx answers with backoff (honouring a capped Retry-After), sends conditional requests when given a
page's validators, and stops at per-request and total timeouts and at a size cap.

Safety: only http and https; the host is resolved here and refused when any of its addresses is
loopback, private, link-local (cloud metadata), multicast, reserved or otherwise not global,
checked again at every redirect; the connection goes to the vetted address (the Host header and
TLS name stay the host's), so a second DNS answer cannot swap it (DNS rebinding).
``TIMELINE_ALLOW_PRIVATE_FETCH=1`` lifts the address block (local use, the tests). Every problem
is one ``FetchError`` line starting with the URL.
"""
from __future__ import annotations

import email.utils
import ipaddress
import os
import socket
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Mapping
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3 import exceptions as u3exc

from pipeline import __version__

USER_AGENT = f"Timeline/{__version__} (geopolitical events timeline; article and feed fetcher)"
# The dashboard's upload limit (ui.ingest.MAX_UPLOAD_BYTES): a page may be as large as an upload.
MAX_FETCH_BYTES = 2 * 1024 * 1024     # inclusive
READ_CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PAGE_TYPES = HTML_TYPES | {"text/plain"}
ALLOW_PRIVATE_ENV = "TIMELINE_ALLOW_PRIVATE_FETCH"


class FetchError(ValueError):
    """A page that cannot be fetched: one line starting with the URL. ``transient`` failures
    (timeouts, lost connections, 5xx or 429 after the retries) may succeed later; the others
    (404, a refused address, a wrong content type, too large) will not."""

    def __init__(self, message: str, transient: bool = False, status: int = 0) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits of a fetch; ``from_env`` reads each from a ``TIMELINE_FETCH_*`` variable."""

    timeout_s: float = 10.0           # one request: to connect, and between two reads
    total_s: float = 30.0             # one fetch, its redirects, retries and waits included
    max_bytes: int = MAX_FETCH_BYTES  # inclusive cap on a body
    max_redirects: int = 5            # inclusive
    retries: int = 3                  # further tries after a 429 or 5xx
    backoff_s: float = 0.5            # the first wait before a retry without Retry-After, doubled each time
    max_retry_after_s: float = 30.0   # inclusive cap on any wait before a retry, Retry-After included
    host_delay_s: float = 1.0         # at least this long between two requests to one host
    allow_private: bool = False       # fetch from loopback, private and link-local addresses too

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> FetchSettings:
        """The defaults, changed by TIMELINE_FETCH_TIMEOUT_S, _TOTAL_S, _MAX_BYTES, _MAX_REDIRECTS,
        _RETRIES, _BACKOFF_S, _MAX_RETRY_AFTER_S, _HOST_DELAY_S and TIMELINE_ALLOW_PRIVATE_FETCH,
        then by ``overrides``; a malformed value keeps its default."""
        env = os.environ if environ is None else environ
        base = cls()
        values: dict = {}
        for name, kind in (("timeout_s", float), ("total_s", float), ("max_bytes", int), ("max_redirects", int),
                           ("retries", int), ("backoff_s", float), ("max_retry_after_s", float),
                           ("host_delay_s", float)):
            raw = env.get(f"TIMELINE_FETCH_{name.upper()}", "").strip()
            try:
                values[name] = max(kind(0), kind(raw)) if raw else getattr(base, name)
            except ValueError:
                values[name] = getattr(base, name)
        values["allow_private"] = env.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")
        return replace(base, **{**values, **overrides})


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page: ``status`` 304 means unchanged since the validators given (no body)."""

    url: str               # as asked for
    final_url: str         # after redirects
    status: int
    fetched_at: str        # ISO 8601, UTC, seconds
    content_type: str      # the media type, lower case, without parameters
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


@dataclass(frozen=True, slots=True)
class _Target:
    """One request's destination, vetted: the address to connect to and the host it stands for."""

    scheme: str
    host: str
    port: int
    address: str
    path: str
    host_header: str


def address_blocked(address: str) -> bool:
    """True for an address a fetch must not reach by default: loopback, private, link-local (the
    cloud metadata service 169.254.169.254 included), multicast, reserved, unspecified, shared
    (100.64.0.0/10) or otherwise not globally routable, IPv4-mapped IPv6 judged as IPv4."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (raises OSError when it does not)."""
    seen: list[str] = []
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def media_type(header: str | None) -> str:
    """``text/html; charset=utf-8`` -> ``text/html``."""
    return (header or "").split(";", 1)[0].strip().lower()


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def page_type(ctype: str) -> bool:
    """Media types read as articles (a missing type is sniffed from the bytes)."""
    return ctype in PAGE_TYPES or ctype == ""


def feed_type(ctype: str) -> bool:
    """Media types a feed may come as: any XML, plain text, and HTML (checked by the feed reader:
    servers mislabel feeds, and an HTML page instead of a feed gets its own message)."""
    return ctype == "" or "xml" in ctype or ctype in PAGE_TYPES or ctype == "application/octet-stream"


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _short(url: str) -> str:
    """A URL safe in a one-line message."""
    return repr(url)[1:-1] if any(c in url for c in "\n\r\x00") else url


class Fetcher:
    """Fetches pages for one run: connection pools, per-host pacing and the settings.

    ``resolver`` maps (host, port) to addresses (``resolve_host``); ``stop`` (an Event) cuts the
    waits short: a fetch that would wait after it is set fails as transient."""

    def __init__(self, settings: FetchSettings | None = None,
                 resolver: Callable[[str, int], list[str]] | None = None,
                 stop: threading.Event | None = None) -> None:
        self.settings = settings or FetchSettings.from_env()
        self._resolve = resolver or resolve_host
        self._stop = stop or threading.Event()
        self._pools: dict[tuple[str, str, int, str], urllib3.HTTPConnectionPool] = {}
        self._last: dict[str, float] = {}
        self.requests = 0   # HTTP requests sent (for tests and logs)

    # ----- the public call --------------------------------------------------------------------
    def fetch(self, url: str, *, etag: str = "", last_modified: str = "",
              accept: Callable[[str], bool] = page_type) -> Fetched:
        """Fetch ``url`` (following redirects, retrying 429/5xx); FetchError otherwise.

        ``etag``/``last_modified``: the validators of a stored copy, sent as If-None-Match /
        If-Modified-Since (a 304 answer gives ``Fetched.status == 304`` and no body).
        ``accept``: which media types are wanted."""
        s = self.settings
        deadline = time.monotonic() + s.total_s
        current, hops, tries = url, 0, 0
        while True:
            target = self._vet(current, url)
            self._pace(target.host, deadline, url)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"{_short(url)}: no answer within {s.total_s:g} s", transient=True)
            resp = self._send(target, url, etag, last_modified, min(s.timeout_s, remaining))
            status = resp.status
            if status in REDIRECT_STATUSES:
                location = resp.headers.get("Location", "")
                _discard(resp)
                if not location:
                    raise FetchError(f"{_short(url)}: HTTP {status} redirect without a Location", status=status)
                hops += 1
                if hops > s.max_redirects:
                    raise FetchError(f"{_short(url)}: more than {s.max_redirects} redirects", status=status)
                current = urljoin(current, location.strip())
                continue
            if status == 304 and (etag or last_modified):
                _discard(resp)
                return Fetched(url, current, 304, _now_iso(), "", b"", etag, last_modified)
            if status in RETRY_STATUSES:
                wait = retry_after_s(resp.headers.get("Retry-After"))
                _discard(resp)
                tries += 1
                if tries > s.retries:
                    raise FetchError(f"{_short(url)}: HTTP {status} after {tries} tries", transient=True, status=status)
                wait = min(s.max_retry_after_s, s.backoff_s * 2 ** (tries - 1) if wait is None else wait)
                if time.monotonic() + wait > deadline:
                    raise FetchError(f"{_short(url)}: HTTP {status}; waiting {wait:g} s to retry would pass the "
                                     f"{s.total_s:g} s limit", transient=True, status=status)
                self._wait(wait, url)
                continue
            if not 200 <= status < 300:
                _discard(resp)
                raise FetchError(f"{_short(url)}: HTTP {status}{' ' + resp.reason if resp.reason else ''}",
                                 transient=False, status=status)
            return self._body(resp, url, current, accept, deadline)

    def close(self) -> None:
        """Close every pooled connection."""
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- the steps ----------------------------------------------------------------------------
    def _vet(self, url: str, asked: str) -> _Target:
        """Parse and check one hop's URL: scheme, host, and every address the host resolves to."""
        where = _short(asked) if url == asked else f"{_short(asked)}: redirect to {_short(url)}"
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise FetchError(f"{where}: not a valid URL") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"{where}: only http and https URLs can be fetched"
                             + (f", not {scheme}:" if scheme else ""))
        host = parts.hostname or ""
        if not host:
            raise FetchError(f"{where}: no host in the URL")
        if parts.username or parts.password:
            raise FetchError(f"{where}: URLs with a user name or password are not fetched")
        try:
            host.encode("idna")
        except UnicodeError:
            raise FetchError(f"{where}: invalid host name") from None
        port = port or (443 if scheme == "https" else 80)
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError) as err:
            raise FetchError(f"{where}: cannot resolve host {host} ({getattr(err, 'strerror', None) or err})",
                             transient=True) from None
        if not addresses:
            raise FetchError(f"{where}: host {host} has no address", transient=True)
        if not self.settings.allow_private:
            bad = next((a for a in addresses if address_blocked(a)), None)
            if bad is not None:
                raise FetchError(f"{where}: refused: {host} is at {bad}, a loopback, private, link-local or "
                                 f"reserved address ({ALLOW_PRIVATE_ENV}=1 allows it)")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        name = host.encode("idna").decode("ascii") if not host.isascii() else host
        name = f"[{name}]" if ":" in name else name
        default = 443 if scheme == "https" else 80
        return _Target(scheme, host, port, addresses[0], path, name if port == default else f"{name}:{port}")

    def _pool(self, t: _Target) -> urllib3.HTTPConnectionPool:
        key = (t.scheme, t.address, t.port, t.host)
        pool = self._pools.get(key)
        if pool is None:
            if t.scheme == "https":
                pool = urllib3.HTTPSConnectionPool(t.address, t.port, maxsize=1, server_hostname=t.host,
                                                   assert_hostname=t.host, cert_reqs="CERT_REQUIRED",
                                                   ca_certs=_ca_file())
            else:
                pool = urllib3.HTTPConnectionPool(t.address, t.port, maxsize=1)
            self._pools[key] = pool
        return pool

    def _send(self, t: _Target, asked: str, etag: str, last_modified: str, timeout: float):
        headers = {"Host": t.host_header, "User-Agent": USER_AGENT,
                   "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                             "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
                   "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.requests += 1
        try:
            return self._pool(t).urlopen("GET", t.path, headers=headers, redirect=False, retries=False,
                                         preload_content=False, assert_same_host=False,
                                         timeout=urllib3.Timeout(connect=timeout, read=timeout))
        except u3exc.ConnectTimeoutError:
            raise FetchError(f"{_short(asked)}: timed out connecting to {t.host}", transient=True) from None
        except (u3exc.ReadTimeoutError, TimeoutError):
            raise FetchError(f"{_short(asked)}: no answer from {t.host} within {timeout:g} s", transient=True) from None
        except u3exc.SSLError as err:
            raise FetchError(f"{_short(asked)}: TLS error with {t.host}: {_reason(err)}") from None
        except u3exc.NewConnectionError as err:
            raise FetchError(f"{_short(asked)}: cannot connect to {t.host}: {_reason(err)}", transient=True) from None
        except (u3exc.HTTPError, OSError) as err:
            raise FetchError(f"{_short(asked)}: connection to {t.host} failed: {_reason(err)}", transient=True) from None

    def _body(self, resp, asked: str, final: str, accept: Callable[[str], bool], deadline: float) -> Fetched:
        """Read the body of a 2xx answer within the size cap and the deadline."""
        s = self.settings
        ctype = media_type(resp.headers.get("Content-Type"))
        if not accept(ctype):
            _drop(resp)
            raise FetchError(f"{_short(asked)}: content type {ctype} is not a web page or feed", status=resp.status)
        length = resp.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > s.max_bytes:
            _drop(resp)
            raise FetchError(f"{_short(asked)}: too large ({int(length):,} bytes; the limit is {s.max_bytes:,} bytes)",
                             status=resp.status)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                chunk = resp.read(READ_CHUNK_BYTES)
                if not chunk:
                    break
                size += len(chunk)
                if size > s.max_bytes:
                    raise FetchError(f"{_short(asked)}: too large (more than the limit of {s.max_bytes:,} bytes)",
                                     status=resp.status)
                if time.monotonic() > deadline:
                    raise FetchError(f"{_short(asked)}: not received within {s.total_s:g} s", transient=True)
                chunks.append(chunk)
        except FetchError:
            _drop(resp)
            raise
        except (u3exc.ReadTimeoutError, TimeoutError):
            _drop(resp)
            raise FetchError(f"{_short(asked)}: the page stopped arriving for {s.timeout_s:g} s", transient=True) from None
        except (u3exc.HTTPError, OSError) as err:
            _drop(resp)
            raise FetchError(f"{_short(asked)}: connection broken while reading: {_reason(err)}", transient=True) from None
        resp.release_conn()
        return Fetched(asked, final, resp.status, _now_iso(), ctype, b"".join(chunks),
                       resp.headers.get("ETag", "").strip(), resp.headers.get("Last-Modified", "").strip())

    def _pace(self, host: str, deadline: float, asked: str) -> None:
        """Wait until ``host`` has had ``host_delay_s`` of rest since our last request to it."""
        delay = self.settings.host_delay_s
        key = host.lower()
        last = self._last.get(key)
        if delay > 0 and last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                if time.monotonic() + wait > deadline:
                    raise FetchError(f"{_short(asked)}: the pause between requests to {host} would pass the "
                                     f"{self.settings.total_s:g} s limit", transient=True)
                self._wait(wait, asked)
        self._last[key] = time.monotonic()

    def _wait(self, seconds: float, asked: str) -> None:
        if self._stop.wait(seconds):
            raise FetchError(f"{_short(asked)}: stopped", transient=True)


def _discard(resp) -> None:
    """Done with an answer whose body we do not want: read a small body to keep the connection,
    drop the connection otherwise (a hostile redirect may carry gigabytes)."""
    length = resp.headers.get("Content-Length", "")
    if length.isdigit() and int(length) <= READ_CHUNK_BYTES:
        try:
            resp.drain_conn()
            resp.release_conn()
            return
        except (u3exc.HTTPError, OSError):
            pass
    _drop(resp)


def _drop(resp) -> None:
    """Close an answer's connection (unread bytes make it unusable) and free its pool slot."""
    try:
        resp.close()
    finally:
        resp.release_conn()


def _reason(err: BaseException) -> str:
    """The last, most specific part of a urllib3 error, on one line."""
    text = str(getattr(err, "reason", None) or err)
    text = text.split(": ", 1)[-1] if text.startswith("<") else text
    return " ".join(text.split())[:200] or type(err).__name__


def _ca_file() -> str | None:
    try:
        import certifi
    except ImportError:   # the system's certificates then
        return None
    return certifi.where()
