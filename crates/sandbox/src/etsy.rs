//! The Etsy Open API v3 operations Hanout uses, under `/v3/application`, answering with
//! the shapes of `etsy-openapi-v3.prism.json` (every field, with its type and
//! nullability) and refusing what Etsy refuses with `{"error": "..."}`, the only error
//! shape the document gives these operations.
//!
//! Traps kept on purpose: a create always makes a new draft; an upload without
//! `overwrite` always adds a photo; the SKU exists only through the inventory; every
//! inventory update remakes the product and offering ids (etsy/open-api #523) and is
//! refused when nothing is left to sell (#560); a listing whose quantity falls to 0 is
//! `sold_out`, no longer `active`; drafts and inactive listings are invisible without the
//! owner's token; `getListingsByShop` sorts only a search (#510); receipts change after
//! the sale ([`crate::sales`]).

use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use regex::Regex;
use serde_json::{Map, Value, json};

use crate::App;
use crate::auth::{etsy_user, is_owner};
use crate::faults::{Drift, empty};
use crate::form::{Fields, Params, parse_bool, parse_cents};
use crate::media::{etsy_image_url, sha256_hex, sniff};
use crate::multipart;
use crate::store::{
    self, Attrs, Image, Inventory, InventoryProduct, Listing, NewImage, Offering, PropertyValue,
    Receipt,
};

/// The shop's currency: prices are in dirhams.
pub(crate) const CURRENCY: &str = "MAD";
/// Etsy's price bounds (USD 0.20 to 50,000) in dirhams, in centimes.
const MIN_PRICE_CENTS: i64 = 200;
const MAX_PRICE_CENTS: i64 = 50_000_000;
const MAX_QUANTITY: i64 = 999;
/// Photos per listing in this version of the document.
pub(crate) const MAX_IMAGES: usize = 10;
/// A listing runs four months before it expires.
const LISTING_LIFETIME_SECS: i64 = 120 * 86_400;
/// The taxonomy node a draft made on etsy.com starts in.
pub(crate) const HOME_AND_LIVING: i64 = 891;
/// The one shipping profile of the shop.
pub(crate) const SHIPPING_PROFILE_ID: i64 = 190_000_001;

const WHO_MADE: &[&str] = &["i_did", "someone_else", "collective"];
const WHEN_MADE: &[&str] = &[
    "made_to_order",
    "2020_2025",
    "2010_2019",
    "2006_2009",
    "before_2006",
    "2000_2005",
    "1990s",
    "1980s",
    "1970s",
    "1960s",
    "1950s",
    "1940s",
    "1930s",
    "1920s",
    "1910s",
    "1900s",
    "1800s",
    "1700s",
    "before_1700",
];
const LISTING_STATES: &[&str] = &["active", "inactive", "sold_out", "draft", "expired"];
const INCLUDES: &[&str] = &[
    "Shipping",
    "Images",
    "Shop",
    "User",
    "Translations",
    "Inventory",
    "Videos",
];
const WEIGHT_UNITS: &[&str] = &["oz", "lb", "g", "kg"];
const DIMENSION_UNITS: &[&str] = &["in", "ft", "mm", "cm", "m", "yd", "inches"];
const LISTING_TYPES: &[&str] = &["physical", "download", "both"];

static TITLE_REFUSED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[^\p{L}\p{Nd}\p{P}\p{Sm}\p{Zs}™©®]").unwrap_or_else(|_| unreachable!())
});
static TAG_REFUSED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\p{L}\p{Nd}\p{Zs}\-'™©®]").unwrap_or_else(|_| unreachable!()));
static MATERIAL_REFUSED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\p{L}\p{Nd}\p{Zs}]").unwrap_or_else(|_| unreachable!()));

// ---------------------------------------------------------------------------------------
// Errors

/// `{"error": "..."}` with a status: Etsy's `ErrorSchema`.
#[derive(Debug)]
pub(crate) struct EtsyError {
    status: StatusCode,
    body: Map<String, Value>,
}

impl EtsyError {
    pub(crate) fn new(status: StatusCode, error: &str) -> EtsyError {
        let mut body = Map::new();
        body.insert("error".into(), Value::String(error.to_string()));
        EtsyError { status, body }
    }

    pub(crate) fn bad(error: impl AsRef<str>) -> EtsyError {
        EtsyError::new(StatusCode::BAD_REQUEST, error.as_ref())
    }

    pub(crate) fn not_found(error: impl AsRef<str>) -> EtsyError {
        EtsyError::new(StatusCode::NOT_FOUND, error.as_ref())
    }

    pub(crate) fn with(mut self, key: &str, value: &str) -> EtsyError {
        self.body
            .insert(key.into(), Value::String(value.to_string()));
        self
    }
}

impl IntoResponse for EtsyError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(Value::Object(self.body))).into_response()
    }
}

impl From<rusqlite::Error> for EtsyError {
    fn from(e: rusqlite::Error) -> EtsyError {
        EtsyError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            .with("error_description", &format!("sandbox database: {e}"))
    }
}

type Answer = Result<Response, EtsyError>;

// ---------------------------------------------------------------------------------------
// Routes

pub(crate) fn routes() -> Router<App> {
    let app = "/v3/application";
    Router::new()
        .route(&format!("{app}/openapi-ping"), get(ping))
        .route(&format!("{app}/users/me"), get(get_me))
        .route(&format!("{app}/shops/{{shop_id}}"), get(get_shop))
        .route(
            &format!("{app}/shops/{{shop_id}}/listings"),
            post(create_draft_listing).get(get_listings_by_shop),
        )
        .route(
            &format!("{app}/shops/{{shop_id}}/listings/{{listing_id}}"),
            patch(update_listing),
        )
        .route(
            &format!("{app}/shops/{{shop_id}}/listings/{{listing_id}}/images"),
            post(upload_listing_image),
        )
        .route(
            &format!("{app}/shops/{{shop_id}}/listings/{{listing_id}}/images/{{listing_image_id}}"),
            axum::routing::delete(delete_listing_image),
        )
        .route(
            &format!("{app}/listings/batch"),
            get(get_listings_by_listing_ids),
        )
        .route(
            &format!("{app}/listings/{{listing_id}}"),
            get(get_listing).delete(delete_listing),
        )
        .route(
            &format!("{app}/listings/{{listing_id}}/images"),
            get(get_listing_images),
        )
        .route(
            &format!("{app}/listings/{{listing_id}}/images/{{listing_image_id}}"),
            get(get_listing_image),
        )
        .route(
            &format!("{app}/listings/{{listing_id}}/inventory"),
            get(get_listing_inventory).put(update_listing_inventory),
        )
        .route(
            &format!("{app}/shops/{{shop_id}}/receipts"),
            get(get_shop_receipts),
        )
        .route(
            &format!("{app}/seller-taxonomy/nodes"),
            get(get_seller_taxonomy_nodes),
        )
        .route(
            &format!("{app}/shops/{{shop_id}}/shipping-profiles"),
            get(get_shop_shipping_profiles),
        )
}

fn path_id(params: &Params, name: &str) -> Result<i64, EtsyError> {
    params
        .get(name)
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| EtsyError::bad(format!("{name} must be a positive integer")))
}

fn own_shop(app: &App, params: &Params) -> Result<(), EtsyError> {
    let shop_id = path_id(params, "shop_id")?;
    if shop_id != app.config.etsy.shop_id {
        return Err(EtsyError::not_found(format!("Shop {shop_id} not found")));
    }
    Ok(())
}

pub(crate) fn listing_not_found(id: i64) -> EtsyError {
    EtsyError::not_found(format!("Listing {id} not found"))
}

/// The listing, when it exists and this caller may see it.
fn seen_listing(
    c: &rusqlite::Connection,
    id: i64,
    owner: bool,
) -> Result<Option<Listing>, EtsyError> {
    Ok(store::listing(c, id)?.filter(|l| owner || l.state == "active"))
}

