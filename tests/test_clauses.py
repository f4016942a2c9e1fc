"""The clause analyser: which clause carries a date, and its subject, verb and arguments.

One case table in wire-style sentences written for these tests (the date expressions marked by
hand, as the temporal tagger would): sentence, the date the event hangs on, the other dates of
the sentence, then what the analyser must find.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clauses import Clause, analyse_clause, clause_at, lexicon, parse_sentence, scope_end, tokenize


def _spans(sentence: str, *phrases: str) -> tuple[tuple[int, int], ...]:
    return tuple((sentence.index(p), sentence.index(p) + len(p)) for p in phrases)


def _clause(sentence: str, date: str, others: tuple[str, ...] = ()) -> Clause:
    spans = _spans(sentence, date, *others)
    return analyse_clause(sentence, spans[0], spans)


# (label, sentence, date, other dates, lemma, voice, tense, title)
CASES = [
    ("active past", "Police arrested the opposition leader in Minsk on Sunday.", "Sunday", (),
     "arrest", "active", "past", "Police arrested the opposition leader in Minsk"),
    ("passive", "The two journalists were detained at the border on Friday.", "Friday", (),
     "detain", "passive", "past", "The two journalists were detained at the border"),
    ("report frame, date of the report", "Seoul said on Monday that it would expel three diplomats.",
     "Monday", (), "say", "active", "past", "Seoul said it would expel three diplomats"),
    ("will + verb", "The minister will visit Jakarta next week.", "next week", (),
     "visit", "active", "future", "The minister will visit Jakarta"),
    ("is scheduled to + verb", "The president is scheduled to meet his French counterpart on Thursday.",
     "Thursday", (), "meet", "active", "future", "The president is scheduled to meet his French counterpart"),
    ("apposition with an article, report object kept",
     "Kim Ho-jin, a spokesman for the foreign ministry, told reporters on Tuesday that talks had stalled.",
     "Tuesday", (), "tell", "active", "past", "Kim Ho-jin told reporters talks had stalled"),
    ("apposition dropped, name whole",
     "Meng Wanzhou, the chief financial officer of Huawei, was arrested in Vancouver on Dec. 1.", "Dec. 1", (),
     "arrest", "passive", "past", "Meng Wanzhou was arrested in Vancouver"),
    ("apposition with a possessive between subject and verb",
     "The quake, Haiti's worst in two centuries, struck south of the capital on Tuesday.", "Tuesday", (),
     "strike", "active", "past", "The quake struck south of the capital"),
    ("apposition with an article between subject and verb",
     "Pfizer, the world's largest drugmaker, bought its rival Wyeth on Monday.", "Monday", (),
     "buy", "active", "past", "Pfizer bought its rival Wyeth"),
    ("name then its apposition", "Two people, an 84-year-old woman and a young man, were pulled alive from the rubble on Friday.",
     "Friday", (), "pull", "passive", "past", "Two people were pulled alive from the rubble"),
    ("photo credit before the subject",
     "(By Tony Dejak, Associated Press) National City, a Cleveland bank, has lost 80 percent of its value this year.",
     "this year", (), "lose", "active", "present", "National City has lost 80 percent of its value"),
    ("dateline before the subject", "LOS ANGELES | About 30 Marines, all recruits, have been tested on Wednesday.",
     "Wednesday", (), "test", "passive", "present", "About 30 Marines have been tested"),
    ("fronted date", "In March, the government imposed tariffs on steel.", "March", (),
     "impose", "active", "past", "the government imposed tariffs on steel"),
    ("two fronted dates, first", "Six years ago, in March 2019, Beijing banned imports of Canadian canola.",
     "Six years ago", ("March 2019",), "ban", "active", "past", "Beijing banned imports of Canadian canola"),
    ("two fronted dates, second", "Six years ago, in March 2019, Beijing banned imports of Canadian canola.",
     "March 2019", ("Six years ago",), "ban", "active", "past", "Beijing banned imports of Canadian canola"),
    ("thin clause widened by its when-clause",
     "Relations soured a year later, when Ottawa expelled a Chinese diplomat.", "a year later", (),
     "sour", "active", "past", "Relations soured when Ottawa expelled a Chinese diplomat"),
    ("relative clause takes its antecedent",
     "The talks, which began in Geneva on Monday, were suspended on Wednesday.", "Monday", ("Wednesday",),
     "begin", "active", "past", "The talks began in Geneva"),
    ("main clause after a relative", "The talks, which began in Geneva on Monday, were suspended on Wednesday.",
     "Wednesday", ("Monday",), "suspend", "passive", "past", "The talks were suspended"),
    ("coordinated verb phrase not in the title",
     "Protesters gathered outside the embassy on Saturday and burned flags.", "Saturday", (),
     "gather", "active", "past", "Protesters gathered outside the embassy"),
    ("second coordinated verb shares the subject",
     "She left for Beijing on Sunday and met the premier on Monday.", "Monday", ("Sunday",),
     "meet", "active", "past", "She met the premier"),
    ("subordinate participle clause left out",
     "The court sentenced the activist to eight years in prison on Tuesday after convicting him of subversion.",
     "Tuesday", (), "sentence", "active", "past", "The court sentenced the activist to eight years in prison"),
    ("report after its clause, date of the clause",
     "Washington will impose tariffs of 25 per cent on Canadian steel starting June 1, the White House said on "
     "Friday.", "June 1", ("Friday",), "impose", "active", "future",
     "Washington will impose tariffs of 25 per cent on Canadian steel"),
    ("report after its clause, date of the report",
     "Washington will impose tariffs of 25 per cent on Canadian steel starting June 1, the White House said on "
     "Friday.", "Friday", ("June 1",), "say", "active", "past",
     "the White House said Washington will impose tariffs of 25 per cent on Canadian steel"),
    ("a name renames a common noun subject", "Another activist, Lee Min-ho, was released on bail on Thursday.",
     "Thursday", (), "release", "passive", "past", "Lee Min-ho was released on bail"),
    ("who-clause", "The foreign minister, who arrived in Ottawa on Tuesday, is expected to sign a visa accord "
     "on Thursday.", "Tuesday", ("Thursday",), "arrive", "active", "past", "The foreign minister arrived in Ottawa"),
    ("is expected to + verb after a who-clause",
     "The foreign minister, who arrived in Ottawa on Tuesday, is expected to sign a visa accord on Thursday.",
     "Thursday", ("Tuesday",), "sign", "active", "future", "The foreign minister is expected to sign a visa accord"),
    ("not ... until names the happening", "The two men were not freed until September.", "September", (),
     "free", "passive", "past", "The two men were freed"),
    ("catenative hands over to its infinitive", "China moved this month to block shipments of soybeans.",
     "this month", (), "block", "active", "past", "China moved to block shipments of soybeans"),
    ("intent: the infinitive has not happened",
     "Prosecutors agreed to drop the charges against her in December 2026.", "December 2026", (),
     "agree", "active", "future", "Prosecutors agreed to drop the charges against her"),
    ("negative frame keeps its tense", "The minister declined to comment on Tuesday.", "Tuesday", (),
     "decline", "active", "past", "The minister declined to comment"),
    ("zero relative clause: object filled", "Canada wants China to lift the tariffs it placed on steel last year.",
     "last year", (), "place", "active", "past", "it placed the tariffs on steel"),
    ("participle after a comma", "The ministry said the ban, announced in May, would stay in place.", "May", (),
     "announce", "passive", "", "the ban announced in May"),
    ("zero-that report", "Officials said the delegation would arrive on Monday.", "Monday", (),
     "arrive", "active", "modal", "the delegation would arrive"),
    ("official protest", "Tokyo lodged a formal protest on Wednesday over the incursion.", "Wednesday", (),
     "lodge", "active", "past", "Tokyo lodged a formal protest over the incursion"),
    ("passive summons", "The envoy was summoned to the foreign ministry on Monday evening.", "Monday evening", (),
     "summon", "passive", "past", "The envoy was summoned to the foreign ministry"),
    ("an adjective aside between subject and verb",
     "State media said the blogger, missing for more than a week, will be freed on Monday.", "Monday", (),
     "free", "passive", "future", "the blogger will be freed"),
    ("a prepositional aside before a past verb",
     "The president, in a televised address, said on Tuesday that he would not run again.", "Tuesday", (),
     "say", "active", "past", "The president said he would not run again"),
    ("a time that witnesses: its object is the happening", "Tuesday saw the largest protests yet in the capital.",
     "Tuesday", (), "see", "active", "past", "Tuesday saw the largest protests"),
    ("a time expected to witness", "Sunday is expected to see a sixth day of strikes at the port.", "Sunday", (),
     "see", "active", "future", "a sixth day of strikes at the port"),
    ("a date adverbial between subject and verb", "Police on Sunday arrested the opposition leader.", "Sunday",
     (), "arrest", "active", "past", "Police arrested the opposition leader"),
    ("a relative date between subject and verb", "The ministry last week announced new export rules.", "last week",
     (), "announce", "active", "past", "The ministry announced new export rules"),
    ("a time as the subject of a copula", "Saturday was the bloodiest day of the uprising so far.", "Saturday", (),
     "be", "active", "past", "Saturday was the bloodiest day of the uprising"),
]


@pytest.mark.parametrize(("sentence", "date", "others", "lemma", "voice", "tense", "title"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_clauses_case_table(sentence, date, others, lemma, voice, tense, title):
    clause = _clause(sentence, date, others)
    assert (clause.lemma, clause.voice, clause.tense) == (lemma, voice, tense)
    assert clause.title == title
    assert clause.has_action and not clause.date_only


# (label, sentence, date, other dates, noun lemma, title): a noun phrase carries the happening
NOMINAL_CASES = [
    ("date after a noun in an aside",
     "Officials describe the summit as a turning point, the first meeting of the two leaders since 2019.",
     "2019", (), "meet", "first meeting of the two leaders"),
    ("date inside the object of a light verb", "The embargo followed the seizure of a tanker in the Gulf in July.",
     "July", (), "seize", "seizure of a tanker in the Gulf"),
    ("followed by", "The minister will meet officials on Monday, followed by a visit to the port on Tuesday.",
     "Tuesday", ("Monday",), "visit", "visit to the port"),
    ("premodifying date", "Relations soured after the 2018 arrest in Vancouver of a Chinese executive.",
     "2018", (), "arrest", "arrest in Vancouver of a Chinese executive"),
    # A date that closes a phrase a time connective opens after the verb dates that phrase's
    # happening, not the main verb's.
    ("after the noun of X DATE",
     "Cleanup efforts continue in the Gulf of Mexico, after the explosion of the Deepwater Horizon rig April 20.",
     "April 20", (), "explode", "explosion of the Deepwater Horizon rig"),
    ("since the noun of X on DATE", "Relations have been frozen since the arrest of Meng Wanzhou on Dec. 1, 2018.",
     "Dec. 1, 2018", (), "arrest", "arrest of Meng Wanzhou"),
    ("since a possessive noun", "Demand for his music has surged since his death on Thursday.",
     "Thursday", (), "die", "his death on Thursday"),
]


# The main verb keeps the date when the writer put it before the connective, or when what the
# connective opens names no happening.
@pytest.mark.parametrize(("sentence", "date", "lemma"), [
    ("Markets fell on Friday after the death of the king.", "Friday", "fall"),
    ("Markets fell after the king died on Friday.", "Friday", "die"),
    ("The ministers met again after a break on Friday.", "Friday", "meet"),
    ("Exports rose after the summit, on Friday.", "Friday", "rise"),
])
def test_clauses_main_verb_keeps_its_date(sentence, date, lemma):
    clause = _clause(sentence, date)
    assert clause.kind == "finite" and clause.lemma == lemma


@pytest.mark.parametrize(("sentence", "date", "others", "noun", "title"),
                         [pytest.param(*case[1:], id=case[0]) for case in NOMINAL_CASES])
def test_clauses_noun_phrase_cases(sentence, date, others, noun, title):
    clause = _clause(sentence, date, others)
    assert (clause.kind, clause.noun) == ("nominal", noun)
    assert clause.title == title
    assert clause.has_action


@pytest.mark.parametrize(("sentence", "date"), [
    ("Saturday.", "Saturday"),
    ("In March.", "March"),
])
def test_clauses_date_alone_is_flagged(sentence, date):
    clause = _clause(sentence, date)
    assert clause.date_only and not clause.has_action and clause.title == ""


@pytest.mark.parametrize(("sentence", "date"), [
    ("Farmers are unsure what to plant this year.", "this year"),
    ("The mood in the capital was tense on Friday.", "Friday"),
])
def test_clauses_no_action(sentence, date):
    clause = _clause(sentence, date)
    assert not clause.has_action and not clause.date_only
    assert clause.title


# (label, sentence, date, lemma, period_end): after "until", a date ends the state a verb's act
# began ("prorogued", "postponed"): the act was not then. A date that ends the happening itself
# ("the visit runs until Saturday") or a negated "not ... until" (the release was then) dates it.
UNTIL_CASES = [
    ("prorogued", "Parliament has been prorogued until late March.", "late March", "prorogue", True),
    ("postponed", "Officials postponed the vote until Saturday.", "Saturday", "postpone", True),
    ("adjourned, till", "The court adjourned the hearing till Monday.", "Monday", "adjourn", True),
    ("at least", "The government has suspended the programme until at least 2027.", "2027", "suspend", True),
    ("purpose infinitive after an aside",
     "A judge has delayed the trial of the singer's doctor, Conrad Murray, until May to allow more time.",
     "May", "delay", True),
    ("the happening's own end", "The visit runs until Saturday.", "Saturday", "run", False),
    ("not until", "The three were not released until September 2021.", "September 2021", "release", False),
    ("an act at the date", "Officials postponed the vote on Saturday.", "Saturday", "postpone", False),
]


@pytest.mark.parametrize(("sentence", "date", "lemma", "period_end"),
                         [pytest.param(*case[1:], id=case[0]) for case in UNTIL_CASES])
def test_clauses_until_a_date_that_ends_a_state(sentence, date, lemma, period_end):
    clause = _clause(sentence, date)
    assert (clause.lemma, clause.period_end) == (lemma, period_end)


@pytest.mark.parametrize(("sentence", "date", "title"), [
    ("The ban will stay in place until at least 2027.", "2027", "The ban will stay in place"),
    ("Negotiators met until late on Friday in Geneva.", "Friday", "Negotiators met in Geneva"),
    # a plain date takes only its own preposition
    ("The deal they signed up to in 2019 collapsed.", "2019", "The deal they signed up to collapsed"),
    # too short without its date: the date comes back whole, qualifiers and all
    ("Talks continued until late on Friday.", "Friday", "Talks continued until late on Friday"),
])
def test_clauses_title_drops_a_qualified_date_whole(sentence, date, title):
    assert _clause(sentence, date).title == title


def test_clauses_one_parse_answers_every_date():
    text = "Kovrig was detained on Dec. 10, 2018, and released on Sept. 24, 2021."
    parse = parse_sentence(text, _spans(text, "Dec. 10, 2018", "Sept. 24, 2021"))
    first = clause_at(parse, _spans(text, "Dec. 10, 2018")[0])
    second = clause_at(parse, _spans(text, "Sept. 24, 2021")[0])
    assert (first.lemma, second.lemma) == ("detain", "release")
    assert second.title == "Kovrig released on Sept. 24, 2021"   # two words alone: the date stays


def test_clauses_main_clause_without_a_date():
    clause = analyse_clause("Mark Carney visits China seeking trade diversification.")
    assert (clause.lemma, clause.tense) == ("visit", "present")


def test_clauses_date_words_never_in_the_title():
    text = "On Monday, the two sides held talks in Geneva for the first time since March."
    spans = _spans(text, "Monday", "March")
    for span in spans:
        title = analyse_clause(text, span, spans).title
        assert "Monday" not in title and "March" not in title


def test_clauses_tokens_keep_names_and_dates_whole():
    text = "U.S. officials met Xi Jinping's envoy on Dec. 1, 2018."
    toks = tokenize(text, _spans(text, "Dec. 1, 2018"))
    assert [text[t.start:t.end] for t in toks][:4] == ["U.S.", "officials", "met", "Xi"]
    assert any(t.kind == "d" and text[t.start:t.end] == "Dec. 1, 2018" for t in toks)
    assert any(t.poss and t.low == "jinping's" for t in toks)


def test_clauses_lexicon_knows_irregular_and_regular_forms():
    forms = lexicon().forms
    assert ("hold", "past") in forms["held"] and ("meet", "pp") in forms["met"]
    assert ("detain", "past") in forms["detained"] and ("impose", "ing") in forms["imposing"]
    assert ("expel", "past") in forms["expelled"] and ("try", "s") in forms["tries"]
    assert lexicon().nouns["detention"] == "detain"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.integers(0, 200), st.integers(1, 20))
def test_clauses_any_text_never_raises(text, start, length):
    span = (min(start, len(text)), min(start + length, len(text)))
    clause = analyse_clause(text, span if span[0] < span[1] else None, (span,) if span[0] < span[1] else ())
    assert isinstance(clause, Clause)
    assert all(isinstance(t, str) for _, t in clause.pieces)


@pytest.mark.parametrize("sentence, date, scope", [
    # a later clause with its own subject and verb is another happening the date does not date
    ("Police arrested Meng Wanzhou in Vancouver in December 2018, and China detained Michael Kovrig.",
     "December 2018", "Police arrested Meng Wanzhou in Vancouver in December 2018,"),
    ("The court freed him on Friday but the ministry refused to comment.", "Friday",
     "The court freed him on Friday"),
    # a second event noun joined by "and": the arrest, not China's detention of two Canadians
    ("Those began with the arrest of Meng Wanzhou in December 2018 and China's detention of Michael Kovrig.",
     "December 2018", "Those began with the arrest of Meng Wanzhou in December 2018"),
    # a dated relative clause is its own happening, not the sentence's predicate
    ("Trudeau, who visited Beijing in December 2017, has since faced pressure over Huawei.",
     "December 2017", "Trudeau, who visited Beijing in December 2017"),
    # a detached phrase placing the date by another happening, unless the date is fronted
    ("Kovrig was tried in Beijing in March, three days after Spavor, but no verdict came.", "March",
     "Kovrig was tried in Beijing in March"),
    ("In March 2019, three months after the arrest, China blocked canola shipments.", "March 2019", None),
    # one happening: a coordinated subject, a shared subject, a plain list of names
    ("Kovrig and Spavor were released in September 2021.", "September 2021", None),
    ("Trudeau landed in Beijing on Monday and met Premier Li Keqiang.", "Monday", None),
    ("China detained Michael Kovrig and Michael Spavor in December 2018.", "December 2018", None),
    # a clause placing the date ("the same day that ...") names another happening and its parties
    ("The arrest took place on the same day that Donald Trump and Xi Jinping met over dinner.",
     "the same day", "The arrest took place on the same day"),
    # ... but what a report verb says after its date is the report's content
    ("Trump said in an interview this week that he might intervene in the case.", "this week", None),
    ("Officials said on the same day that the talks had failed.", "the same day", None),
    # a fronted time clause with its own subject: the main clause after it is another happening
    ("After the rebels seized the town on Friday, government forces shelled it.", "Friday",
     "After the rebels seized the town on Friday"),
    ("In his third visit since the rig exploded April 20, Obama sought to reassure residents.", "April 20",
     "In his third visit since the rig exploded April 20"),
    # ... not when it follows the main clause
    ("Trudeau said he had no role when Meng was arrested on Dec. 1, 2018.", "Dec. 1, 2018", None),
])
def test_clauses_scope_end_stops_at_the_next_happening(sentence, date, scope):
    at = (sentence.index(date), sentence.index(date) + len(date))
    end = scope_end(parse_sentence(sentence, (at,)), at)
    assert (None if end is None else sentence[:end].rstrip()) == scope
