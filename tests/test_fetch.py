"""Fetching: limits, retries, redirects and the address block, against a local server (no network)."""
from __future__ import annotations

import time

import pytest

import pipeline
from pipeline import fetch
from pipeline.fetch import (
    Fetcher,
    FetchError,
    FetchSettings,
    address_blocked,
    feed_type,
    retry_after_s,
)

FAST = {"allow_private": True, "host_delay_s": 0.0, "timeout_s": 0.5, "total_s": 5.0, "backoff_s": 0.01}


def fetcher(**changes) -> Fetcher:
    return Fetcher(FetchSettings(**{**FAST, **changes}))


@pytest.mark.parametrize("address,blocked", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("10.0.0.7", True), ("172.16.3.4", True),
    ("192.168.1.1", True), ("169.254.169.254", True), ("fe80::1%eth0", True), ("fd00:ec2::254", True),
    ("100.100.100.200", True), ("0.0.0.0", True), ("224.0.0.251", True), ("ff02::1", True),
    ("240.0.0.1", True), ("::ffff:127.0.0.1", True), ("::ffff:10.0.0.1", True), ("not an address", True),
    ("93.184.216.34", False), ("8.8.8.8", False), ("2606:4700:4700::1111", False), ("::ffff:8.8.8.8", False),
])
def test_fetch_address_blocked(address, blocked):
    assert address_blocked(address) is blocked


@pytest.mark.parametrize("value,expected", [
    ("7", 7.0), ("0", 0.0), ("", None), (None, None), ("soon", None),
    ("Fri, 21 Mar 2025 20:05:30 GMT", 30.0), ("Fri, 21 Mar 2025 20:04:00 GMT", 0.0),
])
def test_fetch_retry_after(value, expected):
    from datetime import datetime, timezone
    now = datetime(2025, 3, 21, 20, 5, 0, tzinfo=timezone.utc)
    assert retry_after_s(value, now) == expected


def test_fetch_settings_from_env():
    s = FetchSettings.from_env({"TIMELINE_FETCH_TIMEOUT_S": "2.5", "TIMELINE_FETCH_MAX_BYTES": "1000",
                                "TIMELINE_FETCH_RETRIES": "oops", "TIMELINE_ALLOW_PRIVATE_FETCH": "1"})
    assert (s.timeout_s, s.max_bytes, s.retries, s.allow_private) == (2.5, 1000, FetchSettings().retries, True)
    assert not FetchSettings.from_env({}).allow_private
    assert FetchSettings().max_bytes == 2 * 1024 * 1024   # the dashboard's upload limit


def test_fetch_good_page_names_the_project(local_web):
    got = fetcher().fetch(local_web.url("/page.html"))
    assert (got.status, got.content_type, got.final_url) == (200, "text/html", local_web.url("/page.html"))
    assert b"Canada and China Resume Canola Talks" in got.body
    headers = local_web.requests[-1][1]
    assert f"Timeline/{pipeline.__version__}" in headers["user-agent"]
    assert headers["host"] == f"127.0.0.1:{local_web.port}"


def test_fetch_follows_a_redirect_chain(local_web):
    got = fetcher().fetch(local_web.url("/redirect/3"))
    assert got.final_url == local_web.url("/page.html") and got.url == local_web.url("/redirect/3")
    assert local_web.paths() == ["/redirect/3", "/redirect/2", "/redirect/1", "/page.html"]


def test_fetch_stops_after_the_redirect_limit(local_web):
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetcher(max_redirects=2).fetch(local_web.url("/redirect/5"))
    assert len(local_web.requests) == 3


@pytest.mark.parametrize("status,transient", [(404, False), (410, False), (403, False), (503, True)])
def test_fetch_http_errors(local_web, status, transient):
    with pytest.raises(FetchError) as err:
        fetcher().fetch(local_web.url(f"/status/{status}"))
    assert str(err.value).startswith(local_web.url(f"/status/{status}") + ": HTTP")
    assert (err.value.status, err.value.transient) == (status, transient)
    assert len(local_web.requests) == (1 + FAST.get("retries", 3) if transient else 1)


def test_fetch_retries_a_500_then_succeeds(local_web):
    got = fetcher().fetch(local_web.url("/flaky/a"))
    assert got.status == 200 and local_web.paths() == ["/flaky/a", "/flaky/a"]


@pytest.mark.parametrize("cap,low,high", [(5.0, 0.95, 3.0), (0.2, 0.18, 0.9)])
def test_fetch_honours_retry_after_within_its_cap(local_web, cap, low, high):
    t0 = time.monotonic()
    got = fetcher(max_retry_after_s=cap).fetch(local_web.url("/busy/b"))
    assert got.status == 200
    assert low <= time.monotonic() - t0 < high


def test_fetch_slow_server_times_out(local_web):
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="no answer") as err:
        fetcher(timeout_s=0.3).fetch(local_web.url("/slow"))
    assert err.value.transient and time.monotonic() - t0 < 1.5


