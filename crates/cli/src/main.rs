//! `hanout`: everything the app can do, from a terminal and from scripts.

mod demo;
mod dev;
mod photo;
mod sync;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Parser, Subcommand};
use hanout_domain::{
    ArtisanForm, CatalogEntry, CooperativeForm, Field, FieldError, Lang, Problem, ProductFilter,
    ProductForm, ProductStatus,
};
use hanout_store::{Catalog, StoreError};
use hanout_sync::MarketplaceId;
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "hanout",
    version,
    about = "Hanout: the artisan's shop, offline first"
)]
struct Cli {
    /// The catalog file [default: $HANOUT_DB, else the app's own, in the user's data folder]
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
// Parsed once per run: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Cooperatives and workshops
    #[command(subcommand)]
    Coop(CoopCommand),
    /// Artisans, the makers of products
    #[command(subcommand)]
    Artisan(ArtisanCommand),
    /// Products in the catalog
    #[command(subcommand)]
    Product(ProductCommand),
    /// A product's photos, and what the photo pipeline makes of a file
    #[command(subcommand)]
    Photo(photo::PhotoCommand),
    /// The cooperative's marketplace accounts
    #[command(subcommand)]
    Account(sync::AccountCommand),
    /// Sends the catalog's changes to the marketplaces and pulls sales back; runs until
    /// Ctrl-C unless --once
    Sync {
        /// Send what can be sent now, then stop
        #[arg(long)]
        once: bool,
    },
    /// What waits to be sent, what failed and why, per product and marketplace; and every
    /// piece sold more times than there was
    Status,
    /// Sales pulled from the marketplaces
    #[command(subcommand)]
    Sale(SaleCommand),
    /// A local marketplace (Etsy and WooCommerce alike) with a buyer's page, for demos
    /// and tests: `hanout sandbox --port 8089 --faults "drop=0.1,seed=7"`
    Sandbox(hanout_sandbox::cli::SandboxArgs),
    /// The trainer's demo, in a folder of its own: start (serves until Ctrl-C), reset,
    /// sale
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// The engine's long proofs: `hanout dev simulate --seeds 1..2000`
    #[command(subcommand)]
    Dev(dev::DevCommand),
    /// Show this catalog's settings, or change one
    Settings {
        #[command(subcommand)]
        change: Option<SettingCommand>,
    },
}

#[derive(Subcommand)]
enum SaleCommand {
    /// An oversell is dealt with (a buyer refunded, a piece made): `hanout status` no
    /// longer shows it
    Settle {
        /// The marketplace it sold on, as `hanout status` names it
        marketplace: String,
        /// The order line, as `hanout status` names it
        line: String,
    },
}

#[derive(Subcommand)]
enum SettingCommand {
    /// Keep each photo's original file beside its renditions (off by default)
    KeepOriginals {
        #[arg(value_parser = ["on", "off"])]
        value: String,
    },
}

#[derive(Subcommand)]
enum CoopCommand {
    Add { name: String },
    List,
}

#[derive(Subcommand)]
enum ArtisanCommand {
    Add {
        name: String,
        /// The cooperative, by name or id [default: the only one there is]
        #[arg(long)]
        coop: Option<String>,
        /// National artisan number
        #[arg(long)]
        nia: Option<String>,
    },
    List,
}

#[derive(Subcommand)]
enum ProductCommand {
    /// Add a product (status ready unless --status says otherwise)
    Add(ProductArgs),
    /// Change some of a product's details
    Edit {
        /// The product's id, or its first characters
        id: String,
        #[command(flatten)]
        details: ProductArgs,
    },
    Show {
        id: String,
    },
    /// List products, newest changes first (archived ones only with --status archived)
    List(ListArgs),
    /// Find products by words in their titles, descriptions, materials and maker
    Search {
        query: String,
        #[command(flatten)]
        filter: ListArgs,
    },
    /// Take a product off sale for good, keeping its record
    Archive {
        id: String,
    },
    /// Choose where a product is sold: on a marketplace account (live), there but hidden
    /// from buyers, or off it
    Sell {
        id: String,
        /// The account, as `hanout account list` shows it
        #[arg(long)]
        on: String,
        /// live, hidden or off
        #[arg(long, default_value = "live", value_parser = ["live", "hidden", "off"])]
        how: String,
    },
}

