"""Embedding in an intranet: a script that adds a <vn-search> element, and a page for iframes."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

bp = Blueprint("embed", __name__)


@lru_cache(maxsize=1)
def _script(static_folder: str) -> bytes:
    return (Path(static_folder) / "embed.js").read_bytes()


@bp.get("/embed.js")
def embed_script() -> Response:
    response = Response(_script(current_app.static_folder or "static"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/embed")
def embed_page() -> Response:
    response = Response(render_template("embed.html"), mimetype="text/html")
    ancestors = current_app.config["VNSEARCH"]["FRAME_ANCESTORS"]
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        f"base-uri 'none'; frame-ancestors {ancestors}"
    )
    return response
