-- Product photos. A photo is stored once, by the SHA-256 of its upload rendition, however
-- many products use it; its files live in the photos folder beside the database.

CREATE TABLE photo (
    hash         TEXT PRIMARY KEY NOT NULL,  -- hex SHA-256 of the upload JPEG
    width        INTEGER NOT NULL,           -- upload rendition
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    thumb_width  INTEGER NOT NULL,
    thumb_height INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE product_photo (
    product_id TEXT NOT NULL REFERENCES product (id),
    photo_hash TEXT NOT NULL REFERENCES photo (hash),
    position   INTEGER NOT NULL,              -- 0 is the cover
    alt        TEXT NOT NULL DEFAULT '',      -- what the photo shows, for screen readers and buyers
    PRIMARY KEY (product_id, photo_hash)
) STRICT;
CREATE INDEX product_photo_by_photo ON product_photo (photo_hash);