/// A product's details as flags; on `edit`, the flags given replace those details only.
#[derive(Args)]
struct ProductArgs {
    #[arg(long)]
    title_ar: Option<String>,
    #[arg(long)]
    title_fr: Option<String>,
    #[arg(long)]
    title_en: Option<String>,
    #[arg(long)]
    title_tzm: Option<String>,
    #[arg(long)]
    description_ar: Option<String>,
    #[arg(long)]
    description_fr: Option<String>,
    #[arg(long)]
    description_en: Option<String>,
    #[arg(long)]
    description_tzm: Option<String>,
    /// One of: pottery, carpets, clothing, leather, wood, metal, basketry, jewellery,
    /// textiles, stone, argan, other
    #[arg(long)]
    category: Option<String>,
    /// In dirhams: 120, 120.50, 120,50, ١٢٠, 120 DH
    #[arg(long, allow_hyphen_values = true)]
    price: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    quantity: Option<String>,
    /// The artisan who made it, by name or id [default on add: the only one there is]
    #[arg(long)]
    maker: Option<String>,
    /// Comma-separated
    #[arg(long)]
    materials: Option<String>,
    /// Length x width (x height) with a unit: 30 x 20 x 10 cm
    #[arg(long)]
    size: Option<String>,
    /// 800 g, 1.5 kg
    #[arg(long)]
    weight: Option<String>,
    /// draft, ready, listed, sold_out or archived
    #[arg(long)]
    status: Option<String>,
}

