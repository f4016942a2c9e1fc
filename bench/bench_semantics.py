"""Speed of the semantic stages (actors, topics, CAMEO, summits) in words per second.

Runs on the articles in ``data/articles`` (no network, no ``../shared`` needed). Each stage is
timed alone on one core for about two seconds; CAMEO is timed per sentence, as the event
assembly calls it. Machines are noisy, so a baseline measured in the same run (one regex pass
splitting the text into words) is printed too, with each stage's speed as a ratio of it; the
whole pipeline's target is 20,000 words/s. Usage: ``python bench/bench_semantics.py``.
"""
from __future__ import annotations

import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.actors import tag_actors  # noqa: E402
from pipeline.cameo import classify_event  # noqa: E402
from pipeline.knowledge import find_summit_references  # noqa: E402
from pipeline.topics import classify_topics  # noqa: E402

SECONDS_PER_STAGE = 2.0
DCT = date(2026, 1, 13)


def words_per_second(function, items: list[str], words: int) -> float:
    """Call ``function`` on every item repeatedly for a while; return words per second."""
    for item in items:          # warm the caches (data files, compiled regexes)
        function(item)
    rounds = 0
    began = time.perf_counter()
    while time.perf_counter() - began < SECONDS_PER_STAGE:
        for item in items:
            function(item)
        rounds += 1
    return words * rounds / (time.perf_counter() - began)


def main() -> None:
    """Print the speed of each stage on the sample articles."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "articles").glob("*.txt"))]
    words = sum(len(t.split()) for t in texts)
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if s.strip()]
    print(f"{len(texts)} articles, {words} words, {len(sentences)} sentences")
    word_regex = re.compile(r"\w+")
    baseline = words_per_second(word_regex.findall, texts, words)
    label = "baseline (regex word split)"
    print(f"{label:36s} {baseline:12,.0f} words/s")
    stages = [
        ("tag_actors (article)", tag_actors, texts),
        ("classify_topics (article)", classify_topics, texts),
        ("classify_topics (sentence)", classify_topics, sentences),
        ("classify_event (sentence)", classify_event, sentences),
        ("find_summit_references (article)", lambda t: find_summit_references(t, DCT), texts),
    ]
    for name, function, items in stages:
        speed = words_per_second(function, items, words)
        print(f"{name:36s} {speed:12,.0f} words/s   {speed / baseline:6.3f} x baseline")


def actor_country_precision() -> None:
    """Share of actor countries that are among a document's gold countries (geo eval sets).

    A person or organisation resolved to a country ("Huawei" -> CHN) adds that country to the
    document; this checks how often it is one the annotators found in the text. Skipped when
    ``../shared/eval/geo`` is absent (a new user has no ``../shared``).
    """
    folder = ROOT.parent / "shared" / "eval" / "geo"
    if not folder.is_dir():
        print("actor-country precision: ../shared/eval/geo not found, skipped")
        return
    import json
    for name in ("trnews", "lgl"):
        path = folder / f"{name}.jsonl"
        if not path.exists():
            continue
        right = wrong = 0
        for line in path.open(encoding="utf-8"):
            doc = json.loads(line)
            gold = set(doc.get("countries", []))
            for mention in tag_actors(doc["text"]):
                if mention.iso3:
                    right += mention.iso3 in gold
                    wrong += mention.iso3 not in gold
        total = right + wrong
        print(f"actor-country precision on {name}: {right}/{total} = {right / max(total, 1):.3f}")


if __name__ == "__main__":
    main()
    actor_country_precision()
