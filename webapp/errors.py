"""One error shape for the JSON API, friendly Vietnamese pages for the rest; never a traceback.

API errors: {"error": {"status": 400, "code": "bad_parameter", "message": "...", "param": "page"}}
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from search.index_store import IndexUnavailable
from webapp.params import BadParameter

log = logging.getLogger(__name__)

MESSAGES_VI = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần mã truy cập hợp lệ.",
    403: "Không được phép.",
    404: "Không tìm thấy trang bạn cần.",
    405: "Phương thức không được hỗ trợ.",
    409: "Chỉ mục đang được cập nhật; hãy thử lại sau.",
    413: "Yêu cầu quá lớn.",
    414: "Địa chỉ quá dài.",
    429: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
    500: "Đã có lỗi xảy ra. Vui lòng thử lại.",
    503: "Chỉ mục chưa sẵn sàng. Hãy chạy 'vnsearch index' rồi thử lại.",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
         413: "too_large", 414: "uri_too_long", 429: "too_many_requests", 500: "internal_error", 503: "index_unavailable"}


def wants_json() -> bool:
    """The API's paths, with or without their slash ("/api", "/healthz/"): a client that typed
    one a little wrong is still a program reading JSON."""
    path = request.path.rstrip("/")
    return path == "/api" or path.startswith("/api/") or path == "/healthz"


def error_response(status: int, message: str, code: str | None = None, **extra: Any) -> Response:
    if wants_json():
        body: dict[str, Any] = {"status": status, "code": code or CODES.get(status, "error"), "message": message}
        body.update(extra)
        response = jsonify(error=body)
    else:
        # a search the user can correct: every other parameter kept, the bad one offered to edit
        param = extra.get("param")
        dates = {k: request.args.get(k, "")[:40] for k in ("from", "to")} if param in ("from", "to") else None
        dropped = {param, "page", *(dates or ())}
        kept = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k not in dropped])
        response = Response(render_template("error.html", status=status, message=message, kept=kept, dates=dates),
                            mimetype="text/html")
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    def bad_parameter(e: BadParameter) -> Response:
        return error_response(400, str(e), "bad_parameter", param=e.param)

    @app.errorhandler(IndexUnavailable)
    def no_index(e: IndexUnavailable) -> Response:
        log.warning("index unavailable: %s", e)
        return error_response(503, MESSAGES_VI[503])

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        status = e.code or 500
        response = error_response(status, MESSAGES_VI.get(status, e.description or "Lỗi."))
        for name, value in e.get_headers():  # a 405's Allow (RFC 9110), a 401's challenge
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> Response:
        log.exception("unhandled error on %s", request.path)
        return error_response(500, MESSAGES_VI[500])
