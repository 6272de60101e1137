"""When an article was published, as an interval: a date alone covers its whole
day, a time without a zone could be any zone. Orders are only claimed when the
intervals do not overlap, so "who was first" is never a guess.

Two values of the same kind are assumed to share a zone (two plain dates are
ordered by day, two zone-less times by clock), since they usually come from one
feed or one archive; only mixed kinds fall back to the intervals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_ANY_ZONE = timedelta(hours=14)  # UTC-12 … UTC+14


def interval(published: str | None) -> tuple[datetime, datetime] | None:
    if not published:
        return None
    text = published.strip().replace("Z", "+00:00")
    try:
        if len(text) <= 10:
            day = datetime.fromisoformat(text[:10]).replace(tzinfo=timezone.utc)
            return day - _ANY_ZONE, day + timedelta(days=1) + _ANY_ZONE
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
        return t - _ANY_ZONE, t + _ANY_ZONE
    return t, t


def _kind(published: str) -> str:
    text = published.strip()
    if len(text) <= 10:
        return "day"
    return "zoned" if text.endswith("Z") or "+" in text[10:] or "-" in text[10:] else "naive"


def surely_before(a: str | None, b: str | None) -> bool:
    """Whether ``a`` was certainly published before ``b``."""
    ia, ib = interval(a), interval(b)
    if not (a and b and ia and ib):
        return False
    if _kind(a) == _kind(b) != "zoned":
        return ia[0] < ib[0]  # same kind, same (unknown) zone
    return ia[1] < ib[0]


def sort_key(published: str | None) -> tuple[int, datetime]:
    """Dated first by earliest possible time, undated last."""
    iv = interval(published)
    return (0, iv[0]) if iv else (1, datetime.max.replace(tzinfo=timezone.utc))


def first_of(published: dict[str, str | None]) -> str | None:
    """The key published surely before every other, or None when nobody can tell."""
    for k, p in published.items():
        if all(surely_before(p, q) for j, q in published.items() if j != k):
            return k
    return None


def day_of(published: str | None) -> str | None:
    """The calendar day as written (YYYY-MM-DD), None when undated or unreadable."""
    return published.strip()[:10] if published and interval(published) else None


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: A century in seconds: longer spans are typos, and would overflow dates and timers.
MAX_SPAN = 100 * 365.25 * 86400


def span_seconds(text: str) -> float:
    """A span as people write it: "90s", "5m", "1.5h", "7d" or plain seconds; ValueError otherwise."""
    t = text.strip().lower()
    unit = _UNITS.get(t[-1:], 0)
    number = t[:-1] if unit else t
    value = float(number) * (unit or 1)  # ValueError for anything that is not a number
    if not 0 < value <= MAX_SPAN:
        raise ValueError(f"not a span between 0 and 100 years: {text!r}")
    return value


def since_utc(text: str, now: datetime | None = None) -> str:
    """The moment ``text`` names, as ISO UTC with milliseconds: a span back from now ("30m",
    "12h", "7d") or an ISO date or date-time (one without a zone is UTC); ValueError otherwise."""
    t = text.strip()
    moment: datetime
    try:
        moment = (now or datetime.now(timezone.utc)) - timedelta(seconds=span_seconds(t))
    except ValueError:
        moment = datetime.fromisoformat(t.replace("Z", "+00:00"))  # ValueError for anything else
        try:
            moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
        except OverflowError:  # a moment before year 1 once moved to UTC
            raise ValueError(f"not a time: {text!r}") from None
    return moment.isoformat(timespec="milliseconds")
