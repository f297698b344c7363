"""What each `togetherly` subcommand does; the CLI module only parses arguments."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant import paths
from assistant.config import Settings, load_settings, save_settings
from assistant.errors import TogetherlyError
from assistant.notes import AnswerNote, CheckInNote, Note
from assistant.store import NotesStore


def _report(message: str) -> None:
    print(f"togetherly: {message}", file=sys.stderr, flush=True)


def build_session(args: argparse.Namespace) -> tuple[object, object]:
    """Wire input, recognition, output and storage from the command-line options."""
    from assistant.clock import SystemClock  # noqa: PLC0415
    from assistant.dialogue.conversation import Conversation  # noqa: PLC0415
    from assistant.dialogue.runner import Assistant  # noqa: PLC0415
    from assistant.flows import default_flows  # noqa: PLC0415
    from assistant.intents import IntentSet  # noqa: PLC0415
    from assistant.listener import Listener, SpeechListener, TextListener  # noqa: PLC0415
    from assistant.matcher import IntentMatcher  # noqa: PLC0415
    from assistant.responses import Responses  # noqa: PLC0415
    from assistant.speaker import MultiSpeaker, PrintSpeaker, Speaker  # noqa: PLC0415

    data_dir = paths.data_dir(args.data_dir)
    settings = load_settings(data_dir)
    overrides = {k: v for k, v in (("partner_one", args.partner_one), ("partner_two", args.partner_two),
                                   ("engine", args.engine)) if v}
    if args.model:
        overrides.update(vosk_model=args.model, engine="vosk")
    settings = Settings.model_validate({**settings.model_dump(), **overrides})

    language = paths.language_dir()
    matcher = IntentMatcher(IntentSet.load_dir(language))
    responses = Responses.load_dir(language / "responses")

    listener: Listener
    source = None
    if args.text:
        listener = TextListener()
    else:
        from assistant.audio_in import AudioSource, MicrophoneSource, WavFilesSource  # noqa: PLC0415
        from assistant.engines import create_recognizer  # noqa: PLC0415

        source_: AudioSource = WavFilesSource(args.wav) if args.wav else MicrophoneSource()
        source = source_
        recognizer = create_recognizer(settings.engine, settings.vosk_model, paths.models_dir(args.models_dir))
        _report(f"listening with {recognizer.name}" + (" (WAV files)" if args.wav else " (microphone)"))
        listener = SpeechListener(source_, recognizer)

    speakers: list[Speaker] = [PrintSpeaker()]
    speak = args.speak if args.speak is not None else not (args.text or args.wav)
    if speak or args.save_speech:
        speakers.append(_voice(args.save_speech))

    store = NotesStore.in_dir(paths.ensure_private_dir(data_dir), report=_report)
    ctx = Conversation(listener=listener, speaker=MultiSpeaker(*speakers), matcher=matcher,
                       responses=responses, clock=SystemClock(), store=store, settings=settings)
    return Assistant(ctx, default_flows()), source


def _voice(save_dir: Path | None) -> object:
    from assistant.audio_out import AudioSink, SoundDeviceSink, WavFileSink  # noqa: PLC0415
    from assistant.speaker import VoiceSpeaker  # noqa: PLC0415
    from assistant.tts import Pyttsx3Synthesizer  # noqa: PLC0415

    sink: AudioSink = WavFileSink(save_dir) if save_dir else SoundDeviceSink()
    return VoiceSpeaker(Pyttsx3Synthesizer(), sink)


def run(args: argparse.Namespace) -> int:
    from assistant.dialogue.runner import Assistant  # noqa: PLC0415

    assistant, source = build_session(args)
    assert isinstance(assistant, Assistant)
    try:
        return assistant.run()
    finally:
        if source is not None:
            source.close()  # type: ignore[attr-defined]


def setup(data_dir: Path | None, one: str | None, two: str | None, engine: str | None) -> int:
    directory = paths.data_dir(data_dir)
    current = load_settings(directory)
    interactive = sys.stdin.isatty()
    if one is None and interactive:
        one = input(f"First partner's name [{current.partner_one}]: ").strip() or None
    if two is None and interactive:
        two = input(f"Second partner's name [{current.partner_two}]: ").strip() or None
    updates = {k: v for k, v in (("partner_one", one), ("partner_two", two), ("engine", engine)) if v}
    try:
        settings = Settings.model_validate({**current.model_dump(), **updates})
    except ValueError as exc:
        raise TogetherlyError(f"invalid setting: {exc}") from exc
    path = save_settings(directory, settings)
    print(f"Saved {path}: partners {settings.partner_one} and {settings.partner_two}, engine {settings.engine}.")
    return 0


def show_notes(data_dir: Path | None, as_json: bool) -> int:
    store = NotesStore.in_dir(paths.data_dir(data_dir), report=_report)
    notes = store.load()
    if as_json:
        print(json.dumps(notes.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return 0
    if not notes.notes:
        print("No notes yet. Say \"start our check-in\" to make your first one.")
        return 0
    for note in notes.notes:
        print(describe_note(note))
    return 0


def describe_note(note: Note) -> str:
    """A few readable lines for one note, as `togetherly notes` prints it."""
    when = note.created_at.strftime("%Y-%m-%d %H:%M")
    if isinstance(note, CheckInNote):
        status = "" if note.completed else " (stopped early)"
        lines = [f"{when}  check-in{status}  [{note.id}]"]
        for part in note.partners:
            lines.append(f"    {part.partner}: high: {part.high or '(skipped)'}")
            lines.append(f"    {' ' * len(part.partner)}  low:  {part.low or '(skipped)'}")
        return "\n".join(lines)
    if isinstance(note, AnswerNote):
        return f"{when}  answer  [{note.id}]\n    Q: {note.question}\n    A: {note.text}"
    who = f"{note.partner}: " if note.partner else ""
    return f"{when}  {note.kind}  [{note.id}]\n    {who}{note.text}"


def devices() -> int:
    from assistant.audio_in import list_devices  # noqa: PLC0415

    print(list_devices())
    return 0


def models_download(name: str | None, models_dir: Path | None, url: str | None, sha256: str | None) -> int:
    from assistant.model_manager import download_model  # noqa: PLC0415

    download_model(name, paths.models_dir(models_dir), url=url, sha256=sha256, out=sys.stderr)
    return 0


def models_list(models_dir: Path | None) -> int:
    from assistant.model_manager import catalog, list_models  # noqa: PLC0415

    directory = paths.models_dir(models_dir)
    installed = list_models(directory)
    print(f"Installed in {directory}:")
    for model in installed:
        print(f"  {model.name}")
    if not installed:
        print("  (none: pocketsphinx's bundled English model is used)")
    print("Downloadable with `togetherly models download NAME`:")
    for key, info in catalog().items():
        print(f"  {key}: {info.description}")
    return 0


def intents_tool(action: str, names: list[str]) -> int:
    from assistant.intents import IntentSet  # noqa: PLC0415
    from assistant.matcher import IntentMatcher, find_collisions  # noqa: PLC0415

    intents = IntentSet.load_dir(paths.language_dir())
    if action == "sample":
        unknown = [n for n in names if n not in intents]
        if unknown:
            raise TogetherlyError(f"unknown intent(s): {', '.join(unknown)}; known: {', '.join(intents.names())}")
        for phrase in intents.phrases(names or None):
            print(f"{phrase.intent}\t{phrase.spoken}")
        return 0
    if action == "match":
        matcher = IntentMatcher(intents)
        for line in sys.stdin:
            m = matcher.match(line)
            print(json.dumps({"input": line.strip(), "intent": m.intent, "score": round(m.score, 1),
                              "alternatives": m.alternatives}, ensure_ascii=False))
        return 0
    collisions = find_collisions(intents)
    total = len(intents.phrases())
    print(f"{len(intents.names())} intents, {total} phrases: all files valid.")
    for c in collisions:
        kind = "same phrase" if c.score >= 100 else f"near ({c.score:.0f})"
        print(f"collision, {kind}: {c.a.intent}: {c.a.spoken!r} ~ {c.b.intent}: {c.b.spoken!r}")
    if collisions:
        print(f"{len(collisions)} collision(s) between intents.")
        return 1
    print("No collisions between intents.")
    return 0
