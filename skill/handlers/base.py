"""What every handler shares: read the state, call the coach, write the reply.

A handler subclasses :class:`CoachIntentHandler`, names its intents, and
maps the request to one coach call in ``act``. Nothing else belongs in a
handler: no speech strings, no decisions.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import IntentRequest, Response, ResponseEnvelope
from ask_sdk_model.ui import SimpleCard

from .. import presentation, ssml, turn
from ..engine import Coach, CoachState, Reply
from ..engine.habits import permission_token
from ..engine.reply import AskPermission
from ..localization import phrases_for
from ..persistence.keys import person_id
from ..services import REMINDERS_SCOPE
from .calls import carry_out

if TYPE_CHECKING:
    from ..viewports import Display


def locale_of(handler_input: HandlerInput) -> str | None:
    locale = getattr(handler_input.request_envelope.request, "locale", None)
    return locale if isinstance(locale, str) else None


def request_time(handler_input: HandlerInput) -> datetime:
    """When Alexa sent the request (its clock), or now if it didn't say."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp.astimezone(timezone.utc) if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def coach_for(handler_input: HandlerInput) -> Coach:
    envelope = handler_input.request_envelope
    one_shot = isinstance(envelope.request, IntentRequest) and getattr(envelope.session, "new", False) is True
    return Coach(locale_of(handler_input), request_time(handler_input), person=person_id(envelope),
                 one_shot=one_shot)


def session_attributes(handler_input: HandlerInput) -> dict | None:
    """The session attributes, or None for a request that came without a session."""
    if handler_input.request_envelope.session is None:
        return None
    attributes = handler_input.attributes_manager.session_attributes
    return attributes if isinstance(attributes, dict) else {}


def load_state(handler_input: HandlerInput) -> CoachState:
    """The state the load interceptor prepared (or, failing that, the session's)."""
    state = turn.state(handler_input)
    return state if state is not None else turn.session_state(session_attributes(handler_input))


def screen_display(handler_input: HandlerInput) -> Display | None:
    """The screen to write for if the device shows APL, or None for a device without one (or with an APL
    runtime too old for the documents): it then gets exactly the speech-only response."""
    try:
        apl = getattr(get_supported_interfaces(handler_input), "alexa_presentation_apl", None)
    except (AttributeError, TypeError):
        return None
    if apl is None:
        return None
    from ..viewports import display_for  # a speaker's cold start doesn't load the screen modules

    viewport = getattr(handler_input.request_envelope.context, "viewport", None)
    shape, mode = getattr(viewport, "shape", None), getattr(viewport, "mode", None)
    return display_for(getattr(shape, "value", shape), getattr(mode, "value", mode),
                       getattr(viewport, "pixel_width", None), getattr(viewport, "pixel_height", None),
                       getattr(viewport, "dpi", None), getattr(getattr(apl, "runtime", None), "max_version", None))


def build_response(builder: ResponseFactory, reply: Reply, locale: str | None = None,
                   screen: Display | None = None) -> Response:
    """Speech, reprompt, session end and effects of a coach reply, on an SDK response builder.

    Effects are engine data; this is the one place they become SDK objects: Alexa app cards, and
    on a device with a screen (``screen``) an APL document.
    """
    p = phrases_for(locale)
    builder.speak(ssml.render(reply.speech))
    for effect in reply.effects:
        card = presentation.card_for(effect, p)
        if card is not None:
            builder.set_card(SimpleCard(title=card.title, content=card.text))
    if screen is not None:
        _add_screen(builder, reply, screen, p)
    permission = next((e for e in reply.effects if isinstance(e, AskPermission)), None)
    if permission is not None:
        from ask_sdk_model.interfaces.connections import SendRequestDirective  # only the permission turn needs it

        # Alexa asks the person next and answers with a Connections.Response request; as in Amazon's
        # reminders sample, the response leaves shouldEndSession out and has no reprompt.
        builder.add_directive(SendRequestDirective(
            name="AskFor", token=permission_token(permission.hour, permission.minute),
            payload={"@type": "AskForPermissionsConsentRequest", "@version": "1",
                     "permissionScope": REMINDERS_SCOPE}))
    elif reply.end_session:
        builder.set_should_end_session(True)
    else:
        builder.ask(ssml.render(reply.reprompt or reply.speech))
    return builder.response


