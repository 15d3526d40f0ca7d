//! Etsy Open API v3. The traps (each with its source in `crates/sandbox/README.md`, which
//! models them) and what this adapter
//! does about each:
//!
//! - No idempotency, no SKU at create time: a create is never sent again blindly (the
//!   engine looks it up); right after a create the SKU goes on with the inventory (the
//!   create is not done until it has), and a look-up matches by id, then SKU, then the
//!   first unclaimed draft made after the create was sent with, read back, its very
//!   words, price and stock ([`Etsy::made_by`]).
//! - An upload appends: it is never repeated blindly either. Reordering re-ranks the
//!   images already there (`listing_image_id` with `rank`), which is safe to repeat.
//! - Tags and materials go as one comma-separated string; titles are checked against
//!   Etsy's rules before anything is sent, with one clear reason per rule.
//! - Every request carries `x-api-key: keystring:secret` and a bearer token; an expired
//!   token is refreshed, and the rotated refresh token is stored before the new access
//!   token is used ([`Tokens`], [`TokenVault`]); if the vault fails, the new pair is used
//!   from memory and stored again at each later call until it is kept.
//! - `X-Etsy-Request-Uuid` is logged with every failure; rate-limit answers carry
//!   `Retry-After`, which the engine honours.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use hanout_domain::{Category, Clock, Lang, Price, ProductId, Timestamp};
use hanout_sync::{
    Done, Found, ListingText, LookUp, Marketplace, Operation, OrderLine, OrderState, RemoteChanges,
    RemoteId, RemoteImageId, Reply, Request,
};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder};
use serde::{Deserialize, Serialize};

use crate::cursor::{Cursor, Seen};
use crate::http::{self, Answer};
use crate::request::{self, price_field, refused};

/// Who made the cooperative's pieces, as Etsy asks on every listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhoMade {
    IDid,
    Collective,
    SomeoneElse,
}

impl WhoMade {
    fn as_str(self) -> &'static str {
        match self {
            WhoMade::IDid => "i_did",
            WhoMade::Collective => "collective",
            WhoMade::SomeoneElse => "someone_else",
        }
    }
}

/// One Etsy shop, as the cooperative set it up. Holds no secret: those are in
/// [`Credentials`], which come from the vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtsyShop {
    /// `https://api.etsy.com`, or the sandbox's address.
    pub api: String,
    pub shop_id: u64,
    pub who_made: WhoMade,
    /// Etsy's era bucket for pieces already made. Its values change every year
    /// (`2020_2025` became `2020_2026`), so it is the shop's setting, never a constant;
    /// `made_to_order` is the stable one.
    pub when_made: String,
    pub shipping_profile_id: Option<u64>,
    /// Hanout's craft categories as Etsy taxonomy ids, refreshed from
    /// `getSellerTaxonomyNodes`.
    pub taxonomy: BTreeMap<Category, u64>,
}

/// An OAuth token pair. The refresh token rotates on every use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub expires_at: Timestamp,
}

/// The app's key and the shop's tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub keystring: String,
    pub shared_secret: String,
    pub tokens: Tokens,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials { .. }")
    }
}

/// Where rotated tokens are kept, durably, before they are used.
pub trait TokenVault: Send + Sync {
    fn store(&self, tokens: &Tokens) -> Result<(), String>;
}

/// Etsy's rules for a title, checked before sending.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TitleProblem {
    #[error("the title is empty")]
    Empty,
    #[error("Etsy titles are at most 140 characters; this one has {0}")]
    TooLong(usize),
    #[error("Etsy titles may use {0} only once")]
    Repeated(char),
    #[error("Etsy titles may not contain {0:?}")]
    Character(char),
}

/// Checks a title against Etsy's rules: letters, digits, punctuation, math symbols and
/// spaces only; `%`, `:`, `&` and `+` once each; at most 140 characters.
pub fn check_title(title: &str) -> Result<(), TitleProblem> {
    let count = title.chars().count();
    if title.trim().is_empty() {
        return Err(TitleProblem::Empty);
    }
    if count > 140 {
        return Err(TitleProblem::TooLong(count));
    }
    for once in ['%', ':', '&', '+'] {
        if title.matches(once).count() > 1 {
            return Err(TitleProblem::Repeated(once));
        }
    }
    match title.chars().find(|c| !title_char(*c)) {
        Some(c) => Err(TitleProblem::Character(c)),
        None => Ok(()),
    }
}

fn title_char(c: char) -> bool {
    c.is_alphabetic() && !is_mark(c)
        || c.is_numeric()
        || c == ' '
        || c.is_ascii_punctuation()
        || "«»“”‘’–—…·،؛؟™©®×÷±".contains(c)
}

