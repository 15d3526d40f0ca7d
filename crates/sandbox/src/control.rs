//! The sandbox's own routes, under `/sandbox/`, never faulty: the fault switchboard,
//! simulated sales, a seller's deletion on the website, and the whole state for tests.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rand::Rng;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::{FaultBoard, Faults};
use crate::store::{self, LineItem, Order, Receipt, ReceiptLine};
use crate::{App, etsy, lock, woo};

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/sandbox/faults", get(get_faults).put(put_faults))
        .route("/sandbox/sale", post(sale))
        .route("/sandbox/state", get(state))
        .route("/sandbox/reset", post(reset))
        .route("/sandbox/website-delete", post(website_delete))
        .fallback(fallback)
}

/// `{"error": "..."}` for the sandbox's own routes.
struct Refused(StatusCode, String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.0, axum::Json(json!({"error": self.1}))).into_response()
    }
}

impl From<rusqlite::Error> for Refused {
    fn from(e: rusqlite::Error) -> Refused {
        Refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox database: {e}"),
        )
    }
}

fn bad(message: impl Into<String>) -> Refused {
    Refused(StatusCode::BAD_REQUEST, message.into())
}

/// Unknown paths, in the clothes of the service the path belongs to.
async fn fallback(request: Request) -> Response {
    let path = request.uri().path();
    if path.starts_with("/wp-json/") {
        woo::no_route()
    } else if path.starts_with("/v3/") {
        etsy::EtsyError::new(StatusCode::NOT_FOUND, "Resource not found").into_response()
    } else {
        (StatusCode::NOT_FOUND, "Not Found").into_response()
    }
}

/// `POST /sandbox/reset`: both shops empty, faults and rate limits as at the start.
async fn reset(State(app): State<App>) -> Result<Response, Refused> {
    app.store().clear()?;
    *app.fault_board() = FaultBoard::new(app.config.faults.clone());
    *app.rates() =
        crate::auth::RateLimiter::new(app.config.limits.per_second, app.config.limits.per_day);
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------------------------------
// Faults

fn faults_json(f: &Faults) -> Value {
    let mut v = serde_json::to_value(f).unwrap_or_default();
    if let Value::Object(map) = &mut v {
        map.insert("spec".into(), json!(f.to_string()));
    }
    v
}

async fn get_faults(State(app): State<App>) -> Response {
    let faults = app.fault_board().faults().clone();
    axum::Json(faults_json(&faults)).into_response()
}

#[derive(Deserialize)]
struct SpecBody {
    spec: String,
}

/// `PUT /sandbox/faults` with `{"spec": "drop=0.1,…"}` or the fields of [`Faults`]
/// (`drop`, `5xx`, `429`, `reset`, `latency_ms`, `seed`). The sequence restarts from the
/// seed.
async fn put_faults(State(app): State<App>, body: Bytes) -> Result<Response, Refused> {
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| bad(format!("the body is not JSON: {e}")))?;
    let faults = if value.get("spec").is_some() {
        let spec: SpecBody = serde_json::from_value(value)
            .map_err(|e| bad(format!("spec must be a string: {e}")))?;
        spec.spec
            .parse::<Faults>()
            .map_err(|e| bad(e.to_string()))?
    } else {
        let faults: Faults = serde_json::from_value(value).map_err(|e| {
            bad(format!(
                "expected {{\"spec\": \"drop=0.1,5xx=0.05,...\"}} or the fields drop, 5xx, 429, reset, latency_ms, seed: {e}"
            ))
        })?;
        faults.validate().map_err(|e| bad(e.to_string()))?;
        faults
    };
    *app.fault_board() = FaultBoard::new(faults.clone());
    Ok(axum::Json(faults_json(&faults)).into_response())
}

// ---------------------------------------------------------------------------------------
// Sales

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
}

/// Why a sale was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoSale {
    NotFound,
    NotLive,
    SoldOut,
    NotEnough,
    BadQuantity,
}