/// The listing, or 404 when it does not exist or this caller may not see it.
fn visible_listing(c: &rusqlite::Connection, id: i64, owner: bool) -> Result<Listing, EtsyError> {
    seen_listing(c, id, owner)?.ok_or_else(|| listing_not_found(id))
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

// ---------------------------------------------------------------------------------------
// Rendering

pub(crate) fn money(cents: i64) -> Value {
    json!({"amount": cents, "divisor": 100, "currency_code": CURRENCY})
}

pub(crate) fn listing_json(app: &App, base: &str, l: &Listing) -> Value {
    let a = &l.attrs;
    json!({
        "listing_id": l.listing_id,
        "user_id": app.config.etsy.user_id,
        "shop_id": app.config.etsy.shop_id,
        "title": l.title,
        "description": l.description,
        "state": l.state,
        "creation_timestamp": l.created,
        "created_timestamp": l.created,
        "ending_timestamp": l.created + LISTING_LIFETIME_SECS,
        "original_creation_timestamp": l.created,
        "last_modified_timestamp": l.updated,
        "updated_timestamp": l.updated,
        "state_timestamp": l.state_ts,
        "quantity": l.quantity(),
        "shop_section_id": a.shop_section_id,
        "featured_rank": a.featured_rank.unwrap_or(-1),
        "url": format!("{base}/#etsy-{}", l.listing_id),
        "num_favorers": 0,
        "non_taxable": !a.is_taxable,
        "is_taxable": a.is_taxable,
        "is_customizable": a.is_customizable,
        "is_personalizable": a.is_personalizable,
        "personalization_is_required": a.personalization_is_required,
        "personalization_char_count_max": a.personalization_char_count_max,
        "personalization_instructions": a.personalization_instructions,
        "listing_type": a.listing_type,
        "tags": a.tags,
        "materials": a.materials,
        "shipping_profile_id": a.shipping_profile_id,
        "return_policy_id": a.return_policy_id,
        "processing_min": a.processing_min,
        "processing_max": a.processing_max,
        "who_made": a.who_made,
        "when_made": a.when_made,
        "is_supply": a.is_supply,
        "item_weight": a.item_weight,
        "item_weight_unit": a.item_weight_unit,
        "item_length": a.item_length,
        "item_width": a.item_width,
        "item_height": a.item_height,
        "item_dimensions_unit": a.item_dimensions_unit,
        "is_private": false,
        "style": a.styles,
        "file_data": "",
        "has_variations": l.inventory.products.len() > 1,
        "should_auto_renew": a.should_auto_renew,
        "language": "en-US",
        "price": money(l.price_cents()),
        "taxonomy_id": a.taxonomy_id,
    })
}

pub(crate) fn image_json(base: &str, i: &Image) -> Value {
    let ext = if i.mime == "image/png" { "png" } else { "jpg" };
    json!({
        "listing_id": i.listing_id,
        "listing_image_id": i.listing_image_id,
        "hex_code": null,
        "red": null,
        "green": null,
        "blue": null,
        "hue": null,
        "saturation": null,
        "brightness": null,
        "is_black_and_white": null,
        "creation_tsz": i.created,
        "created_timestamp": i.created,
        "rank": i.rank,
        "url_75x75": etsy_image_url(base, i.listing_image_id, "75x75", ext),
        "url_170x135": etsy_image_url(base, i.listing_image_id, "170x135", ext),
        "url_570xN": etsy_image_url(base, i.listing_image_id, "570xN", ext),
        "url_fullxfull": etsy_image_url(base, i.listing_image_id, "fullxfull", ext),
        "full_height": i.height,
        "full_width": i.width,
        "alt_text": i.alt_text,
    })
}

fn inventory_json(inv: &Inventory) -> Value {
    let products: Vec<Value> = inv
        .products
        .iter()
        .map(|p| {
            json!({
                "product_id": p.product_id,
                "sku": p.sku,
                "is_deleted": false,
                "offerings": p.offerings.iter().map(|o| json!({
                    "offering_id": o.offering_id,
                    "quantity": o.quantity,
                    "is_enabled": o.is_enabled,
                    "is_deleted": false,
                    "price": money(o.price_cents),
                })).collect::<Vec<_>>(),
                "property_values": p.property_values.iter().map(|v| json!({
                    "property_id": v.property_id,
                    "property_name": v.property_name,
                    "scale_id": v.scale_id,
                    "scale_name": null,
                    "value_ids": v.value_ids,
                    "values": v.values,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "products": products,
        "price_on_property": inv.price_on_property,
        "quantity_on_property": inv.quantity_on_property,
        "sku_on_property": inv.sku_on_property,
    })
}

fn shop_json(app: &App, base: &str, c: &rusqlite::Connection) -> Result<Value, EtsyError> {
    let etsy = &app.config.etsy;
    let listings = store::listings(c)?;
    let active = listings.iter().filter(|l| l.state == "active").count();
    let sold: i64 = store::receipts(c)?
        .iter()
        .flat_map(|r| &r.transactions)
        .map(|t| t.quantity)
        .sum();
    let created = SHOP_OPENED;
    Ok(json!({
        "shop_id": etsy.shop_id,
        "user_id": etsy.user_id,
        "shop_name": etsy.shop_name,
        "create_date": created,
        "created_timestamp": created,
        "title": "Handmade in Morocco",
        "announcement": null,
        "currency_code": CURRENCY,
        "is_vacation": false,
        "vacation_message": null,
        "sale_message": null,
        "digital_sale_message": null,
        "update_date": created,
        "updated_timestamp": created,
        "listing_active_count": active,
        "digital_listing_count": 0,
        "login_name": etsy.shop_name.to_lowercase(),
        "accepts_custom_requests": true,
        "policy_welcome": null,
        "policy_payment": null,
        "policy_shipping": null,
        "policy_refunds": null,
        "policy_additional": null,
        "policy_seller_info": null,
        "policy_update_date": created,
        "policy_has_private_receipt_info": false,
        "has_unstructured_policies": false,
        "policy_privacy": null,
        "vacation_autoreply": null,
        "url": format!("{base}/"),
        "image_url_760x100": null,
        "num_favorers": 0,
        "languages": ["en-US", "fr"],
        "icon_url_fullxfull": null,
        "is_using_structured_policies": true,
        "has_onboarded_structured_policies": true,
        "include_dispute_form_link": false,
        "is_direct_checkout_onboarded": true,
        "is_etsy_payments_onboarded": true,
        "is_calculated_eligible": false,
        "is_opted_in_to_buyer_promise": false,
        "is_shop_us_based": false,
        "transaction_sold_count": sold,
        "shipping_from_country_iso": "MA",
        "shop_location_country_iso": "MA",
        "review_count": 0,
        "review_average": null,
    }))
}

/// When the sandbox shop opened: 2025-01-01.
const SHOP_OPENED: i64 = 1_735_689_600;

fn user_json(app: &App) -> Value {
    json!({
        "user_id": app.config.etsy.user_id,
        "primary_email": null,
        "first_name": "Fatima",
        "last_name": "Zahra",
        "image_url_75x75": null,
    })
}

fn shipping_profile_json(app: &App) -> Value {
    let user_id = app.config.etsy.user_id;
    let destination = |id: i64, country: &str, region: &str, cost: i64, min: i64, max: i64| {
        json!({
            "shipping_profile_destination_id": id,
            "shipping_profile_id": SHIPPING_PROFILE_ID,
            "origin_country_iso": "MA",
            "destination_country_iso": country,
            "destination_region": region,
            "primary_cost": money(cost),
            "secondary_cost": money(cost / 2),
            "shipping_carrier_id": null,
            "mail_class": null,
            "min_delivery_days": min,
            "max_delivery_days": max,
        })
    };
    json!({
        "shipping_profile_id": SHIPPING_PROFILE_ID,
        "title": "Poste Maroc / Amana",
        "user_id": user_id,
        "min_processing_days": 1,
        "max_processing_days": 3,
        "processing_days_display_label": "1-3 days",
        "origin_country_iso": "MA",
        "is_deleted": false,
        "shipping_profile_destinations": [
            destination(190_100_001, "MA", "none", 3_000, 1, 4),
            destination(190_100_002, "", "eu", 15_000, 5, 12),
            destination(190_100_003, "", "non_eu", 25_000, 7, 20),
        ],
        "shipping_profile_upgrades": [],
        "origin_postal_code": "40000",
        "profile_type": "manual",
        "domestic_handling_fee": 0,
        "international_handling_fee": 0,
    })
}

/// A listing with the associations asked for, as `getListing` and `getListingsByShop`
/// answer (`ShopListingWithAssociations`).
fn listing_with(
    app: &App,
    base: &str,
    c: &rusqlite::Connection,
    l: &Listing,
    includes: &[String],
    owner: bool,
) -> Result<Value, EtsyError> {
    let mut v = listing_json(app, base, l);
    let Value::Object(map) = &mut v else {
        return Ok(v);
    };
    map.insert(
        "skus".into(),
        json!(if owner { l.skus() } else { Vec::new() }),
    );
    map.insert("views".into(), json!(0));
    map.insert("production_partners".into(), json!([]));
    for include in includes {
        match include.as_str() {
            "Images" => {
                let images: Vec<Value> = store::images(c, l.listing_id)?
                    .iter()
                    .map(|i| image_json(base, i))
                    .collect();
                map.insert("images".into(), Value::Array(images));
            }
            "Inventory" => {
                map.insert("inventory".into(), inventory_json(&l.inventory));
            }
            "Shipping" if l.attrs.shipping_profile_id.is_some() => {
                map.insert("shipping_profile".into(), shipping_profile_json(app));
            }
            "Shop" => {
                map.insert("shop".into(), shop_json(app, base, c)?);
            }
            "User" => {
                map.insert("user".into(), user_json(app));
            }
            "Translations" => {
                map.insert("translations".into(), json!({}));
            }
            "Videos" => {
                map.insert("videos".into(), json!([]));
            }
            _ => {}
        }
    }
    Ok(v)
}

/// A listing as its owner reads it with `includes=Images`.
pub(crate) fn owner_view(
    app: &App,
    base: &str,
    c: &rusqlite::Connection,
    l: &Listing,
) -> Result<Value, EtsyError> {
    listing_with(app, base, c, l, &["Images".to_string()], true)
}

fn includes(q: &Fields) -> Result<Vec<String>, EtsyError> {
    let list = q.list("includes");
    for item in &list {
        if !INCLUDES.contains(&item.as_str()) {
            return Err(EtsyError::bad(format!(
                "includes: {item:?} is not one of {}",
                INCLUDES.join(", ")
            )));
        }
    }
    Ok(list)
}

// ---------------------------------------------------------------------------------------
// Field rules

pub(crate) fn check_title(title: &str) -> Result<String, EtsyError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(EtsyError::bad("title cannot be empty"));
    }
    if title.chars().count() > 140 {
        return Err(EtsyError::bad("title must be 140 characters or fewer"));
    }
    if let Some(m) = TITLE_REFUSED.find(title) {
        return Err(EtsyError::bad(format!(
            "title can only contain letters, numbers, punctuation, mathematical symbols, spaces, ™, © and ®; {:?} is not allowed",
            m.as_str()
        )));
    }
    for special in ['%', ':', '&', '+'] {
        if title.matches(special).count() > 1 {
            return Err(EtsyError::bad(
                "title can use each of the characters %, :, & and + only once",
            ));
        }
    }
    Ok(title.to_string())
}

pub(crate) fn check_description(text: &str) -> Result<String, EtsyError> {
    if text.trim().is_empty() {
        return Err(EtsyError::bad("description cannot be empty"));
    }
    Ok(text.to_string())
}

pub(crate) fn check_price(field: &str, text: &str) -> Result<i64, EtsyError> {
    let cents = parse_cents(text)
        .ok_or_else(|| EtsyError::bad(format!("{field} must be a number, got {text:?}")))?;
    if !(MIN_PRICE_CENTS..=MAX_PRICE_CENTS).contains(&cents) {
        return Err(EtsyError::bad(format!(
            "{field} must be between {} and {} {CURRENCY}",
            crate::form::format_cents(MIN_PRICE_CENTS),
            crate::form::format_cents(MAX_PRICE_CENTS)
        )));
    }
    Ok(cents)
}

fn check_quantity(text: &str) -> Result<i64, EtsyError> {
    let q: i64 = text
        .trim()
        .parse()
        .map_err(|_| EtsyError::bad(format!("quantity must be an integer, got {text:?}")))?;
    check_quantity_value(q)
}

/// `createDraftListing`'s `quantity`: 1 to 999 (the OpenAPI document's minimum is 1).
pub(crate) fn check_quantity_value(q: i64) -> Result<i64, EtsyError> {
    if !(1..=MAX_QUANTITY).contains(&q) {
        return Err(EtsyError::bad(format!(
            "quantity must be between 1 and {MAX_QUANTITY}"
        )));
    }
    Ok(q)
}

fn check_enum(field: &str, value: &str, allowed: &[&str]) -> Result<String, EtsyError> {
    if allowed.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(EtsyError::bad(format!(
            "{field} must be one of {}, got {value:?}",
            allowed.join(", ")
        )))
    }
}

fn check_int(field: &str, value: &str, min: i64) -> Result<i64, EtsyError> {
    match value.trim().parse::<i64>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(EtsyError::bad(format!(
            "{field} must be an integer of at least {min}, got {value:?}"
        ))),
    }
}

fn check_bool(field: &str, value: &str) -> Result<bool, EtsyError> {
    parse_bool(value)
        .ok_or_else(|| EtsyError::bad(format!("{field} must be true or false, got {value:?}")))
}

fn check_measure(field: &str, value: &str) -> Result<Option<f64>, EtsyError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    match value.trim().parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(Some(n)),
        _ => Err(EtsyError::bad(format!(
            "{field} must be a number greater than 0, got {value:?}"
        ))),
    }
}

