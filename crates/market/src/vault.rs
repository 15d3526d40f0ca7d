//! Where marketplace secrets live: never in the catalog, never in a log.
//!
//! In the system's credential store when the platform has one that works here (the
//! freedesktop Secret Service on a Linux desktop), else in one JSON file that only its
//! owner may read or write (mode 0600 on Unix; a headless machine, a desktop with no
//! keyring running). [`Vault::place`] says which, so the UI can tell the cooperative.
//!
//! The file is changed under a lock that every process shares (the app and the `hanout`
//! CLI may run at once; each change reads, modifies and writes the whole file), through a
//! temporary file of a unique name beside it that is synced, renamed over it, and the
//! folder synced after the rename: a crash never leaves half a token, and a power cut
//! never brings back the file from before (with an Etsy refresh token already spent).
//!
//! A secret kept in the file before a keyring appeared is still read from there, and
//! moves to the keyring the next time it is written.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::CredentialStore;
use serde::Serialize;

use crate::etsy::{TokenVault, Tokens};

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the secrets file {path} cannot be used: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the secrets file {path} is damaged: {source}")]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the system keyring refused: {0}")]
    System(#[from] keyring_core::Error),
}

/// Where the secrets are kept, for the UI to say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    /// The system's credential store, by its maker's name.
    SystemKeyring { name: String },
    /// A file only this user can read.
    PrivateFile { path: PathBuf },
}

/// The secrets of every marketplace account, by name (`etsy:<account>:tokens`, ...).
pub struct Vault {
    system: Option<Arc<CredentialStore>>,
    path: PathBuf,
}

/// The service name secrets are filed under in the system's store.
const SERVICE: &str = "ma.hanout.app";

impl Vault {
    /// The system's credential store if it works here, else the private file at `path`.
    pub fn open(path: &Path) -> Vault {
        Vault {
            system: system_store(),
            ..Vault::file(path)
        }
    }

    /// The vault of the catalog at `db`: its private file, if one is needed, sits beside it.
    pub fn beside(db: &Path) -> Vault {
        let dir = db.parent().unwrap_or(Path::new("."));
        Vault::open(&dir.join("hanout-secrets.json"))
    }

    /// The private file at `path` alone, made on first write.
    pub fn file(path: &Path) -> Vault {
        Vault {
            system: None,
            path: path.to_owned(),
        }
    }

    pub fn place(&self) -> Place {
        match &self.system {
            Some(store) => Place::SystemKeyring {
                name: store.vendor(),
            },
            None => Place::PrivateFile {
                path: self.path.clone(),
            },
        }
    }

    fn io(&self, source: std::io::Error) -> VaultError {
        VaultError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn read(&self) -> Result<BTreeMap<String, String>, VaultError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| VaultError::Damaged {
                path: self.path.clone(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(self.io(e)),
        }
    }

    fn folder(&self) -> &Path {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        }
    }

    /// The file's lock, held until the returned file is dropped: the lock file beside
    /// it (`<name>.lock`, never replaced, so every process locks the same file), locked
    /// exclusively. Threads are kept apart too: each change opens the file anew.
    fn locked(&self) -> Result<File, VaultError> {
        std::fs::create_dir_all(self.folder()).map_err(|e| self.io(e))?;
        let mut name = self.path.file_name().unwrap_or_default().to_owned();
        name.push(".lock");
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(self.folder().join(name))
            .map_err(|e| self.io(e))?;
        file.lock().map_err(|e| self.io(e))?;
        Ok(file)
    }

    /// Replaces the file with `secrets`, the lock held: a temporary file of a unique name
    /// in the same folder (private from its creation), synced, renamed over the file, and
    /// the folder synced so the rename itself survives a power cut.
    fn write(&self, secrets: &BTreeMap<String, String>) -> Result<(), VaultError> {
        let json = serde_json::to_vec(secrets).map_err(|source| VaultError::Damaged {
            path: self.path.clone(),
            source,
        })?;
        // Removed by its drop if anything below fails.
        let mut temp = tempfile::Builder::new()
            .prefix(".hanout-secrets-")
            .suffix(".tmp")
            .tempfile_in(self.folder())
            .map_err(|e| self.io(e))?;
        temp.write_all(&json).map_err(|e| self.io(e))?;
        temp.as_file().sync_all().map_err(|e| self.io(e))?;
        temp.persist(&self.path).map_err(|e| self.io(e.error))?;
        sync_folder(self.folder()).map_err(|e| self.io(e))
    }

