"""Tests for pipeline.clean: junk lines, headline, datelines, bylines, repeats, data files."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean import (CleanedText, clean_text, is_junk_line, is_name_line, parse_byline,
                            parse_date_line, split_dateline)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "clean"
SEED = ROOT / "data" / "articles" / "carney-china.txt"

HEAD = "Canada And China Agree To Resume Canola Talks"
P1 = "Canadian and Chinese officials agreed on Friday to resume talks on canola duties."
P2 = "Farmers welcomed the news but said the duties had already cost them dearly this year."


def paragraphs(c: CleanedText) -> list[str]:
    return c.body.split("\n\n") if c.body else []


# --- junk lines ------------------------------------------------------------------------------

@pytest.mark.parametrize("junk", [
    "ON NOW", "Follow us on:", "d", "• en", "EN | FR", "Share this article", "Share on Facebook",
    "Advertisement", "Story continues below advertisement", "Read more: Canada and China trade barbs",
    "Subscribe to our newsletter", "We use cookies to improve your experience.", "Skip to content",
    "Sign up for our free newsletter.", "Please enable JavaScript to view the comments.",
    "More from World", "Go to homepage", "Cookie settings",
    "Menu", "Photo: Jane Doe/Reuters", "Copyright 2025 Prairie Ledger", "All rights reserved.",
    "5 min read", "Listen to this article", "Tags: Canada, China, trade", "Sign up for alerts",
    "Click here to subscribe", "3 hours ago", "Related stories", "»", "|",
    "Content and Programming Copyright 2025 Prairie Ledger Network, Inc.", "Material Copyright © 2024 Wire Service",
])
def test_clean_junk_line_dropped(junk):
    raw = f"{HEAD}\n\n{junk}\n\n{P1}\n\n{junk}\n\n{P2}\n\n{junk}\n"
    c = clean_text(raw)
    assert c.title == HEAD
    assert paragraphs(c) == [P1, P2]
    assert is_junk_line(junk)


@pytest.mark.parametrize("line", [
    "By Thursday, officials hope to have a deal on canola and on electric vehicles.",
    "Follow-up talks are planned for March in Ottawa.",
    "Share prices of canola processors rose 4% in Winnipeg trading.",
    "Read more broadly, the report shows that interference attempts failed.",
    "Advertisers, too, have pulled back from the region since the dispute began in 2019.",
    "Officials said they would subscribe to the joint statement only if tariffs were lifted first.",
    "The cookie maker said its exports to China had fallen by half since 2019, the company said. " * 2,
    "The cookie maker said exports fell.",
    "The newsletter reported the talks first.",
    "Register of lobbyists shows 40 meetings.",
    "More on that later, officials said.",
    "Go to war? Not likely, he said.",
    "Subscribers to the service were told on Monday.",
    "Photographs of the meeting were released on Friday.",
    "The book, copyright 2009 by its author, was banned on Monday.",
    "He said copyright law changed in 2010.",
])
def test_clean_content_lines_kept(line):
    line = line.strip()
    c = clean_text(f"{HEAD}\n\n{P1}\n\n{line}\n\n{P2}\n")
    assert paragraphs(c) == [P1, line, P2]
    assert not is_junk_line(line)


# --- headline ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, title, first", [
    pytest.param(f"{HEAD}\n\n{P1}", HEAD, P1, id="first-line"),
    pytest.param(f"• en\nON NOW\nd\n\n{HEAD}\n\n{P1}", HEAD, P1, id="after-junk"),
    pytest.param(f"Title: {HEAD}\n\n{P1}", HEAD, P1, id="title-label"),
    pytest.param(f"{HEAD}\n{P1}", HEAD, P1, id="no-blank-line"),
    pytest.param(f"{P1}\n\n{P2}", "", P1, id="no-headline-paragraph-first"),
    pytest.param(f"OTTAWA, Dec. 10, 2018 — {P1}\n\n{P2}", "", P1, id="no-headline-dateline-first"),
    pytest.param(f"Is Canada Ready For The Trade Review?\n\n{P1}", "Is Canada Ready For The Trade Review?",
                 P1, id="question-headline"),
    pytest.param(f"Analysis\n\n{HEAD}\n\n{P1}", HEAD, P1, id="kicker-above-headline"),
    pytest.param(f"World News\n{HEAD}\n{P1}", HEAD, P1, id="kicker-same-block"),
    pytest.param(f"Canola\n\n{P1}", "Canola", P1, id="one-word-headline"),
    pytest.param(f"BEIJING (Reuters) - Jan 13, 2026\n\n{P1}", "", P1, id="dateline-line-is-not-headline"),
    pytest.param(f"The Times said in an editorial on Monday, Oct. 26:\n\n{P1}", "",
                 "The Times said in an editorial on Monday, Oct. 26:", id="lead-in-is-not-headline"),
    pytest.param("The Pentagon said today it will examine the question of whether the remains inside the "
                 "tomb are, in fact, known?\n\n" + P1, "", "The Pentagon said today it will examine the "
                 "question of whether the remains inside the tomb are, in fact, known?", id="long-question"),
    pytest.param("MIAMI _\n\nThe crowd shouted ``traitor.''\n\nHe walked on.", "", "The crowd shouted ``traitor.''",
                 id="quoted-sentence-is-not-headline"),
    pytest.param(f"US — China Talks Resume\n\n{P1}", "US — China Talks Resume", P1, id="dash-headline"),
])
def test_clean_headline(raw, title, first):
    c = clean_text(raw)
    assert c.title == title
    assert paragraphs(c)[0] == first


def test_clean_known_title_removes_repeated_headline():
    c = clean_text(f"{HEAD}\n\n{P1}\n\n{P2}", title=HEAD)
    assert c.title == HEAD and paragraphs(c) == [P1, P2]
    c = clean_text(f"{P1}\n\n{P2}", title=HEAD)     # a known title never eats the first paragraph
    assert c.title == HEAD and paragraphs(c) == [P1, P2]


# --- datelines --------------------------------------------------------------------------------

@pytest.mark.parametrize("paragraph, when, place, rest", [
    ("OTTAWA, Dec. 10, 2018 — Canada said.", date(2018, 12, 10), "OTTAWA", "Canada said."),
    ("BEIJING (Reuters) - Jan 13, 2026 - China said.", date(2026, 1, 13), "BEIJING", "China said."),
    ("BEIJING (Reuters) - Jan 13, 2026", date(2026, 1, 13), "BEIJING", ""),
    ("OTTAWA, Jan 13 (Reuters) - Canada said.", None, "OTTAWA", "Canada said."),
    ("OTTAWA — Canada said.", None, "OTTAWA", "Canada said."),
    ("GYEONGJU, South Korea, Oct. 31, 2025 — Leaders met.", date(2025, 10, 31),
     "GYEONGJU, South Korea", "Leaders met."),
    ("NEW YORK, N.Y., March 3, 2020 -- Markets fell.", date(2020, 3, 3), "NEW YORK, N.Y.", "Markets fell."),
    ("ST. JOHN'S, N.L., Tuesday, Jan. 13, 2026 — It snowed.", date(2026, 1, 13), "ST. JOHN'S, N.L.",
     "It snowed."),
    ("Jan. 13, 2026 — Talks began.", date(2026, 1, 13), "", "Talks began."),
    ("WASHINGTON (AP) — The talks began.", None, "WASHINGTON", "The talks began."),
    ("MIAMI _ The crowd rushed forward.", None, "MIAMI", "The crowd rushed forward."),
    ("HAVANA (AP) --", None, "HAVANA", ""),
    ("Ottawa, Jan. 13, 2026 — Talks began.", date(2026, 1, 13), "Ottawa", "Talks began."),
    ("Hong Kong, 13 January 2026 (Reuters) - Talks began.", date(2026, 1, 13), "Hong Kong", "Talks began."),
    ("Ottawa — Talks began.", None, "", "Ottawa — Talks began."),
    ("Canada, China and Japan - three of them - met.", None, "", "Canada, China and Japan - three of them - met."),
    ("OTTAWA, Feb. 30, 2026 — Bad date.", None, "OTTAWA", "Bad date."),
    ("Canada - a country of many regions - voted.", None, "", "Canada - a country of many regions - voted."),
    ("Canada said on Dec. 10, 2018 that it would act.", None, "",
     "Canada said on Dec. 10, 2018 that it would act."),
    # a wire page's stamp before the dateline is the publication time, not a happening
    ("LONDON | Tue Apr 27, 2010 4:08am EDT LONDON (Reuters) - BP said.", date(2010, 4, 27), "LONDON", "BP said."),
    ("HOUSTON/SEATTLE, April 30 | Fri Apr 30, 2010 5:23 pm EDT HOUSTON/SEATTLE, April 30 (Reuters) - A rig sank.",
     date(2010, 4, 30), "HOUSTON/SEATTLE", "A rig sank."),
    ("By Maggie Fox, Health Editor WASHINGTON | Mon Mar 2, 2009 4:23 pm EST WASHINGTON May 2 (Reuters) - Flu spread.",
     date(2009, 3, 2), "WASHINGTON", "Flu spread."),
    ("Prices rose | Mon Mar 2, 2009 and fell.", None, "", "Prices rose | Mon Mar 2, 2009 and fell."),
    ("Prices rose | Mon Mar 2, 2009 as LONDON traders sold.", None, "",
     "Prices rose | Mon Mar 2, 2009 as LONDON traders sold."),
])
def test_clean_split_dateline(paragraph, when, place, rest):
    assert split_dateline(paragraph) == (rest, when, place)


@pytest.mark.parametrize("line, when", [
    ("Published: 13 January 2026", date(2026, 1, 13)),
    ("Published on January 13, 2026 10:32 a.m. ET", date(2026, 1, 13)),
    ("January 13, 2026", date(2026, 1, 13)),
    ("Tuesday, January 13, 2026", date(2026, 1, 13)),
    ("13th January 2026", date(2026, 1, 13)),
    ("2026-01-13", date(2026, 1, 13)),
    ("Updated: Sept. 6, 2019", date(2019, 9, 6)),
    ("January 13, 2026 is the date of the visit.", None),
    ("January 32, 2026", None),
    ("Published: soon", None),
])
def test_clean_parse_date_line(line, when):
    assert parse_date_line(line) == when


@pytest.mark.parametrize("raw, when, place", [
    pytest.param(f"{HEAD}\n\nOTTAWA, Dec. 10, 2018 — {P1}\n\n{P2}", date(2018, 12, 10), "OTTAWA", id="dateline"),
    pytest.param(f"{HEAD}\n\nBEIJING (Reuters) - Jan 13, 2026\n\n{P1}\n\n{P2}", date(2026, 1, 13), "BEIJING",
                 id="dateline-own-line"),
    pytest.param(f"{HEAD}\n\nPublished: 13 January 2026\n\n{P1}\n\n{P2}", date(2026, 1, 13), "", id="published"),
    pytest.param(f"{HEAD}\nJanuary 13, 2026\n\n{P1}\n\n{P2}", date(2026, 1, 13), "", id="date-line-top"),
    pytest.param(f"{HEAD}\n\nUpdated: Jan. 14, 2026\nPublished: Jan. 13, 2026\n\n{P1}\n\n{P2}",
                 date(2026, 1, 13), "", id="published-beats-updated"),
    pytest.param(f"{HEAD}\n\n{P1}\n\n{P2}", None, "", id="none"),
    pytest.param(f"{HEAD}\n\nA rescue boat near the rig, April 21, 2010.\n\nPicture taken April 21, 2010.\n\n"
                 f"HOUSTON | Thu Apr 22, 2010 7:30 pm EDT HOUSTON (Reuters) - {P1}\n\n{P2}", date(2010, 4, 22),
                 "HOUSTON", id="wire-stamp-under-photo-captions"),
])
def test_clean_dateline_lifted_out_of_body(raw, when, place):
    c = clean_text(raw)
    assert (c.dateline, c.place) == (when, place)
    assert c.title == HEAD
    assert paragraphs(c) == [P1, P2]


# --- repeats ----------------------------------------------------------------------------------

S1 = "Mark Carney visits China seeking trade diversification, while balancing relations with Beijing."
S2 = "Canadian Prime Minister Mark Carney is travelling to China on a high-stakes visit."
S3 = "The trip comes as Canada faces continued uncertainty over its trade relationship."


@pytest.mark.parametrize("raw, expected", [
    pytest.param(f"{HEAD}\n\nEXCERPT: {S1} {S2[:50]}\n\nEXCERPT: {S1}\n\n{S2} {S3}", [S1, f"{S2} {S3}"],
                 id="seed-excerpts"),
    pytest.param(f"{HEAD}\n\nEXCERPT: {S2}\n\n{S2} {S3}", [f"{S2} {S3}"], id="excerpt-repeated-in-body"),
    pytest.param(f"{HEAD}\n\nSummary: {S1}\n\n{S2}\n\n{S3}", [S1, S2, S3], id="summary-kept-once"),
    pytest.param(f"{HEAD}\n\n{S2} {S3}\n\n{S2} {S3}", [f"{S2} {S3}"], id="paragraph-twice"),
    pytest.param(f"{HEAD}\n\n{S2} {S3[:40]}\n\n{S2} {S3}", [f"{S2} {S3}"], id="prefix-of-another"),
    pytest.param(f"{HEAD}\n\n{S1} {S2}\n\n{S3}\n\n{S2}", [f"{S1} {S2}", S3], id="pull-quote"),
    pytest.param(f"{HEAD}\n\nHe declined.\n\n{S3}\n\nHe declined.\n\n{S2}",
                 ["He declined.", S3, S2], id="short-repeat-is-a-duplicate-paragraph"),
    pytest.param(f"{HEAD}\n\n“No.”\n\n{S3} “No.”", ["“No.”", f"{S3} “No.”"], id="short-sentence-may-repeat"),
])
def test_clean_repeats(raw, expected):
    assert paragraphs(clean_text(raw)) == expected


# --- bylines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, byline", [
    pytest.param(f"{HEAD}\n\nBy Jane Doe\n\n{P1}\n\n{P2}", "Jane Doe", id="by-top"),
    pytest.param(f"{HEAD}\nBy Jane Doe and John Smith\n{P1}\n\n{P2}", "Jane Doe and John Smith",
                 id="by-two-names"),
    pytest.param(f"{HEAD}\n\nJane Doe\n\n{P1}\n\n{P2}", "Jane Doe", id="lone-name-top"),
    pytest.param(f"{HEAD}\n\n{P1}\n\n{P2}\n\nErizia Rubyjeana\u00a0\n\nFollow us on:", "Erizia Rubyjeana",
                 id="lone-name-end"),
    pytest.param(f"{HEAD}\n\n{P1}\n\n{P2}\n\nReporting by Jane Doe; Editing by Richard Roe", "Jane Doe",
                 id="reporting-by-end"),
    pytest.param(f"{HEAD}\n\n{P1}\n\n{P2} (Reporting by Jane Doe; Editing by Richard Roe)", "",
                 id="reporting-by-inline"),
    pytest.param(f"{HEAD}\n\n{P1}\n\n{P2}\n\nUrsula von der Leyen", "Ursula von der Leyen", id="particles"),
    pytest.param(f"{HEAD}\n\n{P1}\n\n{P2}\n\nWith files from The Canadian Press", "The Canadian Press",
                 id="with-files-from"),
])
def test_clean_bylines(raw, byline):
    c = clean_text(raw)
    assert c.byline == byline
    assert paragraphs(c) == [P1, P2]


@pytest.mark.parametrize("line, name", [
    ("By Jane Doe", "Jane Doe"),
    ("BY JANE DOE", "JANE DOE"),
    ("Written by Sam Lee | Capital Desk", "Sam Lee"),
    ("By the Associated Press", "Associated Press"),
    ("by the numbers", ""),
    ("By Thursday, officials hope to have a deal.", ""),
    ("By then the talks had collapsed and both sides went home.", ""),
])
def test_clean_parse_byline(line, name):
    assert parse_byline(line) == name


@pytest.mark.parametrize("line, expected", [
    ("Erizia Rubyjeana", True), ("Jean-Yves Le Drian", True), ("Mark Carney", True),
    ("Carney", False), ("Canada said no", False), ("Talks resume on 15 January", False),
    ("Former diplomat Colin Robertson says Canada is pursuing its own interests", False),
])
def test_clean_is_name_line(line, expected):
    assert is_name_line(line) is expected


# --- layout -----------------------------------------------------------------------------------

def test_clean_joins_hard_wrapped_lines():
    raw = (f"{HEAD}\n\nCanada named a veteran diplomat as its new ambassador to\nChina on Friday, "
           "officials said in Ottawa.\n\nThe appointment comes months after the envoy left. Mr.\n"
           "Smith said the U.S. had been consulted.\n\nA third paragraph closes the story here.\n")
    assert paragraphs(clean_text(raw)) == [
        "Canada named a veteran diplomat as its new ambassador to China on Friday, officials said in Ottawa.",
        "The appointment comes months after the envoy left. Mr. Smith said the U.S. had been consulted.",
        "A third paragraph closes the story here.",
    ]


def test_clean_table_at_the_end_is_kept():
    raw = f"{HEAD}\n\n{P1}\n\nKENYA:\nTotal dead: 192\nInjured: 4,877\n\nTANZANIA:\nTotal dead: 10\n"
    assert paragraphs(clean_text(raw)) == [P1, "KENYA:", "Total dead: 192", "Injured: 4,877", "TANZANIA:",
                                           "Total dead: 10"]


def test_clean_single_newline_paragraphs_stay_separate():
    raw = f"{HEAD}\n{P1}\n{P2}\n"
    assert paragraphs(clean_text(raw)) == [P1, P2]


@pytest.mark.parametrize("raw", [
    f"{HEAD}\r\n\r\n{P1}\r\n\r\n{P2}\r\n",
    f"\ufeff{HEAD}\n\n{P1.replace(' ', chr(0xa0), 3)}\n\n{P2}",
    f"{HEAD}\n\n{P1[:10]}\u200b{P1[10:]}\n\n\t{P2}  ",
    f"{HEAD}\u2029{P1}\u2029{P2}",
    f"  {HEAD}  \n\n\n\n{P1}\n\n\n{P2}\x00\x07",
    f"{HEAD}\n\n{P1}\ud800\n\n{P2}\udfff",
])
def test_clean_normalises_whitespace_and_invisibles(raw):
    c = clean_text(raw)
    assert c.title == HEAD and paragraphs(c) == [P1, P2]


# --- the seed article -------------------------------------------------------------------------

def test_clean_seed_article_golden():
    c = clean_text(SEED.read_text(encoding="utf-8"))
    assert c.title == "Carney Faces Strategic Balancing Act As Canada Moves To Repair China Ties"
    paras = paragraphs(c)
    assert paras[0] == ("Mark Carney visits China seeking trade diversification, while carefully "
                        "balancing relations with Beijing, Washington, and domestic concerns.")
    assert paras[1].startswith("Canadian Prime Minister Mark Carney is travelling to China on a "
                               "high-stakes visit aimed at repairing strained ties")
    assert paras[-1].startswith("Former diplomat Colin Robertson says")
    assert c.body.endswith("calling the moment a test of diplomatic realism and balance.")
    assert len(paras) == 12 and len(set(paras)) == len(paras)
    for junk in ("ON NOW", "Follow us on", "• en", "EXCERPT", "Erizia Rubyjeana"):
        assert junk not in c.body
    assert "d" not in paras
    assert c.body.count("Mark Carney visits China") == 1
    assert c.byline == "Erizia Rubyjeana" and c.dateline is None


# --- robustness -------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400) | st.lists(st.sampled_from(
    ["ON NOW", "\n", "\n\n", "EXCERPT: ", "By Jane Doe", "OTTAWA, Dec. 10, 2018 — ", "Mr. ", "d",
     "Published: 13 January 2026", "A sentence here.", "Title: ", "(Reporting by X)", "—", "“", "..."]),
    max_size=30).map("".join))
def test_clean_never_raises(raw):
    c = clean_text(raw)
    assert isinstance(c, CleanedText)
    assert isinstance(c.title, str) and isinstance(c.body, str) and isinstance(c.byline, str)
    assert "\n\n\n" not in c.body and c.body == c.body.strip()
    assert c.dateline is None or isinstance(c.dateline, date)


_LINES = [
    "ON NOW", "EXCERPT: Canada and China agreed to talk again after a long pause.", "By Jane Doe",
    "OTTAWA, Dec. 10, 2018 — Canada said it would act on canola soon.", "Jane Doe", "d",
    "Mr. Smith said the U.S. had been consulted.", "Follow us on:", "Published: 13 January 2026",
    "Canada and China agreed to talk again after a long pause.", "(Reporting by Jane Doe)",
    "The trip comes as Canada faces continued uncertainty over its trade relationship.",
    "Carney Goes To Beijing", "January 13, 2026", "NATO — the alliance met in Brussels.",
    "Officials said the talks were", "continuing on Friday in Beijing.", "“No.”", "Erizia Rubyjeana",
    "Read more: other story",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_LINES), st.sampled_from(["\n", "\n\n"])), max_size=10))
def test_clean_recleaning_keeps_body(parts):
    # Re-cleaning "title + body" with the title known (what a caller does to change the date)
    # must give the same body back.
    first = clean_text("".join(a + b for a, b in parts))
    if not first.body or not first.title:
        return
    again = clean_text(f"{first.title}\n\n{first.body}", title=first.title)
    assert again.body == first.body


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "articles").glob("*.txt")), ids=lambda p: p.name)
def test_clean_sample_articles_reclean_unchanged(path):
    first = clean_text(path.read_text(encoding="utf-8"))
    assert first.title and first.body
    again = clean_text(f"{first.title}\n\n{first.body}", title=first.title)
    assert again.body == first.body


@pytest.mark.parametrize("raw", [None, 42, b"bytes", "", "   \n\t "])
def test_clean_non_text_gives_empty(raw):
    assert clean_text(raw) == CleanedText("", "")


# --- data files -------------------------------------------------------------------------------

def test_clean_data_files_parse_and_are_well_formed():
    junk = yaml.safe_load((DATA / "junk.yaml").read_text(encoding="utf-8"))
    for key in ("exact", "patterns", "byline_leads", "excerpt_labels", "name_particles", "date_labels"):
        items = junk[key]
        assert items and all(isinstance(x, str) and x for x in items), key
        assert len(set(items)) == len(items), f"duplicates in {key}"
    for p in junk["patterns"]:
        re.compile(p)
    abbr = yaml.safe_load((DATA / "abbreviations.yaml").read_text(encoding="utf-8"))
    for key in ("never_final", "ambiguous", "before_number", "openers"):
        items = abbr[key]
        assert items and all(isinstance(x, str) and x == x.lower() for x in items), key
        assert len(set(items)) == len(items), f"duplicates in {key}"
    assert not set(abbr["never_final"]) & set(abbr["ambiguous"])
    months = yaml.safe_load((DATA / "months.yaml").read_text(encoding="utf-8"))
    assert sorted(months) == list(range(1, 13))
    names = [n for v in months.values() for n in v]
    assert all(isinstance(n, str) for n in names) and len(set(names)) == len(names)


def test_clean_tokenised_text_gets_its_punctuation_back():
    # News corpora ship text tokenised; read as it is, "September 11 , 2001" loses its year.
    from pipeline.clean import detokenize
    raw = ("Obama said , on September 11 , 2001 , that `` we will rebuild . '' He did n't stop .\n"
           "The plan ( announced on Monday ) costs $ 5 million .")
    assert detokenize(raw) == ('Obama said, on September 11, 2001, that "we will rebuild." He didn\'t stop.\n'
                               "The plan (announced on Monday) costs $5 million.")
    body = clean_text("Headline\n\n" + raw).body
    assert "September 11, 2001," in body


def test_clean_tokenised_text_gets_its_treebank_brackets_back():
    # Reuters copy in news corpora: "WASHINGTON -LRB- Reuters -RRB- - Virtually all cases ..."
    from pipeline.clean import detokenize
    raw = ("WASHINGTON -LRB- Reuters -RRB- - Virtually all cases resist the drug , the agency said on Monday .\n"
           "The figures -LSB- sic -RSB- were revised -LCB- twice -RCB- , officials said in Houston\\/Seattle .")
    assert detokenize(raw) == ("WASHINGTON (Reuters) - Virtually all cases resist the drug, the agency said on Monday.\n"
                               "The figures [sic] were revised {twice}, officials said in Houston/Seattle.")


def test_clean_treebank_brackets_are_read_back_in_short_or_teaser_text():
    # A photo caption and a list of cut-off teasers ("spewing ma ...") show too few detached
    # commas to pass as tokenised text, yet "-LRB- AP -RRB-" never occurs in prose.
    from pipeline.clean import detokenize
    caption = "This image made from video provided by British Petroleum -LRB- BP PLC -RRB- shows the riser"
    assert detokenize(caption) == "This image made from video provided by British Petroleum (BP PLC) shows the riser"
    teasers = ("NEW ORLEANS -LRB- AP -RRB- -- BP 's chairman said a failed piece of equipment was to blame ... "
               "Federal officials shut down fishing on Sunday because of the gusher spewing ma ... "
               "Photos of fish with sores may raise concern , but officials say the seafood tha ... "
               "Commercial fishermen brace for impact , as oil creeps closer .")
    assert detokenize(teasers).startswith("NEW ORLEANS (AP) -- BP's chairman said")
    assert "raise concern, but" in detokenize(teasers)


@pytest.mark.parametrize("paragraph, pieces", [
    # a credit opening the text
    ("Jane Smith/AP Rescue teams reached the village on Tuesday.", ["Rescue teams reached the village on Tuesday."]),
    # a credit between a caption and the lead: the text is broken there
    ("Smoke rises over the port Tom Lee/Getty Images The fire was put out on Monday.",
     ["Smoke rises over the port", "The fire was put out on Monday."]),
    # the agency first: "AP Photo/Photographer"
    ("AP Photo/Dan Roe As much as 1 million barrels leaked, officials said.",
     ["As much as 1 million barrels leaked, officials said."]),
    ("Oil washes ashore in Alabama (Dan Roe/AP) Officials said the beach would stay closed.",
     ["Oil washes ashore in Alabama", "Officials said the beach would stay closed."]),
    # agencies in a row, and a handout
    ("KPA/Zuma/Rex Features A panel named by the president met in May.", ["A panel named by the president met in May."]),
    ("Ho/Reuters Workers said the valve had failed.", ["Workers said the valve had failed."]),
    # the credit's name does not take the end of a name before it
    ("a boat of the Coast Guard Ann Ray/AP The crew said", ["a boat of the Coast Guard", "The crew said"]),
    # no credit: slashes of prose stay
    ("The 24/7 news cycle and/or the wire copy, he said.", ["The 24/7 news cycle and/or the wire copy, he said."]),
    ("Sales rose 5% in 2009/2010 at AP stores.", ["Sales rose 5% in 2009/2010 at AP stores."]),
])
def test_clean_photo_credits_are_dropped_and_break_the_text(paragraph, pieces):
    from pipeline.clean import split_photo_credits
    assert split_photo_credits(paragraph) == pieces


@pytest.mark.parametrize("sentence, caption", [
    ("An oil slick is seen near the burning rig off the coast", True),
    ("Rescue workers are pictured at the site of the collapse", True),
    ("In this image made from video released by the company, oil leaks from the pipe", True),
    ("A frame grab from a live feed shows the valve", True),
    ("The minister poses for a photo with farmers in Regina", True),
    ("The rescue was seen as a turning point in the crisis", False),
    ("The vote is seen as a test for the government", False),
    ("Police released an image of the suspect on Monday", False),
    ("The photographer was arrested in Cairo on Friday", False),
])
def test_clean_caption_language(sentence, caption):
    from pipeline.clean import is_caption
    assert is_caption(sentence) is caption


@pytest.mark.parametrize("paragraph, name, rest", [
    ("By Jane Doe Environment correspondent, BBC News The fishermen fear the worst.", "Jane Doe",
     "The fishermen fear the worst."),
    ("By Jane Doe BBC News, New Orleans Crews worked through the night.", "Jane Doe", "Crews worked through the night."),
    ("By Jane Doe and John Q. Roe, Special to CNN Protesters marched on Friday.", "Jane Doe and John Q. Roe",
     "Protesters marched on Friday."),
    ("By Jane Doe for CNN Ban Ki-moon urged restraint.", "Jane Doe", "Ban Ki-moon urged restraint."),
    ("By Jane Doe, CNN Is the internet a megaphone?", "Jane Doe", "Is the internet a megaphone?"),
    ("By the CNN Wire Staff Security forces fired tear gas.", "the CNN Wire Staff", "Security forces fired tear gas."),
    ("By Jane Doe BBC NI business reporter The firm hired 40 people.", "Jane Doe", "The firm hired 40 people."),
    ("By Jane Doe and John Roe TOLEDO, Ohio -- Voters lined up early.", "Jane Doe and John Roe",
     "TOLEDO, Ohio -- Voters lined up early."),
    # not a byline run into the text
    ("By Thursday, officials hope to have a deal.", "", "By Thursday, officials hope to have a deal."),
    ("By Jane Doe, who worked for the company until 2008.", "", "By Jane Doe, who worked for the company until 2008."),
    # bare names: the capital after them may be a third name or the lead
    ("By Jane Doe Roe Shares fell.", "", "By Jane Doe Roe Shares fell."),
])
def test_clean_inline_byline(paragraph, name, rest):
    from pipeline.clean import split_inline_byline
    assert split_inline_byline(paragraph) == (name, rest)


def test_clean_inline_byline_leaves_the_body():
    c = clean_text("Oil spill\n\nBy Jane Doe Science reporter, BBC News The slick reached the coast on Friday.")
    assert c.body == "The slick reached the coast on Friday." and c.byline == "Jane Doe"


def test_clean_every_caption_cue_holds_a_cue_word():
    # the cue words are a cheap first look: a cue that holds none of them would never be searched
    import yaml

    from pipeline.paths import data_dir
    junk = yaml.safe_load((data_dir() / "clean" / "junk.yaml").read_text(encoding="utf-8"))
    for cue in junk["caption_cues"]:
        alternatives = re.sub(r"\\[bs]|[()?:*+|]|\[\^?\\?\w*\]", " ", cue).lower()
        assert any(w in alternatives for w in junk["caption_cue_words"]), cue


def test_clean_photo_credit_run_into_the_lead_leaves_the_body():
    body = clean_text("Headline of the story\n\nJane Smith/AP Rescue teams reached the village on Tuesday. "
                      "They found survivors.").body
    assert body.startswith("Rescue teams reached the village") and "/AP" not in body


@pytest.mark.parametrize("text", [
    "A normal sentence, with commas. And full stops.",
    "Wine-LRB-like names and LB-12 parts stay as they are.",
    "Scores were 3 . 5 and 4 , 2 in one table, but the rest is prose, as usual. Really.",
])
def test_clean_untokenised_text_is_left_alone(text):
    from pipeline.clean import detokenize
    assert detokenize(text) == text


# --- page furniture with timestamps, and readers' comments --------------------------------------

@pytest.mark.parametrize("raw, body, when", [
    ("Oil\n\nThursday, April 29, 2010; 4:49 PM A slick is expected to reach the coast by Friday.",
     "A slick is expected to reach the coast by Friday.", date(2010, 4, 29)),
    ("Race\n\nBy Jane Doe | September 24, 2008; 5:15 PM ET The senator said he would not debate.",
     "The senator said he would not debate.", date(2008, 9, 24)),
    # under page furniture
    ("Live Q&A\n\nSend us an e-mail.\n\nFriday, April 30, 2010; 2:30 PM A slick washed up on Friday.",
     "A slick washed up on Friday.", date(2010, 4, 30)),
    ("Flu\n\nThu Apr 30, 2009 5:11 am EDT (Reuters) - Here are some facts about the virus.",
     "Here are some facts about the virus.", date(2009, 4, 30)),
    ("Oil\n\nWed May 5, 2010 5:15 pm EDT POLITICO (Washington) - Lawmakers met on Wednesday.",
     "Lawmakers met on Wednesday.", date(2010, 5, 5)),
])
def test_clean_a_page_stamp_with_its_time_is_the_dateline(raw, body, when):
    # the page's own time stamp is when it was published, not a happening of the story
    c = clean_text(raw)
    assert (c.body, c.dateline) == (body, when)


def test_clean_readers_comments_end_the_article():
    raw = ("Oil spill grows\n\nBP said on Friday the leak was worse. Officials met on Thursday.\n\n"
           "Posted by: rallyart2012 | April 30, 2010 12:27 PM | Report abuse Does anybody believe this? "
           "Posted by: Bious | April 30, 2010 5:38 PM | Report abuse As mentioned earlier.\n\n"
           "The comments to this entry are closed.")
    assert clean_text(raw).body == "BP said on Friday the leak was worse. Officials met on Thursday."
    other = "Spill\n\nBP said on Friday the leak was worse.\n\nPosted by kiwidave | Report as abusive Here is a fix."
    assert clean_text(other).body == "BP said on Friday the leak was worse."
    # a blog's comments, each under its stamp (tokenised or not)
    blog = ("Crowds grow\n\nThousands marched in Cairo on Friday.\n\nJanuary 28, 2011 at 12:44 pm | Reply "
            "I agree with this post.\n\nJanuary 29 , 2011 at 3:57 am | Reply Quit living in the past.")
    assert clean_text(blog).body == "Thousands marched in Cairo on Friday."
    blog = "Crowds grow\n\nThousands marched in Cairo on Friday. February 10, 2011 at 8:53 pm | Report abuse | Reply Yes."
    assert clean_text(blog).body == "Thousands marched in Cairo on Friday."
    # a blog's comments under their headers
    blog = ("Spill grows\n\nBP said on Friday the leak was worse.\n\nAt 2:28 pm on 28 May 2010, seaview wrote: "
            "I hope my pension fund is not invested in them.\n\nAt 6:53 P.M. on Jan 13, 2010, Jane Doe wrote: "
            "Condolences.\n\nAt 14:05 9th Jun 2010, horrified wrote: This discussion is odd.")
    assert clean_text(blog).body == "BP said on Friday the leak was worse."
    assert clean_text("Spill\n\nBP said on Friday the leak was worse. At 14:05 9th Jun 2010, horrified wrote: "
                      "Odd.").body == "BP said on Friday the leak was worse."
    # a reporter's "wrote" stays
    prose = "Spill\n\nAt the time, on 28 May 2010, the chairman wrote: we will pay."
    assert clean_text(prose).body == "At the time, on 28 May 2010, the chairman wrote: we will pay."
    # a reply that is not a comment stamp stays
    prose = "Talks\n\nThe ministry sent its reply on Monday, January 31, 2011, at noon."
    assert clean_text(prose).body == "The ministry sent its reply on Monday, January 31, 2011, at noon."


@pytest.mark.parametrize("furniture", [
    "Posted by Sally Quinn and Jon Meacham on June 1, 2010 10:20 AM Posted by Arthur Waskow, on July 21, 2010 4:21 PM ",
    "Posted by: Jane Doe on 21 July 2010 at 4:21 pm ET ",
    "ly/U6vgfT 6:30 pm ET February 11, 2013 RETWEET ",
    "6 January 2011 Last updated at 04:46 GMT Help ",
    "Last updated: 1 May, 2009 - 17:54 GMT ",
    "Page last updated at 08:58 GMT, Thursday, 24 June 2010 09:58 UK ",
    "(Updated 7:40 p.m. (0240 in Egypt)) ",
    "(Updated 9:45 a.m. ET (1645 in Egypt) ",
    "(Posted 5:32 p.m. in Cairo, 10:32 a.m. ET) ",
    "updated: Mon Jan 31 2011 06:12:00 ",
])
def test_clean_timestamped_furniture_is_cut_out_of_the_line(furniture):
    """A blog's post headers and a live page's tweet stamps carry dates that no sentence should take."""
    raw = f"Live\n\nProtesters gathered on Friday.\n\n{furniture}The army said it would act.\n\nTalks went on."
    assert paragraphs(clean_text(raw)) == ["Protesters gathered on Friday.", "The army said it would act.", "Talks went on."]


def test_clean_a_sentence_about_posting_is_kept():
    raw = ("Leak\n\nThe video was posted by the coast guard on June 1, 2010 and shows the rig burning.\n\n"
           "Officials at 4:30 pm ET on Friday said a retweet campaign had begun.\n\n"
           "The register was last updated in May 2009, and the list was updated at 10:00 on Monday.")
    assert paragraphs(clean_text(raw)) == ["The video was posted by the coast guard on June 1, 2010 and shows the rig burning.",
                                           "Officials at 4:30 pm ET on Friday said a retweet campaign had begun.",
                                           "The register was last updated in May 2009, and the list was updated at 10:00 on Monday."]
