//! The trainer's demo: everything Hanout does, for real, with no internet and no account.
//!
//! A demo lives in a folder of its own ([`DemoFiles`]): its catalog, photos and secrets,
//! never the artisan's. [`DemoMarket`] runs the sandbox marketplace on loopback with a
//! [`Link`] in front of it that the trainer switches between offline, slow 2G and online.
//! [`prepare`] makes the starting state (the sample cooperative, its products live on
//! both sandbox shops) and is also "reset"; [`sell`] has a buyer buy a product. The app
//! and `hanout demo` both drive a demo through these.

mod connect;
mod drawings;
mod link;
mod samples;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hanout_domain::{DataSaver, ProductId};
use hanout_engine::{Engine, EngineError, os_random};
use hanout_market::accounts::{ConnectError, SignInError, connect_every};
use hanout_market::vault::{Vault, VaultError};
use hanout_store::{Catalog, StoreError, SystemClock};
use hanout_sync::MarketplaceId;

pub use crate::connect::{ETSY, WOO, connect_sandbox};
pub use crate::drawings::Drawing;
pub use crate::link::{Connectivity, Link, Pace};
pub use crate::samples::{ARTISANS, COOPERATIVE, SAMPLES, Sample};

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Photo(#[from] hanout_media::PhotoError),
    #[error(transparent)]
    SignIn(#[from] SignInError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Sandbox(#[from] hanout_sandbox::SandboxError),
    #[error("the demo's files: {0}")]
    Files(#[from] std::io::Error),
    #[error("the sandbox: {0}")]
    Http(#[from] reqwest::Error),
    #[error("no sandbox answers at {url}: is the demo started (`hanout demo start`)? {source}")]
    NoSandbox { url: String, source: reqwest::Error },
    #[error("the sandbox did not approve the sign-in")]
    NotApproved,
    #[error("this product is not live on {0} yet: let it sync first")]
    NotListed(MarketplaceId),
    /// The sandbox said no, and why (a sale of a piece that is sold out, say).
    #[error("the sandbox refused: {0}")]
    Refused(String),
}

/// A demo's folder: its catalog, photos and secrets, apart from the artisan's own.
#[derive(Clone, Debug)]
pub struct DemoFiles {
    dir: PathBuf,
}

impl DemoFiles {
    pub fn new(dir: impl Into<PathBuf>) -> DemoFiles {
        DemoFiles { dir: dir.into() }
    }

    /// Beside the artisan's catalog at `db`, in a folder of its own.
    pub fn beside(db: &Path) -> DemoFiles {
        DemoFiles::new(db.parent().unwrap_or(Path::new(".")).join("demo"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The demo's catalog file.
    pub fn catalog(&self) -> PathBuf {
        self.dir.join(hanout_store::DB_FILE)
    }

    /// The demo's secrets are the sandbox's public ones: a plain file in the folder,
    /// so the system keyring (and the artisan's accounts in it) is never touched.
    pub fn vault(&self) -> Vault {
        Vault::file(&self.dir.join("secrets.json"))
    }

    /// Removes the folder and everything in it.
    pub fn remove(&self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            done => done,
        }
    }
}

/// The demo's marketplace, running in this process until dropped: the sandbox on
/// loopback, and the link the app reaches it through.
pub struct DemoMarket {
    sandbox: hanout_sandbox::Running,
    link: Link,
}

impl DemoMarket {
    /// Starts the sandbox (in memory) on loopback `port`, 0 for any free one.
    pub async fn start(port: u16) -> Result<DemoMarket, DemoError> {
        let config = hanout_sandbox::Config {
            // Etsy's 10 a second would make every reset wait; the demo shows the
            // network, not Etsy's limits.
            limits: hanout_sandbox::Limits {
                per_second: 200,
                ..hanout_sandbox::Limits::default()
            },
            ..hanout_sandbox::Config::default()
        };
        let sandbox = hanout_sandbox::start(config, ([127, 0, 0, 1], port).into()).await?;
        let link = Link::start(sandbox.addr()).await?;
        Ok(DemoMarket { sandbox, link })
    }

    /// The buyer's page: straight to the sandbox, since buyers are not on the artisan's
    /// network.
    pub fn shop_url(&self) -> String {
        self.sandbox.url()
    }

    /// The trainer's network switch, which the app's marketplaces go through.
    pub fn link(&self) -> &Link {
        &self.link
    }
}

/// Makes the demo's starting state in `files`, and is also its reset: both sandbox shops
/// emptied, a fresh catalog with the sample cooperative and products, signed in to the
/// sandbox at `market_url` (through the link, for the app), and every product sent live
/// to both shops. `shop_url` reaches the sandbox directly.
pub async fn prepare(files: &DemoFiles, shop_url: &str, market_url: &str) -> Result<(), DemoError> {
    sandbox_call(shop_url, "/sandbox/reset", None).await?;
    // Drawing and processing twelve pictures takes seconds of CPU: not on an async worker.
    let fresh = files.clone();
    let (mut catalog, seeded) = tokio::task::spawn_blocking(move || {
        fresh.remove()?;
        std::fs::create_dir_all(fresh.dir())?;
        let mut catalog = Catalog::open(&fresh.catalog())?;
        let seeded = samples::seed(&mut catalog)?;
        // 2G is part of the story: the demo's queue drains on any network.
        catalog.set_data_saver(DataSaver::AnyNetwork)?;
        Ok::<_, DemoError>((catalog, seeded))
    })
    .await
    .map_err(|e| DemoError::Files(std::io::Error::other(e)))??;
    let vault = Arc::new(files.vault());
    connect_sandbox(&mut catalog, &vault, seeded.cooperative, market_url).await?;
    for product in &seeded.products {
        for marketplace in [ETSY, WOO] {
            catalog.set_listing(*product, &MarketplaceId::new(marketplace), true, true)?;
        }
    }
    send_all(catalog, &vault).await
}

/// Sends everything the demo's catalog has to send now, and pulls sales.
pub async fn send_all(catalog: Catalog, vault: &Arc<Vault>) -> Result<(), DemoError> {
    let catalog = Mutex::new(catalog);
    let accounts = lock(&catalog).marketplaces()?;
    let markets = connect_every(
        accounts.iter().map(|a| (&a.id, a.settings.as_str())),
        vault,
        Arc::new(SystemClock),
    )?;
    let mut engine = Engine::new(
        &catalog,
        "the demo",
        markets,
        Box::new(SystemClock),
        os_random(),
    )?;
    engine.send_all(&catalog, Duration::from_secs(10)).await?;
    Ok(())
}

/// The product whose title in any language starts with `start` (case aside), else the
/// product with that id or id prefix: what a trainer types.
pub fn find_product(catalog: &Catalog, start: &str) -> Result<ProductId, DemoError> {
    let wanted = start.trim().to_lowercase();
    let filter = hanout_domain::ProductFilter {
        limit: 1000,
        ..hanout_domain::ProductFilter::default()
    };
    let titled = catalog.products(&filter)?.into_iter().find(|e| {
        e.product
            .fields
            .titles
            .values()
            .any(|t| t.to_lowercase().starts_with(&wanted))
    });
    Ok(match titled {
        Some(entry) => entry.product.id,
        None => catalog.find_product(start)?,
    })
}

/// A buyer buys one of `product` on `marketplace` (the demo's [`ETSY`] or [`WOO`]),
/// through the sandbox at `shop_url`. The catalog learns of it at its next sync.
pub async fn sell(
    catalog: &Catalog,
    shop_url: &str,
    product: ProductId,
    marketplace: &MarketplaceId,
) -> Result<(), DemoError> {
    let listing = listing_id(catalog, product, marketplace)?;
    sell_listing(shop_url, marketplace.as_str(), listing).await
}

/// The sandbox's id for `product`'s live listing on `marketplace`.
pub fn listing_id(
    catalog: &Catalog,
    product: ProductId,
    marketplace: &MarketplaceId,
) -> Result<i64, DemoError> {
    catalog
        .sync_lanes()?
        .into_iter()
        .find(|l| l.key.product == product && &l.key.marketplace == marketplace)
        .and_then(|l| l.lane.confirmed)
        .filter(|c| c.published)
        .and_then(|c| c.remote_id.as_str().parse::<i64>().ok())
        .ok_or_else(|| DemoError::NotListed(marketplace.clone()))
}

/// A buyer buys one of the listing `listing` of the demo's `marketplace` ([`ETSY`] or
/// [`WOO`]) through the sandbox at `shop_url`.
pub async fn sell_listing(
    shop_url: &str,
    marketplace: &str,
    listing: i64,
) -> Result<(), DemoError> {
    let market = if marketplace == ETSY {
        "etsy"
    } else {
        "woocommerce"
    };
    let body = serde_json::json!({"market": market, "listing_id": listing, "quantity": 1});
    sandbox_call(shop_url, "/sandbox/sale", Some(body)).await
}

/// A POST to one of the sandbox's own routes; a refusal comes back with its reason.
async fn sandbox_call(
    url: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<(), DemoError> {
    let request = reqwest::Client::new().post(format!("{}{path}", url.trim_end_matches('/')));
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let answer = request
        .send()
        .await
        .map_err(|source| DemoError::NoSandbox {
            url: url.to_owned(),
            source,
        })?;
    if answer.status().is_success() {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Refusal {
        error: String,
    }
    let why = answer
        .json::<Refusal>()
        .await
        .map_or_else(|e| e.to_string(), |r| r.error);
    Err(DemoError::Refused(why))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
