//! The background syncer against an in-memory shop, in tokio's paused time: what sets a
//! round off (a saved change after a quiet spell, the network coming back, "sync now"),
//! what holds it (offline, paused, Wi-Fi only on mobile data), how a dead network is
//! probed, and the progress it reports in photo bytes.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hanout_domain::{Clock, Lang, ProductForm, ProductId, Timestamp};
use hanout_engine::{
    DataSaver, Engine, Held, LaneStatus, Network, Schedule, Signal, SyncEvent, Syncer, status,
};
use hanout_media::{Processed, Rendition};
use hanout_sim::clock::VirtualClock;
use hanout_sim::shop::{Faults, Kind, SimMarket};
use hanout_sim::{sample_photo, workshop};
use hanout_store::Catalog;
use hanout_sync::MarketplaceId;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::{Instant, sleep};

/// The engine's clock on tokio's timer: paused in these tests, so it moves only when
/// every task waits.
struct TokioClock(Instant);

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        Timestamp(1_795_478_400_000 + self.0.elapsed().as_millis() as i64)
    }
}

const PHOTO_BYTES: usize = 100_000;

fn market() -> MarketplaceId {
    MarketplaceId::new("woo:coop")
}

struct Bench {
    catalog: Mutex<Catalog>,
    shop: SimMarket,
    events: Arc<Mutex<Vec<SyncEvent>>>,
    maker: String,
    _dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Bench {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut catalog = Catalog::open(&dir.path().join("hanout.db")).expect("a catalog");
        let (coop, makers) = workshop(&mut catalog, "Tifawin", &["Itto"]).expect("a workshop");
        catalog
            .add_marketplace(&market(), coop, "woocommerce", "Boutique")
            .expect("a marketplace");
        let shop = SimMarket::new(Kind::Woo, 1, VirtualClock::new());
        shop.shop().faults = Faults::NONE;
        Bench {
            catalog: Mutex::new(catalog),
            shop,
            events: Arc::default(),
            maker: makers[0].to_string(),
            _dir: dir,
        }
    }

    fn syncer(&self, saver: DataSaver, network: Network) -> Syncer<SimMarket> {
        let markets = BTreeMap::from([(market(), self.shop.clone())]);
        let mut random = ChaCha8Rng::seed_from_u64(7);
        let engine = Engine::new(
            &self.catalog,
            "the syncer test",
            markets,
            Box::new(TokioClock(Instant::now())),
            Box::new(move || random.random()),
        )
        .expect("an engine");
        let events = self.events.clone();
        Syncer::new(
            engine,
            Schedule::default(),
            saver,
            network,
            Arc::new(move |e| {
                events
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(e)
            }),
        )
    }

    /// The artisan saves a product with two photos, for sale on the marketplace.
    fn save_product(&self, signals: &UnboundedSender<Signal>) -> ProductId {
        let mut c = self.catalog.lock().unwrap_or_else(PoisonError::into_inner);
        let id = c
            .add_product(&ProductForm {
                titles: [(Lang::Fr, "Panier de Zagora".to_owned())].into(),
                category: "basketry".into(),
                price: "180".into(),
                quantity: "3".into(),
                maker: self.maker.clone(),
                status: "ready".into(),
                ..ProductForm::default()
            })
            .expect("a product")
            .product
            .id;
        for n in 0..2 {
            c.add_photo(id, &big_photo(n), &[], "").expect("a photo");
        }
        c.set_listing(id, &market(), true, true).expect("a listing");
        signals.send(Signal::Changed).expect("the syncer listens");
        id
    }

    fn lane(&self, product: ProductId) -> LaneStatus {
        let c = self.catalog.lock().unwrap_or_else(PoisonError::into_inner);
        let s = status(&c).expect("a status");
        s.lanes
            .into_iter()
            .find(|(key, _)| key.product == product)
            .map(|(_, lane)| lane)
            .expect("the product's lane")
    }

    fn requests(&self) -> usize {
        self.shop.shop().requests
    }

