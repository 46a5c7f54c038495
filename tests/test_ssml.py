"""The SSML layer: escaping, break chaining, validation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill import ssml
from skill.speech import Mark, Pause, Say

from .alexa_rules import ssml_problems


def test_text_is_escaped_and_well_formed():
    out = ssml.render((Say("Rock & roll <gently> \"please\""),))
    assert out == '<speak>Rock &amp; roll &lt;gently&gt; "please"</speak>'
    assert not ssml_problems(out)


@pytest.mark.parametrize("seconds, expected", [
    (0.5, [0.5]), (10, [10]), (10.5, [10, 0.5]), (25, [10, 10, 5]), (30, [10, 10, 10]), (0, []),
])
def test_long_pauses_are_chained_breaks_of_ten_seconds_or_less(seconds, expected):
    out = ssml.render((Say("a"), Pause(seconds), Say("b")))
    assert ssml.break_seconds(out) == expected
    assert not ssml_problems(out)


def test_adjacent_pauses_merge_and_marks_vanish():
    out = ssml.render((Say("a"), Pause(4), Mark("x"), Pause(8), Say("b")))
    assert out == '<speak>a<break time="10s"/><break time="2s"/>b</speak>'


@pytest.mark.parametrize("bad, reason", [
    ("<speak>unclosed", "well-formed"),
    ("<speak><audio src='soundbank://soundlibrary/musical/amzn_sfx_bell_timer_01'/><video/></speak>", "not a tag"),
    ("<speak><audio src='https://example.com/x.mp3'/></speak>", "sound library"),
    ("<speak><audio src='soundbank://soundlibrary/../x'/></speak>", "sound library"),
    ("<speak>" + "<audio src='soundbank://soundlibrary/musical/amzn_sfx_bell_timer_01'/>" * 6 + "</speak>",
     "at most 5"),
    ('<speak><break time="11s"/></speak>', "longer than"),
    ('<speak><break time="12000ms"/></speak>', "longer than"),
    ('<speak><break time="5"/></speak>', "unit"),
    ("<speak>" + "a" * 8000 + "</speak>", "characters"),
    ("<p>no speak</p>", "root"),
])
def test_validation_rejects_what_alexa_would(bad, reason):
    with pytest.raises(ssml.SSMLError, match=reason):
        ssml.validate(bad)


def test_render_refuses_to_produce_an_overlong_response():
    with pytest.raises(ssml.SSMLError):
        ssml.render((Say("word " * 2000),))


def test_amazon_tags_are_allowed():
    ssml.validate('<speak><amazon:domain name="conversational">hi</amazon:domain><s>ok</s></speak>')


@pytest.mark.parametrize("bad", [
    "<speak>rock & roll</speak>",
    "<speak><s>one</p></speak>",
    "<speak>hi</speak> trailing",
    "before <speak>hi</speak>",
    "<speak><!-- a comment --></speak>",
    "<speak><![CDATA[x]]></speak>",
    '<speak><break time=5s/></speak>',
    "<speak></s></speak>",
    "<speak><s>unclosed</speak>",
    "<speak/>",
    "<speak>a</speak><speak>b</speak>",
    "",
    "plain text",
])
def test_malformed_ssml_is_rejected(bad):
    with pytest.raises(ssml.SSMLError):
        ssml.validate(bad)


@pytest.mark.parametrize("good", [
    "<speak>rock &amp; roll &#233; &#x263A; &quot;q&quot;</speak>",
    '<speak><prosody rate="slow">x</prosody><break strength="strong"/>'
    '<say-as interpret-as="digits">12</say-as></speak>',
    "<speak><p><s>one</s><s>two</s></p></speak>",
])
def test_well_formed_ssml_is_accepted(good):
    ssml.validate(good)
    assert not ssml_problems(good)


segments = st.lists(st.one_of(st.builds(Say, st.text(max_size=40)),
                              st.builds(Pause, st.floats(min_value=0, max_value=45, allow_nan=False))), max_size=12)


@settings(max_examples=300, deadline=None)
@given(segments)
def test_whatever_is_rendered_is_valid_to_an_independent_xml_parser(parts):
    try:
        out = ssml.render(parts)
    except ssml.SSMLError:
        return  # only when over 8,000 characters, which the strategy can't reach
    assert not ssml_problems(out), out


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="<>/&;#ab speakbrtimes=\"'10!-[]", max_size=60))
def test_the_validator_never_accepts_what_an_xml_parser_rejects(text):
    try:
        ssml.validate(text)
    except ssml.SSMLError:
        return
    assert not ssml_problems(text), text


def test_chained_breaks_merge_for_renderers_without_a_cap():
    out = ssml.render((Say("a"), Pause(23.5), Say("b"), Pause(1.5)))
    assert ssml.merged_breaks(out) == '<speak>a<break time="23500ms"/>b<break time="1500ms"/></speak>'


def test_sounds_beyond_alexas_five_clips_are_dropped_and_the_words_kept():
    from skill.narration import HOLD_END_SOUND
    from skill.speech import Say

    segments = [HOLD_END_SOUND, Say("one")] * 7
    markup = ssml.render(segments)
    assert markup.count("<audio ") == 5 and markup.count("one") == 7
    assert ssml.within_clip_limit(segments).count(HOLD_END_SOUND) == 5


def test_a_clip_that_is_not_from_the_sound_library_is_refused():
    from skill.speech import Sound

    with pytest.raises(ssml.SSMLError, match="sound-library"):
        ssml.render([Sound("https://example.com/chime.mp3", 1.0)])
