"""What each `togetherly` subcommand does; the CLI module only parses arguments."""

from __future__ import annotations

import argparse
import functools
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import paths
from assistant.config import Settings, load_settings, save_settings, set_broken_config_aside, with_updates
from assistant.errors import AudioDeviceError, ConfigError, TogetherlyError
from assistant.notes.models import AnswerNote, CheckInNote, Goal, Note, NotesFile
from assistant.notes.store import NotesStore

if TYPE_CHECKING:
    from assistant.audio.sources import AudioSource
    from assistant.clock import Clock
    from assistant.dialogue.conversation import Conversation
    from assistant.hearing.barge_in import BargeInMonitor
    from assistant.hearing.listener import SpeechListener
    from assistant.notes.query import DamagedForget, EntryFilter, Selection
    from assistant.understanding.matcher import IntentMatcher
    from assistant.voice.speaker import Speaker, VoiceSpeaker


def _report(message: str) -> None:
    print(f"togetherly: {message}", file=sys.stderr, flush=True)


def build_session(args: argparse.Namespace) -> tuple[object, list[Callable[[], None]]]:
    """Wire input, recognition, output and storage from the command-line options."""
    from datetime import datetime  # noqa: PLC0415

    from assistant.clock import ManualClock, SystemClock  # noqa: PLC0415
    from assistant.dialogue.conversation import Conversation  # noqa: PLC0415
    from assistant.dialogue.flows import default_flows  # noqa: PLC0415
    from assistant.dialogue.responses import Responses  # noqa: PLC0415
    from assistant.dialogue.runner import Assistant  # noqa: PLC0415
    from assistant.hearing.listener import Listener, TextListener  # noqa: PLC0415
    from assistant.understanding.intents import IntentSet  # noqa: PLC0415
    from assistant.understanding.matcher import IntentMatcher  # noqa: PLC0415
    from assistant.voice.speaker import MultiSpeaker, PrintSpeaker  # noqa: PLC0415

    data_dir = paths.prepare_data_dir(paths.data_dir(args.data_dir))  # before anything slow: a clear error first
    settings = load_settings(data_dir)
    overrides = {k: v for k, v in (("partner_one", args.partner_one), ("partner_two", args.partner_two),
                                   ("engine", args.engine), ("voice", args.voice)) if v}
    if args.model:
        overrides.update(vosk_model=args.model, engine="vosk")
    settings = with_updates(settings, overrides)

    language = paths.language_dir()
    matcher = IntentMatcher(IntentSet.load_dir(language))
    responses = Responses.load_dir(language / "responses")

    # Timers run on this clock. WAV files carry their own time: the clock follows the audio read,
    # so a timed hug in a recording ends at the right place in it, however fast the files are read.
    clock: Clock = ManualClock(datetime.now().astimezone()) if args.wav else SystemClock()
    notices: list[str] = []
    """Lines said after the welcome: what the couple should know before they start (the recognizer)."""
    listener: Listener
    source: AudioSource | None = None
    barge_in: BargeInMonitor | None = None
    if args.text:
        listener = TextListener(clock=clock)
    else:
        source, listener, barge_in = _hearing(args, settings, matcher, clock, notices)

    speakers: list[Speaker] = [PrintSpeaker()]
    closers: list[Callable[[], None]] = [source.close] if source is not None else []
    """What the session must shut down before the process ends (devices, the voice's warm-up)."""
    speak = args.speak if args.speak is not None else not (args.text or args.wav)
    voice = _voice(args.save_speech, settings, data_dir, paths.models_dir(args.models_dir), barge_in) \
        if speak or args.save_speech else None
    if voice is not None:
        speakers.append(voice)
        closers.insert(0, voice.close)

    store = NotesStore.in_dir(data_dir, report=_report)
    ctx = Conversation(listener=listener, speaker=MultiSpeaker(*speakers), matcher=matcher,
                       responses=responses, clock=clock, store=store, settings=settings,
                       settings_keeper=functools.partial(_keep_settings, data_dir, args))
    if voice is not None:
        _warm(voice, ctx)
    return Assistant(ctx, default_flows(), notices), closers


