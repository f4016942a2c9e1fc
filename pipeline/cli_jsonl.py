"""The JSONL records of the ``timex`` and ``entities`` commands (the evaluation formats).

Each function takes one decoded input line and returns the output line as a dict; the command
line (pipeline/cli.py) reads and writes the lines and reports bad ones.
"""
from __future__ import annotations

from datetime import date

from pipeline.actors import tag_actors
from pipeline.geo import is_metonymic, tag_countries, tag_regions
from pipeline.timex import tag_timexes


def timex_record(doc: dict) -> dict:
    """Tag one JSON document {"doc_id", "dct", "text"} -> {"doc_id", "timexes": [...]}."""
    text = doc.get("text") or ""
    try:
        dct = date.fromisoformat(str(doc.get("dct"))[:10])
    except (ValueError, TypeError):
        dct = date.today()
    out = []
    for t in tag_timexes(text if isinstance(text, str) else str(text), dct):
        row = {"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}
        if t.mod:
            row["mod"] = t.mod
        out.append(row)
    return {"doc_id": doc.get("doc_id"), "timexes": out}


def entities_record(doc: dict) -> dict:
    """Tag one ``{"doc_id", "text"}`` record with its countries, mentions, regions and actors."""
    text = doc.get("text") if isinstance(doc, dict) else None
    if not isinstance(text, str):
        text = ""
    doc_id = doc.get("doc_id", "") if isinstance(doc, dict) else ""
    geo = tag_countries(text)
    mentions = [{"start": g.start, "end": g.end, "text": g.text, "iso3": g.iso3, "kind": g.kind}
                for g in geo]
    # A capital counts for the document when it stands for its government ("Beijing said");
    # "a rally in London" only locates the story.
    doc_geo = [g.iso3 for g in geo if g.kind in ("name", "demonym") or is_metonymic(text, g)]
    actors: list[dict] = []
    actor_mentions: list[dict] = []
    seen: set[str] = set()
    for a in tag_actors(text):
        if a.iso3:
            # People and organisations stand for their country ("Huawei" -> CHN), but they are
            # kept apart from the country mentions: they are not names of the country.
            actor_mentions.append({"start": a.start, "end": a.end, "text": a.text, "iso3": a.iso3,
                                   "kind": "person" if a.kind == "person" else "org"})
        if a.name not in seen:
            seen.add(a.name)
            actors.append({"name": a.name, "kind": a.kind, "role": a.role, "iso3": a.iso3})
    # "countries" lists the countries the text names (what the country-tagging gold scores);
    # "countries_with_actors" adds the countries of the people and organisations named
    # ("Huawei" -> CHN), which such gold counts as false positives.
    countries = list(dict.fromkeys(doc_geo))
    with_actors = list(dict.fromkeys(doc_geo + [m["iso3"] for m in actor_mentions]))
    return {
        "doc_id": doc_id,
        "countries": countries,
        "countries_with_actors": with_actors,
        "mentions": mentions,
        "actor_mentions": actor_mentions,
        "regions": sorted({r.region for r in tag_regions(text)}),
        "actors": actors,
    }
