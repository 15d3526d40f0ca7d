//! The sync loop in the background, and what the window sees of it: the indicator, the
//! queue, per-marketplace switches, retry and discard, the data saver, accounts.
//!
//! The engine's [`Syncer`] runs on a thread of its own with its own small runtime, so a
//! photo crawling up a 2G link never holds the window's threads. Its events update an
//! [`Activity`] that is sent to the window as the `sync` event.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use hanout_domain::{DataSaver, Lang, PhotoHash, ProductId};
use hanout_engine::{
    Engine, Held, LaneStatus, Network, Progress, Schedule, Signal, SyncEvent, Syncer, os_random,
    status,
};
use hanout_market::accounts::{connect_all, forget_secrets};
use hanout_market::vault::Vault;
use hanout_store::{Catalog, SystemClock};
use hanout_sync::{LaneKey, MarketplaceId};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::catalog::may_edit_product;
use crate::people::{Session, may_manage};
use crate::{Answer, CommandError, Shop, lock, with_catalog};

/// What the sync loop is doing, as the indicator shows it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Activity {
    /// Sync does not run, and why (paused, waiting for Wi-Fi, offline).
    held: Option<Held>,
    /// No marketplace answered the last try: offline, whatever the phone says.
    unreachable: bool,
    /// A round is sending.
    sending: Option<Progress>,
    /// The catalog could not be written (a full disk): sync waits and tries again.
    trouble: Option<String>,
    /// Rounds ended so far: the window reloads the queue when this moves.
    rounds: u64,
}

impl Activity {
    fn apply(&mut self, event: &SyncEvent) {
        match event {
            SyncEvent::Held { why } => self.held = Some(*why),
            SyncEvent::Resumed => self.held = None,
            SyncEvent::Unreachable => {
                self.unreachable = true;
                self.sending = None;
            }
            SyncEvent::Reachable => self.unreachable = false,
            SyncEvent::Progress(p) => {
                self.sending = Some(*p);
                self.unreachable = false;
            }
            SyncEvent::Ran { requests, .. } => {
                self.sending = None;
                self.trouble = None;
                self.rounds += 1;
                if *requests > 0 {
                    self.unreachable = false;
                }
            }
            SyncEvent::Trouble { message } => self.trouble = Some(message.clone()),
        }
    }
}

struct Running {
    signals: Option<UnboundedSender<Signal>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The catalog the loop syncs, and the vault with its accounts' secrets.
#[derive(Clone)]
pub struct Target {
    pub catalog: Arc<Mutex<Catalog>>,
    pub vault: Arc<Vault>,
}

/// The background sync loop of the open catalog (the artisan's own, or a demo's).
pub struct SyncLoop {
    app: AppHandle,
    target: Mutex<Target>,
    running: Mutex<Running>,
    activity: Arc<Mutex<Activity>>,
}

impl SyncLoop {
    pub fn start(app: AppHandle, target: Target) -> SyncLoop {
        let sync = SyncLoop {
            app,
            target: Mutex::new(target),
            running: Mutex::new(Running {
                signals: None,
                thread: None,
            }),
            activity: Arc::new(Mutex::new(Activity::default())),
        };
        sync.restart();
        sync
    }

    pub fn vault(&self) -> Arc<Vault> {
        lock(&self.target).vault.clone()
    }

    /// Stops the loop; the handle ends when it has (a request under way finishes first).
    pub fn stop(&self) -> Option<std::thread::JoinHandle<()>> {
        let mut running = lock(&self.running);
        running.signals = None;
        running.thread.take()
    }

    /// Syncs another catalog from now on, with nothing of the last one's activity.
    pub fn switch_to(&self, target: Target) {
        *lock(&self.target) = target;
        *lock(&self.activity) = Activity::default();
        self.restart();
    }

    /// Starts the loop again with the accounts the catalog has now. The old loop ends at
    /// its next wait (a request under way finishes first), before the new one starts.
    pub fn restart(&self) {
        let old = self.stop();
        let mut running = lock(&self.running);
        let (signals, received) = unbounded_channel();
        let Target { catalog, vault } = lock(&self.target).clone();
        let (app, activity) = (self.app.clone(), self.activity.clone());
        let thread = std::thread::Builder::new()
            .name("hanout-sync".into())
            .spawn(move || {
                if let Some(old) = old {
                    let _ = old.join();
                }
                let report = {
                    let (app, activity) = (app.clone(), activity.clone());
                    Arc::new(move |event: SyncEvent| {
                        let now = {
                            let mut a = lock(&activity);
                            a.apply(&event);
                            a.clone()
                        };
                        let _ = app.emit("sync", now);
                    })
                };
                if let Err(e) = run(&catalog, vault, received, report.clone()) {
                    report(SyncEvent::Trouble { message: e });
                }
            });
        match thread {
            Ok(thread) => {
                running.thread = Some(thread);
                running.signals = Some(signals);
            }
            Err(e) => eprintln!("hanout: the sync thread could not start: {e}"),
        }
    }

