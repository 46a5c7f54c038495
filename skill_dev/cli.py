"""``back-stretch-coach``: developer commands.

    back-stretch-coach chat [--url URL] [--locale en-GB] [--script FILE] [--audio DIR] [--screen PROFILE] [--verbose]
    back-stretch-coach build-lambda                 # dist/lambda.zip
    back-stretch-coach skill-package --stack NAME   # build/skill-package for the ASK CLI, with the stack's ARN
        [--for-submission]                           # and policy URLs; refuses placeholders for certification
        [--privacy-url URL --terms-url URL]          # (or --function-arn ARN with both URLs)
    back-stretch-coach serve [--host H] [--port P] [--workers N]   # the endpoint for Alexa (verification on),
                                                    # and /privacy and /terms (OPERATOR_NAME, OPERATOR_CONTACT)

``chat`` talks to the skill in-process by default (with the store the
environment configures, SQLite under var/ unless told otherwise), or to a
running endpoint with ``--url``. The in-process skill's log lines go to
var/chat.log (``--log-file``), or to stderr with ``--verbose``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .envelopes import VIEWPORTS
from .interaction_model import model_path

DEFAULT_LOG = Path("var/chat.log")


def _chat(args: argparse.Namespace) -> int:
    from .chat import InProcess, OverHttp, skill_logs

    path = Path(args.model) if args.model else model_path(args.locale)
    if not path.exists():
        print(f"no interaction model for {args.locale} at {path}", file=sys.stderr)
        return 2
    if args.url:  # the server's logs are the server's business
        return _converse(args, path, OverHttp(args.url))
    log = None if args.verbose else Path(args.log_file)
    if log is not None:
        print(f"skill logs: {log} (--verbose shows them here)", file=sys.stderr)
    with skill_logs(log):  # before InProcess() builds the skill, which configures logging
        return _converse(args, path, InProcess())


def _converse(args: argparse.Namespace, path: Path, transport) -> int:
    from .chat import Chat
    from .resolver import Resolver

    audio = Path(args.audio) if args.audio else None
    chat = Chat(transport, Resolver.from_file(path), locale=args.locale, audio_dir=audio, user_id=args.user,
                screen=args.screen.upper() if args.screen else None)
    if audio is not None:
        from .audio import AudioUnavailable, espeak

        try:
            espeak()
        except AudioUnavailable as exc:
            print(exc, file=sys.stderr)
            chat.audio_dir = None
    if args.script:
        with open(args.script, encoding="utf-8") as handle:
            failures = chat.run_script(handle)
        chat.timeout()
        turns = [t for t in chat.turns]
        print(f"{len(turns)} lines sent, {failures} failed")
        return 1 if failures else 0
    chat.interact()
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .server import main as serve

    return serve(args.host, args.port, args.workers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="back-stretch-coach", description="Back Stretch Coach developer tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    chat = commands.add_parser("chat", help="talk to the skill by typing, with no Echo and no Amazon account")
    chat.add_argument("--url", help="send requests to this endpoint instead of the in-process skill")
    chat.add_argument("--locale", default="en-US", help="locale of the model and requests (default en-US)")
    chat.add_argument("--model", help="interaction model file (default interaction_models/<locale>.json)")
    chat.add_argument("--script", help="replay this conversation file and exit non-zero if a line fails")
    chat.add_argument("--audio", metavar="DIR", help="render each answer to a WAV in DIR with espeak-ng")
    chat.add_argument("--user", help="Alexa user id to use (default: a new one)")
    chat.add_argument("--screen", metavar="PROFILE", type=str.upper, choices=sorted(VIEWPORTS),
                      help="act as an Echo Show with this viewport profile (e.g. hub_landscape_medium): "
                           "answers show a [screen: ...] line, and /tap presses a button")
    chat.add_argument("--verbose", action="store_true", help="show the in-process skill's log lines on stderr")
    chat.add_argument("--log-file", default=str(DEFAULT_LOG),
                      help=f"where the in-process skill's log lines go otherwise (default {DEFAULT_LOG})")
    chat.set_defaults(run=_chat)
    from .server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WORKERS

    serve = commands.add_parser("serve", help="serve the skill to Alexa over HTTP (request verification is always on)",
                                description="Serve skill.web's app with waitress; request verification is always on, "
                                            "and SKILL_ID is required (or ALLOW_ANY_SKILL_ID=true).")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}: put your HTTPS proxy or tunnel on the "
                            "same machine; 0.0.0.0 for a proxy elsewhere or in a container)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                       help=f"threads that run requests (default {DEFAULT_WORKERS})")
    serve.set_defaults(run=_serve)
    for name, module, text in (("build-lambda", "build_lambda", "build dist/lambda.zip (see make bundle)"),
                               ("skill-package", "skill_package", "write the skill package for the ASK CLI")):
        command = commands.add_parser(name, help=text, add_help=False)
        command.set_defaults(run=None, module=module)
    args, rest = parser.parse_known_args(argv)
    if args.run is None:
        import importlib

        return importlib.import_module(f"skill_dev.{args.module}").main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
