"""The codebooks: CAMEO codes with names, Goldstein values and quad classes; CAMEO -> PLOVER.

Loaded once from data/coding/cameo.tsv and plover.tsv (see data/coding/README.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..data_files import read_tsv
from ..errors import ConfigError


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None

    @property
    def root(self) -> str:
        return self.code[:2]


def _quad(root: str) -> int:
    r = int(root)
    return 1 if r <= 4 else 2 if r <= 8 else 3 if r <= 13 else 4


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, CameoCode]:
    plover = {r["cameo"]: r for r in read_tsv("coding", "plover.tsv")}
    table = {}
    for row in read_tsv("coding", "cameo.tsv"):
        code = row["code"]
        p = plover.get(code) or plover.get(code[:3]) or plover.get(code[:2] + "0") or {}
        table[code] = CameoCode(
            code=code, name=row.get("name", ""),
            goldstein=float(row.get("goldstein") or 0.0),
            quad_class=int(row.get("quad_class") or _quad(code[:2])),
            plover_type=p.get("plover_type") or None,
            plover_mode=p.get("plover_mode") or None,
        )
    if not table:
        raise ConfigError("the CAMEO codebook data/coding/cameo.tsv is missing or empty")
    return table


def lookup(code: str) -> CameoCode:
    """The codebook entry for ``code``, falling back to its parent codes."""
    table = cameo_table()
    for candidate in (code, code[:3], code[:2] + "0"):
        if candidate in table:
            entry = table[candidate]
            if candidate != code:
                entry = CameoCode(code, entry.name, entry.goldstein, entry.quad_class,
                                  entry.plover_type, entry.plover_mode)
            return entry
    raise ConfigError(f"unknown CAMEO code {code!r}: not in data/coding/cameo.tsv")
