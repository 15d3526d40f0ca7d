-- Settings of this device's catalog, one row per setting that differs from its default.
CREATE TABLE setting (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
