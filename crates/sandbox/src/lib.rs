//! A local marketplace server for Hanout: the parts of the **Etsy Open API v3** and the
//! **WooCommerce REST v3** (with WordPress `wp/v2/media`) that Hanout's adapters use,
//! served over HTTP with its own SQLite file, so trainers can demo with no internet and
//! no account, and the sync engine can be tested against something that behaves like the
//! real services, traps included:
//!
//! - Etsy: OAuth 2.0 with PKCE and refresh tokens that rotate on every use, expiring
//!   access tokens, `x-api-key` as `keystring:shared_secret`, per-second and per-day
//!   limits with `retry-after`, no idempotency (a create always makes a new draft, an
//!   upload without `overwrite` always adds a photo), the SKU only through the inventory,
//!   inventory ids remade on every update, no inventory with nothing to sell, a listing
//!   that sells out stops being active, receipts whose status and `updated_timestamp`
//!   change after the sale, listings paged in Etsy's own order unless searched.
//! - WooCommerce: unique SKUs (`product_invalid_sku` with the existing `resource_id`),
//!   prices as strings, batches that answer each item on its own, media uploads that need
//!   a WordPress application password rather than the WooCommerce keys, orders whose
//!   status moves the stock as WooCommerce's hooks do.
//! - The seller at work on the websites behind the app's back (`/sandbox/website-…`).
//! - Faults ([`Faults`]): latency, connections reset before handling, answers lost after
//!   the change committed, 5xx before commit, 429s; and realism off by default (lists
//!   that lag, pages that drift, ranks ignored, chunked bodies lost); seeded, so a seed
//!   replays.
//!
//! The crate's README lists every modelled behaviour with its source.
//!
//! It depends on no other Hanout crate: it plays an outside service.
//!
//! Start it with [`start`] (tests, on `127.0.0.1:0`) or [`serve`] (`hanout sandbox`, through
//! [`cli`]). The buyer's view is at `/`, the test helpers under `/sandbox/`.

#![recursion_limit = "256"]

mod auth;
pub mod cli;
mod control;
mod etsy;
pub mod faults;
mod form;
mod media;
mod multipart;
mod page;
mod sales;
mod server;
mod store;
mod time;
mod website;
mod woo;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::faults::{Decision, Fault, FaultBoard, FaultSpecError, Faults};

/// Where the time comes from: token expiry, rate limits and every timestamp read it.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The machine's clock.
pub fn system_clock() -> Clock {
    Arc::new(SystemTime::now)
}

/// A clock that moves only when told, for tests: tokens expire and rate-limit windows
/// pass without sleeping.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// 2026-11-24T00:00:00Z: late enough for every Etsy timestamp minimum.
    pub const START_MILLIS: i64 = 1_795_478_400_000;

    pub fn new() -> ManualClock {
        ManualClock(Arc::new(AtomicI64::new(Self::START_MILLIS)))
    }

    pub fn advance(&self, by: Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.0.fetch_add(millis, Ordering::SeqCst);
    }

    pub fn now(&self) -> SystemTime {
        let millis = self.0.load(Ordering::SeqCst);
        UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or(0))
    }

    /// This clock as the sandbox takes it.
    pub fn clock(&self) -> Clock {
        let me = self.clone();
        Arc::new(move || me.now())
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

/// The documented sandbox credentials: public on purpose, they open nothing but a local
/// sandbox.
pub mod credentials {
    /// Etsy app keystring (also the OAuth `client_id`).
    pub const ETSY_KEYSTRING: &str = "hanoutsandbox1keystring";
    /// Etsy shared secret; `x-api-key` is `ETSY_KEYSTRING:ETSY_SHARED_SECRET`.
    pub const ETSY_SHARED_SECRET: &str = "sandboxsecret";
    /// The seller's Etsy user id (access tokens start with it).
    pub const ETSY_USER_ID: i64 = 71_000_001;
    /// The seller's only Etsy shop.
    pub const ETSY_SHOP_ID: i64 = 41_000_001;
    pub const ETSY_SHOP_NAME: &str = "HanoutSandboxAtelier";
    /// WooCommerce REST API keys (HTTP Basic).
    pub const WOO_CONSUMER_KEY: &str = "ck_hanout_sandbox_0000000000000000000000";
    pub const WOO_CONSUMER_SECRET: &str = "cs_hanout_sandbox_0000000000000000000000";
    /// The WordPress user and their application password, for `wp/v2/media`. The spaces
    /// are optional, as in WordPress.
    pub const WP_USER: &str = "artisan";
    pub const WP_APPLICATION_PASSWORD: &str = "HaNo ut5a ndbo xPa5 sw0r d123";
}

/// The Etsy seller the sandbox plays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtsyCredentials {
    pub keystring: String,
    pub shared_secret: String,
    pub user_id: i64,
    pub shop_id: i64,
    pub shop_name: String,
}

/// The WooCommerce site the sandbox plays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WooCredentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub wp_user: String,
    pub wp_application_password: String,
}

/// Etsy's limits and lifetimes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Requests a second (rolling), per app.
    pub per_second: u32,
    /// Requests in a rolling 24 hours, per app.
    pub per_day: u32,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_second: 10,
            per_day: 10_000,
            access_token_ttl: Duration::from_secs(3600),
            refresh_token_ttl: Duration::from_secs(90 * 24 * 3600),
        }
    }
}

