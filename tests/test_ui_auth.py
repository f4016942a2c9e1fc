"""Who may add articles: open without a secret, only with the right secret otherwise."""
import pytest

from ui.auth import editor_secret, may_add


class BrokenSecrets:
    def get(self, key, default=None):
        raise FileNotFoundError("no secrets.toml")


@pytest.mark.parametrize("environ, secrets, expected", [
    ({}, None, ""),
    ({"TIMELINE_EDITOR_SECRET": "abc"}, None, "abc"),
    ({}, {"editor_secret": "from-toml"}, "from-toml"),
    ({"TIMELINE_EDITOR_SECRET": "env"}, {"editor_secret": "toml"}, "env"),
    ({"TIMELINE_EDITOR_SECRET": "  padded  "}, None, "padded"),
    ({}, BrokenSecrets(), ""),
])
def test_auth_reads_the_secret(environ, secrets, expected):
    assert editor_secret(environ, secrets) == expected


@pytest.mark.parametrize("secret, supplied, allowed", [
    ("", "", True),
    ("", "anything", True),
    ("s3cret", "s3cret", True),
    ("s3cret", " s3cret ", True),
    ("s3cret", "", False),
    ("s3cret", "S3CRET", False),
    ("s3cret", None, False),
    ("ünïcode", "ünïcode", True),
])
def test_auth_viewer_cannot_add_without_secret(secret, supplied, allowed):
    assert may_add(secret, supplied) is allowed


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_auth_guard_slows_a_guesser_down_after_the_free_tries():
    from ui.auth import FIRST_WAIT_S, FREE_TRIES, MAX_WAIT_S, Guard

    clock = Clock()
    guard = Guard(clock)
    for _ in range(FREE_TRIES):
        assert guard.wait_s("a") == 0
        guard.failed("a")
    assert guard.wait_s("a") == 0, "the free tries cost nothing"
    guard.failed("a")
    assert guard.wait_s("a") == FIRST_WAIT_S
    assert guard.wait_s("b") == 0, "another client is not slowed down by a's guesses"
    clock.now += FIRST_WAIT_S
    guard.failed("a")
    assert guard.wait_s("a") == 2 * FIRST_WAIT_S, "each further wrong try doubles the wait"
    for _ in range(20):
        guard.failed("a")
    assert guard.wait_s("a") == MAX_WAIT_S
    guard.succeeded("a")
    assert guard.wait_s("a") == 0


def test_auth_guard_slows_everyone_down_when_many_clients_guess():
    from ui.auth import GLOBAL_LIMIT, GLOBAL_WINDOW_S, Guard

    clock = Clock()
    guard = Guard(clock)
    for i in range(GLOBAL_LIMIT):       # one wrong try each from many sessions or addresses
        guard.failed(f"client-{i}")
        clock.now += 1
    assert guard.wait_s("newcomer") > 0
    clock.now += GLOBAL_WINDOW_S
    assert guard.wait_s("newcomer") == 0, "the window passes and the server opens again"


@pytest.mark.parametrize("secret, ip, refused", [
    ("", None, False),              # localhost (Streamlit gives no address)
    ("", "127.0.0.1", False),
    ("", "::1", False),
    ("", "192.168.1.20", True),     # another machine, and no secret set
    ("", "2001:db8::1", True),
    ("", "not an address", True),
    ("s3cret", "192.168.1.20", False),   # with a secret, the secret decides
])
def test_auth_without_a_secret_only_this_machine_may_write(secret, ip, refused):
    from ui.auth import write_refusal

    reason = write_refusal(secret, ip)
    assert bool(reason) == refused
    if refused:
        assert "TIMELINE_EDITOR_SECRET" in reason and "\n" not in reason


def test_make_run_listens_on_this_machine_unless_told_otherwise():
    """Issue 14 (13): ``make run`` binds 127.0.0.1 by default (HOST=0.0.0.0 to serve the network)."""
    import re
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^HOST \?= 127\.0\.0\.1$", makefile, re.M)
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "streamlit run dashboard.py" in run and "--server.address $(HOST)" in run