fn check_taxonomy(id: i64) -> Result<i64, EtsyError> {
    if taxonomy_ids().contains(&id) {
        Ok(id)
    } else {
        Err(EtsyError::bad(format!(
            "taxonomy_id {id} is not a valid seller taxonomy id (see getSellerTaxonomyNodes)"
        )))
    }
}

/// Tags, materials or styles: one comma-separated string (see etsy/open-api#291).
fn check_words(
    field: &str,
    fields: &Fields,
    most: usize,
    longest: usize,
    refused: &Regex,
) -> Result<Vec<String>, EtsyError> {
    let words = fields.list(field);
    if words.len() > most {
        return Err(EtsyError::bad(format!(
            "{field}: at most {most} are allowed, got {}",
            words.len()
        )));
    }
    for word in &words {
        if word.chars().count() > longest {
            return Err(EtsyError::bad(format!(
                "{field}: {word:?} is longer than {longest} characters"
            )));
        }
        if let Some(m) = refused.find(word) {
            return Err(EtsyError::bad(format!(
                "{field}: {word:?} contains {:?}, which is not allowed",
                m.as_str()
            )));
        }
        if field == "tags" && (word.starts_with('-') || word.starts_with('\'')) {
            return Err(EtsyError::bad(format!(
                "tags: {word:?} cannot start with - or '"
            )));
        }
    }
    Ok(words)
}

/// Reads the optional listing fields shared by create and update into `attrs`.
fn apply_attrs(attrs: &mut Attrs, f: &Fields) -> Result<(), EtsyError> {
    if let Some(v) = f.get("who_made") {
        attrs.who_made = Some(check_enum("who_made", v, WHO_MADE)?);
    }
    if let Some(v) = f.get("when_made") {
        attrs.when_made = Some(check_enum("when_made", v, WHEN_MADE)?);
    }
    if let Some(v) = f.get("taxonomy_id") {
        attrs.taxonomy_id = Some(check_taxonomy(check_int("taxonomy_id", v, 1)?)?);
    }
    if let Some(v) = f.get("type") {
        attrs.listing_type = check_enum("type", v, LISTING_TYPES)?;
    }
    if let Some(v) = f.get("shipping_profile_id") {
        let id = check_int("shipping_profile_id", v, 1)?;
        if id != SHIPPING_PROFILE_ID {
            return Err(EtsyError::bad(format!(
                "shipping_profile_id {id} is not a shipping profile of this shop"
            )));
        }
        attrs.shipping_profile_id = Some(id);
    }
    if let Some(v) = f.get("return_policy_id") {
        let id = check_int("return_policy_id", v, 1)?;
        return Err(EtsyError::bad(format!(
            "return_policy_id {id} is not a return policy of this shop"
        )));
    }
    if let Some(v) = f.get("shop_section_id").filter(|v| !v.is_empty()) {
        let id = check_int("shop_section_id", v, 1)?;
        return Err(EtsyError::bad(format!(
            "shop_section_id {id} is not a section of this shop"
        )));
    }
    if !f.list("production_partner_ids").is_empty() {
        return Err(EtsyError::bad(
            "production_partner_ids: this shop has no production partners",
        ));
    }
    if f.has("tags") {
        attrs.tags = check_words("tags", f, 13, 20, &TAG_REFUSED)?;
    }
    if f.has("materials") {
        attrs.materials = check_words("materials", f, 13, 45, &MATERIAL_REFUSED)?;
    }
    if f.has("styles") {
        attrs.styles = check_words("styles", f, 2, 45, &MATERIAL_REFUSED)?;
    }
    let flags: [(&str, &mut bool); 5] = [
        ("is_customizable", &mut attrs.is_customizable),
        ("is_personalizable", &mut attrs.is_personalizable),
        (
            "personalization_is_required",
            &mut attrs.personalization_is_required,
        ),
        ("should_auto_renew", &mut attrs.should_auto_renew),
        ("is_taxable", &mut attrs.is_taxable),
    ];
    for (name, slot) in flags {
        if let Some(v) = f.get(name) {
            *slot = check_bool(name, v)?;
        }
    }
    if let Some(v) = f.get("is_supply") {
        attrs.is_supply = Some(check_bool("is_supply", v)?);
    }
    if let Some(v) = f.get("personalization_char_count_max") {
        attrs.personalization_char_count_max =
            Some(check_int("personalization_char_count_max", v, 1)?);
    }
    if let Some(v) = f.get("personalization_instructions") {
        attrs.personalization_instructions = Some(v.to_string());
    }
    if let Some(v) = f.get("processing_min") {
        attrs.processing_min = Some(check_int("processing_min", v, 0)?);
    }
    if let Some(v) = f.get("processing_max") {
        attrs.processing_max = Some(check_int("processing_max", v, 0)?);
    }
    if let (Some(min), Some(max)) = (attrs.processing_min, attrs.processing_max)
        && min > max
    {
        return Err(EtsyError::bad(
            "processing_min cannot be greater than processing_max",
        ));
    }
    if let Some(v) = f.get("item_weight") {
        attrs.item_weight = check_measure("item_weight", v)?;
    }
    if let Some(v) = f.get("item_length") {
        attrs.item_length = check_measure("item_length", v)?;
    }
    if let Some(v) = f.get("item_width") {
        attrs.item_width = check_measure("item_width", v)?;
    }
    if let Some(v) = f.get("item_height") {
        attrs.item_height = check_measure("item_height", v)?;
    }
    if let Some(v) = f.get("item_weight_unit") {
        attrs.item_weight_unit = (!v.is_empty())
            .then(|| check_enum("item_weight_unit", v, WEIGHT_UNITS))
            .transpose()?;
    }
    if let Some(v) = f.get("item_dimensions_unit") {
        attrs.item_dimensions_unit = (!v.is_empty())
            .then(|| check_enum("item_dimensions_unit", v, DIMENSION_UNITS))
            .transpose()?;
    }
    if let Some(v) = f.get("featured_rank").filter(|v| !v.is_empty()) {
        attrs.featured_rank = Some(check_int("featured_rank", v, -1)?);
    }
    if attrs.item_weight.is_some() && attrs.item_weight_unit.is_none() {
        return Err(EtsyError::bad("item_weight needs item_weight_unit"));
    }
    let dimensions = [attrs.item_length, attrs.item_width, attrs.item_height];
    if dimensions.iter().any(Option::is_some) && attrs.item_dimensions_unit.is_none() {
        return Err(EtsyError::bad(
            "item_length, item_width and item_height need item_dimensions_unit",
        ));
    }
    Ok(())
}

