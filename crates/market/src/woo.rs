//! WooCommerce REST v3, and WordPress media for photos. What makes it safe:
//!
//! - SKUs are unique: a create whose answer was lost, sent again, answers
//!   `product_invalid_sku` with the existing product's id. The adapter adopts that
//!   product and puts the create's fields on it, so the lane confirms what it holds.
//! - A photo is a WordPress media upload (with the application password, not the shop
//!   keys) and then the product's image list, read and written whole. An upload whose
//!   answer is lost may leave an unused media file, never a second image on the product:
//!   the engine looks the product up instead of sending again.
//! - Orders are pulled by `modified_after` with a cursor that never skips ([`crate::cursor`]);
//!   each line item is applied once per state its order passes through.

use std::collections::BTreeMap;

use hanout_domain::{Category, Lang, Price, ProductId};
use hanout_sync::{
    Done, Found, ListingText, LookUp, Marketplace, Operation, OrderLine, OrderState, RemoteChanges,
    RemoteId, RemoteImageId, Reply, Request,
};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::cursor::{Cursor, Seen};
use crate::http::{self, Answer};
use crate::request::{self, price_field, refused};

/// One WooCommerce shop (a cooperative's, or a national e-store). Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WooShop {
    /// The site's address: `https://shop.example`, or the sandbox's.
    pub site: String,
    /// Hanout's craft categories as the shop's category ids, where it has them.
    #[serde(default)]
    pub categories: BTreeMap<Category, u64>,
}

/// The shop's REST keys and the WordPress application password for media.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WooCredentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub wp_user: String,
    pub app_password: String,
}

impl std::fmt::Debug for WooCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WooCredentials { .. }")
    }
}

pub struct Woo {
    shop: WooShop,
    credentials: WooCredentials,
    client: reqwest::Client,
}

/// `{"code": "...", "message": "...", "data": {"status": 400}}`.
fn message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Error {
        code: Option<String>,
        message: String,
    }
    match serde_json::from_slice::<Error>(body) {
        Ok(Error {
            code: Some(code),
            message,
        }) => format!("{message} ({code})"),
        Ok(e) => e.message,
        Err(_) => String::from_utf8_lossy(body).chars().take(200).collect(),
    }
}

#[derive(Deserialize)]
struct Image {
    id: u64,
}

#[derive(Deserialize)]
struct Product {
    id: u64,
    status: String,
    #[serde(default)]
    sku: String,
    regular_price: String,
    stock_quantity: Option<i64>,
    #[serde(default)]
    images: Vec<Image>,
}

#[derive(Deserialize)]
struct Media {
    id: u64,
}

#[derive(Deserialize)]
struct LineItem {
    id: u64,
    product_id: u64,
    sku: Option<String>,
    quantity: i64,
}

#[derive(Deserialize)]
struct Order {
    id: u64,
    status: String,
    date_modified_gmt: String,
    billing: Option<Billing>,
    #[serde(default)]
    line_items: Vec<LineItem>,
}

impl Order {
    /// What the order's lines take from stock. WooCommerce lowers its own stock for
    /// on-hold (a payment on its way), processing and completed orders, and gives it back
    /// when they are cancelled or refunded (`wc_maybe_reduce_stock_levels`,
    /// `wc_maybe_increase_stock_levels`); pending and failed orders never took any.
    fn state(&self) -> OrderState {
        match self.status.as_str() {
            "on-hold" | "processing" | "completed" => OrderState::Sold,
            "cancelled" | "refunded" => OrderState::Cancelled,
            _ => OrderState::Unpaid,
        }
    }
}

#[derive(Deserialize)]
struct Billing {
    first_name: Option<String>,
    last_name: Option<String>,
}

impl Billing {
    fn name(&self) -> Option<String> {
        let name = [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!name.is_empty()).then_some(name)
    }
}

/// A shop in Morocco is read in French or Arabic first.
const TITLE_ORDER: [Lang; 4] = [Lang::Fr, Lang::Ar, Lang::En, Lang::Tzm];

