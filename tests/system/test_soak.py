"""A short soak (scripts/soak.py): one assistant loop hears 1,500 typed utterances and a share of espeak-ng
recordings through pocketsphinx, through every ritual, and holds no more threads or descriptors at the end
than once it had settled, and about the same memory. The full 10,000-utterance run is the benchmark's."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.dialogue.flows import default_flows
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from tests.support.soak import SILENCE_WAV, SPOKEN_ROUNDS, record_phrases, soak

pytestmark = [pytest.mark.audio, pytest.mark.slow]


@pytest.mark.slow
def test_a_short_soak_holds_no_more_threads_descriptors_or_memory(tmp_path: Path) -> None:
    wavs = record_phrases(tmp_path / "wavs")
    result = soak(1500, tmp_path / "data", PocketsphinxRecognizer(), wavs, wav_every=10)

    assert result.utterances >= 1500
    assert result.spoken >= sum(1 for r in SPOKEN_ROUNDS for t in r if t != SILENCE_WAV), "every recording"
    assert set(result.flows) == {flow.name for flow in default_flows().rituals()}, "every ritual ran"
    assert result.flows["hug_timer"] > 2 * result.flows["progress"], "the spoken hug ran too"
    assert result.settled is not None and result.end is not None
    assert result.end.threads <= result.settled.threads
    assert result.end.fds <= result.settled.fds
    # Generous: a short run has little time to settle. The benchmark holds 10,000 to 10%.
    assert result.rss_growth_pct < 15.0, result.rows()
