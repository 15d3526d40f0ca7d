//! Sales and what happens to them afterwards: a buyer's purchase (an Etsy receipt or a
//! WooCommerce order, the stock going down), then the order's life on the marketplace,
//! which keeps changing it after the sale:
//!
//! - Etsy receipts move between `ShopReceipt.status` values (`paid`, `completed`,
//!   `canceled`, `fully refunded`, ...; the OpenAPI document's enum) with `is_paid`,
//!   `is_shipped` and `updated_timestamp` following. A cancellation or a refund gives
//!   nothing back to the listing: "Canceling a sold-out item doesn't put the item back in
//!   your shop" (Etsy Help, "How to Cancel a Sale", help.etsy.com 115015587347).
//! - WooCommerce orders move between `pending`, `on-hold`, `processing`, `completed`,
//!   `cancelled`, `refunded` and `failed`. The stock is lowered once per order when it
//!   enters `on-hold`, `processing` or `completed` (`wc_maybe_reduce_stock_levels`) and
//!   given back when an order that lowered it goes `cancelled` or `pending`
//!   (`wc_maybe_increase_stock_levels`, both in `includes/wc-stock-functions.php`) or is
//!   refunded with its items restocked (`wc_restock_refunded_items`). Each change moves
//!   the order's `date_modified`; the product's stock changes without touching the
//!   product's `date_modified` (`wc_update_product_stock`).

use rand::Rng;
use serde_json::{Value, json};

use crate::store::{self, LineItem, Order, Receipt, ReceiptLine};
use crate::{App, lock};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Market {
    Etsy,
    Woo,
}

impl Market {
    pub(crate) fn parse(s: &str) -> Option<Market> {
        match s {
            "etsy" => Some(Market::Etsy),
            "woocommerce" | "woo" => Some(Market::Woo),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Market::Etsy => "etsy",
            Market::Woo => "woocommerce",
        }
    }
}

/// Why a sale or a status change was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoSale {
    NotFound,
    NotLive,
    SoldOut,
    NotEnough,
    BadQuantity,
    /// A status the market does not have (or a sale cannot start in).
    BadStatus,
    /// A change the market does not make (an Etsy receipt never leaves `canceled`).
    Final,
}

impl NoSale {
    pub(crate) fn code(self) -> &'static str {
        match self {
            NoSale::NotFound => "not_found",
            NoSale::NotLive => "not_live",
            NoSale::SoldOut => "sold_out",
            NoSale::NotEnough => "not_enough",
            NoSale::BadQuantity => "bad_quantity",
            NoSale::BadStatus => "bad_status",
            NoSale::Final => "final",
        }
    }

    pub(crate) fn status(self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            NoSale::NotFound => StatusCode::NOT_FOUND,
            NoSale::BadQuantity | NoSale::BadStatus => StatusCode::BAD_REQUEST,
            _ => StatusCode::CONFLICT,
        }
    }
}

pub(crate) struct Refusal {
    pub why: NoSale,
    pub message: String,
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Refusal {
        Refusal {
            why: NoSale::NotFound,
            message: format!("sandbox database: {e}"),
        }
    }
}

fn refuse(why: NoSale, message: String) -> Refusal {
    Refusal { why, message }
}

const BUYERS: &[&str] = &[
    "Amina Benali",
    "Youssef El Amrani",
    "Claire Dubois",
    "فاطمة الزهراء العلوي",
    "ⵜⵉⵍⴻⵍⵍⵉ ⴰⵎⴰⵣⵉⵖ",
    "Sarah Johnson",
];

/// What a buyer buys.
pub(crate) struct Purchase<'a> {
    pub market: Market,
    pub listing_id: i64,
    pub quantity: i64,
    /// The order's status at checkout: Etsy `paid` (the default); WooCommerce
    /// `processing` (the default, a paid order), `on-hold` (bank transfer, cash on
    /// delivery) or `pending` (awaiting payment: the stock is not lowered yet).
    pub status: Option<&'a str>,
    /// The buyer's name; a random one when not given.
    pub buyer: Option<&'a str>,
}

