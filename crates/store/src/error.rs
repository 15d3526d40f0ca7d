use std::path::PathBuf;

use hanout_domain::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    #[error("{count} {what}s start with {prefix:?}: type more of the id")]
    Ambiguous {
        what: &'static str,
        prefix: String,
        count: usize,
    },
    #[error(
        "this catalog was saved by a newer version of Hanout (schema {found}, this one knows \
         up to {supported}); update Hanout to open it. The file was not changed."
    )]
    NewerDatabase { found: i64, supported: i64 },
    #[error("cannot update the catalog to schema {version} ({name}): {reason}")]
    Migration {
        version: u32,
        name: &'static str,
        reason: String,
    },
    #[error("a cooperative needs a leader: give another artisan the leader's role first")]
    LastLeader,
    #[error(
        "not every change has reached {marketplace} yet ({changes} waiting): send or discard \
         them before removing the account"
    )]
    Unsent { marketplace: String, changes: usize },
    #[error(
        "{holder} is sending this catalog's changes: only one at a time may, so this one does not"
    )]
    SyncBusy { holder: String },
    #[error("the device is full: free some space, then try again. Nothing saved was lost.")]
    DiskFull,
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("the catalog file is damaged or not a Hanout catalog: {0}")]
    Damaged(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        match e.sqlite_error_code() {
            Some(DiskFull) => StoreError::DiskFull,
            Some(NotADatabase | DatabaseCorrupt) => StoreError::Damaged(e.to_string()),
            _ => StoreError::Sqlite(e),
        }
    }
}
