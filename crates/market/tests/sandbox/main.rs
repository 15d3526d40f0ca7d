//! The sync engine with the real Etsy and WooCommerce adapters, over real HTTP on
//! loopback, against the sandbox marketplace with its faults on: responses dropped after
//! the shop committed, 5xx and 429 answers. Then the shops are read back: every product
//! is listed once on each, with its photos once each and in order, live, at its price.
//!
//! `HANOUT_SANDBOX_LISTINGS=200 cargo test --release -p hanout-market --test sandbox`
//! runs the long version (the suite runs 12).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use hanout_domain::{Clock, Lang, ProductForm, ProductId};
use hanout_engine::{Engine, status};
use hanout_market::Market;
use hanout_market::accounts::{EtsyKey, Settings, connect, store_etsy_secrets, store_woo_secrets};
use hanout_market::etsy::{
    Credentials, Etsy, EtsyShop, TokenVault, Tokens, WhoMade, etsy_sku, sign_in,
};
use hanout_market::vault::Vault;
use hanout_market::woo::{WooCredentials, WooShop};
use hanout_media::Rendition;
use hanout_sandbox::{Config, Faults, Running, credentials};
use hanout_sim::clock::VirtualClock;
use hanout_sim::{sample_photo, workshop};
use hanout_store::Catalog;
use hanout_sync::MarketplaceId;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

const REDIRECT: &str = "http://localhost:7777/etsy/callback";
const ETSY: &str = "etsy:sandbox";
const WOO: &str = "woocommerce:sandbox";

/// A small JPEG of one colour: real bytes the sandbox accepts, distinct per `n`.
fn jpeg(n: usize) -> Vec<u8> {
    let side = 64u16;
    let (r, g, b) = ((n * 37) as u8, (n * 91 / 7) as u8, (n / 256) as u8);
    let pixels: Vec<u8> = (0..usize::from(side) * usize::from(side))
        .flat_map(|_| [r, g, b])
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, side, side, jpeg_encoder::ColorType::Rgb)
        .expect("a JPEG");
    out
}

struct NoVault;

impl TokenVault for NoVault {
    fn store(&self, _: &Tokens) -> Result<(), String> {
        Ok(())
    }
}

/// A sandbox on loopback whose time is `clock`'s: one virtual time for the engine and
/// the shops, so Etsy's limit of 10 requests a second holds in the seconds the engine's
/// budget counts.
async fn start_sandbox() -> (Running, VirtualClock) {
    let clock = VirtualClock::new();
    let shop_time = clock.clone();
    let config = Config {
        clock: Arc::new(move || {
            UNIX_EPOCH + Duration::from_millis(shop_time.now().millis().unsigned_abs())
        }),
        ..Config::default()
    };
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    let sandbox = hanout_sandbox::start(config, addr)
        .await
        .expect("the sandbox starts");
    (sandbox, clock)
}

struct World {
    sandbox: Running,
    catalog: Mutex<Catalog>,
    clock: VirtualClock,
    vault: Arc<Vault>,
    products: Vec<ProductId>,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new(faults: &str, listings: usize) -> World {
        let (sandbox, clock) = start_sandbox().await;
        let url = sandbox.url();
        World::with(sandbox, clock, faults, listings, &url).await
    }

