"""eventwire: political event data from news text.

Who did what to whom, when, where, and according to whom: CAMEO and PLOVER
event records with certainty, attribution and evidence spans.

    >>> import eventwire
    >>> records = eventwire.code_text("Russia accused Ukraine of shelling the plant.", date="2022-08-10")

Nothing is loaded at import time; the spaCy model loads on first use.
"""
from __future__ import annotations

import logging

from .api import code_articles, code_files, code_text
from .config import Settings
from .errors import (BinaryInputError, ConfigError, EmptyInputError, EventwireError, InputError,
                     MalformedInputError, ModelError, StoreError)
from .pipeline import CodedArticle
from .records import Actor, Article, Claim, DateValue, Event, Location, TextSpan, record_from_dict

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Actor", "Article", "BinaryInputError", "Claim", "CodedArticle", "ConfigError", "DateValue",
    "EmptyInputError", "Event", "EventwireError", "InputError", "Location", "MalformedInputError",
    "ModelError", "Settings", "StoreError", "TextSpan", "code_articles", "code_files", "code_text",
    "record_from_dict", "__version__",
]
