"""Privacy between the two of them, by voice: "forget tonight's check-in", "forget that note", "forget what
we just said", and "forget everything", which both partners must agree to, each asked by name.

What would be forgotten is named by its kind and day, never its words unless they ask ("what does it say").
It then goes everywhere it is kept, as `togetherly notes --forget` does (`NotesDoor.forget`). Exporting stays
a command-line act: there is no export by voice.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.clock import local_day
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.spoken_days import spoken_day
from assistant.dialogue.utterance import Utterance
from assistant.notes.kinds import BY_KIND, spoken_note
from assistant.notes.models import CheckInNote, FreeNote, Goal, Note, NotesFile

NOT_FOUND = {"forget_checkin": "forgetting.no_checkin", "forget_note": "forgetting.no_note",
             "forget_just_said": "forgetting.nothing_just_said"}


@dataclass(frozen=True)
class ForgetFlow(Flow):
    name: str = "forgetting"
    triggers: tuple[str, ...] = ("forget_checkin", "forget_note", "forget_just_said", "forget_everything")
    files: str = "forgetting"
    rank: int = 90
    summary_key: str = "forgetting.summary"
    capability_key: str = "forgetting.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("forget_confirm", ("yes", "no", "read_it_first")),)

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        intent = trigger.intent if trigger is not None else None
        notes = ctx.notes.read()
        if notes is None or intent is None:
            return
        if intent == "forget_everything":
            self.everything(ctx, notes)
            return
        entry = chosen(ctx, notes, intent)
        if entry is None:
            ctx.say(NOT_FOUND[intent])
            return
        kind = BY_KIND["goal" if isinstance(entry, Goal) else entry.kind].label
        answer = ctx.ask_choice("forgetting.confirm", ("yes", "no", "read_it_first"), kind=kind,
                                day=spoken_day(ctx, local_day(entry.created_at)))
        if answer == "read_it_first":
            read_out(ctx, entry)
            answer = ctx.ask_choice("forgetting.confirm_again", ("yes", "no"))
        if answer != "yes":
            ctx.say("forgetting.kept")
        elif ctx.notes.forget([entry.id]):
            ctx.say("forgetting.forgotten")

    def everything(self, ctx: Conversation, notes: NotesFile) -> None:
        """Both partners say yes, each asked by name; then everything goes, older copies included."""
        if not notes.notes and not notes.goals and notes.rituals == type(notes.rituals)():
            ctx.say("forgetting.nothing_kept")
            return
        first, second = ctx.settings.partners
        if ctx.ask_choice("forgetting.ask_partner", ("yes", "no"), name=first) != "yes" or \
                ctx.ask_choice("forgetting.ask_other_partner", ("yes", "no"), name=second) != "yes":
            ctx.say("forgetting.everything_kept")
        elif ctx.notes.forget(None):
            ctx.say("forgetting.everything_forgotten")


def chosen(ctx: Conversation, notes: NotesFile, intent: str) -> Note | Goal | None:
    """Tonight's check-in, the latest dictated note, or what this conversation saved last."""
    today = local_day(ctx.clock.now())
    if intent == "forget_checkin":
        return max((n for n in notes.notes if isinstance(n, CheckInNote) and local_day(n.created_at) == today),
                   key=lambda n: n.created_at, default=None)
    if intent == "forget_note":
        return max((n for n in notes.notes if isinstance(n, FreeNote)), key=lambda n: n.created_at, default=None)
    wanted = ctx.notes.last_saved
    return next((e for e in [*notes.notes, *notes.goals] if e.id == wanted), None) if wanted else None


def read_out(ctx: Conversation, entry: Note | Goal) -> None:
    """What it says, only because they asked."""
    if isinstance(entry, Goal):
        ctx.say("forgetting.goal_text", text=entry.text)
        return
    for key, values in spoken_note(entry, spoken_day(ctx, local_day(entry.created_at))):
        ctx.say(key, **values)


RITUALS = (ForgetFlow(),)
