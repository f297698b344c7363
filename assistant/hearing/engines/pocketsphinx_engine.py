"""pocketsphinx with its bundled US English model: the embedded default, no download needed."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence
from assistant.errors import ModelError
from assistant.hearing.recognizer import NOTHING_HEARD, Transcript
from assistant.words import words as split_words

log = logging.getLogger(__name__)

_OPEN_SEARCH = "_default"
_TAIL = dithered_silence(0.05, seed=3).tobytes()
_ALT_PRONUNCIATION = re.compile(r"\(\d+\)$")


def _is_filler(word: str) -> bool:
    return word.startswith(("<", "[", "+")) or word in ("<s>", "</s>")


_Tree = dict[str, "_Tree"]
_END = ""


def _prefix_tree(phrases: list[str]) -> _Tree:
    tree: _Tree = {}
    for phrase in phrases:
        node = tree
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[_END] = {}
    return tree


def _trie_rule(node: _Tree) -> str:
    """The phrases as one JSGF rule shaped like a prefix tree, sharing common beginnings.

    A flat list of alternatives makes the posterior (confidence) pass grow with every phrase:
    measured on ~1,200 phrases, 27 s flat against 0.06 s as a tree, with the same hypotheses.
    """
    alternatives = [word if not child or set(child) == {_END} else f"{word} {_trie_rule(child)}"
                    for word, child in sorted(node.items()) if word != _END]
    body = alternatives[0] if len(alternatives) == 1 else f"( {' | '.join(alternatives)} )"
    return f"[ {body} ]" if _END in node else body


class PocketsphinxRecognizer:
    name = "pocketsphinx"

    def __init__(self, model_dir: Path | None = None, sentences: Sequence[str] = ()) -> None:
        """`sentences`: what people might say (`IntentSet.sentences_heard`); when given, a trigram
        language model over them decodes commands whose wording the phrases do not spell out."""
        try:
            from pocketsphinx import Decoder, get_model_path  # noqa: PLC0415 - native library, load on demand
        except ImportError as exc:
            raise ModelError("pocketsphinx is not installed: pip install pocketsphinx") from exc
        base = Path(model_dir) if model_dir is not None else Path(get_model_path()) / "en-us"
        hmm, dictionary, lm = base / "en-us", base / "cmudict-en-us.dict", base / "en-us.lm.bin"
        for needed in (hmm, dictionary, lm):
            if not needed.exists():
                raise ModelError(f"pocketsphinx model incomplete: {needed} is missing; reinstall pocketsphinx")
        self._new_decoder = partial(Decoder, hmm=str(hmm), dict=str(dictionary), samprate=SAMPLE_RATE,
                                    loglevel="FATAL")
        self._decoder = self._new_decoder(lm=str(lm))
        self._grammars: dict[str, str] = {}
        self._commands = self._commands_decoder(sentences) if sentences else None

    def _commands_decoder(self, sentences: Sequence[str]) -> Any:
        """A language model over `sentences` (pocketsphinx's own ArpaBoLM). With the intent classifier
        behind it, it understands more paraphrases than the phrase grammar and accepts fewer out-of-scope
        sentences (docs/measurements.md, "Understanding"). One model for every state:
        adding a search costs about a second, too slow to make one per state."""
        import tempfile  # noqa: PLC0415

        from pocketsphinx.lm import ArpaBoLM  # noqa: PLC0415

        usable = [words for words in map(self._in_dictionary, sentences) if words]
        if not usable:
            return None
        model = ArpaBoLM(text="\n".join(usable), add_start=True)
        model.compute()
        with tempfile.TemporaryDirectory(prefix="togetherly-lm-") as tmp:
            path = Path(tmp) / "commands.arpa"
            model.write_file(str(path))
            # A decoder of its own, with one forward pass and no second (flat) pass or lattice rescoring:
            # those took 120 ms after the end of speech for a few points on the dev split; one pass takes
            # 4 ms. Free answers keep both passes on the main decoder.
            return self._new_decoder(lm=str(path), fwdflat=False, bestpath=False)

    def known(self, word: str) -> bool:
        return self._decoder.lookup_word(word) is not None

    def _in_dictionary(self, sentence: str) -> str | None:
        """`sentence` as the decoder's words, or None when a word is not in its dictionary."""
        words = split_words(sentence)
        return " ".join(words) if words and all(self.known(w) for w in words) else None

    def _grammar_for(self, phrases: Sequence[str]) -> str | None:
        key = hashlib.sha1("\n".join(sorted(phrases)).encode()).hexdigest()[:16]
        if key in self._grammars:
            return self._grammars[key]
        usable: list[str] = []
        for phrase in sorted(set(phrases)):
            words = self._in_dictionary(phrase)
            if words:
                usable.append(words)
            else:
                log.debug("grammar: dropped phrase with words outside the dictionary")
        if not usable:
            return None
        name = f"g{key}"
        body = _trie_rule(_prefix_tree(usable))
        self._decoder.add_jsgf_string(name, f"#JSGF V1.0;\ngrammar {name};\npublic <command> = {body};\n")
        self._grammars[key] = name
        return name

    def start(self, phrases: Sequence[str] | None, paraphrases: bool = False) -> _PocketsphinxSession:
        if phrases is not None and paraphrases and self._commands is not None:
            self._commands.start_utt()
            return _PocketsphinxSession(self._commands, grammar=False, rated=False)
        search = _OPEN_SEARCH if phrases is None else self._grammar_for(phrases)
        self._decoder.activate_search(search or _OPEN_SEARCH)
        self._decoder.start_utt()
        return _PocketsphinxSession(self._decoder, grammar=phrases is not None)


class _PocketsphinxSession:
    def __init__(self, decoder: object, grammar: bool, rated: bool = True) -> None:
        self._decoder = decoder
        self._grammar = grammar
        self._rated = rated
        """False for the commands language model: its word posteriors did not tell commands from other
        speech (dev split medians 0.13 against 0.10), so it reports 1.0 and the matcher rejects instead."""

    def feed(self, samples: Samples) -> None:
        self._decoder.process_raw(samples.tobytes(), False, False)  # type: ignore[attr-defined]

    def partial(self) -> str:
        hyp = self._decoder.hyp()  # type: ignore[attr-defined]
        return hyp.hypstr.strip().lower() if hyp is not None else ""

    def silence(self, seconds: float, *, fed_all: bool = False) -> None:
        pass  # streams: decoding already keeps up with the audio

    def finish(self) -> Transcript:
        decoder = self._decoder
        # A little trailing near-silence lets a grammar search settle in a final state; without it an
        # utterance cut right after the endpoint can end mid-path and return nothing (seen after a
        # previous utterance had adapted the front end's noise estimate).
        if self._grammar:
            decoder.process_raw(_TAIL, False, False)  # type: ignore[attr-defined]
        decoder.end_utt()  # type: ignore[attr-defined]
        hyp = decoder.hyp()  # type: ignore[attr-defined]
        # Grammar mode can return no hypothesis at all: a no-match, not an error.
        if hyp is None or not hyp.hypstr.strip():
            return NOTHING_HEARD
        if not self._rated:
            return Transcript(hyp.hypstr.strip().lower(), 1.0)
        probs = [
            seg.prob for seg in decoder.seg()  # type: ignore[attr-defined]
            if not _is_filler(_ALT_PRONUNCIATION.sub("", seg.word))
        ]
        confidence = min(probs) if probs else 0.0
        return Transcript(hyp.hypstr.strip().lower(), max(0.0, min(1.0, confidence)))
