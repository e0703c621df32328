"""The JSON API: read-only search endpoints, plus one token-protected admin endpoint."""
from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from search.api_json import article_json, hit_json, result_to_json
from webapp.engine_access import get_engine
from webapp.errors import error_response
from webapp.export import results_csv
from webapp.openapi import openapi_document
from webapp.pages import article_url
from webapp.params import BadParameter, search_request
from webapp.params import _int as int_param

bp = Blueprint("api", __name__)


def settings() -> dict[str, Any]:
    return current_app.config["VNSEARCH"]


@bp.after_app_request
def cors(response: Response) -> Response:
    """CORS for the API and the widget script, for configured origins only (never "*" by default)."""
    origin = request.headers.get("Origin")
    if origin and (request.path.startswith("/api/") or request.path == "/embed.js"):
        allowed = settings()["ALLOWED_ORIGINS"]
        if origin.rstrip("/") in allowed or "*" in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
        response.headers.add("Vary", "Origin")
    return response


@bp.get("/api/search")
def search() -> Response:
    result = get_engine().search(search_request(request.args, settings()))
    return jsonify(result_to_json(result))


@bp.get("/api/search.csv")
def search_csv() -> Response:
    """The same search's hits as CSV (the page asked, per_page and page as for /api/search)."""
    result = get_engine().search(search_request(request.args, settings()))
    text = results_csv(result, lambda hit: request.host_url.rstrip("/") + article_url(hit.id))
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="vnsearch.csv"'})


@bp.get("/api/articles/<path:article_id>")
def article(article_id: str) -> Response:
    found = get_engine().article(article_id)
    if found is None:
        return error_response(404, f"Không có bài viết với mã {article_id[:100]!r}.")
    data = article_json(found)
    data["related"] = [hit_json(h) for h in get_engine().more_like_this(article_id)]
    return jsonify(data)


@bp.get("/api/suggest")
def suggest() -> Response:
    prefix = request.args.get("q", "")
    if len(prefix) > 100:
        raise BadParameter("q", "Gợi ý chỉ nhận tối đa 100 ký tự.")
    completions = get_engine().complete(prefix)
    if request.args.get("format") == "opensearch":  # the OpenSearch suggestions shape browsers read
        return jsonify([prefix, [c.text for c in completions]])
    return jsonify(query=prefix, suggestions=[{"text": c.text, "kind": c.kind} for c in completions])


FILTER_FACETS = ("country", "official", "source")


@bp.get("/api/facets/<name>")
def facet_values(name: str) -> Response:
    """Every value of a facet under the search's query and other filters whose name contains
    `contains`: what a filter box offers beyond the page's top values."""
    if name not in FILTER_FACETS:
        return error_response(404, f"Không có bộ lọc {name[:40]!r} (có: {', '.join(FILTER_FACETS)}).")
    contains = request.args.get("contains", "")
    if len(contains) > 100:
        raise BadParameter("contains", "Chỉ nhận tối đa 100 ký tự.")
    limit = int_param(request.args, "limit", 20, 1, 100)
    values = get_engine().facet_values(name, search_request(request.args, settings()), contains, limit)
    return jsonify(facet=name, contains=contains,
                   values=[{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values])


@bp.get("/api/stats")
def stats() -> Response:
    return jsonify(get_engine().stats())


@bp.get("/api/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz() -> Response:
    engine = get_engine()
    return jsonify(status="ok", articles=engine.live_count())


@bp.post("/api/admin/reindex")
def reindex() -> Response:
    """Re-index the configured corpus; needs `Authorization: Bearer <VNSEARCH_ADMIN_TOKEN>`.
    `?prune=1` also removes indexed articles the corpus no longer holds (`vnsearch index --prune`)."""
    token = settings()["ADMIN_TOKEN"]
    if not token:
        abort(403)
    scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):  # RFC 7235: any case
        response = error_response(401, "Cần mã truy cập hợp lệ (Authorization: Bearer ...).")
        response.headers["WWW-Authenticate"] = 'Bearer realm="vnsearch admin"'
        return response
    prune = request.args.get("prune", "0")
    if prune not in ("0", "1", "true", "false"):
        raise BadParameter("prune", "Tham số prune chỉ nhận 1 hoặc 0.")
    corpus = Path(settings()["CORPUS"])
    if not corpus.exists():  # the server's configuration, not the request: nothing is touched
        return error_response(503, f"Không tìm thấy kho bài để lập chỉ mục lại ({corpus}); "
                                   "hãy kiểm tra thiết lập VNSEARCH_CORPUS.", "corpus_missing")
    from whoosh.index import LockError

    from search.indexer import index_paths
    from search.writers import WorkerFailed

    try:
        report = index_paths(Path(settings()["INDEX"]), [corpus], prune=prune in ("1", "true"))
    except LockError:
        return error_response(409, "Chỉ mục đang được cập nhật bởi một tiến trình khác; hãy thử lại sau.", "index_busy")
    except WorkerFailed:  # nothing of the failed batch was committed; the index serves as before
        return error_response(503, "Cập nhật chỉ mục bị gián đoạn; hãy thử lại sau.", "index_interrupted")
    return jsonify(indexed=report.indexed, updated=report.updated, unchanged=report.unchanged,
                   removed=report.removed, kept=report.kept, kept_because=report.kept_because or None,
                   skipped=[{"origin": s.origin, "reason": s.reason} for s in report.skipped])