    /// Reads, changes and writes the file back under its lock.
    fn change(
        &self,
        edit: impl FnOnce(&mut BTreeMap<String, String>) -> bool,
    ) -> Result<(), VaultError> {
        let _held = self.locked()?;
        let mut secrets = self.read()?;
        if edit(&mut secrets) {
            self.write(&secrets)?;
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Result<Option<String>, VaultError> {
        if let Some(store) = &self.system {
            match store.build(SERVICE, name, None)?.get_password() {
                Ok(secret) => return Ok(Some(secret)),
                // Perhaps kept in the file before the keyring was there.
                Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(e.into()),
            }
        }
        // The file is only ever replaced whole: a read needs no lock.
        Ok(self.read()?.remove(name))
    }

    pub fn set(&self, name: &str, secret: &str) -> Result<(), VaultError> {
        if let Some(store) = &self.system {
            store.build(SERVICE, name, None)?.set_password(secret)?;
            return self.remove_from_file(name);
        }
        self.change(|secrets| {
            secrets.insert(name.to_owned(), secret.to_owned());
            true
        })
    }

    pub fn remove(&self, name: &str) -> Result<(), VaultError> {
        if let Some(store) = &self.system {
            match store.build(SERVICE, name, None)?.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.remove_from_file(name)
    }

    fn remove_from_file(&self, name: &str) -> Result<(), VaultError> {
        self.change(|secrets| secrets.remove(name).is_some())
    }
}

/// Makes a rename in `dir` durable.
#[cfg(unix)]
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// A folder cannot be opened to sync it elsewhere (Windows): the rename is left to the
/// file system's journal.
#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The desktop's Secret Service, if one answers and takes a secret now: a locked or
/// missing keyring is found here, not at the first token.
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn system_store() -> Option<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new().ok()?;
    let probe = store.build(SERVICE, "probe", None).ok()?;
    probe.set_password("probe").ok()?;
    probe.delete_credential().ok()?;
    Some(store)
}

/// Other platforms' stores (Android's, Apple's, Windows') are still to come: the file.
#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn system_store() -> Option<Arc<CredentialStore>> {
    None
}

/// Keeps one Etsy account's rotated tokens in the vault under `name`.
pub struct EtsyTokens {
    pub vault: std::sync::Arc<Vault>,
    pub name: String,
}

impl TokenVault for EtsyTokens {
    fn store(&self, tokens: &Tokens) -> Result<(), String> {
        let json = serde_json::to_string(tokens).map_err(|e| e.to_string())?;
        self.vault.set(&self.name, &json).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_survive_reopening_and_the_file_is_private() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("secrets.json");
        let vault = Vault::file(&path);
        assert_eq!(vault.get("woo:coop:secret").expect("readable"), None);
        vault.set("woo:coop:secret", "cs_123").expect("written");
        vault.set("etsy:coop:tokens", "{}").expect("written");
        vault.remove("etsy:coop:tokens").expect("removed");
        let again = Vault::file(&path);
        assert_eq!(
            again.get("woo:coop:secret").expect("readable").as_deref(),
            Some("cs_123")
        );
        assert_eq!(again.get("etsy:coop:tokens").expect("readable"), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("a file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_file_is_refused_clearly_and_left_alone() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("secrets.json");
        std::fs::write(&path, b"{not json").expect("written");
        let vault = Vault::file(&path);
        let error = vault.set("a", "b").expect_err("refused").to_string();
        assert!(error.contains("damaged"), "{error}");
        assert_eq!(std::fs::read(&path).expect("still there"), b"{not json");
    }

    #[test]
    fn two_writers_at_once_lose_no_secret_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("secrets.json");
        // Two vaults on one file, as the app and the CLI have: nothing in memory is shared.
        let writers: Vec<_> = ["app", "cli"]
            .into_iter()
            .map(|who| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let vault = Vault::file(&path);
                    for n in 0..40 {
                        vault
                            .set(&format!("{who}:{n}"), &format!("secret {n}"))
                            .expect("written");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().expect("the writer finished");
        }
        let vault = Vault::file(&path);
        for who in ["app", "cli"] {
            for n in 0..40 {
                assert_eq!(
                    vault.get(&format!("{who}:{n}")).expect("readable"),
                    Some(format!("secret {n}")),
                    "{who}:{n} kept"
                );
            }
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("the folder")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        assert_eq!(names, ["secrets.json", "secrets.json.lock"]);
    }
}
