"""A break that comes back, as scripts on a ManualClock: when they will come back together (at least twenty
minutes, said back), a topic parked when they are not ready yet, offered once at the agreed time or the next
evening and never again, "what did we park" and "we sorted it"."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path

from assistant.clock import ManualClock
from assistant.config import load_settings, save_settings
from assistant.notes.models import ParkedNote
from tests.support.harness import CONVERSATION_SETTINGS, Session, run_assistant

NINE_PM = datetime(2026, 1, 15, 21, 0).astimezone()


def evening(tmp_path: Path, script: list[str], at: datetime = NINE_PM) -> tuple[Session, ManualClock]:
    clock = ManualClock(at)
    settings = load_settings(tmp_path) if (tmp_path / "config.yaml").exists() else CONVERSATION_SETTINGS
    s = run_assistant(tmp_path, script, clock=clock, settings=settings,
                      settings_keeper=functools.partial(save_settings, tmp_path))
    return s, clock


def parked(s: Session) -> list[ParkedNote]:
    return [n for n in s.store.load().notes if isinstance(n, ParkedNote)]


def test_the_time_they_come_back_is_said_back_and_the_chime_moves_there(tmp_path: Path) -> None:
    s, clock = evening(tmp_path, ["we need a break", "no", "let's come back at nine thirty", "", "yes", "goodbye"])
    assert s.count("calm_down.ask_come_back") == 1 and s.count("calm_down.come_back_at", time="9:30") == 1
    assert clock.now().strftime("%H:%M") == "21:30", "the break chimed at the time they chose"
    [record] = s.store.load().rituals.breaks
    assert record.come_back_at is not None and record.come_back_at.strftime("%H:%M") == "21:30"
    assert record.ended == "time_up" and parked(s) == []


def test_sooner_than_twenty_minutes_is_lengthened_and_after_dinner_asks_for_a_time(tmp_path: Path) -> None:
    s, _ = evening(tmp_path / "soon", ["we need a break", "no", "in ten minutes", "", "", "goodbye"])
    assert s.count("calm_down.come_back_at_least", time="9:20") == 1
    s, clock = evening(tmp_path / "dinner", ["we need a break", "no", "let's come back after dinner", "at ten", "",
                                             "", "goodbye"])
    assert s.count("calm_down.ask_come_back_time") == 1 and s.count("calm_down.come_back_at", time="10 o'clock") == 1
    assert clock.now().strftime("%H:%M") == "22:00"


def test_not_ready_parks_a_sentence_each_and_it_is_offered_once_the_next_evening(tmp_path: Path) -> None:
    s, _ = evening(tmp_path, ["we need a break", "no", "", "not yet", "yes", "who does the dishes", "skip",
                              "goodbye"])
    assert s.count("calm_down.offer_park") == 1 and s.count("calm_down.parked_saved_next") == 1
    [topic] = parked(s)
    assert [(p.partner, p.text) for p in topic.partners] == [("Sam", "who does the dishes")]
    # The next evening: a blank line waits until the offer, which is made once; yes reads the topic back.
    next_day = NINE_PM + timedelta(days=1, hours=-1)
    s, clock = evening(tmp_path, ["", "yes", "we sorted it", "what did we park", "goodbye"], at=next_day)
    assert s.count("calm_down.offer_come_back_last_night") == 1
    assert clock.now() == topic.created_at + timedelta(hours=23), "a day later at most"
    assert s.count("notes.parked_words", name="Sam", text="who does the dishes") == 1
    assert s.count("calm_down.parked_cleared") == 1 and s.count("calm_down.parked_none") == 1
    assert parked(s) == [] and "dishes" not in s.store.path.read_text(), "sorted: its words are gone"


def test_declined_or_unanswered_it_is_never_offered_again(tmp_path: Path) -> None:
    evening(tmp_path, ["we need a break", "no", "", "we still need time", "yes", "money", "the holidays", "goodbye"])
    next_day = NINE_PM + timedelta(days=1, hours=-1)
    s, _ = evening(tmp_path, ["", "no", "goodbye"], at=next_day)
    assert s.count("calm_down.offer_come_back_last_night") == 1 and s.count("core.offer_declined") == 1
    s, clock = evening(tmp_path, ["", "goodbye"], at=next_day + timedelta(minutes=5))
    assert s.count("calm_down.offer_come_back_last_night") == 0 and clock.now() == next_day + timedelta(minutes=5)
    assert [p.text for p in parked(s)[0].partners] == ["money", "the holidays"], "kept until they sort it"


def test_a_come_back_time_after_the_break_is_offered_the_same_evening(tmp_path: Path) -> None:
    four_pm = NINE_PM.replace(hour=16)
    s, clock = evening(tmp_path, ["we need a break", "no", "we'll come back at nine", "", "no", "yes", "money",
                                  "skip", "", "yes", "goodbye"], at=four_pm)
    assert s.count("calm_down.come_back_later", time="9 o'clock", chime="8 o'clock") == 1, "the longest break: 4 h"
    assert s.count("calm_down.parked_saved", time="9 o'clock") == 1
    assert s.count("calm_down.offer_come_back") == 1 and clock.now().strftime("%H:%M") == "21:00"
    assert s.count("notes.parked_words", name="Sam", text="money") == 1


def test_never_offered_in_quiet_hours(tmp_path: Path) -> None:
    late = NINE_PM.replace(hour=22, minute=30)
    s, _ = evening(tmp_path, ["we need a break", "no", "", "no", "yes", "bedtimes", "skip", "goodbye"], at=late)
    [topic] = parked(s)
    s, clock = evening(tmp_path, ["", "goodbye"], at=late + timedelta(hours=2))  # half past midnight
    assert s.count("calm_down.offer_come_back_last_night") == 1
    assert clock.now() == topic.created_at + timedelta(hours=23), "the next evening, not in the night"
