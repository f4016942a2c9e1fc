"""Tests for pipeline.sentences: news abbreviations, quotes, paragraphs, offsets."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.records import Sentence
from pipeline.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    pytest.param("Officials in the U.S. Treasury agreed. Canada did not.",
                 ["Officials in the U.S. Treasury agreed.", "Canada did not."], id="U.S.-midsentence"),
    pytest.param("The deal was signed in the U.S. The talks then moved to Ottawa.",
                 ["The deal was signed in the U.S.", "The talks then moved to Ottawa."],
                 id="U.S.-sentence-end"),
    pytest.param("Talks resumed on Jan. 13 in Beijing. Both sides spoke.",
                 ["Talks resumed on Jan. 13 in Beijing.", "Both sides spoke."], id="Jan."),
    pytest.param("Trudeau arrived on Dec. 4, 2017. He met Li Keqiang.",
                 ["Trudeau arrived on Dec. 4, 2017.", "He met Li Keqiang."], id="Dec.-with-year"),
    pytest.param("Mr. Carney met Mrs. Smith and Dr. Lee. They talked.",
                 ["Mr. Carney met Mrs. Smith and Dr. Lee.", "They talked."], id="Mr.-Mrs.-Dr."),
    pytest.param("He spoke at No. 10 Downing Street. Reporters waited.",
                 ["He spoke at No. 10 Downing Street.", "Reporters waited."], id="No. 10"),
    pytest.param("He said no. Canada agreed.", ["He said no.", "Canada agreed."], id="no-as-word"),
    pytest.param("Exports rose 3.5% last year. Imports fell 1.2 per cent.",
                 ["Exports rose 3.5% last year.", "Imports fell 1.2 per cent."], id="decimals"),
    pytest.param("The meeting starts at 9 a.m. Monday in Ottawa. It ends at 5 p.m. The press waits.",
                 ["The meeting starts at 9 a.m. Monday in Ottawa.", "It ends at 5 p.m.",
                  "The press waits."], id="a.m.-p.m."),
    pytest.param("Gov. Newsom and Sen. Warren agreed. Rep. Smith did not.",
                 ["Gov. Newsom and Sen. Warren agreed.", "Rep. Smith did not."], id="Gov.-Sen.-Rep."),
    pytest.param("Lt. Col. Jane Roe led the unit. Gen. Smith approved.",
                 ["Lt. Col. Jane Roe led the unit.", "Gen. Smith approved."], id="Lt. Col."),
    pytest.param("Britain and the U.K. Foreign Office disagree. The E.U. Council met.",
                 ["Britain and the U.K. Foreign Office disagree.", "The E.U. Council met."], id="U.K."),
    pytest.param("Some partners, e.g. Japan, joined. Others, i.e. the rest, waited.",
                 ["Some partners, e.g. Japan, joined.", "Others, i.e. the rest, waited."],
                 id="e.g.-i.e."),
    pytest.param("John F. Kennedy visited Ottawa in 1961. He spoke.",
                 ["John F. Kennedy visited Ottawa in 1961.", "He spoke."], id="initials"),
    pytest.param("The author J. K. Rowling wrote it. Fans cheered.",
                 ["The author J. K. Rowling wrote it.", "Fans cheered."], id="two-initials"),
    pytest.param("Acme Inc. said it would appeal. The ruling stands.",
                 ["Acme Inc. said it would appeal.", "The ruling stands."], id="Inc.-midsentence"),
    pytest.param("The ruling went against Acme Inc. The company will appeal.",
                 ["The ruling went against Acme Inc.", "The company will appeal."], id="Inc.-end"),
    pytest.param("They met on St. Patrick's Day. It rained.",
                 ["They met on St. Patrick's Day.", "It rained."], id="St."),
    pytest.param("Roe v. Wade was cited. Judges differed.",
                 ["Roe v. Wade was cited.", "Judges differed."], id="v."),
])
def test_sentences_abbreviations(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("She called it “consequential and historic.” The trip began.",
                 ["She called it “consequential and historic.”", "The trip began."], id="curly-quote-end"),
    pytest.param("“We will win,” he said. “We are ready.” Then he left.",
                 ["“We will win,” he said.", "“We are ready.”", "Then he left."], id="curly-quotes"),
    pytest.param('"Why now?" he asked. Nobody answered.',
                 ['"Why now?" he asked.', "Nobody answered."], id="question-in-quote"),
    pytest.param("Is it over? Yes! It is.", ["Is it over?", "Yes!", "It is."], id="question-exclamation"),
    pytest.param("He paused... Then he spoke.", ["He paused...", "Then he spoke."], id="ellipsis"),
    pytest.param("Prices (in dollars.) Rose again.", ["Prices (in dollars.)", "Rose again."],
                 id="closing-bracket"),
    pytest.param("The vote is set for 2026. 2027 is next.", ["The vote is set for 2026.", "2027 is next."],
                 id="number-start"),
])
def test_sentences_quotes_and_punctuation(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("First paragraph has no stop\n\nSecond one does.",
                 ["First paragraph has no stop", "Second one does."], id="blank-line-ends"),
    pytest.param("Ends with Mr.\n\nSmith starts a paragraph.",
                 ["Ends with Mr.", "Smith starts a paragraph."], id="break-beats-abbreviation"),
    pytest.param("A hard-wrapped sentence\ncontinues here. Next.",
                 ["A hard-wrapped sentence\ncontinues here.", "Next."], id="single-newline-soft"),
    pytest.param("One.\n \n\t\nTwo.", ["One.", "Two."], id="blank-line-with-spaces"),
    pytest.param("  Leading and trailing space.  ", ["Leading and trailing space."], id="strip"),
])
def test_sentences_paragraph_breaks(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # Scraped pages run a photo caption or a headline into the lead with no stop between them.
    pytest.param("Dr Murray faces four years in prison if convicted A US judge has delayed the trial.",
                 ["Dr Murray faces four years in prison if convicted", "A US judge has delayed the trial."],
                 id="caption-A-acronym"),
    pytest.param("Haiti earthquake devastation as seen from the skies The situation here is dire.",
                 ["Haiti earthquake devastation as seen from the skies", "The situation here is dire."],
                 id="headline-The"),
    pytest.param("Oil rises at the site of the spill An oyster boat sails past. It waits.",
                 ["Oil rises at the site of the spill", "An oyster boat sails past.", "It waits."],
                 id="caption-An"),
    # a headline in title case run into the lead
    pytest.param("Market Rescue Plan Set in Motion The Treasury yesterday proposed a fund.",
                 ["Market Rescue Plan Set in Motion", "The Treasury yesterday proposed a fund."], id="title-case-headline"),
    # What stays one sentence: a title or a name after a lowercase word, and letter labels.
    pytest.param("She wrote for The New York Times and read The Economist daily.",
                 ["She wrote for The New York Times and read The Economist daily."], id="newspaper-names"),
    pytest.param("Outbreaks of swine flu, a disease caused by type A influenza, affect pigs.",
                 ["Outbreaks of swine flu, a disease caused by type A influenza, affect pigs."],
                 id="type-A"),
    pytest.param("Officials said plan A was dropped and hepatitis A cases rose.",
                 ["Officials said plan A was dropped and hepatitis A cases rose."], id="letter-labels"),
    pytest.param("He joined the band The Who later.", ["He joined the band The Who later."], id="band-name"),
    # a name before "The" inside a sentence, or too short a run to be a headline
    pytest.param("He works at Bank of America The bank said.", ["He works at Bank of America The bank said."],
                 id="name-inside-a-sentence"),
    pytest.param("Michael Jackson The star died.", ["Michael Jackson The star died."], id="two-word-run"),
    pytest.param("Our Album Of The Week is a reissue.", ["Our Album Of The Week is a reissue."], id="title-of-a-work"),
    pytest.param("It was a UN resolution and a US plan.", ["It was a UN resolution and a US plan."],
                 id="lowercase-article"),
])
def test_sentences_run_on_caption(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", None, 42, b"bytes"])
def test_sentences_nothing_is_empty_list(text):
    assert split_sentences(text) == []


def test_sentences_offsets_and_indexes_on_seed_paragraph():
    text = ("Carney is scheduled to meet Premier Li Qiang on Thursday. The two leaders last met "
            "at an APEC summit in South Korea.\n\nA public inquiry found limited impact.")
    got = split_sentences(text)
    assert [s.index for s in got] == [0, 1, 2]
    assert [(s.start, s.end) for s in got] == [(0, 57), (58, 116), (118, 156)]
    assert all(isinstance(s, Sentence) and text[s.start:s.end] == s.text for s in got)


_ALPHABET = st.sampled_from(list("ab C.D!?\n \t\"”’)(“.,;:0") + ["Mr.", "U.S.", "a.m.", "Jan.",
                                                               " The ", "\n\n", "…", "No. 1"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join) | st.text(max_size=200))
def test_sentences_offsets_property(text):
    got = split_sentences(text)
    prev_end = 0
    for i, s in enumerate(got):
        assert s.index == i
        assert 0 <= prev_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text
        prev_end = s.end
    # Nothing but whitespace is lost between sentences.
    covered = "".join(s.text for s in got)
    assert "".join(text.split()) == "".join(covered.split())


def test_sentences_long_text_splits_as_its_copies():
    # A 100,000-word text (the seed article 150 times, one paragraph break apart) splits into
    # the sentences of one copy, 150 times, each at its own offsets. Speed: bench/bench_sentences.py.
    text = (ROOT / "data" / "articles" / "carney-china.txt").read_text(encoding="utf-8").strip()
    one = texts(text)
    big = "\n\n".join([text] * 150)
    sentences = split_sentences(big)
    assert [s.text for s in sentences] == one * 150
    assert all(big[s.start:s.end] == s.text for s in sentences)