fn pick(words: &BTreeMap<Lang, String>) -> Option<&str> {
    request::pick(words, &TITLE_ORDER).map(|(_, w)| w)
}

impl Woo {
    /// Fails only when HTTPS cannot start on this device.
    pub fn new(shop: WooShop, credentials: WooCredentials) -> Result<Woo, http::ClientError> {
        Ok(Woo {
            shop,
            credentials,
            client: http::client()?,
        })
    }

    fn site(&self) -> &str {
        self.shop.site.trim_end_matches('/')
    }

    fn products(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(
                method,
                format!("{}/wp-json/wc/v3/products{path}", self.site()),
            )
            .basic_auth(
                &self.credentials.consumer_key,
                Some(&self.credentials.consumer_secret),
            )
    }

    async fn call(builder: RequestBuilder) -> Result<Answer, Reply> {
        Answer::read(builder.send().await).await
    }

    fn words(&self, text: &ListingText) -> Result<Value, Reply> {
        let Some(title) = pick(&text.titles) else {
            return Err(refused("the shop needs a title".into()));
        };
        let mut body = json!({
            "name": title,
            "description": pick(&text.descriptions).unwrap_or(""),
        });
        if let Some(id) = self.shop.categories.get(&text.category) {
            body["categories"] = json!([{ "id": id }]);
        }
        Ok(body)
    }

    /// Updates a product. One deleted on the website is gone, not a refusal: WooCommerce
    /// answers 400 `woocommerce_rest_product_invalid_id`. One in the website's trash
    /// still takes updates but sells nothing: gone too.
    async fn put(&self, id: &RemoteId, body: &Value) -> Result<Product, Reply> {
        let builder = self
            .products(Method::PUT, &format!("/{}", id.as_str()))
            .json(body);
        let answer = Woo::call(builder).await?;
        if error_code(&answer.body).as_deref() == Some(INVALID_ID) {
            return Err(gone());
        }
        let product: Product = answer.json(message)?;
        if product.status == "trash" {
            return Err(gone());
        }
        Ok(product)
    }

    async fn create(
        &self,
        sku: ProductId,
        text: &ListingText,
        price: Price,
        quantity: u32,
    ) -> Result<Done, Reply> {
        let mut body = self.words(text)?;
        body["sku"] = json!(sku.to_string());
        body["regular_price"] = json!(price_field(price));
        body["manage_stock"] = json!(true);
        body["stock_quantity"] = json!(quantity);
        body["status"] = json!("draft");
        let answer = Woo::call(self.products(Method::POST, "").json(&body)).await?;
        if answer.status == StatusCode::BAD_REQUEST
            && let Some(existing) = existing_sku(&answer.body)
        {
            // Our own earlier create, whose answer was lost: adopt it, with this create's
            // fields, so that what the lane confirms is what the shop holds.
            let id = RemoteId::new(existing.to_string());
            self.put(&id, &body).await?;
            return Ok(Done::Created(id));
        }
        let product: Product = answer.json(message)?;
        Ok(Done::Created(RemoteId::new(product.id.to_string())))
    }

    async fn product(&self, id: &str) -> Result<Option<Product>, Reply> {
        let answer = Woo::call(self.products(Method::GET, &format!("/{id}"))).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let product: Product = answer.json(message)?;
        Ok((product.status != "trash").then_some(product))
    }

    async fn images(&self, id: &RemoteId) -> Result<Vec<u64>, Reply> {
        match self.product(id.as_str()).await? {
            Some(p) => Ok(p.images.iter().map(|i| i.id).collect()),
            None => Err(gone()),
        }
    }

    async fn set_images(&self, id: &RemoteId, images: &[u64]) -> Result<Done, Reply> {
        let list: Vec<Value> = images.iter().map(|i| json!({ "id": i })).collect();
        self.put(id, &json!({ "images": list })).await?;
        Ok(Done::Applied)
    }

