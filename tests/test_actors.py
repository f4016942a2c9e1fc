"""Tests for the actor tagger."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.actors import load_actors, tag_actors
from pipeline.records import ActorMention

SEED = (Path(__file__).resolve().parent.parent / "data" / "articles" / "carney-china.txt")


def _actors(text: str, **kwargs) -> dict[str, tuple[str, str, str]]:
    """Canonical name -> (kind, role, iso3) of every actor found in ``text``."""
    return {m.name: (m.kind, m.role, m.iso3) for m in tag_actors(text, **kwargs)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Seed article phrasings.
        ("Canadian Prime Minister Mark Carney is travelling to China.",
         {"Mark Carney": ("person", "Prime Minister", "CAN")}),
        ("Carney is scheduled to meet Premier Li Qiang on Thursday.",
         {"Mark Carney": ("person", "Prime Minister", "CAN"),
          "Li Qiang": ("person", "Premier", "CHN")}),
        ("He met Zhao Leji, chairman of China's top legislative body, on Thursday.",
         {"Zhao Leji": ("person", "Chairman", "CHN")}),
        ("a one-on-one meeting with President Xi Jinping on Friday",
         {"Xi Jinping": ("person", "President", "CHN")}),
        ("Former diplomat Colin Robertson says Canada is pursuing its own interests.",
         {"Colin Robertson": ("person", "former diplomat", "")}),
        ("Canada's arrest of Huawei executive Meng Wanzhou on a US warrant.",
         {"Huawei": ("org", "", "CHN"), "Meng Wanzhou": ("person", "Huawei executive", "CHN")}),
        # Cues of other kinds.
        ("Agriculture Minister Marie-Claude Bibeau said so.",
         {"Marie-Claude Bibeau": ("person", "Agriculture Minister", "")}),
        ("Analyst Jane Doe, a fellow at the institute, said the trip matters.",
         {"Jane Doe": ("person", "analyst", "")}),
        ("Jane Roe, Canada's ambassador to Beijing, left.",
         {"Jane Roe": ("person", "Ambassador", "CAN")}),
        ("Senator Smith said nothing. Smith later left.",
         {"Smith": ("person", "Senator", "")}),
        ("U.S. President Donald Trump imposed tariffs.",
         {"Donald Trump": ("person", "President", "USA")}),
        ("Former prime minister Stephen Harper spoke.",
         {"Stephen Harper": ("person", "former Prime Minister", "CAN")}),
        ("Chinese Foreign Minister Wang Yi said Ottawa must change course.",
         {"Wang Yi": ("person", "Foreign Minister", "CHN")}),
        ("Ursula von der Leyen met Xi.",
         {"Ursula von der Leyen": ("person", "President of the European Commission", ""),
          "Xi Jinping": ("person", "President", "CHN")}),
        ("China's president Xi Jinping said.", {"Xi Jinping": ("person", "President", "CHN")}),
        ("Justice Minister David Lametti said.",
         {"David Lametti": ("person", "Justice Minister", "")}),
        ("British Columbia Finance Minister Michael de Jong said.",
         {"Michael de Jong": ("person", "British Columbia Finance Minister", "")}),
        ("Former minister Anne McLellan of Edmonton spoke.",
         {"Anne McLellan": ("person", "former Minister", "")}),
        ("President Tayyip Erdogan spoke.",
         {"Recep Tayyip Erdoğan": ("person", "President", "TUR")}),
        # Namesakes of leaders keep no file country.
        ("Lawyer John Lee said so.", {"John Lee": ("person", "lawyer", "")}),
        ("Attorney General Abbott's office said.", {"Abbott": ("person", "Attorney General", "")}),
        # A country after "for" followed by more capitalised words is an organisation's name.
        ("said Phil Hartley, an attorney for the Georgia School Boards Association.",
         {"Phil Hartley": ("person", "attorney", "")}),
        ("Doctors at Toronto General Hospital Transplant Clinic said.", {}),
        ("He appears Thursday in General Sessions Court.", {}),
        ("According to Trooper Matt Blair, the car skidded.",
         {"Matt Blair": ("person", "Trooper", "")}),
        ("Hege and a partner, Sgt. Mark Dunakin, were shot.",
         {"Mark Dunakin": ("person", "Sgt.", "")}),
        ("Write to the Attorney General, Crime Victims Services Division.", {}),
        ("East Bank Mayor Chuck Blair said the road is closed. Blair said so.",
         {"Chuck Blair": ("person", "Mayor", "")}),
        ("Bush's spokeswoman, Kristy Campbell, denied it. Spokeswoman Kristy Campbell added more.",
         {"Kristy Campbell": ("person", "Spokeswoman", "")}),
        ("Beijing's envoy, Wang Di, met officials.",
         {"Wang Di": ("person", "Envoy", "CHN")}),
        ("Carney, Xi and Li met.", {"Mark Carney": ("person", "Prime Minister", "CAN"),
                                    "Xi Jinping": ("person", "President", "CHN")}),
        ("said Texas Department of Transportation representative Richard Harper. Harper added.",
         {"Richard Harper": ("person", "Representative", "")}),
        ("Campbell Paterson, a national security expert, said.", {}),
        # Organisations: acronyms only as written; intergovernmental ones have no country.
        ("The RCMP and CSIS briefed the FBI.",
         {"Royal Canadian Mounted Police": ("org", "", "CAN"),
          "Canadian Security Intelligence Service": ("org", "", "CAN"),
          "Federal Bureau of Investigation": ("org", "", "USA")}),
        ("The WHO said who would go; NATO and the WTO met.",
         {"World Health Organization": ("org", "", ""), "NATO": ("org", "", ""),
          "World Trade Organization": ("org", "", "")}),
        ("Zhao Leji heads the National People's Congress.",
         {"Zhao Leji": ("person", "Chairman of the NPC Standing Committee", "CHN"),
          "National People's Congress": ("org", "", "CHN")}),
        # An Arabic name's article joined by a hyphen belongs to the name.
        ("Syrian President Bashar al-Assad met Iraqi Prime Minister Nouri al-Maliki.",
         {"Bashar al-Assad": ("person", "President", "SYR"), "Nouri al-Maliki": ("person", "Prime Minister", "IRQ")}),
        ("President Ali Abdullah Saleh signed the deal in Riyadh.",
         {"Ali Abdullah Saleh": ("person", "President", "YEM")}),
        # Not actors: countries, cities, months, weekdays, headline words, ordinary words.
        ("China Confirms Two Canadians Held on National Security Grounds", {}),
        ("In Beijing on Monday, Premier League clubs played in May.", {}),
        ("Trade, agriculture and security will dominate discussions in Ottawa.", {}),
        ("May was a difficult month for Theresa May.",
         {"Theresa May": ("person", "Prime Minister", "GBR")}),
        ("", {}),
    ],
)
def test_actors_tag_cases(text, expected):
    assert _actors(text) == expected


@pytest.mark.parametrize(
    ("text", "short", "name"),
    [
        ("Mark Carney arrived. Later, Carney spoke.", "Carney", "Mark Carney"),
        ("Huawei executive Meng Wanzhou was arrested. Meng was freed.", "Meng", "Meng Wanzhou"),
        ("Pierre Trudeau opened ties with China in 1970. Trudeau was praised.", "Trudeau",
         "Pierre Trudeau"),
        ("Justin Trudeau spoke. Trudeau was praised.", "Trudeau", "Justin Trudeau"),
        ("Mr. Trudeau met Ms. Meng.", "Meng", "Meng Wanzhou"),
        ("Former diplomat Colin Robertson spoke. Robertson said so.", "Robertson",
         "Colin Robertson"),
        ("South Korean President Lee Jae-myung hosted. Lee said it went well.", "Lee",
         "Lee Jae-myung"),
        ("Von der Leyen said the EU would respond.", "Von der Leyen", "Ursula von der Leyen"),
        ("Forces loyal to Bashar al-Assad attacked. Al-Assad spoke.", "Al-Assad", "Bashar al-Assad"),
    ],
)
def test_actors_short_forms_resolve_to_one_actor(text, short, name):
    start = text.rindex(short)
    mention = next(m for m in tag_actors(text) if m.start == start)
    assert (mention.text, mention.name) == (short, name)


def test_actors_seed_article_two_leaders_are_carney_and_xi():
    text = SEED.read_text(encoding="utf-8")
    start = text.index("The two leaders")
    group = [m for m in tag_actors(text) if m.start == start]
    assert sorted(m.name for m in group) == ["Mark Carney", "Xi Jinping"]
    assert all(m.end == start + len("The two leaders") for m in group)


def test_actors_seed_article_every_actor():
    found = _actors(SEED.read_text(encoding="utf-8"))
    assert found == {
        "Mark Carney": ("person", "Prime Minister", "CAN"),
        "Li Qiang": ("person", "Premier", "CHN"),
        "Zhao Leji": ("person", "Chairman", "CHN"),
        "Xi Jinping": ("person", "President", "CHN"),
        "Asia-Pacific Economic Cooperation": ("org", "", ""),
        "Huawei": ("org", "", "CHN"),
        "Meng Wanzhou": ("person", "Huawei executive", "CHN"),
        "Colin Robertson": ("person", "former diplomat", ""),
    }


@pytest.mark.parametrize(
    ("when", "role"),
    [(date(2010, 6, 1), "Prime Minister"), (date(2015, 6, 1), "President"), (None, "President"),
     (datetime(2010, 6, 1, 12, 0), "Prime Minister")],
)
def test_actors_file_role_follows_the_date(when, role):
    assert _actors("Vladimir Putin spoke.", when=when)["Vladimir Putin"][1] == role


def test_actors_offsets_match_text():
    text = SEED.read_text(encoding="utf-8")
    for mention in tag_actors(text):
        assert text[mention.start:mention.end] == mention.text


def test_actors_curated_files_load():
    names = {actor["name"] for actor in load_actors()}
    assert {"Mark Carney", "Xi Jinping", "Li Qiang", "Huawei", "NATO"} <= names


# --- country cues: the country tagger's forms ----------------------------------------------

@pytest.mark.parametrize(
    ("text", "role", "iso3"),
    [
        ("US Ambassador Jane Doe said so.", "Ambassador", "USA"),
        ("U.S. Ambassador Jane Doe said so.", "Ambassador", "USA"),
        ("New Zealand Prime Minister Jane Doe said so.", "Prime Minister", "NZL"),
        ("Myanmar General Jane Doe said so.", "General", "MMR"),
        ("Laotian Prime Minister Jane Doe said so.", "Prime Minister", "LAO"),
        ("the Kremlin's spokesman Jane Doe said so.", "Spokesman", "RUS"),
        ("Jane Doe, ambassador to Beijing, said so.", "Ambassador", "CHN"),
        # "U.S" (no period) is a form of the country tagger, not a cue: the agency is not the state.
        ("Jane Doe, a spokeswoman for the U.S. Immigration Service, said so.", "Spokeswoman", ""),
    ],
)
def test_actors_country_cues_come_from_the_gazetteer(text, role, iso3):
    assert _actors(text)["Jane Doe"] == ("person", role, iso3)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Officer Tom Holland said so.", "Tom Holland"),
        ("Wikipedia founder Jimmy Wales said so.", "Jimmy Wales"),
        ("Secretary-General Patricia Scotland said so.", "Patricia Scotland"),
        ("Detective Jane Pole said so.", "Jane Pole"),
    ],
)
def test_actors_gazetteer_forms_that_are_names_stay_names(text, name):
    assert {m.name for m in tag_actors(text)} == {name}


def test_actors_country_cues_agree_with_the_gazetteer():
    from pipeline.actors import _country_tables
    from pipeline.geo_data import country_forms
    forms = country_forms()
    names, capitals, demonyms = _country_tables()
    assert names.items() <= forms["name"].items()
    assert capitals.items() <= {**forms["capital"], **forms["seat"]}.items()
    assert demonyms.items() <= forms["demonym"].items()
    assert {"Canada", "China", "United States"} <= set(names)
    assert {"Beijing", "Ottawa", "Kremlin"} <= set(capitals)
    assert {"Canadian", "Chinese", "US"} <= set(demonyms)


def test_actors_import_of_the_geo_loader_makes_no_cycle():
    # The gazetteer loader imports no pipeline module but the ground floor that finds its data
    # files (which imports none), so any stage may import it.
    code = ("import sys, pipeline.geo_data; "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "['pipeline.geo_data', 'pipeline.paths']"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_actors_any_text_never_raises(text):
    for mention in tag_actors(text):
        assert isinstance(mention, ActorMention)
        assert text[mention.start:mention.end] == mention.text
        assert mention.kind in ("person", "org")


_WORDS = st.sampled_from(["President", "Xi", "Jinping", "Mr.", "the", "two", "leaders", "Carney",
                          "met", ",", "chairman", "of", "China's", "Former", "diplomat", "Meng",
                          "Von", "der", "Leyen", "'s", "National", "People", ".", "\n", "Li"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=30).map(" ".join))
def test_actors_name_soup_never_raises(text):
    for mention in tag_actors(text):
        assert text[mention.start:mention.end] == mention.text
