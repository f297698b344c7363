"""`togetherly` itself: a session wired from the command-line options (the devices, the recognizer, the
voice) through the composition root, run until goodbye, and ended gracefully on a signal."""

from __future__ import annotations

import argparse
import functools
import signal
from datetime import datetime
from pathlib import Path
from typing import Literal

from assistant import paths
from assistant.app import Session, assemble, language_matcher
from assistant.audio.reconnecting import ReconnectingSource
from assistant.audio.sinks import AudioSink, SoundDeviceSink, WavFileSink
from assistant.audio.sources import AudioSource, MicrophoneSource, WavFilesSource
from assistant.cli.output import report as _report
from assistant.clock import Clock, ManualClock, SystemClock
from assistant.config import Settings, load_settings, save_settings, with_updates
from assistant.dialogue.conversation import Conversation
from assistant.errors import AudioDeviceError, ConfigError, ModelError
from assistant.hearing.answer_ear import AnswerEar, answer_ear, prepare_answer_model
from assistant.hearing.barge_in import BargeInMonitor, barge_in_phrases
from assistant.hearing.engines import create_recognizer
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.engines.whisper_model import DEFAULT_MODEL
from assistant.hearing.requests import Listener
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.text_listener import TextListener
from assistant.hearing.wake_word import WakeDetector, load_detector
from assistant.notes.store import NotesStore
from assistant.understanding.matcher import IntentMatcher
from assistant.voice.piper import PiperSynthesizer
from assistant.voice.speaker import MultiSpeaker, PrintSpeaker, Speaker, VoiceSpeaker
from assistant.voice.speech_cache import SpeechCache
from assistant.voice.synthesis import Pyttsx3Synthesizer, Synthesizer


def build_session(args: argparse.Namespace) -> Session:
    """Wire input, recognition, output and storage from the command-line options."""
    data_dir = paths.prepare_data_dir(paths.data_dir(args.data_dir))  # before anything slow: a clear error first
    settings = load_settings(data_dir)
    overrides = {k: v for k, v in (("partner_one", args.partner_one), ("partner_two", args.partner_two),
                                   ("engine", args.engine), ("voice", args.voice)) if v}
    if args.model:
        overrides.update(vosk_model=args.model, engine="vosk")
    if args.wake_word is not None:
        overrides["wake_word"] = args.wake_word
    settings = with_updates(settings, overrides)
    matcher = language_matcher()

    # Timers run on this clock. WAV files carry their own time: the clock follows the audio read,
    # so a timed hug in a recording ends at the right place in it, however fast the files are read.
    clock: Clock = ManualClock(datetime.now().astimezone()) if args.wav else SystemClock()
    notices: list[str] = []
    """Lines said after the welcome: what the couple should know before they start (the recognizer)."""
    listener: Listener
    source: AudioSource | None = None
    barge_in: BargeInMonitor | None = None
    heard_by: Literal["detector", "transcript"] = "transcript"
    if args.text:
        listener = TextListener(clock=clock, addressed=True)  # typed to us: nothing is overheard
    else:
        source, listener, barge_in = _hearing(args, settings, matcher, clock, notices)
        if settings.wake_word != "off":
            listener.wake, heard_by = _wake_word(settings.wake_word, listener.recognizer.name, notices)
        if settings.wake_word != "off" and listener.wake is None and listener.recognizer.name != "whisper":
            # pocketsphinx and Vosk decode into the phrases' words: the name would never be read, and
            # nothing outside a ritual with it.
            _report(f"the name needs the wake-word detector or Whisper; with {listener.recognizer.name} "
                    "everything said is heard")
            settings = with_updates(settings, {"wake_word": "off"})
            notices.append("core.wake_unavailable")

    speakers: list[Speaker] = [PrintSpeaker()]
    closers = [source.close] if source is not None else []
    """What the session must shut down before the process ends (devices, the voice's warm-up)."""
    speak = args.speak if args.speak is not None else not (args.text or args.wav)
    voice = _voice(args.save_speech, settings, data_dir, paths.models_dir(args.models_dir), barge_in) \
        if speak or args.save_speech else None
    if voice is not None:
        speakers.append(voice)
        closers.insert(0, voice.close)

    session = assemble(listener=listener, speaker=MultiSpeaker(*speakers), clock=clock,
                       store=NotesStore.in_dir(data_dir, report=_report), settings=settings, matcher=matcher,
                       settings_keeper=functools.partial(_keep_settings, data_dir, args), notices=notices,
                       closers=closers)
    session.ctx.wake_heard_by = heard_by
    session.ctx.wake_confirmed_by_transcript = isinstance(listener, SpeechListener) and \
        listener.recognizer.name == "whisper"
    if voice is not None:
        _warm(voice, session.ctx)
    return session


