"""Tests for the country tagger (pipeline/geo.py) and its data files (data/geo)."""
from __future__ import annotations

import csv
from pathlib import Path

import countrynames
import pycountry
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.geo import city_countries, is_metonymic, tag_countries, tag_regions
from pipeline.geo_data import DATA_DIR, cities, country_forms, gazetteer, pycountry_names, trie_regex

VALID_ISO3 = {c.alpha_3 for c in pycountry.countries}


def found(text: str) -> list[tuple[str, str]]:
    """(surface, iso3) pairs the tagger finds in ``text``."""
    return [(m.text, m.iso3) for m in tag_countries(text)]


def codes(text: str) -> set[str]:
    """The set of ISO3 codes found in ``text``."""
    return {m.iso3 for m in tag_countries(text)}


# --- what must be found -------------------------------------------------------------------

MUST_FIND = [
    ("The U.S. and China agreed on tariffs.", [("U.S.", "USA"), ("China", "CHN")]),
    ("Talks between the US and the UK resumed.", [("US", "USA"), ("UK", "GBR")]),
    ("America First was his slogan in America.", [("America", "USA"), ("America", "USA")]),
    ("Britain and Great Britain are the same.", [("Britain", "GBR"), ("Great Britain", "GBR")]),
    ("Two Canadians were detained by Chinese authorities.", [("Canadians", "CAN"), ("Chinese", "CHN")]),
    ("A Briton and a Dutch sailor met a Filipino fisherman.",
     [("Briton", "GBR"), ("Dutch", "NLD"), ("Filipino", "PHL")]),
    ("The U.S.A. team beat Holland.", [("U.S.A.", "USA"), ("Holland", "NLD")]),
    ("Burma, also called Myanmar, borders Laos.", [("Burma", "MMR"), ("Myanmar", "MMR"), ("Laos", "LAO")]),
    ("Ivory Coast and Côte d'Ivoire and Cote d’Ivoire.",
     [("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"), ("Cote d’Ivoire", "CIV")]),
    ("The Czech Republic, or Czechia, joined.", [("Czech Republic", "CZE"), ("Czechia", "CZE")]),
    ("South Korea and North Korea met in Taiwan's strait.",
     [("South Korea", "KOR"), ("North Korea", "PRK"), ("Taiwan", "TWN")]),
    ("Palestine and the Palestinian Authority.", [("Palestine", "PSE"), ("Palestinian", "PSE")]),
    ("Papua New Guinea, Guinea-Bissau and Equatorial Guinea voted with Guinea.",
     [("Papua New Guinea", "PNG"), ("Guinea-Bissau", "GNB"), ("Equatorial Guinea", "GNQ"), ("Guinea", "GIN")]),
    ("Niger and Nigeria share a border.", [("Niger", "NER"), ("Nigeria", "NGA")]),
    ("The Democratic Republic of Congo and the Republic of the Congo.",
     [("Democratic Republic of Congo", "COD"), ("Republic of the Congo", "COG")]),
    ("Fighting in eastern Congo near Goma worsened.", [("Congo", "COD")]),
    ("Congo's president spoke in Brazzaville.", [("Congo", "COG"), ("Brazzaville", "COG")]),
    ("Ankara and Turkey's ally Azerbaijan.", [("Ankara", "TUR"), ("Turkey", "TUR"), ("Azerbaijan", "AZE")]),
    ("King Abdullah of Jordan met Israeli officials in Amman.",
     [("Jordan", "JOR"), ("Israeli", "ISR"), ("Amman", "JOR")]),
    ("Russian troops entered Georgia, and Tbilisi appealed to the West.",
     [("Russian", "RUS"), ("Georgia", "GEO"), ("Tbilisi", "GEO")]),
    ("Chad's army, backed by France, pushed into Niger.",
     [("Chad", "TCD"), ("France", "FRA"), ("Niger", "NER")]),
    ("Beijing said Ottawa must act, while Washington stayed silent.",
     [("Beijing", "CHN"), ("Ottawa", "CAN"), ("Washington", "USA")]),
    ("The Kremlin, the White House and Downing Street all reacted.",
     [("Kremlin", "RUS"), ("White House", "USA"), ("Downing Street", "GBR")]),
    ("Türkiye and Turkiye and Turkey.", [("Türkiye", "TUR"), ("Turkiye", "TUR"), ("Turkey", "TUR")]),
    ("The Russian Foreign Ministry summoned the German ambassador.", [("Russian", "RUS"), ("German", "DEU")]),
    ("German Chancellor Angela Merkel spoke.", [("German", "DEU")]),
    ("The rally in London drew crowds, British police said.", [("London", "GBR"), ("British", "GBR")]),
    ("A Dublin woman was hurt in a crash in Dublin, Ohio.", []),
    ("He flew from Sri Lanka to the Philippines via the UAE.",
     [("Sri Lanka", "LKA"), ("Philippines", "PHL"), ("UAE", "ARE")]),
    ("Pro-Russian separatists and US-led forces.", [("Russian", "RUS"), ("US", "USA")]),
    ("Moscow's decision angered Kyiv.", [("Moscow", "RUS"), ("Kyiv", "UKR")]),
    ("The U.S. Department of Health and the U.S. Census Bureau reported.", [("U.S.", "USA"), ("U.S.", "USA")]),
    ("The Kenya Medical Practitioners Union and Kenyan doctors.", [("Kenyan", "KEN")]),
    ("MOSCOW (Reuters) - Russia said on Monday it would respond.", [("MOSCOW", "RUS"), ("Russia", "RUS")]),
    ("TBILISI, Georgia -- Georgian police arrested opposition members.", [("TBILISI", "GEO"), ("Georgia", "GEO"), ("Georgian", "GEO")]),
    ("Sino-US ties and Franco-German talks.", [("Sino", "CHN"), ("US", "USA"), ("Franco", "FRA"), ("German", "DEU")]),
    ("Korean state media said Pyongyang fired a missile.", [("Korean", "PRK"), ("Pyongyang", "PRK")]),
    ("Korean exports rose, Seoul said.", [("Korean", "KOR"), ("Seoul", "KOR")]),
    ("Chinese Taipei won gold.", [("Chinese Taipei", "TWN")]),
    ("The United States and Soviet Union conferred.", [("United States", "USA")]),
    ("the border opposite the Thai province of Surin", [("Thai", "THA")]),
    ("NAIROBI, Kenya (AP) - The ambassador told Kenya Television that Kenya would cooperate.",
     [("NAIROBI", "KEN"), ("Kenya", "KEN"), ("Kenya", "KEN"), ("Kenya", "KEN")]),
    ("Real Madrid beat a team from Madrid's rival Spain.", [("Madrid", "ESP"), ("Spain", "ESP")]),
    ("Israel and Syria held talks; on TV, a dunk by Michael\n            Jordan.", [("Israel", "ISR"), ("Syria", "SYR")]),
    ("Scotland, Wales and Northern Ireland are in the U.K.",
     [("Scotland", "GBR"), ("Wales", "GBR"), ("Northern Ireland", "GBR"), ("U.K.", "GBR")]),
]


