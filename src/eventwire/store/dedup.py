"""Near-duplicate articles: MinHash signatures of word shingles, looked up in an LSH index.

reads: article texts and the ``minhashes`` table; writes: nothing (ingest stores the
signature with the article and marks a near-duplicate with ``duplicate_of``).

Wire copy is republished with small edits (a new headline, a dropped paragraph, a
byline). Two texts whose sets of 5-word shingles have an estimated Jaccard similarity
at or above ``threshold`` are near-duplicates; the later one is recorded as a duplicate
of the first one stored and is not coded again. Exact copies never get here: ingest
skips them by content hash. A signature is 64 32-bit values (256 bytes an article);
the index of a store's originals is held in memory during an ingest.
"""
from __future__ import annotations

import re

from ..errors import ConfigError

NUM_PERM = 64
SHINGLE = 5          # words per shingle
MIN_SHINGLES = 8     # shorter texts are too short to call near-duplicates
_WORD = re.compile(r"\w+", re.UNICODE)


def _datasketch():
    try:
        import datasketch
    except ImportError as exc:  # pragma: no cover - a pinned dependency
        raise ConfigError("near-duplicate detection needs datasketch: pip install datasketch==2.0.0 "
                          "(or pass --dedup-threshold 0 to turn it off)") from exc
    return datasketch


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + size]) for i in range(max(len(words) - size + 1, 0))}


class NearDuplicates:
    """An LSH index of stored articles' signatures; ``find`` then ``add`` for each new article."""

    def __init__(self, threshold: float = 0.8, num_perm: int = NUM_PERM):
        if not 0.0 < threshold <= 1.0:
            raise ConfigError(f"the near-duplicate threshold must be in (0, 1], not {threshold}")
        ds = _datasketch()
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = ds.MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, object] = {}
        # the permutations depend on the seed alone: made once, not for every MinHash (a
        # random generator seeded anew each time, a third of the cost of a signature)
        self._perms = ds.MinHash(num_perm=num_perm, seed=1, scheme="affine32").permutations

    def signature(self, text: str) -> bytes | None:
        """The MinHash signature of ``text`` as bytes, or None when the text is too short to judge."""
        sh = shingles(text)
        if len(sh) < MIN_SHINGLES:
            return None
        m = _datasketch().MinHash(num_perm=self.num_perm, seed=1, scheme="affine32", permutations=self._perms)
        m.update_batch([s.encode("utf-8") for s in sh])
        return m.hashvalues.tobytes()

    def _minhash(self, sig: bytes):
        import numpy as np

        return _datasketch().MinHash(num_perm=self.num_perm, seed=1, scheme="affine32",
                                     hashvalues=np.frombuffer(sig, dtype=np.uint32), permutations=self._perms)

    def find(self, sig: bytes | None) -> tuple[str, float] | None:
        """The first indexed article this signature nearly duplicates, with the estimated similarity."""
        if sig is None or not self._sigs:
            return None
        m = self._minhash(sig)
        best: tuple[str, float] | None = None
        for aid in self._lsh.query(m):
            sim = float(m.jaccard(self._sigs[aid]))
            if sim >= self.threshold and (best is None or sim > best[1]):
                best = (aid, sim)
        return best

    def add(self, aid: str, sig: bytes | None) -> None:
        if sig is None or aid in self._sigs:
            return
        m = self._minhash(sig)
        self._sigs[aid] = m
        self._lsh.insert(aid, m)

    def __len__(self) -> int:
        return len(self._sigs)

    @classmethod
    def load(cls, con, threshold: float = 0.8) -> "NearDuplicates":
        """An index of the originals already in the store (duplicates point at their original)."""
        index = cls(threshold)
        rows = con.execute("SELECT m.article_id, m.signature FROM minhashes m JOIN articles a "
                           "USING (article_id) WHERE a.duplicate_of IS NULL").fetchall()
        for aid, sig in rows:
            if sig is not None and len(sig) == 4 * index.num_perm:
                index.add(aid, bytes(sig))
        return index
