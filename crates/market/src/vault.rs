//! Where marketplace secrets live: never in the catalog, never in a log.
//!
//! In the system's credential store when the platform has one that works here (the
//! freedesktop Secret Service on a Linux desktop), else in one JSON file that only its
//! owner may read or write (mode 0600 on Unix), replaced atomically on every change so that
//! a crash never leaves half a token (a headless machine, a desktop with no keyring
//! running). [`Vault::place`] says which, so the UI can tell the cooperative.
//!
//! A secret kept in the file before a keyring appeared is still read from there, and
//! moves to the keyring the next time it is written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

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
    lock: Mutex<()>,
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
            lock: Mutex::new(()),
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

    fn write(&self, secrets: &BTreeMap<String, String>) -> Result<(), VaultError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.io(e))?;
        let temp = self.path.with_extension("tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp).map_err(|e| self.io(e))?;
        let json = serde_json::to_vec(secrets).map_err(|source| VaultError::Damaged {
            path: self.path.clone(),
            source,
        })?;
        file.write_all(&json).map_err(|e| self.io(e))?;
        file.sync_all().map_err(|e| self.io(e))?;
        std::fs::rename(&temp, &self.path).map_err(|e| self.io(e))
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
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(self.read()?.remove(name))
    }

    pub fn set(&self, name: &str, secret: &str) -> Result<(), VaultError> {
        if let Some(store) = &self.system {
            store.build(SERVICE, name, None)?.set_password(secret)?;
            return self.remove_from_file(name);
        }
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut secrets = self.read()?;
        secrets.insert(name.to_owned(), secret.to_owned());
        self.write(&secrets)
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
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut secrets = self.read()?;
        if secrets.remove(name).is_some() {
            self.write(&secrets)?;
        }
        Ok(())
    }
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
}
