//! Etsy's token refresh when the vault fails: the rotated tokens (the old refresh token
//! is spent) are used from memory and stored at a later call, never thrown away.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hanout_market::accounts::{EtsyKey, Settings, secret};
use hanout_market::etsy::{Credentials, Etsy, TokenVault, Tokens};
use hanout_market::vault::Vault;
use hanout_sync::Marketplace;

use super::{ETSY, Log, etsy_account, start_sandbox};

/// A vault that refuses the first `failures` tokens (a full disk, a locked keyring),
/// then keeps every pair it is given.
struct Flaky {
    failures: AtomicUsize,
    stored: Mutex<Vec<Tokens>>,
}

impl TokenVault for Flaky {
    fn store(&self, tokens: &Tokens) -> Result<(), String> {
        if self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err("no space left on the device".into());
        }
        self.stored
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tokens.clone());
        Ok(())
    }
}

impl Flaky {
    fn stored(&self) -> Vec<Tokens> {
        self.stored
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[tokio::test]
async fn rotated_tokens_the_vault_refused_are_used_and_stored_at_the_next_call() {
    let (log, _logging) = Log::capture();

    let (sandbox, clock) = start_sandbox().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let signed_in = Vault::file(&dir.path().join("secrets.json"));
    let Settings::Etsy(shop) = etsy_account(&sandbox.url(), &signed_in, &clock).await else {
        panic!("an Etsy account");
    };
    let key: EtsyKey = secret(&signed_in, ETSY, "key").expect("the key");
    let first: Tokens = secret(&signed_in, ETSY, "tokens").expect("the tokens");
    let vault = Arc::new(Flaky {
        failures: AtomicUsize::new(1),
        stored: Mutex::new(Vec::new()),
    });
    let etsy = Etsy::new(
        shop,
        Credentials {
            keystring: key.keystring,
            shared_secret: key.shared_secret,
            tokens: first.clone(),
        },
        vault.clone(),
        Arc::new(clock.clone()),
    )
    .expect("an HTTPS client");

    // The access token expires; the refresh spends the first refresh token, and the vault
    // refuses the new pair. The request goes on with it.
    clock.advance(Duration::from_secs(2 * 3600));
    etsy.probe().await.expect("the new pair is used");
    assert!(vault.stored().is_empty(), "the vault refused it");

    // The next call stores it, though nothing has expired.
    etsy.probe().await.expect("still signed in");
    let stored = vault.stored();
    assert_eq!(stored.len(), 1, "stored once, at the next call");
    let rotated = stored[0].clone();
    assert_ne!(rotated.refresh, first.refresh, "the rotated pair");

    // And it was the live pair: the next refresh, from memory, is accepted.
    etsy.probe().await.expect("still signed in");
    assert_eq!(vault.stored().len(), 1, "stored once only");
    clock.advance(Duration::from_secs(2 * 3600));
    etsy.probe()
        .await
        .expect("refreshed with the rotated token");
    let stored = vault.stored();
    assert_eq!(stored.len(), 2, "the next rotation is stored at once");
    assert_ne!(stored[1].refresh, rotated.refresh);

    let logged =
        String::from_utf8_lossy(&log.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
    assert!(
        logged.contains("could not be stored") && logged.contains("no space left"),
        "the failure is logged: {logged}"
    );
    for token in [&rotated.access, &rotated.refresh, &first.refresh] {
        assert!(!logged.contains(token.as_str()), "a token in the log");
    }
}