def _add_screen(builder: ResponseFactory, reply: Reply, screen: Display, p) -> None:
    """The reply's APL document, for a device with a screen. Imported here: only devices with a screen need
    these modules, and a speaker's cold start shouldn't pay for them."""
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    from .. import screens

    shown = screens.screen_for(reply.speech, reply.effects, p)
    if shown is not None:
        document, data = presentation.render_document(shown, screen, p)
        builder.add_directive(RenderDocumentDirective(token=presentation.APL_TOKEN, document=document,
                                                      datasources=data))


def respond(handler_input: HandlerInput, reply: Reply) -> Response:
    """Turn a coach reply into an Alexa response, storing the new state."""
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = turn.state_for_session(reply.state)
    turn.set_state_out(handler_input, reply.state)
    # The store layer's effects (ForgetPerson) are carried out by the save interceptor.
    turn.set_effects_out(handler_input, reply.effects)
    return build_response(handler_input.response_builder, reply, locale_of(handler_input),
                          screen_display(handler_input))


def run(handler_input: HandlerInput, action: Callable[[Coach, CoachState], Reply]) -> Response:
    """The whole of a handler: state in, one coach call, reply out."""
    coach = coach_for(handler_input)
    return respond(handler_input, carry_out(handler_input, coach, coach.turn(action, load_state(handler_input))))


def reply_envelope(reply: Reply) -> ResponseEnvelope:
    """A whole response envelope, for requests that never reach a handler."""
    return ResponseEnvelope(version="1.0", session_attributes=turn.state_for_session(reply.state),
                            response=build_response(ResponseFactory(), reply))


def slot_value(handler_input: HandlerInput, name: str) -> str | None:
    """A slot's canonical value if entity resolution matched, else what was heard.

    Tolerates any odd shape: a missing slot, an empty value, no resolutions.
    """
    request = handler_input.request_envelope.request
    slots = getattr(getattr(request, "intent", None), "slots", None)
    if not isinstance(slots, dict):
        return None
    slot = slots.get(name)
    if slot is None:
        return None
    resolutions = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None) or []
    for resolution in resolutions:
        status = getattr(getattr(resolution, "status", None), "code", None)
        if getattr(status, "value", status) == "ER_SUCCESS_MATCH" and resolution.values:
            value = getattr(getattr(resolution.values[0], "value", None), "id", None)
            if isinstance(value, str) and value:
                return value
    value = getattr(slot, "value", None)
    return value.strip() if isinstance(value, str) and value.strip() else None


class CoachIntentHandler(AbstractRequestHandler):
    """Handles the intents in ``intents`` with one coach call."""

    intents: ClassVar[tuple[str, ...]] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return isinstance(request, IntentRequest) and getattr(request.intent, "name", None) in self.intents

    def handle(self, handler_input: HandlerInput) -> Response:
        return run(handler_input, lambda coach, state: self.act(coach, state, handler_input))

    def act(self, coach: Coach, state: CoachState, handler_input: HandlerInput) -> Reply:  # pragma: no cover
        raise NotImplementedError


def request_type(handler_input: HandlerInput) -> Any:
    return getattr(handler_input.request_envelope.request, "object_type", None)


def coach_handler(name: str, intents: tuple[str, ...] | str, call: Callable[..., Reply],
                  slot: str | None = None) -> type[CoachIntentHandler]:
    """A handler class for ``intents`` that makes one coach call.

    ``call`` is a :class:`Coach` method, called with the state (and the value of ``slot``, if
    named): ``coach_handler("NextHandler", "AMAZON.NextIntent", Coach.next)``.
    """
    intents = (intents,) if isinstance(intents, str) else tuple(intents)

    def act(self, coach: Coach, state: CoachState, handler_input: HandlerInput) -> Reply:
        if slot is None:
            return call(coach, state)
        return call(coach, state, slot_value(handler_input, slot))

    return type(name, (CoachIntentHandler,), {"intents": intents, "act": act, "__module__": __name__,
                                              "__doc__": f"{', '.join(intents)} → Coach.{call.__name__}"})