def _keep_settings(data_dir: Path, args: argparse.Namespace, settings: Settings) -> None:
    """What the couple chose aloud, into config.yaml; this session's flag overrides are not made permanent."""
    try:
        kept = load_settings(data_dir)
    except ConfigError:
        kept = Settings()
    chosen = {k: getattr(settings, k) for k in ("partner_one", "partner_two", "names_asked", "speaking_rate", "volume")
              if not (k in ("partner_one", "partner_two") and getattr(args, k, None))}
    save_settings(data_dir, with_updates(kept, chosen))


def _hearing(args: argparse.Namespace, settings: Settings, matcher: IntentMatcher, clock: Clock,
             notices: list[str]) -> tuple[AudioSource, SpeechListener, BargeInMonitor | None]:
    """Audio in (WAV files or the microphone), the recognizer, and barge-in while speaking aloud."""
    from assistant.audio.sources import MicrophoneSource, WavFilesSource  # noqa: PLC0415
    from assistant.clock import ManualClock  # noqa: PLC0415
    from assistant.hearing.engines import create_recognizer  # noqa: PLC0415
    from assistant.hearing.listener import SpeechListener  # noqa: PLC0415

    source: AudioSource
    if isinstance(clock, ManualClock):
        source = WavFilesSource(args.wav, clock=clock)
    else:  # no microphone at start is an error; one that fails later is waited for
        from assistant.audio.reconnecting import ReconnectingSource  # noqa: PLC0415

        source = ReconnectingSource(MicrophoneSource(), MicrophoneSource, clock, _report)
    chosen = create_recognizer(settings.engine, settings.vosk_model, paths.models_dir(args.models_dir),
                               matcher.intents.sentences_heard())
    recognizer = chosen.recognizer
    if chosen.fallback_reason:
        _report(f"{chosen.fallback_reason}; listening with pocketsphinx instead")
        notices.append("core.hearing_fallback")
    _report(f"listening with {recognizer.name}" + (" (WAV files)" if args.wav else " (microphone)"))
    barge_in = None
    if not args.wav and not args.save_speech:
        # Spoken aloud into a live microphone: listen for "stop" while speaking (assistant.hearing.barge_in).
        from assistant.hearing.barge_in import BargeInMonitor, barge_in_phrases  # noqa: PLC0415

        spoken = {p.spoken.lower(): p.intent for p in matcher.intents.phrases()}
        streaming = recognizer
        if recognizer.name == "whisper":  # barge-in must stream while we speak: pocketsphinx's small grammar
            from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: PLC0415

            streaming = PocketsphinxRecognizer()
        barge_in = BargeInMonitor(source, streaming, barge_in_phrases(spoken))
    return source, SpeechListener(source, recognizer, clock=clock, barge_in=barge_in, paraphrases=True), barge_in


WARM_KEYS = ("core.welcome", "core.goodbye", "core.after_flow", "core.didnt_catch_idle", "core.capabilities",
             "core.thanks_reply", "checkin.greet", "checkin.ask_high", "checkin.ask_low", "checkin.closing",
             "checkin.saved", "hug.done_hug", "calm_down.acknowledge", "question_game.intro")
"""Lines worth having as audio before they are first needed: the welcome, the goodbye, the check-in."""


def _voice(save_dir: Path | None, settings: Settings, data_dir: Path, models: Path,
           barge_in: BargeInMonitor | None = None) -> VoiceSpeaker:
    """The chosen voice (Piper's joe by default; `system` is pyttsx3), pyttsx3 when it cannot load (said
    once), with fixed lines kept as audio in the data folder."""
    from assistant.audio.sinks import AudioSink, SoundDeviceSink, WavFileSink  # noqa: PLC0415
    from assistant.voice.speaker import VoiceSpeaker  # noqa: PLC0415
    from assistant.voice.speech_cache import SpeechCache  # noqa: PLC0415
    from assistant.voice.synthesis import Pyttsx3Synthesizer, Synthesizer  # noqa: PLC0415

    synthesizer: Synthesizer | None = None
    if settings.voice != "system":
        from assistant.voice.piper import PiperSynthesizer  # noqa: PLC0415

        try:
            synthesizer = PiperSynthesizer(settings.voice, models / "voices", speaking_rate=settings.speaking_rate,
                                           volume=settings.volume)
        except AudioDeviceError as exc:
            _report(f"{exc}; speaking with the system voice (pyttsx3) instead")
    if synthesizer is None:
        synthesizer = Pyttsx3Synthesizer(speaking_rate=settings.speaking_rate, volume=settings.volume)
    sink: AudioSink = WavFileSink(save_dir) if save_dir else SoundDeviceSink()
    return VoiceSpeaker(synthesizer, sink, barge_in, cache=SpeechCache(data_dir / "speech-cache"))


