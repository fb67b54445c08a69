"""Licence numbers, NPIs and names: normalised in one place, as DESIGN.md asks.

``normalise_license_number`` turns what people type (`` a 12345 ``) into the board's form
(``A12345``). ``name_key`` folds a name for matching: case, accents, hyphens, spaces,
apostrophes and suffixes such as Jr. do not make two names differ.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE_OR_DASH = re.compile(r"[\s\-]+")
_WORD_BREAK = re.compile(r"[\s,.]+")
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "md", "do", "phd"}


def normalise_license_number(raw: str) -> str:
    """Upper case, no spaces or dashes: `` a 12-345 `` → ``A12345``."""
    return _SPACE_OR_DASH.sub("", raw or "").upper()


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of an NPI, computed with the card-issuer prefix 80840."""
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:  # every second digit from the right, starting with the last
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    return bool(re.fullmatch(r"\d{10}", npi)) and npi_check_digit(npi[:9]) == int(npi[9])


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Fold a name for comparison: ``"O'Brien-Smith Jr."`` and ``"obrien smith"`` agree.

    Case is folded (``ß`` is ``ss``; Turkish dotless ``ı`` is ``i``, as ``YILDIZ`` shows it),
    accents are dropped, and only letters are kept, of
    any script: a Greek or Cyrillic name folds to its own letters, never to an empty key
    that would agree with every other such name.
    """
    name = name or ""
    if name.isascii():
        # The common case, and the same result: ASCII has nothing to decompose, no
        # combining marks, and casefold() is lower() there.
        folded = name.lower()
    else:
        # NFKD before and after folding: compatibility forms (``ᴬ``) can fold and back.
        compatible = unicodedata.normalize("NFKD", name)
        decomposed = unicodedata.normalize("NFKD", compatible.casefold().translate(_DOTLESS_I))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = [word for word in _WORD_BREAK.split(folded) if word]
    while len(words) > 1 and _letters(words[-1]) in _NAME_SUFFIXES:
        words.pop()
    return _letters("".join(words))


_DOTLESS_I = str.maketrans({"ı": "i"})


def _letters(text: str) -> str:
    if text.isalpha():  # nothing to drop, the usual case
        return text
    return "".join(ch for ch in text if ch.isalpha())
