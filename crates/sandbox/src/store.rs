//! The sandbox's own SQLite: Etsy listings, photos, receipts and tokens; WooCommerce
//! products and orders; WordPress media. Photos are stored as bytes.
//!
//! Handlers hold the store's lock for the whole of a request's database work and make
//! every change inside one transaction ([`Store::transaction`]); reads go through
//! [`Store::conn`]. Rich, rarely queried parts (a listing's attributes and inventory, an
//! order's line items) are JSON columns.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

pub(crate) type Result<T> = rusqlite::Result<T>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS counter (
    name TEXT PRIMARY KEY,
    next INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS etsy_listing (
    listing_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    attrs TEXT NOT NULL,
    inventory TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    state_ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS etsy_image (
    listing_image_id INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES etsy_listing(listing_id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    alt_text TEXT,
    mime TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS etsy_image_listing ON etsy_image(listing_id, rank);
CREATE TABLE IF NOT EXISTS etsy_receipt (
    receipt_id INTEGER PRIMARY KEY,
    buyer_user_id INTEGER NOT NULL,
    buyer_name TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS etsy_transaction (
    transaction_id INTEGER PRIMARY KEY,
    receipt_id INTEGER NOT NULL REFERENCES etsy_receipt(receipt_id),
    listing_id INTEGER NOT NULL,
    product_id INTEGER,
    sku TEXT NOT NULL,
    title TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price_cents INTEGER NOT NULL,
    listing_image_id INTEGER,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS etsy_token (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    expires INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    challenge TEXT,
    redirect_uri TEXT
);
CREATE TABLE IF NOT EXISTS woo_product (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    sku TEXT NOT NULL,
    status TEXT NOT NULL,
    description TEXT NOT NULL,
    short_description TEXT NOT NULL,
    regular_price TEXT NOT NULL,
    manage_stock INTEGER NOT NULL,
    stock_quantity INTEGER,
    stock_status TEXT NOT NULL,
    images TEXT NOT NULL,
    total_sales INTEGER NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS wp_media (
    id INTEGER PRIMARY KEY,
    filename TEXT NOT NULL,
    title TEXT NOT NULL,
    mime TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS woo_order (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    line_items TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);
";

/// Columns added after the first release, with the value rows that predate them take:
/// an older sandbox file gains them when opened. (Etsy receipts from then were paid and
/// not shipped; WooCommerce orders from then were `processing` and had lowered the stock.)
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("etsy_receipt", "status", "TEXT NOT NULL DEFAULT 'paid'"),
    ("etsy_receipt", "is_paid", "INTEGER NOT NULL DEFAULT 1"),
    ("etsy_receipt", "is_shipped", "INTEGER NOT NULL DEFAULT 0"),
    ("etsy_receipt", "paid_at", "INTEGER"),
    ("etsy_receipt", "shipped_at", "INTEGER"),
    ("woo_order", "buyer", "TEXT NOT NULL DEFAULT 'Amina Benali'"),
    ("woo_order", "stock_reduced", "INTEGER NOT NULL DEFAULT 1"),
    ("woo_order", "sales_recorded", "INTEGER NOT NULL DEFAULT 1"),
    ("woo_order", "paid", "INTEGER"),
    ("woo_order", "completed", "INTEGER"),
];

/// Where each kind of id starts: far apart, so that an id used in the wrong place fails.
const COUNTERS: &[(&str, i64)] = &[
    ("etsy_listing", 4_100_000_001),
    ("etsy_image", 6_200_000_001),
    ("etsy_product", 19_000_000_001),
    ("etsy_offering", 21_000_000_001),
    ("etsy_receipt", 3_300_000_001),
    ("etsy_transaction", 4_700_000_001),
    ("woo_product", 101),
    ("wp_media", 501),
    ("woo_order", 1001),
    ("woo_line_item", 1),
];

pub(crate) struct Store {
    conn: Connection,
}

impl Store {
    pub(crate) fn open(path: Option<&Path>) -> Result<Store> {
        let conn = match path {
            Some(path) => Connection::open(path)?,
            None => Connection::open_in_memory()?,
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // `journal_mode` answers with a row; in memory it stays "memory".
        let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;")?;
        let mut store = Store { conn };
        let tx = store.transaction()?;
        tx.execute_batch(SCHEMA)?;
        add_missing_columns(&tx)?;
        start_counters(&tx)?;
        tx.commit()?;
        Ok(store)
    }

    /// Empties both shops as on a first start, tokens included: a demo's "reset".
    pub(crate) fn clear(&mut self) -> Result<()> {
        let tx = self.transaction()?;
        tx.execute_batch(
            "DELETE FROM etsy_image; DELETE FROM etsy_transaction; DELETE FROM etsy_receipt; \
             DELETE FROM etsy_listing; DELETE FROM etsy_token; DELETE FROM woo_product; \
             DELETE FROM wp_media; DELETE FROM woo_order; DELETE FROM counter;",
        )?;
        start_counters(&tx)?;
        tx.commit()
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A write transaction: every mutation of a request commits through one.
    pub(crate) fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }
}

fn add_missing_columns(tx: &Transaction<'_>) -> Result<()> {
    for (table, column, declaration) in ADDED_COLUMNS {
        let present: bool = tx.query_row(
            "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
            params![table, column],
            |r| r.get(0),
        )?;
        if !present {
            tx.execute_batch(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} {declaration}"
            ))?;
        }
    }
    // Receipts from before `paid_at` were paid when they were made.
    tx.execute(
        "UPDATE etsy_receipt SET paid_at = created WHERE paid_at IS NULL AND is_paid = 1",
        [],
    )?;
    Ok(())
}

fn start_counters(tx: &Transaction<'_>) -> Result<()> {
    for (name, start) in COUNTERS {
        tx.execute(
            "INSERT OR IGNORE INTO counter(name, next) VALUES (?1, ?2)",
            params![name, start],
        )?;
    }
    Ok(())
}

pub(crate) fn next_id(c: &Connection, name: &str) -> Result<i64> {
    c.query_row(
        "UPDATE counter SET next = next + 1 WHERE name = ?1 RETURNING next - 1",
        [name],
        |r| r.get(0),
    )
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn from_json<T: for<'de> Deserialize<'de>>(column: usize, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

// ---------------------------------------------------------------------------------------
// Etsy

/// The listing fields that are stored as given and only echoed back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Attrs {
    pub who_made: Option<String>,
    pub when_made: Option<String>,
    pub taxonomy_id: Option<i64>,
    pub shipping_profile_id: Option<i64>,
    pub return_policy_id: Option<i64>,
    pub shop_section_id: Option<i64>,
    pub tags: Vec<String>,
    pub materials: Vec<String>,
    pub styles: Vec<String>,
    pub is_supply: Option<bool>,
    pub is_customizable: bool,
    pub is_personalizable: bool,
    pub personalization_is_required: bool,
    pub personalization_char_count_max: Option<i64>,
    pub personalization_instructions: Option<String>,
    pub should_auto_renew: bool,
    pub is_taxable: bool,
    pub listing_type: String,
    pub processing_min: Option<i64>,
    pub processing_max: Option<i64>,
    pub item_weight: Option<f64>,
    pub item_weight_unit: Option<String>,
    pub item_length: Option<f64>,
    pub item_width: Option<f64>,
    pub item_height: Option<f64>,
    pub item_dimensions_unit: Option<String>,
    pub featured_rank: Option<i64>,
    pub production_partner_ids: Vec<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Inventory {
    pub products: Vec<InventoryProduct>,
    pub price_on_property: Vec<i64>,
    pub quantity_on_property: Vec<i64>,
    pub sku_on_property: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct InventoryProduct {
    pub product_id: i64,
    pub sku: String,
    pub property_values: Vec<PropertyValue>,
    pub offerings: Vec<Offering>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct PropertyValue {
    pub property_id: i64,
    pub property_name: Option<String>,
    pub scale_id: Option<i64>,
    pub value_ids: Vec<i64>,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Offering {
    pub offering_id: i64,
    /// In centimes of the shop's currency.
    pub price_cents: i64,
    pub quantity: i64,
    pub is_enabled: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Listing {
    pub listing_id: i64,
    pub state: String,
    pub title: String,
    pub description: String,
    pub attrs: Attrs,
    pub inventory: Inventory,
    pub created: i64,
    pub updated: i64,
    pub state_ts: i64,
}

impl Listing {
    /// Moves the listing to `state`, noting when, if it is not there already.
    pub(crate) fn set_state(&mut self, state: &str, now: i64) {
        if self.state != state {
            self.state = state.to_owned();
            self.state_ts = now;
        }
    }

    /// Etsy's rule after stock changes: a live listing with nothing left is sold out,
    /// and a sold-out one restocked is live again.
    pub(crate) fn follow_stock(&mut self, now: i64) {
        match (self.state.as_str(), self.quantity()) {
            ("active", 0) => self.set_state("sold_out", now),
            ("sold_out", q) if q > 0 => self.set_state("active", now),
            _ => {}
        }
    }

    fn offerings(&self) -> impl Iterator<Item = &Offering> {
        self.inventory.products.iter().flat_map(|p| &p.offerings)
    }

    /// What buyers can buy: the enabled offerings' quantities.
    pub(crate) fn quantity(&self) -> i64 {
        self.offerings()
            .filter(|o| o.is_enabled)
            .map(|o| o.quantity)
            .sum()
    }

    /// The lowest price, in centimes.
    pub(crate) fn price_cents(&self) -> i64 {
        let enabled = self
            .offerings()
            .filter(|o| o.is_enabled)
            .map(|o| o.price_cents)
            .min();
        enabled
            .or_else(|| self.offerings().map(|o| o.price_cents).min())
            .unwrap_or(0)
    }

    pub(crate) fn skus(&self) -> Vec<String> {
        let mut skus: Vec<String> = Vec::new();
        for p in &self.inventory.products {
            if !p.sku.is_empty() && !skus.contains(&p.sku) {
                skus.push(p.sku.clone());
            }
        }
        skus
    }
}

fn listing_row(r: &rusqlite::Row<'_>) -> Result<Listing> {
    let attrs: String = r.get(4)?;
    let inventory: String = r.get(5)?;
    Ok(Listing {
        listing_id: r.get(0)?,
        state: r.get(1)?,
        title: r.get(2)?,
        description: r.get(3)?,
        attrs: from_json(4, &attrs)?,
        inventory: from_json(5, &inventory)?,
        created: r.get(6)?,
        updated: r.get(7)?,
        state_ts: r.get(8)?,
    })
}

const LISTING_COLUMNS: &str =
    "listing_id, state, title, description, attrs, inventory, created, updated, state_ts";

pub(crate) fn listing(c: &Connection, id: i64) -> Result<Option<Listing>> {
    c.query_row(
        &format!("SELECT {LISTING_COLUMNS} FROM etsy_listing WHERE listing_id = ?1"),
        [id],
        listing_row,
    )
    .optional()
}

pub(crate) fn listings(c: &Connection) -> Result<Vec<Listing>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {LISTING_COLUMNS} FROM etsy_listing ORDER BY listing_id"
    ))?;
    let rows = stmt.query_map([], listing_row)?;
    rows.collect()
}

pub(crate) fn insert_listing(c: &Connection, listing: &Listing) -> Result<()> {
    c.execute(
        &format!("INSERT INTO etsy_listing ({LISTING_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        params![
            listing.listing_id,
            listing.state,
            listing.title,
            listing.description,
            to_json(&listing.attrs),
            to_json(&listing.inventory),
            listing.created,
            listing.updated,
            listing.state_ts
        ],
    )?;
    Ok(())
}

pub(crate) fn save_listing(c: &Connection, listing: &Listing) -> Result<()> {
    c.execute(
        "UPDATE etsy_listing SET state = ?2, title = ?3, description = ?4, attrs = ?5,
                inventory = ?6, updated = ?7, state_ts = ?8
         WHERE listing_id = ?1",
        params![
            listing.listing_id,
            listing.state,
            listing.title,
            listing.description,
            to_json(&listing.attrs),
            to_json(&listing.inventory),
            listing.updated,
            listing.state_ts
        ],
    )?;
    Ok(())
}

/// Deletes a listing and its photos. Receipts keep their `listing_id`.
pub(crate) fn delete_listing(c: &Connection, id: i64) -> Result<bool> {
    c.execute("DELETE FROM etsy_image WHERE listing_id = ?1", [id])?;
    Ok(c.execute("DELETE FROM etsy_listing WHERE listing_id = ?1", [id])? > 0)
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Image {
    pub listing_image_id: i64,
    pub listing_id: i64,
    pub rank: i64,
    pub alt_text: Option<String>,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub sha256: String,
    pub size: i64,
    pub created: i64,
}

fn image_row(r: &rusqlite::Row<'_>) -> Result<Image> {
    Ok(Image {
        listing_image_id: r.get(0)?,
        listing_id: r.get(1)?,
        rank: r.get(2)?,
        alt_text: r.get(3)?,
        mime: r.get(4)?,
        width: r.get(5)?,
        height: r.get(6)?,
        sha256: r.get(7)?,
        size: r.get(8)?,
        created: r.get(9)?,
    })
}

const IMAGE_COLUMNS: &str = "listing_image_id, listing_id, rank, alt_text, mime, width, height, sha256, length(bytes), created";

/// A listing's photos in rank order.
pub(crate) fn images(c: &Connection, listing_id: i64) -> Result<Vec<Image>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {IMAGE_COLUMNS} FROM etsy_image WHERE listing_id = ?1 ORDER BY rank, listing_image_id"
    ))?;
    let rows = stmt.query_map([listing_id], image_row)?;
    rows.collect()
}

pub(crate) fn image(c: &Connection, image_id: i64) -> Result<Option<Image>> {
    c.query_row(
        &format!("SELECT {IMAGE_COLUMNS} FROM etsy_image WHERE listing_image_id = ?1"),
        [image_id],
        image_row,
    )
    .optional()
}

pub(crate) fn image_bytes(c: &Connection, image_id: i64) -> Result<Option<(String, Vec<u8>)>> {
    c.query_row(
        "SELECT mime, bytes FROM etsy_image WHERE listing_image_id = ?1",
        [image_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

pub(crate) struct NewImage<'a> {
    pub listing_image_id: i64,
    pub listing_id: i64,
    pub alt_text: Option<&'a str>,
    pub mime: &'a str,
    pub width: i64,
    pub height: i64,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
    pub created: i64,
}

pub(crate) fn insert_image(c: &Connection, image: &NewImage<'_>) -> Result<()> {
    c.execute(
        "INSERT INTO etsy_image (listing_image_id, listing_id, rank, alt_text, mime, width, height,
                                 sha256, bytes, created)
         VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            image.listing_image_id,
            image.listing_id,
            image.alt_text,
            image.mime,
            image.width,
            image.height,
            image.sha256,
            image.bytes,
            image.created
        ],
    )?;
    Ok(())
}

pub(crate) fn delete_image(c: &Connection, image_id: i64) -> Result<()> {
    c.execute(
        "DELETE FROM etsy_image WHERE listing_image_id = ?1",
        [image_id],
    )?;
    Ok(())
}

pub(crate) fn set_alt_text(c: &Connection, image_id: i64, alt_text: &str) -> Result<()> {
    c.execute(
        "UPDATE etsy_image SET alt_text = ?2 WHERE listing_image_id = ?1",
        params![image_id, alt_text],
    )?;
    Ok(())
}

/// Ranks the given photos 1, 2, 3… in this order.
pub(crate) fn set_ranks(c: &Connection, ordered: &[i64]) -> Result<()> {
    for (i, id) in ordered.iter().enumerate() {
        c.execute(
            "UPDATE etsy_image SET rank = ?2 WHERE listing_image_id = ?1",
            params![id, i as i64 + 1],
        )?;
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Receipt {
    pub receipt_id: i64,
    pub buyer_user_id: i64,
    pub buyer_name: String,
    /// One of `ShopReceipt.status`: `paid`, `completed`, `open`, `payment processing`,
    /// `canceled`, `fully refunded`, `partially refunded`.
    pub status: String,
    pub is_paid: bool,
    pub is_shipped: bool,
    pub paid_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub transactions: Vec<ReceiptLine>,
}

/// A line of a receipt (`ShopReceiptTransaction`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct ReceiptLine {
    pub transaction_id: i64,
    pub listing_id: i64,
    pub product_id: Option<i64>,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub price_cents: i64,
    pub listing_image_id: Option<i64>,
    pub created: i64,
}

pub(crate) fn insert_receipt(c: &Connection, receipt: &Receipt) -> Result<()> {
    c.execute(
        "INSERT INTO etsy_receipt (receipt_id, buyer_user_id, buyer_name, created, updated)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            receipt.receipt_id,
            receipt.buyer_user_id,
            receipt.buyer_name,
            receipt.created,
            receipt.updated
        ],
    )?;
    save_receipt_status(c, receipt)?;
    for t in &receipt.transactions {
        c.execute(
            "INSERT INTO etsy_transaction (transaction_id, receipt_id, listing_id, product_id, sku,
                                           title, quantity, price_cents, listing_image_id, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                t.transaction_id,
                receipt.receipt_id,
                t.listing_id,
                t.product_id,
                t.sku,
                t.title,
                t.quantity,
                t.price_cents,
                t.listing_image_id,
                t.created
            ],
        )?;
    }
    Ok(())
}

/// What changes on a receipt after the sale: its status, paid and shipped flags, and
/// `updated`.
pub(crate) fn save_receipt_status(c: &Connection, receipt: &Receipt) -> Result<()> {
    c.execute(
        "UPDATE etsy_receipt SET status = ?2, is_paid = ?3, is_shipped = ?4, paid_at = ?5,
                shipped_at = ?6, updated = ?7
         WHERE receipt_id = ?1",
        params![
            receipt.receipt_id,
            receipt.status,
            receipt.is_paid,
            receipt.is_shipped,
            receipt.paid_at,
            receipt.shipped_at,
            receipt.updated
        ],
    )?;
    Ok(())
}

/// One receipt with its lines.
pub(crate) fn receipt(c: &Connection, id: i64) -> Result<Option<Receipt>> {
    Ok(receipts(c)?.into_iter().find(|r| r.receipt_id == id))
}

pub(crate) fn receipts(c: &Connection) -> Result<Vec<Receipt>> {
    let mut stmt = c.prepare(
        "SELECT receipt_id, buyer_user_id, buyer_name, created, updated, status, is_paid,
                is_shipped, paid_at, shipped_at
         FROM etsy_receipt ORDER BY receipt_id",
    )?;
    let mut receipts: Vec<Receipt> = stmt
        .query_map([], |r| {
            Ok(Receipt {
                receipt_id: r.get(0)?,
                buyer_user_id: r.get(1)?,
                buyer_name: r.get(2)?,
                created: r.get(3)?,
                updated: r.get(4)?,
                status: r.get(5)?,
                is_paid: r.get(6)?,
                is_shipped: r.get(7)?,
                paid_at: r.get(8)?,
                shipped_at: r.get(9)?,
                transactions: Vec::new(),
            })
        })?
        .collect::<Result<_>>()?;
    let mut stmt = c.prepare(
        "SELECT transaction_id, listing_id, product_id, sku, title, quantity, price_cents,
                listing_image_id, created, receipt_id
         FROM etsy_transaction ORDER BY transaction_id",
    )?;
    let lines = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(9)?,
            ReceiptLine {
                transaction_id: r.get(0)?,
                listing_id: r.get(1)?,
                product_id: r.get(2)?,
                sku: r.get(3)?,
                title: r.get(4)?,
                quantity: r.get(5)?,
                price_cents: r.get(6)?,
                listing_image_id: r.get(7)?,
                created: r.get(8)?,
            },
        ))
    })?;
    for line in lines {
        let (receipt_id, t) = line?;
        if let Some(receipt) = receipts.iter_mut().find(|r| r.receipt_id == receipt_id) {
            receipt.transactions.push(t);
        }
    }
    Ok(receipts)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub token: String,
    /// `code`, `access` or `refresh`.
    pub kind: String,
    pub user_id: i64,
    pub scopes: String,
    pub expires: i64,
    pub used: bool,
    pub challenge: Option<String>,
    pub redirect_uri: Option<String>,
}

pub(crate) fn insert_token(c: &Connection, t: &Token) -> Result<()> {
    c.execute(
        "INSERT INTO etsy_token (token, kind, user_id, scopes, expires, used, challenge, redirect_uri)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            t.token,
            t.kind,
            t.user_id,
            t.scopes,
            t.expires,
            t.used,
            t.challenge,
            t.redirect_uri
        ],
    )?;
    Ok(())
}

pub(crate) fn token(c: &Connection, token: &str, kind: &str) -> Result<Option<Token>> {
    c.query_row(
        "SELECT token, kind, user_id, scopes, expires, used, challenge, redirect_uri
         FROM etsy_token WHERE token = ?1 AND kind = ?2",
        params![token, kind],
        |r| {
            Ok(Token {
                token: r.get(0)?,
                kind: r.get(1)?,
                user_id: r.get(2)?,
                scopes: r.get(3)?,
                expires: r.get(4)?,
                used: r.get(5)?,
                challenge: r.get(6)?,
                redirect_uri: r.get(7)?,
            })
        },
    )
    .optional()
}

pub(crate) fn use_token(c: &Connection, token: &str) -> Result<()> {
    c.execute("UPDATE etsy_token SET used = 1 WHERE token = ?1", [token])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// WooCommerce and WordPress

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Product {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub sku: String,
    pub status: String,
    pub description: String,
    pub short_description: String,
    pub regular_price: String,
    pub manage_stock: bool,
    pub stock_quantity: Option<i64>,
    pub stock_status: String,
    /// Media ids, in the order of the product's gallery (the first is the main photo).
    pub images: Vec<i64>,
    pub total_sales: i64,
    pub created: i64,
    pub modified: i64,
}

const PRODUCT_COLUMNS: &str =
    "id, name, slug, sku, status, description, short_description, regular_price,
     manage_stock, stock_quantity, stock_status, images, total_sales, created, modified";

fn product_row(r: &rusqlite::Row<'_>) -> Result<Product> {
    let images: String = r.get(11)?;
    Ok(Product {
        id: r.get(0)?,
        name: r.get(1)?,
        slug: r.get(2)?,
        sku: r.get(3)?,
        status: r.get(4)?,
        description: r.get(5)?,
        short_description: r.get(6)?,
        regular_price: r.get(7)?,
        manage_stock: r.get(8)?,
        stock_quantity: r.get(9)?,
        stock_status: r.get(10)?,
        images: from_json(11, &images)?,
        total_sales: r.get(12)?,
        created: r.get(13)?,
        modified: r.get(14)?,
    })
}

pub(crate) fn product(c: &Connection, id: i64) -> Result<Option<Product>> {
    c.query_row(
        &format!("SELECT {PRODUCT_COLUMNS} FROM woo_product WHERE id = ?1"),
        [id],
        product_row,
    )
    .optional()
}

pub(crate) fn products(c: &Connection) -> Result<Vec<Product>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM woo_product ORDER BY id"
    ))?;
    let rows = stmt.query_map([], product_row)?;
    rows.collect()
}