fn require<'a>(f: &'a Fields, name: &str) -> Result<&'a str, EtsyError> {
    f.get(name)
        .ok_or_else(|| EtsyError::bad(format!("Missing required parameter: {name}")))
}

// ---------------------------------------------------------------------------------------
// Operations

/// `ping`
async fn ping() -> Response {
    json_response(StatusCode::OK, json!({"application_id": 1_000_001}))
}

/// `getMe`
async fn get_me(State(app): State<App>, headers: HeaderMap) -> Answer {
    let user_id = etsy_user(&app, &headers, "shops_r")?;
    Ok(json_response(
        StatusCode::OK,
        json!({"user_id": user_id, "shop_id": app.config.etsy.shop_id}),
    ))
}

/// `getShop` (public)
async fn get_shop(State(app): State<App>, headers: HeaderMap, params: Params) -> Answer {
    own_shop(&app, &params)?;
    let base = app.base_url(&headers);
    let store = app.store();
    Ok(json_response(
        StatusCode::OK,
        shop_json(&app, &base, store.conn())?,
    ))
}

/// `createDraftListing`: always a new draft; no SKU here.
async fn create_draft_listing(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Answer {
    etsy_user(&app, &headers, "listings_w")?;
    own_shop(&app, &params)?;
    let f = Fields::parse_bytes(&body);
    let quantity = check_quantity(require(&f, "quantity")?)?;
    let title = check_title(require(&f, "title")?)?;
    let description = check_description(require(&f, "description")?)?;
    let price = check_price("price", require(&f, "price")?)?;
    require(&f, "who_made")?;
    require(&f, "when_made")?;
    require(&f, "taxonomy_id")?;
    if !f.list("image_ids").is_empty() {
        return Err(EtsyError::bad(
            "image_ids: this shop has no images to attach yet; upload them with uploadListingImage",
        ));
    }
    let mut attrs = default_attrs();
    apply_attrs(&mut attrs, &f)?;
    if attrs.listing_type != "download" && attrs.shipping_profile_id.is_none() {
        return Err(EtsyError::bad(
            "shipping_profile_id is required for a physical listing",
        ));
    }
    let now = app.now_secs();
    let base = app.base_url(&headers);
    let mut store = app.store();
    let tx = store.transaction()?;
    let draft = Draft {
        title,
        description,
        price_cents: price,
        quantity,
    };
    let listing = insert_draft(&tx, draft, attrs, now)?;
    tx.commit()?;
    Ok(json_response(
        StatusCode::CREATED,
        listing_json(&app, &base, &listing),
    ))
}

/// What a new draft is made of, checked.
pub(crate) struct Draft {
    pub title: String,
    pub description: String,
    pub price_cents: i64,
    pub quantity: i64,
}

/// The attributes a listing starts with before the seller's own.
pub(crate) fn default_attrs() -> Attrs {
    Attrs {
        is_customizable: true,
        is_taxable: true,
        listing_type: "physical".into(),
        ..Attrs::default()
    }
}

/// A new draft listing, without SKU (Etsy sets SKUs only through the inventory), saved.
pub(crate) fn insert_draft(
    tx: &rusqlite::Connection,
    draft: Draft,
    attrs: Attrs,
    now: i64,
) -> Result<Listing, EtsyError> {
    let listing = Listing {
        listing_id: store::next_id(tx, "etsy_listing")?,
        state: "draft".into(),
        title: draft.title,
        description: draft.description,
        attrs,
        inventory: Inventory {
            products: vec![InventoryProduct {
                product_id: store::next_id(tx, "etsy_product")?,
                sku: String::new(),
                property_values: Vec::new(),
                offerings: vec![Offering {
                    offering_id: store::next_id(tx, "etsy_offering")?,
                    price_cents: draft.price_cents,
                    quantity: draft.quantity,
                    is_enabled: true,
                }],
            }],
            ..Inventory::default()
        },
        created: now,
        updated: now,
        state_ts: now,
    };
    store::insert_listing(tx, &listing)?;
    Ok(listing)
}

/// Moves a listing to `active` or `inactive` as `updateListing` and the seller's edits
/// on etsy.com do: going active needs a photo, stock and (when physical) a shipping
/// profile.
pub(crate) fn set_listing_state(
    tx: &rusqlite::Connection,
    listing: &mut Listing,
    state: &str,
    now: i64,
) -> Result<(), EtsyError> {
    let state = check_enum("state", state, &["active", "inactive"])?;
    if state == "active" {
        if store::images(tx, listing.listing_id)?.is_empty() {
            return Err(EtsyError::bad(
                "A listing needs at least one image before it can be active",
            ));
        }
        if listing.quantity() < 1 {
            return Err(EtsyError::bad(
                "A listing needs a quantity of at least 1 before it can be active",
            ));
        }
        if listing.attrs.listing_type != "download" && listing.attrs.shipping_profile_id.is_none() {
            return Err(EtsyError::bad(
                "A physical listing needs a shipping profile before it can be active",
            ));
        }
    }
    listing.set_state(&state, now);
    Ok(())
}

/// `updateListing`: text edits, publish (`active`, which needs a photo) and unpublish.
async fn update_listing(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Answer {
    etsy_user(&app, &headers, "listings_w")?;
    own_shop(&app, &params)?;
    let id = path_id(&params, "listing_id")?;
    let f = Fields::parse_bytes(&body);
    let base = app.base_url(&headers);
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut listing = store::listing(&tx, id)?.ok_or_else(|| listing_not_found(id))?;
    if let Some(title) = f.get("title") {
        listing.title = check_title(title)?;
    }
    if let Some(description) = f.get("description") {
        listing.description = check_description(description)?;
    }
    if !f.list("image_ids").is_empty() {
        return Err(EtsyError::bad(
            "image_ids: reorder photos with uploadListingImage (listing_image_id and rank)",
        ));
    }
    apply_attrs(&mut listing.attrs, &f)?;
    if let Some(state) = f.get("state") {
        set_listing_state(&tx, &mut listing, state, now)?;
    }
    listing.updated = now;
    store::save_listing(&tx, &listing)?;
    tx.commit()?;
    Ok(json_response(
        StatusCode::OK,
        listing_json(&app, &base, &listing),
    ))
}

/// `deleteListing`
async fn delete_listing(State(app): State<App>, headers: HeaderMap, params: Params) -> Answer {
    etsy_user(&app, &headers, "listings_d")?;
    let id = path_id(&params, "listing_id")?;
    let mut store = app.store();
    let tx = store.transaction()?;
    if !store::delete_listing(&tx, id)? {
        return Err(listing_not_found(id));
    }
    tx.commit()?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `getListing` (public: drafts and inactive listings only with the owner's token)
async fn get_listing(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(query): RawQuery,
) -> Answer {
    let id = path_id(&params, "listing_id")?;
    let includes = includes(&Fields::from_query(query.as_deref()))?;
    let owner = is_owner(&app, &headers);
    let base = app.base_url(&headers);
    let store = app.store();
    let listing = visible_listing(store.conn(), id, owner)?;
    let body = listing_with(&app, &base, store.conn(), &listing, &includes, owner)?;
    Ok(json_response(StatusCode::OK, body))
}

fn sort_descending(order: &str) -> Result<bool, EtsyError> {
    match order {
        "asc" | "ascending" | "up" => Ok(false),
        "desc" | "descending" | "down" => Ok(true),
        other => Err(EtsyError::bad(format!(
            "sort_order must be one of asc, ascending, desc, descending, up, down, got {other:?}"
        ))),
    }
}

fn limit_offset(q: &Fields) -> Result<(usize, usize), EtsyError> {
    let limit = match q.get("limit") {
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => return Err(EtsyError::bad("limit must be an integer between 1 and 100")),
        },
        None => 25,
    };
    let offset = match q.get("offset") {
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| EtsyError::bad("offset must be an integer of at least 0"))?,
        None => 0,
    };
    Ok((limit, offset))
}

/// `getListingsByShop`, as Etsy answers it rather than as one would wish:
///
/// - `sort_on` and `sort_order` "only work when combined with one of the search options
///   (keywords, region, etc.)" (the OpenAPI document's parameter notes; etsy/open-api
///   #510). Without `keywords` the listings come in one fixed order of Etsy's own (here
///   `listing_id` ascending), whatever sort was asked; with `keywords` (every word in
///   the title, description or tags) the sort applies, ties by `listing_id`.
/// - With the switchboard's `lag`, a new listing shows only some time after its
///   creation; with `page_drift`, a page after the first may repeat the previous page's
///   last listing or skip one (#510: paging returned listings twice and missed others).
async fn get_listings_by_shop(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(query): RawQuery,
) -> Answer {
    etsy_user(&app, &headers, "listings_r")?;
    own_shop(&app, &params)?;
    let q = Fields::from_query(query.as_deref());
    let state = check_enum("state", q.get("state").unwrap_or("active"), LISTING_STATES)?;
    let (limit, offset) = limit_offset(&q)?;
    let sort_on = check_enum(
        "sort_on",
        q.get("sort_on").unwrap_or("created"),
        &["created", "price", "updated", "score"],
    )?;
    let descending = sort_descending(q.get("sort_order").unwrap_or("desc"))?;
    let includes = includes(&q)?;
    let keywords = search_words(q.get("keywords"));
    let base = app.base_url(&headers);
    let now = app.now_secs();
    let (faults, drift) = {
        let mut board = app.fault_board();
        (board.faults().clone(), board.next_drift())
    };
    let store = app.store();
    let mut listings: Vec<Listing> = store::listings(store.conn())?
        .into_iter()
        .filter(|l| l.state == state)
        .filter(|l| l.created + faults.lag_secs(l.listing_id) <= now)
        .filter(|l| keywords.iter().all(|w| listing_matches(l, w)))
        .collect();
    if keywords.is_empty() {
        listings.sort_by_key(|l| l.listing_id);
    } else {
        sort_listings(&mut listings, &sort_on, descending);
    }
    let count = listings.len();
    let start = match drift {
        Drift::Repeat if offset > 0 => offset - 1,
        Drift::Skip if offset > 0 => offset + 1,
        _ => offset,
    };
    let mut results = Vec::new();
    for l in listings.iter().skip(start).take(limit) {
        results.push(listing_with(&app, &base, store.conn(), l, &includes, true)?);
    }
    Ok(json_response(
        StatusCode::OK,
        json!({"count": count, "results": results}),
    ))
}

/// The search words of `keywords`, lower-cased; none when absent or blank.
fn search_words(keywords: Option<&str>) -> Vec<String> {
    keywords
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect()
}

fn listing_matches(l: &Listing, word: &str) -> bool {
    l.title.to_lowercase().contains(word)
        || l.description.to_lowercase().contains(word)
        || l.attrs.tags.iter().any(|t| t.to_lowercase().contains(word))
}

/// A search's order; `score` (relevance) is always descending, as the document says.
fn sort_listings(listings: &mut [Listing], sort_on: &str, descending: bool) {
    listings.sort_by_key(|l| {
        let key = match sort_on {
            "price" => l.price_cents(),
            "updated" => l.updated,
            "created" => l.created,
            // Every match scores the same here: the order falls to the ids.
            _ => 0,
        };
        (key, l.listing_id)
    });
    if descending || sort_on == "score" {
        listings.reverse();
    }
}

/// Most ids `getListingsByListingIds` takes at once ("Limit 100 ids maximum per query").
const MAX_BATCH_IDS: usize = 100;

/// `getListingsByListingIds` (public): up to 100 listings by id, in the order asked;
/// unknown, deleted and unseen ids are simply absent.
async fn get_listings_by_listing_ids(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    let q = Fields::from_query(query.as_deref());
    let asked = q.list("listing_ids");
    if asked.is_empty() {
        return Err(EtsyError::bad("Missing required parameter: listing_ids"));
    }
    if asked.len() > MAX_BATCH_IDS {
        return Err(EtsyError::bad(format!(
            "listing_ids: at most {MAX_BATCH_IDS} ids are allowed, got {}",
            asked.len()
        )));
    }
    let mut ids: Vec<i64> = Vec::new();
    for v in &asked {
        let id = check_int("listing_ids", v, 1)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let includes = includes(&q)?;
    let owner = is_owner(&app, &headers);
    let base = app.base_url(&headers);
    let store = app.store();
    let mut results = Vec::new();
    for id in ids {
        if let Some(l) = seen_listing(store.conn(), id, owner)? {
            results.push(listing_with(
                &app,
                &base,
                store.conn(),
                &l,
                &includes,
                owner,
            )?);
        }
    }
    Ok(json_response(
        StatusCode::OK,
        json!({"count": results.len(), "results": results}),
    ))
}

/// `uploadListingImage`: a new file (`image`) or an existing photo (`listing_image_id`)
/// placed at `rank`. Without `overwrite` a new file is always added, never matched
/// against the photos already there; with `overwrite=true` it replaces the photo at
/// `rank`. The switchboard's `ignore_rank` makes it ignore the rank at times.
async fn upload_listing_image(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Answer {
    etsy_user(&app, &headers, "listings_w")?;
    own_shop(&app, &params)?;
    let id = path_id(&params, "listing_id")?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parts = multipart::parse(content_type, &body).map_err(|e| EtsyError::bad(e.0))?;
    let text = |name: &str| -> Option<String> {
        parts
            .iter()
            .rev()
            .find(|p| p.name == name && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
    };
    let file = parts
        .iter()
        .find(|p| p.name == "image" && (p.filename.is_some() || !p.data.is_empty()));
    let existing = text("listing_image_id")
        .filter(|v| !v.is_empty())
        .map(|v| check_int("listing_image_id", &v, 1))
        .transpose()?;
    let rank = text("rank")
        .filter(|v| !v.is_empty())
        .map(|v| check_int("rank", &v, 0).map(|r| r.max(1) as usize))
        .transpose()?;
    let overwrite = text("overwrite")
        .map(|v| check_bool("overwrite", &v))
        .transpose()?
        .unwrap_or(false);
    if let Some(v) = text("is_watermarked") {
        check_bool("is_watermarked", &v)?;
    }
    let alt_text = text("alt_text").filter(|v| !v.is_empty());
    if alt_text.as_ref().is_some_and(|a| a.chars().count() > 500) {
        return Err(EtsyError::bad("alt_text must be 500 characters or fewer"));
    }
    // With `ignore_rank` on, a new photo's rank is sometimes ignored and it goes last
    // (etsy/open-api #298).
    let rank_ignored = file.is_some() && rank.is_some() && app.fault_board().next_rank_ignored();
    let (rank, overwrite) = if rank_ignored {
        (None, false)
    } else {
        (rank, overwrite)
    };
    let now = app.now_secs();
    let base = app.base_url(&headers);
    let mut store = app.store();
    let tx = store.transaction()?;
    store::listing(&tx, id)?.ok_or_else(|| listing_not_found(id))?;
    let mut order = image_order(&tx, id)?;
    let placed = match (file, existing) {
        (Some(file), _) => {
            let new_id = store_image(&tx, id, &file.data, alt_text.as_deref(), now)?;
            match rank {
                Some(r) if overwrite && r <= order.len() => {
                    let replaced = order[r - 1];
                    store::delete_image(&tx, replaced)?;
                    order[r - 1] = new_id;
                }
                _ => {
                    if order.len() >= MAX_IMAGES {
                        return Err(too_many_images());
                    }
                    let at = rank.map_or(order.len(), |r| (r - 1).min(order.len()));
                    order.insert(at, new_id);
                }
            }
            new_id
        }
        (None, Some(existing)) => {
            let Some(from) = order.iter().position(|i| *i == existing) else {
                return Err(EtsyError::not_found(format!(
                    "Image {existing} not found on listing {id}"
                )));
            };
            order.remove(from);
            let at = rank.map_or(order.len(), |r| (r - 1).min(order.len()));
            order.insert(at, existing);
            if let Some(alt) = &alt_text {
                store::set_alt_text(&tx, existing, alt)?;
            }
            existing
        }
        (None, None) => {
            return Err(EtsyError::bad(
                "Provide an image file (the multipart part \"image\") or a listing_image_id",
            ));
        }
    };
    store::set_ranks(&tx, &order)?;
    let image = store::image(&tx, placed)?.ok_or_else(|| EtsyError::bad("Image vanished"))?;
    tx.commit()?;
    Ok(json_response(
        StatusCode::CREATED,
        image_json(&base, &image),
    ))
}

/// Keeps a photo's file for a listing (unranked: the caller places it); refused when it
/// is not a JPEG or a PNG.
pub(crate) fn store_image(
    tx: &rusqlite::Connection,
    listing_id: i64,
    data: &[u8],
    alt_text: Option<&str>,
    now: i64,
) -> Result<i64, EtsyError> {
    let info = sniff(data)
        .ok_or_else(|| EtsyError::bad("The uploaded file is not a valid image (JPEG or PNG)"))?;
    let new_id = store::next_id(tx, "etsy_image")?;
    store::insert_image(
        tx,
        &NewImage {
            listing_image_id: new_id,
            listing_id,
            alt_text,
            mime: info.mime,
            width: i64::from(info.width),
            height: i64::from(info.height),
            sha256: &sha256_hex(data),
            bytes: data,
            created: now,
        },
    )?;
    Ok(new_id)
}

/// A listing's photo ids in rank order.
pub(crate) fn image_order(
    tx: &rusqlite::Connection,
    listing_id: i64,
) -> Result<Vec<i64>, EtsyError> {
    Ok(store::images(tx, listing_id)?
        .iter()
        .map(|i| i.listing_image_id)
        .collect())
}

/// Adds a stored photo last, if the listing has room.
pub(crate) fn append_image(
    tx: &rusqlite::Connection,
    listing_id: i64,
    image_id: i64,
) -> Result<(), EtsyError> {
    let mut order = image_order(tx, listing_id)?;
    order.retain(|i| *i != image_id);
    if order.len() >= MAX_IMAGES {
        return Err(too_many_images());
    }
    order.push(image_id);
    store::set_ranks(tx, &order)?;
    Ok(())
}

fn too_many_images() -> EtsyError {
    EtsyError::bad(format!("A listing can have at most {MAX_IMAGES} images"))
}

/// Deletes a photo of a listing and closes the gap in the ranks; an active listing keeps
/// at least one photo.
pub(crate) fn remove_image(
    tx: &rusqlite::Connection,
    listing: &Listing,
    image_id: i64,
) -> Result<(), EtsyError> {
    let id = listing.listing_id;
    let mut order = image_order(tx, id)?;
    let Some(at) = order.iter().position(|i| *i == image_id) else {
        return Err(EtsyError::not_found(format!(
            "Image {image_id} not found on listing {id}"
        )));
    };
    if listing.state == "active" && order.len() == 1 {
        return Err(EtsyError::bad(
            "An active listing must keep at least one image",
        ));
    }
    order.remove(at);
    store::delete_image(tx, image_id)?;
    store::set_ranks(tx, &order)?;
    Ok(())
}

/// `deleteListingImage`; an active listing keeps at least one photo.
async fn delete_listing_image(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
) -> Answer {
    etsy_user(&app, &headers, "listings_w")?;
    own_shop(&app, &params)?;
    let id = path_id(&params, "listing_id")?;
    let image_id = path_id(&params, "listing_image_id")?;
    let mut store = app.store();
    let tx = store.transaction()?;
    let listing = store::listing(&tx, id)?.ok_or_else(|| listing_not_found(id))?;
    remove_image(&tx, &listing, image_id)?;
    tx.commit()?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `getListingImages` (public)
async fn get_listing_images(State(app): State<App>, headers: HeaderMap, params: Params) -> Answer {
    let id = path_id(&params, "listing_id")?;
    let owner = is_owner(&app, &headers);
    let base = app.base_url(&headers);
    let store = app.store();
    visible_listing(store.conn(), id, owner)?;
    let images: Vec<Value> = store::images(store.conn(), id)?
        .iter()
        .map(|i| image_json(&base, i))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        json!({"count": images.len(), "results": images}),
    ))
}

/// `getListingImage` (public)
async fn get_listing_image(State(app): State<App>, headers: HeaderMap, params: Params) -> Answer {
    let id = path_id(&params, "listing_id")?;
    let image_id = path_id(&params, "listing_image_id")?;
    let owner = is_owner(&app, &headers);
    let base = app.base_url(&headers);
    let store = app.store();
    visible_listing(store.conn(), id, owner)?;
    match store::image(store.conn(), image_id)? {
        Some(image) if image.listing_id == id => {
            Ok(json_response(StatusCode::OK, image_json(&base, &image)))
        }
        _ => Err(EtsyError::not_found(format!(
            "Image {image_id} not found on listing {id}"
        ))),
    }
}

/// `getListingInventory`
async fn get_listing_inventory(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(query): RawQuery,
) -> Answer {
    etsy_user(&app, &headers, "listings_r")?;
    let id = path_id(&params, "listing_id")?;
    let q = Fields::from_query(query.as_deref());
    let with_listing = match q.get("includes") {
        None | Some("") => false,
        Some("Listing") => true,
        Some(other) => {
            return Err(EtsyError::bad(format!(
                "includes must be Listing, got {other:?}"
            )));
        }
    };
    let base = app.base_url(&headers);
    let store = app.store();
    let listing = store::listing(store.conn(), id)?.ok_or_else(|| listing_not_found(id))?;
    let mut body = inventory_json(&listing.inventory);
    if with_listing && let Value::Object(map) = &mut body {
        map.insert("listing".into(), listing_json(&app, &base, &listing));
    }
    Ok(json_response(StatusCode::OK, body))
}

fn int_list(v: Option<&Value>, field: &str) -> Result<Vec<i64>, EtsyError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_i64()
                    .ok_or_else(|| EtsyError::bad(format!("{field} must be an array of integers")))
            })
            .collect(),
        Some(_) => Err(EtsyError::bad(format!(
            "{field} must be an array of integers"
        ))),
    }
}

