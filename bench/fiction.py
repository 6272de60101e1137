"""A corpus of invented local news for the load and kill benchmarks: no real text, no download.

Each story is one event of a kind (a fire, a closed bridge, …) in an invented town,
with invented people and figures; its articles tell it from different outlets,
each with its own choice and order of sentences. A share of articles is
republished: a verbatim copy under another outlet (linked as a duplicate) or the
same text with one line added (a near-duplicate).
"""

from __future__ import annotations

import random
from typing import Any

_SYLLABLES = ["ka", "lo", "mer", "vin", "tas", "ro", "bel", "dun", "sar", "ith", "po", "gren", "wal", "fen",
              "mor", "cal", "ast", "ul", "dre", "nik", "hal", "bri", "tor", "vel", "quen", "os", "zar", "mil"]
_OUTLETS = ["Coastline Wire", "Valley Courier", "Harbour Post", "Ridge Gazette", "Lantern Daily", "Meadow Times",
            "Northgate Herald", "Pinewood Ledger", "Summit Observer", "Tidewater News"]
# one event per kind: {town}, {person}, {org}, {n}, {m} are the story's own
_KINDS: dict[str, list[str]] = {
    "fire": [
        "A fire destroyed the {org} warehouse in {town} on {day}.",
        "Firefighters from {town} fought the blaze for {n} hours before it was under control.",
        "Fire chief {person} said {m} crews were sent to the site.",
        "No one was injured, according to {person}.",
        "The cause of the fire at the {org} warehouse is still under investigation.",
        "Residents of {town} were told to keep their windows closed because of the smoke.",
        "The {org} warehouse stored paper and furniture, {person} said.",
    ],
    "bridge": [
        "The {org} bridge in {town} was closed on {day} after engineers found cracks.",
        "Engineer {person} said the bridge carries about {n} hundred cars a day.",
        "Repairs to the {org} bridge will take at least {m} weeks.",
        "Drivers in {town} face a detour of several kilometres.",
        "{person} said the cracks were found during a routine inspection.",
        "The town council of {town} will meet to discuss the cost of the repairs.",
        "Buses will use the old road while the {org} bridge is closed.",
    ],
    "strike": [
        "Workers at the {org} plant in {town} went on strike on {day}.",
        "Union leader {person} said {n} hundred workers joined the strike.",
        "The workers at {org} demand a pay rise of {m} percent.",
        "Management of {org} said talks would resume next week.",
        "{person} called the offer from {org} an insult to the workers of {town}.",
        "Production at the {org} plant has stopped, the company confirmed.",
        "Shops near the plant in {town} said they expect fewer customers.",
    ],
    "flood": [
        "Heavy rain flooded the centre of {town} on {day}.",
        "Mayor {person} said {n} houses were damaged by the water.",
        "The river near {org} rose by {m} metres in one night.",
        "Volunteers in {town} filled sandbags through the night.",
        "{person} asked the region for emergency funds.",
        "The {org} school will stay closed until the water goes down.",
        "Forecasters expect more rain over {town} this week.",
    ],
    "theft": [
        "Paintings were stolen from the {org} museum in {town} on {day}.",
        "Curator {person} said {n} works were taken from the east gallery.",
        "Police believe the thieves entered the {org} museum through a window.",
        "The stolen works are worth about {m} million, according to {person}.",
        "The {org} museum in {town} will remain closed during the investigation.",
        "Police asked anyone who saw a van near the museum to come forward.",
        "It is the first theft at the {org} museum in its history.",
    ],
    "vote": [
        "The council of {town} voted on {day} to build a new {org} library.",
        "Councillor {person} said the library will cost {n} million.",
        "The vote passed with {m} members in favour.",
        "Opponents in {town} said the money should go to roads instead.",
        "{person} said construction of the {org} library could start next spring.",
        "The old library in {town} will become a community centre.",
        "The {org} library will have a children's wing and a reading garden.",
    ],
}
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _name(rnd: random.Random) -> str:
    return "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()


def _story(rnd: random.Random, k: int) -> dict[str, Any]:
    kind = sorted(_KINDS)[k % len(_KINDS)]
    return {"kind": kind, "town": _name(rnd) + "ville", "person": f"{_name(rnd)} {_name(rnd)}", "org": _name(rnd),
            "day": rnd.choice(_DAYS), "n": rnd.randint(3, 40), "m": rnd.randint(2, 19),
            "date": f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"}


def _article(rnd: random.Random, story: dict[str, Any], sid: int, j: int) -> dict[str, Any]:
    lines = [t.format(**story) for t in _KINDS[story["kind"]]]
    body = [lines[0]] + rnd.sample(lines[1:], rnd.randint(4, len(lines) - 1))
    outlet = _OUTLETS[(sid + j) % len(_OUTLETS)]
    return {"id": f"s{sid:04d}-a{j}", "title": f"{story['town']}: {lines[0].split(' in ')[0]}",
            "outlet": outlet, "published": f"{story['date']}T{8 + j:02d}:00:00Z", "text": " ".join(body)}


def corpus(stories: int, per_story: int = 3, copy_share: float = 0.1, seed: int = 0) -> list[dict[str, Any]]:
    """JSONL-ready records: ``stories`` × ``per_story`` articles plus about ``copy_share`` republished copies."""
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    for sid in range(stories):
        story = _story(rnd, sid)
        arts = [_article(rnd, story, sid, j) for j in range(per_story)]
        out += arts
        if rnd.random() < copy_share * per_story:
            src = rnd.choice(arts)
            extra = "" if rnd.random() < 0.5 else f" This report was first published by {src['outlet']}."
            out.append({**src, "id": src["id"] + "-copy", "outlet": "Wire Digest", "text": src["text"] + extra})
    return out
