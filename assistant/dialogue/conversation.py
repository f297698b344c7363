"""The context every flow talks through: speak a line, ask for an answer or a choice, with stop,
repeat, help, skip and silence handled the same way at every prompt.

Flows read like a script (`ctx.ask_answer("checkin.ask_high", name=...)`) and raise nothing of their
own: `FlowCancelled` arrives when the couple says stop, `EndOfInput` when the input is finished.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Literal

from assistant.clock import Clock
from assistant.config import Settings
from assistant.dialogue.answers import Answer, best_reading, unclear
from assistant.dialogue.corrections import CORRECT_INTENTS, LastAnswer
from assistant.dialogue.notes_door import NotesDoor
from assistant.dialogue.policy import MIN_COMMAND_CONFIDENCE, gate
from assistant.dialogue.responses import Responses
from assistant.dialogue.spoken_text import OurWords, spoken_form
from assistant.dialogue.utterance import Utterance, nothing_meant
from assistant.errors import TogetherlyError
from assistant.hearing.requests import SILENCE, Heard, Listener, ListenMode, ListenRequest, command_request
from assistant.notes.store import NotesStore
from assistant.quiet_hours import QuietHours, quiet_until_morning
from assistant.understanding.matcher import IntentMatcher, Match
from assistant.understanding.wake import WakePhrase
from assistant.voice.speaker import Speaker

log = logging.getLogger(__name__)

FLOW_COMMANDS = ("stop", "repeat", "help")
ENDING_COMMANDS = ("goodbye",)
"""Heard at any prompt inside a ritual: stop it as "stop" does, then close Togetherly."""
PAUSE_COMMANDS = ("continue", "stop", "repeat", "help")
WAIT_COMMANDS = ("stop", "help")
REPROMPTS = ("core.reprompt_1", "core.reprompt_2")
YES_NO_REPROMPTS = ("core.reprompt_yes_no_1", "core.reprompt_yes_no_2")
"""What silence after a question gets, the first and the second time; then a pause."""
MAX_REPROMPTS = len(REPROMPTS)


class FlowCancelled(Exception):
    """The couple said stop or cancel."""


class EndOfInput(Exception):
    """The input is finished (end of typed input, or of the WAV files)."""


class SessionEnding(FlowCancelled):
    """The session is ending mid-ritual: "goodbye" was said, or a signal came (Ctrl-C, a systemd stop).
    Every flow stops as on "stop", keeping and saving what was said; `Conversation.ending` holds the exit
    code, and every later prompt raises this again, so nested flows unwind to the top."""


@dataclass(frozen=True)
class Tuning:
    command_timeout_s: float = 8.0
    answer_timeout_s: float = 12.0
    min_command_confidence: float = MIN_COMMAND_CONFIDENCE
    """Below this engine confidence a command is rejected rather than acted on."""
    answer_command_threshold: float = 90.0
    """A free answer is taken as a command (stop, skip, ...) only when it is nearly exactly one."""


@dataclass
class Conversation:
    listener: Listener
    speaker: Speaker
    matcher: IntentMatcher
    responses: Responses
    clock: Clock
    store: NotesStore
    settings: Settings
    tuning: Tuning = field(default_factory=Tuning)
    help_key: str = "core.help_idle"
    """The line `help` says in the current flow; flows set their own."""
    settings_keeper: Callable[[Settings], None] | None = None
    """Writes the settings to config.yaml (names, voice choices said aloud); None: nowhere to keep them."""
    ending: int | None = None
    """Set once the session is to end (`end`): the exit code."""
    wake_heard_by: Literal["detector", "transcript"] = "transcript"
    """How the name is heard outside the follow-up window: a wake-word detector on the audio (its moment's
    transcript must then start with the name too), or only by reading the transcript (no detector loaded)."""
    wake_confirmed_by_transcript: bool = True
    """With the detector, the moment's transcript must also hold the name (Whisper writes it; pocketsphinx and
    Vosk decode into the phrases' words and never would, so with them the detector alone decides)."""
    follow_up_until: float | None = None
    """Monotonic time (ctx.clock) until which a command needs no name; None: the window opens at the first
    listen (the start)."""
    said_goodbye: bool = False
    """"goodbye" ended a ritual of an always-on session: the conversation is over, the program goes on."""
    notes: NotesDoor = field(init=False)
    """What flows read and save (`assistant.dialogue.notes_door`)."""
    held_back: list[str] = field(default_factory=list)
    """Problems found while keeping quiet (response keys): said at the next addressed exchange."""
    last_answer: LastAnswer | None = None
    """The answer just kept, while it can still be corrected by voice (`assistant.dialogue.corrections`)."""
    _listening: bool = False
    _night_voice: bool = False
    """Whether the voice is tuned for quiet hours (a speaker is built with the day's pace and volume)."""

    def __post_init__(self) -> None:
        self.notes = NotesDoor(self.store, self.say)

    @contextmanager
    def help(self, key: str) -> Iterator[None]:
        """`help` says `key` inside the block; the previous line (a parent flow's) comes back after it."""
        previous, self.help_key = self.help_key, key
        try:
            yield
        finally:
            self.help_key = previous

    def keep_settings(self, settings: Settings) -> bool:
        """Use `settings` from now on and keep them in config.yaml; False when they could not be kept."""
        self.settings = settings
        if self.settings_keeper is None:
            return False
        try:
            self.settings_keeper(settings)
        except (OSError, TogetherlyError) as exc:
            log.warning("could not keep the settings: %s", exc)
            return False
        return True

    # -- ending ---------------------------------------------------------------------------------
    def end(self, code: int) -> None:
        """End the session as soon as what was said is kept. Safe from a signal handler: while waiting for
        the couple it interrupts the wait (SessionEnding); otherwise the next prompt raises it."""
        if self.ending is None:
            self.ending = code
        if self._listening:
            raise SessionEnding

    @property
    def overhears(self) -> bool:
        """The input can hold talk not meant for us (a microphone, a recording), unlike lines typed to us
        (`TextListener(addressed=True)`): only then does the wake phrase matter."""
        return not getattr(self.listener, "addressed", False)

    @property
    def always_on(self) -> bool:
        """Left listening in a room with a wake word: "goodbye" ends a conversation, not the program, and
        overheard talk outside the follow-up window gets no reply."""
        return self.settings.wake_word != "off" and self.overhears

    def needs_name(self) -> bool:
        """Outside the follow-up window of an always-on session, only what follows the name is for us."""
        if not self.always_on:
            return False
        if self.follow_up_until is None:
            self.open_follow_up()
        return self.clock.monotonic() >= (self.follow_up_until or 0.0)

    def open_follow_up(self) -> None:
        """After the start, an exchange or a ritual: the next command needs no name for a while."""
        self.follow_up_until = self.clock.monotonic() + self.settings.follow_up_seconds

    def close_follow_up(self) -> None:
        self.follow_up_until = self.clock.monotonic()

    def monotonic_at(self, moment: datetime) -> float:
        """The monotonic time (ctx.clock) at which the wall clock shows `moment`, for a listen's deadline."""
        return self.clock.monotonic() + (moment - self.clock.now()).total_seconds()

    # -- keeping quiet ------------------------------------------------------------------------------
    def in_quiet_hours(self) -> bool:
        return self.quiet_at(self.clock.now())

    def quiet_at(self, moment: datetime) -> bool:
        """Whether `moment` falls in the couple's quiet hours (to plan an offer outside them)."""
        hours = QuietHours.parse(self.settings.quiet_hours)
        return hours is not None and hours.holds(moment)

    def keeps_quiet(self) -> bool:
        """Nothing unprompted now: quiet hours, or "be quiet for tonight" until its morning."""
        until = self.settings.quiet_until
        return self.in_quiet_hours() or (until is not None and self.clock.now() < until)

    def tell(self, key: str) -> None:
        """A problem said unprompted (a recognizer that could not load, a notes file set aside): said now, or,
        while keeping quiet, logged and said at the next addressed exchange."""
        if self.keeps_quiet():
            log.info("keeping quiet: %s is said when next addressed", key)
            self.held_back.append(key)
        else:
            self.say(key)

    def keep_quiet_tonight(self) -> datetime:
        """"Be quiet for tonight", "good night, Togetherly": nothing unprompted until the morning (kept in
        config.yaml, so a restart keeps it too); when that is."""
        until = quiet_until_morning(self.clock.now(), QuietHours.parse(self.settings.quiet_hours))
        self.keep_settings(self.settings.model_copy(update={"quiet_until": until}))
        return until

    def goodbye_heard(self, utterance: Utterance) -> None:
        """A goodbye that says good night ("good night, Togetherly", "night night") keeps quiet until morning."""
        if "night" in self.words(utterance.text):
            self.keep_quiet_tonight()

    def tell_held_back(self) -> None:
        """What was kept back while quiet, now that the couple has spoken to us."""
        held, self.held_back = self.held_back, []
        for key in dict.fromkeys(held):
            self.say(key)

    def _tune_for_the_hour(self) -> None:
        """In quiet hours the voice speaks at night volume (a share of the day's); the first line after them at
        the day's again."""
        night = self.in_quiet_hours()
        if night != self._night_voice:
            self._night_voice = night
            self._tune_voice()

    def _tune_voice(self) -> None:
        volume = self.settings.volume * (self.settings.night_volume if self._night_voice else 1.0)
        self.speaker.tune(self.settings.speaking_rate, volume)

    def _listen(self, request: ListenRequest) -> Heard:
        if self.ending is not None:
            raise SessionEnding
        self._listening = True
        try:
            return self.listener.listen(request)
        finally:
            self._listening = False

    # -- speaking -------------------------------------------------------------------------------
    def line(self, key: str, **values: object) -> str:
        """A response line with `values` filled in, unspoken (a part of another line)."""
        text = self.responses.render(key, **self._names(), **values)
        return OurWords(text) if self._fixed(values) else text

    def length(self, seconds: int) -> OurWords:
        """"20 seconds", "one minute", "1 minute and 30 seconds", as the response files word them."""
        minutes, rest = divmod(seconds, 60)
        if minutes and rest:
            return OurWords(self.line("core.minutes_and_seconds", minutes=self.line("core.minutes", count=minutes),
                                      seconds=self.line("core.seconds", count=rest)))
        return OurWords(self.line("core.minutes", count=minutes) if minutes else self.line("core.seconds", count=rest))

    def time_of_day(self, at: time) -> OurWords:
        """"9 o'clock", "9:30": a time of day on the twelve-hour clock, as the response files word it."""
        hour = at.hour % 12 or 12
        if at.minute == 0:
            return OurWords(self.line("core.clock_on_the_hour", hour=hour))
        return OurWords(self.line("core.clock_with_minutes", hour=hour, minute=OurWords(f"{at.minute:02d}")))

    def _fixed(self, values: dict[str, object]) -> bool:
        """Only numbers, the partners' names and our own words filled in: a fixed line, which the voice may
        keep as audio. Any other value may be what the couple said (a note, an agreement): never kept."""
        return all(isinstance(v, int | float | OurWords) or v in self.settings.partners for v in values.values())

    def say(self, key: str, **values: object) -> str:
        """Speak a response line with `values` filled in."""
        return self.say_at_pace(key, 1.0, **values)

    def say_at_pace(self, key: str, pace: float, **values: object) -> str:
        """`say`, at `pace` against the couple's own (a breathing cue is slower still)."""
        text = spoken_form(self.line(key, **values))
        self._tune_for_the_hour()
        self.speaker.say(text, fixed=self._fixed(values), pace=pace)
        return text

    def say_each(self, texts: Iterable[str]) -> None:
        """Speak lines that are not in the response files (the couple's own agreements, a question from a
        deck) as they are: never kept as audio, since they may be what the couple said."""
        self._tune_for_the_hour()
        for text in texts:
            self.speaker.say(text)

    def say_every(self, key: str) -> None:
        """Speak every variant of a response line, in order (a list kept in the response file)."""
        self._tune_for_the_hour()
        for variant in self.responses.all_variants(key):
            self.speaker.say(spoken_form(variant.format(**self._names())), fixed=True)

    def chime(self, name: str) -> None:
        """A soft tone (`assistant.audio.chimes`): a hug's start and end, a break's end; softer in quiet hours."""
        self._tune_for_the_hour()
        self.speaker.chime(name, self.settings.night_volume if self._night_voice else 1.0)

    def use_voice(self, settings: Settings) -> None:
        """A new speaking rate or volume: the next line already sounds so, and it is kept in config.yaml."""
        self.keep_settings(settings)
        self._tune_voice()

    def spoken_list(self, items: Sequence[str], joiner: Literal["and", "or"]) -> str:
        """'a, b and c' (or 'a, b or c'), as the response files join a list."""
        if len(items) <= 1:
            return "".join(items)
        return self.line("core.list_and" if joiner == "and" else "core.list_or", items=", ".join(items[:-1]),
                         last=items[-1])

    def spoken_variants(self, key: str, **values: object) -> list[str]:
        """Every way `say(key, ...)` can come out, as it is spoken (to have them ready as audio)."""
        return [spoken_form(v.format(**self._names(), **values)) for v in self.responses.all_variants(key)]

    def _names(self) -> dict[str, str]:
        return {"partner_one": self.settings.partner_one, "partner_two": self.settings.partner_two}

    # -- understanding ----------------------------------------------------------------------------
    def understand(self, text: str, intents: Sequence[str], *, idle: bool = False) -> Utterance:
        """What typed or answered words mean among `intents` (a free answer that may be a command)."""
        return Utterance(Heard("speech", text, 1.0, 0.0, addressed=True),
                         self.matcher.match(text, intents, idle=idle))

    def words(self, text: str) -> list[str]:
        """`text` as the matcher's normalized words (to find a partner's name in an answer)."""
        return self.matcher.intents.normalizer.words(text)

    def intents_like(self, pattern: str) -> list[str]:
        """The intent names matching a shell-style `pattern` ("review_in_*")."""
        return fnmatch.filter(self.matcher.intents.names(), pattern)

    def said_after_prefix(self, utterance: Utterance, intents: Sequence[str]) -> str | None:
        """The free words said after a prefix in one breath ("remember that we need milk" -> we need milk)."""
        if utterance.match.by != "prefix":
            return None
        found = self.matcher.intents.after_prefix(utterance.text, intents)
        return found[1] if found is not None else None

    # -- listening ------------------------------------------------------------------------------
    def hear_command(self, intents: Sequence[str], timeout_s: float | None,
                     deadline: float | None = None, *, idle: bool = False) -> Utterance:
        """Listen in command mode for one of `intents`; the intent is None on silence, end or deadline.
        `idle`: outside any ritual, where a paraphrase must be surer (`IntentMatcher.match`) and, outside
        the follow-up window of an always-on session, only what follows the name is heard at all."""
        if idle and self.needs_name():
            heard = self._hear_addressed(intents, timeout_s, deadline)
        else:
            # In the follow-up window, speech must start before it closes; after that only the name wakes.
            start_by = self.follow_up_until if idle and self.always_on else None
            heard = self._listen(command_request(self.matcher.intents.phrases(intents), timeout_s, deadline,
                                                 start_by))
        if heard.status != "speech":
            return nothing_meant(heard)
        # Addressed (typed, or by name), a paraphrase needs no more certainty than inside a ritual.
        heard_match = self.matcher.match_heard(heard.text, heard.alternatives, intents,
                                               idle=idle and not heard.addressed)
        match = gate(heard_match, heard.confidence, self.tuning.min_command_confidence)
        if match.intent != heard_match.intent:
            log.info("rejected %s: engine confidence %.2f", heard_match.intent, heard.confidence)
        log.info("heard command: intent=%s score=%.1f confidence=%.2f recognize_ms=%.0f addressed=%s",
                 match.intent, match.score, heard.confidence, heard.recognize_ms, heard.addressed)
        return Utterance(heard, match)

    def _hear_addressed(self, intents: Sequence[str], timeout_s: float | None, deadline: float | None) -> Heard:
        """What was said after the name, addressed; SILENCE for talk in the room that was not for us."""
        phrases = self.matcher.intents.phrases(intents)
        wake = self.matcher.intents.wake
        if self.wake_heard_by == "transcript":
            heard = self._listen(command_request(phrases, timeout_s, deadline))
            rest = wake.rest(heard.text) if heard.status == "speech" else ""
        else:
            woke = self._listen(ListenRequest(ListenMode.WAKE, (), timeout_s, deadline))
            if woke.status != "wake":
                return woke
            log.info("wake word heard")
            self.chime("listening")
            heard = self._listen(command_request(phrases, self.tuning.command_timeout_s))
            rest = self._after_wake_word(wake, heard.text) if heard.status == "speech" else ""
        if heard.status != "speech":
            return heard
        if rest is None:
            log.info("not addressed: ignored outside the follow-up window")  # never the words
            return SILENCE  # talk in the room, not for us: no reply at all
        if rest:
            return Heard("speech", rest, heard.confidence, heard.recognize_ms, addressed=True)
        if self.wake_heard_by == "transcript":
            self.chime("listening")
        after = self._listen(command_request(phrases, self.tuning.command_timeout_s))
        return replace(after, addressed=True) if after.status == "speech" else after

    def _after_wake_word(self, wake: WakePhrase, text: str) -> str | None:
        """The command in the transcript of the moment the detector fired. Togetherly's own name must be
        in it too (the second check: each stage's false alarms multiply away); a pretrained word ("hey
        jarvis") is taken off when written, and the detector alone decides."""
        if self.settings.wake_word == "togetherly" and self.wake_confirmed_by_transcript:
            return wake.sounded(text)
        if self.settings.wake_word == "togetherly":
            rest = wake.rest(text, within=2)
            return text if rest is None else rest
        other = WakePhrase([self.settings.wake_word.replace("_", " "), self.settings.wake_word.split("_")[-1]])
        rest = other.rest(text, within=2)
        return text if rest is None else rest

    def heed(self, utterance: Utterance) -> str | None:
        """What every prompt and wait does first with what it heard: the end of input ends, "goodbye" ends
        the session, "stop" the ritual (each raised); otherwise the intent (None: nothing understood)."""
        if utterance.status == "end":
            raise EndOfInput
        intent = utterance.intent
        if intent == "goodbye":
            self.goodbye_heard(utterance)
            if self.always_on:  # the ritual stops as on "stop"; Togetherly keeps listening for its name
                self.said_goodbye = True
                raise FlowCancelled
            self.end(0)
            raise SessionEnding
        if intent == "stop":
            raise FlowCancelled
        return intent

    def wait_until(self, deadline: float | None, intents: Sequence[str], *, private: bool = False) -> Match | None:
        """Stay quiet and listen for one of `intents` until `deadline` (monotonic, on ctx.clock; None: no
        limit). Returns the match, or None once the deadline has come.

        Stop (FlowCancelled) and help work as at any prompt. Other speech gets no reply: during a hug
        or a break the couple may be talking to each other, not to us. `private`: see `wait_privately`.
        """
        allowed = [*WAIT_COMMANDS, *ENDING_COMMANDS, *intents, *(() if private else self.correctable())]
        while deadline is None or self.clock.monotonic() < deadline:
            heard = self._hear_privately(allowed, deadline) if private and self.overhears else \
                self.hear_command(allowed, None, deadline)
            if heard.status == "deadline":
                break
            intent = self.heed(heard)
            if intent == "help":
                self.say(self.help_key)
            elif intent not in intents and self.handled_correction(intent):  # then wait on
                pass
            elif intent is not None:
                return heard.match
        return None

    @property
    def hears_privately(self) -> bool:
        """While the couple talks privately (`wait_privately`), something can still be asked of us: typed
        lines, or the wake-word detector's name before a command (nothing else is recognized)."""
        return not self.overhears or self.wake_heard_by == "detector"

    def wait_privately(self, deadline: float | None, intents: Sequence[str]) -> Match | None:
        """`wait_until`, for a talk nothing may transcribe: from a microphone, nothing said is recognized
        until the wake-word detector hears the name ("Togetherly, how long left"); with no detector, nothing
        at all until the deadline. Typed lines are heard as ever."""
        return self.wait_until(deadline, intents, private=True)

    def _hear_privately(self, allowed: Sequence[str], deadline: float | None) -> Utterance:
        """One listen of `wait_privately` from a microphone: what follows the wake word, or nothing."""
        if self.wake_heard_by != "detector":  # no detector: nothing is recognized, whatever was said
            heard = self._listen(ListenRequest(ListenMode.WAKE, (), None, deadline))
            return nothing_meant(heard if heard.status in ("end", "deadline") else SILENCE)
        addressed = self._hear_addressed(allowed, None, deadline)
        if addressed.status != "speech":
            return nothing_meant(addressed)
        utterance = Utterance(addressed, self.matcher.match_heard(addressed.text, addressed.alternatives, allowed))
        log.info("heard in private: intent=%s", utterance.intent)  # never the words
        return utterance

    def ask_once(self, key: str, intents: Sequence[str], **values: object) -> str | None:
        """Ask something that needs no answer, listening once: the intent heard among `intents`, or None for
        silence or anything else (no reprompt: silence is an answer too). Stop and goodbye work as ever."""
        self.say(key, **values)
        heard = self.hear_command([*FLOW_COMMANDS, *ENDING_COMMANDS, *intents], self.tuning.command_timeout_s)
        intent = self.heed(heard)
        return intent if intent in intents else None

    def ask_answer(self, key: str, skippable: bool = True, *, correct: Callable[[str], None] | None = None,
                   **values: object) -> str | None:
        """Ask an open question; the answer's text, or None when skipped. `correct`: the answer is kept, and
        this replaces it where it is kept should the couple correct it by voice ("that's not what I said")."""
        intent, text = self._exchange(self.say(key, **values), None, skippable)
        if intent == "skip":
            return None
        if correct is not None:
            self.last_answer = LastAnswer(key, dict(values), text, correct)
        return text

    def correctable(self) -> tuple[str, ...]:
        """The correction commands, to listen for beside a flow's own while an answer just kept can be corrected."""
        return CORRECT_INTENTS if self.last_answer is not None else ()

    def handled_correction(self, intent: str | None) -> bool:
        """`intent` was a correction ("that's not what I said", "what did you hear?"), and it was dealt with."""
        if intent == "say_answer_again":
            self.correct_last_answer()
        elif intent == "what_did_you_hear":
            self.read_back_last_answer()
        else:
            return False
        return True

    def correct_last_answer(self) -> None:
        """"That's not what I said": the last kept answer's question again, and its new words kept instead."""
        last = self.last_answer
        if last is None:
            self.say("corrections.nothing_to_correct")
            return
        self.say("corrections.say_again")
        intent, text = self._exchange(self.say(last.key, **last.values), None, skippable=True)
        if intent == "skip" or not text.strip():
            self.say("corrections.kept_as_was")
            return
        last.correct(text)
        last.text = text
        log.info("a kept answer was corrected by voice")  # never the words
        self.say("corrections.replaced")

    def read_back_last_answer(self) -> None:
        """"What did you hear?": the last kept answer's words, said back."""
        if self.last_answer is None:
            self.say("corrections.nothing_to_correct")
        else:
            self.say("corrections.heard_back", text=self.last_answer.text)

    def ask_choice(self, key: str, choices: Sequence[str], skippable: bool = False, **values: object) -> str:
        """Ask for one of `choices` (intent names); returns the chosen intent (or 'skip')."""
        intent, _ = self._exchange(self.say(key, **values), choices, skippable)
        return intent

    def _exchange(self, prompt: str, choices: Sequence[str] | None, skippable: bool) -> tuple[str, str]:
        commands = FLOW_COMMANDS + ENDING_COMMANDS + (("skip",) if skippable else ()) + self.correctable()
        yes_no = choices is not None and {"yes", "no"} <= set(choices)
        silences = misses = 0
        unclear_before: list[tuple[Heard, str]] = []
        while True:
            if choices is not None:
                utterance = self.hear_command([*commands, *choices], self.tuning.command_timeout_s)
            else:
                answer = self._listen(ListenRequest(ListenMode.ANSWER, (), self.tuning.answer_timeout_s))
                utterance = self._command_in_answer(answer, commands)
            heard, match = utterance.heard, utterance.match
            intent = self.heed(utterance)
            if heard.status == "silence":
                silences += 1
                if silences <= MAX_REPROMPTS:
                    self.say((YES_NO_REPROMPTS if yes_no else REPROMPTS)[silences - 1], prompt=prompt)
                else:
                    self._pause(prompt)
                    silences = 0
                continue
            # A correction is of the answer before this one: this question comes again after it.
            if intent == "repeat" or self.handled_correction(intent):
                self.speaker.say(prompt)
            elif intent == "help":
                self.say(self.help_key)
                self.say("core.help_commands_skip" if skippable else "core.help_commands")
            elif intent is not None:
                return intent, heard.text
            elif choices is None and (kept := self._kept_answer(heard, unclear_before)) is not None:
                return "answer", kept
            elif choices is None and len(unclear_before) == 1:
                continue  # asked again, kindly
            else:
                misses += 1
                if misses >= 2 and choices:  # the same line again helps nobody: name the likely choices
                    self.say("core.didnt_catch_choices", options=self.likely_choices(match, choices))
                else:
                    self.say("core.didnt_catch_yes_no" if yes_no else "core.didnt_catch_in_flow")

    def _kept_answer(self, heard: Heard, unclear_before: list[tuple[Heard, str]]) -> Answer | None:
        """The answer to keep, or None. A typed answer is kept as typed. A heard one that is empty, one of the
        recognizer's inventions, doubted by it, a loop or far too short for its speech is asked for again once
        (None, with `unclear_before` holding it and why); unclear again, the best reading is kept, marked
        unsure."""
        if not self.overhears:
            return Answer(heard.text) if heard.text else None
        reason = self._unclear(heard)
        if reason is None:
            return Answer(heard.text)
        log.info("unclear answer (%s, %.1f s of speech)", reason, heard.speech_s)  # never the words
        unclear_before.append((heard, reason))
        if len(unclear_before) == 1:
            self.say("core.answer_unclear")
            return None
        # Words were heard, only not enough, doubted or looped: the best of them beats nothing, marked unsure.
        best = best_reading(*(h for h, why in unclear_before if why in ("looping", "too short", "doubtful")))
        return Answer(best, unsure=True) if best else None

    def _unclear(self, heard: Heard) -> str | None:
        intents = self.matcher.intents
        return unclear(heard, intents.not_answers, intents.normalizer.normalize(heard.text))

    def likely_choices(self, match: Match | None, allowed: Sequence[str], most: int = 3) -> str:
        """'"yes" or "no"': ways to say the `most` allowed intents the matcher found closest (in its order),
        then the first allowed ones."""
        near = [name for name, _ in (match.alternatives if match else ()) if name in allowed]
        chosen = list(dict.fromkeys([*near, *allowed]))[:most]
        return self.spoken_list([f'"{self.matcher.intents[name].example}"' for name in chosen], "or")

    def _command_in_answer(self, heard: Heard, commands: Sequence[str]) -> Utterance:
        """A free answer that is (nearly exactly) a command is taken as that command."""
        if heard.status != "speech":
            return nothing_meant(heard)
        match = self.matcher.match(heard.text, commands, threshold=self.tuning.answer_command_threshold,
                                   paraphrases=False)
        log.info("heard answer: command=%s score=%.1f recognize_ms=%.0f", match.intent, match.score,
                 heard.recognize_ms)  # never the answer's words: they are private
        # Only a near-exact phrase: an answer is the couple's own words ("what did we say last time" is a
        # fine low of the day), so a paraphrase guess must not turn it into "repeat".
        return Utterance(heard, match) if match.intent and match.by == "phrase" else nothing_meant(heard)

    def _pause(self, prompt: str) -> None:
        """After repeated silence: wait, without nagging, until the couple says continue (or stop)."""
        self.say("core.paused")
        while True:
            heard = self.hear_command(PAUSE_COMMANDS, None)
            intent = self.heed(heard)
            if intent in ("continue", "repeat"):
                self.speaker.say(prompt)
                return
            if intent == "help":
                self.say("core.help_paused")
            elif heard.status == "speech":
                self.say("core.didnt_catch_paused")
