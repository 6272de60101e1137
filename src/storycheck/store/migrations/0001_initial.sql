-- Articles as ingested; text is what sentence offsets point into.
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    url TEXT,
    published TEXT,
    path TEXT,
    text TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX articles_content_hash ON articles (content_hash);

CREATE TABLE sentences (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);

-- Vectors keyed by text hash and model, so the same sentence is embedded once.
CREATE TABLE embeddings (
    text_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (text_hash, model)
);
