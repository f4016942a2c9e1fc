"""Sentence splitting (stub; being written)."""
from __future__ import annotations

import re

from pipeline.records import Sentence

_END = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets."""
    out = []
    for m in _END.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            out.append(Sentence(len(out), s, e, text[s:e]))
    return out