impl Purchase<'_> {
    /// One piece of a listing, as the buyer's page sells it.
    pub(crate) fn one(market: Market, listing_id: i64, quantity: i64) -> Purchase<'static> {
        Purchase {
            market,
            listing_id,
            quantity,
            status: None,
            buyer: None,
        }
    }
}

struct Buyer {
    name: String,
    user_id: i64,
}

/// A buyer buys `quantity` of a live listing: an Etsy receipt or a WooCommerce order, and
/// the stock goes down (Etsy: `sold_out` at 0; WooCommerce: `outofstock`) unless the
/// WooCommerce order is still `pending`.
pub(crate) fn sell(app: &App, purchase: &Purchase<'_>) -> Result<Value, Refusal> {
    if !(1..=999).contains(&purchase.quantity) {
        return Err(refuse(
            NoSale::BadQuantity,
            "quantity must be between 1 and 999".into(),
        ));
    }
    let buyer = {
        let mut rng = lock(&app.rng);
        let random = BUYERS[rng.random_range(0..BUYERS.len())];
        Buyer {
            name: purchase
                .buyer
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .unwrap_or(random)
                .to_string(),
            user_id: rng.random_range(10_000_000..99_999_999i64),
        }
    };
    match purchase.market {
        Market::Etsy => sell_on_etsy(app, purchase, buyer),
        Market::Woo => sell_on_woo(app, purchase, buyer),
    }
}

fn bad_sale_status(market: Market, status: &str, allowed: &str) -> Refusal {
    refuse(
        NoSale::BadStatus,
        format!(
            "a {} sale starts as {allowed}, not {status:?}",
            market.name()
        ),
    )
}

fn sell_on_etsy(app: &App, purchase: &Purchase<'_>, buyer: Buyer) -> Result<Value, Refusal> {
    if let Some(status) = purchase.status.filter(|s| *s != "paid") {
        return Err(bad_sale_status(Market::Etsy, status, "paid"));
    }
    let (id, quantity) = (purchase.listing_id, purchase.quantity);
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let Some(mut listing) = store::listing(&tx, id)? else {
        return Err(refuse(NoSale::NotFound, format!("no Etsy listing {id}")));
    };
    match listing.state.as_str() {
        "active" => {}
        "sold_out" => {
            return Err(refuse(
                NoSale::SoldOut,
                format!("Etsy listing {id} is sold out"),
            ));
        }
        other => {
            return Err(refuse(
                NoSale::NotLive,
                format!("Etsy listing {id} is not live (state {other})"),
            ));
        }
    }
    let available = listing.quantity();
    let Some(product) = listing.inventory.products.iter_mut().find(|p| {
        p.offerings
            .iter()
            .any(|o| o.is_enabled && o.quantity >= quantity)
    }) else {
        return Err(refuse(
            NoSale::NotEnough,
            format!("Etsy listing {id} has only {available} left"),
        ));
    };
    let (product_id, sku) = (product.product_id, product.sku.clone());
    let mut price = 0;
    if let Some(offering) = product
        .offerings
        .iter_mut()
        .find(|o| o.is_enabled && o.quantity >= quantity)
    {
        offering.quantity -= quantity;
        price = offering.price_cents;
    }
    // Only a live listing sells, so this is the sold-out half of the rule. A sale on
    // Etsy is the one way a listing reaches 0 (etsy/open-api #560).
    listing.follow_stock(now);
    listing.updated = now;
    store::save_listing(&tx, &listing)?;
    let first_image = store::images(&tx, id)?.first().map(|i| i.listing_image_id);
    let receipt = Receipt {
        receipt_id: store::next_id(&tx, "etsy_receipt")?,
        buyer_user_id: buyer.user_id,
        buyer_name: buyer.name,
        status: "paid".into(),
        is_paid: true,
        is_shipped: false,
        paid_at: Some(now),
        shipped_at: None,
        created: now,
        updated: now,
        transactions: vec![ReceiptLine {
            transaction_id: store::next_id(&tx, "etsy_transaction")?,
            listing_id: id,
            product_id: Some(product_id),
            sku,
            title: listing.title.clone(),
            quantity,
            price_cents: price,
            listing_image_id: first_image,
            created: now,
        }],
    };
    store::insert_receipt(&tx, &receipt)?;
    tx.commit()?;
    Ok(json!({
        "market": "etsy",
        "listing_id": id,
        "order_id": receipt.receipt_id,
        "receipt_id": receipt.receipt_id,
        "transaction_id": receipt.transactions[0].transaction_id,
        "status": receipt.status,
        "buyer": receipt.buyer_name,
        "quantity": quantity,
        "quantity_left": listing.quantity(),
        "state": listing.state,
    }))
}