def test_fetch_total_time_limit_bounds_a_fetch(local_web):
    t0 = time.monotonic()
    with pytest.raises(FetchError):
        fetcher(timeout_s=5.0, total_s=0.4).fetch(local_web.url("/slow"))
    assert time.monotonic() - t0 < 1.5


@pytest.mark.parametrize("path", ["/huge", "/huge-unsized"])
def test_fetch_50_mb_body_is_cut_at_the_cap(local_web, path):
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="too large") as err:
        fetcher(max_bytes=300_000).fetch(local_web.url(path))
    assert not err.value.transient and time.monotonic() - t0 < 3


def test_fetch_refuses_a_content_type_it_does_not_read(local_web):
    with pytest.raises(FetchError, match="content type application/rss\\+xml is not a web page"):
        fetcher().fetch(local_web.url("/rss.xml"))
    assert fetcher().fetch(local_web.url("/rss.xml"), accept=feed_type).status == 200


def test_fetch_conditional_request_gives_304(local_web):
    f = fetcher()
    first = f.fetch(local_web.url("/etag"))
    assert (first.etag, first.last_modified) == ('"v1"', "Fri, 21 Mar 2025 20:05:00 GMT")
    again = f.fetch(local_web.url("/etag"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    assert local_web.requests[-1][1]["if-none-match"] == '"v1"'


def test_fetch_waits_between_requests_to_one_host(local_web):
    f = fetcher(host_delay_s=0.3)
    t0 = time.monotonic()
    f.fetch(local_web.url("/page.html"))
    f.fetch(local_web.url("/page.html"))
    assert time.monotonic() - t0 >= 0.29


@pytest.mark.parametrize("url,message", [
    ("file:///etc/passwd", "only http and https URLs can be fetched, not file:"),
    ("ftp://example.org/x", "only http and https URLs can be fetched, not ftp:"),
    ("javascript:alert(1)", "only http and https URLs can be fetched"),
    ("http://user:pw@example.org/", "user name or password"),
    ("http:///nohost", "no host"),
    ("http://example.org:99999/", "not a valid URL"),
])
def test_fetch_refuses_other_schemes_and_odd_urls(url, message):
    with pytest.raises(FetchError, match=message) as err:
        Fetcher(FetchSettings(host_delay_s=0)).fetch(url)
    assert str(err.value).startswith(url)


def test_fetch_blocks_private_addresses_by_default(local_web):
    with pytest.raises(FetchError, match="refused: 127.0.0.1 is at 127.0.0.1") as err:
        Fetcher(FetchSettings(host_delay_s=0)).fetch(local_web.url("/page.html"))
    assert "TIMELINE_ALLOW_PRIVATE_FETCH=1" in str(err.value)
    assert local_web.requests == []


@pytest.fixture
def public_web(local_web, monkeypatch):
    """The local server posing as the public host news.example, with the private block ON: a
    patched resolver gives names their addresses, and only the server's own address is let through."""
    names = {"news.example": ["127.0.0.1"], "intranet.example": ["10.0.0.7"],
             "metadata.example": ["169.254.169.254"], "mixed.example": ["93.184.216.34", "192.168.0.2"]}
    calls: list[str] = []

    def resolver(host, port):
        calls.append(host)
        return names.get(host) or fetch.resolve_host(host, port)
    real = fetch.address_blocked
    monkeypatch.setattr(fetch, "address_blocked", lambda a: False if a == "127.0.0.1" else real(a))
    f = Fetcher(FetchSettings(host_delay_s=0, timeout_s=1, allow_private=False), resolver=resolver)
    f.calls = calls
    f.base = f"http://news.example:{local_web.port}"
    return f


def test_fetch_connects_to_the_vetted_address_with_the_host_name(public_web, local_web):
    got = public_web.fetch(public_web.base + "/page.html")
    assert got.status == 200 and got.final_url == public_web.base + "/page.html"
    assert local_web.requests[0][1]["host"] == f"news.example:{local_web.port}"
    assert public_web.calls == ["news.example"]   # resolved once, then connected to that address


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[::1]:8080/",
    "http://intranet.example/", "http://metadata.example/computeMetadata/v1/", "http://mixed.example/",
    "http://127.0.0.2:{port}/page.html", "http://0.0.0.0:{port}/page.html",
])
def test_fetch_refuses_a_redirect_to_a_private_address(public_web, local_web, target):
    target = target.format(port=local_web.port)
    with pytest.raises(FetchError, match="redirect to .*: refused: .* a loopback, private, link-local or reserved"):
        public_web.fetch(public_web.base + "/to?url=" + target)
    assert len(local_web.requests) == 1   # only the redirecting page was asked


def test_fetch_refuses_a_redirect_to_a_file_url(local_web):
    with pytest.raises(FetchError, match="redirect to file:///etc/passwd: only http and https"):
        fetcher().fetch(local_web.url("/to?url=file:///etc/passwd"))
