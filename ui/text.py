"""Untrusted text (from a URL or an article) shown by Streamlit elements that render Markdown:
notices, widget labels, messages. ``plain`` makes such text show as itself, never as a link, an
image, a heading, a colour directive or HTML (pure: no Streamlit)."""
from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation character, and an escaped character is
# always literal text: no link or image brackets, no emphasis, no HTML, no Streamlit directive
# (":red[...]", ":material/...:") and no LaTeX ("$").
_PUNCTUATION = frozenset(string.punctuation)
_SPACE = re.compile(r"\s+")
# GitHub-flavoured Markdown also links bare "http://...", "www...." and e-mail addresses, and it
# does so in the parsed text, after the escapes are resolved: an invisible WORD JOINER (U+2060)
# inside "://", after "www" and before "@" breaks those patterns without changing what is read.
JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=www)(?=\.))|(?=@)")


def plain(text: object) -> str:
    """``text`` as Markdown that renders as the text, on one line (every run of whitespace,
    newlines included, becomes one space, so nothing can start a block), with no link: bare URLs
    and e-mail addresses carry an invisible word joiner (``JOINER``)."""
    flat = _SPACE.sub(" ", str(text if text is not None else "")).strip()
    flat = _AUTOLINK.sub(JOINER, flat)
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in flat)