    pub fn signal(&self, signal: Signal) {
        if let Some(signals) = &lock(&self.running).signals {
            // A loop that has ended needs no signal: the next restart reads the catalog.
            let _ = signals.send(signal);
        }
    }

    /// Something the artisan saved may need sending.
    pub fn changed(&self) {
        self.signal(Signal::Changed);
    }
}

/// The loop itself: the engine over every account that can be connected. An account
/// whose secrets are missing is reported and left out; the others sync.
fn run(
    catalog: &Mutex<Catalog>,
    vault: Arc<Vault>,
    signals: tokio::sync::mpsc::UnboundedReceiver<Signal>,
    report: Arc<dyn Fn(SyncEvent) + Send + Sync>,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("the sync runtime could not start: {e}"))?;
    let (accounts, saver) = {
        let c = lock(catalog);
        let accounts = c.marketplaces().map_err(|e| e.to_string())?;
        let saver = c.settings().map_err(|e| e.to_string())?.data_saver;
        (accounts, saver)
    };
    let (markets, broken) = connect_all(
        accounts.iter().map(|a| (&a.id, a.settings.as_str())),
        &vault,
        Arc::new(SystemClock),
    );
    for e in broken {
        report(SyncEvent::Trouble {
            message: e.to_string(),
        });
    }
    let engine = Engine::new(
        catalog,
        "the Hanout app",
        markets,
        Box::new(SystemClock),
        os_random(),
    )
    .map_err(|e| e.to_string())?;
    // A desktop has no metered network to spare; a probe tells whether the way is open.
    let syncer = Syncer::new(
        engine,
        Schedule::default(),
        saver,
        Network::Unmetered,
        report,
    );
    runtime
        .block_on(syncer.run(catalog, signals))
        .map_err(|e| e.to_string())
}

/// One product on one marketplace, as the catalog's badges show it.
#[derive(Serialize)]
pub struct LaneView {
    product: ProductId,
    marketplace: MarketplaceId,
    status: LaneStatus,
}

/// A lane that is not sent yet, with what the queue screen shows of its product.
#[derive(Serialize)]
pub struct QueueItem {
    product: ProductId,
    titles: BTreeMap<Lang, String>,
    cover: Option<PhotoHash>,
    marketplace: MarketplaceId,
    marketplace_name: String,
    status: LaneStatus,
}

/// A sale pulled back, as the "sold" notice shows it.
#[derive(Serialize)]
pub struct SaleView {
    product: ProductId,
    titles: BTreeMap<Lang, String>,
    cover: Option<PhotoHash>,
    marketplace_name: String,
    quantity: u32,
    /// Stock left after it.
    left: u32,
    at: hanout_domain::Timestamp,
}

/// Everything the indicator and the queue screen show.
#[derive(Serialize)]
pub struct SyncState {
    waiting: usize,
    failed: usize,
    changes: usize,
    bytes_waiting: u64,
    last_sync: Option<hanout_domain::Timestamp>,
    data_saver: DataSaver,
    activity: Activity,
    lanes: Vec<LaneView>,
    queue: Vec<QueueItem>,
    /// The latest sales, newest first.
    sales: Vec<SaleView>,
}

