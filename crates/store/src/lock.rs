//! One sender per catalog. Two engines syncing one catalog (the app and `hanout sync`, or
//! two windows) would each take the other's requests under way for a crash, look them up
//! or send them again, and could both send the same create: two live listings of one rug.
//! So any process that syncs holds an advisory lock on a file beside the catalog, and says
//! in it who it is, for the one that is refused.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;

use crate::{Catalog, StoreError};

/// The right to send this catalog's changes, until dropped (or the process ends: the
/// operating system releases the lock of a process that dies).
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

impl Catalog {
    fn sync_lock_path(&self) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(".sync-lock");
        PathBuf::from(name)
    }

    /// Takes the right to sync this catalog for `holder` (as a person would name it: "the
    /// Hanout app"), or says who has it.
    pub fn lock_sync(&self, holder: &str) -> Result<SyncLock, StoreError> {
        let path = self.sync_lock_path();
        let io = |e| StoreError::Io(path.clone(), e);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0).map_err(io)?;
                file.rewind().map_err(io)?;
                write!(file, "{holder} (process {})", std::process::id()).map_err(io)?;
                Ok(SyncLock { _file: file })
            }
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                // Unreadable or empty (the holder is writing it): still someone.
                let _ = file.read_to_string(&mut holder);
                if holder.trim().is_empty() {
                    holder = "another Hanout".into();
                }
                Err(StoreError::SyncBusy { holder })
            }
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}