    async fn upload(
        &self,
        id: &RemoteId,
        sku: ProductId,
        rank: usize,
        photo: &[u8],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Done, Reply> {
        let builder = self
            .client
            .post(format!("{}/wp-json/wp/v2/media", self.site()))
            .basic_auth(
                &self.credentials.wp_user,
                Some(&self.credentials.app_password),
            )
            .header(CONTENT_TYPE, "image/jpeg")
            .header(
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{sku}-{rank}.jpg\""),
            );
        // With its Content-Length: chunked, many WordPress hosts would see no photo.
        let (builder, sent) = http::photo_request(builder, photo);
        let media: Media = http::with_progress(Woo::call(builder), sent, progress)
            .await?
            .json(message)?;
        let mut images = self.images(id).await?;
        images.insert(rank.min(images.len()), media.id);
        self.set_images(id, &images).await?;
        Ok(Done::Uploaded(RemoteImageId::new(media.id.to_string())))
    }

    /// The product as the engine sees it, for the lane whose SKU is `sku`.
    fn found(product: Product, sku: ProductId) -> Result<Found, Reply> {
        let has_sku = product.sku.eq_ignore_ascii_case(&sku.to_string());
        let price = Price::parse(&product.regular_price)
            .map_err(|_| http::garbled(StatusCode::OK, &"a price that is not a number"))?;
        Ok(Found {
            remote_id: RemoteId::new(product.id.to_string()),
            price,
            quantity: u32::try_from(product.stock_quantity.unwrap_or(0)).unwrap_or(0),
            images: product
                .images
                .iter()
                .map(|i| RemoteImageId::new(i.id.to_string()))
                .collect(),
            published: product.status == "publish",
            has_sku,
        })
    }
}

/// WooCommerce's `2026-11-24T10:00:00` (GMT) in seconds since 1970.
fn seconds(date: &str) -> Option<i64> {
    let at: jiff::civil::DateTime = date.parse().ok()?;
    Some(
        at.to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp()
            .as_second(),
    )
}

/// Seconds since 1970 as WooCommerce's GMT dates.
fn gmt(seconds: i64) -> Option<String> {
    let at = jiff::Timestamp::from_second(seconds).ok()?;
    Some(at.strftime("%Y-%m-%dT%H:%M:%S").to_string())
}

/// The existing product's id in a `product_invalid_sku` refusal.
fn existing_sku(body: &[u8]) -> Option<u64> {
    let error: Value = serde_json::from_slice(body).ok()?;
    if error["code"] != "product_invalid_sku" {
        return None;
    }
    error["data"]["resource_id"].as_u64()
}

impl Woo {
    /// The fields a batchable operation changes, as `PUT /products/{id}` takes them.
    fn update_body(&self, op: &Operation) -> Result<Value, Reply> {
        Ok(match op {
            Operation::UpdateFields { text } => self.words(text)?,
            Operation::SetPriceAndStock { price, quantity } => json!({
                "regular_price": price_field(*price),
                "manage_stock": true,
                "stock_quantity": quantity,
            }),
            Operation::Publish => json!({ "status": "publish" }),
            Operation::Unpublish => json!({ "status": "draft" }),
            other => return Err(refused(format!("{} does not go in a batch", other.name()))),
        })
    }
}

/// WooCommerce's word for a product that does not exist (deleted on the website).
const INVALID_ID: &str = "woocommerce_rest_product_invalid_id";

/// A product deleted or trashed on the website: the engine looks it up and lets the
/// artisan list it again or drop it.
fn gone() -> Reply {
    Reply::Status {
        code: 404,
        retry_after: None,
        message: "the product is gone from the shop: deleted or in the trash on its website".into(),
    }
}

/// The `code` of a WooCommerce error body.
fn error_code(body: &[u8]) -> Option<String> {
    let error: Value = serde_json::from_slice(body).ok()?;
    error["code"].as_str().map(str::to_owned)
}

/// One item of a `products/batch` answer: the product, or its own error.
fn batch_item(item: &Value) -> Result<Done, Reply> {
    let error = item.get("error");
    if item["status"] == "trash" || error.is_some_and(|e| e["code"] == INVALID_ID) {
        return Err(gone());
    }
    match error {
        None => Ok(Done::Applied),
        Some(error) => Err(Reply::Status {
            code: error["data"]["status"]
                .as_u64()
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(400),
            retry_after: None,
            message: message(error.to_string().as_bytes()),
        }),
    }
}

