//! The seller at work on the marketplace's own website, behind the app's back: editing a
//! listing, making a draft, deleting. Each goes through the marketplace's own rules (an
//! Etsy price or quantity is an inventory change, refused at 0 and remaking the offering
//! ids; a WooCommerce edit is a product save) and moves the listing's modification time
//! (Etsy `updated_timestamp`/`last_modified_timestamp`, WooCommerce `date_modified`), as
//! the API's own edits do.

use axum::http::StatusCode;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::App;
use crate::etsy::{self, EtsyError};
use crate::form::parse_cents;
use crate::media::{placeholder_png, sniff};
use crate::store::{self, Inventory, Listing};
use crate::woo::{self, WooError};

/// `POST /sandbox/website-edit`: any of the fields, applied together.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Edit {
    pub market: String,
    pub listing_id: i64,
    /// A decimal string: `"120.00"`.
    pub price: Option<String>,
    pub quantity: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Etsy `active` or `inactive`; WooCommerce `publish`, `draft`, `private` or
    /// `pending`.
    pub state: Option<String>,
    pub remove_image_id: Option<i64>,
    /// `"placeholder"` (a picture the sandbox makes) or the photo's bytes in base64.
    pub add_image: Option<String>,
}

/// `POST /sandbox/website-draft`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewDraft {
    pub market: String,
    pub title: String,
    pub description: String,
    pub price: String,
    pub quantity: i64,
}

