"""Tests for the ``entities`` output (``entities_record`` in pipeline/cli_jsonl.py)."""
from __future__ import annotations

from pathlib import Path

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.cli_jsonl as cli_jsonl
from pipeline.cli_jsonl import entities_record
from pipeline.records import ActorMention

VALID_ISO3 = {c.alpha_3 for c in pycountry.countries}
ARTICLE = Path(__file__).resolve().parent.parent / "data" / "articles" / "carney-china.txt"


def test_entities_record_shape_and_order():
    out = entities_record({"doc_id": "d1", "text": "China and Canada met; Beijing said talks went well."})
    assert out["doc_id"] == "d1"
    assert out["countries"] == ["CHN", "CAN"]
    assert out["countries_with_actors"][:2] == ["CHN", "CAN"]
    assert [(m["text"], m["iso3"], m["kind"]) for m in out["mentions"]] == [
        ("China", "CHN", "name"), ("Canada", "CAN", "name"), ("Beijing", "CHN", "capital")]
    for m in out["mentions"]:
        assert set(m) == {"start", "end", "text", "iso3", "kind"}
    assert isinstance(out["actors"], list)


@pytest.mark.parametrize("text,countries", [
    ("Ottawa is eager to diversify trade.", ["CAN"]),          # a capital standing for its government
    ("A rally in Ankara drew crowds.", []),                    # a literal capital only locates
    ("The Kremlin denied the report.", ["RUS"]),               # a seat
    ("North American trade talks resumed.", []),
    ("Two Canadians were detained.", ["CAN"]),
])
def test_entities_record_document_countries(text, countries):
    assert entities_record({"doc_id": "x", "text": text})["countries"] == countries


def test_entities_record_sample_article():
    out = entities_record({"doc_id": "carney", "text": ARTICLE.read_text(encoding="utf-8")})
    assert out["countries"] == ["CAN", "CHN", "USA", "KOR"]
    assert set(out["countries"]) <= set(out["countries_with_actors"])
    assert "APEC" in out["regions"]
    kinds = {m["text"]: m["kind"] for m in out["mentions"]}
    assert kinds["Beijing"] == "capital" and kinds["Canadians"] == "demonym"
    assert "prairie" not in kinds


def test_entities_record_actors_feed_countries(monkeypatch):
    text = "Huawei and Premier Li Qiang, and Huawei again."
    fake = [ActorMention(0, 6, "Huawei", "Huawei", "org", "", "CHN"),
            ActorMention(11, 26, "Premier Li Qiang", "Li Qiang", "person", "Premier", "CHN"),
            ActorMention(32, 38, "Huawei", "Huawei", "org", "", "CHN"),
            ]
    monkeypatch.setattr(cli_jsonl, "tag_actors", lambda t: fake)
    out = entities_record({"doc_id": "a", "text": text})
    assert out["countries_with_actors"] == ["CHN"]
    assert out["countries"] == []     # no country is named in the text itself
    assert [a["name"] for a in out["actors"]] == ["Huawei", "Li Qiang"]       # deduplicated by name
    assert out["actors"][1] == {"name": "Li Qiang", "kind": "person", "role": "Premier", "iso3": "CHN"}
    assert [(m["text"], m["kind"]) for m in out["actor_mentions"]] == [
        ("Huawei", "org"), ("Premier Li Qiang", "person"), ("Huawei", "org")]
    assert out["mentions"] == []     # country mentions stay names, demonyms, capitals and seats


@pytest.mark.parametrize("doc", [{}, {"doc_id": "x"}, {"doc_id": "x", "text": None}, {"text": 5}, None, "text"])
def test_entities_record_bad_input(doc):
    out = entities_record(doc)
    assert out["countries"] == [] and out["countries_with_actors"] == [] and out["mentions"] == []
    assert out["actors"] == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_entities_record_property_valid_codes(text):
    out = entities_record({"doc_id": "p", "text": text})
    assert all(c in VALID_ISO3 for c in out["countries_with_actors"])
    assert set(out["countries"]) <= set(out["countries_with_actors"])
    assert len(out["countries"]) == len(set(out["countries"]))
