"""The engine as an app resource: opened on first use, shared by all requests of the process.

The engine keeps its searcher current itself, so a re-index is picked up without a restart.
"""
from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from search.engine import Engine
from search.index_store import IndexUnavailable

_KEY = "vnsearch.engine"
_lock = threading.Lock()


def init_app(app: Flask, index_dir: Path) -> None:
    app.extensions[_KEY] = None
    app.extensions[_KEY + ".dir"] = index_dir


def get_engine() -> Engine:
    """The app's engine; raises IndexUnavailable when there is no usable index yet."""
    app = current_app
    engine = app.extensions.get(_KEY)
    if engine is None:
        with _lock:
            engine = app.extensions.get(_KEY)
            if engine is None:
                engine = Engine(app.extensions[_KEY + ".dir"])
                app.extensions[_KEY] = engine
    return engine


def close(app: Flask) -> None:
    """Close the app's engine, if it was opened (tests, and servers shutting down)."""
    engine = app.extensions.get(_KEY)
    if engine is not None:
        engine.close()
        app.extensions[_KEY] = None


def warm(app: Flask) -> str | None:
    """Open the index and load models before the first request (servers call this). Returns why
    the index could not be opened, or None: the server still starts (pages say so, and the
    index may be built while it runs), but its operator should hear it at once."""
    with app.app_context():
        try:
            get_engine().warm()
        except IndexUnavailable as e:
            return str(e)
    return None


__all__ = ["close", "get_engine", "init_app", "warm", "IndexUnavailable"]
