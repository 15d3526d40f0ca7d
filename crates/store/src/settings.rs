//! Settings of this device's catalog. A setting not stored has its default.

use hanout_domain::{DataSaver, Lang};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Catalog, StoreError};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Keep each photo's original file beside its renditions. Off by default: the phone's
    /// gallery has the original, and storage on a cheap phone is short.
    pub keep_originals: bool,
    /// When sync may use the network.
    pub data_saver: DataSaver,
    /// The language of the device, before anyone says who is working (each artisan's
    /// own is kept with them).
    pub lang: Option<Lang>,
}

const KEEP_ORIGINALS: &str = "keep_originals";
const DATA_SAVER: &str = "data_saver";
const LANG: &str = "lang";

impl Catalog {
    pub fn settings(&self) -> Result<Settings, StoreError> {
        Ok(Settings {
            keep_originals: self.setting(KEEP_ORIGINALS)?.as_deref() == Some("true"),
            data_saver: self
                .setting(DATA_SAVER)?
                .and_then(|s| s.parse().ok())
                .unwrap_or_default(),
            lang: self.setting(LANG)?.and_then(|s| s.parse().ok()),
        })
    }

    pub fn set_keep_originals(&mut self, on: bool) -> Result<Settings, StoreError> {
        self.set_setting(KEEP_ORIGINALS, &on.to_string())
    }

    pub fn set_data_saver(&mut self, saver: DataSaver) -> Result<Settings, StoreError> {
        self.set_setting(DATA_SAVER, saver.slug())
    }

    pub fn set_lang(&mut self, lang: Lang) -> Result<Settings, StoreError> {
        self.set_setting(LANG, lang.code())
    }

    fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE name = ?", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set_setting(&mut self, name: &str, value: &str) -> Result<Settings, StoreError> {
        self.conn.execute(
            "INSERT INTO setting (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )?;
        self.settings()
    }
}