/// The inventory as sent to `updateListingInventory`, checked; ids are made later.
fn read_inventory(body: &Value) -> Result<Inventory, EtsyError> {
    let Some(obj) = body.as_object() else {
        return Err(EtsyError::bad(
            "The body must be a JSON object with products",
        ));
    };
    let Some(products) = obj.get("products").and_then(Value::as_array) else {
        return Err(EtsyError::bad("products is required and must be an array"));
    };
    if products.is_empty() {
        return Err(EtsyError::bad("products must contain at least one product"));
    }
    let mut inventory = Inventory {
        products: Vec::new(),
        price_on_property: int_list(obj.get("price_on_property"), "price_on_property")?,
        quantity_on_property: int_list(obj.get("quantity_on_property"), "quantity_on_property")?,
        sku_on_property: int_list(obj.get("sku_on_property"), "sku_on_property")?,
    };
    for (i, p) in products.iter().enumerate() {
        let at = format!("products[{i}]");
        let Some(p) = p.as_object() else {
            return Err(EtsyError::bad(format!("{at} must be an object")));
        };
        let sku = match p.get("sku") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(_) => return Err(EtsyError::bad(format!("{at}.sku must be a string"))),
        };
        if sku.chars().count() > 32 {
            return Err(EtsyError::bad(format!(
                "{at}.sku must be 32 characters or fewer"
            )));
        }
        let mut property_values = Vec::new();
        if let Some(values) = p.get("property_values") {
            let Some(values) = values.as_array() else {
                return Err(EtsyError::bad(format!(
                    "{at}.property_values must be an array"
                )));
            };
            for (j, v) in values.iter().enumerate() {
                let at = format!("{at}.property_values[{j}]");
                let property_id = v
                    .get("property_id")
                    .and_then(Value::as_i64)
                    .filter(|id| *id >= 1)
                    .ok_or_else(|| EtsyError::bad(format!("{at}.property_id is required")))?;
                let value_ids = int_list(v.get("value_ids"), &format!("{at}.value_ids"))?;
                let names = match v.get("values") {
                    Some(Value::Array(items)) => items
                        .iter()
                        .map(|s| s.as_str().map(String::from))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| {
                            EtsyError::bad(format!("{at}.values must be an array of strings"))
                        })?,
                    _ => return Err(EtsyError::bad(format!("{at}.values is required"))),
                };
                property_values.push(PropertyValue {
                    property_id,
                    property_name: v
                        .get("property_name")
                        .and_then(Value::as_str)
                        .map(String::from),
                    scale_id: v.get("scale_id").and_then(Value::as_i64),
                    value_ids,
                    values: names,
                });
            }
        }
        let Some(offerings) = p.get("offerings").and_then(Value::as_array) else {
            return Err(EtsyError::bad(format!("{at}.offerings is required")));
        };
        if offerings.len() != 1 {
            return Err(EtsyError::bad(format!(
                "{at}.offerings must contain exactly one offering"
            )));
        }
        let mut read = Vec::new();
        for (j, o) in offerings.iter().enumerate() {
            let at = format!("{at}.offerings[{j}]");
            let price = match o.get("price") {
                // The JSON number's shortest decimal form, read without floating point.
                Some(Value::Number(n)) => check_price(&format!("{at}.price"), &n.to_string())?,
                _ => return Err(EtsyError::bad(format!("{at}.price must be a number"))),
            };
            let quantity = o
                .get("quantity")
                .and_then(Value::as_i64)
                .ok_or_else(|| EtsyError::bad(format!("{at}.quantity must be an integer")))?;
            if !(0..=MAX_QUANTITY).contains(&quantity) {
                return Err(EtsyError::bad(format!(
                    "{at}.quantity must be between 0 and {MAX_QUANTITY}"
                )));
            }
            let is_enabled = o
                .get("is_enabled")
                .and_then(Value::as_bool)
                .ok_or_else(|| EtsyError::bad(format!("{at}.is_enabled must be a boolean")))?;
            read.push(Offering {
                offering_id: 0,
                price_cents: price,
                quantity,
                is_enabled,
            });
        }
        inventory.products.push(InventoryProduct {
            product_id: 0,
            sku,
            property_values,
            offerings: read,
        });
    }
    let products = &inventory.products;
    if products.len() > 1 {
        let key = |p: &InventoryProduct| {
            let mut k: Vec<(i64, Vec<i64>, Vec<String>)> = p
                .property_values
                .iter()
                .map(|v| (v.property_id, v.value_ids.clone(), v.values.clone()))
                .collect();
            k.sort();
            k
        };
        for (i, a) in products.iter().enumerate() {
            if a.property_values.is_empty() {
                return Err(EtsyError::bad(format!(
                    "products[{i}] needs property_values: several products must differ by their properties"
                )));
            }
            if products[..i].iter().any(|b| key(b) == key(a)) {
                return Err(EtsyError::bad(format!(
                    "products[{i}] has the same property values as another product"
                )));
            }
        }
    }
    let first = &products[0];
    let same = |f: &dyn Fn(&InventoryProduct) -> String| products.iter().all(|p| f(p) == f(first));
    if inventory.price_on_property.is_empty() && !same(&|p| p.offerings[0].price_cents.to_string())
    {
        return Err(EtsyError::bad(
            "price_on_property is empty, so every product must have the same price",
        ));
    }
    if inventory.quantity_on_property.is_empty() && !same(&|p| p.offerings[0].quantity.to_string())
    {
        return Err(EtsyError::bad(
            "quantity_on_property is empty, so every product must have the same quantity",
        ));
    }
    if inventory.sku_on_property.is_empty() && !same(&|p| p.sku.clone()) {
        return Err(EtsyError::bad(
            "sku_on_property is empty, so every product must have the same sku",
        ));
    }
    Ok(inventory)
}

