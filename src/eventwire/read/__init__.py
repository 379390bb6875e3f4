"""Readers: files, folders and stdin -> Articles (or the reason one could not be read).

reads: paths given by the user; writes: ``Article`` records, one per article.
"""
from .files import read_paths, read_bytes, ReadResult

__all__ = ["read_paths", "read_bytes", "ReadResult"]