#[derive(Clone)]
pub struct Config {
    /// The SQLite file; `None` keeps everything in memory (tests).
    pub db: Option<PathBuf>,
    pub faults: Faults,
    pub clock: Clock,
    /// Seeds every token, code and request id, so a run can be replayed.
    pub seed: u64,
    pub etsy: EtsyCredentials,
    pub woo: WooCredentials,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        use credentials::*;
        Config {
            db: None,
            faults: Faults::default(),
            clock: system_clock(),
            seed: 0,
            etsy: EtsyCredentials {
                keystring: ETSY_KEYSTRING.into(),
                shared_secret: ETSY_SHARED_SECRET.into(),
                user_id: ETSY_USER_ID,
                shop_id: ETSY_SHOP_ID,
                shop_name: ETSY_SHOP_NAME.into(),
            },
            woo: WooCredentials {
                consumer_key: WOO_CONSUMER_KEY.into(),
                consumer_secret: WOO_CONSUMER_SECRET.into(),
                wp_user: WP_USER.into(),
                wp_application_password: WP_APPLICATION_PASSWORD.into(),
            },
            limits: Limits::default(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("db", &self.db)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .field("etsy", &self.etsy)
            .field("woo", &self.woo)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("sandbox database: {0}")]
    Db(#[from] rusqlite::Error),
}

/// A sandbox that is listening. It stops when dropped or on [`Running::shutdown`].
pub struct Running {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    /// The address it listens on (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, closes every connection and waits for the server to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server ends (it ends only on shutdown).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Opens the database, binds `addr` and serves in the background.
pub async fn start(config: Config, addr: SocketAddr) -> Result<Running, SandboxError> {
    let store = store::Store::open(config.db.as_deref())?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let app = App::new(config, store, addr);
    let router = app.router();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(server::run(listener, router, stopped));
    Ok(Running {
        addr,
        stop,
        task: Some(task),
    })
}

/// Serves until the process ends: what the `hanout-sandbox` command runs.
pub async fn serve(config: Config, addr: SocketAddr) -> Result<(), SandboxError> {
    let running = start(config, addr).await?;
    running.wait().await;
    Ok(())
}

/// Everything a handler reaches.
#[derive(Clone)]
pub(crate) struct App(Arc<Inner>);

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) addr: SocketAddr,
    store: Mutex<store::Store>,
    faults: Mutex<FaultBoard>,
    rates: Mutex<auth::RateLimiter>,
    rng: Mutex<ChaCha8Rng>,
}

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl App {
    fn new(config: Config, store: store::Store, addr: SocketAddr) -> App {
        let faults = FaultBoard::new(config.faults.clone());
        let rates = auth::RateLimiter::new(config.limits.per_second, config.limits.per_day);
        let rng = ChaCha8Rng::seed_from_u64(config.seed);
        App(Arc::new(Inner {
            config,
            addr,
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            rates: Mutex::new(rates),
            rng: Mutex::new(rng),
        }))
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, store::Store> {
        lock(&self.store)
    }

    pub(crate) fn fault_board(&self) -> MutexGuard<'_, FaultBoard> {
        lock(&self.faults)
    }

    pub(crate) fn rates(&self) -> MutexGuard<'_, auth::RateLimiter> {
        lock(&self.rates)
    }

    pub(crate) fn now(&self) -> SystemTime {
        (self.config.clock)()
    }

    /// Seconds since the epoch, by the injected clock.
    pub(crate) fn now_secs(&self) -> i64 {
        time::unix_secs(self.now())
    }

    pub(crate) fn now_millis(&self) -> i64 {
        time::unix_millis(self.now())
    }

    /// `n` random bytes from the seeded generator.
    pub(crate) fn random_bytes(&self, n: usize) -> Vec<u8> {
        let mut bytes = vec![0; n];
        lock(&self.rng).fill_bytes(&mut bytes);
        bytes
    }

    /// A token of URL-safe characters from the seeded generator.
    pub(crate) fn random_token(&self, bytes: usize) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.random_bytes(bytes))
    }

    /// A version-4-shaped UUID from the seeded generator.
    pub(crate) fn random_uuid(&self) -> String {
        let mut b = self.random_bytes(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// The address clients reach the sandbox by, for the URLs it hands out: the request's
    /// `Host` when it is a plain host name, else the bound address.
    pub(crate) fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            });
        match host {
            Some(host) => format!("http://{host}"),
            None => format!("http://{}", self.addr),
        }
    }

    fn router(&self) -> axum::Router {
        use axum::extract::DefaultBodyLimit;
        use axum::middleware::from_fn_with_state;

        let etsy_api = etsy::routes()
            .layer(from_fn_with_state(self.clone(), faults::layer))
            .layer(from_fn_with_state(self.clone(), auth::etsy_gate));
        let woo_api = woo::routes()
            .merge(media::api_routes())
            .layer(from_fn_with_state(
                self.clone(),
                faults::drop_chunked_bodies,
            ))
            .layer(from_fn_with_state(self.clone(), faults::layer));
        axum::Router::new()
            .merge(etsy_api)
            .merge(woo_api)
            .merge(auth::oauth_routes())
            .merge(media::file_routes())
            .merge(page::routes())
            .merge(control::routes())
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(self.clone())
    }
}

/// The largest request body accepted (a photo upload).
const MAX_BODY: usize = 25 * 1024 * 1024;
