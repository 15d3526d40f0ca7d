//! From a marketplace account in the catalog (its kind and settings) and its secrets in
//! the vault, the adapter that speaks to it. The app and the CLI both connect here.

use std::collections::BTreeMap;
use std::sync::Arc;

use hanout_domain::Clock;
use hanout_sync::{MarketplaceId, Reply};
use serde::{Deserialize, Serialize};

use crate::Market;
use crate::etsy::{Credentials, Etsy, EtsyShop, Tokens};
use crate::vault::{EtsyTokens, Vault, VaultError};
use crate::woo::{Woo, WooCredentials, WooShop};

/// How an account is reached, as the catalog keeps it (JSON, no secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Settings {
    Etsy(EtsyShop),
    Woocommerce(WooShop),
}

impl Settings {
    pub fn kind(&self) -> &'static str {
        match self {
            Settings::Etsy(_) => "etsy",
            Settings::Woocommerce(_) => "woocommerce",
        }
    }
}

/// The app's Etsy key: `x-api-key` is `keystring:shared_secret`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtsyKey {
    pub keystring: String,
    pub shared_secret: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("the settings of {account} cannot be read: {source}")]
    Settings {
        account: String,
        source: serde_json::Error,
    },
    #[error("{account} has no {what} in the vault: add the account again")]
    Missing { account: String, what: &'static str },
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Client(#[from] crate::ClientError),
}

/// The vault's names for an account's secrets.
pub fn secret_name(account: &str, what: &str) -> String {
    format!("{account}:{what}")
}

/// One of an account's secrets, as it was stored.
pub fn secret<T: for<'de> Deserialize<'de>>(
    vault: &Vault,
    account: &str,
    what: &'static str,
) -> Result<T, ConnectError> {
    let missing = || ConnectError::Missing {
        account: account.to_owned(),
        what,
    };
    let json = vault
        .get(&secret_name(account, what))?
        .ok_or_else(missing)?;
    serde_json::from_str(&json).map_err(|_| missing())
}

/// Keeps an account's secrets in the vault.
pub fn store_etsy_secrets(
    vault: &Vault,
    account: &str,
    key: &EtsyKey,
    tokens: &Tokens,
) -> Result<(), VaultError> {
    vault.set(&secret_name(account, "key"), &to_json(key))?;
    vault.set(&secret_name(account, "tokens"), &to_json(tokens))
}

pub fn store_woo_secrets(
    vault: &Vault,
    account: &str,
    credentials: &WooCredentials,
) -> Result<(), VaultError> {
    vault.set(&secret_name(account, "keys"), &to_json(credentials))
}

/// Forgets every secret of an account (signing out).
pub fn forget_secrets(vault: &Vault, account: &str) -> Result<(), VaultError> {
    for what in ["key", "tokens", "keys"] {
        vault.remove(&secret_name(account, what))?;
    }
    Ok(())
}

/// The adapters for `accounts` (id and settings). An account that cannot be connected is
/// left out, and why is returned beside the others: one broken account does not stop the
/// rest from syncing.
pub fn connect_all<'a>(
    accounts: impl IntoIterator<Item = (&'a MarketplaceId, &'a str)>,
    vault: &Arc<Vault>,
    clock: Arc<dyn Clock>,
) -> (BTreeMap<MarketplaceId, Market>, Vec<ConnectError>) {
    let mut markets = BTreeMap::new();
    let mut errors = Vec::new();
    for (id, settings) in accounts {
        match connect(id.as_str(), settings, vault, clock.clone()) {
            Ok(market) => {
                markets.insert(id.clone(), market);
            }
            Err(e) => errors.push(e),
        }
    }
    (markets, errors)
}

/// The adapters for `accounts`, or the first that cannot be connected: for a one-off
/// sync that should say so rather than leave an account out.
pub fn connect_every<'a>(
    accounts: impl IntoIterator<Item = (&'a MarketplaceId, &'a str)>,
    vault: &Arc<Vault>,
    clock: Arc<dyn Clock>,
) -> Result<BTreeMap<MarketplaceId, Market>, ConnectError> {
    let (markets, errors) = connect_all(accounts, vault, clock);
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(markets),
    }
}

fn to_json(value: &impl Serialize) -> String {
    // Plain structs of strings and numbers: serialising them cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// The adapter for `account`, from its settings and its secrets.
pub fn connect(
    account: &str,
    settings: &str,
    vault: &Arc<Vault>,
    clock: Arc<dyn Clock>,
) -> Result<Market, ConnectError> {
    let settings: Settings =
        serde_json::from_str(settings).map_err(|source| ConnectError::Settings {
            account: account.to_owned(),
            source,
        })?;
    Ok(match settings {
        Settings::Etsy(shop) => Market::Etsy(etsy(shop, vault, account, clock)?),
        Settings::Woocommerce(shop) => {
            Market::Woo(Woo::new(shop, secret(vault, account, "keys")?)?)
        }
    })
}

/// The Etsy adapter for `account`, whose key and tokens are in the vault. A rotated
/// refresh token goes back there before the new access token is used.
fn etsy(
    shop: EtsyShop,
    vault: &Arc<Vault>,
    account: &str,
    clock: Arc<dyn Clock>,
) -> Result<Etsy, ConnectError> {
    let key: EtsyKey = secret(vault, account, "key")?;
    let tokens: Tokens = secret(vault, account, "tokens")?;
    let rotated = Arc::new(EtsyTokens {
        vault: vault.clone(),
        name: secret_name(account, "tokens"),
    });
    Ok(Etsy::new(
        shop,
        Credentials {
            keystring: key.keystring,
            shared_secret: key.shared_secret,
            tokens,
        },
        rotated,
        clock,
    )?)
}

/// Why an account could not be added.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Address(#[from] crate::etsy::sign_in::AddressError),
    #[error("no secure randomness for the sign-in: {0}")]
    Random(#[from] getrandom::Error),
    #[error("{doing}: {reply:?}")]
    Refused { doing: &'static str, reply: Reply },
}

/// Reads an Etsy shop's categories (`getSellerTaxonomyNodes`) and its shipping profile,
/// signed in as `account`, whose key and tokens are already in the vault.
pub async fn read_etsy_shop(
    mut shop: EtsyShop,
    vault: &Arc<Vault>,
    account: &str,
    clock: Arc<dyn Clock>,
) -> Result<EtsyShop, SignInError> {
    let etsy = etsy(shop.clone(), vault, account, clock)?;
    let refused = |doing| move |reply| SignInError::Refused { doing, reply };
    shop.taxonomy = etsy
        .taxonomy()
        .await
        .map_err(refused("reading Etsy's categories"))?;
    shop.shipping_profile_id = etsy
        .shipping_profile()
        .await
        .map_err(refused("reading the shop's shipping profiles"))?;
    Ok(shop)
}