/// The photo `add_image` names, or why it is not one.
fn picture(add_image: &str, app: &App) -> Result<Vec<u8>, String> {
    if add_image == "placeholder" {
        let mut n = [0u8; 8];
        n.copy_from_slice(&app.random_bytes(8));
        return Ok(placeholder_png(u64::from_be_bytes(n)));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(add_image.trim())
        .map_err(|e| format!("add_image is neither \"placeholder\" nor base64: {e}"))?;
    if sniff(&bytes).is_none() {
        return Err("add_image is not a JPEG or a PNG".into());
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------------------
// Etsy

/// The seller edits an Etsy listing on etsy.com. Text first, then a new photo, then the
/// price and stock (one inventory change, through `replace_inventory`'s rules), then the
/// state (going active needs a photo and stock), then a photo's removal (an active
/// listing keeps one). Answers the listing as `getListing` with `includes=Images` shows it
/// to its owner.
pub(crate) fn etsy_edit(app: &App, base: &str, edit: &Edit) -> Result<Value, EtsyError> {
    let id = edit.listing_id;
    let picture = edit
        .add_image
        .as_deref()
        .map(|a| picture(a, app).map_err(EtsyError::bad))
        .transpose()?;
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut listing = store::listing(&tx, id)?.ok_or_else(|| etsy::listing_not_found(id))?;
    if let Some(title) = &edit.title {
        listing.title = etsy::check_title(title)?;
    }
    if let Some(description) = &edit.description {
        listing.description = etsy::check_description(description)?;
    }
    if let Some(bytes) = picture {
        let image_id = etsy::store_image(&tx, id, &bytes, None, now)?;
        etsy::append_image(&tx, id, image_id)?;
    }
    if edit.price.is_some() || edit.quantity.is_some() {
        let inventory = edited_inventory(&listing, edit.price.as_deref(), edit.quantity)?;
        etsy::replace_inventory(&tx, &mut listing, inventory, now)?;
    }
    if let Some(state) = &edit.state {
        etsy::set_listing_state(&tx, &mut listing, state, now)?;
    }
    if let Some(image_id) = edit.remove_image_id {
        etsy::remove_image(&tx, &listing, image_id)?;
    }
    listing.updated = now;
    store::save_listing(&tx, &listing)?;
    let body = etsy::owner_view(app, base, &tx, &listing)?;
    tx.commit()?;
    Ok(body)
}

/// The listing's inventory with the website's new price (every offering) or quantity.
/// The quantity field exists only on listings without variations; 0 is left for
/// `replace_inventory` to refuse, as Etsy does.
fn edited_inventory(
    listing: &Listing,
    price: Option<&str>,
    quantity: Option<i64>,
) -> Result<Inventory, EtsyError> {
    let mut inventory = listing.inventory.clone();
    if let Some(price) = price {
        let cents = etsy::check_price("price", price)?;
        for offering in inventory.products.iter_mut().flat_map(|p| &mut p.offerings) {
            offering.price_cents = cents;
        }
    }
    if let Some(quantity) = quantity {
        if !(0..=999).contains(&quantity) {
            return Err(EtsyError::bad("quantity must be between 0 and 999"));
        }
        let [product] = inventory.products.as_mut_slice() else {
            return Err(EtsyError::bad(
                "the sandbox's website edits the quantity only of listings without variations",
            ));
        };
        for offering in &mut product.offerings {
            offering.quantity = quantity;
            offering.is_enabled = quantity > 0 || offering.is_enabled;
        }
    }
    Ok(inventory)
}

/// The seller starts a listing on etsy.com: a draft without SKU, in the shop's one
/// shipping profile.
pub(crate) fn etsy_draft(app: &App, base: &str, d: &NewDraft) -> Result<Value, EtsyError> {
    let draft = etsy::Draft {
        title: etsy::check_title(&d.title)?,
        description: etsy::check_description(&d.description)?,
        price_cents: etsy::check_price("price", &d.price)?,
        quantity: etsy::check_quantity_value(d.quantity)?,
    };
    let mut attrs = etsy::default_attrs();
    attrs.who_made = Some("i_did".into());
    attrs.when_made = Some("made_to_order".into());
    attrs.taxonomy_id = Some(etsy::HOME_AND_LIVING);
    attrs.shipping_profile_id = Some(etsy::SHIPPING_PROFILE_ID);
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let listing = etsy::insert_draft(&tx, draft, attrs, now)?;
    let body = etsy::owner_view(app, base, &tx, &listing)?;
    tx.commit()?;
    Ok(json!({
        "market": "etsy",
        "listing_id": listing.listing_id,
        "listing": body,
    }))
}

// ---------------------------------------------------------------------------------------
// WooCommerce

fn invalid_price(price: &str) -> WooError {
    WooError::bad_request(
        "rest_invalid_param",
        &format!("price {price:?} is not a decimal amount such as \"120.00\""),
    )
}

/// The seller edits a WooCommerce product in the WordPress admin: one product save (so
/// `date_modified` moves, a trashed product included), with the gallery changed. A
/// removed photo leaves the gallery, not the media library. Answers the product as the
/// REST API shows it.
pub(crate) fn woo_edit(app: &App, base: &str, edit: &Edit) -> Result<Value, WooError> {
    let id = edit.listing_id;
    let mut params = Map::new();
    if let Some(title) = &edit.title {
        params.insert("name".into(), json!(title));
    }
    if let Some(description) = &edit.description {
        params.insert("description".into(), json!(description));
    }
    if let Some(price) = &edit.price {
        parse_cents(price).ok_or_else(|| invalid_price(price))?;
        params.insert("regular_price".into(), json!(price.trim()));
    }
    if let Some(quantity) = edit.quantity {
        params.insert("manage_stock".into(), json!(true));
        params.insert("stock_quantity".into(), json!(quantity));
    }
    if let Some(state) = &edit.state {
        params.insert("status".into(), json!(state));
    }
    let picture = edit
        .add_image
        .as_deref()
        .map(|a| picture(a, app).map_err(|e| WooError::bad_request("rest_invalid_param", &e)))
        .transpose()?;
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let mut product =
        store::product(&tx, id)?.ok_or_else(|| woo::invalid_product_id(StatusCode::NOT_FOUND))?;
    if edit.remove_image_id.is_some() || picture.is_some() {
        let mut gallery = product.images.clone();
        if let Some(media_id) = edit.remove_image_id {
            if !gallery.contains(&media_id) {
                return Err(WooError::bad_request(
                    "woocommerce_product_invalid_image_id",
                    &format!("#{media_id} is an invalid image ID."),
                ));
            }
            gallery.retain(|m| *m != media_id);
        }
        if let Some(bytes) = picture {
            let media = crate::media::store_media(&tx, &bytes, "website-photo.jpg", now)?;
            gallery.push(media.id);
        }
        let images: Vec<Value> = gallery.iter().map(|m| json!({"id": m})).collect();
        params.insert("images".into(), Value::Array(images));
    }
    let input = woo::read_input(&params)?;
    woo::apply_and_save(&tx, &mut product, input, now)?;
    let body = woo::product_json(base, &tx, &product)?;
    tx.commit()?;
    Ok(body)
}

/// The seller starts a product in the WordPress admin: a draft without SKU that manages
/// its stock.
pub(crate) fn woo_draft(app: &App, base: &str, d: &NewDraft) -> Result<Value, WooError> {
    parse_cents(&d.price).ok_or_else(|| invalid_price(&d.price))?;
    let mut params = Map::new();
    params.insert("name".into(), json!(d.title));
    params.insert("description".into(), json!(d.description));
    params.insert("regular_price".into(), json!(d.price.trim()));
    params.insert("manage_stock".into(), json!(true));
    params.insert("stock_quantity".into(), json!(d.quantity));
    params.insert("status".into(), json!("draft"));
    let product = woo::create_one(app, base, &params)?;
    Ok(json!({
        "market": "woocommerce",
        "listing_id": product["id"],
        "listing": product,
    }))
}

// ---------------------------------------------------------------------------------------
// Deleting

/// The seller deletes a listing on the website. Etsy deletes it (`getListing` and every
/// update then answer 404); WooCommerce's admin moves it to the trash, where it still
/// takes updates and reads as `status: "trash"`, or, `permanent`, deletes it for good
/// (updates then answer 400 and reads 404, both `woocommerce_rest_product_invalid_id`).
/// `false` when there was no such listing.
pub(crate) fn delete(
    app: &App,
    market: crate::sales::Market,
    id: i64,
    permanent: bool,
) -> rusqlite::Result<bool> {
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let found = match market {
        crate::sales::Market::Etsy => store::delete_listing(&tx, id)?,
        crate::sales::Market::Woo => match store::product(&tx, id)? {
            None => false,
            Some(_) if permanent => store::delete_product(&tx, id)?,
            Some(mut product) => {
                product.status = "trash".into();
                product.modified = now;
                store::save_product(&tx, &product)?;
                true
            }
        },
    };
    tx.commit()?;
    Ok(found)
}
