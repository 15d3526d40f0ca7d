//! The sandbox's own routes, under `/sandbox/`, JSON in and out, never faulty: the fault
//! switchboard, simulated sales and what happens to orders afterwards, the seller's own
//! work on the marketplaces' websites, and the whole state for tests.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::{FaultBoard, Faults};
use crate::sales::{self, Market, NoSale, Purchase, Refusal, sell};
use crate::{App, etsy, store, website, woo};

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/sandbox/faults", get(get_faults).put(put_faults))
        .route("/sandbox/sale", post(sale))
        .route("/sandbox/order-status", post(order_status))
        .route("/sandbox/website-edit", post(website_edit))
        .route("/sandbox/website-draft", post(website_draft))
        .route("/sandbox/website-delete", post(website_delete))
        .route("/sandbox/state", get(state))
        .route("/sandbox/reset", post(reset))
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
/// (`drop`, `5xx`, `429`, `reset`, `latency_ms`, `lag_secs`, `page_drift`, `ignore_rank`,
/// `no_chunked`, `seed`). The sequence restarts from the seed.
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
                "expected {{\"spec\": \"drop=0.1,5xx=0.05,...\"}} or the fields drop, 5xx, 429, reset, latency_ms, lag_secs, page_drift, ignore_rank, no_chunked, seed: {e}"
            ))
        })?;
        faults.validate().map_err(|e| bad(e.to_string()))?;
        faults
    };
    *app.fault_board() = FaultBoard::new(faults.clone());
    Ok(axum::Json(faults_json(&faults)).into_response())
}

// ---------------------------------------------------------------------------------------
// Sales and orders

/// Reads a control route's JSON body, or says what it should have been.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8], expected: &str) -> Result<T, Refused> {
    serde_json::from_slice(bytes).map_err(|e| bad(format!("expected {expected}: {e}")))
}

fn market(name: &str) -> Result<Market, Refused> {
    Market::parse(name)
        .ok_or_else(|| bad(format!("market must be etsy or woocommerce, got {name:?}")))
}

fn refused(refusal: Refusal) -> Response {
    (
        refusal.why.status(),
        axum::Json(json!({"error": refusal.message, "reason": refusal.why.code()})),
    )
        .into_response()
}

#[derive(Deserialize)]
struct SaleBody {
    market: String,
    listing_id: i64,
    #[serde(default = "one")]
    quantity: i64,
    status: Option<String>,
    buyer: Option<String>,
}

fn one() -> i64 {
    1
}

