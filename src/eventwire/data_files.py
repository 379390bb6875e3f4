"""Reading the packaged data files (TSV dictionaries under ``eventwire/data``).

TSV layout shared by every dictionary: UTF-8, a header row, ``#`` lines are
comments, ``|`` separates alternatives inside a cell, an empty cell is none.
"""
from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Iterator

from .errors import ConfigError


def data_path(*parts: str):
    """A Traversable for a packaged data file, e.g. ``data_path("coding", "cameo.tsv")``."""
    return resources.files("eventwire").joinpath("data", *parts)


def read_tsv_text(text: str, where: str) -> Iterator[dict[str, str]]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in next(reader)]
    for n, row in enumerate(reader, 2):
        if len(row) > len(header):
            raise ConfigError(f"{where}: row {n} has {len(row)} cells, the header has {len(header)}")
        row = row + [""] * (len(header) - len(row))
        yield {h: cell.strip() for h, cell in zip(header, row)}


def read_tsv(*parts: str) -> list[dict[str, str]]:
    """All rows of a packaged TSV file; an absent file gives no rows."""
    res = data_path(*parts)
    if not res.is_file():
        return []
    return list(read_tsv_text(res.read_text(encoding="utf-8"), "/".join(parts)))


def read_user_tsv(path: str | Path) -> list[dict[str, str]]:
    p = Path(path)
    try:
        return list(read_tsv_text(p.read_text(encoding="utf-8"), str(p)))
    except OSError as exc:
        raise ConfigError(f"cannot read {p}: {exc.strerror or exc}") from exc


def split(cell: str | None) -> list[str]:
    """Split a ``|``-separated cell into its non-empty parts."""
    return [part.strip() for part in (cell or "").split("|") if part.strip()]
