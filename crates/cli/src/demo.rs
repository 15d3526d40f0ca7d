//! `hanout demo`: the trainer's demo from a terminal, for scripts. `start` serves the
//! sandbox until Ctrl-C; `reset` and `sale` speak to it from another terminal.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use hanout_demo::{DemoFiles, DemoMarket, ETSY, WOO};
use hanout_domain::Lang;
use hanout_engine::{LaneStatus, status};
use hanout_store::Catalog;
use hanout_sync::{LaneKey, MarketplaceId};
use serde::{Deserialize, Serialize};

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Makes a fresh demo (a sample cooperative, three artisans, a dozen products live
    /// on the sandbox's Etsy and WooCommerce shops) in a folder beside the catalog, and
    /// serves its marketplace until Ctrl-C. The artisan's own catalog is not touched
    Start {
        #[arg(long, default_value_t = 8089)]
        port: u16,
    },
    /// Puts the running demo back as it started
    Reset,
    /// A buyer buys one piece, then the demo syncs: the sale comes in, the stock drops
    /// and a sold-out piece comes off the other shop
    Sale {
        /// The product, by id or the start of its title [default: the first
        /// one-of-a-kind piece still for sale]
        product: Option<String>,
        /// Where the buyer buys it: etsy or woocommerce
        #[arg(long, default_value = "etsy", value_parser = ["etsy", "woocommerce"])]
        on: String,
    },
}

/// What `start` leaves in the folder for `reset` and `sale`.
#[derive(Serialize, Deserialize)]
struct Running {
    shop_url: String,
}

fn running_file(files: &DemoFiles) -> std::path::PathBuf {
    files.dir().join("demo.json")
}

pub fn run(db: &Path, command: DemoCommand) -> Result<()> {
    let files = DemoFiles::beside(db);
    let runtime = tokio::runtime::Runtime::new().context("starting the demo's runtime")?;
    match command {
        DemoCommand::Start { port } => runtime.block_on(start(&files, port)),
        DemoCommand::Reset => {
            let url = running(&files)?;
            runtime.block_on(hanout_demo::prepare(&files, &url, &url))?;
            println!("the demo is as it started: {}", files.catalog().display());
            Ok(())
        }
        DemoCommand::Sale { product, on } => runtime.block_on(sale(&files, product, &on)),
    }
}

async fn start(files: &DemoFiles, port: u16) -> Result<()> {
    let market = DemoMarket::start(port).await?;
    let url = market.shop_url();
    hanout_demo::prepare(files, &url, &url).await?;
    let running = serde_json::to_string(&Running {
        shop_url: url.clone(),
    })?;
    std::fs::write(running_file(files), running)?;
    println!(
        "The demo is ready: {} products live on the sandbox's two shops.",
        hanout_demo::SAMPLES.len()
    );
    println!("The buyer's page: {url}");
    println!(
        "Its catalog: hanout --db {} status",
        files.catalog().display()
    );
    println!("Ctrl-C stops it.");
    tokio::signal::ctrl_c().await?;
    let _ = std::fs::remove_file(running_file(files));
    Ok(())
}

/// The address of the running demo's sandbox.
fn running(files: &DemoFiles) -> Result<String> {
    let text = std::fs::read_to_string(running_file(files))
        .map_err(|_| anyhow!("no demo is running: start one with `hanout demo start`"))?;
    Ok(serde_json::from_str::<Running>(&text)?.shop_url)
}

async fn sale(files: &DemoFiles, product: Option<String>, on: &str) -> Result<()> {
    let url = running(files)?;
    let marketplace = MarketplaceId::new(if on == "etsy" { ETSY } else { WOO });
    let catalog = Catalog::open(&files.catalog())?;
    let product = match product {
        Some(key) => hanout_demo::find_product(&catalog, &key)?,
        None => first_unique_piece(&catalog, &marketplace)?,
    };
    hanout_demo::sell(&catalog, &url, product, &marketplace).await?;
    hanout_demo::send_all(catalog, &Arc::new(files.vault())).await?;
    let catalog = Catalog::open(&files.catalog())?;
    let entry = catalog.product(product)?;
    let title = entry
        .product
        .fields
        .title(Lang::Fr)
        .unwrap_or_default()
        .to_owned();
    println!(
        "sold: 1 × {title} on {marketplace}; stock now {}",
        entry.product.fields.quantity
    );
    let lanes = status(&catalog)?.lanes;
    let confirmed = catalog.sync_lanes()?;
    for shop in [ETSY, WOO] {
        let key = LaneKey {
            product,
            marketplace: MarketplaceId::new(shop),
        };
        let live = confirmed
            .iter()
            .find(|l| l.key == key)
            .and_then(|l| l.lane.confirmed.as_ref())
            .is_some_and(|c| c.published);
        let state = match lanes.iter().find(|(k, _)| k == &key).map(|(_, s)| s) {
            Some(LaneStatus::Sent) if live => "for sale",
            Some(LaneStatus::Sent | LaneStatus::SoldOut) => "taken off (sold out)",
            Some(_) => "waiting to sync",
            None => "not there",
        };
        println!("  {shop}: {state}");
    }
    Ok(())
}

/// The first product of one piece only that a buyer can still buy on `marketplace`.
fn first_unique_piece(
    catalog: &Catalog,
    marketplace: &MarketplaceId,
) -> Result<hanout_domain::ProductId> {
    catalog
        .sync_lanes()?
        .into_iter()
        .filter(|l| &l.key.marketplace == marketplace)
        .filter(|l| {
            l.lane
                .confirmed
                .as_ref()
                .is_some_and(|c| c.published && c.quantity == 1)
        })
        .map(|l| l.key.product)
        .next()
        .ok_or_else(|| {
            anyhow!("no one-of-a-kind piece is for sale on {marketplace}: reset the demo")
        })
}