    fn events(&self) -> Vec<SyncEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// An upload rendition of `PHOTO_BYTES`, long enough to be reported in several chunks.
fn big_photo(n: u8) -> Processed {
    let mut photo = sample_photo(u32::from(n));
    photo.upload = Rendition {
        jpeg: vec![n; PHOTO_BYTES],
        ..photo.upload
    };
    photo
}

#[tokio::test(start_paused = true)]
async fn a_saved_product_goes_out_after_a_quiet_spell_with_progress_in_bytes() {
    let bench = Bench::new();
    let (signals, rx) = unbounded_channel();
    let syncer = bench.syncer(DataSaver::AnyNetwork, Network::Unmetered);
    let script = async {
        sleep(Duration::from_secs(1)).await;
        let started = bench.requests();
        assert!(started > 0, "the start probes and pulls");
        let product = bench.save_product(&signals);
        let waiting = {
            let c = bench.catalog.lock().unwrap_or_else(PoisonError::into_inner);
            status(&c).expect("a status").bytes_waiting
        };
        assert_eq!(waiting, 2 * PHOTO_BYTES as u64);
        sleep(Duration::from_secs(2)).await;
        assert_eq!(
            bench.requests(),
            started,
            "a change waits for a quiet spell"
        );
        sleep(Duration::from_secs(2)).await;
        assert_eq!(bench.lane(product), LaneStatus::Sent);
        drop(signals);
    };
    let (ran, ()) = tokio::join!(syncer.run(&bench.catalog, rx), script);
    ran.expect("the syncer ends when its signals end");

    let progress: Vec<_> = bench
        .events()
        .into_iter()
        .filter_map(|e| match e {
            SyncEvent::Progress(p) => Some(p),
            _ => None,
        })
        .collect();
    let last = progress.last().expect("progress was reported");
    assert_eq!(last.bytes, 2 * PHOTO_BYTES as u64);
    assert_eq!(last.bytes_sent, last.bytes);
    assert_eq!(last.changes_sent, last.changes);
    assert!(
        progress
            .windows(2)
            .all(|w| w[0].bytes_sent <= w[1].bytes_sent),
        "bytes sent never go back: {progress:?}"
    );
    assert!(
        progress
            .iter()
            .any(|p| p.bytes_sent > 0 && p.bytes_sent < PHOTO_BYTES as u64),
        "progress moves during an upload, not only between requests"
    );
}

#[tokio::test(start_paused = true)]
async fn offline_nothing_is_tried_and_the_network_coming_back_sends_it() {
    let bench = Bench::new();
    let (signals, rx) = unbounded_channel();
    let syncer = bench.syncer(DataSaver::AnyNetwork, Network::Offline);
    let script = async {
        let product = bench.save_product(&signals);
        sleep(Duration::from_secs(3600)).await;
        assert_eq!(bench.requests(), 0, "an offline phone sends nothing");
        assert!(matches!(bench.lane(product), LaneStatus::Waiting { .. }));
        signals
            .send(Signal::Network(Network::Metered))
            .expect("the syncer listens");
        sleep(Duration::from_secs(1)).await;
        assert_eq!(bench.lane(product), LaneStatus::Sent);
        drop(signals);
    };
    let (ran, ()) = tokio::join!(syncer.run(&bench.catalog, rx), script);
    ran.expect("the syncer ends");
    let events = bench.events();
    let held = events
        .iter()
        .position(|e| *e == SyncEvent::Held { why: Held::Offline });
    let resumed = events.iter().position(|e| *e == SyncEvent::Resumed);
    assert!(
        held.is_some() && held < resumed,
        "held, then resumed when the network came back: {events:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn wifi_only_holds_on_mobile_data_until_wifi_or_sync_now() {
    let bench = Bench::new();
    let (signals, rx) = unbounded_channel();
    let syncer = bench.syncer(DataSaver::WifiOnly, Network::Metered);
    let script = async {
        let first = bench.save_product(&signals);
        sleep(Duration::from_secs(3600)).await;
        assert_eq!(bench.requests(), 0, "no mobile data is spent");
        signals.send(Signal::SyncNow).expect("the syncer listens");
        sleep(Duration::from_secs(1)).await;
        assert_eq!(
            bench.lane(first),
            LaneStatus::Sent,
            "the artisan's tap wins: {:?}",
            bench.events()
        );
        let second = bench.save_product(&signals);
        sleep(Duration::from_secs(3600)).await;
        assert!(matches!(bench.lane(second), LaneStatus::Waiting { .. }));
        signals
            .send(Signal::Network(Network::Unmetered))
            .expect("the syncer listens");
        sleep(Duration::from_secs(10)).await;
        assert_eq!(bench.lane(second), LaneStatus::Sent, "Wi-Fi sends it");
        drop(signals);
    };
    let (ran, ()) = tokio::join!(syncer.run(&bench.catalog, rx), script);
    ran.expect("the syncer ends");
    assert!(bench.events().contains(&SyncEvent::Held {
        why: Held::WaitingForWifi
    }));
}

#[tokio::test(start_paused = true)]
async fn paused_sends_nothing_even_on_sync_now() {
    let bench = Bench::new();
    let (signals, rx) = unbounded_channel();
    let syncer = bench.syncer(DataSaver::Paused, Network::Unmetered);
    let script = async {
        let product = bench.save_product(&signals);
        signals.send(Signal::SyncNow).expect("the syncer listens");
        sleep(Duration::from_secs(3600)).await;
        assert_eq!(bench.requests(), 0);
        signals
            .send(Signal::DataSaver(DataSaver::AnyNetwork))
            .expect("the syncer listens");
        sleep(Duration::from_secs(1)).await;
        assert_eq!(bench.lane(product), LaneStatus::Sent);
        drop(signals);
    };
    let (ran, ()) = tokio::join!(syncer.run(&bench.catalog, rx), script);
    ran.expect("the syncer ends");
}

#[tokio::test(start_paused = true)]
async fn a_dead_network_is_probed_sparingly_and_used_as_soon_as_it_answers() {
    let bench = Bench::new();
    bench.shop.shop().offline = true;
    let (signals, rx) = unbounded_channel();
    // The phone says it is on mobile data; nothing answers (a dead mast).
    let syncer = bench.syncer(DataSaver::AnyNetwork, Network::Metered);
    let script = async {
        let product = bench.save_product(&signals);
        sleep(Duration::from_secs(3600)).await;
        let tried = bench.requests();
        // Probes back off, with full jitter, from 15 s up to 10 minutes between them:
        // about twenty in the first hour, where probing every second would be 3,600.
        assert!(
            (3..=40).contains(&tried),
            "{tried} requests in an hour of dead network"
        );
        assert!(matches!(bench.lane(product), LaneStatus::Waiting { .. }));
        bench.shop.shop().offline = false;
        sleep(Duration::from_secs(600)).await;
        assert_eq!(bench.lane(product), LaneStatus::Sent);
        drop(signals);
    };
    let (ran, ()) = tokio::join!(syncer.run(&bench.catalog, rx), script);
    ran.expect("the syncer ends");
    let events = bench.events();
    let silent = events.iter().position(|e| *e == SyncEvent::Unreachable);
    let answered = events.iter().rposition(|e| *e == SyncEvent::Reachable);
    assert!(
        silent.is_some() && silent < answered,
        "unreachable, then reachable once it answered: {events:?}"
    );
}
