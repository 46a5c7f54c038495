"""Builds the ASK SDK skill: handlers, interceptors and configuration.

Both entry points use this: ``lambda/lambda_function.py`` on AWS Lambda and
``skill.web`` for the local Flask endpoint.
"""

from __future__ import annotations

import os

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from .handlers import EXCEPTION_HANDLERS, REQUEST_HANDLERS
from .interceptors import LoadState, RefreshTimeZone, SaveState, TurnLogger
from .services import TimeoutApiClient

_FROM_ENV = object()


def build_skill_builder(skill_id: str | None = None, persistence=_FROM_ENV) -> CustomSkillBuilder:
    """The skill's builder. ``persistence`` is an ASK persistence adapter, None for none,
    or (by default) whatever the environment configures (see :mod:`skill.persistence`)."""
    if persistence is _FROM_ENV:
        from .persistence import open_store

        persistence, _ = open_store()
    # The API client lets handlers reach Alexa's web APIs (time zone, reminders) through the SDK's service clients.
    builder = CustomSkillBuilder(persistence_adapter=persistence, api_client=TimeoutApiClient())
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler)
    for handler in EXCEPTION_HANDLERS:
        builder.add_exception_handler(handler)
    builder.add_global_request_interceptor(LoadState(persistence))
    builder.add_global_request_interceptor(RefreshTimeZone())
    builder.add_global_response_interceptor(SaveState(persistence))
    builder.add_global_response_interceptor(TurnLogger())
    builder.skill_id = skill_id if skill_id is not None else (os.environ.get("SKILL_ID") or None)
    return builder


def build_skill(skill_id: str | None = None, persistence=_FROM_ENV) -> CustomSkill:
    return build_skill_builder(skill_id, persistence).create()


def build_lambda_handler(skill_id: str | None = None, persistence=_FROM_ENV):
    """The Lambda entry point: the SDK skill behind :func:`skill.dispatch.lambda_handler_for`."""
    from .dispatch import lambda_handler_for
    from .logs import configure_logging

    configure_logging()
    return lambda_handler_for(build_skill(skill_id, persistence))
