"""`vnsearch serve`: the app behind waitress, a production WSGI server (not Flask's dev server)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from waitress.server import create_server

from webapp.app import create_app
from webapp.engine_access import warm


def serve(index_dir: Path | None, host: str, port: int, threads: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app({"INDEX": index_dir} if index_dir else None)
    problem = warm(app)  # pyvi, the searcher and the vocabulary load now, not on the first request
    # the server binds before it says so: an address it cannot take is the only line printed
    server = create_server(app, host=host, port=port, threads=threads, ident="vnsearch", clear_untrusted_proxy_headers=True)
    print(f"vnsearch: serving {app.config['VNSEARCH']['INDEX']} on http://{host}:{port}", file=sys.stderr, flush=True)
    if problem:  # served all the same: pages say the index is not ready, and it may be built meanwhile
        print(f"vnsearch: warning: {problem}; pages answer 503 until it is built", file=sys.stderr, flush=True)
    server.run()
