"""Every data file of the actor, topic, CAMEO and summit stages parses and holds valid codes."""
from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pycountry
import pytest
import yaml

from pipeline.geo_data import country_forms

DATA = Path(__file__).resolve().parent.parent / "data"
SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
CAMEO_CODE = re.compile(r"^\d{2,4}$")


def _rows(path: Path) -> list[dict[str, str]]:
    """CSV rows of ``path``, skipping comment lines that start with '#'."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.lstrip().startswith("#")))


def _valid_iso3(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code known to pycountry."""
    return pycountry.countries.get(alpha_3=code) is not None


def _cameo_codes() -> dict[str, float]:
    """The CAMEO code table of data/cameo/codes.csv."""
    return {row["code"]: float(row["goldstein"]) for row in _rows(DATA / "cameo" / "codes.csv")}


def test_data_files_cameo_codes_are_strings_unique_and_scored():
    rows = _rows(DATA / "cameo" / "codes.csv")
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == 311
    for row in rows:
        assert CAMEO_CODE.match(row["code"]), row
        assert row["label"].strip(), row
        assert -10.0 <= float(row["goldstein"]) <= 10.0, row
    # Every sub-code has its parent code in the table ("0841" -> "084" -> "08").
    for code in codes:
        if len(code) > 2:
            assert code[:-1] in codes or code[:2] in codes, code


def test_data_files_cameo_triggers_compile_and_point_at_known_codes():
    codes = _cameo_codes()
    rows = _rows(DATA / "cameo" / "triggers.csv")
    assert len(rows) > 50
    for row in rows:
        assert row["code"] in codes or row["code"] == "none", row
        compiled = re.compile(row["pattern"], re.IGNORECASE)
        # Capturing or named groups would break the combined alternation.
        assert compiled.groups == 0, row["pattern"]
        assert not compiled.match(""), row["pattern"]


CLAUSE_WORD_CLASSES = {"det", "poss", "pron", "be", "have", "do", "modal", "neg", "to", "prep", "conj", "sub",
                       "rel", "future", "adv", "role", "event", "noun"}
VERB_CLASSES = {"", "report", "copula", "light", "catenative", "intent"}
WORD = re.compile(r"^[a-z][a-z'’-]*\.?$")


def test_data_files_clause_words_have_known_classes():
    rows = _rows(DATA / "clauses" / "words.csv")
    assert len(rows) > 200
    pairs = [(row["word"], row["class"]) for row in rows]
    assert len(pairs) == len(set(pairs))
    for word, cls in pairs:
        assert WORD.match(word), word
        assert cls in CLAUSE_WORD_CLASSES, (word, cls)


def test_data_files_clause_verbs_have_forms_classes_and_nouns():
    rows = _rows(DATA / "clauses" / "verbs.csv")
    assert len(rows) > 300
    lemmas = [row["lemma"] for row in rows]
    assert len(lemmas) == len(set(lemmas))
    owner: dict[str, str] = {}
    for row in rows:
        assert WORD.match(row["lemma"]), row
        assert row["class"] in VERB_CLASSES, row
        for column in ("past", "participle", "s", "ing", "nouns"):
            for form in filter(None, row[column].split("|")):
                assert WORD.match(form), (row["lemma"], column, form)
        for noun in filter(None, row["nouns"].split("|")):
            # one event noun names one happening
            assert owner.setdefault(noun, row["lemma"]) == row["lemma"], noun


def test_data_files_cameo_verb_rows_point_at_known_codes_and_verbs():
    codes = _cameo_codes()
    lemmas = {row["lemma"] for row in _rows(DATA / "clauses" / "verbs.csv")}
    # an event noun without a verb ("the crackdown") is its own lemma
    lemmas |= {row["word"] for row in _rows(DATA / "clauses" / "words.csv") if row["class"] == "event"}
    rows = _rows(DATA / "cameo" / "verbs.csv")
    assert len(rows) > 150
    for row in rows:
        assert row["code"] in codes or row["code"] == "none", row
        assert row["lemma"] in lemmas, row   # the clause analyser must be able to find the verb or noun
        assert row["voice"] in {"", "active", "passive"}, row
        for column in ("subject", "args"):
            if row[column]:
                assert not re.compile(row[column], re.IGNORECASE).match(""), row
        assert row["note"] or row["code"] != "none" or row["args"] or row["subject"], row
    # Within a lemma, a row without conditions ends the list: rows after it could never fire.
    seen_default: set[str] = set()
    for row in rows:
        assert row["lemma"] not in seen_default, row
        if not (row["voice"] or row["subject"] or row["args"]):
            seen_default.add(row["lemma"])


