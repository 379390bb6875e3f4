"""The web server: a read-only HTTP API and an offline web page over a stored database.

Needs the ``serve`` extra (``pip install 'eventwire[serve]'``). ``create_app(db, token)``
builds the ASGI app; ``serve(db, ...)`` runs it on uvicorn; ``demo()`` codes the
sample articles and serves them. Nothing is imported from FastAPI until one is called.
"""
from __future__ import annotations

from .app import create_app
from .run import build_demo_db, demo, serve

__all__ = ["create_app", "serve", "demo", "build_demo_db"]