/// `POST /sandbox/sale` `{"market": "etsy"|"woocommerce", "listing_id": N, "quantity": 1,
/// "status": …, "buyer": …}`: 201 with the order's id, or 409 if sold out or not live.
async fn sale(State(app): State<App>, bytes: Bytes) -> Result<Response, Refused> {
    let body: SaleBody = body(
        &bytes,
        r#"{"market": "etsy"|"woocommerce", "listing_id": N, "quantity": 1, "status": "paid"|"processing"|"on-hold"|"pending", "buyer": "name"}"#,
    )?;
    let purchase = Purchase {
        market: market(&body.market)?,
        listing_id: body.listing_id,
        quantity: body.quantity,
        status: body.status.as_deref(),
        buyer: body.buyer.as_deref(),
    };
    Ok(match sell(&app, &purchase) {
        Ok(done) => (StatusCode::CREATED, axum::Json(done)).into_response(),
        Err(refusal) => refused(refusal),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    market: String,
    order_id: i64,
    status: String,
}

/// `POST /sandbox/order-status` `{"market", "order_id", "status"}`: the order moves on
/// (see [`crate::sales`]); 200 with the order as the market's API shows it, 404 for an
/// unknown order, 400 for a status the market does not have, 409 for a change it does
/// not make.
async fn order_status(
    State(app): State<App>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, Refused> {
    let body: StatusBody = body(
        &bytes,
        r#"{"market": "etsy"|"woocommerce", "order_id": N, "status": "paid"|"shipped"|"completed"|"cancelled"|"refunded"|"on-hold"|"processing"|"pending"|"failed"}"#,
    )?;
    let market = market(&body.market)?;
    let to = match market {
        Market::Etsy => sales::etsy_status(&body.status),
        Market::Woo => sales::woo_status(&body.status),
    }
    .ok_or_else(|| {
        bad(format!(
            "{} has no order status {:?}",
            market.name(),
            body.status
        ))
    })?;
    let answer = match market {
        Market::Etsy => move_receipt(&app, body.order_id, to),
        Market::Woo => move_order(&app, &app.base_url(&headers), body.order_id, to),
    };
    Ok(match answer {
        Ok(order) => axum::Json(order).into_response(),
        Err(refusal) => refused(refusal),
    })
}

fn no_order(market: Market, id: i64) -> Refusal {
    Refusal {
        why: NoSale::NotFound,
        message: format!("no {} order {id}", market.name()),
    }
}

fn move_receipt(app: &App, id: i64, to: &str) -> Result<Value, Refusal> {
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut receipt = store::receipt(&tx, id)?.ok_or_else(|| no_order(Market::Etsy, id))?;
    sales::move_etsy_receipt(&tx, &mut receipt, to, now)?;
    tx.commit()?;
    Ok(etsy::receipt_json(app, &receipt))
}

fn move_order(app: &App, base: &str, id: i64, to: &str) -> Result<Value, Refusal> {
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut order = store::order(&tx, id)?.ok_or_else(|| no_order(Market::Woo, id))?;
    sales::move_woo_order(&tx, &mut order, to, now)?;
    tx.commit()?;
    Ok(woo::order_json(base, &order))
}

// ---------------------------------------------------------------------------------------
// The seller on the website

/// `POST /sandbox/website-edit` `{"market", "listing_id", "price"?, "quantity"?,
/// "title"?, "description"?, "state"?, "remove_image_id"?, "add_image"?}`: 200 with the
/// listing as the market's API shows it; refusals as the market words them.
async fn website_edit(
    State(app): State<App>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, Refused> {
    let edit: website::Edit = body(
        &bytes,
        r#"{"market": "etsy"|"woocommerce", "listing_id": N, and any of "price": "120.00", "quantity", "title", "description", "state", "remove_image_id", "add_image": "placeholder"|base64}"#,
    )?;
    let base = app.base_url(&headers);
    let answer = match market(&edit.market)? {
        Market::Etsy => website::etsy_edit(&app, &base, &edit).map_err(IntoResponse::into_response),
        Market::Woo => website::woo_edit(&app, &base, &edit).map_err(IntoResponse::into_response),
    };
    Ok(answered(StatusCode::OK, answer))
}

/// A website action's answer: the listing with `status`, or the market's own refusal.
fn answered(status: StatusCode, answer: Result<Value, Response>) -> Response {
    match answer {
        Ok(body) => (status, axum::Json(body)).into_response(),
        Err(refusal) => refusal,
    }
}

/// `POST /sandbox/website-draft` `{"market", "title", "description", "price",
/// "quantity"}`: 201 `{"market", "listing_id", "listing"}`, a draft without SKU.
async fn website_draft(
    State(app): State<App>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, Refused> {
    let draft: website::NewDraft = body(
        &bytes,
        r#"{"market": "etsy"|"woocommerce", "title", "description", "price": "120.00", "quantity": N}"#,
    )?;
    let base = app.base_url(&headers);
    let answer = match market(&draft.market)? {
        Market::Etsy => {
            website::etsy_draft(&app, &base, &draft).map_err(IntoResponse::into_response)
        }
        Market::Woo => website::woo_draft(&app, &base, &draft).map_err(IntoResponse::into_response),
    };
    Ok(answered(StatusCode::CREATED, answer))
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
/// website (see [`website::delete`]).
async fn website_delete(State(app): State<App>, bytes: Bytes) -> Result<Response, Refused> {
    let body: DeleteBody = body(
        &bytes,
        r#"{"market": "etsy"|"woocommerce", "listing_id": N, "permanent": false}"#,
    )?;
    let id = body.listing_id;
    if !website::delete(&app, market(&body.market)?, id, body.permanent)? {
        return Err(Refused(
            StatusCode::NOT_FOUND,
            format!("no {} listing {id}", body.market),
        ));
    }
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
                "buyer": o.buyer,
                "stock_reduced": o.stock_reduced,
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
