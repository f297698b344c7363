"""A consequential command heard without certainty (starting a break, forgetting agreements) is
confirmed first; a clear one is acted on at once. Typed scripts over the real loop and store."""

from __future__ import annotations

import io
from pathlib import Path

from assistant.clock import ManualClock
from assistant.hearing.text_listener import TextListener
from tests.support.harness import Session, run_assistant


def typed(tmp_path: Path, script: list[str]) -> Session:
    clock = ManualClock()
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    return run_assistant(tmp_path, [], listener=listener, clock=clock)


def test_an_unsure_break_request_is_confirmed_and_no_means_no_break(tmp_path: Path) -> None:
    s = typed(tmp_path, ["we need a break now", "no", "goodbye"])  # close to a phrase, not one (score < 92)
    assert s.count("calm_down.confirm_need_break") == 1 and s.count("core.confirm_declined") == 1
    assert s.count("calm_down.acknowledge") == 0
    assert s.store.load().rituals.breaks == []


def test_an_unsure_break_request_confirmed_with_yes_starts_the_break(tmp_path: Path) -> None:
    s = typed(tmp_path, ["we need a break now", "yes", "stop", "goodbye"])
    assert s.count("calm_down.confirm_need_break") == 1 and s.count("calm_down.acknowledge") == 1


def test_a_clear_break_request_is_not_questioned(tmp_path: Path) -> None:
    s = typed(tmp_path, ["we need a break", "stop", "goodbye"])
    assert s.count("calm_down.confirm_need_break") == 0 and s.count("calm_down.acknowledge") == 1


def test_an_unsure_request_to_forget_agreements_is_confirmed(tmp_path: Path) -> None:
    s = typed(tmp_path, ["clear our agreements now", "no", "goodbye"])
    assert s.count("calm_down.confirm_clear_agreements") == 1 and s.count("core.confirm_declined") == 1
