"""App factory: settings -> engine accessor -> blueprints -> security headers."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request

from webapp import api, embed, errors, pages
from webapp.engine_access import init_app as init_engine
from webapp.settings import load_settings

MAX_REQUEST_BYTES = 64 * 1024


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    settings = load_settings(test_config)
    app.config.from_mapping(VNSEARCH=settings, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, JSON_AS_ASCII=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    init_engine(app, Path(settings["INDEX"]))
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embed.bp)
    errors.init_app(app)
    app.before_request(_refuse_oversize_body)
    app.after_request(_security_headers)
    return app


def _refuse_oversize_body() -> None:
    """413 for a body over the limit even where the view never reads it (Flask checks lazily)."""
    if (request.content_length or 0) > MAX_REQUEST_BYTES:
        abort(413)


def _security_headers(response: Response) -> Response:
    # No inline script anywhere: every script is a file under /static or /embed.js.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response
