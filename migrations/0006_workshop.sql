-- Workshop mode: what each artisan may do, the language the app speaks to them, and the
-- portrait the "who is working?" picker shows. Append-only: never edit a shipped migration.
ALTER TABLE artisan ADD COLUMN role TEXT NOT NULL DEFAULT 'artisan'
    CHECK (role IN ('leader', 'artisan', 'viewer'));
ALTER TABLE artisan ADD COLUMN lang TEXT CHECK (lang IN ('ar', 'fr', 'en', 'tzm'));
ALTER TABLE artisan ADD COLUMN photo_hash TEXT REFERENCES photo (hash);

-- Before roles everyone could do everything: the first artisan of each cooperative (ids are
-- UUIDv7, so the smallest is the first made) leads it.
UPDATE artisan SET role = 'leader'
WHERE id IN (SELECT min(id) FROM artisan GROUP BY cooperative_id);

-- A removed marketplace account keeps its rows: its sales stay in the record, and adding
-- the account again finds the listings it already has instead of listing them twice.
ALTER TABLE marketplace ADD COLUMN removed_at INTEGER;
