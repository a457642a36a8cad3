"""What names and queries are normalised to, and the grams that index them.

A name is indexed by every distinct character (unigram) and every pair of adjacent
characters (bigram) of its normalised text, plus two *prefix grams*: MARK followed by
the first character, and MARK followed by the first two. MARK is a control character,
which normalising removes, so it never occurs inside a text or a query.

- A one-character query q is found exactly by the unigram q; names starting with it
  by MARK+q.
- A two-character query is found exactly by its bigram; names starting with it by
  MARK+q.
- A longer query needs all its bigrams (names starting with it also MARK+q[:2]); a
  name with all of them may still not contain q, so candidates are checked against
  the indexed text.
"""

from __future__ import annotations

import unicodedata

MARK = "\x02"
GRAM_LENGTH = 3  # MARK + two characters
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf"})  # control and invisible format characters


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), case-folded, without whitespace or invisibles.

    `ＡＢＣ（云南）` and `abc(云南)` normalise alike, so a query typed either way
    finds a name written either way.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        c for c in folded if not c.isspace() and unicodedata.category(c) not in _DROPPED_CATEGORIES
    )


def grams(text: str) -> set[str]:
    """The grams indexing an already normalised, non-empty text."""
    marked = MARK + text
    found = set(text)
    found.update(marked[i : i + 2] for i in range(len(marked) - 1))
    found.add(marked[:GRAM_LENGTH])
    return found


def prefix_key(query: str) -> str:
    """The gram every name starting with `query` has: exact for one or two characters."""
    return MARK + query[:2]


def substring_keys(query: str) -> set[str]:
    """The grams every name containing `query` has: exact for one or two characters."""
    if len(query) == 1:
        return {query}
    return {query[i : i + 2] for i in range(len(query) - 1)}


def keys_are_exact(query: str) -> bool:
    """Whether postings alone decide a match, with no check of the text."""
    return len(query) <= 2