@pytest.mark.parametrize("text,expected", MUST_FIND)
def test_geo_finds_names_aliases_demonyms_capitals_seats(text, expected):
    assert found(text) == expected


# --- what must not be found ---------------------------------------------------------------

MUST_NOT_FIND = [
    "Let us go to the store; it is as good as new.",
    "She set the table with her best china and a roast turkey.",
    "Prairie farmers met to discuss canola.",
    "North American trade talks and Latin American markets; South America and the Americas.",
    "New Mexico and New England are not countries, and neither is Indiana.",
    "Michael Jordan scored 40 points. Jordan later retired.",
    "Mr. Jordan said the Jordan River was low.",
    "Coach Chad Walker praised Chad Boyer.",
    "The guinea pig and the Guinea pig club.",
    "Lebanon, Pa., police said the Lebanon County fire was contained.",
    "He lives in Paris, Texas, and works in Athens, Ga.",
    "The American Red Cross and the American Heart Association held a drive.",
    "She speaks French and learned Spanish; her French class starts Monday.",
    "We ate Mexican food and Polish sausage at the Italian restaurant.",
    "The Turkey Trot and the Thanksgiving turkey dinner.",
    "Take US 1 north, then US-24 east.",
    "Canada geese landed near the Indian reservation.",
    "Georgia Stevens, 9, skates. Georgia began skating at four.",
    "The Georgia Legislature met in Atlanta, Georgia, and north Georgia voters agreed.",
    "Anglo-American settlers and African-American leaders.",
    "GOD BLESS US ALL",
    "The Guernsey County Sheriff's Office responded.",
    "the city of Turkey, Texas, held its festival",
    "Georgia's newest utility regulator faces ethics fines.",
    "Chad Foster and Jordan Smith scored; Chad was named captain.",
    "United Russia won the regional vote.",
    "ATHENS - The Clarke County school board met Tuesday; county commissioners agreed.",
    "General Franco ruled for decades; Sino was a word.",
    "Tension on the Korean Peninsula rose.",
    "Ms. French said the budget passed. Monica French is the treasurer.",
]


