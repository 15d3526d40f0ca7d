//! Where marketplace secrets live: never in the catalog, never in a log.
//!
//! This is the fallback store for platforms without a credential store the app can use
//! (a Linux desktop with no Secret Service running, a CI machine): one JSON file that
//! only its owner may read or write (mode 0600 on Unix), replaced atomically on every
//! change so that a crash never leaves half a token. [`Vault::place`] says where secrets
//! are, so the UI can tell the cooperative.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

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
}

/// Where the secrets are kept, for the UI to say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    /// A file only this user can read.
    PrivateFile { path: PathBuf },
}

/// The secrets of every marketplace account, by name (`etsy:<account>:tokens`, ...).
pub struct Vault {
    path: PathBuf,
    lock: Mutex<()>,
}

impl Vault {
    /// The vault in `path`, made on first write.
    pub fn file(path: &Path) -> Vault {
        Vault {
            path: path.to_owned(),
            lock: Mutex::new(()),
        }
    }

    pub fn place(&self) -> Place {
        Place::PrivateFile {
            path: self.path.clone(),
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
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(self.read()?.remove(name))
    }

    pub fn set(&self, name: &str, secret: &str) -> Result<(), VaultError> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut secrets = self.read()?;
        secrets.insert(name.to_owned(), secret.to_owned());
        self.write(&secrets)
    }

    pub fn remove(&self, name: &str) -> Result<(), VaultError> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut secrets = self.read()?;
        if secrets.remove(name).is_some() {
            self.write(&secrets)?;
        }
        Ok(())
    }
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
