"""Builds the ASK interaction models in interaction_models/ from the content.

Slot values and synonyms come from :mod:`skill.content`, so the model and
the coach can't drift apart. Run ``python -m skill_dev.interaction_model`` after
changing content or utterances; a test fails if the committed JSON differs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from skill.content import LIBRARY, Library
from skill.localization import LOCALES

INVOCATION_NAME = "back stretch coach"
MODELS_DIR = Path(__file__).resolve().parent.parent / "interaction_models"

def expand(template: str) -> list[str]:
    """Every sentence a compact template stands for: ``(a|b|)`` is a choice, an empty choice optional.

    ``"(okay |)i'm (ready|set)( now|)"`` gives "i'm ready", "i'm ready now", "okay i'm ready", ... in
    order. Groups nest. Spaces are tidied afterwards, so choices may carry their own. Written by hand
    because Alexa's model has no such syntax and the generated samples are plain strings.
    """
    depth, start = 0, -1
    for index, char in enumerate(template):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                head, body, tail = template[:start], template[start + 1:index], template[index + 1:]
                choices, level, last = [], 0, 0
                for position, inner in enumerate(body):
                    level += inner == "("
                    level -= inner == ")"
                    if inner == "|" and level == 0:
                        choices.append(body[last:position])
                        last = position + 1
                choices.append(body[last:])
                return [sentence for choice in choices for sentence in expand(head + choice + tail)]
    if depth:
        raise ValueError(f"unbalanced template: {template!r}")
    return [" ".join(template.split())]


def samples(*templates: str) -> list[str]:
    """The samples of some templates, each once, in order."""
    return list(dict.fromkeys(s for t in templates for s in expand(t) if s))


#: Lead-ins people put before what they say on the floor. Used on short forms only, to keep the model small.
LEAD = "(okay |alright |um |so |right |)"
#: What "this" can be: this one, that stretch, it.
THIS = "(this|that|it|this one|that one|this stretch)"
#: "please" or nothing, at the end.
PLEASE = "( please|)"
#: What people call the chimes at the end of a hold and before "switch sides"; the short list for longer forms.
SOUNDS = "(sounds|sound|chimes|chime|beeps|beeping|dings|dinging|bell|bells|noises|sound effects)"
FEW_SOUNDS = "(sounds|chimes|beeps|beeping|dings|bell|noises)"

#: Where people feel numbness, tingling or weakness. The slot is only there so the samples stay few;
#: the coach never looks at it, and nothing about it is kept or logged.
BODY_PARTS: dict[str, tuple[str, ...]] = {
    "leg": ("leg", "legs", "left leg", "right leg", "both legs", "thigh", "thighs", "knee", "knees"),
    "foot": ("foot", "feet", "left foot", "right foot", "toes", "both feet"),
    "saddle": ("groin", "bum", "bottom", "buttocks", "backside"),
}

#: Custom intents: name -> (slots, samples).
#: No sample contains "ask", "open", "launch", "tell" or "talk to": virtual-alexa, which the end-to-end
#: tests use, turns any utterance containing those letters into a LaunchRequest.
#: The phrasings follow how people talk on the floor; tests/corpus/floor_phrases.tsv checks them.
CUSTOM_INTENTS: dict[str, tuple[dict[str, str], list[str]]] = {
    "StartRoutineIntent": ({"routine": "ROUTINE_NAME"}, samples(
        "(start|begin|let's stretch|stretch with me|i want to stretch|stretch my back|start a routine|start the routine"
        "|start a new routine|new routine|start my stretches|start stretching|let's get started|let's start"
        "|let's begin)",
        "(let's|can we|i want to|i'd like to) (do some stretches|do a routine|start a routine|do some stretching)",
        "(i'd like to|i want to|let's|can we) stretch my (lower |)back" + PLEASE,
        "(let's do|can we do|could we do|i want to do|i'd like to do|i want|i'd like|start|do|give me"
        "|begin) the {routine} (one|routine|stretches|)" + PLEASE,
        "(okay|um|so) (let's do|start) the {routine} (one|routine|)" + PLEASE,
        "(start|do|give me|i'd like|) a {routine} routine",  # bare: "ask back stretch coach for a quick routine"
        "(let's do|can we do|i want to do) {routine}",
        "(let's do|can we do|i'd like|) something {routine}" + PLEASE,
        "(let's do|can we do|i'd like|) something for my {routine}" + PLEASE,
        "(can we|let's|i want to|i'd like to) (stretch|work on|loosen up) my {routine}",
        "the {routine} (one|routine|stretches)" + PLEASE, "{routine} (routine|one|stretches)",
        "(for|start) (the|a) {routine} routine", "start {routine}", "the {routine}", "{routine}", "{routine} please",
        "(no|nah|actually) (let's do|do|start|can we do|i want|i'd rather do) the {routine} (one|routine)",
        "no (can we do|let's do) the {routine} one instead",
        "(no|nah|actually|no actually) the {routine} (one|routine)( please| instead|)",
    )),
    "HandsFreeIntent": ({"routine": "ROUTINE_NAME"}, [
        "start the {routine} routine hands free", "start a {routine} routine hands free",
        "do the {routine} routine hands free", "{routine} routine hands free", "the {routine} routine hands free",
        "a {routine} routine hands free", "for a {routine} routine hands free",
        "start the {routine} routine without stopping", "do the {routine} routine without stopping",
        "keep going without me", "don't wait for me", "do not wait for me", "hands free", "go hands free",
        "hands free mode", "start hands free", "start hands free mode", "just keep going",
        "keep going without stopping", "you don't need to wait for me", "no need to wait for me",
    ]),
    "AlwaysHandsFreeIntent": ({}, [
        "always keep going", "always go hands free", "always use hands free mode", "always be hands free",
        "never wait for me", "always keep going without me", "make hands free the default",
    ]),
    "StepModeIntent": ({}, [
        "wait for me", "wait for me after each stretch", "step by step", "go step by step",
        "one stretch at a time", "stop hands free mode", "turn off hands free", "no more hands free",
        "wait for me to say next", "step mode",
    ]),
    "SkipIntent": ({}, samples(
        LEAD + "skip( " + THIS + "| this stretch please|)",
        "(please skip|let's skip|i'd like to skip|i'm gonna skip|i'm going to skip|i'll skip|we can skip) " + THIS,
        "(can|could) (we|i|you) skip " + THIS, "(i'll |)pass on " + THIS, "(can|could) (we|i) leave " + THIS + " out",
        "i'll sit (this|that) one out", "not (this|that) (one|stretch)( please| today|)",
        "i (can't|don't want to) do (this|that) (one|stretch)", "skip to the next (one|stretch)",
    )),
    "AboutStretchIntent": ({}, samples(
        "(so |)(what's|what is) (this|that|it)( one| stretch|) (for|good for|supposed to do)",
        "(what's|what is) the point of (this|that)( one| stretch|)",
        "what does (this|that)( one| stretch|) (do|help with|work on)",
        "what muscles does (this|that)( one| stretch|) (work|stretch)",
        "what part of my (back|body) is (this|that)( one| stretch|) for",
        "why (are we doing|do we do|am i doing) (this|that)( one| stretch|)", "why (this|that) one",
        "how long (is|does) (this|that)( one| stretch|)( last|)", "how long do i hold (this|that|it)( one|)( for|)",
        "how many (times|reps) do i do (this|that)( one|)",
    )),
    "HowToIntent": ({"stretch": "STRETCH_NAME"}, [
        "how do I do {stretch}", "how do I do the {stretch}", "how do I do a {stretch}", "how do you do {stretch}",
        "how do you do the {stretch}", "how to do {stretch}", "how to do the {stretch}", "explain {stretch}",
        "explain the {stretch}", "what is {stretch}", "what is the {stretch}", "what's {stretch}",
        "what's the {stretch}", "what are {stretch}",
        "teach me {stretch}", "teach me the {stretch}", "describe {stretch}", "describe the {stretch}",
        "how does {stretch} work", "how do I do this stretch", "how do I do this one", "how do I do this",
        "how does this one work", "explain this stretch", "explain this one",
        "what's the right way to do {stretch}", "what's the right way to do the {stretch}",
    ]),
    "ListRoutinesIntent": ({}, [
        "list routines", "list the routines", "what routines are there", "what routines do you have",
        "which routines do you have", "what are the routines", "what are my options",
        "routines", "what routines can I do", "which routine should I do", "which routines can I do",
    ]),
    "ListStretchesIntent": ({}, [
        "list stretches", "list the stretches", "what stretches do you know", "what stretches are there",
        "which stretches do you have", "what are the stretches", "all the stretches",
        "what stretches can I do", "stretches",
    ]),
    "WhereAmIIntent": ({}, [
        "where am I", "which stretch is this", "what stretch is this", "what stretch am I on", "what's this stretch",
        "what am I doing", "which one is this", "what is this one", "where are we", "where was I",
        "what stretch are we on", "which one are we on", "which stretch are we on",
    ]),
    "HowManyLeftIntent": ({}, samples(
        "how many (are left|left|more|to go|stretches are left|more stretches|stretches left)",
        "how (much|long) (longer|is left|more|more to go|to go)",
        "how long until (we|i) (finish|are done|are finished)",
        "(are we|am i) (nearly|almost) (done|finished|there)", "is this the last (one|stretch)",
    )),
    "MakeItEasierIntent": ({}, samples(
        "(make it|make this) (easier|gentler)" + PLEASE, "(can|could) you make (it|this) (easier|gentler)",
        "easier", "easier please", "(that's|this is|it's) too (hard|intense|difficult)( for me|)", "too (hard|intense)",
        "give me an easier version", "easier version", "is there an easier (way|version)( of this|)",
        "I can't do this", "I can't do that", "gentler", "can I do an easier one", "an easier one",
    )),
    "ProgressIntent": ({}, [
        "how am I doing", "how am I getting on", "what's my streak", "what is my streak",
        "how many routines have I done", "how many routines did I do this week", "my progress", "show my progress",
        "how's my progress", "how am I doing this week", "how many times have I stretched this week",
    ]),
    "LongerHoldsIntent": ({}, samples(
        "(make|can you make) (the |)holds longer", "longer holds" + PLEASE, "hold (it |them |the stretches |)longer"
        + PLEASE, "hold for longer", "I want longer holds", "make the stretches longer", "more time in each stretch",
        "(slow|slow it) down( a bit|)" + PLEASE, "(a bit|a little) slower" + PLEASE,
        "(can|could) you (slow down|go slower)( a bit|)" + PLEASE,
        "(you're going|it's|that's|) too (fast|quick)", "(i need|can i have|give me) more time" + PLEASE,
        "(can|could) (we|you) hold (for |it |)longer", "give me longer (on|in) each (one|stretch)",
    )),
    "ShorterHoldsIntent": ({}, samples(
        "(make|can you make) (the |)holds shorter", "(shorter|quicker) holds" + PLEASE, "hold shorter",
        "don't hold so long", "hold the stretches for less time", "I want shorter holds", "make the stretches shorter",
        "less time (on|in) each (stretch|one)" + PLEASE, "(that's|it's|the holds are|) too (long|slow)",
        "(speed up|hurry up|go faster)( a bit|)" + PLEASE,
        "(can|could) (you|we) go (faster|quicker|a bit faster|a bit quicker)",
        "(can|could) (we|you) hold (for |it |)less( time|)", "(quicker|faster) please",
    )),
    "ShorterInstructionsIntent": ({}, samples(
        "(shorter|short|quicker|less) instructions" + PLEASE, "less (talking|talk|explaining)" + PLEASE,
        "just the basics" + PLEASE, "keep it short", "i know (this one|how to do this|these stretches)",
        "you don't need to explain( it| them|)", "no need to explain( it|)", "skip the explanations",
    )),
    "MoreDetailIntent": ({}, samples(
        "(more|full) (detail|details|instructions)" + PLEASE, "(give me|i need|i'd like) (more detail|the full "
        "instructions|more instructions)", "(explain|describe) (it |them |)(more|properly|in full)",
        "longer instructions" + PLEASE, "can you explain (it |)more",
    )),
    "SoundsOffIntent": ({}, samples(
        "(no|no more) " + SOUNDS, "no more " + FEW_SOUNDS + " please",
        "(turn|switch) off the " + FEW_SOUNDS, "turn the " + FEW_SOUNDS + " off",
        "(can you |please |)stop the " + FEW_SOUNDS, "mute (the |)(sounds|chimes|beeps|bell)",
        "(can you |)stop (beeping|dinging|chiming)", "stop the (dinging|chiming)",
        "i (don't like|hate|don't want) the " + FEW_SOUNDS, "i don't like the chime",
        "(sounds|chimes|beeps) off", "without the (sounds|chimes)", "get rid of the (sounds|chimes|beeps|bell)",
        "the (chime|bell|beep|ding|beeping) is annoying", "the (chimes|sounds|beeps) are annoying",
    )),
    "SoundsOnIntent": ({}, samples(
        "(sounds|chimes) (back |)on", "(can you |)(turn|switch|put) the (sounds|chimes|beeps|bell) back on",
        "(turn|switch) on the (sounds|chimes|beeps|bell)", "(bring|put) the (sounds|chimes|beeps|bell) back",
        "bring back the (sounds|chimes|beeps|bell)", "i want the (sounds|chimes|beeps|bell) back",
        "i miss the (sounds|chimes|beeps|bell)", "(use|play) the (sounds|chimes) again",
    )),
    "MissingEquipmentIntent": ({"equipment": "EQUIPMENT_NAME"}, [
        "I don't have a {equipment}", "I don't have {equipment}", "I haven't got a {equipment}",
        "I have no {equipment}", "I don't own a {equipment}", "skip the {equipment} stretches",
        "I can't find my {equipment}", "without a {equipment}", "I don't have the {equipment}",
    ]),
    "HaveEquipmentIntent": ({"equipment": "EQUIPMENT_NAME"}, [
        "I have a {equipment}", "I have a {equipment} now", "I've got a {equipment}", "I got a {equipment}",
        "I found my {equipment}", "I do have a {equipment}", "I bought a {equipment}", "I have the {equipment}",
    ]),
    "ResetPreferencesIntent": ({}, [
        "reset my preferences", "reset preferences", "reset my settings", "clear my preferences",
        "forget my preferences", "go back to the default settings", "reset everything", "use the default settings",
    ]),
    # Deletes the person's whole record after a yes: the only way to forget someone, so said many ways.
    "DeleteDataIntent": ({}, samples(
        "(please |can you |)(delete|erase|wipe) (my|all my) (data|history|progress|information|details)",
        "(remove|clear) my (data|history|information|progress)",
        "(please |can you |)(delete|erase|wipe) everything you (know|have|keep) about me",
        "(delete|erase|wipe) everything you've (saved|stored)",
        "(please |can you |)forget (me|about me|everything about me|who i am)",
        "forget my (data|history|progress)",
        "i want (you |)to (delete|erase) my (data|history|progress)",
        "(delete|remove) my (account|profile)", "(don't|do not) remember anything about me",
        "stop (storing|saving|keeping) my data",
    )),
    # Daily reminders. {time} is AMAZON.TIME: Alexa sends "08:00" (or MO, AF, EV, NI for a part of the day).
    "SetReminderIntent": ({"time": "AMAZON.TIME"}, samples(
        "(remind me|can you remind me) to stretch (every day |each day |)at {time}",
        "(remind me|can you remind me) (every day|each day|daily) at {time}",
        "(please |can you |)set a (daily |stretch |)reminder (for|at) {time}",
        "(please |can you |)set (a|up a) (daily |stretch |)reminder", "(i want|i'd like) a (daily |)reminder( to stretch|)",
        "(remind me|can you remind me) to (stretch|do my stretches)( every day|)",
        "at {time}( please| every day|)", "(make it|set it for|how about) {time}",
    )),
    "ListRemindersIntent": ({}, samples(
        "what reminders (do i have|have i got|have you set)", "(list|read) my reminders",
        "(do i have|have i got) (a|any) (stretch |daily |)(reminder|reminders)", "when is my (stretch |daily |)reminder",
        "what time is my (stretch |daily |)reminder",
    )),
    "CancelReminderIntent": ({}, samples(
        "(cancel|delete|remove|turn off) (my|the) (stretch |daily |)reminder",
        "(cancel|delete|remove|turn off) my reminders", "no more reminders",
        "i don't want (the|any) (reminder|reminders)( anymore|)", "stop reminding me( to stretch|)",
    )),
    "ThatHurtsIntent": ({}, samples(
        "(ouch|ow|ow ow|ow ow ow)( that hurts| it hurts|)",
        "(that|this|it) (hurts|really hurts|hurt|is hurting|hurts my back|is hurting my back)",
        "(that's|it's|this is) (painful|really painful|too painful|sore|really sore|making my back worse)",
        "(i feel|i've got|i have) a (sharp |shooting |)pain( in my (back|lower back|hip)|)",
        "(it|my back) hurts when i do (this|that|it)",
        "I'm in pain", "my back hurts", "I felt a twinge", "sharp pain", "I feel pain",
    )),
    "RedFlagIntent": ({"part": "BODY_PART"}, samples(
        "my {part} (is|are|feel|feels|has gone|have gone|went|keep|keeps|) (tingling|numb|going numb|weak"
        "|going weak|tingly|giving way)",
        "my (leg|foot)'s gone (numb|weak)",
        "(i've got|i have|i feel|there's|) (pins and needles|numbness|tingling|weakness) (in|down) my {part}",
        "(pins and needles|numbness|tingling) in both legs", "i can't (feel|move) my {part}( properly|)",
        "(i've got|i have|) pins and needles", "(i feel|i'm) numb (around|in) my {part}",
        "i (can't control|have lost control of|'ve lost control of) my (bladder|bowels)",
        "i've lost control of my (bladder|bowels)",
        "i'm having (trouble|problems) (peeing|weeing|going to the toilet)", "i've wet myself",
        "i (fell|had a fall|slipped and fell|fell over)( earlier| today|)( and hurt my back| and my back hurts"
        "| on my back|)",
    )),
    "HealthConditionIntent": ({"condition": "HEALTH_CONDITION"}, samples(
        "(i'm|i am) {condition}",
        "(i have|i've got|i had|i just had|i've just had|my doctor says i have) {condition}( last month| recently|)",
        "(is|will) (this|it) be (safe|okay) (with|during|after) {condition}",
        "(is|are) (this|it|these stretches) (safe|okay) (with|during|after) {condition}",
        "(is|are) (this|it|these stretches) (safe|okay) if (i'm|i have|i had) {condition}",
        "can i do (this|these stretches) (with|during|after) {condition}",
        "can i do (this|these stretches) if (i'm|i have|i had) {condition}",
        "(i have|i've got) {condition} is (that|this|it) (okay|safe)",
        "(is|are) (this|it|these stretches) (safe|okay) for me", "is this safe", "are these stretches safe",
        "(i have|i've got) a (medical|health) condition",
    )),
}

#: Built-in intents the skill uses, with our extra phrasings for the floor.
BUILT_IN_INTENTS: dict[str, list[str]] = {
    "AMAZON.NextIntent": samples(
        "(ready|i'm ready|done|i'm done|okay|go on|next stretch|next one|finished|i've finished|move on|keep going"
        "|what's next|go ahead|done with this one|all done|next please|onwards|alright|got it|all set|let's go"
        "|what's the next one|okay keep going)",
        "(okay|ok|alright|right|um|so|yeah|um okay) (ready|i'm ready|done|next|next one|got it|go ahead"
        "|let's move on|what's next)",
        "(okay |alright |right |)(i'm|i am) (ready now|all set|good to go|in position|in position now|lying down now"
        "|on my back now|on my stomach now|on my hands and knees now|kneeling now|in place now)",
        "(okay |alright |)(next|the next) (one|stretch) please", "(let's do|on to|onto|go to) the next (one|stretch)",
        "(can|could) we (go to the next (one|stretch)|move on|do the next one)",
        "(i'm done|i'm finished|i'm through) with (this|that) (one|stretch)", "i've done (this|that) (one|stretch)",
        "(okay |)(that's|that one's|it's) done", "ready (when you are|to go)", "(okay |)let's move on",
        "move on please",
    ),
    "AMAZON.PreviousIntent": samples(
        "(go back|back|previous stretch|last stretch|the one before|previous one|go back one|the previous one)",
        "(can we |let's |)go back( a stretch| to the (last|previous) (one|stretch)| to the one before|)" + PLEASE,
        "back to the (one before|previous one|last one)",
        "(can we|let's) do the (last|previous) (one|stretch) again", "i want to redo the (last|previous) (one|stretch)",
        "previous stretch please", "the one before that",
    ),
    "AMAZON.RepeatIntent": samples(
        "(again|say that again|do it again|one more time|repeat that|repeat this stretch|do that again"
        "|repeat the stretch)",
        "(sorry |)(repeat|say) (that|it)( again| one more time|)" + PLEASE,
        "(sorry |)(can|could) you (repeat|say) (that|it)( again| one more time|)" + PLEASE,
        "(sorry |)(what did you say|what was that|come again|pardon|one more time please)",
        "(sorry |)i (missed that|didn't (catch|hear) (that|what you said|you))",
        "(do|can we do) (that|this)( one|) again", "repeat the instructions" + PLEASE,
    ),
    "AMAZON.StartOverIntent": [
        "start again", "from the top", "restart", "begin again", "start from the beginning", "restart the routine",
        "start it from the top", "start it again", "let's start again from the top",
    ],
    "AMAZON.PauseIntent": samples(
        "(wait|hold on|hang on|give me a minute|give me a second|one moment|just a moment|pause the routine"
        "|wait a second|wait a minute)",
        "(hold on|hang on|wait|just) a (sec|second|moment|minute)" + PLEASE,
        "(can|could) (we|you) (pause|wait)( for a minute| a moment|)",
        "(i need|give me|i'd like) a (break|moment|minute|second|rest|breather)",
        "(i need to|let me) take a (break|breather|rest)", "let me catch my breath",
        "(hold on|hang on|wait) i need a (moment|minute|break)", "pause (it|that)" + PLEASE, "pause please",
    ),
    "AMAZON.ResumeIntent": samples(
        "(resume|carry on|continue|let's continue|resume the routine|back again|unpause)",
        "(okay |alright |sorry |)(i'm|i am) back( now|)", "alright i'm back let's (carry on|continue)",
        "(okay |)(let's|we can|you can) (carry on|continue|resume)( now|)",
        "(okay |)(carry on|continue|resume) please",
        "(let's|we can) (continue|carry on|pick up) (from |)where we (left off|stopped)",
        "(right |okay |)where were we",
    ),
    "AMAZON.YesIntent": samples(
        "(yes please|sure|yeah|yep|let's do it|sounds good|yes skip it|yes|absolutely|of course|uh huh|definitely)",
        "(yes|yeah) (please|sure|okay|definitely|i do|i would|i'd like that|that would be great|that sounds good"
        "|go on|let's do it|let's do that)",
        "(okay|ok) (sure|yes|yeah)", "sure (thing|why not|let's do it)", "let's do that", "(i'd|i would) like that",
        "that sounds (good|great)",
    ),
    "AMAZON.NoIntent": samples(
        "(no thanks|nope|not now|no don't skip it|keep it|nah|um no|no thank you)",
        "(no |)(not (today|right now|at the moment|really)|i'd rather not|i don't want to|i don't think so"
        "|maybe later)",
        "(no|nah) (i'm okay|i'm fine|i'm good|i'm fine thanks|that's okay|let's not)",
    ),
    "AMAZON.HelpIntent": ["what can I say", "what can I do", "I need help", "how does this work",
                          "i'm confused what do i do", "i'm confused", "what do i do"],
    "AMAZON.StopIntent": samples(
        "(that's enough|i'm finished for today|stop the routine)",
        "(that's|that is) (enough|all|it) for (today|now)", "(i'm|i'm all) (done|finished) for (today|now)",
        "(i've|i have) had enough( for today|)", "let's (stop|finish)( there| here| now| for today|)",
        "(we can|i want to|i'm going to) stop( now|)", "let's call it a day", "that'll do( for today|)",
        "(thank you|thanks)( very much| bye| that's it|)", "(goodbye|bye|bye bye)", "end the session",
        "stop (please|now)", "quit",
    ),
    "AMAZON.CancelIntent": samples("(oh |actually |)(never mind|forget it|cancel that)"),
    "AMAZON.FallbackIntent": [],
    "AMAZON.NavigateHomeIntent": [],
}


def _slot_type(name: str, entries) -> dict:
    return {
        "name": name,
        "values": [
            {"id": entry.id, "name": {"value": entry.name, "synonyms": list(entry.synonyms)}} for entry in entries
        ],
    }


def build_model(locale: str = "en-US", library: Library = LIBRARY) -> dict:
    # Custom intents first: virtual-alexa breaks a tie between equal matches by model order, and a phrase
    # we declare ("skip") must beat a built-in's standard phrasing, as it does on Alexa.
    intents = []
    for name, (slots, phrasings) in CUSTOM_INTENTS.items():
        intent = {"name": name, "slots": [{"name": s, "type": t} for s, t in slots.items()],
                  "samples": list(phrasings)}
        intents.append(intent)
    for name, phrasings in BUILT_IN_INTENTS.items():
        intents.append({"name": name, "samples": list(phrasings)})
    _check_unique(intents)
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": INVOCATION_NAME,
                "intents": intents,
                "types": [
                    _slot_type("ROUTINE_NAME", library.routines.values()),
                    _slot_type("STRETCH_NAME", library.stretches.values()),
                    {"name": "EQUIPMENT_NAME", "values": [
                        {"id": item["id"], "name": {"value": item["name"], "synonyms": list(item["synonyms"])}}
                        for item in library.equipment.values()]},
                    _slot_type("HEALTH_CONDITION", library.conditions.values()),
                    {"name": "BODY_PART", "values": [
                        {"id": part_id, "name": {"value": names[0], "synonyms": list(names[1:])}}
                        for part_id, names in BODY_PARTS.items()]},
                ],
            }
        }
    }


def _check_unique(intents: list[dict]) -> None:
    """Alexa rejects a model where one sample belongs to two intents; fail here, when building it."""
    owner: dict[str, str] = {}
    for intent in intents:
        for sample in intent["samples"]:
            key = " ".join(sample.lower().split())
            if owner.setdefault(key, intent["name"]) != intent["name"]:
                raise ValueError(f"sample {sample!r} is in both {owner[key]} and {intent['name']}")


def render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def model_path(locale: str) -> Path:
    return MODELS_DIR / f"{locale}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a committed model differs")
    parser.add_argument("--locale", action="append", help="locales to build (default: all)")
    args = parser.parse_args(argv)
    stale = []
    for locale in args.locale or list(LOCALES):
        if locale not in LOCALES:
            parser.error(f"unknown locale {locale}")
        text = render(build_model(locale))
        path = model_path(locale)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python -m skill_dev.interaction_model)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
