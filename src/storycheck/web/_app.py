"""`storycheck serve`: server-rendered pages and a JSON API over one store.

Every page escapes what articles bring (text, titles, outlets, URLs) through
Jinja2's autoescape, links only http(s) URLs, and is served with a strict
Content-Security-Policy (scripts and styles from this server only). Bound to a
non-loopback address, every POST needs the token from $STORYCHECK_TOKEN.
"""

from __future__ import annotations

import hmac
import logging
import os
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._exceptions import InputError, StorycheckError
from .._version import __version__

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: Largest request body accepted (an upload of a few hundred articles); above it: 413.
MAX_BODY = 10 * 2**20
#: Stories per page in the list and the API, and the most a client may ask for.
PAGE = 50
MAX_PAGE = 500
#: Largest offset or page a client may ask for: far past any store, and small enough for
#: SQLite's 64-bit integers (a bigger one would be an overflow, not an empty page).
MAX_OFFSET = 2**40
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
#: Seconds before a story whose background check failed is tried again (each view would otherwise retry).
RETRY_S = 60.0

log = logging.getLogger("storycheck.web")


@dataclass(frozen=True)
class WebOptions:
    db: str | None = None  # SQLite path; default: $STORYCHECK_DB or the user data dir
    token: str | None = None  # when set, every POST must carry it
    max_body: int = MAX_BODY


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class _Stopping(Exception):
    """Raised inside a background check when the server stops: the check ends before it writes."""


