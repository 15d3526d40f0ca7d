-- The sync engine's state: the cooperative's marketplace accounts, which product goes on
-- which of them with what the marketplace last confirmed, the requests under way, and the
-- sales pulled back. Append-only: never edit a migration that has shipped.

CREATE TABLE marketplace (
    id             TEXT PRIMARY KEY NOT NULL,  -- e.g. etsy:<shop id>, woocommerce:<host>
    cooperative_id TEXT NOT NULL REFERENCES cooperative (id),
    kind           TEXT NOT NULL,              -- etsy, woocommerce, sandbox
    name           TEXT NOT NULL,              -- as the artisans know it
    paused_until   INTEGER,                    -- ms: a Retry-After not yet past
    needs_sign_in  INTEGER NOT NULL DEFAULT 0,
    pull_cursor    TEXT,                       -- where the next sales pull starts
    last_sync_at   INTEGER,                    -- the last request that succeeded
    created_at     INTEGER NOT NULL
) STRICT;

-- One product on one marketplace: a lane.
CREATE TABLE listing (
    product_id     TEXT NOT NULL REFERENCES product (id),
    marketplace_id TEXT NOT NULL REFERENCES marketplace (id),
    wanted         INTEGER NOT NULL,           -- 0: take it off that marketplace
    published      INTEGER NOT NULL,           -- buyers should see it (when it can go live)
    confirmed      TEXT,                       -- JSON hanout_sync::Confirmed; NULL: not there
    failure        TEXT,                       -- why it waits for a person
    failed_for     TEXT,                       -- JSON of the wish that failed: a new wish retries
    failures       INTEGER NOT NULL DEFAULT 0, -- in a row, for the backoff
    next_attempt   INTEGER NOT NULL DEFAULT 0, -- ms: not before
    PRIMARY KEY (product_id, marketplace_id)
) STRICT, WITHOUT ROWID;

-- Requests recorded before they are sent, until their outcome is recorded.
CREATE TABLE sync_operation (
    id             TEXT PRIMARY KEY NOT NULL,  -- UUIDv7
    product_id     TEXT NOT NULL,
    marketplace_id TEXT NOT NULL,
    operation      TEXT NOT NULL,              -- JSON hanout_sync::Operation
    state          TEXT NOT NULL CHECK (state IN ('sending', 'unknown')),
    created_at     INTEGER NOT NULL,
    FOREIGN KEY (product_id, marketplace_id) REFERENCES listing (product_id, marketplace_id)
) STRICT;
CREATE INDEX sync_operation_by_lane ON sync_operation (product_id, marketplace_id);

-- Sales pulled from the marketplaces, each applied once.
CREATE TABLE sale (
    marketplace_id TEXT NOT NULL REFERENCES marketplace (id),
    sale_id        TEXT NOT NULL,              -- the marketplace's id for the order line
    product_id     TEXT NOT NULL REFERENCES product (id),
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    at             INTEGER NOT NULL,
    PRIMARY KEY (marketplace_id, sale_id)
) STRICT, WITHOUT ROWID;
