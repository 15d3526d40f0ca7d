//! `hanout account`, `hanout sync` and `hanout status`: the cooperative's marketplaces,
//! and carrying the catalog's changes to them.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use hanout_domain::{Clock, CooperativeId, Lang};
use hanout_engine::{
    DataSaver, Engine, LaneStatus, Network, Schedule, SyncEvent, Syncer, os_random, status,
};
use hanout_market::Market;
use hanout_market::accounts::{
    EtsyKey, Settings, connect_every, forget_secrets, read_etsy_shop, store_etsy_secrets,
    store_woo_secrets,
};
use hanout_market::etsy::{Etsy, EtsyShop, WhoMade, sign_in};
use hanout_market::vault::Vault;
use hanout_market::woo::{WooCredentials, WooShop};
use hanout_store::{Catalog, SoldLine, SystemClock};
use hanout_sync::MarketplaceId;

use crate::{Output, only};

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Adds a marketplace account to a cooperative; its secrets go to the vault, never to
    /// the catalog
    #[command(subcommand)]
    Add(AddAccount),
    /// The cooperative's accounts, and where their secrets are kept
    List,
    /// Reads an Etsy shop's categories (getSellerTaxonomyNodes) and shipping profile again
    Refresh { account: String },
    /// Signs out of an account and removes it; refused while changes for it are unsent.
    /// Its listings stay in the record, so adding it again lists nothing twice
    Remove { account: String },
}

