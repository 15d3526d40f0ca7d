//! The WooCommerce REST v3 routes Hanout uses, under `/wp-json/wc/v3`: products (one by
//! one and in batches) and orders. Errors are WordPress's `{"code", "message", "data":
//! {"status"}}`.
//!
//! Traps kept on purpose: unique SKUs, compared case-insensitively as MySQL does, outside
//! the trash (`product_invalid_sku` names the holder in `resource_id`); prices are
//! strings and a number where a string is expected is refused (`rest_invalid_param`); a
//! DELETE without `force=true` only moves a product to the trash; a batch answers each
//! item on its own, errors included, with status 200; `modified_after` is strictly after;
//! a sale lowers the stock without touching the product's `date_modified` (pull sales
//! from orders); orders change status after the sale and the stock follows
//! ([`crate::sales`]).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::App;
use crate::auth::{WooAction, woo_auth};
use crate::form::{Fields, Params, format_cents, parse_cents};
use crate::media::media_url;
use crate::store::{self, Media, Order, Product};
use crate::time::{parse_iso, wp_date};

/// Most objects in one batch.
const BATCH_LIMIT: usize = 100;

// ---------------------------------------------------------------------------------------
// Errors

/// `{"code", "message", "data": {"status", …}}`: WordPress's error.
#[derive(Debug)]
pub(crate) struct WooError {
    status: StatusCode,
    code: String,
    message: String,
    data: Map<String, Value>,
}

impl WooError {
    pub(crate) fn new(status: StatusCode, code: &str, message: &str) -> WooError {
        WooError {
            status,
            code: code.into(),
            message: message.into(),
            data: Map::new(),
        }
    }

    pub(crate) fn bad_request(code: &str, message: &str) -> WooError {
        WooError::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn with(mut self, key: &str, value: Value) -> WooError {
        self.data.insert(key.into(), value);
        self
    }

    fn body(&self) -> Value {
        let mut data = Map::new();
        data.insert("status".into(), json!(self.status.as_u16()));
        data.extend(self.data.clone());
        json!({"code": self.code, "message": self.message, "data": data})
    }

    fn no_route() -> WooError {
        WooError::new(
            StatusCode::NOT_FOUND,
            "rest_no_route",
            "No route was found matching the URL and request method.",
        )
    }
}

impl IntoResponse for WooError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

impl From<rusqlite::Error> for WooError {
    fn from(e: rusqlite::Error) -> WooError {
        WooError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            &format!("Sandbox database error: {e}"),
        )
    }
}

/// The fallback for unknown `/wp-json/` paths.
pub(crate) fn no_route() -> Response {
    WooError::no_route().into_response()
}

/// Several invalid parameters, reported together as WordPress does.
#[derive(Default)]
struct Invalid(Vec<(String, String, &'static str)>);

impl Invalid {
    fn add(&mut self, param: &str, message: String, code: &'static str) {
        self.0.push((param.to_string(), message, code));
    }

    fn into_result(self) -> Result<(), WooError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = self.0.iter().map(|(p, _, _)| p.as_str()).collect();
        let mut params = Map::new();
        let mut details = Map::new();
        for (param, message, code) in &self.0 {
            params.insert(param.clone(), json!(message));
            details.insert(
                param.clone(),
                json!({"code": code, "message": message, "data": {"param": param}}),
            );
        }
        Err(WooError::bad_request(
            "rest_invalid_param",
            &format!("Invalid parameter(s): {}", names.join(", ")),
        )
        .with("params", Value::Object(params))
        .with("details", Value::Object(details)))
    }
}

// ---------------------------------------------------------------------------------------
// Routes

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route(
            "/wp-json/wc/v3/products",
            get(list_products).post(create_product),
        )
        .route(
            "/wp-json/wc/v3/products/batch",
            axum::routing::post(batch).put(batch).patch(batch),
        )
        .route(
            "/wp-json/wc/v3/products/{id}",
            get(read_product)
                .put(update_product)
                .patch(update_product)
                .post(update_product)
                .delete(delete_product),
        )
        .route("/wp-json/wc/v3/orders", get(list_orders))
        .route("/wp-json/wc/v3/orders/{id}", get(read_order))
}

fn query(raw: &Option<String>) -> Fields {
    Fields::from_query(raw.as_deref())
}