    /// A catalog of `listings` products with 3 photos each, for sale on both shops of
    /// `sandbox`, whose Etsy side is reached at `etsy` (the sandbox itself, or a proxy).
    async fn with(
        sandbox: Running,
        clock: VirtualClock,
        faults: &str,
        listings: usize,
        etsy: &str,
    ) -> World {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let vault = Arc::new(Vault::file(&dir.path().join("secrets.json")));
        let mut catalog =
            Catalog::open_with(&dir.path().join("hanout.db"), Box::new(clock.clone()), None)
                .expect("a catalog");
        let (coop, makers) = workshop(&mut catalog, "Tifawin", &["Itto"]).expect("a workshop");
        let url = sandbox.url();
        let etsy = etsy_account(etsy, &vault, &clock).await;
        let woo = Settings::Woocommerce(WooShop {
            site: url.clone(),
            categories: BTreeMap::new(),
        });
        store_woo_secrets(
            &vault,
            WOO,
            &WooCredentials {
                consumer_key: credentials::WOO_CONSUMER_KEY.into(),
                consumer_secret: credentials::WOO_CONSUMER_SECRET.into(),
                wp_user: credentials::WP_USER.into(),
                app_password: credentials::WP_APPLICATION_PASSWORD.into(),
            },
        )
        .expect("the vault keeps it");
        for (id, settings) in [(ETSY, etsy), (WOO, woo)] {
            let id = MarketplaceId::new(id);
            catalog
                .add_marketplace(&id, coop, settings.kind(), id.as_str())
                .expect("an account");
            let json = serde_json::to_string(&settings).expect("settings as JSON");
            catalog
                .set_marketplace_settings(&id, &json)
                .expect("settings kept");
        }
        // The account is set up on a good day; then the network turns bad.
        Faults::from_str(faults).expect("a fault spec");
        let switched = reqwest::Client::new()
            .put(format!("{url}/sandbox/faults"))
            .json(&serde_json::json!({ "spec": faults }))
            .send()
            .await
            .expect("the sandbox answers");
        assert!(switched.status().is_success(), "faults on");
        let mut products = Vec::new();
        for n in 0..listings {
            let form = ProductForm {
                titles: [(Lang::Fr, format!("Panier tressé, modèle {n}"))].into(),
                category: "basketry".into(),
                price: format!("{}", 150 + n),
                // The first is one of a kind.
                quantity: if n == 0 { "1".into() } else { "4".into() },
                maker: makers[0].to_string(),
                status: "ready".into(),
                ..ProductForm::default()
            };
            let id = catalog.add_product(&form).expect("a product").product.id;
            for k in 0..3 {
                let mut photo = sample_photo((n * 3 + k) as u32);
                photo.upload = Rendition {
                    jpeg: jpeg(n * 3 + k),
                    width: 64,
                    height: 64,
                };
                catalog.add_photo(id, &photo, &[], "").expect("a photo");
            }
            for market in [ETSY, WOO] {
                catalog
                    .set_listing(id, &MarketplaceId::new(market), true, true)
                    .expect("a listing");
            }
            products.push(id);
        }
        World {
            sandbox,
            catalog: Mutex::new(catalog),
            clock,
            vault,
            products,
            _dir: dir,
        }
    }

    fn engine(&self) -> Engine<Market> {
        let catalog = self.catalog();
        let markets: BTreeMap<_, _> = catalog
            .marketplaces()
            .expect("accounts")
            .into_iter()
            .map(|a| {
                let clock: Arc<dyn Clock> = Arc::new(self.clock.clone());
                let market =
                    connect(a.id.as_str(), &a.settings, &self.vault, clock).expect("connected");
                (a.id, market)
            })
            .collect();
        drop(catalog);
        let mut random = ChaCha8Rng::seed_from_u64(11);
        Engine::new(
            &self.catalog,
            "the sandbox test",
            markets,
            Box::new(self.clock.clone()),
            Box::new(move || random.random()),
        )
        .expect("an engine")
    }