/// Etsy's refusal of an inventory with nothing to sell, worded as etsy/open-api #395
/// quotes it (#560: "one offering must have greater than zero inventory").
pub(crate) const NO_STOCK: &str = "One offering must have quantity greater than 0";

/// Puts `inventory` on the listing and saves it, as every inventory change on Etsy does
/// (the API's `updateListingInventory` and the seller's edits on etsy.com alike):
///
/// - refused when no enabled offering has a quantity above 0: "there is no way in the
///   API to zero out all of the inventory for a listing"; only a sale on Etsy takes a
///   listing to 0 (etsy/open-api #560 staff answer, #395, #501);
/// - new product and offering ids every time;
/// - the listing follows its stock (`sold_out` at 0, `active` again when restocked) and
///   its `updated_timestamp` moves.
pub(crate) fn replace_inventory(
    tx: &rusqlite::Connection,
    listing: &mut Listing,
    mut inventory: Inventory,
    now: i64,
) -> Result<(), EtsyError> {
    let sellable = inventory
        .products
        .iter()
        .flat_map(|p| &p.offerings)
        .any(|o| o.is_enabled && o.quantity > 0);
    if !sellable {
        return Err(EtsyError::bad(NO_STOCK));
    }
    for product in &mut inventory.products {
        product.product_id = store::next_id(tx, "etsy_product")?;
        for offering in &mut product.offerings {
            offering.offering_id = store::next_id(tx, "etsy_offering")?;
        }
    }
    listing.inventory = inventory;
    listing.follow_stock(now);
    listing.updated = now;
    store::save_listing(tx, listing)?;
    Ok(())
}