#[derive(Subcommand)]
pub enum AddAccount {
    /// An Etsy shop: prints the page where the seller lets Hanout in, then reads the
    /// address that page sends the browser to (or its code)
    Etsy {
        /// The cooperative, by name or id [default: the only one there is]
        #[arg(long)]
        coop: Option<String>,
        #[arg(long)]
        shop_id: u64,
        /// The app's key string, from Etsy's developer pages
        #[arg(long, env = "HANOUT_ETSY_KEYSTRING")]
        keystring: String,
        #[arg(long, env = "HANOUT_ETSY_SHARED_SECRET", hide_env_values = true)]
        shared_secret: String,
        /// The app's registered redirect address
        #[arg(long)]
        redirect_uri: String,
        /// i_did, collective or someone_else
        #[arg(long, default_value = "collective")]
        who_made: String,
        /// Etsy's era for pieces already made (its values change every year):
        /// made_to_order, or the current bucket such as 2020_2026
        #[arg(long, default_value = "made_to_order")]
        when_made: String,
        #[arg(long, default_value = "https://openapi.etsy.com")]
        api: String,
        #[arg(long, default_value = "https://www.etsy.com")]
        www: String,
    },
    /// A WooCommerce shop: REST keys, and a WordPress application password for photos
    Woocommerce {
        #[arg(long)]
        coop: Option<String>,
        /// The site's address, https://...
        #[arg(long)]
        site: String,
        #[arg(long, env = "HANOUT_WOO_CONSUMER_KEY")]
        consumer_key: String,
        #[arg(long, env = "HANOUT_WOO_CONSUMER_SECRET", hide_env_values = true)]
        consumer_secret: String,
        #[arg(long)]
        wp_user: String,
        #[arg(long, env = "HANOUT_WP_APP_PASSWORD", hide_env_values = true)]
        app_password: String,
    },
    /// Both shops of a running `hanout sandbox`, signed in at once: for trainers and tests
    Sandbox {
        #[arg(long)]
        coop: Option<String>,
        #[arg(long, default_value = "http://127.0.0.1:8089")]
        url: String,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the network runtime")
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

fn cooperative(catalog: &Catalog, coop: Option<&str>) -> Result<CooperativeId> {
    Ok(match coop {
        Some(key) => catalog.find_cooperative(key)?,
        None => only(
            catalog.cooperatives()?.into_iter().map(|c| c.id),
            "cooperative",
            "--coop",
        )?,
    })
}

fn add_account(
    catalog: &mut Catalog,
    vault: &Vault,
    coop: CooperativeId,
    id: &str,
    name: &str,
    settings: &Settings,
) -> Result<()> {
    let id = MarketplaceId::new(id);
    catalog.add_marketplace(&id, coop, settings.kind(), name)?;
    catalog.set_marketplace_settings(&id, &serde_json::to_string(settings)?)?;
    println!("added {id}; its secrets are in {}", place(vault));
    Ok(())
}

fn place(vault: &Vault) -> String {
    match vault.place() {
        hanout_market::vault::Place::SystemKeyring { name } => {
            format!("the system keyring ({name})")
        }
        hanout_market::vault::Place::PrivateFile { path } => {
            format!("a file only you can read: {}", path.display())
        }
    }
}

pub fn account(
    catalog: &mut Catalog,
    db: &Path,
    command: AccountCommand,
    out: Output,
) -> Result<()> {
    let vault = Arc::new(Vault::beside(db));
    match command {
        AccountCommand::Add(add) => add_command(catalog, &vault, add),
        AccountCommand::List => {
            let accounts = catalog.marketplaces()?;
            let where_ = place(&vault);
            out.print(
                &accounts
                    .iter()
                    .map(|a| (&a.id, &a.kind, &a.name))
                    .collect::<Vec<_>>(),
                |w| {
                    for a in &accounts {
                        let sign_in = if a.needs_sign_in {
                            "  (sign in again)"
                        } else {
                            ""
                        };
                        writeln!(w, "{}  {}  {}{sign_in}", a.id, a.kind, a.name)?;
                    }
                    writeln!(w, "secrets: {where_}")
                },
            )
        }
        AccountCommand::Refresh { account } => {
            let id = MarketplaceId::new(account.as_str());
            let settings: Settings = serde_json::from_str(&catalog.marketplace(&id)?.settings)
                .with_context(|| format!("reading the settings of {account}"))?;
            let Settings::Etsy(shop) = settings else {
                bail!("{account} is not an Etsy shop: there is nothing to refresh");
            };
            let shop = runtime()?.block_on(read_etsy_shop(shop, &vault, &account, clock()))?;
            let categories = shop.taxonomy.len();
            catalog
                .set_marketplace_settings(&id, &serde_json::to_string(&Settings::Etsy(shop))?)?;
            println!("{account}: {categories} craft categories matched to Etsy's");
            Ok(())
        }
        AccountCommand::Remove { account } => {
            catalog.remove_marketplace(&MarketplaceId::new(account.as_str()))?;
            forget_secrets(&vault, &account)?;
            println!("{account} removed, and its secrets forgotten");
            Ok(())
        }
    }
}

fn add_command(catalog: &mut Catalog, vault: &Arc<Vault>, add: AddAccount) -> Result<()> {
    let now = SystemClock.now();
    match add {
        AddAccount::Etsy {
            coop,
            shop_id,
            keystring,
            shared_secret,
            redirect_uri,
            who_made,
            when_made,
            api,
            www,
        } => {
            let coop = cooperative(catalog, coop.as_deref())?;
            let who_made = match who_made.as_str() {
                "i_did" => WhoMade::IDid,
                "collective" => WhoMade::Collective,
                "someone_else" => WhoMade::SomeoneElse,
                other => bail!("--who-made {other:?}: one of i_did, collective, someone_else"),
            };
            let pkce = sign_in::Pkce::fresh()?;
            println!("Open this page, let Hanout in, then paste the address you land on:");
            println!("{}", pkce.authorize_url(&www, &keystring, &redirect_uri));
            let mut pasted = String::new();
            std::io::stdin().lock().read_line(&mut pasted)?;
            let code = sign_in::code_from(&pasted, &pkce.state)?;
            let key = EtsyKey {
                keystring,
                shared_secret,
            };
            let tokens = runtime()?
                .block_on(Etsy::exchange_code(
                    &api,
                    &key.keystring,
                    &redirect_uri,
                    &code,
                    &pkce,
                    now,
                ))
                .map_err(|r| anyhow!("Etsy refused the sign-in: {r:?}"))?;
            let shop = EtsyShop {
                api,
                shop_id,
                who_made,
                when_made,
                shipping_profile_id: None,
                taxonomy: BTreeMap::new(),
            };
            let id = format!("etsy:{shop_id}");
            store_etsy_secrets(vault, &id, &key, &tokens)?;
            let shop = runtime()?.block_on(read_etsy_shop(shop, vault, &id, clock()))?;
            add_account(
                catalog,
                vault,
                coop,
                &id,
                &format!("Etsy {shop_id}"),
                &Settings::Etsy(shop),
            )
        }
        AddAccount::Woocommerce {
            coop,
            site,
            consumer_key,
            consumer_secret,
            wp_user,
            app_password,
        } => {
            let coop = cooperative(catalog, coop.as_deref())?;
            let host = site
                .split("://")
                .nth(1)
                .unwrap_or(&site)
                .trim_end_matches('/')
                .to_owned();
            let id = format!("woocommerce:{host}");
            store_woo_secrets(
                vault,
                &id,
                &WooCredentials {
                    consumer_key,
                    consumer_secret,
                    wp_user,
                    app_password,
                },
            )?;
            let settings = Settings::Woocommerce(WooShop {
                site,
                categories: BTreeMap::new(),
            });
            add_account(catalog, vault, coop, &id, &host, &settings)
        }
        AddAccount::Sandbox { coop, url } => {
            let coop = cooperative(catalog, coop.as_deref())?;
            runtime()?.block_on(hanout_demo::connect_sandbox(catalog, vault, coop, &url))?;
            println!(
                "added {} and {}; their secrets are in {}",
                hanout_demo::ETSY,
                hanout_demo::WOO,
                place(vault)
            );
            Ok(())
        }
    }
}

/// The adapters for every account of the catalog.
fn markets(catalog: &Catalog, vault: &Arc<Vault>) -> Result<BTreeMap<MarketplaceId, Market>> {
    let accounts = catalog.marketplaces()?;
    Ok(connect_every(
        accounts.iter().map(|a| (&a.id, a.settings.as_str())),
        vault,
        clock(),
    )?)
}

/// `hanout sync`: with `once`, sends what can be sent now and says what is left;
/// otherwise runs like the app does, until Ctrl-C.
/// Takes the catalog: the engine shares it behind a lock.
pub fn sync(catalog: Catalog, db: &Path, once: bool) -> Result<()> {
    let catalog = Mutex::new(catalog);
    let vault = Arc::new(Vault::beside(db));
    let markets = markets(
        &catalog
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        &vault,
    )?;
    if markets.is_empty() {
        bail!("no marketplace account yet: `hanout account add ...`");
    }
    let runtime = runtime()?;
    let mut engine = Engine::new(
        &catalog,
        "hanout sync",
        markets,
        Box::new(SystemClock),
        os_random(),
    )?;
    if once {
        // Asked for by a person, as "send now" in the window: backoffs and pauses end.
        catalog
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .sync_now()?;
        // Waits of up to a minute are waited out; longer ones are left to a later sync,
        // and the summary says what waits.
        let sent =
            runtime.block_on(engine.send_all(&catalog, std::time::Duration::from_secs(60)))?;
        let s = status(
            &catalog
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )?;
        println!(
            "{sent} requests; {} products wait, {} failed, {} changes left",
            s.waiting, s.failed, s.changes
        );
        return Ok(());
    }
    let (signals, rx) = tokio::sync::mpsc::unbounded_channel();
    let syncer = Syncer::new(
        engine,
        Schedule::default(),
        DataSaver::AnyNetwork,
        Network::Unmetered,
        Arc::new(print_event),
    );
    runtime.block_on(async {
        tokio::select! {
            ran = syncer.run(&catalog, rx) => ran.map_err(anyhow::Error::from),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    drop(signals);
    Ok(())
}

fn print_event(event: SyncEvent) {
    match event {
        SyncEvent::Held { why } => println!("held: {why:?}"),
        SyncEvent::Resumed => println!("no longer held"),
        SyncEvent::Unreachable => println!("no marketplace answers; trying again later"),
        SyncEvent::Reachable => println!("the marketplaces answer"),
        SyncEvent::Progress(p) => println!(
            "sending {} of {} changes, {} of {} photo bytes",
            p.changes_sent, p.changes, p.bytes_sent, p.bytes
        ),
        SyncEvent::Ran {
            requests,
            confirmed,
        } => {
            println!("{requests} requests, {confirmed} changes confirmed")
        }
        SyncEvent::Trouble { message } => eprintln!("trouble: {message}"),
    }
}

/// `hanout status`: the queue, and each product on each marketplace.
pub fn show_status(catalog: &Catalog, out: Output) -> Result<()> {
    let s = status(catalog)?;
    out.print(&s, |w| {
        let last = s.last_sync.map_or("never".to_owned(), |t| {
            format!("{} ms since 1970", t.millis())
        });
        writeln!(
            w,
            "{} waiting, {} failed, {} changes, {} photo bytes to send; last answer: {last}",
            s.waiting, s.failed, s.changes, s.bytes_waiting
        )?;
        for (key, lane) in &s.lanes {
            let title = catalog
                .product(key.product)
                .ok()
                .and_then(|e| e.product.fields.title(Lang::Fr).map(str::to_owned))
                .unwrap_or_default();
            let what = match lane {
                LaneStatus::Sent => "sent".to_owned(),
                LaneStatus::Waiting { changes } => format!("waiting ({changes} changes)"),
                LaneStatus::Sending => "sending".to_owned(),
                LaneStatus::Checking => "checking".to_owned(),
                LaneStatus::Failed { reason } => format!("failed: {reason}"),
                LaneStatus::NeedsSignIn => "sign in again".to_owned(),
                LaneStatus::SoldOut => "off: sold out".to_owned(),
            };
            writeln!(
                w,
                "{}  {:<22} {what}  {title}",
                key.product,
                key.marketplace.as_str()
            )?;
        }
        for (market, until) in &s.paused {
            writeln!(
                w,
                "{market} asked for a pause until {} ms since 1970; `hanout sync --once` sends anyway",
                until.millis()
            )?;
        }
        for o in &s.oversells {
            let who = |line: &SoldLine| {
                format!(
                    "{} on {} (order {})",
                    line.buyer.as_deref().unwrap_or("a buyer"),
                    line.marketplace,
                    line.order.as_deref().unwrap_or(&line.line)
                )
            };
            let others: Vec<String> = o.holders.iter().map(who).collect();
            writeln!(
                w,
                "OVERSOLD {}: {} more sold than there was, to {}; the piece went to {}. \
                 Contact a buyer to cancel and refund, or make the piece, then \
                 `hanout sale settle {} {}`",
                o.product,
                o.missing,
                who(&o.line),
                if others.is_empty() {
                    "nobody else".to_owned()
                } else {
                    others.join(", ")
                },
                o.line.marketplace,
                o.line.line
            )?;
        }
        Ok(())
    })
}
