"""The SSML layer: escaping, break chaining, validation."""

from __future__ import annotations

import pytest

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
    ("<speak><audio src='x'/><video/></speak>", "not a tag"),
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
