"""Tests for the topic classifier."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.topics import classify_topics, keyword_forms, load_taxonomy

REQUIRED_IDS = {"trade", "agriculture", "security", "human-rights", "technology", "diplomacy",
                "elections", "legal", "energy", "military", "health", "environment"}


@pytest.mark.parametrize(
    ("text", "must", "must_not"),
    [
        ("Chinese tariffs on canola imports", {"trade", "agriculture"}, {"legal"}),
        ("Carney met Xi Jinping in Beijing on Friday.", {"diplomacy"}, {"trade"}),
        ("The two leaders held a meeting on the sidelines.", {"diplomacy"}, set()),
        ("Police arrested the executive on a US warrant.", {"legal"}, {"diplomacy"}),
        ("She was arrested in Vancouver.", {"legal"}, set()),
        ("allegations of Chinese political interference in Canada", {"elections"}, set()),
        ("A public inquiry found limited impact on recent federal elections.", {"elections"}, set()),
        ("Huawei was barred from Canada's 5G networks.", {"technology"}, set()),
        ("Uyghur activists spoke about forced labour in Xinjiang.", {"human-rights"}, set()),
        ("CSIS warned of espionage by foreign agents.", {"security"}, set()),
        ("Troops and warships joined NATO drills.", {"military"}, set()),
        ("The WHO declared a pandemic.", {"health"}, set()),
        ("Who will pay for it?", set(), {"health"}),
        ("Emissions rose despite the climate pledge.", {"environment"}, set()),
        ("The pipeline will carry crude oil to the coast.", {"energy"}, set()),
        ("a trade war", {"trade"}, {"military"}),
        ("The cops arrived late.", set(), {"environment"}),
        ("The farmer's crop failed.", {"agriculture"}, set()),
        ("Chinese troops of the People's Liberation Army", {"military"}, set()),
        ("Markets fell as the central bank raised rates.", {"economy"}, set()),
        ("The marketing campaign was a hit.", set(), {"economy"}),
        ("", set(), REQUIRED_IDS),
    ],
)
def test_topics_classify_cases(text, must, must_not):
    topics = set(classify_topics(text))
    assert must <= topics
    assert not (must_not & topics)


def test_topics_result_is_sorted_tuple():
    result = classify_topics("Tariffs on canola hurt farmers; leaders met.")
    assert isinstance(result, tuple)
    assert list(result) == sorted(result)


@pytest.mark.parametrize(
    ("keyword", "word", "matches"),
    [("tariff", "tariffs", True), ("arrest", "arrested", True), ("meeting", "meetings", True),
     ("trade", "trading", True), ("levy", "levies", True), ("vote", "voted", True),
     ("detain", "detaining", True), ("WTO", "wto", False), ("WTO", "WTO", True),
     ("tariff", "tariffication", False), ("human rights", "human rights", True)],
)
def test_topics_keyword_inflections(keyword, word, matches):
    assert (word in keyword_forms(keyword)) is matches


def test_topics_taxonomy_has_required_ids():
    ids = {topic["id"] for topic in load_taxonomy()}
    assert REQUIRED_IDS <= ids


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_topics_any_text_never_raises(text):
    result = classify_topics(text)
    assert isinstance(result, tuple)
    assert set(result) <= {topic["id"] for topic in load_taxonomy()}
