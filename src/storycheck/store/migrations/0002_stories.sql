-- Grouping features per article: counts, so that weights follow the archive's current
-- document frequencies; the lead vector lives in embeddings under lead_hash.
CREATE TABLE article_features (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    terms TEXT NOT NULL,
    names TEXT NOT NULL,
    lead_hash TEXT NOT NULL,
    day TEXT,
    minhash BLOB NOT NULL
);

-- Document frequency of every content term and name ('@' prefix) over stored articles.
CREATE TABLE term_df (
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;

-- Each article's most distinctive terms: where candidates for its story come from.
CREATE TABLE block_postings (
    term TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (term, article_id)
) WITHOUT ROWID;

-- MinHash bands (LSH): near-duplicate candidates without comparing all pairs.
CREATE TABLE minhash_bands (
    band_key TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;

-- Near-duplicates: linked to the stored article they repeat, not stored twice; the
-- sentences the copy adds are kept with it.
CREATE TABLE duplicates (
    id TEXT PRIMARY KEY,
    original_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    resemblance REAL NOT NULL,
    title TEXT,
    outlet TEXT,
    url TEXT,
    published TEXT,
    path TEXT,
    added_sentences TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX duplicates_original ON duplicates (original_id);

-- A story keeps the id it was created with while articles join it.
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE story_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE
);
CREATE INDEX story_articles_story ON story_articles (story_id);

-- The checked story as JSON, valid while its members and the storycheck version are unchanged.
CREATE TABLE story_reports (
    story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    members_hash TEXT NOT NULL,
    version TEXT NOT NULL,
    report TEXT NOT NULL,
    created_at TEXT NOT NULL
);
