"""The `storycheck` command: subcommands read like verbs (compare, add)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import click

from ._exceptions import InputError, StorycheckError
from ._version import __version__

if TYPE_CHECKING:
    from .ingest import ReadOptions


def _err_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def _progress(label: str, total: int) -> Iterator:  # type: ignore[type-arg]
    """A rich progress bar on stderr; silent when stderr is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if not sys.stderr.isatty():  # a log file or a pipe: no bar, not even an empty line
        yield lambda n: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=_err_console(), transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


_ENCODING = click.option("--encoding", metavar="NAME",
                         help="Text encoding of every input file (e.g. cp1251, latin-1); default: detected per file.")
_SKIP_BAD = click.option("--skip-bad", is_flag=True,
                         help="Report each bad file or article (malformed, over the limits) on stderr and go on.")


def _read_options(encoding: str | None, skip_bad: bool) -> ReadOptions:
    """How the command reads its files; warnings and skipped articles are one line each on stderr."""
    from .ingest import ReadOptions
    from .ingest._encoding import codec

    return ReadOptions(encoding=codec(encoding) if encoding else None, skip_bad=skip_bad,
                       warn=lambda m: click.echo(f"storycheck: {m if m.startswith('skipped') else 'warning: ' + m}",
                                                 err=True))


_JSON_DOCUMENT = click.option("--json", "as_json", is_flag=True,
                              help="Print the JSON document (and nothing else) on stdout.")
