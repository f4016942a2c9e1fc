"""The ``entities`` output: countries, their mentions and the actors named in one document."""
from __future__ import annotations

from pipeline.actors import tag_actors
from pipeline.geo import is_metonymic, tag_countries, tag_regions

# Mention kinds that name the country itself (the rest come from people and organisations).
GEO_KINDS = ("name", "demonym", "capital", "seat")


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