@pytest.mark.parametrize("text", MUST_NOT_FIND)
def test_geo_does_not_find_false_countries(text):
    assert found(text) == []


def test_geo_us_local_news_keeps_georgia_the_state_out():
    text = ("ATLANTA -- Gov. Sonny Perdue signed the bill on Tuesday. Georgia ranks first in "
            "peanut production, and Fulton County officials welcomed the news.")
    assert "GEO" not in codes(text)


def test_geo_country_georgia_with_caucasus_cues():
    text = "Georgia accused Russia of bombing Gori. Saakashvili asked for help."
    assert "GEO" in codes(text)


def test_geo_lebanon_country_vs_us_town():
    assert "LBN" in codes("Israel and Hezbollah fought in southern Lebanon; Beirut was hit.")
    assert "LBN" not in codes("The service is at 400 S. Locust St., Lebanon. Jane Doe of Lebanon survives her.")


def test_geo_capital_in_us_town_without_country_is_dropped():
    text = "A Dublin woman was hurt in a crash in Dublin on Route 33, Franklin County deputies said."
    assert codes(text) == set()


def test_geo_mentions_are_exact_spans():
    text = "Officials in Ottawa and Canada's prairie provinces."
    for m in tag_countries(text):
        assert text[m.start:m.end] == m.text


def test_geo_names_across_line_breaks_and_nbsp():
    text = "the United\n            States and South\u00a0Korea, not Latin\nAmerica"
    assert [(m.iso3, m.text) for m in tag_countries(text)] == [
        ("USA", "United\n            States"), ("KOR", "South\u00a0Korea")]
    assert [r.region for r in tag_regions("the European\nUnion")] == ["EU"]


@pytest.mark.parametrize("text,kind", [
    ("Beijing said it would retaliate.", "capital"),
    ("The Kremlin denied it.", "seat"),
    ("Chinese tariffs hurt canola.", "demonym"),
    ("China and Canada.", "name"),
])
def test_geo_mention_kinds(text, kind):
    assert tag_countries(text)[0].kind == kind


@pytest.mark.parametrize("text,metonymic", [
    ("Beijing said it would retaliate.", True),
    ("relations with Beijing were strained", True),
    ("Moscow's decision was criticised.", True),
    ("The rally in Ankara drew crowds.", False),
    ("He flew to Nairobi on Monday.", False),
    ("The White House declined to comment.", True),
    ("Delhi and Islamabad traded accusations.", True),
    ("Flights between Ankara and Cairo resumed.", False),
    ("talks between Ottawa and Beijing", True),
    ("A crash in Ankara has sent two people to hospital.", False),
])
def test_geo_is_metonymic(text, metonymic):
    m = tag_countries(text)[0]
    assert is_metonymic(text, m) is metonymic


