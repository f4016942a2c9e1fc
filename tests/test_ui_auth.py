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
