-- What `storycheck watch` found: one row per alert, keyed by a hash of what it says,
-- so checking a story again never repeats an alert.
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    story_id TEXT,
    article_id TEXT NOT NULL,
    sentence INTEGER,
    created_at TEXT NOT NULL,
    alert TEXT NOT NULL
);
CREATE INDEX alerts_created ON alerts (created_at);

-- Each watched feed or page: its validators for conditional requests and how its last polls went.
CREATE TABLE watch_sources (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    checked_at TEXT,
    ok_at TEXT,
    failures INTEGER NOT NULL,
    error TEXT
);

-- Feed items by link: done (added, found empty, or given up on) are never fetched again;
-- one whose page failed is tried again, and its tries are counted.
CREATE TABLE watch_items (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    article_id TEXT,
    seen_at TEXT NOT NULL,
    tries INTEGER NOT NULL,
    done INTEGER NOT NULL
);
