"""The `vnsearch` command: index, search, extract, serve, stats.

Every error the user can cause ends with one line on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import struct
import sys
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from search.analysis.segmenter import SegmenterUnavailable, model
from search.models import MAX_PAGE, SORTS, SearchRequest

DEFAULT_INDEX = Path("index")
DEFAULT_CORPUS = Path("corpus")
EXIT_USAGE = 2
# What reading a damaged index file raises inside Whoosh (a truncated segment: EOFError or
# struct.error; overwritten bytes: the unpickler's or zlib's errors).
DAMAGED = (EOFError, struct.error, zlib.error, pickle.UnpicklingError, zipfile.BadZipFile)
EXIT_SKIPPED = 3  # indexing finished but some files or lines were skipped


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"vnsearch: {message} (see --help)\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a port (1-65535): {text}")
    return value


def _per_page(text: str) -> int:
    value = _positive(text)
    if value > 100:
        raise argparse.ArgumentTypeError(f"at most 100: {text}")
    return value


def _page(text: str) -> int:
    value = _positive(text)
    if value > MAX_PAGE:  # as the API and the page refuse it
        raise argparse.ArgumentTypeError(f"at most {MAX_PAGE}: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vnsearch", description="Search engine for Vietnamese news archives.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("index", help="index articles (incrementally)", description=(
        "Index articles from folders of .txt/.md files (recursively), single files, or .jsonl/.jsonl.gz "
        "exports. Unchanged articles are skipped, changed ones replaced. Larger runs use one worker "
        "process per core and commit every 4,000 articles: an interrupted run keeps what it committed "
        "and a re-run resumes. Exit code 3 when some files or lines were skipped (each is listed with "
        "its reason) or --prune kept articles it could not be sure of."))
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=f"what to index (default: {DEFAULT_CORPUS}/)")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, metavar="DIR", help="index folder (default: index/)")
    p.add_argument("--rebuild", action="store_true", help="discard the existing index and start fresh")
    p.add_argument("--prune", action="store_true", help=(
        "also remove the indexed articles read from PATHs that they no longer hold (deleted files, "
        "lines or ids; articles indexed from other paths stay); kept, with a note, when some file "
        "or line could not be read or PATHs hold no article"))

    p = sub.add_parser("search", help="search the index", description="Search the index and print ranked results.")
    p.add_argument("query", nargs="?", default="", metavar="QUERY", help="the query (quotes, AND/OR/NOT, -word, title:, word*)")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, metavar="DIR", help="index folder (default: index/)")
    p.add_argument("--json", action="store_true", help="print the API's JSON instead of text")
    p.add_argument("--page", type=_page, default=1, metavar="N", help=f"result page, 1-{MAX_PAGE} (default: 1)")
    p.add_argument("--per-page", type=_per_page, default=10, metavar="N", help="results per page, 1-100 (default: 10)")
    p.add_argument("--country", action="append", default=[], metavar="CODE", help="ISO country code filter (repeatable, OR)")
    p.add_argument("--official", action="append", default=[], metavar="NAME", help="official filter (repeatable, OR)")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="source filter (repeatable, OR)")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="earliest date: YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="latest date: YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--sort", choices=SORTS, default="relevance", help="order of results (default: relevance)")

    p = sub.add_parser("extract", help="show extracted metadata without indexing", description=(
        "Read articles like 'index' does and print what ingestion extracts: date, source, countries, officials."))
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per line per article")

    p = sub.add_parser("serve", help="serve the web UI and JSON API", description=(
        "Serve the search page and JSON API with a production WSGI server (waitress). "
        "Settings: see docs/configuration.md (VNSEARCH_* environment variables)."))
    p.add_argument("--index", type=Path, default=None, metavar="DIR", help="index folder (default: $VNSEARCH_INDEX or index/)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port, 1-65535 (default: 8000)")
    p.add_argument("--threads", type=_positive, default=8, help="worker threads (default: 8)")

    p = sub.add_parser("stats", help="article count and facet value counts")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, metavar="DIR", help="index folder (default: index/)")
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CliError as e:
        print(f"vnsearch: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("vnsearch: interrupted", file=sys.stderr)
        return 130
    except DAMAGED as e:  # a segment cut short or overwritten: Whoosh reads it as whatever breaks first
        where = getattr(args, "index", None) or os.environ.get("VNSEARCH_INDEX") or DEFAULT_INDEX  # serve: its setting
        print(f"vnsearch: the index at {where} is damaged ({type(e).__name__}: {e}); rebuild it with "
              f"'vnsearch index --rebuild --index {where} PATH'", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except SegmenterUnavailable as e:  # before the index: "the index is damaged" would send the user astray
        print(f"vnsearch: {e}", file=sys.stderr)
        return 1


def _engine(index_dir: Path) -> Any:
    from search.engine import Engine
    from search.index_store import IndexUnavailable

    try:
        return Engine(index_dir)
    except IndexUnavailable as e:
        raise CliError(str(e)) from e


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm
    from whoosh.index import LockError

    from search.index_store import IndexUnavailable
    from search.indexer import NothingToIndex, index_paths
    from search.writers import WorkerFailed

    paths = args.paths or [DEFAULT_CORPUS]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)}")
    model()  # pyvi's model, read before any writer starts (a broken one failed as a damaged index)
    bar = tqdm(desc="indexing", unit=" articles", disable=not sys.stderr.isatty(), file=sys.stderr)
    try:
        report = index_paths(args.index, paths, rebuild=args.rebuild, progress=lambda: bar.update(1), prune=args.prune)
    except (IndexUnavailable, NothingToIndex) as e:
        raise CliError(str(e)) from e
    except LockError as e:  # Whoosh's lock is an OS file lock: it never outlives its process
        raise CliError(f"the index at {args.index} is being written by another process (another "
                       "'vnsearch index' or a reindex request); run this again when it has finished") from e
    except OSError as e:
        raise CliError(f"cannot write the index at {args.index}: {e.strerror or e}") from e
    except WorkerFailed as e:  # what was committed before stays; a re-run resumes from there
        raise CliError(f"{e}; run it again to resume") from e
    finally:
        bar.close()
    for skipped in report.skipped:
        print(f"skipped {skipped.origin}: {skipped.reason}", file=sys.stderr)
    print(report.summary())
    if report.kept:
        are, were = ("article is", "was") if report.kept == 1 else ("articles are", "were")
        print(f"not pruned: {report.kept} indexed {are} no longer in the paths but {were} kept, because "
              f"{report.kept_because}", file=sys.stderr)
    if report.unmarked:
        print(f"note: {report.unmarked} articles were indexed by older code or with other alias data; their name "
              "searches are slower until they are indexed again ('vnsearch index --rebuild' if the paths given were not all of them)", file=sys.stderr)
    return EXIT_SKIPPED if report.skipped or report.kept else 0


def cmd_search(args: argparse.Namespace) -> int:
    from search.api_json import result_to_json
    from search.facets import BadFilter

    request = SearchRequest(
        query=args.query, countries=tuple(c.upper() for c in args.country if c.strip()),
        officials=tuple(o for o in args.official if o.strip()), sources=tuple(s for s in args.source if s.strip()),
        date_from=args.date_from, date_to=args.date_to, sort=args.sort,
        page=args.page, per_page=args.per_page,
    )
    engine = _engine(args.index)
    try:
        result = engine.search(request)
    except BadFilter as e:
        raise CliError(str(e)) from e
    if args.json:
        print(json.dumps(result_to_json(result), ensure_ascii=False, indent=2))
        return 0
    print(f"{result.total} results ({result.took_ms:.0f} ms)" + (f" - did you mean: {result.suggestion}" if result.suggestion else ""))
    for rank, hit in enumerate(result.hits, start=(request.page - 1) * request.per_page + 1):
        meta = " · ".join(x for x in (hit.date, hit.source, ", ".join(c.name for c in hit.countries)) if x)
        print(f"\n{rank}. {hit.title}  [{hit.id}]" + (f"\n   {meta}" if meta else ""))
        print("   " + _plain(hit.snippet))
    return 0


def _plain(html: str) -> str:
    import html as html_mod
    import re

    return html_mod.unescape(re.sub(r"</?mark>", "*", html))


def cmd_extract(args: argparse.Namespace) -> int:
    from search.api_json import article_metadata_json
    from search.ingest.readers import Skipped, read_paths
    from search.metadata import extract

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)}")
    skipped = 0
    for item in read_paths(args.paths):
        if isinstance(item, Skipped):
            print(f"skipped {item.origin}: {item.reason}", file=sys.stderr)
            skipped += 1
            continue
        data = article_metadata_json(extract(item))
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
        else:
            countries = ", ".join(f"{c['name']} ({c['code']})" for c in data["countries"])
            officials = ", ".join(o["name"] for o in data["officials"])
            print(f"{data['id']}: {data['title']}\n  date: {data['date'] or '-'}  source: {data['source'] or '-'}\n"
                  f"  countries: {countries or '-'}\n  officials: {officials or '-'}")
    return EXIT_SKIPPED if skipped else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from webapp.server import serve
    from webapp.settings import SettingsError

    try:
        serve(index_dir=args.index, host=args.host, port=args.port, threads=args.threads)
    except SettingsError as e:
        raise CliError(str(e)) from e
    except (OSError, ValueError) as e:  # waitress: ValueError for an address it cannot parse
        raise CliError(f"cannot listen on {args.host}:{args.port}: {getattr(e, 'strerror', None) or e}") from e
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    stats = _engine(args.index).stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"articles: {stats['articles']}")
    if stats["outdated_articles"]:
        print(f"outdated: {stats['outdated_articles']} (indexed by older code or with other alias data; "
              "'vnsearch index' brings them up to date)")
    for name, counts in stats["facets"].items():
        top = ", ".join(f"{v} ({c})" for v, c in list(counts.items())[:10])
        print(f"{name}: {top or '-'}")
    return 0


COMMANDS = {"index": cmd_index, "search": cmd_search, "extract": cmd_extract, "serve": cmd_serve, "stats": cmd_stats}

if __name__ == "__main__":
    sys.exit(main())
