"""Words out of text, one way for every layer: the matcher's normalization, the recognizers' vocabularies
and grammars, the listener's complete-command check and barge-in's echo guard all split text here, so a
phrase and what was heard of it always come apart into the same words."""

from __future__ import annotations

import re

_WORD = re.compile(r"[\w']+")


def words(text: str) -> list[str]:
    """Lower-case words. Hyphens, underscores and punctuation separate words; a curly apostrophe is a
    straight one, kept inside a word ("let's") and dropped at its edges."""
    return [word for word, _ in words_and_ends(text)]


def words_and_ends(text: str) -> list[tuple[str, int]]:
    """`words(text)`, each with where it ends in `text`: what follows the first n words, as written."""
    folded = text.replace("\u2019", "'").replace("_", " ")  # the same length: offsets stay the text's
    return [(m.group().strip("'").lower(), m.end()) for m in _WORD.finditer(folded) if m.group().strip("'")]