/// `updateListingInventory`: a full replacement; new product and offering ids every time.
async fn update_listing_inventory(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Answer {
    etsy_user(&app, &headers, "listings_w")?;
    let id = path_id(&params, "listing_id")?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| EtsyError::bad(format!("The body is not valid JSON: {e}")))?;
    let inventory = read_inventory(&body)?;
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut listing = store::listing(&tx, id)?.ok_or_else(|| listing_not_found(id))?;
    replace_inventory(&tx, &mut listing, inventory, now)?;
    tx.commit()?;
    Ok(json_response(
        StatusCode::OK,
        inventory_json(&listing.inventory),
    ))
}

pub(crate) fn receipt_json(app: &App, r: &Receipt) -> Value {
    let etsy = &app.config.etsy;
    let subtotal: i64 = r
        .transactions
        .iter()
        .map(|t| t.price_cents * t.quantity)
        .sum();
    let transactions: Vec<Value> = r
        .transactions
        .iter()
        .map(|t| {
            json!({
                "transaction_id": t.transaction_id,
                "title": t.title,
                "description": null,
                "seller_user_id": etsy.user_id,
                "buyer_user_id": r.buyer_user_id,
                "create_timestamp": t.created,
                "created_timestamp": t.created,
                "paid_timestamp": r.paid_at,
                "shipped_timestamp": r.shipped_at,
                "quantity": t.quantity,
                "listing_image_id": t.listing_image_id,
                "receipt_id": r.receipt_id,
                "is_digital": false,
                "file_data": "",
                "listing_id": t.listing_id,
                "transaction_type": "listing",
                "product_id": t.product_id,
                "sku": t.sku,
                "price": money(t.price_cents),
                "shipping_cost": money(0),
                "variations": [],
                "product_data": [],
                "shipping_profile_id": SHIPPING_PROFILE_ID,
                "min_processing_days": 1,
                "max_processing_days": 3,
                "shipping_method": null,
                "shipping_upgrade": null,
                "expected_ship_date": t.created + 3 * 86_400,
                "buyer_coupon": 0,
                "shop_coupon": 0,
            })
        })
        .collect();
    json!({
        "receipt_id": r.receipt_id,
        "receipt_type": 0,
        "seller_user_id": etsy.user_id,
        "seller_email": null,
        "buyer_user_id": r.buyer_user_id,
        "buyer_email": null,
        "name": r.buyer_name,
        "first_line": "12 Derb Sidi Bouloukat",
        "second_line": null,
        "city": "Marrakech",
        "state": null,
        "zip": "40000",
        "status": r.status,
        "formatted_address": format!("{}\n12 Derb Sidi Bouloukat\n40000 Marrakech\nMorocco", r.buyer_name),
        "country_iso": "MA",
        "payment_method": "cc",
        "payment_email": null,
        "message_from_seller": null,
        "message_from_buyer": null,
        "message_from_payment": null,
        "is_paid": r.is_paid,
        "is_shipped": r.is_shipped,
        "create_timestamp": r.created,
        "created_timestamp": r.created,
        "update_timestamp": r.updated,
        "updated_timestamp": r.updated,
        "is_gift": false,
        "gift_message": "",
        "gift_sender": "",
        "grandtotal": money(subtotal),
        "subtotal": money(subtotal),
        "total_price": money(subtotal),
        "total_shipping_cost": money(0),
        "total_tax_cost": money(0),
        "total_vat_cost": money(0),
        "discount_amt": money(0),
        "gift_wrap_price": money(0),
        "shipments": [],
        "transactions": transactions,
        "refunds": [],
    })
}

/// What a `was_…` filter of `getShopReceipts` reads on a receipt.
type ReceiptFlag = fn(&Receipt) -> bool;