impl Marketplace for Woo {
    fn batch_size(&self) -> usize {
        // WooCommerce takes at most 100 objects per batch request.
        100
    }

    /// `POST /products/batch` with every update at once; each item answers for itself.
    async fn send_batch(&self, requests: &[Request<'_>]) -> Vec<Result<Done, Reply>> {
        let mut answers: Vec<Option<Result<Done, Reply>>> = vec![None; requests.len()];
        let mut sent = Vec::new();
        let mut updates = Vec::new();
        for (n, request) in requests.iter().enumerate() {
            let body = match (request.remote_id, self.update_body(request.op)) {
                (Some(id), Ok(mut body)) => {
                    body["id"] = json!(id.as_str().parse::<u64>().unwrap_or_default());
                    body
                }
                (None, _) => {
                    answers[n] = Some(Err(refused("an edit before the product exists".into())));
                    continue;
                }
                (_, Err(reply)) => {
                    answers[n] = Some(Err(reply));
                    continue;
                }
            };
            sent.push(n);
            updates.push(body);
        }
        if !updates.is_empty() {
            let builder = self
                .products(Method::POST, "/batch")
                .json(&json!({ "update": updates }));
            let answer: Result<Value, Reply> = match Woo::call(builder).await {
                Ok(answer) => answer.json(message),
                Err(reply) => Err(reply),
            };
            let items = answer.as_ref().ok().and_then(|v| v["update"].as_array());
            for (k, n) in sent.iter().enumerate() {
                answers[*n] = Some(match (&answer, items.and_then(|items| items.get(k))) {
                    (Err(reply), _) => Err(reply.clone()),
                    (Ok(_), Some(item)) => batch_item(item),
                    // A batch answer without this item: nobody knows what became of it.
                    (Ok(_), None) => Err(Reply::Lost),
                });
            }
        }
        answers
            .into_iter()
            .map(|a| a.unwrap_or(Err(Reply::Lost)))
            .collect()
    }

    /// A product is found by its unique SKU as soon as it is made.
    fn lists_lag(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    async fn probe(&self) -> Result<(), Reply> {
        let builder = self.products(Method::GET, "").query(&[("per_page", "1")]);
        Woo::call(builder).await?.ok(message)?;
        Ok(())
    }

    async fn send(&self, req: Request<'_>) -> Result<Done, Reply> {
        if let Operation::Create {
            text,
            price,
            quantity,
        } = req.op
        {
            return self.create(req.sku, text, *price, *quantity).await;
        }
        let id = request::listing(&req)?;
        let applied = |_: Product| Done::Applied;
        match req.op {
            Operation::Create { .. } | Operation::Reconcile => {
                Err(refused(format!("{} is not sent", req.op.name())))
            }
            op @ (Operation::UpdateFields { .. }
            | Operation::SetPriceAndStock { .. }
            | Operation::Publish
            | Operation::Unpublish) => self.put(id, &self.update_body(op)?).await.map(applied),
            Operation::UploadPhoto { rank, .. } => {
                let photo = request::photo(&req)?;
                self.upload(id, req.sku, *rank, photo, req.progress).await
            }
            Operation::RemovePhoto {
                remote_image_id, ..
            } => {
                let mut images = self.images(id).await?;
                images.retain(|i| i.to_string() != remote_image_id.as_str());
                self.set_images(id, &images).await
            }
            Operation::ReorderPhotos { order } => {
                let images = self.images(id).await?;
                let rank = |image: &u64| {
                    req.photos
                        .iter()
                        .find(|p| p.remote_image_id.as_str() == image.to_string())
                        .and_then(|p| order.iter().position(|h| *h == p.hash))
                        .unwrap_or(usize::MAX)
                };
                let mut sorted = images.clone();
                sorted.sort_by_key(rank);
                self.set_images(id, &sorted).await
            }
            Operation::Delist => {
                let builder = self
                    .products(Method::DELETE, &format!("/{}", id.as_str()))
                    .query(&[("force", "true")]);
                let answer = Woo::call(builder).await?;
                // Deleting what is already gone has happened: the wish holds.
                if answer.status == StatusCode::NOT_FOUND
                    || error_code(&answer.body).as_deref() == Some(INVALID_ID)
                {
                    return Ok(Done::Applied);
                }
                answer.ok(message)?;
                Ok(Done::Applied)
            }
        }
    }

    async fn look_up(&self, q: LookUp<'_>) -> Result<Option<Found>, Reply> {
        if let Some(id) = q.remote_id {
            let product = self.product(id.as_str()).await?;
            return product.map(|p| Woo::found(p, q.sku)).transpose();
        }
        let builder = self
            .products(Method::GET, "")
            .query(&[("sku", q.sku.to_string().as_str()), ("status", "any")]);
        let products: Vec<Product> = Woo::call(builder).await?.json(message)?;
        products
            .into_iter()
            .find(|p| p.status != "trash" && !q.claimed.contains(&RemoteId::new(p.id.to_string())))
            .map(|p| Woo::found(p, q.sku))
            .transpose()
    }

    async fn changes_since(&self, cursor: Option<&str>) -> Result<RemoteChanges, Reply> {
        // WooCommerce's largest page.
        const PER_PAGE: usize = 100;
        let cursor = cursor.map_or(Cursor::from(0), |text| {
            Cursor::parse(text).unwrap_or_else(|| Cursor::from(older_cursor(text)))
        });
        // `modified_after` is strictly after: a second early reads the window's first
        // second too.
        let since = gmt(cursor.since - 1).unwrap_or_else(|| "1970-01-01T00:00:00".into());
        let builder = self
            .client
            .get(format!("{}/wp-json/wc/v3/orders", self.site()))
            .basic_auth(
                &self.credentials.consumer_key,
                Some(&self.credentials.consumer_secret),
            )
            .query(&[
                ("modified_after", since.as_str()),
                ("dates_are_gmt", "true"),
                ("orderby", "modified"),
                ("order", "asc"),
                ("per_page", &PER_PAGE.to_string()),
                ("offset", &cursor.offset().to_string()),
            ]);
        let answer = Woo::call(builder).await?;
        let server_time = answer.server_time();
        let orders: Vec<Order> = answer.json(message)?;
        let seen: Vec<Seen> = orders
            .iter()
            .map(|o| Seen {
                id: o.id,
                modified: seconds(&o.date_modified_gmt).unwrap_or(cursor.since),
            })
            .collect();
        let (next, more) = cursor.after(&seen, PER_PAGE, server_time);
        let mut lines = Vec::new();
        for order in orders {
            let state = order.state();
            let buyer = order.billing.as_ref().and_then(Billing::name);
            for item in order.line_items {
                lines.push(OrderLine {
                    id: format!("{}-{}", order.id, item.id),
                    order: order.id.to_string(),
                    buyer: buyer.clone(),
                    listing: RemoteId::new(item.product_id.to_string()),
                    sku: item.sku.and_then(|s| s.parse().ok()),
                    quantity: u32::try_from(item.quantity).unwrap_or(0),
                    state,
                });
            }
        }
        Ok(next.changes(lines, more))
    }
}

/// The window's start in a cursor of an earlier Hanout ("date|offset"): the offset is
/// what skipped orders, so only the date is kept.
fn older_cursor(text: &str) -> i64 {
    text.split('|').next().and_then(seconds).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_go_to_seconds_and_back_across_a_new_year() {
        let new_year = seconds("2027-01-01T00:00:00").expect("a date");
        assert_eq!(gmt(new_year - 1).as_deref(), Some("2026-12-31T23:59:59"));
        assert_eq!(seconds("not a date"), None);
        assert_eq!(older_cursor("2027-01-01T00:00:00|50"), new_year);
    }
}
