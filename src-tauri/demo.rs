//! The trainer's demo in the window: "Start demo" opens a demo catalog in place of the
//! artisan's (which stays untouched on disk), with the sandbox marketplace running on
//! loopback behind the network switch; leaving puts the artisan's catalog back.

use std::sync::{Arc, Mutex};

use hanout_demo::{Connectivity, DemoFiles, DemoMarket, ETSY};
use hanout_domain::ProductId;
use hanout_engine::Signal;
use hanout_store::Catalog;
use hanout_sync::MarketplaceId;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::people::Session;
use crate::sync::{SyncLoop, Target};
use crate::{Answer, CommandError, Photos, Refusal, Shop, lock};

/// The demo, when one runs, and the artisan's own catalog to come back to.
pub struct Demo {
    own: Target,
    files: DemoFiles,
    running: tokio::sync::Mutex<Option<DemoMarket>>,
}

impl Demo {
    pub fn new(own: Target, files: DemoFiles) -> Demo {
        Demo {
            own,
            files,
            running: tokio::sync::Mutex::new(None),
        }
    }
}

/// What the demo bar shows.
#[derive(Serialize)]
pub struct DemoView {
    connectivity: Connectivity,
}

impl DemoView {
    fn of(market: &DemoMarket) -> DemoView {
        DemoView {
            connectivity: market.link().connectivity(),
        }
    }
}

impl From<hanout_demo::DemoError> for CommandError {
    fn from(e: hanout_demo::DemoError) -> Self {
        match e {
            hanout_demo::DemoError::NotListed(_) => {
                CommandError::kind(e.to_string(), Refusal::NotLive)
            }
            hanout_demo::DemoError::Refused(_) => {
                CommandError::kind(e.to_string(), Refusal::NotLive)
            }
            e => CommandError::new(e.to_string()),
        }
    }
}

fn no_demo() -> CommandError {
    CommandError::new("no demo is running")
}

/// Opens `target` in the window: its catalog, photos and sync loop.
fn open(app: &AppHandle, target: Target) {
    let catalog = target.catalog.clone();
    app.state::<Shop>().open(catalog.clone());
    *lock(&app.state::<Photos>().0) = Some(lock(&catalog).photo_files());
    app.state::<Session>().restart(&catalog);
    app.state::<SyncLoop>().switch_to(target);
}

/// Waits, off the UI thread, for the sync loop of the catalog being left to end, so
/// nothing of it reaches the sandbox after a reset.
async fn stop_syncing(sync: &SyncLoop) -> Answer<()> {
    if let Some(thread) = sync.stop() {
        tauri::async_runtime::spawn_blocking(move || thread.join())
            .await
            .map_err(|e| CommandError::new(format!("the sync loop did not stop: {e}")))?
            .map_err(|_| CommandError::new("the sync loop stopped with a panic"))?;
    }
    Ok(())
}

/// Makes the demo's starting state and opens it.
async fn prepare_and_open(app: &AppHandle, demo: &Demo, market: &DemoMarket) -> Answer<DemoView> {
    market.link().set(Connectivity::Online);
    let sync = app.state::<SyncLoop>();
    stop_syncing(&sync).await?;
    let prepared =
        hanout_demo::prepare(&demo.files, &market.shop_url(), &market.link().url()).await;
    prepared?;
    let catalog = Catalog::open(&demo.files.catalog())?;
    open(
        app,
        Target {
            catalog: Arc::new(Mutex::new(catalog)),
            vault: Arc::new(demo.files.vault()),
        },
    );
    Ok(DemoView::of(market))
}

/// Makes a fresh demo and opens it. Should that fail half-way (a full disk), the demo
/// stops and the artisan's own catalog is open again, syncing as before.
async fn fresh(app: &AppHandle, demo: &Demo, running: &mut Option<DemoMarket>) -> Answer<DemoView> {
    if running.is_none() {
        *running = Some(DemoMarket::start(0).await?);
    }
    let market = running.as_ref().ok_or_else(no_demo)?;
    let opened = prepare_and_open(app, demo, market).await;
    if opened.is_err() {
        *running = None;
        open(app, demo.own.clone());
    }
    opened
}

/// "Start demo": a fresh demo, whatever the last one became.
#[tauri::command]
pub async fn demo_start(app: AppHandle, demo: State<'_, Demo>) -> Answer<DemoView> {
    let mut running = demo.running.lock().await;
    fresh(&app, &demo, &mut running).await
}

/// "Reset demo": back to the starting state in one tap.
#[tauri::command]
pub async fn demo_reset(app: AppHandle, demo: State<'_, Demo>) -> Answer<DemoView> {
    let mut running = demo.running.lock().await;
    if running.is_none() {
        return Err(no_demo());
    }
    fresh(&app, &demo, &mut running).await
}

/// Leaves the demo: the artisan's own catalog comes back as it was.
#[tauri::command]
pub async fn demo_leave(app: AppHandle, demo: State<'_, Demo>) -> Answer<()> {
    let mut running = demo.running.lock().await;
    if running.take().is_some() {
        stop_syncing(&app.state::<SyncLoop>()).await?;
        open(&app, demo.own.clone());
    }
    Ok(())
}

/// Whether a demo runs, and how its network is.
#[tauri::command]
pub async fn demo_state(demo: State<'_, Demo>) -> Answer<Option<DemoView>> {
    Ok(demo.running.lock().await.as_ref().map(DemoView::of))
}

/// The trainer's network switch: the link obeys it, and the sync engine is told, as the
/// phone would tell it.
#[tauri::command]
pub async fn demo_network(
    demo: State<'_, Demo>,
    sync: State<'_, SyncLoop>,
    connectivity: Connectivity,
) -> Answer<DemoView> {
    let running = demo.running.lock().await;
    let market = running.as_ref().ok_or_else(no_demo)?;
    market.link().set(connectivity);
    sync.signal(Signal::Network(connectivity.network()));
    Ok(DemoView::of(market))
}

/// "Open the shop": the buyer's page in the system browser.
#[tauri::command]
pub async fn demo_open_shop(app: AppHandle, demo: State<'_, Demo>) -> Answer<()> {
    let running = demo.running.lock().await;
    let market = running.as_ref().ok_or_else(no_demo)?;
    app.opener()
        .open_url(market.shop_url(), None::<&str>)
        .map_err(|e| CommandError::new(format!("no browser opened the shop: {e}")))
}

/// "Simulate a sale": a buyer buys one of `product` on the sandbox's Etsy shop; the
/// sync loop is told to look now, as a sale notification would.
#[tauri::command]
pub async fn demo_sale(
    shop: State<'_, Shop>,
    demo: State<'_, Demo>,
    sync: State<'_, SyncLoop>,
    product: ProductId,
) -> Answer<()> {
    let running = demo.running.lock().await;
    let market = running.as_ref().ok_or_else(no_demo)?;
    let catalog = shop.catalog()?;
    // A read of the listing's id: quick, so the lock is held briefly on this thread.
    let listing = {
        let c = lock(&catalog);
        hanout_demo::listing_id(&c, product, &MarketplaceId::new(ETSY))?
    };
    hanout_demo::sell_listing(&market.shop_url(), ETSY, listing).await?;
    sync.signal(Signal::SyncNow);
    Ok(())
}
