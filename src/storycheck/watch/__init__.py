"""Watching feeds and pages: poll, add what is new, check its story, raise alerts.

``Watcher`` runs the cycles; ``story_alerts`` turns a checked story into the alerts
its newest articles raise (kinds in ``KINDS``)."""

from ._alerts import KINDS, AlertOptions, story_alerts
from ._watch import CycleResult, Watcher, WatchOptions

__all__ = ["KINDS", "AlertOptions", "CycleResult", "WatchOptions", "Watcher", "story_alerts"]