/// The product outside the trash holding this SKU, compared as MySQL's default collation
/// does (case-insensitive).
pub(crate) fn product_by_sku(
    c: &Connection,
    sku: &str,
    except: Option<i64>,
) -> Result<Option<i64>> {
    c.query_row(
        "SELECT id FROM woo_product
         WHERE sku = ?1 COLLATE NOCASE AND sku != '' AND status != 'trash' AND id != ?2
         ORDER BY id LIMIT 1",
        params![sku, except.unwrap_or(0)],
        |r| r.get(0),
    )
    .optional()
}

pub(crate) fn save_product(c: &Connection, p: &Product) -> Result<()> {
    c.execute(
        &format!(
            "INSERT OR REPLACE INTO woo_product ({PRODUCT_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        ),
        params![
            p.id,
            p.name,
            p.slug,
            p.sku,
            p.status,
            p.description,
            p.short_description,
            p.regular_price,
            p.manage_stock,
            p.stock_quantity,
            p.stock_status,
            to_json(&p.images),
            p.total_sales,
            p.created,
            p.modified
        ],
    )?;
    Ok(())
}

pub(crate) fn delete_product(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM woo_product WHERE id = ?1", [id])? > 0)
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Media {
    pub id: i64,
    pub filename: String,
    pub title: String,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub sha256: String,
    pub size: i64,
    pub created: i64,
}

const MEDIA_COLUMNS: &str =
    "id, filename, title, mime, width, height, sha256, length(bytes), created";

fn media_row(r: &rusqlite::Row<'_>) -> Result<Media> {
    Ok(Media {
        id: r.get(0)?,
        filename: r.get(1)?,
        title: r.get(2)?,
        mime: r.get(3)?,
        width: r.get(4)?,
        height: r.get(5)?,
        sha256: r.get(6)?,
        size: r.get(7)?,
        created: r.get(8)?,
    })
}

pub(crate) fn media(c: &Connection, id: i64) -> Result<Option<Media>> {
    c.query_row(
        &format!("SELECT {MEDIA_COLUMNS} FROM wp_media WHERE id = ?1"),
        [id],
        media_row,
    )
    .optional()
}

pub(crate) fn all_media(c: &Connection) -> Result<Vec<Media>> {
    let mut stmt = c.prepare(&format!("SELECT {MEDIA_COLUMNS} FROM wp_media ORDER BY id"))?;
    let rows = stmt.query_map([], media_row)?;
    rows.collect()
}

pub(crate) fn media_bytes(c: &Connection, id: i64) -> Result<Option<(String, String, Vec<u8>)>> {
    c.query_row(
        "SELECT filename, mime, bytes FROM wp_media WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub(crate) fn insert_media(c: &Connection, m: &Media, bytes: &[u8]) -> Result<()> {
    c.execute(
        "INSERT INTO wp_media (id, filename, title, mime, width, height, sha256, bytes, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            m.id, m.filename, m.title, m.mime, m.width, m.height, m.sha256, bytes, m.created
        ],
    )?;
    Ok(())
}

pub(crate) fn delete_media(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM wp_media WHERE id = ?1", [id])? > 0)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct LineItem {
    pub id: i64,
    pub product_id: i64,
    pub name: String,
    pub sku: String,
    pub quantity: i64,
    pub price_cents: i64,
    pub image_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Order {
    pub id: i64,
    /// `pending`, `on-hold`, `processing`, `completed`, `cancelled`, `refunded` or `failed`.
    pub status: String,
    pub line_items: Vec<LineItem>,
    /// The billing name.
    pub buyer: String,
    /// WooCommerce's `_order_stock_reduced`: the stock was lowered for this order and not
    /// given back since.
    pub stock_reduced: bool,
    /// WooCommerce's `_recorded_sales`: the products' `total_sales` counted this order.
    pub sales_recorded: bool,
    pub paid: Option<i64>,
    pub completed: Option<i64>,
    pub created: i64,
    pub modified: i64,
}

const ORDER_COLUMNS: &str = "id, status, line_items, buyer, stock_reduced, sales_recorded, paid,
     completed, created, modified";

/// Inserts or replaces the whole order.
pub(crate) fn save_order(c: &Connection, o: &Order) -> Result<()> {
    c.execute(
        &format!(
            "INSERT OR REPLACE INTO woo_order ({ORDER_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        params![
            o.id,
            o.status,
            to_json(&o.line_items),
            o.buyer,
            o.stock_reduced,
            o.sales_recorded,
            o.paid,
            o.completed,
            o.created,
            o.modified
        ],
    )?;
    Ok(())
}

fn order_row(r: &rusqlite::Row<'_>) -> Result<Order> {
    let items: String = r.get(2)?;
    Ok(Order {
        id: r.get(0)?,
        status: r.get(1)?,
        line_items: from_json(2, &items)?,
        buyer: r.get(3)?,
        stock_reduced: r.get(4)?,
        sales_recorded: r.get(5)?,
        paid: r.get(6)?,
        completed: r.get(7)?,
        created: r.get(8)?,
        modified: r.get(9)?,
    })
}

pub(crate) fn orders(c: &Connection) -> Result<Vec<Order>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {ORDER_COLUMNS} FROM woo_order ORDER BY id"
    ))?;
    let rows = stmt.query_map([], order_row)?;
    rows.collect()
}

