"""Keep the public API and the docs honest."""

import inspect
import re
from pathlib import Path

import storycheck
from storycheck import Options

ROOT = Path(__file__).resolve().parents[1]


def test_all_is_exactly_the_public_names():
    public = {n for n in dir(storycheck) if not n.startswith("_")} - {
        "analyze", "cli", "distribute", "embed", "group", "index", "ingest", "lang", "report", "segment", "store", "story", "verify", "watch",
        "web"}
    assert set(storycheck.__all__) == public | {"__version__"}
    for name in storycheck.__all__:
        assert getattr(storycheck, name) is not None


def test_public_objects_come_from_private_modules_or_stage_packages():
    for name in storycheck.__all__:
        obj = getattr(storycheck, name)
        if not (isinstance(obj, type) or inspect.isfunction(obj)):
            continue  # type aliases and the version string
        mod = getattr(obj, "__module__", "storycheck._version") or ""
        assert mod.startswith("storycheck."), (name, mod)


def test_every_option_is_documented():
    doc = (ROOT / "docs" / "settings.md").read_text()
    for name, default in Options.documented().items():
        assert re.search(rf"`{name}`.*`{re.escape(default)}`", doc), f"{name} (default {default}) missing in docs/settings.md"


def test_exception_tree_is_drawn_in_its_docstring():
    from storycheck import _exceptions

    for name in _exceptions.__all__:
        assert name in _exceptions.__doc__


def test_every_cluster_and_web_setting_is_documented():
    from dataclasses import MISSING, fields

    from storycheck.group import ClusterOptions
    from storycheck.ingest import FetchOptions, ReadOptions
    from storycheck.watch import AlertOptions, WatchOptions
    from storycheck.web import WebOptions

    doc = (ROOT / "docs" / "settings.md").read_text()
    for cls in (ClusterOptions, ReadOptions, WebOptions, FetchOptions, WatchOptions, AlertOptions):
        for f in fields(cls):
            default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
            shown = f"{type(default).__name__}()" if f.default is MISSING else repr(default)
            assert re.search(rf"`{f.name}`.*`{re.escape(shown)}`", doc), f"{f.name} missing in docs/settings.md"