def test_data_files_topic_ids_unique_slugs_across_every_taxonomy_file():
    files = sorted((DATA / "topics").glob("*.y*ml"))
    assert files
    ids: list[str] = []
    for path in files:
        topics = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(topics, list), path
        for topic in topics:
            assert SLUG.match(topic["id"]), topic["id"]
            assert topic["label"].strip()
            assert topic["keywords"] and all(isinstance(k, str) and k.strip() for k in topic["keywords"])
            assert all(isinstance(k, str) and k.strip() for k in topic.get("exact", []))
            ids.append(topic["id"])
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", ["leaders.csv", "people.csv"])
def test_data_files_people_have_valid_countries_and_terms(name):
    rows = _rows(DATA / "actors" / name)
    assert rows
    for row in rows:
        assert row["name"].strip() and row["role"].strip(), row
        assert row["iso3"] == "" or _valid_iso3(row["iso3"]), row
        start = date.fromisoformat(row["from"]) if row["from"] else None
        end = date.fromisoformat(row["to"]) if row["to"] else None
        if start and end:
            assert start < end, row


def test_data_files_leader_terms_do_not_overlap_for_one_person():
    terms: dict[tuple[str, str], list[tuple[date, date]]] = {}
    for row in _rows(DATA / "actors" / "leaders.csv"):
        start = date.fromisoformat(row["from"])
        end = date.fromisoformat(row["to"]) if row["to"] else date.max
        terms.setdefault((row["name"], row["iso3"]), []).append((start, end))
    for key, spans in terms.items():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert end <= start, key


def test_data_files_orgs_valid():
    orgs = _rows(DATA / "actors" / "orgs.csv")
    assert len({row["name"] for row in orgs}) == len(orgs)
    for row in orgs:
        assert row["iso3"] == "" or _valid_iso3(row["iso3"]), row
        assert row["type"].strip(), row


def test_data_files_actor_role_cue_countries_are_gazetteer_countries():
    # The actor tagger keeps no country list of its own: its lexicon names the countries whose
    # gazetteer forms are role cues, and the forms it leaves out.
    lexicon = yaml.safe_load((DATA / "actors" / "lexicon.yaml").read_text(encoding="utf-8"))
    countries = lexicon["role_cue_countries"]
    assert len(countries) == len(set(countries)) > 50
    assert all(_valid_iso3(code) for code in countries)
    assert not (DATA / "actors" / "countries.csv").exists()
    forms = country_forms()
    listed = {surface: iso3 for kind in ("name", "capital", "seat", "demonym")
              for surface, iso3 in forms[kind].items()}
    for code in countries:
        kinds = {kind for kind in ("name", "demonym") if code in forms[kind].values()}
        assert kinds == {"name", "demonym"}, code
    # Every left-out form is a form of a listed country, or the entry would do nothing.
    for surface in lexicon["not_role_cues"]:
        assert listed.get(surface) in countries, surface


def test_data_files_actor_aliases_point_at_one_actor():
    owner: dict[str, str] = {}
    for name in ("leaders.csv", "people.csv", "orgs.csv"):
        for row in _rows(DATA / "actors" / name):
            for alias in [row["name"], *row["aliases"].split(";")]:
                alias = alias.strip()
                if alias:
                    assert owner.setdefault(alias, row["name"]) == row["name"], alias


def test_data_files_actor_lexicon_lists():
    lexicon = yaml.safe_load((DATA / "actors" / "lexicon.yaml").read_text(encoding="utf-8"))
    for key in ("titles", "honorifics", "role_nouns", "former_words", "leader_roles",
                "group_references", "surname_first", "stopwords", "namesake_roles", "org_words",
                "role_cue_countries", "not_role_cues"):
        assert lexicon[key] and all(isinstance(w, str) and w.strip() for w in lexicon[key]), key
    assert set(lexicon["leader_roles"]) <= set(lexicon["titles"])


def test_data_files_summits_valid():
    rows = _rows(DATA / "knowledge" / "summits.csv")
    assert len(rows) > 150
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert row["series"] in {"APEC", "G7", "G20", "NATO", "BRICS", "ASEAN", "COP", "UNGA"}
        assert _valid_iso3(row["host_iso3"]), row
        start, end = date.fromisoformat(row["start_date"]), date.fromisoformat(row["end_date"])
        assert start <= end and (end - start).days <= 14, row
        assert int(row["year"]) == start.year, row
        assert row["status"] in {"held", "virtual", "cancelled", "scheduled"}, row
        assert row["confidence"] in {"high", "medium", "low"}, row
        assert row["name"].strip() and row["city"].strip(), row


def test_data_files_summits_keep_the_reference_rows():
    reference = {("APEC", "2025"): ("KOR", "2025-10-31", "2025-11-01"),
                 ("G7", "2025"): ("CAN", "2025-06-15", "2025-06-17"),
                 ("G20", "2026"): ("USA", "2026-12-14", "2026-12-15")}
    rows = {(row["series"], row["year"]): (row["host_iso3"], row["start_date"], row["end_date"])
            for row in _rows(DATA / "knowledge" / "summits.csv")}
    for key, value in reference.items():
        assert rows[key] == value


def test_data_files_cameo_triggers_start_on_a_word():
    from pipeline.cameo import _LETTERS, _row_first_chars
    for row in _rows(DATA / "cameo" / "triggers.csv"):
        # The scan tries rows only at word starts, so a row must begin with a letter or digit.
        assert _row_first_chars(row["pattern"]) <= _LETTERS, row["pattern"]
