"""The exceptions eventwire raises, in one hierarchy.

    EventwireError                 anything eventwire raises on purpose
    ├── InputError                 an input file or article cannot be read
    │   ├── EmptyInputError        the file or article has no text
    │   ├── BinaryInputError       the file is not text
    │   ├── MalformedInputError    JSON/HTML/CSV that does not parse, or a record without text
    │   ├── TooLargeInputError     a file over ``max_bytes`` or an article over ``max_chars``
    │   └── LanguageInputError     the article is not English (eventwire.language)
    ├── ConfigError                a setting, data file or user dictionary is wrong
    ├── ModelError                 the spaCy pipeline cannot be loaded
    └── StoreError                 the database cannot be opened or written

Every message says what went wrong and, where it can, what to do about it.
"""
from __future__ import annotations


class EventwireError(Exception):
    """Base class of every error eventwire raises on purpose."""


class InputError(EventwireError):
    """An input cannot be read; ``source`` names the file (and line) it came from."""

    reason = "unreadable"

    def __init__(self, source: str, message: str):
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class EmptyInputError(InputError):
    reason = "empty"


class BinaryInputError(InputError):
    reason = "binary"


class MalformedInputError(InputError):
    reason = "malformed"


class TooLargeInputError(InputError):
    reason = "too_large"


class LanguageInputError(InputError):
    reason = "language"

    def __init__(self, source: str, message: str, language: str = "unknown"):
        super().__init__(source, message)
        self.language = language   # ISO 639-1 code, a script name, or "unknown"


class ConfigError(EventwireError):
    """A setting, data file or user-supplied dictionary is wrong."""


class ModelError(EventwireError):
    """The spaCy pipeline cannot be loaded."""


class StoreError(EventwireError):
    """The database cannot be opened or written."""
