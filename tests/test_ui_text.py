"""Issue 14 (4): untrusted text shown through Markdown renders as itself (``ui.text.plain``)."""
from __future__ import annotations

import re
import string

import pytest

from ui.text import JOINER, plain

HOSTILE = [
    "[Log in again](http://example.invalid/l)",
    "![x](http://127.0.0.1:8699/p.png)",
    "<img src=x onerror=alert(1)> <b>bold</b>",
    "# Heading\n- item\n> quote",
    ":red[alarm] :material/warning: $x^2$ **bold** _it_ ~~gone~~ `code`",
    "www.example.invalid and https://example.invalid/path?a=1&b=2",
    "[ref]: http://example.invalid\n[ref]",
    "a\\](b) \\![c](d)",
    "write to editor@example.invalid or _www.example.invalid",
]


def _unescape(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md).replace(JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_escapes_every_markdown_character(text):
    md = plain(text)
    # Every ASCII punctuation character is backslash-escaped (CommonMark: always literal then)...
    i = 0
    while i < len(md):
        if md[i] == JOINER:
            i += 1
            continue
        if md[i] == "\\":
            assert md[i + 1] in string.punctuation
            i += 2
            continue
        assert md[i] not in string.punctuation, (md, i)
        i += 1
    # ...on one line (nothing can start a heading, list, quote or link definition)...
    assert "\n" not in md
    # ...and it reads as the same text.
    assert _unescape(md) == " ".join(text.split())
    # No link, image, autolink or HTML can form.
    assert not re.search(r"(?<!\\)\]\(", md) and not re.search(r"(?<!\\)<", md)
    # Bare URLs and addresses (linked by GitHub-flavoured Markdown after the escapes are read)
    # are broken by an invisible joiner.
    read = re.sub(r"\\(.)", r"\1", md)
    assert not re.search(r"(?i)https?://|www\.|[-.\w+]@", read)


def test_plain_leaves_ordinary_text_alone():
    assert plain("Carney met Xi Jinping in Beijing") == "Carney met Xi Jinping in Beijing"
    assert plain("Canada’s 100 per cent surtax") == "Canada’s 100 per cent surtax"
    assert plain(None) == "" and plain(42) == "42"
