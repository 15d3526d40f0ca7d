-- The catalog: cooperatives, their artisans, the products they make, and the change log
-- the sync engine consumes. Append-only: never edit a migration that has shipped.

CREATE TABLE cooperative (
    id         TEXT PRIMARY KEY NOT NULL,  -- UUIDv7 made on the device
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL            -- ms since the Unix epoch
) STRICT;

CREATE TABLE artisan (
    id             TEXT PRIMARY KEY NOT NULL,
    cooperative_id TEXT NOT NULL REFERENCES cooperative (id),
    name           TEXT NOT NULL,
    nia            TEXT,                   -- national artisan number, when registered
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX artisan_by_cooperative ON artisan (cooperative_id);

CREATE TABLE product (
    id             TEXT PRIMARY KEY NOT NULL,
    maker_id       TEXT NOT NULL REFERENCES artisan (id),
    category       TEXT NOT NULL,
    status         TEXT NOT NULL
                   CHECK (status IN ('draft', 'ready', 'listed', 'sold_out', 'archived')),
    price_centimes INTEGER NOT NULL CHECK (price_centimes > 0),
    quantity       INTEGER NOT NULL CHECK (quantity >= 0),
    titles         TEXT NOT NULL,          -- JSON object: language code -> text
    descriptions   TEXT NOT NULL,          -- JSON object: language code -> text
    materials      TEXT NOT NULL,          -- JSON array of text
    length_mm      INTEGER,
    width_mm       INTEGER,
    height_mm      INTEGER,
    length_unit    TEXT,                   -- the unit the artisan typed: mm, cm or m
    weight_g       INTEGER,
    weight_unit    TEXT,                   -- g or kg
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX product_by_update ON product (updated_at DESC, id DESC);
CREATE INDEX product_by_status ON product (status, updated_at DESC);
CREATE INDEX product_by_maker ON product (maker_id, updated_at DESC);
CREATE INDEX product_by_category ON product (category, updated_at DESC);

-- Folded text (see hanout_domain::search::fold) of each product's titles, descriptions,
-- materials and maker name; rowid = product.rowid.
CREATE VIRTUAL TABLE product_search USING fts5 (body, tokenize = 'unicode61 remove_diacritics 0');

-- One row per change to a product, committed in the same transaction as the change.
CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id TEXT NOT NULL REFERENCES product (id),
    kind       TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'archived')),
    fields     TEXT NOT NULL,              -- JSON array of the changed fields' names
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX change_log_by_product ON change_log (product_id, seq);