def _warm(voice: VoiceSpeaker, ctx: Conversation) -> None:
    """Synthesize the common fixed lines in the background, so even the first of them starts at once;
    the session closes the voice (`VoiceSpeaker.close`) before it ends."""
    voice.warm([line for key in WARM_KEYS for line in ctx.spoken_variants(key, name=ctx.settings.partner_one)])


def run(args: argparse.Namespace) -> int:
    from assistant.dialogue.runner import Assistant  # noqa: PLC0415

    assistant, closers = build_session(args)
    assert isinstance(assistant, Assistant)
    ctx = assistant.ctx

    def on_signal(signum: int, _frame: object) -> None:
        # Ctrl-C or a systemd stop: end the ritual as "stop" does (what was said is kept and saved once),
        # then exit 128 + N as a shell expects of signal N.
        ctx.end(128 + signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return assistant.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for close in closers:
            close()


def setup(data_dir: Path | None, one: str | None, two: str | None, engine: str | None, *,
          voice: str | None = None, speaking_rate: float | None = None, volume: float | None = None) -> int:
    """Write config.yaml. Names not given as flags are asked at a terminal, or read from piped input
    (a line each); a config.yaml that cannot be read is set aside and replaced."""
    directory = paths.prepare_data_dir(paths.data_dir(data_dir))
    try:
        current = load_settings(directory)
    except ConfigError as exc:
        moved = set_broken_config_aside(directory)
        print(f"The old config could not be read ({exc.__cause__ or exc}); it was kept as {moved.name}.")
        current = Settings()
    if sys.stdin.isatty():
        if one is None:
            one = input(f"First partner's name [{current.partner_one}]: ").strip() or None
        if two is None:
            two = input(f"Second partner's name [{current.partner_two}]: ").strip() or None
    elif one is None or two is None:
        piped = [line.strip() for line in sys.stdin.read().splitlines()]
        names = iter(piped)
        one = one if one is not None else next(names, "") or None
        two = two if two is not None else next(names, "") or None
    updates = {k: v for k, v in (("partner_one", one), ("partner_two", two), ("engine", engine), ("voice", voice),
                                 ("speaking_rate", speaking_rate), ("volume", volume)) if v is not None and v != ""}
    settings = with_updates(current, updates)
    path = save_settings(directory, settings)
    print(f"Saved {path}: partners {settings.partner_one} and {settings.partner_two}, engine {settings.engine}, "
          f"voice {settings.voice} (pace {settings.speaking_rate:g}, volume {settings.volume:g}).")
    return 0


def notes(args: argparse.Namespace) -> int:
    """`togetherly notes`: list (filtered), export, or forget entries."""
    from assistant.notes.query import EntryFilter  # noqa: PLC0415

    if args.since and args.until and args.since > args.until:
        raise TogetherlyError(f"--since {args.since} is after --until {args.until}: nothing could match")
    where = EntryFilter(frozenset(args.kind) if args.kind else None, args.since, args.until)
    if args.forget and not where.is_everything:
        raise TogetherlyError("--forget takes ids only; to forget by kind or date use --forget-all with "
                              "--kind/--since/--until")
    if args.forget or args.forget_all:
        return forget_notes(args.data_dir, where, args.forget or [], args.yes)
    if args.yes:
        raise TogetherlyError("--yes confirms --forget or --forget-all; on its own it does nothing")
    if args.export:
        return export_notes(args.data_dir, where, args.export, force=args.force)
    return show_notes(args.data_dir, as_json=args.json, where=where)


def _question_texts(data_dir: Path) -> dict[str, str]:
    from assistant.dialogue.decks import question_texts  # noqa: PLC0415

    return question_texts(paths.language_dir() / "decks", data_dir / "decks")


def show_notes(data_dir: Path | None, as_json: bool, where: EntryFilter | None = None) -> int:
    from assistant.notes.query import EntryFilter, select  # noqa: PLC0415

    where = where or EntryFilter()
    store = NotesStore.in_dir(paths.data_dir(data_dir), report=_report)
    notes = store.load(allow_newer=True, read_only=True)  # a listing changes nothing, even a damaged file
    chosen = select(notes, where)
    if as_json:
        document = notes.model_dump(mode="json") if where.is_everything else {
            "filter": where.describe(), "notes": [n.model_dump(mode="json") for n in chosen.notes],
            "goals": [g.model_dump(mode="json") for g in chosen.goals]}
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    if not chosen and not (where.is_everything and notes.rituals.favourite_questions):
        print("No notes yet. Say \"start our check-in\" to make your first one." if where.is_everything
              else f"Nothing matches ({where.describe()}).")
        return 0
    for note in chosen.notes:
        print(describe_note(note))
    for goal in chosen.goals:
        print(describe_goal(goal))
    if where.is_everything and notes.rituals.favourite_questions:
        from assistant.notes.query import favourite_text  # noqa: PLC0415

        questions = _question_texts(paths.data_dir(data_dir))
        print("Favourite questions:")
        for question in notes.rituals.favourite_questions:
            print(f"    {shown(favourite_text(question, questions))}")
    return 0


def export_notes(data_dir: Path | None, where: EntryFilter, path: Path, *, force: bool = False) -> int:
    from datetime import datetime  # noqa: PLC0415

    from assistant.notes.query import describe_entries, export  # noqa: PLC0415

    if path.is_dir():
        raise TogetherlyError(f"{path} is a folder: give the export a file name, e.g. {path / 'our-notes.md'}")
    if path.exists() and not force:
        raise TogetherlyError(f"{path} already exists: choose another name, or add --force to replace it")
    directory = paths.data_dir(data_dir)
    store = NotesStore.in_dir(directory, report=_report)
    written = export(store.load(allow_newer=True, read_only=True), where, path, datetime.now().astimezone(),
                     _question_texts(directory))
    print(f"Exported {describe_entries(written.counts())} to {path} (readable only by you).")
    return 0


def forget_notes(data_dir: Path | None, where: EntryFilter, ids: list[str], confirmed: bool) -> int:
    """Delete entries by id, or everything `where` selects, from the notes and every copy of them; asks
    first unless `confirmed`, and says what went from where.

    Changes kept from a failed save (recovery files) are saved into the notes first, so they are forgotten
    with the rest and their files removed. Upgrade backups lose the same entries. A file set aside as
    unreadable is searched as raw text: the entries that can still be read out of it go, and so does every
    trace of what the forgotten entries said; when an entry asked for by id is in it but too damaged to
    tell what it said, the file is deleted whole. Forgetting everything (`--forget-all`, no filter)
    deletes those files.
    """
    from assistant.notes.query import (  # noqa: PLC0415
        Selection,
        describe_entries,
        forget_ids,
        forget_selection,
        select,
        unknown_ids,
    )

    store = NotesStore.in_dir(paths.data_dir(data_dir), report=_report)
    kept = [p for p in store.recovery_files if p.exists()]
    current = store.load()  # saves changes kept from a failed save into the file, then removes their copies
    everything = not ids and where.is_everything
    wanted = set(ids)

    def chosen(data: NotesFile) -> Selection:
        if ids:
            return Selection([n for n in data.notes if n.id in wanted], [g for g in data.goals if g.id in wanted])
        return select(data, where)

    def change(data: NotesFile) -> str:
        if ids:
            return describe_entries(forget_ids(data, wanted).counts())
        removed, rituals = forget_selection(data, where)
        return describe_entries(removed.counts(), rituals)

    backups = {path: store.read_backup(path) for path in store.backups()}
    readable = [current, *(data for data in backups.values() if data is not None)]
    asides = {} if everything else {path: _raw_text(path) for path in store.set_aside()}
    if ids:
        missing = [i for i in ids if all(unknown_ids(data, [i]) for data in readable)
                   and not any(json.dumps(i) in text for text in asides.values())]
        if missing:
            raise TogetherlyError(f"no entry with id {', '.join(missing)}; nothing was deleted "
                                  "(`togetherly notes` shows the ids)")
    damaged = _plan_damaged(asides, [chosen(data) for data in readable], wanted, where)
    found = [path for path, result in damaged.items() if result.found]
    whole = [path for path in found if damaged[path].new_text is None]

    planned = change(current.model_copy(deep=True))
    copies = [*backups, *store.set_aside()] if everything else []
    in_backups = [path for path, data in backups.items() if not everything and data is not None
                  and change(data) != "nothing"]
    if planned == "nothing" and not copies and not in_backups and not found:
        print(f"Nothing to forget ({where.describe()}).")
        _mention_searched(damaged)
        return 0
    what = _plan_in_words(planned, copies, in_backups, found, whole)
    if not confirmed and not _confirm(what):
        return 1
    done: list[str] = []
    store.update(lambda data: done.append(change(data)))
    if done[0] != "nothing":
        print(f"Forgot {done[0]}. It is gone from {store.path}.")
    if kept:
        left = [p for p in kept if p.exists()]
        print(f"Changes kept from a failed save ({_names(kept)}) were saved into the notes first, so they were "
              "included" + (f"; could not delete {_names(left)}: delete it by hand." if left
                            else f"; {'that file is' if len(kept) == 1 else 'those files are'} gone."))
    changed = [path for path in in_backups if store.forget_in_backup(path, change)]
    if changed:
        print(f"Also removed from {_count(changed, 'backup', 'backups')}: {_names(changed)}.")
    for path in found:
        _forget_in_damaged_file(store, path, damaged[path])
    if copies:
        store.delete_copies(copies)
        print(f"Deleted {_count(copies, 'older copy', 'older copies')} of the notes file: {_names(copies)}.")
    _mention_searched(damaged)
    return 0


def _plan_in_words(planned: str, copies: list[Path], in_backups: list[Path], found: list[Path],
                   whole: list[Path]) -> str:
    """What forgetting is about to delete, for the question (or the refusal without --yes)."""
    if copies:
        files = f"{_count(copies, 'older copy', 'older copies')} of the notes file ({_names(copies)})"
        return files if planned == "nothing" else f"{planned} and {files}"
    also = [_count(in_backups, "backup", "backups")] if in_backups else []
    if found:
        also.append(f"{_count(found, 'file', 'files')} set aside as unreadable")
    in_ = " and ".join(also)
    if not also:
        what = planned
    else:
        what = f"{planned} (also in {in_})" if planned != "nothing" else f"those entries from {in_}"
    if whole:
        what += (f" ({_names(whole)} whole: an entry asked for is in {'it' if len(whole) == 1 else 'them'}, too "
                 "damaged to remove alone)")
    return what


def _plan_damaged(asides: dict[Path, str], selections: list[Selection], wanted: set[str],
                  where: EntryFilter) -> dict[Path, DamagedForget]:
    """What forgetting takes out of each file set aside as unreadable (`asides`: their raw text).
    `selections`: the entries being forgotten, as each readable copy holds them."""
    from assistant.notes.query import chosen_in_damaged, forget_in_damaged, private_texts  # noqa: PLC0415

    # What the forgotten entries said, from every copy that can be read, to find it in damaged ones too.
    words: set[str] = set()
    known: set[str] = set()
    for selection in selections:
        words |= private_texts(selection)
        known |= {entry.id for entry in [*selection.notes, *selection.goals]}
    for text in asides.values():
        for entry in chosen_in_damaged(text, wanted, where):
            words |= entry.texts()
            known.add(entry.id)
    return {path: forget_in_damaged(text, wanted, where, words, known) for path, text in asides.items()}


def _forget_in_damaged_file(store: NotesStore, path: Path, result: DamagedForget) -> None:
    if result.new_text is None:
        store.delete_copies([path])
        print(f"Deleted {path.name} (set aside as unreadable): it held {', '.join(result.too_damaged)} too "
              "damaged to remove alone.")
        return
    store.rewrite_copy(path, result.new_text.encode("utf-8", "surrogateescape"))
    parts = [f"{result.entries} {'entry' if result.entries == 1 else 'entries'}"] if result.entries else []
    if result.traces:
        parts.append(f"{result.traces} other {'trace' if result.traces == 1 else 'traces'} of them")
    print(f"Also removed from {path.name} (set aside as unreadable): {' and '.join(parts)}; the rest of it is "
          "left as it was.")


def _raw_text(path: Path) -> str:
    """A damaged file's text, every byte kept (bytes that are not UTF-8 come back unchanged on encoding)."""
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise TogetherlyError(f"cannot read {path} to search it: {exc.strerror or exc}; nothing was deleted") \
            from exc


def _mention_searched(damaged: dict[Path, DamagedForget]) -> None:
    """Files set aside as unreadable that were searched and held none of it; and what could not be checked."""
    clean = [path for path, result in damaged.items() if not result.found and not result.unreadable]
    if clean:
        print(f"Also searched {_names(clean)} (set aside as unreadable): none of it was there.")
    for path, result in damaged.items():
        if result.unreadable:
            n = result.unreadable
            print(f"{path.name} (set aside as unreadable) holds {n} damaged {'entry' if n == 1 else 'entries'} "
                  "whose kind and date cannot be read, so they could not be checked against the filter. "
                  "`togetherly notes --forget-all --yes` deletes everything, these files included.")


def _count(items: list[Path], one: str, many: str) -> str:
    return f"{len(items)} {one if len(items) == 1 else many}"


def _names(items: list[Path]) -> str:
    return ", ".join(path.name for path in items)


def _confirm(planned: str) -> bool:
    """Ask at a terminal; anywhere else (a script, a pipe) refuse: deleting needs an explicit --yes."""
    if not sys.stdin.isatty():
        raise TogetherlyError(f"this would delete {planned} for good; add --yes to confirm "
                              "(nothing was deleted)")
    answer = input(f"Delete {planned} for good? [y/N] ").strip().lower()
    if answer in ("y", "yes"):
        return True
    print("Nothing was deleted.")
    return False


def describe_goal(goal: Goal) -> str:
    """One goal as `togetherly notes` prints it."""
    from assistant.notes.query import goal_status  # noqa: PLC0415

    when = goal.created_at.strftime("%Y-%m-%d %H:%M")
    return f"{when}  goal ({goal_status(goal)})  [{goal.id}]\n    {shown(goal.text)}"


def describe_note(note: Note) -> str:
    """A few readable lines for one note, as `togetherly notes` prints it."""
    when = note.created_at.strftime("%Y-%m-%d %H:%M")
    if isinstance(note, CheckInNote):
        status = "" if note.completed else " (stopped early)"
        lines = [f"{when}  check-in{status}  [{note.id}]"]
        for part in note.partners:
            lines.append(f"    {shown(part.partner)}: high: {shown(part.high) if part.high else '(skipped)'}")
            lines.append(f"    {' ' * len(shown(part.partner))}  low:  {shown(part.low) if part.low else '(skipped)'}")
        return "\n".join(lines)
    if isinstance(note, AnswerNote):
        return f"{when}  answer  [{note.id}]\n    Q: {shown(note.question)}\n    A: {shown(note.text)}"
    who = f"{shown(note.partner)}: " if note.partner else ""
    return f"{when}  {note.kind}  [{note.id}]\n    {who}{shown(note.text)}"


def shown(text: str) -> str:
    """Text from the notes as a terminal should show it: control characters (line breaks, ANSI escapes)
    written as escapes, so a saved answer can never move the cursor, recolour or fake a line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def understand(wavs: list[Path], *, text: bool, state: str, engine: str, model: Path | None,
               models_dir: Path | None) -> int:
    from assistant.cli.understand import Understander  # noqa: PLC0415
    from assistant.dialogue.states import listening_states  # noqa: PLC0415
    from assistant.hearing.engines import create_recognizer  # noqa: PLC0415
    from assistant.understanding.intents import IntentSet  # noqa: PLC0415
    from assistant.understanding.matcher import IntentMatcher  # noqa: PLC0415

    if bool(wavs) == text:
        raise TogetherlyError("give WAV files, or --text to read typed lines from stdin")
    matcher = IntentMatcher(IntentSet.load_dir(paths.language_dir()))  # as the live loop
    states = listening_states(matcher.intents)
    allowed = states.get(state) or [name.strip() for name in state.split(",") if name.strip()]
    unknown = [name for name in allowed if name not in matcher.intents]
    if unknown:
        raise TogetherlyError(f"unknown state or intent(s): {', '.join(unknown)}; states: {', '.join(states)}")
    if text:
        understander = Understander(matcher, idle=state == "idle")
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(understander.text(line.strip(), allowed).as_json(), ensure_ascii=False), flush=True)
        return 0
    kind = "vosk" if model else engine
    chosen = create_recognizer(kind, model, paths.models_dir(models_dir),  # type: ignore[arg-type]
                               matcher.intents.sentences_heard())
    if chosen.fallback_reason:
        _report(f"{chosen.fallback_reason}; using pocketsphinx instead")
    recognizer = chosen.recognizer
    understander = Understander(matcher, recognizer, idle=state == "idle")
    for path in wavs:
        print(json.dumps(understander.wav(path, allowed).as_json(), ensure_ascii=False), flush=True)
    return 0


def devices() -> int:
    from assistant.audio.sources import list_devices  # noqa: PLC0415

    print(list_devices())
    return 0


def models_download(name: str | None, models_dir: Path | None, url: str | None, sha256: str | None) -> int:
    from assistant.hearing.model_manager import download_model  # noqa: PLC0415

    download_model(name, paths.models_dir(models_dir), url=url, sha256=sha256, out=sys.stderr)
    return 0


def models_list(models_dir: Path | None, data_dir: Path | None = None) -> int:
    from assistant.errors import ModelError  # noqa: PLC0415
    from assistant.hearing.engines import choose_vosk_model  # noqa: PLC0415
    from assistant.hearing.engines.whisper_model import WhisperModelFiles  # noqa: PLC0415
    from assistant.hearing.model_manager import catalog, list_models  # noqa: PLC0415

    directory = paths.models_dir(models_dir)
    try:
        settings = load_settings(paths.data_dir(data_dir))
    except ConfigError:
        settings = Settings()
    try:
        whisper = WhisperModelFiles.installed()
        whisper.verify()
        whisper_line = f"  whisper {whisper.name}: {whisper.folder}"
    except ModelError as exc:
        whisper, whisper_line = None, f"  whisper: not usable ({exc})"
    vosk = choose_vosk_model(settings.vosk_model, directory)
    if settings.engine in ("auto", "vosk") and vosk is not None:
        in_use = f"vosk ({vosk.name})"
    elif settings.engine in ("auto", "whisper") and whisper is not None:
        in_use = f"whisper ({whisper.name})"
    else:
        in_use = "pocketsphinx (bundled en-us)"
    print(f"Speech engine in use: {in_use} (engine: {settings.engine} in config)")
    print("Installed:")
    print(whisper_line)
    print("  pocketsphinx en-us: bundled with pocketsphinx")
    installed = list_models(directory)
    for model in installed:
        print(f"  vosk {model.name}: {directory / model.name}")
    if not installed:
        print(f"  (no Vosk model in {directory})")
    print("Downloadable with `togetherly models download NAME`:")
    for key, info in catalog().items():
        print(f"  {key}: {info.description}")
    return 0


def intents_tool(action: str, names: list[str]) -> int:
    from assistant.understanding.intents import IntentSet  # noqa: PLC0415
    from assistant.understanding.matcher import IntentMatcher, find_collisions  # noqa: PLC0415

    intents = IntentSet.load_dir(paths.language_dir())
    if action == "sample":
        unknown = [n for n in names if n not in intents]
        if unknown:
            raise TogetherlyError(f"unknown intent(s): {', '.join(unknown)}; known: {', '.join(intents.names())}")
        for phrase in intents.phrases(names or None):
            print(f"{phrase.intent}\t{phrase.spoken}")
        return 0
    if action == "warm":
        classifier = IntentMatcher(intents).classifier
        stage = "sentence embeddings and n-grams" if classifier is not None and classifier.meaning else "n-grams"
        print(f"Understanding ready: {len(intents.phrases())} phrases, paraphrases judged by {stage}.")
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
