"""Language check: articles that are not English are refused before they are parsed.

reads: an Article's text; writes: nothing (a ``LanguageInputError``, reason ``language``, for a
text in another language or script).

The spaCy pipeline, the dictionaries and the rules are English; coding a French or Arabic
article gives nonsense, so it is refused with a reason instead. Offline and model-free:

- script: when at least ``MIN_LETTERS`` letters are read and fewer than half are Latin,
  the text is in another script (Cyrillic, Arabic, CJK, ...);
- function words: among the first ``SAMPLE_WORDS`` words (at least ``MIN_WORDS``), the share
  that are English function words ("the", "of", "and") against the share that are function
  words of another language only ("le", "und", "dans", "của"...), from
  ``data/language/function_words.tsv``. Another language wins when its share is at least
  ``FOREIGN_SHARE`` and larger than the English share. A long text with almost no English
  function words (under ``ENGLISH_FLOOR`` of ``MIN_WORDS_UNKNOWN`` words or more) is refused as
  an unknown language.

Short texts are always coded: too little to tell. English quoting a foreign phrase stays
English. ``Settings(language_check=False)`` (``--no-language-check``) turns the check off.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

SAMPLE_CHARS = 20_000     # only the start of a text is read: the check costs the same for any length
SAMPLE_WORDS = 1_000
MIN_LETTERS = 20          # fewer letters: script not judged
MIN_WORDS = 25            # fewer words: function words not judged
FOREIGN_SHARE = 0.15      # another language's own function words must make up this share ...
ENGLISH_FLOOR = 0.05      # ... or English ones less than this ...
MIN_WORDS_UNKNOWN = 40    # ... of at least this many words

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Verdict:
    """Why a text is not coded as English: ``language`` is an ISO 639-1 code, a script or ``unknown``."""

    language: str
    reason: str


@lru_cache(maxsize=1)
def _function_words() -> tuple[frozenset[str], dict[str, str], dict[str, tuple[str, ...]]]:
    """English function words, language names, and word -> the other languages it is a function word of."""
    from .data_files import read_tsv, split

    english: frozenset[str] = frozenset()
    names: dict[str, str] = {}
    index: dict[str, tuple[str, ...]] = {}
    for row in read_tsv("language", "function_words.tsv"):
        words = split(row["words"])
        if row["language"] == "en":
            english = frozenset(words)
            continue
        names[row["language"]] = row["name"]
        for w in words:
            index[w] = index.get(w, ()) + (row["language"],)
    return english, names, index


def english_function_words() -> frozenset[str]:
    """The English function words of ``data/language/function_words.tsv`` (stop words)."""
    return _function_words()[0]


def _is_latin(ch: str) -> bool:
    o = ord(ch)
    return o < 0x250 or 0x1E00 <= o <= 0x1EFF or 0x2C60 <= o <= 0x2C7F or 0xA720 <= o <= 0xA7FF


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A" -> CYRILLIC)."""
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else "UNKNOWN"


def detect(text: str) -> Verdict | None:
    """None when ``text`` reads as English (or is too short to tell), else why it does not."""
    sample = text[:SAMPLE_CHARS]
    letters = [ch for ch in sample if ch.isalpha()]
    if len(letters) >= MIN_LETTERS:
        foreign = [ch for ch in letters if not _is_latin(ch)]
        if len(foreign) * 2 > len(letters):
            scripts: dict[str, int] = {}
            for ch in foreign[:2000]:
                s = _script(ch)
                scripts[s] = scripts.get(s, 0) + 1
            script = max(scripts, key=scripts.get)
            shown = script if script == "CJK" else script.capitalize()
            return Verdict(script.lower(), f"{len(foreign) * 100 // len(letters)}% of its letters are not Latin "
                                           f"(mostly {shown} script): eventwire codes English text")
    words = [w.lower() for w in _WORD.findall(sample)[:SAMPLE_WORDS]]
    if len(words) < MIN_WORDS:
        return None
    english, names, index = _function_words()
    en = sum(w in english for w in words) / len(words)
    counts: dict[str, int] = {}
    for w in words:
        for lang in index.get(w, ()):
            counts[lang] = counts.get(lang, 0) + 1
    best = max(counts, key=counts.get) if counts else None
    best_share = counts[best] / len(words) if best else 0.0
    if best is not None and best_share >= FOREIGN_SHARE and best_share > en:
        name = names[best]
        return Verdict(best, f"it reads as {name} ({best_share:.0%} of its words are {name} function words, "
                             f"{en:.0%} English ones): eventwire codes English text")
    if en < ENGLISH_FLOOR and len(words) >= MIN_WORDS_UNKNOWN:
        return Verdict("unknown", f"only {en:.0%} of its {len(words)} words are English function words "
                                  "(the, of, and ...): it does not read as English")
    return None


def check(text: str, source: str) -> None:
    """Raise ``LanguageInputError`` naming ``source`` when ``text`` is not English."""
    verdict = detect(text)
    if verdict is not None:
        from .errors import LanguageInputError

        raise LanguageInputError(source, f"not coded: {verdict.reason} (--no-language-check codes it anyway)",
                                 language=verdict.language)