/// The statuses a WooCommerce checkout leaves an order in.
const WOO_CHECKOUT_STATUSES: &[&str] = &["processing", "on-hold", "pending"];

fn sell_on_woo(app: &App, purchase: &Purchase<'_>, buyer: Buyer) -> Result<Value, Refusal> {
    let status = purchase.status.unwrap_or("processing");
    if !WOO_CHECKOUT_STATUSES.contains(&status) {
        return Err(bad_sale_status(
            Market::Woo,
            status,
            "processing, on-hold or pending",
        ));
    }
    let (id, quantity) = (purchase.listing_id, purchase.quantity);
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let Some(product) = store::product(&tx, id)?.filter(|p| p.status != "trash") else {
        return Err(refuse(
            NoSale::NotFound,
            format!("no WooCommerce product {id}"),
        ));
    };
    if product.status != "publish" {
        return Err(refuse(
            NoSale::NotLive,
            format!(
                "WooCommerce product {id} is not live (status {})",
                product.status
            ),
        ));
    }
    if product.stock_status == "outofstock" {
        return Err(refuse(
            NoSale::SoldOut,
            format!("WooCommerce product {id} is out of stock"),
        ));
    }
    let left = product.stock_quantity.unwrap_or(0);
    if product.manage_stock && left < quantity {
        return Err(refuse(
            NoSale::NotEnough,
            format!("WooCommerce product {id} has only {left} left"),
        ));
    }
    // Checkout makes a pending order, then the payment moves it on, lowering the stock
    // on the way as WooCommerce's status hooks do.
    let mut order = Order {
        id: store::next_id(&tx, "woo_order")?,
        status: "pending".into(),
        line_items: vec![LineItem {
            id: store::next_id(&tx, "woo_line_item")?,
            product_id: id,
            name: product.name.clone(),
            sku: product.sku.clone(),
            quantity,
            price_cents: crate::form::parse_cents(&product.regular_price).unwrap_or(0),
            image_id: product.images.first().copied(),
        }],
        buyer: buyer.name,
        stock_reduced: false,
        sales_recorded: false,
        paid: None,
        completed: None,
        created: now,
        modified: now,
    };
    move_woo_order(&tx, &mut order, status, now)?;
    let product = store::product(&tx, id)?.unwrap_or(product);
    tx.commit()?;
    Ok(json!({
        "market": "woocommerce",
        "listing_id": id,
        "order_id": order.id,
        "line_item_id": order.line_items[0].id,
        "status": order.status,
        "buyer": order.buyer,
        "quantity": quantity,
        "stock_quantity": product.stock_quantity,
        "stock_status": product.stock_status,
    }))
}

// ---------------------------------------------------------------------------------------
// After the sale

/// Every status of a WooCommerce order (`wc_get_order_statuses`, without `checkout-draft`).
pub(crate) const WOO_STATUSES: &[&str] = &[
    "pending",
    "on-hold",
    "processing",
    "completed",
    "cancelled",
    "refunded",
    "failed",
];

/// The control route's word for a status, in Etsy's own words (`ShopReceipt.status`);
/// `None` when Etsy has no such status. Shipping an order completes it.
pub(crate) fn etsy_status(asked: &str) -> Option<&'static str> {
    match asked {
        "paid" => Some("paid"),
        "shipped" | "completed" => Some("completed"),
        "cancelled" | "canceled" => Some("canceled"),
        "refunded" | "fully refunded" => Some("fully refunded"),
        _ => None,
    }
}

