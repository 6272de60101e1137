-- Each article's language (ISO 639-1), detected once when it is added, never again at load.
-- Articles stored before this column existed are detected while the store is migrated
-- (Store._after_migration, for the migration named '*_language.sql').
ALTER TABLE articles ADD COLUMN language TEXT;