/// Combining marks (Arabic vowel signs, accents typed apart): Etsy refuses them.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Buyers on Etsy read English or French first.
const TITLE_ORDER: [Lang; 4] = [Lang::En, Lang::Fr, Lang::Ar, Lang::Tzm];

fn pick(words: &BTreeMap<Lang, String>) -> Option<(Lang, &str)> {
    request::pick(words, &TITLE_ORDER)
}

pub struct Etsy {
    shop: EtsyShop,
    credentials: Mutex<Credentials>,
    /// The tokens in `credentials` were rotated but the vault could not keep them: they
    /// are used all the same (the old refresh token is spent), and stored again at every
    /// call until the vault takes them. Read and written with `credentials` held.
    unsaved: AtomicBool,
    vault: Arc<dyn TokenVault>,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
    /// Etsy's clock less this device's, in seconds, from the last `Date` header seen.
    skew: Mutex<Option<i64>>,
}

/// Etsy's two error shapes: `{"error": "..."}`, and an array of `{path, type, message}`.
fn message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Single {
        error: String,
        error_description: Option<String>,
    }
    #[derive(Deserialize)]
    struct Item {
        path: Option<String>,
        message: String,
    }
    if let Ok(e) = serde_json::from_slice::<Single>(body) {
        return match e.error_description {
            Some(d) => format!("{}: {d}", e.error),
            None => e.error,
        };
    }
    if let Ok(items) = serde_json::from_slice::<Vec<Item>>(body) {
        return items
            .iter()
            .map(|i| match &i.path {
                Some(p) => format!("{p}: {}", i.message),
                None => i.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    String::from_utf8_lossy(body).chars().take(200).collect()
}

#[derive(Deserialize)]
struct Money {
    amount: i64,
    divisor: i64,
}

impl Money {
    fn price(&self) -> Option<Price> {
        if self.divisor <= 0 {
            return None;
        }
        // Garbage from the wire must not overflow: it is no price.
        Price::from_centimes(self.amount.checked_mul(100)? / self.divisor).ok()
    }
}

#[derive(Deserialize)]
struct Image {
    listing_image_id: u64,
    rank: Option<i64>,
}

#[derive(Deserialize)]
struct Listing {
    listing_id: u64,
    state: String,
    quantity: u32,
    title: Option<String>,
    description: Option<String>,
    created_timestamp: Option<i64>,
    price: Option<Money>,
    #[serde(default)]
    skus: Vec<String>,
    #[serde(default)]
    images: Option<Vec<Image>>,
}

#[derive(Deserialize)]
struct Page<T> {
    count: u64,
    results: Vec<T>,
}

#[derive(Deserialize)]
struct Transaction {
    transaction_id: u64,
    listing_id: Option<u64>,
    sku: Option<String>,
    quantity: u32,
}

#[derive(Deserialize)]
struct Receipt {
    receipt_id: u64,
    updated_timestamp: Option<i64>,
    /// Etsy's words: paid, completed, open, payment processing, canceled, fully refunded,
    /// partially refunded.
    status: Option<String>,
    #[serde(default)]
    is_paid: bool,
    /// The recipient's name.
    name: Option<String>,
    #[serde(default)]
    transactions: Vec<Transaction>,
}

impl Receipt {
    /// What the receipt's lines take from stock. A partial refund leaves the piece sold.
    fn state(&self) -> OrderState {
        match self.status.as_deref() {
            Some("canceled" | "fully refunded") => OrderState::Cancelled,
            Some("paid" | "completed" | "payment processing" | "partially refunded") => {
                OrderState::Sold
            }
            _ if self.is_paid => OrderState::Sold,
            _ => OrderState::Unpaid,
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
}

/// A product's id as an Etsy SKU: Etsy takes at most 32 characters, so the UUID goes
/// without its hyphens (it still parses back as the same id).
pub fn etsy_sku(product: ProductId) -> String {
    product.as_uuid().simple().to_string()
}

impl Etsy {
    pub fn new(
        shop: EtsyShop,
        credentials: Credentials,
        vault: Arc<dyn TokenVault>,
        clock: Arc<dyn Clock>,
    ) -> Result<Etsy, http::ClientError> {
        Ok(Etsy {
            shop,
            credentials: Mutex::new(credentials),
            unsaved: AtomicBool::new(false),
            vault,
            clock,
            client: http::client()?,
            skew: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/v3/application{path}",
            self.shop.api.trim_end_matches('/')
        )
    }

    fn credentials(&self) -> Credentials {
        self.credentials
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A fresh access token: refreshed when it has expired (or will within a minute),
    /// and the new pair stored before it is used. If the vault cannot take the new pair,
    /// it is used anyway (the old refresh token is spent: dropping the new one would lock
    /// the shop out until the artisan signs in again) and stored again at the next call.
    async fn access(&self) -> Result<(String, String), Reply> {
        self.store_unsaved();
        let c = self.credentials();
        let key = format!("{}:{}", c.keystring, c.shared_secret);
        if c.tokens.expires_at.millis() > self.clock.now().millis() + 60_000 {
            return Ok((key, c.tokens.access));
        }
        let answer = Answer::read(
            self.client
                .post(format!(
                    "{}/v3/public/oauth/token",
                    self.shop.api.trim_end_matches('/')
                ))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", c.keystring.as_str()),
                    ("refresh_token", c.tokens.refresh.as_str()),
                ])
                .send()
                .await,
        )
        .await?;
        let fresh: TokenAnswer = match answer.json(message) {
            Ok(t) => t,
            // A refresh token refused is a sign-in for the artisan, whatever the code.
            Err(Reply::Status {
                code: 400..=499,
                message,
                ..
            }) => {
                return Err(Reply::Status {
                    code: 401,
                    retry_after: None,
                    message,
                });
            }
            Err(other) => return Err(other),
        };
        let tokens = Tokens {
            access: fresh.access_token,
            refresh: fresh.refresh_token,
            expires_at: Timestamp(
                self.clock
                    .now()
                    .millis()
                    .saturating_add(fresh.expires_in.saturating_mul(1000)),
            ),
        };
        let access = tokens.access.clone();
        let mut held = self
            .credentials
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        held.tokens = tokens;
        self.unsaved.store(true, Ordering::SeqCst);
        self.store_held(&held);
        Ok((key, access))
    }

    /// Stores rotated tokens the vault could not take before, if there are any.
    fn store_unsaved(&self) {
        let held = self
            .credentials
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.unsaved.load(Ordering::SeqCst) {
            self.store_held(&held);
        }
    }

    /// Stores `held`'s tokens (the credentials' lock held, so an older pair can never
    /// overwrite a newer one), and remembers whether that worked.
    fn store_held(&self, held: &Credentials) {
        match self.vault.store(&held.tokens) {
            Ok(()) => self.unsaved.store(false, Ordering::SeqCst),
            // The vault's error names a file or the keyring, never a token.
            Err(error) => tracing::warn!(
                %error,
                "the new Etsy sign-in could not be stored: kept in memory, stored again at the next request"
            ),
        }
    }

    async fn request(&self, method: Method, path: &str) -> Result<RequestBuilder, Reply> {
        let (key, access) = self.access().await?;
        Ok(self
            .client
            .request(method, self.url(path))
            .header("x-api-key", key)
            .bearer_auth(access))
    }

    /// Sends and reads the answer, logging Etsy's request id (what Etsy's support asks
    /// for), never a header or a body.
    async fn call(&self, builder: RequestBuilder) -> Result<Answer, Reply> {
        let answer = Answer::read(builder.send().await).await?;
        if let Some(etsy) = answer.server_time() {
            let here = self.clock.now().millis().div_euclid(1000);
            *self.skew.lock().unwrap_or_else(PoisonError::into_inner) = Some(etsy - here);
        }
        let request = answer
            .headers
            .get("x-etsy-request-uuid")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let status = answer.status.as_u16();
        if answer.status.is_success() {
            tracing::debug!(status, request, "Etsy answered");
        } else {
            tracing::warn!(status, request, "Etsy refused");
        }
        Ok(answer)
    }

    fn words(&self, text: &ListingText) -> Result<Vec<(&'static str, String)>, Reply> {
        let Some((lang, title)) = pick(&text.titles) else {
            return Err(refused("Etsy needs a title".into()));
        };
        check_title(title).map_err(|p| refused(p.to_string()))?;
        let description = text
            .descriptions
            .get(&lang)
            .filter(|d| !d.trim().is_empty())
            .map(String::as_str)
            .or_else(|| pick(&text.descriptions).map(|(_, d)| d))
            .unwrap_or(title)
            .to_owned();
        for m in &text.materials {
            if let Some(c) = m.chars().find(|c| !(c.is_alphanumeric() || *c == ' ')) {
                return Err(refused(format!(
                    "Etsy materials may hold only letters, digits and spaces: {m:?} has {c:?}"
                )));
            }
        }
        let Some(taxonomy) = self.shop.taxonomy.get(&text.category) else {
            return Err(refused(format!(
                "no Etsy category is set for {}: refresh the shop's categories",
                text.category.slug()
            )));
        };
        let mut fields = vec![
            ("title", title.to_owned()),
            ("description", description),
            ("taxonomy_id", taxonomy.to_string()),
        ];
        if !text.materials.is_empty() {
            fields.push(("materials", text.materials.join(",")));
        }
        Ok(fields)
    }

    async fn create(
        &self,
        sku: ProductId,
        text: &ListingText,
        price: Price,
        quantity: u32,
    ) -> Result<Done, Reply> {
        if quantity == 0 {
            return Err(refused("Etsy lists only pieces in stock".into()));
        }
        let mut form = self.words(text)?;
        form.extend([
            ("quantity", quantity.to_string()),
            ("price", price_field(price)),
            ("who_made", self.shop.who_made.as_str().to_owned()),
            ("when_made", self.shop.when_made.clone()),
            ("type", "physical".to_owned()),
        ]);
        if let Some(profile) = self.shop.shipping_profile_id {
            form.push(("shipping_profile_id", profile.to_string()));
        }
        let path = format!("/shops/{}/listings", self.shop.shop_id);
        let builder = self.request(Method::POST, &path).await?.form(&form);
        let listing: Listing = self.call(builder).await?.json(message)?;
        let id = RemoteId::new(listing.listing_id.to_string());
        // The SKU can only follow the create. If this fails the listing is still ours:
        // the lane knows its id, and the create is not done until the SKU is set.
        if let Err(reply) = self.inventory(&id, sku, price, quantity).await {
            tracing::warn!(
                listing = id.as_str(),
                ?reply,
                "the SKU did not follow the create"
            );
            return Ok(Done::CreatedWithoutSku(id));
        }
        Ok(Done::Created(id))
    }

    async fn inventory(
        &self,
        id: &RemoteId,
        sku: ProductId,
        price: Price,
        quantity: u32,
    ) -> Result<Done, Reply> {
        let body = serde_json::json!({
            "products": [{
                "sku": etsy_sku(sku),
                "property_values": [],
                "offerings": [{
                    "price": price.centimes() as f64 / 100.0,
                    "quantity": quantity,
                    "is_enabled": quantity > 0,
                }],
            }],
        });
        let path = format!("/listings/{}/inventory", id.as_str());
        let builder = self.request(Method::PUT, &path).await?.json(&body);
        self.call(builder).await?.ok(message)?;
        Ok(Done::Applied)
    }

    async fn update(&self, id: &RemoteId, form: &[(&str, String)]) -> Result<Done, Reply> {
        let path = format!("/shops/{}/listings/{}", self.shop.shop_id, id.as_str());
        let builder = self.request(Method::PATCH, &path).await?.form(form);
        self.call(builder).await?.ok(message)?;
        Ok(Done::Applied)
    }

    async fn upload(
        &self,
        id: &RemoteId,
        rank: usize,
        photo: &[u8],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Done, Reply> {
        let (body, sent) = http::counted(photo);
        let part = Part::stream_with_length(body, photo.len() as u64)
            .file_name("photo.jpg")
            .mime_str("image/jpeg")
            .map_err(|e| http::garbled(reqwest::StatusCode::OK, &e))?;
        let form = Form::new()
            .part("image", part)
            .text("rank", (rank + 1).to_string());
        let path = format!(
            "/shops/{}/listings/{}/images",
            self.shop.shop_id,
            id.as_str()
        );
        // A form whose parts all have a length goes with its Content-Length, unchunked;
        // the photo's size sets the deadline.
        let builder = self
            .request(Method::POST, &path)
            .await?
            .multipart(form)
            .timeout(http::upload_deadline(photo.len()));
        let answer = http::with_progress(self.call(builder), sent, progress).await?;
        let image: Image = answer.json(message)?;
        Ok(Done::Uploaded(RemoteImageId::new(
            image.listing_image_id.to_string(),
        )))
    }

    /// Moves an image already on the listing to `rank`: safe to repeat.
    async fn rerank(&self, id: &RemoteId, image: &RemoteImageId, rank: usize) -> Result<(), Reply> {
        let form = Form::new()
            .text("listing_image_id", image.as_str().to_owned())
            .text("rank", (rank + 1).to_string());
        let path = format!(
            "/shops/{}/listings/{}/images",
            self.shop.shop_id,
            id.as_str()
        );
        let builder = self.request(Method::POST, &path).await?.multipart(form);
        self.call(builder).await?.ok(message)?;
        Ok(())
    }

    async fn delete(&self, path: String) -> Result<Done, Reply> {
        let builder = self.request(Method::DELETE, &path).await?;
        let answer = self.call(builder).await?;
        // Deleting what is already gone has happened: the wish holds.
        if answer.status == reqwest::StatusCode::NOT_FOUND {
            return Ok(Done::Applied);
        }
        answer.ok(message)?;
        Ok(Done::Applied)
    }

    async fn listing(&self, id: &str) -> Result<Option<Listing>, Reply> {
        let builder = self
            .request(Method::GET, &format!("/listings/{id}"))
            .await?
            .query(&[("includes", "Images")]);
        let answer = self.call(builder).await?;
        if answer.status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let listing: Listing = answer.json(message)?;
        Ok((listing.state != "removed").then_some(listing))
    }

    /// Every listing of the shop in `state`, newest first, a page of 100 at a time.
    async fn listings(&self, state: &str) -> Result<Vec<Listing>, Reply> {
        let mut all = Vec::new();
        loop {
            let builder = self
                .request(
                    Method::GET,
                    &format!("/shops/{}/listings", self.shop.shop_id),
                )
                .await?
                .query(&[
                    ("state", state),
                    ("limit", "100"),
                    ("offset", &all.len().to_string()),
                    ("sort_on", "created"),
                    ("sort_order", "desc"),
                    ("includes", "Images"),
                ]);
            let page: Page<Listing> = self.call(builder).await?.json(message)?;
            let got = page.results.len();
            all.extend(page.results);
            if got == 0 || all.len() as u64 >= page.count {
                return Ok(all);
            }
        }
    }

    /// Whether `draft` is what the lost `create` made: a draft with no SKU made no earlier
    /// than the create was sent (`earliest`, Etsy's clock) and holding, read back, the
    /// very words, price and stock it sent. A draft the seller made on the website before,
    /// or another product's with the same title, price and stock, is never taken for it.
    fn made_by(&self, create: &Operation, draft: &Listing, earliest: Option<i64>) -> bool {
        let Operation::Create {
            text,
            price,
            quantity,
        } = create
        else {
            return false;
        };
        let Ok(words) = self.words(text) else {
            return false;
        };
        let sent = |field: &str| words.iter().find(|(k, _)| *k == field).map(|(_, v)| v);
        let made_after = match (earliest, draft.created_timestamp) {
            (Some(earliest), Some(created)) => created >= earliest,
            // No time to go by: the words alone decide.
            _ => true,
        };
        made_after
            && draft.title.as_ref() == sent("title")
            && draft.description.as_ref() == sent("description")
            && draft.quantity == *quantity
            && draft.price.as_ref().and_then(Money::price) == Some(*price)
    }

    /// A time on this device as Etsy's clock reads it, in seconds, a little early: the
    /// device's clock may be off by minutes, so the difference seen in Etsy's `Date`
    /// headers is added, and where none was seen yet a margin of five minutes is taken.
    fn server_seconds(&self, device: Timestamp) -> i64 {
        let seconds = device.millis().div_euclid(1000);
        match *self.skew.lock().unwrap_or_else(PoisonError::into_inner) {
            // Dates are whole seconds: one second either way.
            Some(skew) => seconds + skew - 2,
            None => seconds - 300,
        }
    }

    /// The listing as the engine sees it, for the lane whose SKU is `sku`.
    fn found(listing: Listing, sku: &str) -> Option<Found> {
        let has_sku = listing.skus.iter().any(|s| s == sku);
        let mut images = listing.images.unwrap_or_default();
        images.sort_by_key(|i| i.rank.unwrap_or(i64::MAX));
        Some(Found {
            remote_id: RemoteId::new(listing.listing_id.to_string()),
            price: listing.price.as_ref().and_then(Money::price)?,
            quantity: listing.quantity,
            images: images
                .iter()
                .map(|i| RemoteImageId::new(i.listing_image_id.to_string()))
                .collect(),
            published: listing.state == "active",
            has_sku,
        })
    }
}

/// Signing a shop in: OAuth 2.0 authorization code with PKCE (S256).
pub mod sign_in {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use sha2::{Digest, Sha256};

    /// What Hanout asks of a shop: read and write listings, delete them, read sales.
    pub const SCOPES: &str = "listings_r listings_w listings_d transactions_r shops_r";

    /// One sign-in under way: the verifier stays on the device, the challenge goes out.
    #[derive(Clone, PartialEq, Eq)]
    pub struct Pkce {
        pub verifier: String,
        pub state: String,
    }

    impl Pkce {
        /// From 64 random bytes the caller draws (randomness is injected).
        pub fn new(random: &[u8; 64]) -> Pkce {
            Pkce {
                verifier: URL_SAFE_NO_PAD.encode(&random[..32]),
                state: URL_SAFE_NO_PAD.encode(&random[32..48]),
            }
        }

        /// A sign-in seeded from the operating system's secure randomness.
        pub fn fresh() -> Result<Pkce, getrandom::Error> {
            let mut random = [0u8; 64];
            getrandom::fill(&mut random)?;
            Ok(Pkce::new(&random))
        }

        pub fn challenge(&self) -> String {
            URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
        }

        /// The page where the seller approves Hanout: `www` is `https://www.etsy.com`,
        /// or the sandbox's address.
        pub fn authorize_url(&self, www: &str, keystring: &str, redirect_uri: &str) -> String {
            let query = [
                ("response_type", "code"),
                ("client_id", keystring),
                ("redirect_uri", redirect_uri),
                ("scope", SCOPES),
                ("state", &self.state),
                ("code_challenge", &self.challenge()),
                ("code_challenge_method", "S256"),
            ];
            let encoded: Vec<String> = query
                .iter()
                .map(|(k, v)| format!("{k}={}", urlencode(v)))
                .collect();
            format!(
                "{}/oauth/connect?{}",
                www.trim_end_matches('/'),
                encoded.join("&")
            )
        }
    }

    /// What the seller pasted after approving does not give a code.
    #[derive(Debug, PartialEq, Eq, thiserror::Error)]
    pub enum AddressError {
        #[error("this address is from another sign-in: start again")]
        OtherSignIn,
        #[error("the address has no code: was access refused?")]
        NoCode,
    }

    /// The code in what the seller pastes after approving: the whole address the browser
    /// went to, or the code alone. The address must carry the `state` this sign-in sent.
    pub fn code_from(pasted: &str, state: &str) -> Result<String, AddressError> {
        let pasted = pasted.trim();
        let Some((_, query)) = pasted.split_once('?') else {
            return Ok(pasted.to_owned());
        };
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        if value("state").map(String::as_str) != Some(state) {
            return Err(AddressError::OtherSignIn);
        }
        value("code").cloned().ok_or(AddressError::NoCode)
    }

    fn urlencode(value: &str) -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
}

impl Etsy {
    /// Trades the code from the redirect for the shop's first tokens.
    pub async fn exchange_code(
        api: &str,
        keystring: &str,
        redirect_uri: &str,
        code: &str,
        pkce: &sign_in::Pkce,
        now: Timestamp,
    ) -> Result<Tokens, Reply> {
        let client = http::client().map_err(|error| {
            tracing::error!(%error, "no HTTPS client for the Etsy sign-in");
            Reply::NotSent
        })?;
        let answer = Answer::read(
            client
                .post(format!(
                    "{}/v3/public/oauth/token",
                    api.trim_end_matches('/')
                ))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", keystring),
                    ("redirect_uri", redirect_uri),
                    ("code", code),
                    ("code_verifier", pkce.verifier.as_str()),
                ])
                .send()
                .await,
        )
        .await?;
        let fresh: TokenAnswer = answer.json(message)?;
        Ok(Tokens {
            access: fresh.access_token,
            refresh: fresh.refresh_token,
            expires_at: Timestamp(
                now.millis()
                    .saturating_add(fresh.expires_in.saturating_mul(1000)),
            ),
        })
    }

    /// Hanout's craft categories as this shop's Etsy taxonomy, from
    /// `getSellerTaxonomyNodes`: for each category the shallowest node whose name holds
    /// one of its words. Categories with no match are left out (listing one says so).
    pub async fn taxonomy(&self) -> Result<BTreeMap<Category, u64>, Reply> {
        #[derive(Deserialize)]
        struct Node {
            id: u64,
            name: String,
            #[serde(default)]
            children: Vec<Node>,
        }
        fn flatten<'a>(nodes: &'a [Node], depth: usize, out: &mut Vec<(usize, &'a Node)>) {
            for n in nodes {
                out.push((depth, n));
                flatten(&n.children, depth + 1, out);
            }
        }
        let builder = self.request(Method::GET, "/seller-taxonomy/nodes").await?;
        let page: Page<Node> = self.call(builder).await?.json(message)?;
        let mut nodes = Vec::new();
        flatten(&page.results, 0, &mut nodes);
        nodes.sort_by_key(|(depth, _)| *depth);
        Ok(Category::ALL
            .iter()
            .filter_map(|category| {
                let words = taxonomy_words(*category);
                nodes
                    .iter()
                    .find(|(_, n)| words.iter().any(|w| n.name.contains(w)))
                    .map(|(_, n)| (*category, n.id))
            })
            .collect())
    }
}

impl Etsy {
    /// The shop's first shipping profile: Etsy needs one on every physical listing.
    pub async fn shipping_profile(&self) -> Result<Option<u64>, Reply> {
        #[derive(Deserialize)]
        struct Profile {
            shipping_profile_id: u64,
        }
        let path = format!("/shops/{}/shipping-profiles", self.shop.shop_id);
        let builder = self.request(Method::GET, &path).await?;
        let page: Page<Profile> = self.call(builder).await?.json(message)?;
        Ok(page.results.first().map(|p| p.shipping_profile_id))
    }
}

/// The words of Etsy's taxonomy names that each craft category goes under.
fn taxonomy_words(category: Category) -> &'static [&'static str] {
    match category {
        Category::Pottery => &["Pottery", "Ceramics", "Tagine"],
        Category::Carpets => &["Rugs", "Carpets"],
        Category::Clothing => &["Clothing"],
        Category::Leather => &["Leather"],
        Category::Wood => &["Wood"],
        Category::Metal => &["Metal", "Lanterns", "Brass"],
        Category::Basketry => &["Basket"],
        Category::Jewellery => &["Jewelry"],
        Category::Textiles => &["Textiles", "Blankets"],
        Category::Stone => &["Stone"],
        Category::Argan => &["Argan", "Bath & Beauty"],
        Category::Other => &["Home & Living"],
    }
}

impl Marketplace for Etsy {
    async fn probe(&self) -> Result<(), Reply> {
        let builder = self.request(Method::GET, "/openapi-ping").await?;
        self.call(builder).await?.ok(message)?;
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
        match req.op {
            Operation::Create { .. } | Operation::Reconcile => {
                Err(refused(format!("{} is not sent", req.op.name())))
            }
            Operation::UpdateFields { text } => self.update(id, &self.words(text)?).await,
            Operation::SetPriceAndStock { price, quantity } => {
                self.inventory(id, req.sku, *price, *quantity).await
            }
            Operation::UploadPhoto { rank, .. } => {
                let photo = request::photo(&req)?;
                self.upload(id, *rank, photo, req.progress).await
            }
            Operation::RemovePhoto {
                remote_image_id, ..
            } => {
                self.delete(format!(
                    "/shops/{}/listings/{}/images/{}",
                    self.shop.shop_id,
                    id.as_str(),
                    remote_image_id.as_str()
                ))
                .await
            }
            Operation::ReorderPhotos { order } => {
                // Etsy has no reorder: each image is moved to its rank, first to last.
                for (rank, hash) in order.iter().enumerate() {
                    if let Some(p) = req.photos.iter().find(|p| &p.hash == hash) {
                        self.rerank(id, &p.remote_image_id, rank).await?;
                    }
                }
                Ok(Done::Applied)
            }
            Operation::Publish => self.update(id, &[("state", "active".into())]).await,
            Operation::Unpublish => self.update(id, &[("state", "inactive".into())]).await,
            Operation::Delist => self.delete(format!("/listings/{}", id.as_str())).await,
        }
    }

    async fn look_up(&self, q: LookUp<'_>) -> Result<Option<Found>, Reply> {
        let sku = etsy_sku(q.sku);
        if let Some(id) = q.remote_id {
            let listing = self.listing(id.as_str()).await?;
            return Ok(listing.and_then(|l| Etsy::found(l, &sku)));
        }
        let unclaimed = |l: &Listing| !q.claimed.contains(&RemoteId::new(l.listing_id.to_string()));
        let mut drafts = Vec::new();
        for state in ["draft", "inactive", "active", "sold_out"] {
            for listing in self.listings(state).await? {
                if listing.skus.contains(&sku) && unclaimed(&listing) {
                    return Ok(Etsy::found(listing, &sku));
                }
                if state == "draft" {
                    drafts.push(listing);
                }
            }
        }
        let Some(create) = q.create else {
            return Ok(None);
        };
        let earliest = q.sent_at.map(|at| self.server_seconds(at));
        Ok(drafts
            .into_iter()
            .filter(|l| l.skus.is_empty() && unclaimed(l) && self.made_by(create, l, earliest))
            // The first made after the create was sent.
            .min_by_key(|l| (l.created_timestamp, l.listing_id))
            .and_then(|l| Etsy::found(l, &sku)))
    }

    async fn changes_since(&self, cursor: Option<&str>) -> Result<RemoteChanges, Reply> {
        // Etsy's largest page.
        const LIMIT: usize = 100;
        let cursor = cursor.map_or(Cursor::from(0), |text| {
            Cursor::parse(text).unwrap_or_else(|| Cursor::from(older_cursor(text)))
        });
        // A second early, whether Etsy counts `min_last_modified` itself or not; and
        // never before 2000, which Etsy refuses (`minimum: 946684800`).
        let since = (cursor.since - 1).max(946_684_800);
        let builder = self
            .request(
                Method::GET,
                &format!("/shops/{}/receipts", self.shop.shop_id),
            )
            .await?
            .query(&[
                ("min_last_modified", since.to_string()),
                ("sort_on", "updated".into()),
                ("sort_order", "asc".into()),
                ("limit", LIMIT.to_string()),
                ("offset", cursor.offset().to_string()),
            ]);
        let answer = self.call(builder).await?;
        let server_time = answer.server_time();
        let page: Page<Receipt> = answer.json(message)?;
        let seen: Vec<Seen> = page
            .results
            .iter()
            .map(|r| Seen {
                id: r.receipt_id,
                modified: r.updated_timestamp.unwrap_or(since),
            })
            .collect();
        let (next, more) = cursor.after(&seen, LIMIT, server_time);
        let mut lines = Vec::new();
        for receipt in page.results {
            let state = receipt.state();
            for t in receipt.transactions {
                let Some(listing) = t.listing_id else {
                    continue;
                };
                lines.push(OrderLine {
                    id: t.transaction_id.to_string(),
                    order: receipt.receipt_id.to_string(),
                    buyer: receipt.name.clone(),
                    listing: RemoteId::new(listing.to_string()),
                    sku: t.sku.and_then(|s| s.parse().ok()),
                    quantity: t.quantity,
                    state,
                });
            }
        }
        Ok(next.changes(lines, more))
    }
}

/// The window's start in a cursor of an earlier Hanout ("seconds:count"): the count
/// offset is what skipped sales, so only the time is kept.
fn older_cursor(text: &str) -> i64 {
    text.split(':')
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_read_from_the_landing_address_only_when_its_state_matches() {
        use sign_in::{AddressError, code_from};
        let landed = "http://localhost/hanout/etsy?code=abc%2F1&state=s1";
        assert_eq!(code_from(landed, "s1"), Ok("abc/1".to_owned()));
        assert_eq!(code_from("  abc  ", "s1"), Ok("abc".to_owned()));
        assert_eq!(code_from(landed, "s2"), Err(AddressError::OtherSignIn));
        assert_eq!(
            code_from("http://localhost/?state=s1&error=access_denied", "s1"),
            Err(AddressError::NoCode)
        );
    }

    #[test]
    fn titles_in_every_script_pass_and_each_rule_has_its_reason() {
        for ok in [
            "Tajine de Safi, peint à la main",
            "طاجين آسفي",
            "ⵜⴰⵊⵉⵏ ⵏ ⴰⵙⴼⵉ",
            "Rug 200×150 cm: wool & henna",
        ] {
            assert_eq!(check_title(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_title("  "), Err(TitleProblem::Empty));
        assert_eq!(
            check_title(&"a".repeat(141)),
            Err(TitleProblem::TooLong(141))
        );
        assert_eq!(
            check_title("Salt & pepper & oil"),
            Err(TitleProblem::Repeated('&'))
        );
        assert_eq!(
            check_title("طَاجِين"),
            Err(TitleProblem::Character('\u{064E}'))
        );
        assert_eq!(check_title("Tajine ★"), Err(TitleProblem::Character('★')));
    }

    #[test]
    fn a_price_from_the_wire_that_makes_no_sense_is_no_price() {
        let money = |amount, divisor| Money { amount, divisor }.price();
        assert_eq!(money(12_050, 100), Price::from_centimes(12_050).ok());
        assert_eq!(money(i64::MAX, 1), None, "overflow");
        assert_eq!(money(100, 0), None, "no divisor");
        assert_eq!(money(-5, 1), None, "negative");
    }

    #[test]
    fn both_error_shapes_are_read() {
        assert_eq!(
            message(br#"{"error": "Invalid listing state"}"#),
            "Invalid listing state"
        );
        assert_eq!(
            message(br#"[{"path": "/title", "type": "string", "message": "too long"}]"#),
            "/title: too long"
        );
        assert_eq!(
            message(b"<html>Bad gateway</html>"),
            "<html>Bad gateway</html>"
        );
    }
}
