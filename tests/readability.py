"""Reading grade of English text: the Flesch-Kincaid grade level.

Kincaid, Fishburne, Rogers & Chissom (1975), "Derivation of new readability formulas ... for Navy
enlisted personnel", Research Branch Report 8-75, formula (1):
grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59.

Syllables are counted as groups of vowels, less a silent final "e" or "-ed"/"-es" (the usual
dictionary-free rule); a number or code (60, E0002, 2026-09-30) counts as one word of one syllable.
"""

from __future__ import annotations

import re

_VOWELS = re.compile(r"[aeiouy]+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’%.,:/+-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def syllables(word: str) -> int:
    """Syllables in one word.

    >>> [syllables(w) for w in ("cat", "table", "people", "hired", "teams", "Okay", "E0002", "belonging")]
    [1, 2, 2, 1, 1, 2, 1, 3]
    """
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w or len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", lambda m: m.group(0)[0], w)
    w = re.sub(r"^y", "", w)
    return max(1, len(_VOWELS.findall(w)))


def sentences(text: str) -> list[str]:
    """The sentences of a text: split after ., ! or ? followed by a space and a capital, digit or quote."""
    text = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(text) if re.search(r"[A-Za-z]", s)]


def grade(text_or_sentences) -> float:
    """Flesch-Kincaid grade level of a text (or of a list of sentences, pooled).

    >>> round(grade("The cat sat on the mat."), 2)  # 6 words, 6 syllables, 1 sentence: 0.39*6 + 11.8*1 - 15.59
    -1.45
    """
    found = sentences(text_or_sentences) if isinstance(text_or_sentences, str) else list(text_or_sentences)
    words = [w for s in found for w in _WORD.findall(s)]
    return 0.39 * len(words) / len(found) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59