def test_geo_metonymy_spreads_along_a_list():
    text = "relations with Beijing, Washington and Tokyo"
    assert [is_metonymic(text, m) for m in tag_countries(text)] == [True, True, True]


# --- regions ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("The EU and the European Union are one.", ["EU", "EU"]),
    ("APEC leaders met after the G20 and the G-7.", ["APEC", "G20", "G7"]),
    ("NATO allies and Nato ministers", ["NATO", "NATO"]),
    ("ASEAN and BRICS summits", ["ASEAN", "BRICS"]),
    ("the Group of Seven and the Group of 20", ["G7", "G20"]),
    ("The UN Security Council", ["UN"]),
    ("Europe and Asia are continents; the euro rose.", []),
    ("apec and nato in lowercase are not matched", []),
])
def test_geo_regions(text, expected):
    assert [r.region for r in tag_regions(text)] == expected


def test_geo_regions_do_not_leak_into_countries():
    assert found("The European Union and NATO met in Brussels.") == [("Brussels", "BEL")]


# --- robustness ---------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["", " ", "\x00\x01", "🇺🇸🇨🇳", "U.S" * 1000, "(" * 500 + "China",
                                 "Jordan" * 200, "\n\n\nGeorgia\n", "ÄÖÜ Türkiye ß", None, 42,
                                 "relations with " + "Beijing, " * 3000 + "and Tokyo said"])
def test_geo_bad_input_is_harmless(bad):
    out = tag_countries(bad)
    assert isinstance(out, list)
    assert all(m.iso3 in VALID_ISO3 for m in out)
    assert isinstance(tag_regions(bad), list)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
       | st.lists(st.sampled_from(["US", "us", "China", "Georgia", "Jordan", ", Pa.", " ", "Mr.",
                                   "Lebanon", "Turkey", "dinner", "Michael", "\n", "the", "of",
                                   "American", "Red", "Cross", "Paris", "Kremlin", "said", "'s"]),
                  max_size=40).map(" ".join))
def test_geo_property_any_text_gives_valid_codes(text):
    out = tag_countries(text)
    for m in out:
        assert m.iso3 in VALID_ISO3
        assert text[m.start:m.end] == m.text
        assert m.kind in ("name", "demonym", "capital", "seat")
    for r in tag_regions(text):
        assert text[r.start:r.end] == r.text


# --- data files ---------------------------------------------------------------------------

