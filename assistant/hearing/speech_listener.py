"""Audio as utterances: a source cut into utterances by the endpointer and streamed into a recognizer."""

from __future__ import annotations

import time
from collections import deque

import numpy as np

from assistant.audio.endpointer import (
    ANSWER_ENDPOINTING,
    COMMAND_ENDPOINTING,
    FRAME_SAMPLES,
    Endpointer,
    EndpointerSettings,
    Event,
)
from assistant.audio.samples import SAMPLE_RATE, Samples
from assistant.audio.sources import AudioSource
from assistant.audio.vad import SpeechDetector, default_detector
from assistant.clock import Clock, ManualClock, SystemClock
from assistant.hearing.answer_ear import AnswerEar
from assistant.hearing.early_end import EarlyEnd, complete_commands
from assistant.hearing.recognizer import RecognitionSession, Recognizer
from assistant.hearing.requests import DEADLINE, END, SILENCE, WOKE, BargeIn, Heard, ListenMode, ListenRequest
from assistant.hearing.wake_word import WakeDetector

_NO_FRAME = np.zeros(0, dtype=np.int16)


class SpeechListener:
    """Audio from a source, cut into utterances by the endpointer and streamed into a recognizer."""

    PREROLL_FRAMES = 25  # 500 ms kept from before the detected start: the VAD can miss a soft onset ("th")
    CARRY_FRAMES = 90
    """1.8 s kept from before the wake word fired, heard again by the command that follows: the whole name
    (about a second, "Okay Togetherly"), so the transcript starts with it."""

    def __init__(self, source: AudioSource, recognizer: Recognizer, clock: Clock | None = None,
                 barge_in: BargeIn | None = None, paraphrases: bool = False, *,
                 command_endpointing: EndpointerSettings = COMMAND_ENDPOINTING,
                 answer_endpointing: EndpointerSettings = ANSWER_ENDPOINTING,
                 wake: WakeDetector | None = None, answers: AnswerEar | None = None) -> None:
        self.source = source
        self.answers = answers
        """The ear for free answers (Whisper base), once loaded; until then, and without one, `recognizer`."""
        self.wake = wake
        """Hears the wake word in WAKE requests; None: this listener has none (WAKE waits for nothing)."""
        self._carry: list[Samples] = []
        """The audio around the wake word just heard, for the next request to hear first."""
        self.command_endpointing = command_endpointing
        """Where a command ends (the benchmarks compare settings here)."""
        self.answer_endpointing = answer_endpointing
        self.paraphrases = paraphrases
        """The matcher understands paraphrases: commands are decoded with the engine's commands language
        model, where it has one, rather than the exact phrases (`Recognizer.start`)."""
        self.barge_in = barge_in
        """Where a command said over the assistant's speech waits; it is the next thing heard."""
        self.recognizer = recognizer
        self.clock: Clock = clock or SystemClock()
        self.wait_for_answers = isinstance(self.clock, ManualClock)
        """WAV files are read faster than they were spoken: the answers' ear is waited for, so a recording is
        heard the same way every run (a microphone never waits: the fast ear hears meanwhile)."""
        """Deadlines are on this clock: the system clock for a microphone; for WAV files, a ManualClock
        that the source advances by the audio it has played."""
        self._pending = np.zeros(0, dtype=np.int16)
        self._abandoned: RecognitionSession | None = None
        self.detector: SpeechDetector = default_detector()
        """Kept across utterances, so the room's noise level learned at one prompt serves the next."""
        self._owed = 0
        """Frames of silence the full window would still have waited after a command that ended early."""

    def _frames(self, deadline: float | None = None) -> Samples | None:
        """The next 20 ms frame; None at the end of input; an empty frame when the deadline came first."""
        while self._pending.size < FRAME_SAMPLES:
            if deadline is None:
                block = self.source.read()
            else:
                left = deadline - self.clock.monotonic()
                if left <= 0:
                    return _NO_FRAME
                block = self.source.read(left)  # wakes at the deadline, not at the next block
            if block is None:
                return None
            self._pending = np.concatenate([self._pending, block])
        frame, self._pending = self._pending[:FRAME_SAMPLES], self._pending[FRAME_SAMPLES:]
        return frame

    def listen(self, request: ListenRequest) -> Heard:
        barged = self.barge_in.take() if self.barge_in is not None else None
        if barged is not None:
            return barged
        if self._abandoned is not None:  # cut off by a deadline last time: close it now, off the clock
            self._abandoned.finish()
            self._abandoned = None
        if request.mode is ListenMode.WAKE:
            return self._wait_for_wake(request)
        self._resume(request)
        command = request.mode is ListenMode.COMMAND
        settings = self.command_endpointing if command else self.answer_endpointing
        endpointer = Endpointer(settings, self.detector)
        early = EarlyEnd(complete_commands(request.phrases, request.meanings), settings.early_silence_s) \
            if command and settings.early_silence_s is not None else None
        preroll: deque[Samples] = deque(maxlen=self.PREROLL_FRAMES)
        held: list[Samples] = []
        session: RecognitionSession | None = None
        waited = 0.0
        while True:
            if request.deadline is not None and self.clock.monotonic() >= request.deadline:
                # Checked every frame, so an utterance in progress never delays a timer's end.
                self._abandoned = session
                return DEADLINE
            frame = self._frames(request.deadline)
            if frame is None:
                return self._finish(session, endpointer.speech_s) if session is not None else END
            if frame.size == 0:
                continue
            event = endpointer.push(frame)
            if session is None:
                preroll.append(frame)
                waited += frame.size / SAMPLE_RATE
                if event is Event.START:
                    session = self._ear(command).start(request.phrases if command else None,
                                                       paraphrases=command and self.paraphrases)
                    if early is not None:
                        early.start(preroll)
                    for earlier in preroll:
                        session.feed(earlier)
                elif self._nothing_said(request, waited):
                    return SILENCE
                continue
            # Where a command may end early, past the short silence the recognizer hears more only if speech
            # resumes: whether it ends early or after the full window, it was fed the same audio, so ending
            # early changes when the reply comes, never what was recognized (pocketsphinx adapts to all it hears).
            holding = early is not None and early.clear
            if event is Event.END:
                if not holding:
                    session.feed(frame)
                return self._finish(session, endpointer.speech_s)
            if holding and endpointer.silence_s > (settings.early_silence_s or 0.0) + 1e-9:
                held.append(frame)
                session.silence(endpointer.silence_s, fed_all=True)
                # Past the short silence the recognizer hears nothing more; an engine that decodes ahead
                # (Whisper) may only now have the whole command, so keep asking.
                if early is not None and early.hear(frame, endpointer.silence_s, session):
                    self._owed = endpointer.silence_frames_left()
                    return self._finish(session, endpointer.speech_s)
                continue
            for earlier in held:
                session.feed(earlier)
            held.clear()
            session.feed(frame)
            # After the frame, so a decode ahead hears all that was fed. At the short silence, where a clear
            # command starts to be held, nothing more is fed unless speech resumes: Whisper may decode ahead
            # now, on exactly the audio the end would decode (a frame more or less changes its words: measured).
            last = holding and endpointer.silence_s >= (settings.early_silence_s or 0.0) - 1e-9
            session.silence(endpointer.silence_s, fed_all=last)
            if early is not None and early.hear(frame, endpointer.silence_s, session):
                self._owed = endpointer.silence_frames_left()
                return self._finish(session, endpointer.speech_s)  # a whole command: the reply starts ~150 ms sooner

    def _ear(self, command: bool) -> Recognizer:
        """Commands on the fast ear; what the couple keeps on the most accurate one that is loaded."""
        if self.answers is None or command:
            return self.recognizer
        better = self.answers.wait() if self.wait_for_answers else self.answers.ready()
        return better if better is not None else self.recognizer

    def _resume(self, request: ListenRequest) -> None:
        """Where listening starts: right after the wake word, with what was said with it (nothing dropped);
        otherwise now, as after any utterance."""
        if self._carry:
            self._pending = np.concatenate([*self._carry, self._pending])
            self._carry = []
        else:
            self.source.drain()
            self._skip_owed_silence(request.deadline)

    def _nothing_said(self, request: ListenRequest, waited: float) -> bool:
        """No speech has started, and the request's wait (its timeout, or the follow-up window) is over."""
        if request.timeout_s is not None and waited >= request.timeout_s:
            return True
        return request.start_by is not None and self.clock.monotonic() >= request.start_by

    def _wait_for_wake(self, request: ListenRequest) -> Heard:
        """Feed the stream to the wake-word detector only (nothing is recognized) until it fires."""
        self.source.drain()
        self._skip_owed_silence(request.deadline)
        self._carry = []
        if self.wake is not None:
            self.wake.reset()
        recent: deque[Samples] = deque(maxlen=self.CARRY_FRAMES)
        waited = 0.0
        while True:
            if request.deadline is not None and self.clock.monotonic() >= request.deadline:
                return DEADLINE
            frame = self._frames(request.deadline)
            if frame is None:
                return END
            if frame.size == 0:
                continue
            recent.append(frame)
            if self.wake is not None and self.wake.hear(frame):
                self._carry = list(recent)
                return WOKE
            waited += frame.size / SAMPLE_RATE
            if self._nothing_said(request, waited):
                return SILENCE

    def _skip_owed_silence(self, deadline: float | None) -> None:
        """After a command that ended early, the rest of its silence window still belongs to it: skip that
        much silence (fed to the detector as the full window would have), then drop the partial block, as
        after any utterance. So what follows is framed, detected and recognized exactly as if the full
        window had passed: with WAV files the same frames, and a microphone was drained anyway."""
        while self._owed > 0:
            frame = self._frames(deadline)
            if frame is None or frame.size == 0:
                break  # the end of the input, or the deadline: the listening loop says so
            self._owed -= 1
            if self.detector.is_speech(frame):  # speech again: the next utterance starts here
                self._pending = np.concatenate([frame, self._pending])
                break
        else:
            self._pending = np.zeros(0, dtype=np.int16)
        self._owed = 0

    @staticmethod
    def _finish(session: RecognitionSession, speech_s: float) -> Heard:
        started = time.perf_counter()
        transcript = session.finish()
        elapsed = (time.perf_counter() - started) * 1000
        return Heard("speech", transcript.text, transcript.confidence, elapsed, transcript.alternatives,
                     speech_s=speech_s, doubtful=transcript.doubtful)
