//! Settings of this device's catalog. A setting not stored has its default.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Catalog, StoreError};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Keep each photo's original file beside its renditions. Off by default: the phone's
    /// gallery has the original, and storage on a cheap phone is short.
    pub keep_originals: bool,
}

const KEEP_ORIGINALS: &str = "keep_originals";

impl Catalog {
    pub fn settings(&self) -> Result<Settings, StoreError> {
        let keep: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM setting WHERE name = ?",
                [KEEP_ORIGINALS],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Settings {
            keep_originals: keep.as_deref() == Some("true"),
        })
    }

    pub fn set_keep_originals(&mut self, on: bool) -> Result<Settings, StoreError> {
        self.conn.execute(
            "INSERT INTO setting (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![KEEP_ORIGINALS, on.to_string()],
        )?;
        self.settings()
    }
}