def _csv_codes(name: str) -> list[tuple[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    rows = list(csv.reader(lines))
    assert rows[0] == ["iso3", rows[0][1]]
    return [(r[0], r[1]) for r in rows[1:]]


@pytest.mark.parametrize("name", ["aliases.csv", "capitals.csv", "seats.csv", "combining_forms.csv", "cities.csv"])
def test_geo_data_csv_parses_with_valid_codes(name):
    rows = _csv_codes(name)
    assert rows
    for iso3, surface in rows:
        assert iso3 in VALID_ISO3, (name, iso3, surface)
        assert surface.strip() == surface and surface


def test_geo_data_demonyms_valid_codes():
    with (DATA_DIR / "demonyms.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert len(data) > 150
    for iso3, forms in data.items():
        assert iso3 in VALID_ISO3, iso3
        assert forms and all(isinstance(x, str) and x for x in forms)


def test_geo_data_context_and_regions_parse():
    ctx = gazetteer().context
    for key in ("titles", "person_capable", "org_heads", "us_states", "us_place_names", "country_cues"):
        assert ctx[key]
    for iso3 in ctx["country_cues"]:
        assert iso3 in VALID_ISO3
    with (DATA_DIR / "regions.yaml").open(encoding="utf-8") as f:
        regions = yaml.safe_load(f)
    assert {"EU", "ASEAN", "APEC", "G7", "G20", "NATO", "BRICS"} <= set(regions)


def test_geo_data_has_no_conflicting_codes():
    gaz = gazetteer()
    assert gaz.conflicts == []
    assert all(e.iso3 in VALID_ISO3 for e in gaz.entries.values() if e.kind != "block")


def test_geo_every_pycountry_country_is_reachable():
    # Every ISO country has at least one surface form the tagger knows.
    known = {e.iso3 for e in gazetteer().entries.values()}
    missing = VALID_ISO3 - known
    assert missing == set()


@pytest.mark.parametrize("alias,iso3", [
    ("Britain", "GBR"), ("Holland", "NLD"), ("Burma", "MMR"), ("Ivory Coast", "CIV"),
    ("Czechia", "CZE"), ("South Korea", "KOR"), ("North Korea", "PRK"), ("Taiwan", "TWN"),
    ("Chinese", "CHN"), ("British", "GBR"), ("Swaziland", "SWZ"), ("East Timor", "TLS"),
])
def test_geo_aliases_agree_with_countrynames(alias, iso3):
    # The curated aliases agree with the maintained countrynames package where it knows them.
    assert gazetteer().entries[alias].iso3 == iso3
    assert countrynames.to_code_3(alias) == iso3


def test_geo_curated_names_agree_with_countrynames_when_known():
    # Cross-check every curated alias with countrynames; it may not know a form, but it must
    # never map one to a different country.
    disagreements = []
    for iso3, alias in _csv_codes("aliases.csv"):
        other = countrynames.to_code_3(alias, fuzzy=False)
        if other and "-" in other:
            # A subdivision ("GB-SCT" for Scotland) counts as its country.
            other = pycountry.countries.get(alpha_2=other.split("-")[0]).alpha_3
        if other and other != iso3:
            disagreements.append((alias, iso3, other))
    assert disagreements == []


def test_geo_pycountry_names_are_plain():
    names = pycountry_names()
    assert ("USA", "United States") in names
    assert all("," not in n for _, n in names)


def test_geo_trie_regex_prefers_longest():
    import re
    pat = re.compile(r"(?<!\w)(?:" + trie_regex(["Guinea", "Guinea-Bissau", "Equatorial Guinea"]) + r")(?!\w)")
    assert [m.group(0) for m in pat.finditer("Guinea-Bissau, Guinea, Equatorial Guinea")] == [
        "Guinea-Bissau", "Guinea", "Equatorial Guinea"]


def test_geo_loader_reads_every_data_file_of_the_repo_and_no_other(monkeypatch):
    # The files the gazetteer opens are exactly the files of the repository's data/geo (none
    # missing, none left unused), each non-empty; the tables built from them have their shape.
    repo = Path(__file__).resolve().parent.parent
    opened: list[Path] = []
    real_open = Path.open

    def spy(self, *args, **kwargs):
        opened.append(self.resolve())
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    gaz = gazetteer.__wrapped__()     # a fresh load, not the cached one
    cities.__wrapped__()              # (the cities that place events, loaded on their own)
    monkeypatch.undo()
    read = {p for p in opened if p.is_relative_to(repo)}
    assert read == {p.resolve() for p in (repo / "data" / "geo").iterdir() if p.is_file()}
    assert all(p.stat().st_size > 0 for p in read)
    kinds = {e.kind for e in gaz.entries.values()}
    assert kinds == {"name", "demonym", "capital", "seat", "combining", "block"}
    assert len(gaz.entries) > 1500 and gaz.conflicts == []
    assert len(set(gaz.regions.values())) >= 7 and gaz.region_pattern.pattern
    forms = country_forms()
    assert set(forms) == {"name", "demonym", "capital", "seat", "combining"}
    for kind, table in forms.items():
        assert table, kind
        for surface, iso3 in table.items():
            assert iso3 in VALID_ISO3, (kind, surface)
            assert surface in gaz.entries, (kind, surface)


def test_geo_data_text_lists_parse():
    names = {n for _, n in pycountry_names()}
    with (DATA_DIR / "excluded_names.txt").open(encoding="utf-8") as f:
        excluded = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    # Every excluded name is one pycountry would otherwise give (or the bare "Congo").
    assert all(n in names or n == "Congo" or n in {c.name for c in pycountry.countries} for n in excluded)
    with (DATA_DIR / "not_countries.txt").open(encoding="utf-8") as f:
        blocked = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    assert len(blocked) == len(set(blocked))
    assert all(gazetteer().entries[b].kind == "block" for b in blocked)


def test_geo_data_reassign_rules_use_valid_codes():
    for rule in gazetteer().context["reassign"]:
        assert rule["from"] in VALID_ISO3 and rule["to"] in VALID_ISO3
        assert rule["surfaces"] and rule["cues"]


# Where the curated demonyms knowingly differ from countrynames: "Dominican" in news is nearly
# always the Dominican Republic (Dominica shares the word); "Mauritian" is Mauritius's demonym
# (countrynames maps it to Mauritania).
DEMONYM_EXCEPTIONS = {("Dominican", "DOM"), ("Mauritian", "MUS")}


def test_geo_demonyms_agree_with_countrynames_when_known():
    with (DATA_DIR / "demonyms.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    checked, disagreements = 0, []
    for iso3, forms in data.items():
        for form in forms:
            other = countrynames.to_code_3(form)
            if not other:
                continue
            if "-" in other:
                other = pycountry.countries.get(alpha_2=other.split("-")[0]).alpha_3
            checked += 1
            if other != iso3 and (form, iso3) not in DEMONYM_EXCEPTIONS:
                disagreements.append((form, iso3, other))
    assert checked > 150          # the cross-check covers most of the list
    assert disagreements == []


def test_geo_prev_word_reads_backwards_as_the_pattern_reads_forwards():
    """``_prev_word`` reads the reversed window; it finds what ``_PREV_WORD`` searching the window
    finds, at every position of real and of random text (spaces, tabs, newlines, periods,
    apostrophes, digits, accents)."""
    import random
    from pipeline.geo import _PREV_WORD, _WINDOW, _prev_word

    def by_pattern(text: str, start: int) -> str:
        m = _PREV_WORD.search(text, max(0, start - _WINDOW), start)
        return m.group(1) if m else ""

    rnd = random.Random(7)
    articles = Path(__file__).resolve().parent.parent / "data" / "articles"
    texts = [path.read_text(encoding="utf-8")[:3000] for path in sorted(articles.glob("*.txt"))[:4]]
    texts += ["".join(rnd.choice("ab Z9_.'\u2019-\n\t\r,\u00e9") for _ in range(rnd.randint(0, 90))) for _ in range(400)]
    texts += ["Mr. Jordan", "said \n\nJordan", "J. Jordan", "word \n", "word\n\n", "a.b Jordan", "9abc Jordan"]
    for text in texts:
        for start in range(len(text) + 1):
            assert _prev_word(text, start) == by_pattern(text, start), (text[max(0, start - 20):start], start)


@pytest.mark.parametrize(("text", "expected"), [
    ("Government forces shelled the city of Homs on Friday.", ("SYR",)),
    ("Rebels moved from Benghazi toward Sirte.", ("LBY",)),
    ("Flights between Sao Paulo and Montréal, and between São Paulo and Montreal.", ("BRA", "CAN")),
    ("The Aleppo-based group", ()),          # part of a compound word: not a place named
    ("Homsworth and homs are not cities.", ()),
    ("New\nOrleans braced for the storm.", ("USA",)),
    # an American namesake, told by its state
    ("He appeared before a federal court in Alexandria, Virginia, on Friday.", ()),
    ("Protests spread to Alexandria, Egypt's second city.", ("EGY",)),
])
def test_geo_city_countries(text, expected):
    assert city_countries(text) == expected


def test_geo_cities_are_not_country_mentions_and_not_capitals():
    """A city places a happening; it never counts as a mention of its country, and a capital
    (which does, as metonymy) is not listed twice."""
    assert tag_countries("Government forces shelled Homs and Aleppo.") == []
    capitals = {surface for _, surface in _csv_codes("capitals.csv")}
    cities = {surface for _, surface in _csv_codes("cities.csv")}
    assert not capitals & cities

