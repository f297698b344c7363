"""The evening check-in driven as a conversation script through the real dialogue stack."""

from __future__ import annotations

from pathlib import Path

from assistant.dialogue.flows.checkin import CheckInFlow
from assistant.notes.models import CheckInNote
from tests.support.harness import Session, make_session, run_assistant


def checkins(session: Session) -> list[CheckInNote]:
    return [n for n in session.store.load().notes if isinstance(n, CheckInNote)]


def test_full_checkin_is_saved_with_both_partners_answers(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our check-in", "a walk in the sun", "a long meeting",
                                 "dinner with you", "traffic", "goodbye"])
    [note] = checkins(s)
    assert note.completed
    assert [(p.partner, p.high, p.low) for p in note.partners] == [
        ("Sam", "a walk in the sun", "a long meeting"), ("Alex", "dinner with you", "traffic")]
    assert s.said("Sam") and s.said("Alex")
    assert any("saved" in line for line in s.lines)
    assert s.lines[-1] in s.ctx.responses.all_variants("core.goodbye")


def test_paraphrases_start_the_checkin(tmp_path: Path) -> None:
    for phrase in ["let's check in", "check in time", "can we do our check-in", "uh let's do our check-in"]:
        s = run_assistant(tmp_path / phrase.replace(" ", "_"), [phrase, "stop"])
        assert s.count("checkin.greet") == 1, phrase


def test_stop_keeps_what_was_said_so_far(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our check-in", "we laughed a lot", "cancel"])
    [note] = checkins(s)
    assert not note.completed
    assert note.partners[0].high == "we laughed a lot"
    assert note.partners[0].low is None
    assert s.said("kept what you shared")


def test_stop_before_any_answer_saves_nothing(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our check-in", "stop"])
    assert checkins(s) == []
    assert not s.said("saved")


def test_skip_repeat_and_help_inside_the_flow(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["skip", "repeat that", "help", "the kids hugged me", "skip", "a nap", "skip"])
    CheckInFlow().run(s.ctx)
    [note] = checkins(s)
    assert note.completed
    assert note.partners[0].high is None
    assert note.partners[0].low == "the kids hugged me"
    assert note.partners[1].high is None and note.partners[1].low == "a nap"
    assert s.count("checkin.ask_low", name="Sam") == 2, "repeat that says the question again"
    assert s.said("no wrong answers")


def test_silence_reprompts_twice_then_pauses_until_continue(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["", "", "", "", "continue", "a good book", "stop"])
    CheckInFlow().run(s.ctx)
    lines = s.lines
    assert any(line.startswith("Take your time.") for line in lines)
    assert any(line.startswith("I'm still listening.") for line in lines)
    paused = lines.index(s.variants("core.paused")[0])
    # the blank line while paused does not nag; after "continue" the question is asked again
    assert lines[paused + 1] in s.variants("checkin.ask_high", name="Sam")
    [note] = checkins(s)
    assert note.partners[0].high == "a good book"


def test_unrecognized_utterance_gets_a_gentle_reprompt(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["order a pizza", "what can you do", "goodbye"])
    assert s.lines[1].startswith("Sorry, I didn't")
    assert s.said("check-in")


def test_end_of_input_mid_flow_keeps_answers_and_exits_cleanly(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our check-in", "we went dancing"])
    [note] = checkins(s)
    assert note.partners[0].high == "we went dancing" and not note.completed