/// `getShopReceipts`: the sales, which keep changing after the sale (a status change
/// moves `updated_timestamp`), filtered and paged as the OpenAPI document describes:
/// `min_created`/`max_created` and `min_last_modified`/`max_last_modified` (inclusive),
/// `was_paid`, `was_shipped`, `was_delivered` (never, here), `was_canceled`, then
/// `sort_on` (`created`, `updated`, `receipt_id`) and `sort_order` with ties ordered by
/// `receipt_id`, then `offset` and `limit`.
async fn get_shop_receipts(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(query): RawQuery,
) -> Answer {
    etsy_user(&app, &headers, "transactions_r")?;
    own_shop(&app, &params)?;
    let q = Fields::from_query(query.as_deref());
    let bound = |name: &str| -> Result<Option<i64>, EtsyError> {
        q.get(name)
            .map(|v| check_int(name, v, 946_684_800))
            .transpose()
    };
    let min_created = bound("min_created")?;
    let max_created = bound("max_created")?;
    let min_modified = bound("min_last_modified")?;
    let max_modified = bound("max_last_modified")?;
    let (limit, offset) = limit_offset(&q)?;
    let sort_on = check_enum(
        "sort_on",
        q.get("sort_on").unwrap_or("created"),
        &["created", "updated", "receipt_id"],
    )?;
    let descending = sort_descending(q.get("sort_order").unwrap_or("desc"))?;
    let flag = |name: &str| -> Result<Option<bool>, EtsyError> {
        q.get(name).map(|v| check_bool(name, v)).transpose()
    };
    let flags: [(Option<bool>, ReceiptFlag); 4] = [
        (flag("was_paid")?, |r| r.is_paid),
        (flag("was_shipped")?, |r| r.is_shipped),
        // The sandbox's buyers never confirm a delivery.
        (flag("was_delivered")?, |_| false),
        (flag("was_canceled")?, |r| r.status == "canceled"),
    ];
    let store = app.store();
    let mut receipts: Vec<Receipt> = store::receipts(store.conn())?
        .into_iter()
        .filter(|r| {
            flags
                .iter()
                .all(|(asked, is)| asked.is_none_or(|a| a == is(r)))
        })
        .filter(|r| min_created.is_none_or(|m| r.created >= m))
        .filter(|r| max_created.is_none_or(|m| r.created <= m))
        .filter(|r| min_modified.is_none_or(|m| r.updated >= m))
        .filter(|r| max_modified.is_none_or(|m| r.updated <= m))
        .collect();
    drop(store);
    receipts.sort_by_key(|r| {
        let key = match sort_on.as_str() {
            "updated" => r.updated,
            "receipt_id" => r.receipt_id,
            _ => r.created,
        };
        (key, r.receipt_id)
    });
    if descending {
        receipts.reverse();
    }
    let count = receipts.len();
    let results: Vec<Value> = receipts
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| receipt_json(&app, r))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        json!({"count": count, "results": results}),
    ))
}

/// The seller taxonomy: a small tree of what Moroccan artisans sell.
struct Node {
    id: i64,
    name: &'static str,
    children: &'static [Node],
}

const TAXONOMY: &[Node] = &[
    Node {
        id: 891,
        name: "Home & Living",
        children: &[
            Node {
                id: 1050,
                name: "Ceramics & Pottery",
                children: &[
                    Node {
                        id: 1051,
                        name: "Tagines",
                        children: &[],
                    },
                    Node {
                        id: 1052,
                        name: "Bowls",
                        children: &[],
                    },
                    Node {
                        id: 1053,
                        name: "Plates",
                        children: &[],
                    },
                    Node {
                        id: 1054,
                        name: "Zellige Tiles",
                        children: &[],
                    },
                ],
            },
            Node {
                id: 1060,
                name: "Rugs",
                children: &[
                    Node {
                        id: 1061,
                        name: "Berber Rugs",
                        children: &[],
                    },
                    Node {
                        id: 1062,
                        name: "Kilims",
                        children: &[],
                    },
                    Node {
                        id: 1063,
                        name: "Boucherouite Rugs",
                        children: &[],
                    },
                ],
            },
            Node {
                id: 1070,
                name: "Baskets",
                children: &[
                    Node {
                        id: 1071,
                        name: "Storage Baskets",
                        children: &[],
                    },
                    Node {
                        id: 1072,
                        name: "Palm Leaf Baskets",
                        children: &[],
                    },
                ],
            },
            Node {
                id: 1080,
                name: "Woodwork",
                children: &[
                    Node {
                        id: 1081,
                        name: "Thuya Wood Boxes",
                        children: &[],
                    },
                    Node {
                        id: 1082,
                        name: "Cedar Carvings",
                        children: &[],
                    },
                ],
            },
            Node {
                id: 1090,
                name: "Textiles",
                children: &[
                    Node {
                        id: 1091,
                        name: "Blankets & Throws",
                        children: &[],
                    },
                    Node {
                        id: 1092,
                        name: "Cushion Covers",
                        children: &[],
                    },
                    Node {
                        id: 1093,
                        name: "Embroidery",
                        children: &[],
                    },
                ],
            },
            Node {
                id: 1100,
                name: "Lighting",
                children: &[Node {
                    id: 1101,
                    name: "Brass Lanterns",
                    children: &[],
                }],
            },
            Node {
                id: 1110,
                name: "Stone Carvings",
                children: &[Node {
                    id: 1111,
                    name: "Fossils",
                    children: &[],
                }],
            },
        ],
    },
    Node {
        id: 1179,
        name: "Jewelry",
        children: &[
            Node {
                id: 1200,
                name: "Necklaces",
                children: &[],
            },
            Node {
                id: 1201,
                name: "Earrings",
                children: &[],
            },
            Node {
                id: 1202,
                name: "Bracelets",
                children: &[],
            },
            Node {
                id: 1203,
                name: "Berber Silver Fibulae",
                children: &[],
            },
        ],
    },
    Node {
        id: 1300,
        name: "Leather",
        children: &[
            Node {
                id: 1301,
                name: "Leather Bags",
                children: &[],
            },
            Node {
                id: 1302,
                name: "Babouches",
                children: &[],
            },
            Node {
                id: 1303,
                name: "Leather Poufs",
                children: &[],
            },
        ],
    },
    Node {
        id: 1400,
        name: "Bath & Beauty",
        children: &[
            Node {
                id: 1401,
                name: "Skin Care",
                children: &[
                    Node {
                        id: 1402,
                        name: "Argan Oil",
                        children: &[],
                    },
                    Node {
                        id: 1403,
                        name: "Black Soap (Savon Beldi)",
                        children: &[],
                    },
                    Node {
                        id: 1404,
                        name: "Ghassoul Clay",
                        children: &[],
                    },
                ],
            },
            Node {
                id: 1410,
                name: "Rose Water",
                children: &[],
            },
        ],
    },
];

fn taxonomy_ids() -> Vec<i64> {
    fn walk(nodes: &[Node], out: &mut Vec<i64>) {
        for n in nodes {
            out.push(n.id);
            walk(n.children, out);
        }
    }
    let mut ids = Vec::new();
    walk(TAXONOMY, &mut ids);
    ids
}

fn node_json(n: &Node, level: i64, parent: Option<i64>, path: &[i64]) -> Value {
    let mut full = path.to_vec();
    full.push(n.id);
    let children: Vec<Value> = n
        .children
        .iter()
        .map(|c| node_json(c, level + 1, Some(n.id), &full))
        .collect();
    json!({
        "id": n.id,
        "level": level,
        "name": n.name,
        "parent_id": parent,
        "children": children,
        "full_path_taxonomy_ids": full,
    })
}

/// `getSellerTaxonomyNodes` (public)
async fn get_seller_taxonomy_nodes() -> Response {
    let results: Vec<Value> = TAXONOMY
        .iter()
        .map(|n| node_json(n, 0, None, &[]))
        .collect();
    json_response(
        StatusCode::OK,
        json!({"count": results.len(), "results": results}),
    )
}

/// `getShopShippingProfiles`: the shop's one profile.
async fn get_shop_shipping_profiles(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
) -> Answer {
    etsy_user(&app, &headers, "shops_r")?;
    own_shop(&app, &params)?;
    Ok(json_response(
        StatusCode::OK,
        json!({"count": 1, "results": [shipping_profile_json(&app)]}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert!(check_title("Tagine en terre cuite: rouge").is_ok());
        assert!(check_title("طاجين فخار").is_ok());
        assert!(check_title("ⵜⴰⵊⵉⵏ ⴰⵎⵇⵇⵓⵔ").is_ok());
        assert!(check_title("Bol 100% fait main & peint").is_ok());
        assert!(check_title("").is_err());
        assert!(check_title(&"a".repeat(141)).is_err());
        // Arabic vowel marks are not letters.
        assert!(check_title("طَاجِين").is_err());
        assert!(check_title("a: b: c").is_err());
        assert!(check_title("line\nbreak").is_err());
    }

    #[test]
    fn taxonomy_is_consistent() {
        let ids = taxonomy_ids();
        assert!(ids.contains(&1402));
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }

    #[test]
    fn inventory_rules() {
        let one = json!({"products": [{"sku": "A-1", "offerings": [{"price": 120.5, "quantity": 3, "is_enabled": true}]}]});
        let inv = read_inventory(&one).unwrap();
        assert_eq!(inv.products[0].offerings[0].price_cents, 12050);
        let two_alike = json!({"products": [
            {"sku": "A", "offerings": [{"price": 10, "quantity": 1, "is_enabled": true}]},
            {"sku": "A", "offerings": [{"price": 10, "quantity": 1, "is_enabled": true}]}]});
        assert!(read_inventory(&two_alike).is_err());
        let string_price = json!({"products": [{"sku": "A", "offerings": [{"price": "10", "quantity": 1, "is_enabled": true}]}]});
        assert!(read_inventory(&string_price).is_err());
    }
}