#[derive(Args)]
struct ListArgs {
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    category: Option<String>,
    /// By name or id
    #[arg(long)]
    maker: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<StoreError>() {
                // One line per field, as the app shows them beside each field.
                Some(StoreError::Invalid(invalid)) => {
                    for problem in &invalid.0 {
                        eprintln!("error: {problem}");
                    }
                }
                _ => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn db_path(cli_db: Option<PathBuf>) -> Result<PathBuf> {
    cli_db
        .or_else(|| std::env::var_os("HANOUT_DB").map(PathBuf::from))
        .or_else(hanout_store::default_db_path)
        .ok_or_else(|| anyhow!("no data folder is known for this user: give --db PATH"))
}

fn run(cli: Cli) -> Result<()> {
    let out = Output { json: cli.json };
    // The commands that need no catalog file.
    let command = match cli.command {
        Command::Photo(photo::PhotoCommand::Check { file }) => return photo::check(&file, out),
        Command::Dev(command) => return dev::run(command, cli.db),
        // The demo's catalog sits in a folder beside the artisan's, which is not opened.
        Command::Demo(command) => return demo::run(&db_path(cli.db)?, command),
        Command::Sandbox(args) => {
            let runtime = tokio::runtime::Runtime::new().context("starting the sandbox")?;
            return match runtime.block_on(hanout_sandbox::cli::run(args)) {
                ExitCode::SUCCESS => Ok(()),
                _ => Err(anyhow!("the sandbox stopped")),
            };
        }
        other => other,
    };
    let path = db_path(cli.db)?;
    let mut catalog =
        Catalog::open(&path).with_context(|| format!("opening {}", path.display()))?;
    match command {
        Command::Coop(CoopCommand::Add { name }) => {
            let coop = catalog.add_cooperative(&CooperativeForm { name })?;
            out.print(&coop, |w| writeln!(w, "{}  {}", coop.id, coop.name))
        }
        Command::Coop(CoopCommand::List) => {
            let coops = catalog.cooperatives()?;
            out.print(&coops, |w| {
                coops
                    .iter()
                    .try_for_each(|c| writeln!(w, "{}  {}", c.id, c.name))
            })
        }
        Command::Artisan(ArtisanCommand::Add { name, coop, nia }) => {
            let cooperative = match coop {
                Some(key) => catalog.find_cooperative(&key)?,
                None => only(
                    catalog.cooperatives()?.into_iter().map(|c| c.id),
                    "cooperative",
                    "--coop",
                )?,
            };
            let form = ArtisanForm {
                name,
                cooperative: cooperative.to_string(),
                nia: nia.unwrap_or_default(),
            };
            let a = catalog.add_artisan(&form)?;
            out.print(&a, |w| writeln!(w, "{}  {}", a.id, a.fields.name))
        }
        Command::Artisan(ArtisanCommand::List) => {
            let artisans = catalog.artisans()?;
            out.print(&artisans, |w| {
                artisans.iter().try_for_each(|a| {
                    let nia = a.fields.nia.as_ref().map_or("", |n| n.as_str());
                    writeln!(w, "{}  {}  {nia}", a.id, a.fields.name)
                })
            })
        }
        Command::Product(cmd) => product(&mut catalog, cmd, out),
        Command::Photo(cmd) => photo::run(&mut catalog, cmd, out),
        Command::Dev(command) => dev::run(command, Some(path)),
        Command::Demo(_) => Err(anyhow!("the demo keeps its own catalog")),
        Command::Sandbox(_) => Err(anyhow!("the sandbox needs no catalog")),
        Command::Sync { once } => sync::sync(catalog, &path, once),
        Command::Account(command) => sync::account(&mut catalog, &path, command, out),
        Command::Status => sync::show_status(&catalog, out),
        Command::Sale(SaleCommand::Settle { marketplace, line }) => {
            catalog.settle_oversell(&MarketplaceId::new(marketplace), &line)?;
            Ok(())
        }
        Command::Settings { change } => {
            let settings = match change {
                Some(SettingCommand::KeepOriginals { value }) => {
                    catalog.set_keep_originals(value == "on")?
                }
                None => catalog.settings()?,
            };
            let on_off = |b: bool| if b { "on" } else { "off" };
            out.print(&settings, |w| {
                writeln!(w, "keep-originals: {}", on_off(settings.keep_originals))
            })
        }
    }
}

fn product(catalog: &mut Catalog, cmd: ProductCommand, out: Output) -> Result<()> {
    match cmd {
        ProductCommand::Add(details) => {
            let maker = match &details.maker {
                Some(_) => String::new(), // resolved by `apply`
                None => only(
                    catalog.artisans()?.into_iter().map(|a| a.id),
                    "artisan",
                    "--maker",
                )?
                .to_string(),
            };
            let mut form = ProductForm {
                quantity: "1".into(),
                status: ProductStatus::Ready.slug().into(),
                maker,
                ..ProductForm::default()
            };
            details.apply(&mut form, catalog)?;
            let entry = catalog.add_product(&form)?;
            out.print(&entry, |w| write_entry(w, &entry))
        }
        ProductCommand::Edit { id, details } => {
            let id = catalog.find_product(&id)?;
            let mut form = ProductForm::from(&catalog.product(id)?.product.fields);
            details.apply(&mut form, catalog)?;
            let entry = catalog.update_product(id, &form)?;
            out.print(&entry, |w| write_entry(w, &entry))
        }
        ProductCommand::Show { id } => {
            let entry = catalog.product(catalog.find_product(&id)?)?;
            out.print(&entry, |w| write_details(w, &entry))
        }
        ProductCommand::List(args) => {
            let entries = catalog.products(&args.filter(catalog, None)?)?;
            out.print(&entries, |w| {
                entries.iter().try_for_each(|e| write_entry(w, e))
            })
        }
        ProductCommand::Search { query, filter } => {
            let entries = catalog.products(&filter.filter(catalog, Some(query))?)?;
            out.print(&entries, |w| {
                entries.iter().try_for_each(|e| write_entry(w, e))
            })
        }
        ProductCommand::Archive { id } => {
            let entry = catalog.archive_product(catalog.find_product(&id)?)?;
            out.print(&entry, |w| write_entry(w, &entry))
        }
        ProductCommand::Sell { id, on, how } => {
            let product = catalog.find_product(&id)?;
            let account = catalog.marketplace(&MarketplaceId::new(on.as_str()))?;
            catalog.set_listing(product, &account.id, how != "off", how == "live")?;
            let entry = catalog.product(product)?;
            out.print(&entry, |w| {
                writeln!(w, "{} on {}: {how}", title(&entry), account.name)
            })
        }
    }
}

/// The one id there is, or an error that says which flag chooses among several.
pub(crate) fn only<T>(mut ids: impl Iterator<Item = T>, what: &str, flag: &str) -> Result<T> {
    match (ids.next(), ids.next()) {
        (Some(id), None) => Ok(id),
        (None, _) => Err(anyhow!(
            "there is no {what} yet: add one first (hanout {what} add ...)"
        )),
        (Some(_), Some(_)) => Err(anyhow!("there are several {what}s: choose one with {flag}")),
    }
}

impl ProductArgs {
    fn apply(self, form: &mut ProductForm, catalog: &Catalog) -> Result<()> {
        let texts = [
            (Lang::Ar, self.title_ar, self.description_ar),
            (Lang::Fr, self.title_fr, self.description_fr),
            (Lang::En, self.title_en, self.description_en),
            (Lang::Tzm, self.title_tzm, self.description_tzm),
        ];
        for (lang, title, description) in texts {
            if let Some(t) = title {
                form.titles.insert(lang, t);
            }
            if let Some(d) = description {
                form.descriptions.insert(lang, d);
            }
        }
        let set = |field: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *field = v;
            }
        };
        set(&mut form.category, self.category);
        set(&mut form.price, self.price);
        set(&mut form.quantity, self.quantity);
        set(&mut form.materials, self.materials);
        set(&mut form.dimensions, self.size);
        set(&mut form.weight, self.weight);
        set(&mut form.status, self.status);
        if let Some(key) = self.maker {
            form.maker = catalog.find_artisan(&key)?.to_string();
        }
        Ok(())
    }
}