/// The control route's word for a status, in WooCommerce's own words; `None` when
/// WooCommerce has no such status. A paid order is `processing`, a shipped one
/// `completed`.
pub(crate) fn woo_status(asked: &str) -> Option<&'static str> {
    match asked {
        "paid" => Some("processing"),
        "shipped" => Some("completed"),
        _ => WOO_STATUSES.iter().copied().find(|s| *s == asked),
    }
}

/// An Etsy receipt changes status. Canceled and refunded receipts stay so, and a shipped
/// one is not unshipped; the listing's stock is never given back (Etsy Help, "How to
/// Cancel a Sale"). Any change moves `updated_timestamp` to now.
pub(crate) fn move_etsy_receipt(
    c: &rusqlite::Connection,
    receipt: &mut Receipt,
    to: &str,
    now: i64,
) -> Result<(), Refusal> {
    if receipt.status == to {
        return Ok(());
    }
    let allowed = match receipt.status.as_str() {
        "canceled" | "fully refunded" => false,
        "completed" => matches!(to, "canceled" | "fully refunded"),
        _ => true,
    };
    if !allowed {
        return Err(refuse(
            NoSale::Final,
            format!(
                "Etsy receipt {} is {}: it does not become {to}",
                receipt.receipt_id, receipt.status
            ),
        ));
    }
    match to {
        "paid" => {
            receipt.is_paid = true;
            receipt.paid_at.get_or_insert(now);
        }
        "completed" => {
            receipt.is_shipped = true;
            receipt.shipped_at = Some(now);
        }
        _ => {}
    }
    receipt.status = to.to_string();
    receipt.updated = now;
    store::save_receipt_status(c, receipt)?;
    Ok(())
}

/// A WooCommerce order changes status, with the stock hooks WooCommerce runs on the way
/// (see the module's comment), and is saved. Moving to the status it has changes nothing,
/// as `WC_Order::set_status` fires no hook then.
pub(crate) fn move_woo_order(
    c: &rusqlite::Connection,
    order: &mut Order,
    to: &str,
    now: i64,
) -> rusqlite::Result<()> {
    if order.status == to {
        return store::save_order(c, order);
    }
    match to {
        "on-hold" | "processing" | "completed" => {
            if !order.stock_reduced {
                change_stock(c, order, -1)?;
                order.stock_reduced = true;
            }
            if !order.sales_recorded {
                record_sales(c, order)?;
                order.sales_recorded = true;
            }
        }
        "cancelled" | "pending" | "refunded" if order.stock_reduced => {
            change_stock(c, order, 1)?;
            order.stock_reduced = false;
        }
        _ => {}
    }
    // `WC_Order::maybe_set_date_paid` and `maybe_set_date_completed`.
    if matches!(to, "processing" | "completed") {
        order.paid.get_or_insert(now);
    }
    if to == "completed" {
        order.completed = Some(now);
    }
    order.status = to.to_string();
    order.modified = now;
    store::save_order(c, order)
}

/// Lowers (`sign` -1) or gives back (+1) each line's quantity on products that manage
/// their stock. The stock may go below 0 (an order moved by hand), as in WooCommerce;
/// the product's `date_modified` does not move.
fn change_stock(c: &rusqlite::Connection, order: &Order, sign: i64) -> rusqlite::Result<()> {
    for line in &order.line_items {
        let Some(mut product) = store::product(c, line.product_id)? else {
            continue; // deleted for good: nothing to give back to
        };
        if !product.manage_stock {
            continue;
        }
        let left = product.stock_quantity.unwrap_or(0) + sign * line.quantity;
        product.stock_quantity = Some(left);
        product.stock_status = if left > 0 { "instock" } else { "outofstock" }.into();
        store::save_product(c, &product)?;
    }
    Ok(())
}

/// `wc_update_total_sales_counts`: once per order.
fn record_sales(c: &rusqlite::Connection, order: &Order) -> rusqlite::Result<()> {
    for line in &order.line_items {
        if let Some(mut product) = store::product(c, line.product_id)? {
            product.total_sales += line.quantity;
            store::save_product(c, &product)?;
        }
    }
    Ok(())
}
