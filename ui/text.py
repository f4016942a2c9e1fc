"""Untrusted text (from a URL or an article) shown by Streamlit elements that render Markdown:
notices, widget labels, messages. ``plain`` makes such text show as itself, never as a link, an
image, a heading, a colour directive or HTML (pure: no Streamlit)."""
from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation character, and an escaped character is
# always literal text: no link or image brackets, no emphasis, no HTML, no autolink (the ":" of
# "http://" and the "." of "www." are escaped too), no Streamlit directive (":red[...]",
# ":material/...:") and no LaTeX ("$").
_PUNCTUATION = frozenset(string.punctuation)
_SPACE = re.compile(r"\s+")


def plain(text: object) -> str:
    """``text`` as Markdown that renders exactly as the text, on one line (every run of
    whitespace, newlines included, becomes one space, so nothing can start a block)."""
    flat = _SPACE.sub(" ", str(text if text is not None else "")).strip()
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in flat)