_HTML = click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write a self-contained HTML report here.")
_DB = click.option("--db", help="SQLite file or postgresql:// URL (default: $STORYCHECK_DB or the user data dir).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="storycheck", message="%(prog)s %(version)s")
def main() -> None:
    """Check news against other news: which sentences other outlets carry,
    contradict, or nobody else reports."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_JSON_DOCUMENT
@_HTML
@click.option(
    "--top-k", type=click.IntRange(1, 20), default=3, show_default=True, help="Evidence sentences per sentence."
)
@_ENCODING
@_SKIP_BAD
def compare(
    files: Sequence[Path], as_json: bool, html_out: Path | None, top_k: int, encoding: str | None, skip_bad: bool
) -> None:
    """Compare articles about one story, sentence by sentence.

    FILES are .txt, .html, .json, .jsonl, RSS/Atom files or folders of them.
    """
    from ._options import Options
    from ._pipeline import compare_document, segment_article
    from .ingest import read_paths
    from .segment import drop_furniture

    arts = [segment_article(a) for a in read_paths(files, _read_options(encoding, skip_bad))]  # segmented once
    drop_furniture(arts)
    total = sum(len(a.sentences) for a in arts)
    with _progress("verifying", total) as tick:
        doc = compare_document(arts, options=Options(top_k=top_k), progress=tick)
    _show(doc, as_json, html_out)


def _show(doc: dict, as_json: bool, html_out: Path | None, title: str = "storycheck report") -> None:  # type: ignore[type-arg]
    """JSON on stdout (and nothing else), or the terminal report; the HTML file either way."""
    from .report import render_html, render_terminal

    if html_out is not None:
        _write_out(html_out, render_html(doc, title=title))
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        from rich.console import Console

        render_terminal(doc, Console())
        if html_out is not None:
            click.echo(f"HTML report written to {html_out}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILES_OR_URLS...")
@_DB
@click.option("--dask", "dask_spec", metavar="local[N]|ADDRESS",
              help="Run on Dask workers: a local cluster of N processes, or a scheduler address.")
@click.option("--index", "index_path", envvar="STORYCHECK_INDEX", metavar="PATH",
              help="Nearest-neighbour index of lead vectors (faiss) kept in files at PATH.* and used to find stories.")
@_ENCODING
@_SKIP_BAD
def add(files: Sequence[str], db: str | None, dask_spec: str | None, index_path: str | None, encoding: str | None,
        skip_bad: bool) -> None:
    """Add articles to the store and group them into stories; adding the same
    article again changes nothing, and near-duplicates are linked, not stored twice.

    FILES_OR_URLS are files and folders as for compare, or http(s) URLs of a page
    or an RSS/Atom feed (fetched now, politely: see 'storycheck watch')."""
    from ._pipeline import add as add_articles
    from .ingest import CheckedArticles

    # every input is read (URLs fetched) and checked before the store is opened; JSONL and feeds are then streamed
    options = _read_options(encoding, skip_bad)
    urls = [f for f in files if _is_web(f)]
    fetched = _fetch_urls(urls, options) if urls else []
    paths = [Path(f) for f in files if not _is_web(f)]
    arts: Any = CheckedArticles(paths, options) if paths else []
    if fetched:
        arts = _Joined(fetched, arts)
    if dask_spec:
        from .distribute import add_distributed, connect
        from .store import default_db_path

        target = str(db or default_db_path())
        client, workers = connect(dask_spec)
        try:
            n_parts = -(-len(arts) // 256)
            with _progress(f"adding on {workers} worker(s)", n_parts) as tick:
                totals = add_distributed(list(arts), target, client, progress=tick)
        finally:
            client.close()
        click.echo(f"added {totals['added']} article(s), {totals['already']} already stored, "
                   f"{totals['duplicates']} duplicate(s) linked, {totals['stories']} story(ies) new or changed, "
                   f"in {target} ({workers} Dask worker(s))")
        return
    from .store import open_store

    with open_store(db) as store, _progress("adding", len(arts)) as tick:
        r = add_articles(arts, store=store, progress=tick, index=index_path)
        click.echo(f"added {r.added} article(s), {r.already} already stored, {r.duplicates} duplicate(s) linked, "
                   f"{r.stories} story(ies) new or changed, in {store.path}")


def _is_web(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def _check_url(url: str, source: str | None = None) -> str:
    """An http(s) URL the fetcher accepts, or a one-line InputError naming where it came from."""
    from .ingest._fetch import url_problem

    problem = url_problem(url.strip())
    if problem:
        raise InputError(f"not an http(s) URL ({problem}): {url.strip()[:200]!r}", source=source)
    return url.strip()


def _fetch_urls(urls: Sequence[str], options: ReadOptions) -> list[Any]:
    """Every article the URLs give (a page, or each item of a feed), fetched one host request at a time."""
    from .ingest import Fetcher, fetch_articles

    fetcher = Fetcher()
    out: list[Any] = []
    with _progress("fetching", len(urls)) as tick:
        for url in urls:
            out += fetch_articles(_check_url(url), fetcher, options)
            tick(1)
    return out


class _Joined:
    """Fetched articles, then the files' checked articles: one sized iterable for add."""

    def __init__(self, first: list[Any], rest: Any) -> None:
        self.first, self.rest = first, rest

    def __len__(self) -> int:
        return len(self.first) + len(self.rest)

    def __iter__(self) -> Iterator[Any]:
        yield from self.first
        yield from self.rest


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {\"stories\": [{\"id\", \"articles\"}]} on stdout.")
@_ENCODING
@_SKIP_BAD
def cluster(files: Sequence[Path], as_json: bool, encoding: str | None, skip_bad: bool) -> None:
    """Group articles into stories (nothing is stored)."""
    from .group import cluster_articles, story_id
    from .ingest import read_paths

    arts = read_paths(files, _read_options(encoding, skip_bad))
    groups = cluster_articles(arts)
    stories = [{"id": story_id(g), "articles": g} for g in groups]
    if as_json:
        click.echo(json.dumps({"stories": stories}, ensure_ascii=False, indent=1))
        return
    by_id = {a.id: a for a in arts}
    for st in stories:
        click.echo(f"story {st['id']} · {len(st['articles'])} article(s)")
        for aid in st["articles"]:
            a = by_id[aid]
            click.echo(f"  {aid}  {a.outlet or '-'}  {a.published or '-'}  {a.title or a.text[:60]}")


@main.command()
@_DB
@click.option("--json", "as_json", is_flag=True, help="Print {\"stories\": [...]} on stdout.")
@click.option("--search", help="Only stories with an article whose title, outlet or text contains this.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Stories per page.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Stories to skip.")
def stories(db: str | None, as_json: bool, search: str | None, limit: int, offset: int) -> None:
    """List stored stories: size, outlets, languages, first and last date, headline."""
    with _existing_store(db) as store:
        rows = store.list_stories(limit=limit, offset=offset, query=search)
        total = store.count_stories(query=search)
    if as_json:
        click.echo(json.dumps({"stories": rows, "total": total, "limit": limit, "offset": offset},
                              ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    from .report._story import shorten

    table = Table(title="stories")
    for col in ("id", "size", "outlets", "languages", "first", "last", "headline"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], str(r["size"]), shorten(r["outlets"], 3), ", ".join(r["languages"]) or "-",
                      (r["first_published"] or "-")[:16],
                      (r["last_published"] or "-")[:16], r["headline"] or "")
    Console().print(table)


@main.command()
@click.argument("story_id")
@_DB
@_JSON_DOCUMENT
@_HTML
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the claim × outlet matrix here as CSV (UTF-8, no BOM).",
)
@click.option("--refresh", is_flag=True, help="Check the story again even if a cached result is valid.")
def story(story_id: str, db: str | None, as_json: bool, html_out: Path | None, csv_out: Path | None,
          refresh: bool) -> None:
    """Show one stored story: claim × outlet matrix, first reporters, copy families,
    copied passages, mutation trails and every article checked sentence by sentence.

    STORY_ID is a story id, an unambiguous prefix of one, or the id of one of its articles.
    """
    from ._pipeline import check_stored_story

    with _existing_store(db) as store:
        total = 0
        sid = store.find_story(story_id)
        if sid is not None:
            total = sum(len(a.sentences) for a in store.story_articles(sid))
        with _progress("verifying", total) as tick:
            doc = check_stored_story(store, story_id, progress=tick, refresh=refresh)
    if csv_out is not None:
        from .report import matrix_csv

        _write_out(csv_out, matrix_csv(doc["story"]), newline="")
    _show(doc, as_json, html_out, title=f"storycheck story {doc['story']['id']}")
    if csv_out is not None and not as_json:
        click.echo(f"CSV matrix written to {csv_out}", err=True)


#: The alert kinds (storycheck.watch.KINDS, written out so the CLI starts without importing the pipeline).
_ALERT_KINDS = ("contradiction", "unsourced_new_claim", "quote_altered", "headline_unsupported")


def _read_feed_list(path: Path) -> list[str]:
    """URLs of a --feeds file: one per line; blank lines and # comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the feed list: {getattr(exc, 'strerror', None) or exc}",
                         source=str(path)) from None
    out = []
    for n, line in enumerate(lines, 1):
        text = line.strip()
        if text and not text.startswith("#"):
            out.append(_check_url(text.split(" #", 1)[0], source=f"{path}:{n}"))  # a URL may hold '#'; ' #' may not
    return out


def _span(text: str, what: str) -> float:
    from ._time import span_seconds

    try:
        return span_seconds(text)
    except ValueError:
        raise InputError(f"{what}: not a span such as 90s, 5m, 1h: {text!r}") from None


@main.command()
@click.argument("urls", nargs=-1, metavar="[FEED_OR_PAGE_URL]...")
@click.option("--feeds", "feed_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A file of feed or page URLs, one per line (# starts a comment).")
@click.option("--every", default="5m", show_default=True, help="Time between the starts of two polls: 90s, 5m, 1h.")
@click.option("--once", is_flag=True, help="Poll once and exit (for cron, and to try a feed list).")
@_DB
@click.option("--delay", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Least seconds between two requests to one host (a larger robots.txt Crawl-delay wins).")
@click.option("--timeout", type=click.FloatRange(0.1), default=10.0, show_default=True,
              help="Seconds to wait for a host to answer before trying again later.")
@click.option("--min-sources", type=click.IntRange(1), default=1, show_default=True,
              help="Sources (copy families) that must carry a claim for a contradiction of it to alert.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(_ALERT_KINDS),
              help="Only these alert kinds (repeat it; default: all).")
def watch(urls: Sequence[str], feed_file: Path | None, every: str, once: bool, db: str | None, delay: float,
          timeout: float, min_sources: int, kinds: Sequence[str]) -> None:
    """Poll RSS/Atom feeds and pages, add every new article, check its story and
    print an alert for each new contradiction, unsourced lone claim, altered quote
    or unsupported headline: one JSON object per line on stdout, kept in the store
    too ('storycheck alerts'). Requests are conditional (ETag, Last-Modified),
    obey robots.txt and keep each host's pace; a failing source is reported and
    tried again later. Ctrl-C stops at the next step (a batch being added or a
    story being checked finishes first)."""
    import signal
    from dataclasses import replace

    from .ingest import FetchOptions
    from .store import open_store
    from .watch import AlertOptions, Watcher, WatchOptions

    sources = [_check_url(u) for u in urls] + (_read_feed_list(feed_file) if feed_file else [])
    if not sources:
        raise click.UsageError("give at least one feed or page URL, or --feeds FILE")
    options = WatchOptions(every=_span(every, "--every"), fetch=FetchOptions(host_delay=delay, timeout=timeout),
                           alerts=AlertOptions(min_sources=min_sources, **({"kinds": tuple(kinds)} if kinds else {})),
                           read=replace(_read_options(None, True), warn=lambda m: click.echo(
                               f"storycheck: {m}", err=True)))

    def emit(alert: dict[str, Any]) -> None:
        click.echo(json.dumps(alert, ensure_ascii=False))
        sys.stdout.flush()

    def log(message: str) -> None:
        click.echo(f"storycheck: {message}", err=True)

    with open_store(db) as store:
        watcher = Watcher(sources, store, options, emit=emit, log=log, steps=_progress)

        def on_int(signum: int, frame: Any) -> None:
            if watcher.stop.is_set():
                raise KeyboardInterrupt
            watcher.stop.set()
            log("stopping at the next step (Ctrl-C again to stop at once)")

        previous = {sig: signal.signal(sig, on_int) for sig in (signal.SIGINT, signal.SIGTERM)}
        log(f"watching {len(sources)} source(s) every {every} into {store.path}")
        try:
            watcher.run(cycles=1 if once else None, on_cycle=lambda r: log("poll: " + r.line()))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            watcher.fetcher.close()


@main.command("alerts")
@_DB
@click.option("--since", help="Only alerts raised since: a span back from now (30m, 12h, 7d) or an ISO date "
                              "or time (UTC unless it names a zone).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(_ALERT_KINDS), help="Only these kinds (repeat it).")
@click.option("--story", "story_id", help="Only alerts of this story (id, prefix or one of its article ids).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the alerts as JSON lines, oldest first: the objects 'watch' prints.")
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True, help="Newest alerts shown.")
def alerts_cmd(db: str | None, since: str | None, kinds: Sequence[str], story_id: str | None, as_json: bool,
               limit: int) -> None:
    """List the alerts 'storycheck watch' raised, newest first."""
    from ._pipeline import stored_story_id
    from ._time import since_utc

    try:
        start = since_utc(since) if since else None
    except ValueError:
        raise InputError(f"--since: not a span (30m, 12h, 7d) or an ISO date or time: {since!r}") from None
    with _existing_store(db) as store:
        sid = stored_story_id(store, story_id) if story_id else None
        rows = store.list_alerts(since=start, kinds=kinds, story=sid, limit=limit)
        total = store.count_alerts(since=start, kinds=kinds, story=sid)
    if as_json:
        for a in reversed(rows):
            click.echo(json.dumps(a, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"alerts ({len(rows)} of {total})" if total > len(rows) else f"alerts ({total})")
    for col in ("raised", "kind", "outlet", "what", "story"):
        table.add_column(col, overflow="fold")
    for a in rows:
        table.add_row(a["created"][:19].replace("T", " "), a["kind"], a.get("outlet") or "-", a.get("message") or "",
                      (a.get("story") or "-")[:12])
    Console().print(table)


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; off loopback, writes need $STORYCHECK_TOKEN.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_DB
def serve(host: str, port: int, db: str | None) -> None:
    """Serve the web UI and JSON API (OpenAPI at /docs) over the store."""
    from .web import serve as run_server

    click.echo(f"storycheck {__version__} serving http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run_server(host=host, port=port, db=str(db) if db else None)


def _existing_store(db: str | None):  # type: ignore[no-untyped-def]
    """Reading commands never create an empty database by mistake."""
    from .store import default_db_path, open_store
    from .store._common import is_url

    path = db or default_db_path()
    if not is_url(path) and not Path(path).exists():
        raise InputError("no database here yet: add articles first with 'storycheck add'", source=str(path))
    return open_store(path)


@main.command("score-claims")
@click.argument("infile", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Write JSONL here instead of stdout (- is stdout).",
)
@click.option("--skip-bad", is_flag=True, help="Report malformed lines on stderr and go on.")
@click.option("--fast", is_flag=True,
              help="No encoder: ~10x faster, a little less accurate (docs/benchmarks.md, claims).")
@click.option(
    "--threshold", type=click.FloatRange(0, 1), help="Support probability cut (default: the trained model's)."
)
@_ENCODING
def score_claims_cmd(
    infile: Path, output: Path | None, skip_bad: bool, fast: bool, threshold: float | None, encoding: str | None
) -> None:
    """Score claims against their sources (one JSON object per line:
    id, claim, and source or sources). Works for any generated text, such as
    LLM or RAG answers, checked against the passages they came from."""
    from .verify import read_claims, score_claims

    records = read_claims(infile, skip_bad=skip_bad, warn=lambda m: click.echo(f"storycheck: skipped {m}", err=True),
                          options=_read_options(encoding, False))
    with _progress("scoring", len(records)) as tick:
        rows = score_claims(records, threshold=threshold, progress=tick, fast=fast)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if output is not None:
        _write_out(output, text)
    else:
        click.echo(text, nl=False)


def _write_out(path: Path, text: str, newline: str | None = None) -> None:
    """One output file (or ``-`` for stdout) through ``write_output``: a device, FIFO or link is
    written through, never replaced; ``newline=""`` keeps line ends as written (CSV's \\r\\n)."""
    from ._output import write_output

    try:
        write_output(path, text, newline=newline)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", source=str(path)) from None


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point: every failure is one line on stderr and a non-zero exit code."""
    try:
        main.main(args=list(argv) if argv is not None else None, prog_name="storycheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        cmd = exc.ctx.command_path if exc.ctx else "storycheck"
        click.echo(f"storycheck: error: {exc.format_message()} (see '{cmd} --help')", err=True)
        return 2
    except click.Abort:
        click.echo("storycheck: aborted", err=True)
        return 130
    except StorycheckError as exc:
        click.echo(f"storycheck: error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
