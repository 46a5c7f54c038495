"""Thin ASK SDK adapters, one module per intent family.

``REQUEST_HANDLERS`` is the order the skill tries them in; the catch-all is last.
"""

from .answers import NoHandler, YesHandler
from .base import CoachIntentHandler
from .comfort import EasierHandler, HealthConditionHandler, HurtsHandler, RedFlagHandler
from .hands_free import AlwaysHandsFreeHandler, HandsFreeHandler, StepModeHandler
from .information import (
    AboutStretchHandler,
    HowManyLeftHandler,
    HowToHandler,
    ListRoutinesHandler,
    ListStretchesHandler,
    ProgressHandler,
    WhereAmIHandler,
)
from .launch import LaunchHandler, StartRoutineHandler
from .navigation import (
    NextHandler,
    PauseHandler,
    PreviousHandler,
    RepeatHandler,
    ResumeHandler,
    SkipHandler,
    StartOverHandler,
)
from .preferences import (
    HaveEquipmentHandler,
    LongerHoldsHandler,
    MissingEquipmentHandler,
    MoreDetailHandler,
    ResetPreferencesHandler,
    ShorterHoldsHandler,
    ShorterInstructionsHandler,
    SoundsOffHandler,
    SoundsOnHandler,
)
from .reminders import CancelReminderHandler, ListRemindersHandler, PermissionAnswerHandler, SetReminderHandler
from .session import (
    DeleteDataHandler,
    ErrorHandler,
    ExceptionEncounteredHandler,
    FallbackHandler,
    HelpHandler,
    SessionEndedHandler,
    SkillDisabledHandler,
    StopHandler,
    UndeclaredInterfaceHandler,
    UnhandledRequestHandler,
)
from .touch import TouchHandler

VOICE_HANDLERS = (
    LaunchHandler(),
    StartRoutineHandler(),
    HandsFreeHandler(), AlwaysHandsFreeHandler(), StepModeHandler(),
    NextHandler(), PreviousHandler(), RepeatHandler(), StartOverHandler(), SkipHandler(), PauseHandler(),
    ResumeHandler(),
    WhereAmIHandler(), HowManyLeftHandler(), AboutStretchHandler(), HowToHandler(), ListRoutinesHandler(),
    ListStretchesHandler(), ProgressHandler(),
    LongerHoldsHandler(), ShorterHoldsHandler(), ShorterInstructionsHandler(), MoreDetailHandler(),
    SoundsOffHandler(), SoundsOnHandler(),
    MissingEquipmentHandler(), HaveEquipmentHandler(),
    ResetPreferencesHandler(),
    EasierHandler(), HurtsHandler(), RedFlagHandler(), HealthConditionHandler(),
    YesHandler(), NoHandler(),
    SetReminderHandler(), ListRemindersHandler(), CancelReminderHandler(),
    HelpHandler(), StopHandler(), FallbackHandler(), DeleteDataHandler(),
)
REQUEST_HANDLERS = (
    *VOICE_HANDLERS,
    TouchHandler(tuple(h for h in VOICE_HANDLERS if isinstance(h, CoachIntentHandler))),
    PermissionAnswerHandler(),
    SessionEndedHandler(), SkillDisabledHandler(), ExceptionEncounteredHandler(), UndeclaredInterfaceHandler(),
    UnhandledRequestHandler(),
)
EXCEPTION_HANDLERS = (ErrorHandler(),)


def handled_intents() -> set[str]:
    """Every intent name some handler claims (checked against the model in tests)."""
    return {name for h in REQUEST_HANDLERS if isinstance(h, CoachIntentHandler) for name in h.intents}
