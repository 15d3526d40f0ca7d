-- Orders change after the sale: a line is counted while its order holds the piece (paid,
-- or on hold for a payment on its way), and gives back what it took when the order is
-- cancelled or refunded. An oversell (more sold than there was) is kept until the
-- artisan has dealt with it, or a cancel frees a piece for it.

-- sold: the piece is the buyer's; unpaid: ordered, never paid; cancelled: or refunded.
ALTER TABLE sale ADD COLUMN state TEXT NOT NULL DEFAULT 'sold'
    CHECK (state IN ('sold', 'unpaid', 'cancelled'));
-- Pieces this line took from the stock: at most its quantity, fewer when it oversold.
ALTER TABLE sale ADD COLUMN taken INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0);
ALTER TABLE sale ADD COLUMN order_id TEXT;   -- the order (Etsy receipt) on the website
ALTER TABLE sale ADD COLUMN buyer TEXT;      -- who to contact after an oversell
-- Every line pulled before this migration was counted whole.
UPDATE sale SET taken = quantity;

-- A line that sold pieces the stock no longer had.
CREATE TABLE oversell (
    marketplace_id TEXT NOT NULL,
    sale_id        TEXT NOT NULL,
    product_id     TEXT NOT NULL REFERENCES product (id),
    missing        INTEGER NOT NULL CHECK (missing >= 0), -- pieces sold that were not there
    at             INTEGER NOT NULL,                      -- ms: when it was found
    settled_at     INTEGER,                               -- ms: dealt with, or covered
    PRIMARY KEY (marketplace_id, sale_id),
    FOREIGN KEY (marketplace_id, sale_id) REFERENCES sale (marketplace_id, sale_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX oversell_open ON oversell (product_id) WHERE settled_at IS NULL;

-- Every listing a lane ever confirmed, by the marketplace's id for it: a sale pulled
-- after the listing was taken off (or its lane lost it) still finds its product.
CREATE TABLE remote_listing (
    marketplace_id TEXT NOT NULL REFERENCES marketplace (id),
    remote_id      TEXT NOT NULL,
    product_id     TEXT NOT NULL REFERENCES product (id),
    PRIMARY KEY (marketplace_id, remote_id)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO remote_listing (marketplace_id, remote_id, product_id)
    SELECT marketplace_id, json_extract(confirmed, '$.remote_id'), product_id FROM listing
    WHERE confirmed IS NOT NULL;