/// The numeric `{id}`; WordPress's route pattern is `\d+`, so anything else has no route.
fn route_id(params: &Params) -> Result<i64, WooError> {
    let id = params.get("id");
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WooError::no_route());
    }
    id.parse().map_err(|_| WooError::no_route())
}

pub(crate) fn invalid_product_id(status: StatusCode) -> WooError {
    WooError::new(status, "woocommerce_rest_product_invalid_id", "Invalid ID.")
}

/// The request's parameters: a JSON object, or a flat form.
fn body_params(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, WooError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    if content_type.contains("application/x-www-form-urlencoded") {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        return Ok(fields
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(
            WooError::bad_request("rest_invalid_json", "Invalid JSON body passed.")
                .with("json_error_code", json!(4))
                .with("json_error_message", json!(e.to_string())),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if c.is_ascii() {
            if !slug.ends_with('-') {
                slug.push('-');
            }
        } else if c.is_alphanumeric() {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                slug.push_str(&format!("%{b:02x}"));
            }
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_string()
}

fn image_json(base: &str, m: &Media) -> Value {
    json!({
        "id": m.id,
        "date_created": wp_date(m.created),
        "date_created_gmt": wp_date(m.created),
        "date_modified": wp_date(m.created),
        "date_modified_gmt": wp_date(m.created),
        "src": media_url(base, m),
        "name": m.title,
        "alt": "",
    })
}

pub(crate) fn product_json(
    base: &str,
    c: &rusqlite::Connection,
    p: &Product,
) -> Result<Value, WooError> {
    let mut images = Vec::new();
    for id in &p.images {
        // A deleted attachment drops out of the gallery.
        if let Some(m) = store::media(c, *id)? {
            images.push(image_json(base, &m));
        }
    }
    let price_html = match parse_cents(&p.regular_price) {
        Some(cents) => format!(
            "<span class=\"woocommerce-Price-amount amount\"><bdi>{}&nbsp;<span class=\"woocommerce-Price-currencySymbol\">&#x62f;.&#x645;.</span></bdi></span>",
            format_cents(cents)
        ),
        None => String::new(),
    };
    Ok(json!({
        "id": p.id,
        "name": p.name,
        "slug": p.slug,
        "permalink": format!("{base}/product/{}/", p.slug),
        "date_created": wp_date(p.created),
        "date_created_gmt": wp_date(p.created),
        "date_modified": wp_date(p.modified),
        "date_modified_gmt": wp_date(p.modified),
        "type": "simple",
        "status": p.status,
        "featured": false,
        "catalog_visibility": "visible",
        "description": p.description,
        "short_description": p.short_description,
        "sku": p.sku,
        "price": p.regular_price,
        "regular_price": p.regular_price,
        "sale_price": "",
        "date_on_sale_from": null,
        "date_on_sale_from_gmt": null,
        "date_on_sale_to": null,
        "date_on_sale_to_gmt": null,
        "on_sale": false,
        "purchasable": !p.regular_price.is_empty(),
        "total_sales": p.total_sales,
        "virtual": false,
        "downloadable": false,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "external_url": "",
        "button_text": "",
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": p.manage_stock,
        "stock_quantity": p.stock_quantity,
        "backorders": "no",
        "backorders_allowed": false,
        "backordered": false,
        "low_stock_amount": null,
        "sold_individually": false,
        "weight": "",
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_required": true,
        "shipping_taxable": true,
        "shipping_class": "",
        "shipping_class_id": 0,
        "reviews_allowed": true,
        "average_rating": "0.00",
        "rating_count": 0,
        "upsell_ids": [],
        "cross_sell_ids": [],
        "parent_id": 0,
        "purchase_note": "",
        "categories": [],
        "tags": [],
        "images": images,
        "attributes": [],
        "default_attributes": [],
        "variations": [],
        "grouped_products": [],
        "menu_order": 0,
        "price_html": price_html,
        "related_ids": [],
        "meta_data": [],
        "stock_status": p.stock_status,
        "has_options": false,
        "post_password": "",
        "global_unique_id": "",
    }))
}

pub(crate) fn order_json(base: &str, o: &Order) -> Value {
    let total: i64 = o
        .line_items
        .iter()
        .map(|l| l.price_cents * l.quantity)
        .sum();
    let items: Vec<Value> = o
        .line_items
        .iter()
        .map(|l| {
            json!({
                "id": l.id,
                "name": l.name,
                "product_id": l.product_id,
                "variation_id": 0,
                "quantity": l.quantity,
                "tax_class": "",
                "subtotal": format_cents(l.price_cents * l.quantity),
                "subtotal_tax": "0.00",
                "total": format_cents(l.price_cents * l.quantity),
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
                "sku": l.sku,
                // A number here, unlike every other price.
                "price": l.price_cents as f64 / 100.0,
                "image": {"id": l.image_id.unwrap_or(0), "src": ""},
                "parent_name": null,
            })
        })
        .collect();
    let (first_name, last_name) = o.buyer.split_once(' ').unwrap_or((o.buyer.as_str(), ""));
    let address = json!({
        "first_name": first_name,
        "last_name": last_name,
        "company": "",
        "address_1": "45 Rue Souika",
        "address_2": "",
        "city": "Rabat",
        "state": "",
        "postcode": "10030",
        "country": "MA",
        "email": "amina.buyer@example.invalid",
        "phone": "",
    });
    json!({
        "id": o.id,
        "parent_id": 0,
        "status": o.status,
        "currency": "MAD",
        "version": "9.4.0",
        "prices_include_tax": false,
        "date_created": wp_date(o.created),
        "date_created_gmt": wp_date(o.created),
        "date_modified": wp_date(o.modified),
        "date_modified_gmt": wp_date(o.modified),
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "cart_tax": "0.00",
        "total": format_cents(total),
        "total_tax": "0.00",
        "customer_id": 0,
        "order_key": format!("wc_order_sandbox{}", o.id),
        "billing": address,
        "shipping": address,
        "payment_method": "cod",
        "payment_method_title": "Cash on delivery",
        "transaction_id": "",
        "customer_note": "",
        "date_paid": o.paid.map(wp_date),
        "date_paid_gmt": o.paid.map(wp_date),
        "date_completed": o.completed.map(wp_date),
        "date_completed_gmt": o.completed.map(wp_date),
        "cart_hash": "",
        "meta_data": [],
        "line_items": items,
        "tax_lines": [],
        "shipping_lines": [],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [],
        "payment_url": format!("{base}/checkout/order-pay/{}/", o.id),
        "currency_symbol": "د.م.",
    })
}

// ---------------------------------------------------------------------------------------
// Reading a product from a request

/// What a create or an update may set.
#[derive(Default)]
pub(crate) struct ProductInput {
    name: Option<String>,
    slug: Option<String>,
    status: Option<String>,
    description: Option<String>,
    short_description: Option<String>,
    sku: Option<String>,
    regular_price: Option<String>,
    manage_stock: Option<bool>,
    stock_quantity: Option<Option<i64>>,
    stock_status: Option<String>,
    images: Option<Vec<Value>>,
}

fn wp_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn wp_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn read_input(p: &Map<String, Value>) -> Result<ProductInput, WooError> {
    let mut invalid = Invalid::default();
    let mut input = ProductInput::default();
    let string = |name: &str, invalid: &mut Invalid| -> Option<String> {
        match p.get(name)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                invalid.add(
                    name,
                    format!("{name} is not of type string."),
                    "rest_invalid_type",
                );
                None
            }
        }
    };
    input.name = string("name", &mut invalid);
    input.slug = string("slug", &mut invalid);
    input.description = string("description", &mut invalid);
    input.short_description = string("short_description", &mut invalid);
    input.sku = string("sku", &mut invalid).map(|s| s.trim().to_string());
    input.regular_price = string("regular_price", &mut invalid).map(|s| {
        let s = s.trim().to_string();
        // WooCommerce keeps what reads as a decimal and drops the rest.
        if parse_cents(&s).is_some() {
            s
        } else {
            String::new()
        }
    });
    if let Some(status) = string("status", &mut invalid) {
        const STATUSES: &[&str] = &["draft", "pending", "private", "publish", "future"];
        if STATUSES.contains(&status.as_str()) {
            input.status = Some(status);
        } else {
            invalid.add(
                "status",
                format!("status is not one of {}.", STATUSES.join(", ")),
                "rest_not_in_enum",
            );
        }
    }
    if let Some(stock_status) = string("stock_status", &mut invalid) {
        const STOCK: &[&str] = &["instock", "outofstock", "onbackorder"];
        if STOCK.contains(&stock_status.as_str()) {
            input.stock_status = Some(stock_status);
        } else {
            invalid.add(
                "stock_status",
                format!("stock_status is not one of {}.", STOCK.join(", ")),
                "rest_not_in_enum",
            );
        }
    }
    if let Some(v) = p.get("manage_stock") {
        match wp_bool(v) {
            Some(b) => input.manage_stock = Some(b),
            None => invalid.add(
                "manage_stock",
                "manage_stock is not of type boolean.".into(),
                "rest_invalid_type",
            ),
        }
    }
    if let Some(v) = p.get("stock_quantity") {
        match (v, wp_int(v)) {
            (Value::Null, _) => input.stock_quantity = Some(None),
            (_, Some(n)) => input.stock_quantity = Some(Some(n)),
            _ => invalid.add(
                "stock_quantity",
                "stock_quantity is not of type integer.".into(),
                "rest_invalid_type",
            ),
        }
    }
    if let Some(v) = p.get("type")
        && v.as_str() != Some("simple")
    {
        invalid.add(
            "type",
            "type is not one of simple (the sandbox sells simple products only).".into(),
            "rest_not_in_enum",
        );
    }
    if let Some(v) = p.get("images") {
        match v {
            Value::Array(items) if items.iter().all(Value::is_object) => {
                input.images = Some(items.clone());
            }
            _ => invalid.add(
                "images",
                "images is not of type array of objects.".into(),
                "rest_invalid_type",
            ),
        }
    }
    invalid.into_result()?;
    Ok(input)
}

/// The gallery the request names, each image an existing attachment.
fn resolve_images(c: &rusqlite::Connection, items: &[Value]) -> Result<Vec<i64>, WooError> {
    let mut ids = Vec::new();
    for item in items {
        let id = item.get("id").and_then(wp_int).filter(|id| *id > 0);
        match (id, item.get("src").and_then(Value::as_str)) {
            (Some(id), _) => {
                if store::media(c, id)?.is_none() {
                    return Err(WooError::bad_request(
                        "woocommerce_product_invalid_image_id",
                        &format!("#{id} is an invalid image ID."),
                    ));
                }
                ids.push(id);
            }
            (None, Some(src)) if !src.is_empty() => {
                return Err(WooError::bad_request(
                    "woocommerce_product_image_upload_error",
                    &format!(
                        "Error getting remote image {src}. Error: the sandbox has no internet; upload to /wp-json/wp/v2/media and send images: [{{id}}]."
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(ids)
}

fn unique_sku(c: &rusqlite::Connection, sku: &str) -> Result<String, WooError> {
    for n in 1.. {
        let candidate = format!("{sku}-{n}");
        if store::product_by_sku(c, &candidate, None)?.is_none() {
            return Ok(candidate);
        }
    }
    Ok(sku.to_string())
}

fn unique_slug(c: &rusqlite::Connection, slug: &str, id: i64) -> Result<String, WooError> {
    let taken = |s: &str| -> Result<bool, WooError> {
        Ok(store::products(c)?
            .iter()
            .any(|p| p.id != id && p.slug == s))
    };
    if !taken(slug)? {
        return Ok(slug.to_string());
    }
    for n in 2.. {
        let candidate = format!("{slug}-{n}");
        if !taken(&candidate)? {
            return Ok(candidate);
        }
    }
    Ok(slug.to_string())
}

/// Applies `input` to `p` (a new product or a loaded one) and saves it, in `c`'s
/// transaction.
pub(crate) fn apply_and_save(
    c: &rusqlite::Connection,
    p: &mut Product,
    input: ProductInput,
    now: i64,
) -> Result<(), WooError> {
    if let Some(sku) = input.sku {
        if !sku.is_empty()
            && let Some(holder) = store::product_by_sku(c, &sku, Some(p.id))?
        {
            return Err(
                WooError::bad_request("product_invalid_sku", "Invalid or duplicated SKU.")
                    .with("resource_id", json!(holder))
                    .with("unique_sku", json!(unique_sku(c, &sku)?)),
            );
        }
        p.sku = sku;
    }
    if let Some(items) = &input.images {
        p.images = resolve_images(c, items)?;
    }
    if let Some(name) = input.name {
        p.name = name;
    }
    if let Some(status) = input.status {
        p.status = status;
    }
    if let Some(d) = input.description {
        p.description = d;
    }
    if let Some(d) = input.short_description {
        p.short_description = d;
    }
    if let Some(price) = input.regular_price {
        p.regular_price = price;
    }
    if let Some(manage) = input.manage_stock {
        p.manage_stock = manage;
    }
    if let Some(q) = input.stock_quantity {
        p.stock_quantity = q;
    }
    if let Some(s) = input.stock_status {
        p.stock_status = s;
    }
    if p.manage_stock {
        let q = p.stock_quantity.unwrap_or(0);
        p.stock_quantity = Some(q);
        p.stock_status = if q > 0 { "instock" } else { "outofstock" }.into();
    } else {
        p.stock_quantity = None;
    }
    let wanted = match input.slug.filter(|s| !s.is_empty()) {
        Some(slug) => slugify(&slug),
        None if p.slug.is_empty() => slugify(&p.name),
        None => p.slug.clone(),
    };
    let wanted = if wanted.is_empty() {
        format!("product-{}", p.id)
    } else {
        wanted
    };
    p.slug = unique_slug(c, &wanted, p.id)?;
    p.modified = now;
    store::save_product(c, p)?;
    Ok(())
}

pub(crate) fn new_product(id: i64, now: i64) -> Product {
    Product {
        id,
        name: String::new(),
        slug: String::new(),
        sku: String::new(),
        status: "publish".into(),
        description: String::new(),
        short_description: String::new(),
        regular_price: String::new(),
        manage_stock: false,
        stock_quantity: None,
        stock_status: "instock".into(),
        images: Vec::new(),
        total_sales: 0,
        created: now,
        modified: now,
    }
}

pub(crate) fn create_one(
    app: &App,
    base: &str,
    params: &Map<String, Value>,
) -> Result<Value, WooError> {
    if params.get("id").and_then(wp_int).is_some_and(|id| id > 0) {
        return Err(WooError::bad_request(
            "woocommerce_rest_product_exists",
            "Cannot create existing product.",
        ));
    }
    let input = read_input(params)?;
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut product = new_product(store::next_id(&tx, "woo_product")?, now);
    apply_and_save(&tx, &mut product, input, now)?;
    let body = product_json(base, &tx, &product)?;
    tx.commit()?;
    Ok(body)
}

fn update_one(
    app: &App,
    base: &str,
    id: i64,
    params: &Map<String, Value>,
) -> Result<Value, WooError> {
    let input = read_input(params)?;
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut product =
        store::product(&tx, id)?.ok_or_else(|| invalid_product_id(StatusCode::BAD_REQUEST))?;
    apply_and_save(&tx, &mut product, input, now)?;
    let body = product_json(base, &tx, &product)?;
    tx.commit()?;
    Ok(body)
}

fn delete_one(app: &App, base: &str, id: i64, force: bool) -> Result<Value, WooError> {
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut product =
        store::product(&tx, id)?.ok_or_else(|| invalid_product_id(StatusCode::NOT_FOUND))?;
    let body;
    if force {
        body = product_json(base, &tx, &product)?;
        store::delete_product(&tx, id)?;
    } else {
        if product.status == "trash" {
            return Err(WooError::new(
                StatusCode::GONE,
                "woocommerce_rest_already_trashed",
                &format!("The product {id} has already been deleted."),
            ));
        }
        product.status = "trash".into();
        product.modified = now;
        store::save_product(&tx, &product)?;
        body = product_json(base, &tx, &product)?;
    }
    tx.commit()?;
    Ok(body)
}

// ---------------------------------------------------------------------------------------
// Handlers

type Answer = Result<Response, WooError>;

fn created(body: Value) -> Response {
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

async fn create_product(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Answer {
    woo_auth(&app, &headers, &query(&raw), WooAction::Create)?;
    let params = body_params(&headers, &body)?;
    let base = app.base_url(&headers);
    Ok(created(create_one(&app, &base, &params)?))
}

async fn read_product(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Answer {
    woo_auth(&app, &headers, &query(&raw), WooAction::View)?;
    let id = route_id(&params)?;
    let base = app.base_url(&headers);
    let store = app.store();
    let product = store::product(store.conn(), id)?
        .ok_or_else(|| invalid_product_id(StatusCode::NOT_FOUND))?;
    Ok(axum::Json(product_json(&base, store.conn(), &product)?).into_response())
}

async fn update_product(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    params: Params,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Answer {
    woo_auth(&app, &headers, &query(&raw), WooAction::of(&method, false))?;
    let id = route_id(&params)?;
    let params = body_params(&headers, &body)?;
    let base = app.base_url(&headers);
    Ok(axum::Json(update_one(&app, &base, id, &params)?).into_response())
}

async fn delete_product(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Answer {
    let q = query(&raw);
    woo_auth(&app, &headers, &q, WooAction::Delete)?;
    let id = route_id(&params)?;
    let force = match q
        .get("force")
        .map(|v| wp_bool(&Value::String(v.to_string())))
    {
        None => false,
        Some(Some(force)) => force,
        Some(None) => {
            let mut invalid = Invalid::default();
            invalid.add(
                "force",
                "force is not of type boolean.".into(),
                "rest_invalid_type",
            );
            invalid.into_result()?;
            false
        }
    };
    let base = app.base_url(&headers);
    Ok(axum::Json(delete_one(&app, &base, id, force)?).into_response())
}

/// Paging shared by the lists: `page`, `per_page` (1 to 100), `offset`, and the date
/// filters.
struct Paging {
    page: usize,
    per_page: usize,
    /// `offset`, when given, replaces the page's own start.
    offset: Option<usize>,
    after: Option<i64>,
    before: Option<i64>,
    modified_after: Option<i64>,
    modified_before: Option<i64>,
    descending: bool,
    orderby: String,
}

fn read_paging(q: &Fields, orderbys: &[&str]) -> Result<Paging, WooError> {
    let mut invalid = Invalid::default();
    let mut int = |name: &str, default: usize, min: usize, max: usize| -> usize {
        match q.get(name) {
            None => default,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ if max == usize::MAX => {
                    invalid.add(
                        name,
                        format!("{name} must be greater than or equal to {min}"),
                        "rest_out_of_bounds",
                    );
                    default
                }
                _ => {
                    invalid.add(
                        name,
                        format!("{name} must be between {min} (inclusive) and {max} (inclusive)"),
                        "rest_out_of_bounds",
                    );
                    default
                }
            },
        }
    };
    let page = int("page", 1, 1, usize::MAX);
    let per_page = int("per_page", 10, 1, 100);
    let offset = q.get("offset").map(|_| int("offset", 0, 0, usize::MAX));
    let mut date = |name: &str| -> Option<i64> {
        let v = q.get(name)?;
        let parsed = parse_iso(v);
        if parsed.is_none() {
            invalid.add(name, "Invalid date.".into(), "rest_invalid_date");
        }
        parsed
    };
    let after = date("after");
    let before = date("before");
    let modified_after = date("modified_after");
    let modified_before = date("modified_before");
    let descending = match q.get("order") {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => {
            invalid.add(
                "order",
                "order is not one of asc and desc.".into(),
                "rest_not_in_enum",
            );
            true
        }
    };
    let orderby = q.get("orderby").unwrap_or("date").to_string();
    if !orderbys.contains(&orderby.as_str()) {
        invalid.add(
            "orderby",
            format!("orderby is not one of {}.", orderbys.join(", ")),
            "rest_not_in_enum",
        );
    }
    invalid.into_result()?;
    Ok(Paging {
        page,
        per_page,
        offset,
        after,
        before,
        modified_after,
        modified_before,
        descending,
        orderby,
    })
}

impl Paging {
    /// WordPress's date query: strictly after, strictly before.
    fn dates_match(&self, created: i64, modified: i64) -> bool {
        self.after.is_none_or(|t| created > t)
            && self.before.is_none_or(|t| created < t)
            && self.modified_after.is_none_or(|t| modified > t)
            && self.modified_before.is_none_or(|t| modified < t)
    }

    /// This page of `items`, with the headers that count them.
    fn page<T>(
        &self,
        items: Vec<T>,
        base: &str,
        path: &str,
    ) -> (Vec<T>, Vec<(HeaderName, String)>) {
        let total = items.len();
        let pages = total.div_ceil(self.per_page);
        let mut headers = vec![
            (HeaderName::from_static("x-wp-total"), total.to_string()),
            (
                HeaderName::from_static("x-wp-totalpages"),
                pages.to_string(),
            ),
        ];
        let mut links = Vec::new();
        if self.page > 1 && self.page <= pages + 1 {
            links.push(format!(
                "<{base}{path}?page={}&per_page={}>; rel=\"prev\"",
                self.page - 1,
                self.per_page
            ));
        }
        if self.page < pages {
            links.push(format!(
                "<{base}{path}?page={}&per_page={}>; rel=\"next\"",
                self.page + 1,
                self.per_page
            ));
        }
        if !links.is_empty() {
            headers.push((header::LINK, links.join(", ")));
        }
        let skip = self
            .offset
            .unwrap_or((self.page - 1).saturating_mul(self.per_page));
        let page = items.into_iter().skip(skip).take(self.per_page).collect();
        (page, headers)
    }
}

fn with_headers(body: Value, headers: Vec<(HeaderName, String)>) -> Response {
    let mut response = axum::Json(body).into_response();
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

async fn list_products(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let q = query(&raw);
    woo_auth(&app, &headers, &q, WooAction::List)?;
    let listing = read_paging(
        &q,
        &[
            "date",
            "id",
            "include",
            "title",
            "slug",
            "modified",
            "price",
            "popularity",
            "rating",
            "menu_order",
        ],
    )?;
    let status = q.get("status").unwrap_or("any");
    const STATUSES: &[&str] = &[
        "any", "draft", "pending", "private", "publish", "future", "trash",
    ];
    if !STATUSES.contains(&status) {
        let mut invalid = Invalid::default();
        invalid.add(
            "status",
            format!("status is not one of {}.", STATUSES.join(", ")),
            "rest_not_in_enum",
        );
        invalid.into_result()?;
    }
    let skus: Vec<String> = q
        .get("sku")
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_lowercase())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let include: Vec<i64> = q
        .list("include")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let search = q
        .get("search")
        .map(str::to_lowercase)
        .filter(|s| !s.is_empty());
    let base = app.base_url(&headers);
    let store = app.store();
    let mut products: Vec<Product> = store::products(store.conn())?
        .into_iter()
        .filter(|p| match status {
            "any" => p.status != "trash",
            s => p.status == s,
        })
        .filter(|p| skus.is_empty() || skus.contains(&p.sku.to_lowercase()))
        .filter(|p| include.is_empty() || include.contains(&p.id))
        .filter(|p| {
            search
                .as_ref()
                .is_none_or(|s| p.name.to_lowercase().contains(s))
        })
        .filter(|p| listing.dates_match(p.created, p.modified))
        .collect();
    products.sort_by(|a, b| {
        let key = match listing.orderby.as_str() {
            "id" | "include" => a.id.cmp(&b.id),
            "title" => a.name.cmp(&b.name),
            "slug" => a.slug.cmp(&b.slug),
            "modified" => a.modified.cmp(&b.modified),
            "price" => parse_cents(&a.regular_price).cmp(&parse_cents(&b.regular_price)),
            "popularity" => a.total_sales.cmp(&b.total_sales),
            _ => a.created.cmp(&b.created),
        };
        key.then(a.id.cmp(&b.id))
    });
    if listing.descending {
        products.reverse();
    }
    let (page, page_headers) = listing.page(products, &base, "/wp-json/wc/v3/products");
    let mut body = Vec::new();
    for p in &page {
        body.push(product_json(&base, store.conn(), p)?);
    }
    Ok(with_headers(Value::Array(body), page_headers))
}

/// `POST /products/batch`: `create`, `update`, `delete`, at most 100 objects in all,
/// each answered on its own, in that order, each in its own transaction.
async fn batch(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Answer {
    woo_auth(&app, &headers, &query(&raw), WooAction::Batch)?;
    let params = body_params(&headers, &body)?;
    let list = |name: &str| -> Result<Vec<Value>, WooError> {
        match params.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(_) => {
                let mut invalid = Invalid::default();
                invalid.add(
                    name,
                    format!("{name} is not of type array."),
                    "rest_invalid_type",
                );
                invalid.into_result().map(|()| Vec::new())
            }
        }
    };
    let (creates, updates, deletes) = (list("create")?, list("update")?, list("delete")?);
    if creates.len() + updates.len() + deletes.len() > BATCH_LIMIT {
        return Err(WooError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "woocommerce_rest_request_entity_too_large",
            &format!("Unable to accept more than {BATCH_LIMIT} items for this request."),
        ));
    }
    let base = app.base_url(&headers);
    let failed = |id: i64, e: WooError| json!({"id": id, "error": e.body()});
    let mut out = Map::new();
    if params.contains_key("create") {
        let mut answers = Vec::new();
        for item in &creates {
            let answer = match item.as_object() {
                Some(obj) => create_one(&app, &base, obj),
                None => Err(WooError::bad_request(
                    "rest_invalid_param",
                    "Each item to create must be an object.",
                )),
            };
            answers.push(answer.unwrap_or_else(|e| failed(0, e)));
        }
        out.insert("create".into(), Value::Array(answers));
    }
    if params.contains_key("update") {
        let mut answers = Vec::new();
        for item in &updates {
            let id = item.get("id").and_then(wp_int).unwrap_or(0);
            let answer = match item.as_object() {
                Some(obj) if id > 0 => update_one(&app, &base, id, obj),
                _ => Err(invalid_product_id(StatusCode::BAD_REQUEST)),
            };
            answers.push(answer.unwrap_or_else(|e| failed(id, e)));
        }
        out.insert("update".into(), Value::Array(answers));
    }
    if params.contains_key("delete") {
        let mut answers = Vec::new();
        for item in &deletes {
            let id = wp_int(item)
                .or_else(|| item.get("id").and_then(wp_int))
                .unwrap_or(0);
            let answer = if id > 0 {
                delete_one(&app, &base, id, true)
            } else {
                Err(invalid_product_id(StatusCode::NOT_FOUND))
            };
            answers.push(answer.unwrap_or_else(|e| failed(id, e)));
        }
        out.insert("delete".into(), Value::Array(answers));
    }
    Ok(axum::Json(Value::Object(out)).into_response())
}

async fn list_orders(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let q = query(&raw);
    woo_auth(&app, &headers, &q, WooAction::List)?;
    let listing = read_paging(&q, &["date", "id", "include", "title", "slug", "modified"])?;
    let statuses: Vec<String> = q.list("status");
    let product: Option<i64> = q.get("product").and_then(|p| p.parse().ok());
    let base = app.base_url(&headers);
    let store = app.store();
    let mut orders: Vec<Order> = store::orders(store.conn())?
        .into_iter()
        .filter(|o| {
            statuses.is_empty()
                || statuses.iter().any(|s| s == "any" && o.status != "trash")
                || statuses.contains(&o.status)
        })
        .filter(|o| product.is_none_or(|p| o.line_items.iter().any(|l| l.product_id == p)))
        .filter(|o| listing.dates_match(o.created, o.modified))
        .collect();
    drop(store);
    orders.sort_by(|a, b| {
        let key = match listing.orderby.as_str() {
            "modified" => a.modified.cmp(&b.modified),
            "id" | "include" | "title" | "slug" => a.id.cmp(&b.id),
            _ => a.created.cmp(&b.created),
        };
        key.then(a.id.cmp(&b.id))
    });
    if listing.descending {
        orders.reverse();
    }
    let (page, page_headers) = listing.page(orders, &base, "/wp-json/wc/v3/orders");
    let body: Vec<Value> = page.iter().map(|o| order_json(&base, o)).collect();
    Ok(with_headers(Value::Array(body), page_headers))
}

async fn read_order(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Answer {
    woo_auth(&app, &headers, &query(&raw), WooAction::View)?;
    let id = route_id(&params)?;
    let base = app.base_url(&headers);
    let order = store::order(app.store().conn(), id)?.ok_or_else(|| {
        WooError::new(
            StatusCode::NOT_FOUND,
            "woocommerce_rest_shop_order_invalid_id",
            "Invalid ID.",
        )
    })?;
    Ok(axum::Json(order_json(&base, &order)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Tajine Rouge (grand)"), "tajine-rouge-grand");
        assert_eq!(slugify("زيت"), "%d8%b2%d9%8a%d8%aa");
        assert_eq!(slugify("  "), "");
    }

    #[test]
    fn types_as_wordpress_checks_them() {
        let mut p = Map::new();
        p.insert("regular_price".into(), json!(120));
        p.insert("manage_stock".into(), json!("yes"));
        let err = read_input(&p).err().unwrap().body();
        assert_eq!(err["code"], "rest_invalid_param");
        assert_eq!(
            err["data"]["params"]["regular_price"],
            "regular_price is not of type string."
        );
        assert!(err["data"]["params"]["manage_stock"].is_string());

        let mut p = Map::new();
        p.insert("regular_price".into(), json!("120.00"));
        p.insert("manage_stock".into(), json!(true));
        p.insert("stock_quantity".into(), json!("4"));
        let input = read_input(&p).unwrap();
        assert_eq!(input.regular_price.as_deref(), Some("120.00"));
        assert_eq!(input.stock_quantity, Some(Some(4)));
    }
}