impl NoSale {
    pub(crate) fn code(self) -> &'static str {
        match self {
            NoSale::NotFound => "not_found",
            NoSale::NotLive => "not_live",
            NoSale::SoldOut => "sold_out",
            NoSale::NotEnough => "not_enough",
            NoSale::BadQuantity => "bad_quantity",
        }
    }

    pub(crate) fn status(self) -> StatusCode {
        match self {
            NoSale::NotFound => StatusCode::NOT_FOUND,
            NoSale::BadQuantity => StatusCode::BAD_REQUEST,
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

/// A buyer buys `quantity` of a live listing: an Etsy receipt or a WooCommerce order, and
/// the stock goes down (Etsy: `sold_out` at 0; WooCommerce: `outofstock`).
pub(crate) fn sell(app: &App, market: Market, id: i64, quantity: i64) -> Result<Value, Refusal> {
    if !(1..=999).contains(&quantity) {
        return Err(refuse(
            NoSale::BadQuantity,
            "quantity must be between 1 and 999".into(),
        ));
    }
    let buyer = {
        let mut rng = lock(&app.rng);
        (
            BUYERS[rng.random_range(0..BUYERS.len())].to_string(),
            rng.random_range(10_000_000..99_999_999i64),
        )
    };
    match market {
        Market::Etsy => sell_on_etsy(app, id, quantity, buyer),
        Market::Woo => sell_on_woo(app, id, quantity),
    }
}

fn sell_on_etsy(
    app: &App,
    id: i64,
    quantity: i64,
    (buyer_name, buyer_user_id): (String, i64),
) -> Result<Value, Refusal> {
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
    // Only a live listing sells, so this is the sold-out half of the rule.
    listing.follow_stock(now);
    listing.updated = now;
    store::save_listing(&tx, &listing)?;
    let first_image = store::images(&tx, id)?.first().map(|i| i.listing_image_id);
    let receipt = Receipt {
        receipt_id: store::next_id(&tx, "etsy_receipt")?,
        buyer_user_id,
        buyer_name,
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
        "receipt_id": receipt.receipt_id,
        "transaction_id": receipt.transactions[0].transaction_id,
        "quantity": quantity,
        "quantity_left": listing.quantity(),
        "state": listing.state,
    }))
}

fn sell_on_woo(app: &App, id: i64, quantity: i64) -> Result<Value, Refusal> {
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let Some(mut product) = store::product(&tx, id)?.filter(|p| p.status != "trash") else {
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
    if product.manage_stock {
        let left = product.stock_quantity.unwrap_or(0);
        if left < quantity {
            return Err(refuse(
                NoSale::NotEnough,
                format!("WooCommerce product {id} has only {left} left"),
            ));
        }
        product.stock_quantity = Some(left - quantity);
        if left - quantity == 0 {
            product.stock_status = "outofstock".into();
        }
    }
    product.total_sales += quantity;
    // Like wc_update_product_stock: the stock changes, date_modified does not.
    store::save_product(&tx, &product)?;
    let order = Order {
        id: store::next_id(&tx, "woo_order")?,
        status: "processing".into(),
        line_items: vec![LineItem {
            id: store::next_id(&tx, "woo_line_item")?,
            product_id: id,
            name: product.name.clone(),
            sku: product.sku.clone(),
            quantity,
            price_cents: crate::form::parse_cents(&product.regular_price).unwrap_or(0),
            image_id: product.images.first().copied(),
        }],
        created: now,
        modified: now,
    };
    store::insert_order(&tx, &order)?;
    tx.commit()?;
    Ok(json!({
        "market": "woocommerce",
        "listing_id": id,
        "order_id": order.id,
        "line_item_id": order.line_items[0].id,
        "quantity": quantity,
        "stock_quantity": product.stock_quantity,
        "stock_status": product.stock_status,
    }))
}

#[derive(Deserialize)]
struct SaleBody {
    market: String,
    listing_id: i64,
    #[serde(default = "one")]
    quantity: i64,
}

fn one() -> i64 {
    1
}

/// `POST /sandbox/sale` `{"market": "etsy"|"woocommerce", "listing_id": N, "quantity": 1}`
async fn sale(State(app): State<App>, body: Bytes) -> Result<Response, Refused> {
    let body: SaleBody = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "expected {{\"market\": \"etsy\"|\"woocommerce\", \"listing_id\": N, \"quantity\": 1}}: {e}"
        ))
    })?;
    let market = Market::parse(&body.market).ok_or_else(|| {
        bad(format!(
            "market must be etsy or woocommerce, got {:?}",
            body.market
        ))
    })?;
    match sell(&app, market, body.listing_id, body.quantity) {
        Ok(done) => Ok((StatusCode::CREATED, axum::Json(done)).into_response()),
        Err(refusal) => Ok((
            refusal.why.status(),
            axum::Json(json!({"error": refusal.message, "reason": refusal.why.code()})),
        )
            .into_response()),
    }
}