impl ListArgs {
    fn filter(self, catalog: &Catalog, query: Option<String>) -> Result<ProductFilter> {
        // The same wording as a form's: "status is not a known status: use one of ...".
        let status = |s: String| {
            s.parse()
                .map_err(|()| FieldError::new(Field::Status, Problem::UnknownStatus))
        };
        let category = |c: String| {
            c.parse()
                .map_err(|()| FieldError::new(Field::Category, Problem::UnknownCategory))
        };
        Ok(ProductFilter {
            query,
            status: self.status.map(status).transpose()?,
            category: self.category.map(category).transpose()?,
            maker: self.maker.map(|m| catalog.find_artisan(&m)).transpose()?,
            limit: self.limit,
            offset: self.offset,
        })
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Output {
    json: bool,
}

impl Output {
    fn print<T: Serialize>(
        self,
        value: &T,
        text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let mut stdout = std::io::stdout().lock();
        if self.json {
            serde_json::to_writer_pretty(&mut stdout, value)?;
            writeln!(stdout)?;
        } else {
            text(&mut stdout)?;
        }
        Ok(())
    }
}

fn title(e: &CatalogEntry) -> &str {
    e.product.fields.title(Lang::Fr).unwrap_or("(untitled)")
}

fn write_entry(w: &mut dyn Write, e: &CatalogEntry) -> std::io::Result<()> {
    let f = &e.product.fields;
    writeln!(
        w,
        "{}  {:>12}  x{:<3} {:<8} {:<9} {}  — {}",
        e.product.id,
        f.price.to_string(),
        f.quantity,
        f.status.slug(),
        f.category.slug(),
        title(e),
        e.maker_name
    )
}

fn write_details(w: &mut dyn Write, e: &CatalogEntry) -> std::io::Result<()> {
    let f = &e.product.fields;
    writeln!(w, "id:        {}", e.product.id)?;
    for (lang, t) in &f.titles {
        writeln!(w, "title {:<4} {t}", lang.code())?;
    }
    for (lang, d) in &f.descriptions {
        writeln!(w, "about {:<4} {d}", lang.code())?;
    }
    writeln!(w, "category:  {}", f.category.label())?;
    writeln!(w, "price:     {}", f.price)?;
    writeln!(w, "quantity:  {}", f.quantity)?;
    writeln!(w, "maker:     {}", e.maker_name)?;
    writeln!(w, "status:    {}", f.status.slug())?;
    if !f.materials.is_empty() {
        writeln!(w, "materials: {}", f.materials.join(", "))?;
    }
    if let Some(d) = f.dimensions {
        writeln!(w, "size:      {d}")?;
    }
    if let Some(wt) = f.weight {
        writeln!(w, "weight:    {wt}")?;
    }
    Ok(())
}
