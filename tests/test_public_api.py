"""The public API is small and pinned; importing it does no work."""
from __future__ import annotations

import subprocess
import sys

import eventwire

EXPECTED = {
    "Actor", "Article", "BinaryInputError", "Claim", "CodedArticle", "ConfigError", "DateValue",
    "EmptyInputError", "Event", "EventwireError", "InputError", "Location", "MalformedInputError",
    "ModelError", "Settings", "StoreError", "TextSpan", "code_articles", "code_files", "code_text",
    "record_from_dict", "__version__",
}


def test_exported_names_are_pinned():
    assert set(eventwire.__all__) == EXPECTED
    for name in eventwire.__all__:
        assert hasattr(eventwire, name)


def test_import_loads_no_model():
    code = "import sys, eventwire; print('spacy' in sys.modules, 'duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