#[derive(Deserialize)]
struct DeleteBody {
    market: String,
    listing_id: i64,
    /// WooCommerce only: delete for good rather than move to the trash.
    #[serde(default)]
    permanent: bool,
}

/// `POST /sandbox/website-delete`: the seller deletes a listing on the marketplace's own
/// website. Etsy deletes it; WooCommerce's admin moves it to the trash (`permanent`
/// deletes it for good).
async fn website_delete(State(app): State<App>, body: Bytes) -> Result<Response, Refused> {
    let body: DeleteBody = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "expected {{\"market\": \"etsy\"|\"woocommerce\", \"listing_id\": N}}: {e}"
        ))
    })?;
    let market = Market::parse(&body.market).ok_or_else(|| {
        bad(format!(
            "market must be etsy or woocommerce, got {:?}",
            body.market
        ))
    })?;
    let id = body.listing_id;
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let found = match market {
        Market::Etsy => store::delete_listing(&tx, id)?,
        Market::Woo => match store::product(&tx, id)? {
            None => false,
            Some(_) if body.permanent => store::delete_product(&tx, id)?,
            Some(mut product) => {
                product.status = "trash".into();
                product.modified = now;
                store::save_product(&tx, &product)?;
                true
            }
        },
    };
    if !found {
        return Err(Refused(
            StatusCode::NOT_FOUND,
            format!("no {} listing {id}", body.market),
        ));
    }
    tx.commit()?;
    Ok(
        axum::Json(json!({"deleted": true, "market": body.market, "listing_id": id}))
            .into_response(),
    )
}

// ---------------------------------------------------------------------------------------
// State

/// `GET /sandbox/state`: everything, for tests to count duplicates and check stock.
async fn state(State(app): State<App>) -> Result<Response, Refused> {
    let store = app.store();
    let c = store.conn();
    let mut listings = Vec::new();
    for l in store::listings(c)? {
        let images: Vec<Value> = store::images(c, l.listing_id)?
            .iter()
            .map(|i| {
                json!({
                    "listing_image_id": i.listing_image_id,
                    "rank": i.rank,
                    "alt_text": i.alt_text,
                    "sha256": i.sha256,
                    "bytes": i.size,
                    "width": i.width,
                    "height": i.height,
                })
            })
            .collect();
        listings.push(json!({
            "listing_id": l.listing_id,
            "state": l.state,
            "title": l.title,
            "description": l.description,
            "price_cents": l.price_cents(),
            "quantity": l.quantity(),
            "skus": l.skus(),
            "taxonomy_id": l.attrs.taxonomy_id,
            "tags": l.attrs.tags,
            "created": l.created,
            "updated": l.updated,
            "images": images,
            "inventory": l.inventory,
        }));
    }
    let receipts: Vec<Value> = store::receipts(c)?
        .iter()
        .map(|r| serde_json::to_value(r).unwrap_or_default())
        .collect();
    let media_list = store::all_media(c)?;
    let media: Vec<Value> = media_list
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "filename": m.filename,
                "mime": m.mime,
                "sha256": m.sha256,
                "bytes": m.size,
                "width": m.width,
                "height": m.height,
            })
        })
        .collect();
    let products: Vec<Value> = store::products(c)?
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "sku": p.sku,
                "status": p.status,
                "regular_price": p.regular_price,
                "manage_stock": p.manage_stock,
                "stock_quantity": p.stock_quantity,
                "stock_status": p.stock_status,
                "images": p.images,
                "image_sha256": p.images.iter().map(|id| {
                    media_list.iter().find(|m| m.id == *id).map(|m| m.sha256.clone())
                }).collect::<Vec<_>>(),
                "total_sales": p.total_sales,
                "created": p.created,
                "modified": p.modified,
            })
        })
        .collect();
    let orders: Vec<Value> = store::orders(c)?
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "status": o.status,
                "created": o.created,
                "modified": o.modified,
                "line_items": o.line_items,
            })
        })
        .collect();
    drop(store);
    Ok(axum::Json(json!({
        "etsy": {
            "shop_id": app.config.etsy.shop_id,
            "user_id": app.config.etsy.user_id,
            "listings": listings,
            "receipts": receipts,
        },
        "woocommerce": {
            "products": products,
            "media": media,
            "orders": orders,
        },
        "faults": faults_json(app.fault_board().faults()),
    }))
    .into_response())
}
