"""`vnsearch serve`: the app behind waitress, a production WSGI server (not Flask's dev server)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from waitress.server import create_server

from webapp.app import create_app
from webapp.engine_access import get_engine, warm


def serve(index_dir: Path | None, host: str, port: int, threads: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app({"INDEX": index_dir} if index_dir else None)
    problem = warm(app)  # pyvi, the searcher and the vocabulary load now, not on the first request
    # the server binds before it says so: an address it cannot take is the only line printed
    settings = app.config["VNSEARCH"]
    server = create_server(app, host=host, port=port, threads=threads, ident="vnsearch", **_proxy_options(settings))
    print(f"vnsearch: serving {settings['INDEX']} on http://{host}:{port}{settings['URL_PREFIX']}/", file=sys.stderr, flush=True)
    if problem:  # served all the same: pages say the index is not ready, and it may be built meanwhile
        print(f"vnsearch: warning: {problem}; pages answer 503 until it is built", file=sys.stderr, flush=True)
    else:
        _warn_if_outdated(app)
    server.run()


def _warn_if_outdated(app: Any) -> None:
    """An index built by older code (an upgrade without `vnsearch index`) is served as it is,
    but its name searches read positions article by article: the operator should know why."""
    with app.app_context():
        stats = get_engine().stats()
    if stats["outdated_articles"]:
        print(f"vnsearch: warning: {stats['outdated_articles']} of {stats['articles']} articles were indexed by older "
              "code or with other alias data; searches by name are slower until 'vnsearch index' is run again",
              file=sys.stderr, flush=True)


# Behind a reverse proxy the request's own host and scheme are the proxy's side of it
# (http://127.0.0.1:8000), not what the user typed: links, /opensearch.xml and the widget's API
# address must come from the proxy's X-Forwarded-* headers, believed from the configured proxy only.
FORWARDED_HEADERS = {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"}


def _proxy_options(settings: dict[str, Any]) -> dict[str, Any]:
    """waitress's own proxy and prefix handling (it rewrites the WSGI environ, so Flask's url_for
    and request.url_root see the public address)."""
    options: dict[str, Any] = {"clear_untrusted_proxy_headers": True, "url_prefix": settings["URL_PREFIX"]}
    if settings["TRUSTED_PROXY"]:
        options.update(trusted_proxy=settings["TRUSTED_PROXY"], trusted_proxy_count=1,
                       trusted_proxy_headers=FORWARDED_HEADERS)
    return options
