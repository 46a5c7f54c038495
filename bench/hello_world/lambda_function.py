"""The benchmark's floor: the smallest ASK SDK skill that answers Alexa.

A plain ``SkillBuilder`` (no persistence adapter, no interceptors), one
LaunchRequest handler and one intent handler that answers every intent.
bench/run.py bundles it with the same runtime dependencies as the real skill
and compares the two.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Hello world.").ask("Say hello.").response


class HelloWorldIntentHandler(AbstractRequestHandler):
    """HelloWorldIntent, and every other intent too."""

    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Hello world.").ask("Say hello again.").response


sb = SkillBuilder()
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(HelloWorldIntentHandler())

lambda_handler = sb.lambda_handler()
