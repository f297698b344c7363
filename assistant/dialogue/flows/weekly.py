"""The weekly state of the union (Gottman): appreciations first, as many as each likes; then one issue at most,
the speaker heard and said back by the listener until the speaker says they got it; and to close, what would
make each feel loved this week.

The appreciations and the wishes are kept as notes (the wish as a saved answer to its question); the issue's
words only when the couple asks. "How are we doing" mentions the last meeting.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.dialogue.answers import misheard
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import RecordWeeklyMeeting
from assistant.notes.models import AnswerNote, AppreciationNote, FreeNote

MOST_APPRECIATIONS = 5
"""Each partner's appreciations, at most: then it goes on, kindly."""
MOST_TRIES = 3
"""How often the listener says back what they heard before the meeting moves on."""
DONE = ("no", "next", "skip")
WISH_ID = "weekly-wish"


@dataclass(frozen=True)
class WeeklyMeetingFlow(Flow):
    name: str = "weekly"
    triggers: tuple[str, ...] = ("weekly_meeting",)
    files: str = "weekly"
    rank: int = 45
    summary_key: str = "weekly.summary"
    capability_key: str = "weekly.capability"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        with ctx.help("weekly.help"):
            ctx.say("weekly.intro")
            try:
                for one, other in (ctx.settings.partners, ctx.settings.partners[::-1]):
                    appreciations(ctx, one, other)
                issue(ctx)
                for name in ctx.settings.partners:
                    wish(ctx, name)
                ctx.say("weekly.closing")
            except FlowCancelled:
                ctx.say("weekly.stopped")
            finally:
                ctx.notes.save_quietly(RecordWeeklyMeeting(at=ctx.clock.now()))


def appreciations(ctx: Conversation, name: str, other: str) -> None:
    key = "weekly.ask_appreciation"
    for _ in range(MOST_APPRECIATIONS):
        text = ctx.ask_answer(key, name=name, other=other)
        if text is None or ctx.understand(text, DONE).intent is not None:
            return
        ctx.notes.save_note(AppreciationNote(created_at=ctx.clock.now(), partner=name, text=text,
                                             unsure=misheard(text)))
        key = "weekly.ask_more"


def issue(ctx: Conversation) -> None:
    """One issue at most: the speaker heard, the listener saying it back until the speaker says they got it."""
    if ctx.ask_choice("weekly.ask_issue", ("yes", "no")) != "yes":
        ctx.say("weekly.no_issue")
        return
    first, second = ctx.settings.partners
    chosen = ctx.ask_answer("weekly.ask_speaker")
    words = ctx.words(chosen or "")
    speaker = second if set(ctx.words(second)) <= set(words) and not set(ctx.words(first)) <= set(words) else first
    listener = second if speaker == first else first
    said = ctx.ask_answer("weekly.speaker_turn", speaker=speaker, listener=listener)
    if said is None:
        return
    ctx.ask_answer("weekly.listener_turn", speaker=speaker, listener=listener)  # said back, never kept
    for attempt in range(1, MOST_TRIES + 1):
        if ctx.ask_choice("weekly.ask_right", ("yes", "no"), speaker=speaker, listener=listener) == "yes":
            ctx.say("weekly.heard")
            break
        if attempt == MOST_TRIES:
            ctx.say("weekly.heard_enough")
            break
        ctx.ask_answer("weekly.ask_missed", speaker=speaker, listener=listener)
        ctx.ask_answer("weekly.try_again", speaker=speaker, listener=listener)
    if ctx.ask_once("weekly.ask_save_issue", ("yes", "save_answer", "no")) in ("yes", "save_answer"):
        if ctx.notes.save_note(FreeNote(created_at=ctx.clock.now(), text=said, partner=speaker,
                                        unsure=misheard(said))):
            ctx.say("weekly.issue_saved")
    else:
        ctx.say("weekly.issue_not_saved")


def wish(ctx: Conversation, name: str) -> None:
    text = ctx.ask_answer("weekly.ask_wish", name=name)
    if text is not None:
        ctx.notes.save_note(AnswerNote(created_at=ctx.clock.now(), question_id=WISH_ID,
                                       question=ctx.line("weekly.wish_question"), text=text, partner=name,
                                       unsure=misheard(text)))


RITUALS = (WeeklyMeetingFlow(),)