#[tauri::command]
pub async fn sync_state(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
) -> Answer<SyncState> {
    let activity = lock(&sync.activity).clone();
    with_catalog(shop, session, move |c, _| {
        let s = status(c)?;
        let names: BTreeMap<_, _> = c
            .marketplaces()?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut queue = Vec::new();
        for (key, lane) in &s.lanes {
            if matches!(lane, LaneStatus::Sent | LaneStatus::SoldOut) {
                continue;
            }
            let product = c.product(key.product)?.product;
            queue.push(QueueItem {
                product: key.product,
                titles: product.fields.titles.clone(),
                cover: product.photos.first().map(|p| p.hash.clone()),
                marketplace: key.marketplace.clone(),
                marketplace_name: names.get(&key.marketplace).cloned().unwrap_or_default(),
                status: lane.clone(),
            });
        }
        let mut sales = Vec::new();
        for sale in c.recent_sales(5)? {
            let product = c.product(sale.product)?.product;
            sales.push(SaleView {
                product: sale.product,
                titles: product.fields.titles.clone(),
                cover: product.photos.first().map(|p| p.hash.clone()),
                marketplace_name: names.get(&sale.marketplace).cloned().unwrap_or_default(),
                quantity: sale.quantity,
                left: product.fields.quantity,
                at: sale.at,
            });
        }
        Ok(SyncState {
            sales,
            waiting: s.waiting,
            failed: s.failed,
            changes: s.changes,
            bytes_waiting: s.bytes_waiting,
            last_sync: s.last_sync,
            data_saver: c.settings()?.data_saver,
            activity,
            lanes: s
                .lanes
                .into_iter()
                .map(|(key, status)| LaneView {
                    product: key.product,
                    marketplace: key.marketplace,
                    status,
                })
                .collect(),
            queue,
        })
    })
    .await
}

/// "Send now": every lane waiting out a backoff is tried at once, on any network.
#[tauri::command]
pub async fn sync_now(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
) -> Answer<()> {
    with_catalog(shop, session, |c, _| Ok(c.sync_now()?)).await?;
    sync.signal(Signal::SyncNow);
    Ok(())
}

/// The data saver is the device's: whoever holds it chooses.
#[tauri::command]
pub async fn set_data_saver(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    saver: DataSaver,
) -> Answer<()> {
    with_catalog(shop, session, move |c, _| Ok(c.set_data_saver(saver)?)).await?;
    sync.signal(Signal::DataSaver(saver));
    Ok(())
}

/// "Retry" on a refused lane: its failure is forgotten and it is tried now.
#[tauri::command]
pub async fn retry(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    product: ProductId,
    marketplace: MarketplaceId,
) -> Answer<()> {
    with_catalog(shop, session, move |c, me| {
        may_edit_product(c, me, product)?;
        Ok(c.retry_lane(&LaneKey {
            product,
            marketplace,
        })?)
    })
    .await?;
    sync.signal(Signal::SyncNow);
    Ok(())
}

/// "Discard": stop selling the product on that marketplace (taken off it, if it is
/// there). The product itself is kept.
#[tauri::command]
pub async fn discard(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    product: ProductId,
    marketplace: MarketplaceId,
) -> Answer<()> {
    sell_on(shop, session, sync, product, marketplace, false).await
}

/// The cooperative's marketplace accounts (never their secrets).
#[derive(Serialize)]
pub struct MarketplaceView {
    id: MarketplaceId,
    name: String,
    kind: String,
    needs_sign_in: bool,
}

#[tauri::command]
pub async fn marketplaces(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
) -> Answer<Vec<MarketplaceView>> {
    with_catalog(shop, session, |c, _| {
        Ok(c.marketplaces()?
            .into_iter()
            .map(|a| MarketplaceView {
                id: a.id,
                name: a.name,
                kind: a.kind,
                needs_sign_in: a.needs_sign_in,
            })
            .collect())
    })
    .await
}

/// The marketplaces a product is for sale on: the switches of the form's third step.
#[tauri::command]
pub async fn wanted_on(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    product: ProductId,
) -> Answer<Vec<MarketplaceId>> {
    with_catalog(shop, session, move |c, _| Ok(c.wanted_on(product)?)).await
}

/// One switch of the third step: sell the product on a marketplace (shown to buyers), or
/// not.
#[tauri::command]
pub async fn sell_on(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    product: ProductId,
    marketplace: MarketplaceId,
    wanted: bool,
) -> Answer<()> {
    with_catalog(shop, session, move |c, me| {
        may_edit_product(c, me, product)?;
        Ok(c.set_listing(product, &marketplace, wanted, true)?)
    })
    .await?;
    sync.changed();
    Ok(())
}

/// Signs out of an account and removes it: the leader's, and refused while anything
/// for it is unsent.
#[tauri::command]
pub async fn remove_marketplace(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    marketplace: MarketplaceId,
) -> Answer<()> {
    let vault = sync.vault();
    with_catalog(shop, session, move |c, me| {
        may_manage(c, me)?;
        c.remove_marketplace(&marketplace)?;
        forget_secrets(&vault, marketplace.as_str()).map_err(|e| CommandError::new(e.to_string()))
    })
    .await?;
    sync.restart();
    Ok(())
}