class _Stores:
    """The app's store connections: a pool opened on the first request (so a bad
    store fails that request with its error), closed when the server stops."""

    def __init__(self, target: str | None) -> None:
        self.target, self.pool, self.lock = target, None, threading.Lock()
        # one add at a time per server: grouping reads the stories, then rewrites them,
        # and two interleaved adds could each miss the other's new articles
        self.writing = threading.Lock()
        self._checking: dict[str, threading.Lock] = {}
        # background checks of stale stories: one worker (one check at a time, the CPU left to pages),
        # a story queued at most once; failures remembered so views do not retry them at once
        self._worker: ThreadPoolExecutor | None = None
        self._queued: set[str] = set()
        self._failed: dict[str, float] = {}
        self._closed = False
        self.background_checks = 0  # background checks run (read by tests and benchmarks)

    @contextmanager
    def store(self) -> Iterator[Any]:
        from ..store import default_db_path
        from ..store._pool import open_pool

        with self.lock:
            if self.pool is None:
                self.pool = open_pool(self.target or default_db_path())  # type: ignore[assignment]
        with self.pool.store() as st:  # type: ignore[attr-defined]
            yield st

    def checking(self, story_id: str) -> threading.Lock:
        """One check of a story at a time: concurrent first views wait and read the cached report."""
        with self.lock:
            return self._checking.setdefault(story_id, threading.Lock())

    def recheck(self, story_id: str) -> bool:
        """Queue a background check of a stale story, unless one is queued or running, the server is
        stopping, or its last one failed under RETRY_S ago; True when queued now."""
        with self.lock:
            failed = self._failed.get(story_id)
            if self._closed or story_id in self._queued or (failed and time.monotonic() - failed < RETRY_S):
                return False
            if self._worker is None:
                self._worker = ThreadPoolExecutor(1, thread_name_prefix="storycheck-recheck")
            self._queued.add(story_id)
            self._worker.submit(self._recheck, story_id)
            return True

    def _recheck(self, story_id: str) -> None:
        from .._pipeline import check_stored_story

        try:
            with self.checking(story_id), self.store() as st:
                with self.lock:
                    self.background_checks += 1
                if st.find_story(story_id) == story_id:  # merged away meanwhile: nothing to check
                    # saves the fresh check, replacing the stale one, in one transaction at its end
                    check_stored_story(st, story_id, progress=self._unless_stopping)
            with self.lock:
                self._failed.pop(story_id, None)
        except _Stopping:
            log.info("background check of story %s stopped with the server", story_id)
        except Exception:  # logged, never raised: the server goes on serving the last check
            log.exception("background check of story %s failed; retried on a view after %.0f s", story_id, RETRY_S)
            with self.lock:
                self._failed[story_id] = time.monotonic()
        finally:
            with self.lock:
                self._queued.discard(story_id)

    def _unless_stopping(self, _done: int) -> None:
        if self._closed:
            raise _Stopping

    @property
    def closed(self) -> bool:
        """True once the server is stopping: no more background checks are queued."""
        return self._closed

    def pending(self) -> set[str]:
        """Stories with a background check queued or running."""
        with self.lock:
            return set(self._queued)

    def close(self) -> None:
        """Stop: queued checks are dropped, a running one ends at its next step without writing (it
        writes in one transaction at its end), then the connections close."""
        with self.lock:
            self._closed = True
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=True, cancel_futures=True)
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def create_app(options: WebOptions | None = None) -> FastAPI:
    opts = options or WebOptions()
    stores = _Stores(opts.db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        yield
        stores.close()

    app = FastAPI(title="storycheck", version=__version__, lifespan=lifespan,
                  description="Check news against other news: stories, articles and comparisons.")
    root = resources.files("storycheck.web")
    templates = Jinja2Templates(directory=str(root.joinpath("templates")))
    app.state.stores = stores  # its background checks, for tests and benchmarks
    app.mount("/static", StaticFiles(directory=str(root.joinpath("static"))), name="static")
    store = stores.store

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > opts.max_body:
            resp: Response = _error(request, 413, f"request body over {opts.max_body} bytes")
        else:
            resp = await call_next(request)
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        return resp

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.message)

    @app.exception_handler(StorycheckError)
    async def input_error(request: Request, exc: StorycheckError) -> Response:
        return _error(request, 400 if isinstance(exc, InputError) else 500, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # the same {"error": …} shape as every other API error, naming each bad parameter
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
                             for e in exc.errors())
        return _error(request, 422, problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    def _error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
        return templates.TemplateResponse(request, "error.html", {"title": str(status), "status": status,
                                                                  "message": message}, status_code=status)

    def check_token(request: Request, form_token: str | None = None) -> None:
        if opts.token is None:
            return
        given = form_token or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), opts.token.encode()):
            raise ApiError(401, "this server needs a token for writes (Authorization: Bearer …)")

    # -- data ---------------------------------------------------------------
    def page_args(q: str | None, since: str | None, until: str | None, min_size: int | None,
                  limit: int, offset: int) -> dict[str, Any]:
        if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= MAX_OFFSET:
            raise ApiError(422, f"limit must be 1–{MAX_PAGE} and offset 0–{MAX_OFFSET}")
        if min_size is not None and not 0 <= min_size <= MAX_OFFSET:
            raise ApiError(422, f"min_size must be 0–{MAX_OFFSET}")
        return {"query": q or None, "since": since or None, "until": until or None, "min_size": min_size,
                "limit": limit, "offset": offset}

    def story_doc(story_id: str, wait: bool = False) -> dict[str, Any]:
        """The story's check. A stored one is served at once, even when articles joined since (then
        marked ``check.stale`` and checked again in the background); only a story never checked, or
        ``wait``, waits for the check of its current articles."""
        from .._pipeline import check_stored_story, last_stored_check

        with store() as st:
            sid = st.find_story(story_id)
            if sid is None:
                raise ApiError(404, f"no story {story_id!r}")
            last = None if wait else last_stored_check(st, sid)
        if last is not None:
            if last["check"]["stale"]:
                stores.recheck(sid)
            return last
        with stores.checking(sid), store() as st:
            doc = check_stored_story(st, sid)
        doc["check"] = {"stale": False, "pending_articles": [], "left_articles": []}
        return doc

    def article_doc(article_id: str, wait: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
        with store() as st:
            sid = st.stories_of([article_id]).get(article_id)
        if sid is None:
            raise ApiError(404, f"no article {article_id!r}")
        doc = story_doc(sid, wait)
        art = next((a for a in doc["articles"] if a["id"] == article_id), None)
        if art is None:  # joined since the last check: its own verdicts are what this view is for
            doc = story_doc(sid, wait=True)
            art = next((a for a in doc["articles"] if a["id"] == article_id), None)
        if art is None:  # moved to another story meanwhile
            raise ApiError(404, f"article {article_id!r} changed story; load it again")
        return doc, art

    # -- API ----------------------------------------------------------------
    @app.get("/api/stories", tags=["stories"])
    def api_stories(q: str | None = None, since: str | None = None, until: str | None = None,
                    min_size: int | None = None, limit: int = PAGE, offset: int = 0) -> dict[str, Any]:
        """Stored stories, biggest first; `q` searches titles, outlets and text; dates are YYYY-MM-DD."""
        args = page_args(q, since, until, min_size, limit, offset)
        with store() as st:
            total = st.count_stories(**{k: args[k] for k in ("query", "since", "until", "min_size")})
            rows = st.list_stories(**args)
        return {"stories": rows, "total": total, "limit": limit, "offset": offset}

    def alert_args(since: str | None, kind: list[str] | None, story: str | None) -> dict[str, Any]:
        from .._time import since_utc
        from ..watch import KINDS

        kinds = [k for k in (kind or []) if k]
        if bad := [k for k in kinds if k not in KINDS]:
            raise ApiError(422, f"unknown alert kind {bad[0]!r}; kinds: {', '.join(KINDS)}")
        try:
            start = since_utc(since) if since else None
        except ValueError:
            raise ApiError(422, "since must be a span back from now (30m, 12h, 7d) or an ISO date or time") from None
        sid = None
        if story:
            with store() as st:
                sid = st.find_story(story)
            if sid is None:
                raise ApiError(404, f"no story {story!r}")
        return {"since": start, "kinds": kinds, "story": sid}

    @app.get("/api/alerts", tags=["alerts"])
    def api_alerts(since: str | None = None, kind: Annotated[list[str] | None, Query()] = None,
                   story: str | None = None, limit: int = PAGE, offset: int = 0) -> dict[str, Any]:
        """Alerts `storycheck watch` raised, newest first; `since` is a span back from now (30m, 12h, 7d) or
        an ISO date or time; `kind` may repeat."""
        page_args(None, None, None, None, limit, offset)
        args = alert_args(since, kind, story)
        with store() as st:
            return {"alerts": st.list_alerts(**args, limit=limit, offset=offset),
                    "total": st.count_alerts(**args), "limit": limit, "offset": offset}

    @app.get("/api/stories/{story_id}", tags=["stories"])
    def api_story(story_id: str, refresh: bool = False) -> dict[str, Any]:
        """The checked story: every article sentence by sentence plus the `story` section. When articles
        joined since its last check, that check is returned at once with `check.stale` and the story is
        checked again in the background; `refresh=1` waits for the check of its current articles."""
        return story_doc(story_id, wait=refresh)

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def api_article(article_id: str, refresh: bool = False) -> dict[str, Any]:
        """One checked article (its sentences against the rest of its story); `check` and `refresh`
        as for the story."""
        doc, art = article_doc(article_id, wait=refresh)
        return {"story": doc["story"]["id"], "article": art, "check": doc["check"]}

    @app.post("/api/articles", tags=["articles"], status_code=201)
    async def api_add(request: Request) -> dict[str, Any]:
        """Add articles: a JSON object or list of objects (`text` required; `id`, `title`,
        `outlet`, `url`, `published`), or files as multipart `files`."""
        check_token(request)
        arts = await _articles_from(request)
        r, stories = await run_in_threadpool(add_articles, arts)  # off the event loop: pages keep being served
        return {"added": r.added, "already": r.already, "duplicates": r.duplicates, "stories_changed": r.stories,
                "articles": [{"id": a.id, "story": stories.get(a.id)} for a in arts]}

    @app.post("/api/compare", tags=["compare"])
    async def api_compare(request: Request) -> dict[str, Any]:
        """Compare two or more articles (same input as POST /api/articles); nothing is stored."""
        check_token(request)
        return await run_in_threadpool(_compare, await _articles_from(request))  # CPU work off the event loop

    def add_articles(arts: list[Any]) -> tuple[Any, dict[str, str]]:
        from .._pipeline import add

        with stores.writing, store() as st:
            r = add(arts, store=st)
            return r, st.stories_of([a.id for a in arts])

    async def _articles_from(request: Request) -> list[Any]:
        from ..ingest._records import article_from_record, loads

        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            form = await request.form(max_part_size=opts.max_body)
            files = [f for f in form.getlist("files") if hasattr(f, "read")]
            if not files:
                raise ApiError(422, "no files in the form field 'files'")
            return _read_uploads([(f.filename or "upload.txt", await f.read()) for f in files])  # type: ignore[union-attr]
        body = await request.body()
        if len(body) > opts.max_body:
            raise ApiError(413, f"request body over {opts.max_body} bytes")
        try:
            data = loads(body, "")
        except InputError as exc:  # bad bytes, syntax, nesting too deep, a 5000-digit number
            raise ApiError(400, str(exc)) from None
        items = data.get("articles") if isinstance(data, dict) and "articles" in data else data
        items = items if isinstance(items, list) else [items]
        if not items:
            raise ApiError(422, "no articles given")
        return [article_from_record(r, source=f"request[{i}]") for i, r in enumerate(items)]

    def _compare(arts: list[Any]) -> dict[str, Any]:
        from .._pipeline import compare_document

        return compare_document(arts)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    # -- pages --------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, q: str | None = None, since: str | None = None, until: str | None = None,
                     min_size: str | None = None, page: int = 1) -> Response:
        size = int(min_size) if min_size and min_size.isdecimal() and min_size.isascii() else None
        offset = (min(max(page, 1), MAX_OFFSET // PAGE) - 1) * PAGE
        args = page_args(q, since, until, size, PAGE, offset)
        with store() as st:
            total = st.count_stories(**{k: args[k] for k in ("query", "since", "until", "min_size")})
            rows = st.list_stories(**args)
        keep = {k: v for k, v in {"q": q, "since": since, "until": until, "min_size": min_size}.items() if v}
        return templates.TemplateResponse(request, "stories.html", {
            "title": "Stories", "stories": rows, "total": total, "q": q, "since": since, "until": until,
            "min_size": min_size,
            "prev_url": "/?" + urlencode({**keep, "page": page - 1}) if page > 1 else None,
            "next_url": "/?" + urlencode({**keep, "page": page + 1}) if offset + PAGE < total else None})

    @app.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts_page(request: Request, since: str | None = None, kind: str | None = None, page: int = 1) -> Response:
        offset = (min(max(page, 1), MAX_OFFSET // PAGE) - 1) * PAGE
        args = alert_args(since, [kind] if kind else None, None)
        with store() as st:
            rows = st.list_alerts(**args, limit=PAGE, offset=offset)
            total = st.count_alerts(**args)
        from ..watch import KINDS

        keep = {k: v for k, v in {"since": since, "kind": kind}.items() if v}
        return templates.TemplateResponse(request, "alerts.html", {
            "title": "Alerts", "alerts": rows, "total": total, "since": since, "kind": kind, "kinds": KINDS,
            "prev_url": "/alerts?" + urlencode({**keep, "page": page - 1}) if page > 1 else None,
            "next_url": "/alerts?" + urlencode({**keep, "page": page + 1}) if offset + PAGE < total else None})

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str, refresh: bool = False) -> Response:
        from ..report import story_html

        doc = story_doc(story_id, wait=refresh)
        section = "\n".join(story_html(doc["story"], link="/articles/{article}#s-{sentence}",
                                        published={a["id"]: a["published"] for a in doc["articles"]}))
        head = next(
            (a["title"] for a in sorted(doc["articles"], key=lambda a: a["published"] or "~") if a["title"]), None
        )
        return templates.TemplateResponse(request, "story.html", {
            "title": head or doc["story"]["id"], "sid": doc["story"]["id"], "articles": doc["articles"],
            "story_section": section, "check": doc["check"]})

    @app.get("/stories/{story_id}/report.html", include_in_schema=False)
    def story_export(story_id: str) -> Response:
        from ..report import render_html

        doc = story_doc(story_id, wait=True)  # a file to keep: the check of the story's current articles
        return _download(render_html(doc, title=f"storycheck story {doc['story']['id']}"), f"{doc['story']['id']}.html")

    @app.get("/stories/{story_id}/matrix.csv", include_in_schema=False)
    def story_matrix(story_id: str) -> Response:
        from ..report import matrix_csv

        doc = story_doc(story_id, wait=True)
        name = "".join(c for c in doc["story"]["id"] if c.isalnum() or c in "._-") or "story"
        return Response(matrix_csv(doc["story"]), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}-matrix.csv"'})

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, refresh: bool = False) -> Response:
        from ..report._style import clickbait, headline_line, label, sourcing_lines

        doc, art = article_doc(article_id, wait=refresh)
        names = {a["id"]: label(a["id"], a["outlet"], a["title"]) for a in doc["articles"]}
        with store() as st:
            text = st.get_article(article_id).text  # type: ignore[union-attr]
        return templates.TemplateResponse(request, "article.html", {
            "title": art["title"] or art["id"], "article": art, "sid": doc["story"]["id"], "names": names,
            "safe_url": _safe_url(art.get("url")), "paragraphs": _paragraphs(text, art["sentences"]),
            "lines": {s["index"]: sourcing_lines(s, names) for s in art["sentences"]},
            "headline": headline_line(art),
            "clickbait": clickbait(art), "check": doc["check"]})

    @app.get("/articles/{article_id}/report.html", include_in_schema=False)
    def article_export(article_id: str) -> Response:
        from ..report import render_html

        doc, art = article_doc(article_id, wait=True)
        return _download(render_html({"articles": [art]}, title=art["title"] or art["id"]), f"{article_id}.html")

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_form(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "compare.html", {"title": "Compare", "need_token": opts.token is not None}
        )

    @app.post("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_page(request: Request) -> Response:
        from ..ingest import parse_text_article
        from ..report import article_html, story_html
        from ..report._style import label

        form = await request.form(max_part_size=opts.max_body)
        token = form.get("token")
        check_token(request, token if isinstance(token, str) else None)
        texts = [t for t in form.getlist("text") if isinstance(t, str) and t.strip()]
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        try:
            arts = [parse_text_article(t, path=f"text {i + 1}") for i, t in enumerate(texts)]
            arts += _read_uploads([(f.filename or "", await f.read()) for f in uploads])
            doc = await run_in_threadpool(_compare, arts)
        except StorycheckError as exc:
            return templates.TemplateResponse(request, "compare.html", {
                "title": "Compare", "error": str(exc), "texts": texts, "need_token": opts.token is not None},
                status_code=400)
        fmt = form.get("format")
        if fmt == "json":
            return JSONResponse(doc, headers={"Content-Disposition": 'attachment; filename="comparison.json"'})
        if fmt == "html":
            from ..report import render_html

            return _download(render_html(doc, title="storycheck comparison"), "comparison.html")
        names = {a["id"]: label(a["id"], a["outlet"], a["title"]) for a in doc["articles"]}
        body = story_html(doc["story"]) + [x for a in doc["articles"] for x in article_html(a, names)]
        resubmit = texts + [_as_text(a) for a in arts[len(texts):]]
        return templates.TemplateResponse(request, "result.html", {
            "title": "Comparison", "n": len(doc["articles"]), "body": "\n".join(body), "texts": resubmit,
            "token": token if opts.token else None})

    return app


def _as_text(article: Any) -> str:
    """An uploaded article as the plain-text format, so an export can send it again."""
    head = "".join(f"{k} {v}\n" for k, v in (("outlet", article.outlet), ("date", article.published),
                                             ("url", article.url), ("id", article.id)) if v)
    return head + ("\n" if head else "") + (article.title or "") + "\n\n" + article.text


def _read_uploads(files: list[tuple[str, bytes]]) -> list[Any]:
    """Uploaded files go through the same readers as files on disk (formats, limits, errors)."""
    from ..ingest import read_paths

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (name, data) in enumerate(files):
            safe = "".join(c for c in Path(name).name if c.isalnum() or c in "._-")[-80:] or "upload.txt"
            p = Path(tmp) / f"{i:03d}_{safe}"
            p.write_bytes(data)
            paths.append(p)
        arts = read_paths(paths)
    for a in arts:
        a.path = a.path.split("_", 1)[-1] if a.path else None
    return arts


def _safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links: a javascript: or data: URL stays text."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _paragraphs(text: str, sentences: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The article text cut at sentence offsets, in paragraphs: pieces are sentences or the
    text between them (Jinja escapes every piece)."""
    paras: list[list[dict[str, Any]]] = [[]]
    pos = 0

    def plain(chunk: str) -> None:
        parts = chunk.split("\n\n")
        for k, part in enumerate(parts):
            if k:
                paras.append([])
            if part.strip():
                paras[-1].append({"s": None, "text": part})

    for s in sorted(sentences, key=lambda s: s["start"]):
        plain(text[pos : s["start"]])
        paras[-1].append({"s": s, "text": text[s["start"] : s["end"]]})
        pos = s["end"]
    plain(text[pos:])
    return [p for p in paras if p]


def _download(html: str, name: str) -> Response:
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "report.html"
    # the exported report carries its own, stricter CSP (no script at all)
    return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="{safe}"',
                                       "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None) -> None:
    """Run the server; off loopback, writes need $STORYCHECK_TOKEN (refuses to start without it)."""
    import uvicorn

    token = os.environ.get("STORYCHECK_TOKEN") or None
    if host not in LOOPBACK and not token:
        raise InputError(f"serving on {host} exposes writes to the network: set STORYCHECK_TOKEN first")
    uvicorn.run(create_app(WebOptions(db=db, token=token)),
                host=host, port=port, log_level="warning")