pub(crate) fn order(c: &Connection, id: i64) -> Result<Option<Order>> {
    c.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM woo_order WHERE id = ?1"),
        [id],
        order_row,
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sandbox file from before receipts and orders changed after the sale opens with
    /// their old rows as they were: receipts paid (when made), orders having lowered the
    /// stock.
    #[test]
    fn an_older_file_gains_the_new_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE etsy_receipt (receipt_id INTEGER PRIMARY KEY,
                     buyer_user_id INTEGER NOT NULL, buyer_name TEXT NOT NULL,
                     created INTEGER NOT NULL, updated INTEGER NOT NULL);
                 INSERT INTO etsy_receipt VALUES (3300000001, 7, 'Amina', 100, 100);
                 CREATE TABLE woo_order (id INTEGER PRIMARY KEY, status TEXT NOT NULL,
                     line_items TEXT NOT NULL, created INTEGER NOT NULL,
                     modified INTEGER NOT NULL);
                 INSERT INTO woo_order VALUES (1001, 'processing', '[]', 100, 100);",
            )
            .unwrap();
        }
        let store = Store::open(Some(&path)).unwrap();
        let receipt = receipt(store.conn(), 3300000001).unwrap().unwrap();
        assert_eq!(receipt.status, "paid");
        assert!(receipt.is_paid && !receipt.is_shipped);
        assert_eq!(receipt.paid_at, Some(100));
        let order = order(store.conn(), 1001).unwrap().unwrap();
        assert!(order.stock_reduced && order.sales_recorded);
        assert_eq!(order.buyer, "Amina Benali");
        drop(store);
        // Opening again changes nothing.
        let store = Store::open(Some(&path)).unwrap();
        assert_eq!(receipts(store.conn()).unwrap().len(), 1);
    }
}