def _wake_word(name: str, recognizer: str, notices: list[str]) -> tuple[WakeDetector | None,
                                                                         Literal["detector", "transcript"]]:
    """The wake-word detector; when it cannot load (a damaged file), the name is read from the transcript
    instead, and that is said."""
    try:
        detector = load_detector(name)
    except ModelError as exc:
        if name == "togetherly" and recognizer == "whisper":
            _report(f"{exc}; listening for the name in what Whisper writes instead")
            notices.append("core.wake_word_fallback")
        else:
            _report(str(exc))
        return None, "transcript"
    _report(f"wake word: {name}")
    return detector, "detector"


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

    source: AudioSource
    if isinstance(clock, ManualClock):
        source = WavFilesSource(args.wav, clock=clock)
    else:  # no microphone at start is an error; one that fails later is waited for
        source = ReconnectingSource(MicrophoneSource(), MicrophoneSource, clock, _report)
    chosen = create_recognizer(settings.engine, settings.vosk_model, paths.models_dir(args.models_dir),
                               matcher.intents.sentences_heard(), settings.whisper_model)
    recognizer = chosen.recognizer
    if chosen.fallback_reason:
        _report(f"{chosen.fallback_reason}; listening with {chosen.label} instead")
        notices.append("core.hearing_fallback")
    answers = _answer_ear(settings, chosen.label, paths.models_dir(args.models_dir), notices)
    _report(f"listening with {chosen.label}" + (" (WAV files)" if args.wav else " (microphone)")
            + (f"; answers with {answers.label}" if answers is not None else ""))
    barge_in = None
    if not args.wav and not args.save_speech:
        # Spoken aloud into a live microphone: listen for "stop" while speaking (assistant.hearing.barge_in).
        spoken = {p.spoken.lower(): p.intent for p in matcher.intents.phrases()}
        streaming = recognizer
        if recognizer.name == "whisper":  # barge-in must stream while we speak: pocketsphinx's small grammar
            streaming = PocketsphinxRecognizer()
        barge_in = BargeInMonitor(source, streaming, barge_in_phrases(spoken))
    listener = SpeechListener(source, recognizer, clock=clock, barge_in=barge_in, paraphrases=True, answers=answers)
    return source, listener, barge_in


def _answer_ear(settings: Settings, hearing: str, models_dir: Path, notices: list[str]) -> AnswerEar | None:
    """Whisper base for what the couple keeps, beside Whisper tiny.en for commands (`assistant.hearing.answer_ear`);
    None where Whisper does not hear, where it hears everything with base already, or where base cannot be
    used (said once, and tiny.en hears answers)."""
    if hearing != f"Whisper {DEFAULT_MODEL}" or not settings.better_answers:
        return None
    problem = prepare_answer_model(models_dir)
    if problem is not None:
        _report(f"{problem}; answers are heard by {hearing}")
        notices.append("core.answers_fallback")
        return None
    return answer_ear(models_dir)


WARM_KEYS = ("core.welcome", "core.goodbye", "core.after_flow", "core.didnt_catch_idle", "core.thanks_reply",
             "checkin.greet", "checkin.ask_high", "checkin.ask_low", "checkin.closing",
             "checkin.saved", "hug.done_hug", "calm_down.acknowledge", "question_game.intro")
"""Lines worth having as audio before they are first needed: the welcome, the goodbye, the check-in."""


def _voice(save_dir: Path | None, settings: Settings, data_dir: Path, models: Path,
           barge_in: BargeInMonitor | None = None) -> VoiceSpeaker:
    """The chosen voice (Piper's joe by default; `system` is pyttsx3), pyttsx3 when it cannot load (said
    once), with fixed lines kept as audio in the data folder."""

    synthesizer: Synthesizer | None = None
    if settings.voice != "system":
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
    session = build_session(args)

    def on_signal(signum: int, _frame: object) -> None:
        # Ctrl-C or a systemd stop: end the ritual as "stop" does (what was said is kept and saved once),
        # then exit 128 + N as a shell expects of signal N.
        session.ctx.end(128 + signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return session.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        session.close()
