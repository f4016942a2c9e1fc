"""Tests for the CAMEO event coder."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cameo import classify_event, find_triggers, goldstein_table, quad_class
from pipeline.records import EventCode


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
