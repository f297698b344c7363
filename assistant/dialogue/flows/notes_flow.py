"""Notes by voice: "take a note" keeps a dictated note; "what did we say last time" and "read our
last check-in" read entries back.

Who is speaking is not known (one microphone, two voices), so a dictated note is the couple's,
with no partner attached.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.clock import local_day
from assistant.dialogue.answers import misheard
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.spoken_days import spoken_day
from assistant.dialogue.utterance import Utterance
from assistant.notes.kinds import spoken_note
from assistant.notes.models import CheckInNote, FreeNote, Note

RECENT_LIMIT = 4
"""At most this many entries are read back, so a busy day does not become a monologue."""




def load_notes(ctx: Conversation) -> list[Note] | None:
    """The saved notes oldest first, or None (after telling the couple) when the file cannot be read."""
    stored = ctx.notes.read()
    return None if stored is None else sorted(stored.notes, key=lambda n: n.created_at)



def read_back(ctx: Conversation, note: Note) -> None:
    """Say one entry aloud, in the words its kind calls for (`assistant.notes.kinds`)."""
    for key, values in spoken_note(note, spoken_day(ctx, local_day(note.created_at))):
        ctx.say(key, **values)

@dataclass(frozen=True)
class TakeNoteFlow(Flow):
    name: str = "take_note"
    triggers: tuple[str, ...] = ("take_note",)
    files: str = "notes"
    rank: int = 50
    summary_key: str = "notes.summary"
    capability_key: str = "notes.capability"
    keeps: str = "note"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        said = ctx.said_after_prefix(trigger, self.triggers) if trigger is not None else None
        if said is not None:  # "remember that we need milk": nothing left to ask
            if ctx.notes.save_note(FreeNote(created_at=ctx.clock.now(), text=said)):
                ctx.say("notes.saved_one_breath")
            return
        kept: list[FreeNote] = []

        def correct(text: str) -> None:  # "that's not what I said", once it is saved
            if kept:
                kept[0].text, kept[0].unsure = text, misheard(text)
                ctx.notes.corrected(kept[0], saved=True)

        with ctx.help("notes.help_take"):
            try:
                text = ctx.ask_answer("notes.ask_note", correct=correct)
            except FlowCancelled:
                ctx.say("notes.cancelled")
                return
        if text is None:
            ctx.say("notes.cancelled")
            return
        note = FreeNote(created_at=ctx.clock.now(), text=text, unsure=misheard(text))
        if ctx.notes.save_note(note):
            kept.append(note)
            ctx.say("notes.saved")


@dataclass(frozen=True)
class RecallFlow(Flow):
    """Reads back the entries of the last day anything was saved (the most recent few)."""

    name: str = "recall_last"
    triggers: tuple[str, ...] = ("recall_last",)
    files: str = "notes"
    rank: int = 51
    summary_key: str = ""  # described together with taking notes

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        notes = load_notes(ctx)
        if notes is None:
            return
        if not notes:
            ctx.say("notes.nothing_yet")
            return
        last_day = local_day(notes[-1].created_at)
        recent = [n for n in notes if local_day(n.created_at) == last_day][-RECENT_LIMIT:]
        ctx.say("notes.recall_intro", day=spoken_day(ctx, last_day))
        for note in recent:
            read_back(ctx, note)


@dataclass(frozen=True)
class LastCheckInFlow(Flow):
    name: str = "read_last_checkin"
    triggers: tuple[str, ...] = ("read_last_checkin",)
    files: str = "notes"
    rank: int = 52
    summary_key: str = ""  # described together with taking notes

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        notes = load_notes(ctx)
        if notes is None:
            return
        checkins = [n for n in notes if isinstance(n, CheckInNote)]
        if not checkins:
            ctx.say("notes.no_checkin_yet")
            return
        read_back(ctx, checkins[-1])


RITUALS = (TakeNoteFlow(), RecallFlow(), LastCheckInFlow(),)