    fn catalog(&self) -> std::sync::MutexGuard<'_, Catalog> {
        self.catalog.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Rounds until nothing waits, moving virtual time to each wake-up (backoffs,
    /// `Retry-After`): no sleeping. Returns the requests sent.
    async fn drain(&self, engine: &mut Engine<Market>) -> usize {
        let mut requests = 0;
        for _ in 0..2000 {
            let round = engine.round(&self.catalog).await.expect("a round");
            requests += round.requests;
            let s = status(&self.catalog()).expect("a status");
            if s.waiting == 0 && round.next_wake.is_none() {
                return requests;
            }
            match round.next_wake {
                Some(at) => self.clock.advance_to(at),
                None if round.requests == 0 => break,
                None => {}
            }
        }
        let s = status(&self.catalog()).expect("a status");
        panic!("the queue did not drain: {s:?}");
    }

    /// A buyer buys one of an Etsy listing, through the sandbox's test helper.
    async fn sell_on_etsy(&self, listing_id: &Value) {
        let sold = reqwest::Client::new()
            .post(format!("{}/sandbox/sale", self.sandbox.url()))
            .json(&serde_json::json!({"market": "etsy", "listing_id": listing_id, "quantity": 1}))
            .send()
            .await
            .expect("the sandbox answers");
        assert!(sold.status().is_success(), "{:?}", sold.text().await);
    }

    async fn state(&self) -> Value {
        reqwest::get(format!("{}/sandbox/state", self.sandbox.url()))
            .await
            .expect("the sandbox answers")
            .json()
            .await
            .expect("its state")
    }

    fn photos(&self, product: ProductId) -> Vec<String> {
        self.catalog()
            .product(product)
            .expect("the product")
            .product
            .photos
            .iter()
            .map(|p| p.hash.as_str().to_owned())
            .collect()
    }
}

/// Signs the sandbox's Etsy shop in (PKCE), keeps the key and tokens in the vault, and
/// reads the shop's taxonomy and shipping profile, as adding an account does.
async fn etsy_account(url: &str, vault: &Vault, clock: &VirtualClock) -> Settings {
    let pkce = sign_in::Pkce::new(&[7; 64]);
    let consent = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
        .get(pkce.authorize_url(url, credentials::ETSY_KEYSTRING, REDIRECT))
        .send()
        .await
        .expect("the consent page answers");
    let location = consent.headers()["location"].to_str().expect("a redirect");
    let query = location.split_once('?').expect("a query").1;
    let pairs: BTreeMap<String, String> = serde_urlencoded::from_str(query).expect("pairs");
    assert_eq!(pairs["state"], pkce.state, "the state comes back");
    let tokens = Etsy::exchange_code(
        url,
        credentials::ETSY_KEYSTRING,
        REDIRECT,
        &pairs["code"],
        &pkce,
        clock.now(),
    )
    .await
    .expect("tokens for the code");
    let key = EtsyKey {
        keystring: credentials::ETSY_KEYSTRING.into(),
        shared_secret: credentials::ETSY_SHARED_SECRET.into(),
    };
    store_etsy_secrets(vault, ETSY, &key, &tokens).expect("the vault keeps them");
    let mut shop = EtsyShop {
        api: url.to_owned(),
        shop_id: credentials::ETSY_SHOP_ID as u64,
        who_made: WhoMade::Collective,
        when_made: "made_to_order".into(),
        shipping_profile_id: None,
        taxonomy: BTreeMap::new(),
    };
    let etsy = Etsy::new(
        shop.clone(),
        Credentials {
            keystring: key.keystring,
            shared_secret: key.shared_secret,
            tokens,
        },
        Arc::new(NoVault),
        Arc::new(clock.clone()),
    )
    .expect("an HTTPS client");
    shop.taxonomy = etsy.taxonomy().await.expect("the taxonomy");
    shop.shipping_profile_id = etsy.shipping_profile().await.expect("a shipping profile");
    Settings::Etsy(shop)
}

fn listings() -> usize {
    std::env::var("HANOUT_SANDBOX_LISTINGS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_product_reaches_both_shops_once_through_dropped_answers_5xx_and_429() {
    let n = listings();
    let world = World::new("drop=0.1,5xx=0.05,429=0.05,seed=5", n).await;
    let mut engine = world.engine();
    let requests = world.drain(&mut engine).await;
    let s = status(&world.catalog()).expect("a status");
    assert_eq!(s.failed, 0, "nothing failed: {s:?}");
    let state = world.state().await;
    println!("{n} listings with 3 photos on 2 shops: {requests} requests");

    let etsy = state["etsy"]["listings"].as_array().expect("Etsy listings");
    let woo = state["woocommerce"]["products"]
        .as_array()
        .expect("Woo products");
    assert_eq!(
        etsy.len(),
        n,
        "one Etsy listing per product, no stray draft"
    );
    assert_eq!(woo.len(), n, "one WooCommerce product per product");
    for product in &world.products {
        let sku = product.to_string();
        let etsy_sku = Value::from(etsy_sku(*product));
        let photos = world.photos(*product);
        let title = world
            .catalog()
            .product(*product)
            .expect("the product")
            .product
            .fields
            .titles[&Lang::Fr]
            .clone();
        // Found by title: the SKU follows the create in a second request, and a lost
        // answer to that one leaves the listing (known by its id) without it.
        let on_etsy: Vec<_> = etsy
            .iter()
            .filter(|l| l["title"] == title.as_str())
            .collect();
        assert_eq!(on_etsy.len(), 1, "{sku} once on Etsy");
        let skus = on_etsy[0]["skus"].as_array().expect("skus");
        assert!(
            skus.is_empty() || skus == std::slice::from_ref(&etsy_sku),
            "{sku}: {skus:?}"
        );
        let listing = on_etsy[0];
        let images: Vec<_> = listing["images"]
            .as_array()
            .expect("images")
            .iter()
            .map(|i| i["sha256"].as_str().expect("a hash").to_owned())
            .collect();
        assert_eq!(images, photos, "{sku}: Etsy has each photo once, in order");
        assert_eq!(listing["state"], "active", "{sku} live on Etsy");
        let on_woo: Vec<_> = woo.iter().filter(|p| p["sku"] == sku.as_str()).collect();
        assert_eq!(on_woo.len(), 1, "{sku} once on WooCommerce");
        let images: Vec<_> = on_woo[0]["image_sha256"]
            .as_array()
            .expect("images")
            .iter()
            .map(|h| h.as_str().expect("a known media").to_owned())
            .collect();
        assert_eq!(
            images, photos,
            "{sku}: WooCommerce has each photo once, in order"
        );
        assert_eq!(on_woo[0]["status"], "publish", "{sku} live on WooCommerce");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_on_etsy_lowers_stock_and_takes_the_last_piece_off_woocommerce() {
    let world = World::new("seed=1", 2).await;
    let mut engine = world.engine();
    world.drain(&mut engine).await;
    let one_of_a_kind = world.products[0].to_string();
    let on_etsy = etsy_sku(world.products[0]);
    let state = world.state().await;
    let listing_id = state["etsy"]["listings"]
        .as_array()
        .expect("listings")
        .iter()
        .find(|l| l["skus"][0] == on_etsy.as_str())
        .map(|l| l["listing_id"].clone())
        .expect("the piece on Etsy");
    world.sell_on_etsy(&listing_id).await;
    engine.pull_soon();
    world.drain(&mut engine).await;
    let state = world.state().await;
    let woo = state["woocommerce"]["products"]
        .as_array()
        .expect("products");
    assert!(
        woo.iter()
            .filter(|p| p["sku"] == one_of_a_kind.as_str())
            .all(|p| p["status"] != "publish"),
        "the sold piece is not for sale on WooCommerce any more: {woo:?}"
    );
    let quantity = world
        .catalog()
        .product(world.products[0])
        .expect("the product")
        .product
        .fields
        .quantity;
    assert_eq!(quantity, 0, "stock went down in the catalog");
}

/// Everything the adapters log, kept for the test to search.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    /// Everything traced on this thread from now on, until the guard is dropped.
    fn capture() -> (Log, tracing::subscriber::DefaultGuard) {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        (log, tracing::subscriber::set_default(subscriber))
    }
}

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every string in the vault's secrets (keys, tokens, passwords), however nested.
fn secrets(vault_file: &std::path::Path) -> Vec<String> {
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(inner @ Value::Object(_)) => strings(&inner, out),
                _ => out.push(s.clone()),
            },
            Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let vault: Value = serde_json::from_slice(&std::fs::read(vault_file).expect("the vault file"))
        .expect("the vault's JSON");
    let mut out = Vec::new();
    strings(&vault, &mut out);
    out
}

#[tokio::test]
async fn no_secret_is_found_in_the_catalog_file_or_the_log_after_a_full_sync() {
    let (log, _logging) = Log::capture();

    let world = World::new("drop=0.2,5xx=0.1,429=0.1,seed=9", 3).await;
    let mut engine = world.engine();
    world.drain(&mut engine).await;
    // Two hours on: the access token has expired, the next pull refreshes it.
    let vault_file = world._dir.path().join("secrets.json");
    let before = secrets(&vault_file);
    world.clock.advance(Duration::from_secs(2 * 3600));
    engine.pull_soon();
    world.drain(&mut engine).await;
    let after = secrets(&vault_file);
    assert_ne!(before, after, "the rotated tokens were kept");

    let logged =
        String::from_utf8_lossy(&log.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
    assert!(
        logged.contains("Etsy answered"),
        "the adapters' log was captured"
    );
    let mut files = Vec::new();
    for name in ["hanout.db", "hanout.db-wal"] {
        if let Ok(bytes) = std::fs::read(world._dir.path().join(name)) {
            files.push((name, bytes));
        }
    }
    for secret in before.iter().chain(&after).filter(|s| s.len() >= 8) {
        assert!(!logged.contains(secret.as_str()), "a secret in the log");
        for (name, bytes) in &files {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret in {name}"
            );
        }
    }
}

mod contract;
mod orders;
mod refresh;
mod website;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_change_on_a_dozen_products_goes_to_woocommerce_in_one_request() {
    let world = World::new("seed=1", 12).await;
    for product in &world.products {
        world
            .catalog()
            .set_listing(*product, &MarketplaceId::new(ETSY), false, false)
            .expect("WooCommerce alone");
    }
    let mut engine = world.engine();
    world.drain(&mut engine).await;
    for product in &world.products {
        let mut c = world.catalog();
        let mut form = ProductForm::from(&c.product(*product).expect("the product").product.fields);
        form.price = "99".into();
        c.update_product(*product, &form).expect("repriced");
    }
    let round = engine.round(&world.catalog).await.expect("a round");
    assert_eq!(
        round.requests, 1,
        "one batch for twelve price changes: {round:?}"
    );
    assert_eq!(round.confirmed, 12);
    let state = world.state().await;
    let prices: Vec<_> = state["woocommerce"]["products"]
        .as_array()
        .expect("products")
        .iter()
        .map(|p| p["regular_price"].as_str().expect("a price").to_owned())
        .collect();
    assert_eq!(prices, vec!["99.00"; 12]);
}
