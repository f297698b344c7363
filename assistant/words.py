"""Words out of text, one way for every layer: the matcher's normalization, the recognizers' vocabularies
and grammars, the listener's complete-command check and barge-in's echo guard all split text here, so a
phrase and what was heard of it always come apart into the same words."""

from __future__ import annotations

import re

_WORD = re.compile(r"[\w']+")


def words(text: str) -> list[str]:
    """Lower-case words. Hyphens, underscores and punctuation separate words; a curly apostrophe is a
    straight one, kept inside a word ("let's") and dropped at its edges."""
    text = text.lower().replace("\u2019", "'").replace("_", " ")
    return [w.strip("'") for w in _WORD.findall(text) if w.strip("'")]
