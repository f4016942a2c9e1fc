"""Tests for the CAMEO event coder: clauses coded from their verb and arguments, plain text from
trigger phrases."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cameo import (
    classify_clause, classify_event, find_triggers, goldstein_table, quad_class, verb_code, verb_table,
)
from pipeline.clauses import analyse_clause
from pipeline.records import EventCode

_DATE_MARK = re.compile(r"\[(.+?)\]")


def _clause_code(marked: str) -> str:
    """The code event assembly gives the clause that carries the [bracketed] date of a sentence:
    the clause's own code, else 010 for a clause that names its happening, else the text's triggers."""
    m = _DATE_MARK.search(marked)
    text = marked if m is None else marked[:m.start()] + m.group(1) + marked[m.end():]
    span = None if m is None else (m.start(), m.start() + len(m.group(1)))
    clause = analyse_clause(text, span, (span,) if span else ())
    code = classify_clause(clause)
    if code is None:
        code = classify_event("" if clause.lemma or clause.noun else text)
    return code.code


# Sentence in, code out: wire-style sentences written for this table (none copied from an
# article), the date the event hangs on in brackets. Known failures stay, marked with why.
CLAUSE_CASES = [
    # --- arrests, detention, legal action: material conflict (17x)
    ('arrest, active', 'Police arrested the opposition leader in Minsk [on Sunday].', "173"),
    ('arrest, passive',
     'Meng Wanzhou was arrested in Vancouver [on Dec. 1] at the request of the United States.',
     "173"),
    ('arrest, nominal', "The dispute followed Canada's [December 2018] arrest of a Huawei executive.", "173"),
    ('detain, passive with apposition',
     'Michael Kovrig, a former diplomat, was detained in Beijing [on Monday evening].',
     "173"),
    ('detain, active', 'Chinese state security officers detained two Canadians [on Dec. 10].', "173"),
    ('taken into custody', 'He was taken into custody in Beijing [on Monday evening].', "173"),
    ('held in custody', 'The reporter has been held in custody without charge [since March].', "173"),
    ('charged', 'The two men were charged with espionage [in June].', "173"),
    ('indicted', 'A federal grand jury indicted the company [in January] on bank fraud charges.', "173"),
    ('sentenced to prison',
     'A court in Dandong sentenced the businessman to 11 years in prison [on Wednesday].',
     "173"),
    ('sentenced, passive', 'The Canadian was sentenced to death [in January] in a retrial on drug charges.', "173"),
    ('tried', 'The former diplomat was tried behind closed doors in Beijing [in March].', "173"),
    ('trial took place', 'His trial took place behind closed doors [in March].', "173"),
    ('extradition proceedings',
     'The Justice Department authorised extradition proceedings against her [on March 1].',
     "173"),
    ('jailed', 'The activist was jailed for four years [in 2019].', "173"),
    ('convicted', 'The court convicted him of spying [last month].', "116"),
    ('found guilty', 'A jury found the senator guilty of bribery [on Friday].', "116"),
    ('deported', 'Thailand deported 40 Uyghur men to China [in February].', "174"),
    ('expelled a diplomat', 'Ottawa expelled a Chinese diplomat accused of targeting an MP [on Monday].', "166"),
    ('expelled journalists', 'The government expelled three foreign journalists [last week].', "174"),
    ('summoned the ambassador',
     'The foreign ministry summoned the Canadian ambassador [on Thursday] to protest.',
     "114"),
    ('envoy summoned, passive', "China's envoy was summoned to the foreign ministry [on Monday].", "114"),
    ('recalled ambassador', 'Riyadh recalled its ambassador from Ottawa [in August].', "161"),
    # --- releases: material cooperation (0841), and releases that are not of persons
    ('released, passive', 'The three were released [on Sept. 24, 2021].', "0841"),
    ('freed', 'The two men were freed [in September 2021] after nearly three years in custody.', "0841"),
    ('released on bail', 'A judge released her on bail of 10 million dollars [on Tuesday].', "0841"),
    ('not released until', 'None of the three was released until [September 2021].', "0841"),
    ('discharged by a judge', 'A judge discharged the executive [later on Friday].', "0841"),
    ('home from custody',
     'The two men arrived back in Canada [on Saturday] after more than 1,000 days in custody.',
     "0841"),
    ('released a report: a statement', 'The commission released its final report [in January].', "010"),
    ('report released, passive', "The inquiry's final report was released [on Tuesday].", "010"),
    ('charges dropped', 'Prosecutors dropped the fraud charges against the executive [in December].', "0841"),
    # --- tariffs, sanctions, embargoes: material conflict (163)
    ('imposed tariffs', 'Beijing imposed 100 per cent tariffs on Canadian canola oil [in March].', "163"),
    ('will impose a surtax',
     'Canada will impose a 100 per cent surtax on Chinese electric vehicles [starting Oct. 1].',
     "163"),
    ('said it would impose tariffs',
     'China said [on Saturday] that it would impose tariffs on Canadian pork.',
     "163"),
    ('announced tariffs', 'Beijing announced tariffs of 25 per cent on pork and seafood [in March].', "163"),
    ('tariffs in retaliation',
     "China imposed tariffs on canola [in March] in retaliation for Canada's surtax.",
     "163"),
    ('retaliated against goods', 'Ottawa retaliated against a first list of American goods [on Tuesday].', "163"),
    ('raised tariffs', 'The administration raised tariffs on Chinese steel to 50 per cent [in June].', "163"),
    ('sanctions', 'Washington sanctioned five officials over the crackdown [on Friday].', "163"),
    ('imposed sanctions', 'The European Union imposed sanctions on 14 companies [in February].', "163"),
    ('blocked shipments', 'China blocked canola seed shipments from two exporters [in March 2019].', "163"),
    ('moved to block', 'China moved [this month] to block shipments from major Canadian exporters.', "163"),
    ('suspended imports', 'China suspended imports of Canadian beef [in June].', "163"),
    ('revoked registration',
     'Customs authorities revoked the registration of the grain exporter [earlier this month].',
     "163"),
    ('banned imports', 'Moscow banned imports of Polish apples [in 2014].', "163"),
    ('anti-dumping deposit',
     'Beijing imposed a preliminary anti-dumping deposit of 75.8 per cent on canola seed [in August].',
     "163"),
    ('duties took effect', 'The new duties take effect [on March 20].', "163"),
    ('deposits required', 'The deposits will be required [from Aug. 14].', "163"),
    ('barred a company', 'Ottawa barred Huawei from its 5G networks [in May].', "163"),
    # --- easing: material cooperation (085)
    ('lifted tariffs', 'Beijing lifted its tariffs on canola [in March].', "085"),
    ('suspended the tariffs',
     'Trump suspended the tariffs on goods covered by the agreement [two days later].',
     "085"),
    ('eased restrictions', 'The two sides eased restrictions on beef imports [in April].', "085"),
    # --- threats, accusations, criticism, demands, rejections: verbal conflict (1xx)
    ('threatened tariffs', 'The president threatened to impose tariffs on Mexican goods [on Thursday].', "1312"),
    ('threatened force', 'The general threatened to use military force against the rebels [on Monday].', "138"),
    ('vowed to retaliate', 'Beijing vowed to retaliate [on Wednesday] if the tariffs go ahead.', "130"),
    ('warned of consequences', 'The ministry warned of consequences [on Friday].', "130"),
    ('accused of spying', 'Prosecutors accused the two men of spying [in June 2020].', "1125"),
    ('accused of human rights abuses', 'The report accused the government of human rights abuses [in 2022].', "1122"),
    ('accused of interference', 'Ottawa accused Beijing of interference in two elections [on Tuesday].', "1121"),
    ('alleged', 'Media reports alleged [in 2023] that China had tried to influence two elections.', "112"),
    ('condemned', 'Ottawa condemned the verdict as unjust [on Wednesday].', "111"),
    ('criticised', 'The prime minister criticised the decision [on Monday].', "111"),
    ('called it arbitrary',
     'The death sentence, which the prime minister called arbitrary, was handed down [in January].',
     "173"),
    ('lodged a protest', 'Tokyo lodged a formal protest over the incursion [on Wednesday].', "114"),
    ('denied', 'Beijing denied the allegations [on Thursday].', "016"),
    ('rejected', 'The court rejected the appeal of the Canadian [a day earlier].', "173"),
    ('rejected a proposal', 'The government rejected the proposal [on Friday].', "120"),
    ('refused to release', 'The junta refused to release the detained journalists [in May].', "1243"),
    ('demanded release', 'The United States demanded the release of the two men [in March].', "1053"),
    ('declined to comment', 'The embassy declined to comment [on Tuesday].', "011"),
    ('vetoed', 'Russia vetoed the resolution [on Friday].', "129"),
    ('broke off talks', 'Trump broke off trade talks with Canada [last week].', "164"),
    ('relations broke down', 'Relations broke down [a year later].', "161"),
    # A change in relations told through the conflict that caused it is coded as that conflict
    ('relations collapsed', 'Relations collapsed [in 2018] after the arrest.', "173"),
    ('relations broke down when', 'Relations broke down [a year later], when Canada arrested a Huawei executive.', "173"),
    ('relations soured over tariffs', 'Relations soured [in 2019] over the tariffs on canola.', "161"),
    ('relations broke down after talks', 'Relations broke down [in 2019] after talks stalled.', "161"),
    ('ties deteriorated', 'Ties between the two countries deteriorated [last year].', "161"),
    ('opened an investigation',
     "China's Ministry of Commerce said [on Tuesday] it had opened an anti-dumping investigation.",
     "090"),
    ('inquiry created', 'The inquiry was created [in September 2023].', "090"),
    # --- meetings, visits, negotiations: verbal cooperation (04x)
    ('met', 'Prime Minister Mark Carney met Premier Li Qiang in Beijing [on Thursday].', "040"),
    ('met on the sidelines',
     "Carney met Xi Jinping [on Friday] on the sidelines of the APEC leaders' meeting.",
     "044"),
    ('met at a summit', 'The two leaders last met at an APEC summit in South Korea [in October].', "044"),
    ('is scheduled to meet', 'Carney is scheduled to meet Premier Li Qiang [on Thursday].', "040"),
    ('held talks', 'The prime minister held talks with the chancellor [on Monday].', "040"),
    ('meeting, nominal',
     "The visit follows Carney's meeting with Xi [on Oct. 31] at the APEC leaders' meeting.",
     "044"),
    ('spoke by phone', 'The two ministers spoke by phone [on Tuesday].', "041"),
    ('visited', 'Trudeau visited Beijing [in December 2017].', "042"),
    ('arrived in', 'The minister arrived in the Chinese capital [on Wednesday].', "042"),
    ('travelled to', 'The premier travelled to Ottawa [last week].', "042"),
    ('flew to', 'On Wednesday, Trudeau flew to Guangzhou, the capital of Guangdong province.', "042"),
    ('hosted', 'Xi hosted the Canadian prime minister at the Great Hall of the People [on Friday].', "043"),
    ('negotiations', 'The two sides negotiated a free trade deal [in 2016].', "046"),
    ('mediated', 'Qatar mediated between the two sides [in November].', "045"),
    ('invited', 'Xi invited Carney to China [in October].', "036"),
    ('agreed to hold talks', "The two countries agreed to hold an annual leaders' dialogue [in 2016].", "036"),
    ('agreed to lift', 'The two sides agreed to lift retaliatory tariffs [in May].', "035"),
    ('agreed to work toward',
     'The two leaders agreed to work toward resolving their trade disputes [on Oct. 31].',
     "030"),
    ('pledged cooperation', 'The ministers pledged to deepen cooperation on climate [in June].', "030"),
    ('wants tariffs lifted', 'Canada wants China to lift the tariffs it placed on canola [last year].', "163"),
    ('urged release', 'The G7 urged China to release the detained Canadians [in June].', "0253"),
    ('asked to resign', 'In January, Trudeau asked the ambassador to resign.', "0241"),
    # --- agreements: 057
    ('signed an agreement', 'Canada and the EU signed a free trade agreement [in October 2016].', "057"),
    ('agreement signed, passive', 'The new trade agreement was signed in Buenos Aires [on Nov. 30, 2018].', "057"),
    ('reached a deal', 'The executive reached a deal with U.S. prosecutors [on Friday].', "057"),
    ('struck a deal', 'Meng struck a deal with American prosecutors [on Friday].', "057"),
    ('came into force', 'The agreement came into force [on July 1, 2020].', "057"),
    # --- other cooperation
    ('praised', 'The secretary general praised the agreement [on Monday].', "051"),
    ('apologised', 'The minister apologised for the remarks [on Thursday].', "055"),
    ('provided aid', 'Japan provided humanitarian aid to the flood victims [in August].', "073"),
    ('show of support',
     'Diplomats gathered outside the courthouse [in March] in a show of support for Kovrig.',
     "053"),
    # --- force
    ('attacked', 'Rebels attacked the town [in April], killing 12 civilians.', "190"),
    ('invaded', 'Russia invaded Ukraine [in February 2022].', "192"),
    ('deployed troops', 'The army deployed troops to the border [on Sunday].', "154"),
    ('declared a ceasefire', 'The two sides declared a ceasefire [on Monday].', "0871"),
    # --- statements: 010 only for a statement that says nothing more
    ('said', 'Global Affairs Canada said [on Wednesday] that it had lost contact with him.', "010"),
    ('said, content coded',
     'The prime minister said [on Thursday] that the decision to arrest her had been taken by the proper authorities.',
     "173"),
    ('announced he would resign', 'The prime minister announced [earlier this month] that he would resign.', "010"),
    ('speech', 'He is expected to speak to an audience of business executives [later in the week].', "010"),
    ('unveiled a strategy', 'The foreign minister unveiled the Indo-Pacific strategy [in 2022].', "010"),
    ('bargaining chips is no negotiation',
     'Biden said [in February] that human beings were not bargaining chips.',
     "010"),
    pytest.param('promise to respond', 'Beijing said [on Monday] it would respond firmly to the sanctions.', "130",
                 marks=pytest.mark.xfail(strict=True, reason='a promise to respond to sanctions is read through its noun: the sanctions (163), not the threat (130)')),
    ('talks collapsed after relative',
     'The talks, which had been expected to produce a ceasefire, collapsed [on Sunday].',
     "164"),
    ('detained, reduced relative in subject', 'Two Canadians detained in China were released [on Friday].', "0841"),
    ('said they had detained', 'Police said [on Sunday] they had detained 12 protesters.', "173"),
    ('accused of detaining', 'Washington accused Beijing [on Monday] of arbitrarily detaining the two men.', "112"),
    ('threatened to cut off contact',
     "Kim's sister threatened [on Tuesday] to cut off all communication with Seoul.",
     "1313"),
    pytest.param('warships sailed through', 'Chinese warships sailed through the strait [on Monday].', "154",
                 marks=pytest.mark.xfail(strict=True, reason='naval manoeuvres are not in the verb table: sailing says nothing, so the clause falls back to 010')),
    pytest.param('travel warning', 'The embassy issued a travel warning [on Friday].', "012",
                 marks=pytest.mark.xfail(strict=True, reason="a warning named by a noun after a light verb ('issued a travel warning') finds no trigger")),
    ('clashed with police', 'Protesters clashed with police outside parliament [on Saturday].', "145"),
    ('rioted', 'Hundreds of youths rioted in the port city [on Friday] after the verdict.', "145"),
    ('massacred', 'Government troops massacred dozens of villagers [on Sunday], witnesses said.', "202"),
    ('crackdown', 'The crackdown [on Monday] left at least 20 protesters dead.', "175"),
    ('shelled', 'Government forces shelled the city of Homs [on Friday], activists said.', "194"),
    ('kidnapped', 'Gunmen kidnapped two aid workers near the border [on Sunday].', "181"),
    ('captured a town', 'Rebel fighters captured the coastal town of Zawiya [on Saturday].', "192"),
    ('captured a person', 'Soldiers captured a senior militant commander [on Saturday].', "173"),
    ('seized an airport', 'Insurgents seized the airport outside the city [on Tuesday].', "192"),
    ('seized drugs', 'Customs officers seized two tonnes of cocaine at the port [on Tuesday].', "1711"),
    ('took control', 'Government troops took control of the border crossing [on Monday].', "192"),
    ('air strikes', 'NATO warplanes bombed an ammunition depot near the capital [on Monday].', "195"),
    ('a bomb on the ground', 'A man bombed a crowded market in the north [on Monday].', "183"),
    ('ambushed', 'Insurgents ambushed a supply convoy on the highway [on Thursday].', "190"),
    ('stormed', 'Security forces stormed the rebel-held town [on Sunday].', "190"),
    ('retreated', 'Rebel fighters retreated from the oil town [on Wednesday].', "0874"),
    ('blew himself up', 'A suicide bomber blew himself up outside a police station [on Tuesday].', "1831"),
    ('fired rockets', 'Militants fired rockets into the south of the country [on Monday].', "190"),
    ('assassinated', 'Gunmen assassinated the provincial governor [on Thursday].', "186"),
    ('exchanged prisoners', 'Ukraine and Russia exchanged prisoners [on Saturday].', "0841"),
    ('sanctions extended', 'The sanctions, first imposed in 2014, were extended [on Monday].', "163"),
    ('confirmed the arrest', 'The spy agency confirmed the arrest of a suspected agent [on Monday].', "173"),
    pytest.param('drew protests', "Seoul's decision to expel the diplomat drew protests from Pyongyang [on Friday].", "114",
                 marks=pytest.mark.xfail(strict=True, reason="the trigger table reads the subject's 'expel the diplomat' (166); the protest itself is only a noun")),
    ('were not freed until', 'The hostages were not freed until [March].', "0841"),
    ('sentence handed down', 'A 10-year prison sentence was handed down to the activist [on Monday].', "173"),
]


def _label(case) -> str:
    return case.values[0] if hasattr(case, "marks") else case[0]


@pytest.mark.parametrize(("label", "sentence", "code"), CLAUSE_CASES, ids=[_label(c) for c in CLAUSE_CASES])
def test_cameo_clause_case_table(label, sentence, code):
    assert _clause_code(sentence) == code, label


def test_cameo_clause_case_table_is_large_and_labelled():
    labels = [_label(c) for c in CLAUSE_CASES]
    assert len(labels) >= 80 and len(set(labels)) == len(labels)


@pytest.mark.parametrize(("sentence", "quads"), [
    ("Police arrested the opposition leader in Minsk [on Sunday].", {4}),
    ("The two men were detained in China [on Dec. 10, 2018].", {4}),
    ("Canadian authorities arrested Meng Wanzhou at the request of the United States [on Dec. 1].", {4}),
    ("The detentions came less than two weeks after Meng was arrested in Vancouver [on Dec. 1].", {4}),
])
def test_cameo_arrests_are_never_cooperation(sentence, quads):
    assert quad_class(_clause_code(sentence)) in quads


@pytest.mark.parametrize(("lemma", "voice", "subject", "args", "code"), [
    ("expel", "active", "Ottawa", "a chinese diplomat", "166"),
    ("expel", "active", "Ottawa", "three journalists", "174"),
    ("release", "active", "the ministry", "a statement", "010"),
    ("release", "passive", "the two men", "", "0841"),
    ("agree", "active", "", "to hold talks", "036"),
    ("agree", "active", "", "to lift the tariffs", "035"),
    ("collapse", "active", "relations", "", "161"),
    ("collapse", "active", "talks", "", "164"),
    ("collapse", "active", "the bridge", "", ""),
    ("unknownverb", "active", "", "", ""),
])
def test_cameo_verb_code_rows(lemma, voice, subject, args, code):
    assert verb_code(lemma, voice, subject, args) == code


def test_cameo_every_verb_row_code_is_in_goldstein_table():
    table = goldstein_table()
    for lemma, rows in verb_table().items():
        for _, _, _, code in rows:
            assert code == "none" or code in table, (lemma, code)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Seed article sentences.
        ("The visit represents a major step in rebuilding relations after they collapsed in 2018 "
         "following Canada's arrest of Huawei executive Meng Wanzhou on a US warrant.", "173"),
        ("Carney is scheduled to meet Premier Li Qiang and Zhao Leji, chairman of China's top "
         "legislative body, on Thursday, followed by a one-on-one meeting with President Xi "
         "Jinping on Friday.", "040"),
        ("The two leaders last met at an APEC summit in South Korea.", "044"),
        ("Canadian Prime Minister Mark Carney is travelling to China on a high-stakes visit.", "042"),
        ("A key Canadian goal is easing Chinese tariffs on canola imports, which have hurt prairie "
         "farmers.", "163"),
        ("The levies are widely seen as retaliation for Canada's own tariffs on Chinese electric "
         "vehicles.", "163"),
        ("Relations have remained tense amid allegations of Chinese political interference in "
         "Canada, claims Beijing denies.", "112"),
        ("A public inquiry later found limited impact on recent federal elections.", "090"),
        ("Former diplomat Colin Robertson says Canada is pursuing its own interests.", "010"),
        # Other news-style cases.
        ("Xi hosted Trudeau at the Great Hall of the People.", "043"),
        ("Both Michaels were released and flew home to Canada.", "0841"),
        ("Chinese authorities detained Michael Kovrig in Beijing.", "173"),
        ("The ministry released a statement on Monday.", "010"),
        ("Washington imposed sanctions on five officials.", "163"),
        ("The two sides held negotiations on a free trade deal.", "046"),
        ("The ministers spoke by telephone on Tuesday.", "041"),
        ("Ottawa expelled a Chinese diplomat accused of targeting an MP.", "166"),
        ("Beijing lifted its tariffs on canola in March.", "085"),
        ("Russia invaded Ukraine in February 2022.", "192"),
        ("The foreign minister condemned the missile test.", "111"),
        ("Thousands of protesters rallied outside the legislature.", "141"),
        ("Canada and the EU signed a free trade agreement in 2016.", "057"),
        ("Canada imposed a 100 per cent surtax on Chinese electric vehicles.", "163"),
        ("Trump broke off trade talks with Canada last week.", "164"),
        ("Relations broke down a year later.", "161"),
        ("The public inquiry's final report was released in January.", "090"),
        ("Carney spent four days in China last week.", "042"),
        ("The new trade agreement was signed in Buenos Aires on Nov. 30, 2018.", "057"),
        ("Canada is preparing for the joint review of the Canada-United States-Mexico "
         "Agreement.", "010"),
        ("A federal appeals court has reinstated his conviction.", "116"),
        ("The FAA released air traffic control tapes from the crash.", "010"),
        ("Workers went on strike at the port.", "143"),
        ("The telecommunications concern said the coupon rate is fixed.", "010"),
        ("Malaysians must seize the chance to transform the economy.", "010"),
        ("The weather was mild.", "010"),
        ("", "010"),
    ],
)
def test_cameo_classify_event_cases(text, code):
    assert classify_event(text).code == code


@pytest.mark.parametrize(
    ("text", "near_word", "code"),
    [
        ("China responded by detaining two Canadians, with all three released in 2021 after "
         "Meng reached a deal.", "2021", "0841"),
        ("China responded by detaining two Canadians in December 2018, with all three released "
         "later.", "December", "173"),
    ],
)
def test_cameo_classify_event_near_offset_picks_closest_trigger(text, near_word, code):
    assert classify_event(text, near=text.index(near_word)).code == code


@pytest.mark.parametrize(
    ("code", "goldstein", "quad"),
    [("042", 1.9, 1), ("043", 2.8, 1), ("173", -5.0, 4), ("0841", 7.0, 2), ("163", -8.0, 4),
     ("112", -2.0, 3), ("010", 0.0, 1), ("057", 8.0, 1)],
)
def test_cameo_goldstein_and_quad_class(code, goldstein, quad):
    table = goldstein_table()
    assert table[code] == goldstein
    assert quad_class(code) == quad


def test_cameo_codes_stay_strings_with_leading_zero():
    table = goldstein_table()
    assert "010" in table and "10" in table and table["010"] != table["10"]
    assert all(isinstance(code, str) for code in table)


def test_cameo_every_trigger_code_is_in_goldstein_table():
    codes = {code for _, _, _, code in find_triggers(
        "arrest visit host met talks sanction released accused denied inquiry said")}
    assert codes <= set(goldstein_table())


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_cameo_any_text_never_raises(text):
    result = classify_event(text)
    assert isinstance(result, EventCode)
    assert result.code in goldstein_table()
    assert result.goldstein == goldstein_table()[result.code]
    assert 1 <= result.quad_class <= 4
