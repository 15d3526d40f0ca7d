//! An in-memory marketplace that behaves like the real ones where it matters for
//! duplicates and lost changes, faults included.
//!
//! - `Etsy`: no idempotency (a create always makes a new draft, an upload always adds a
//!   photo); the SKU arrives only with the inventory; a listing that sells out stops
//!   being active; a limit of 10 requests a second; a stock of 0 is refused, on create
//!   and in an inventory (etsy/open-api #560, #395, #501); a cancelled order is not
//!   restocked.
//! - `Woo`: unique SKUs: a second create with the same SKU answers the existing product's
//!   id (what the adapter does with `product_invalid_sku`'s `resource_id`); a cancelled
//!   order gives its piece back to the product (`wc_maybe_increase_stock_levels`).
//!
//! The other sources are in `crates/sandbox/README.md`, which models the same services
//! over HTTP.
//!
//! It also keeps what the engine cannot see: which product each listing was made for,
//! and every rule the engine broke, for the simulation's checks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hanout_domain::Clock;
use hanout_domain::{PhotoHash, Price, ProductId, Timestamp};
use hanout_sync::{
    Done, Found, ListingText, LookUp, Marketplace, Operation, OrderLine, OrderState, RemoteChanges,
    RemoteId, RemoteImageId, Reply, Request,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clock::VirtualClock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Etsy,
    Woo,
}

/// How often each fault strikes a request, from 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Faults {
    /// No connection: the request never leaves.
    pub connect: f64,
    /// 503 before anything happens.
    pub server_error: f64,
    /// The marketplace carries the request out, then the answer is lost.
    pub lost_after_commit: f64,
    /// A create carried out, answered 500 (Etsy has done this).
    pub error_after_create: f64,
    /// 429 with a `Retry-After` of 1 to 30 seconds.
    pub rate_limited: f64,
}

impl Faults {
    pub const NONE: Faults = Faults {
        connect: 0.0,
        server_error: 0.0,
        lost_after_commit: 0.0,
        error_after_create: 0.0,
        rate_limited: 0.0,
    };
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            connect: 0.03,
            server_error: 0.03,
            lost_after_commit: 0.05,
            error_after_create: 0.03,
            rate_limited: 0.01,
        }
    }
}

/// A listing as the marketplace holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteListing {
    /// The product it was made for: the simulation's ground truth, never shown to the
    /// engine.
    pub origin: ProductId,
    pub sku: Option<ProductId>,
    pub text: ListingText,
    pub price: Price,
    pub quantity: u32,
    /// Image id and the hash of the bytes received, in order.
    pub images: Vec<(u64, PhotoHash)>,
    pub published: bool,
    pub deleted: bool,
    /// When the shop made it.
    pub created: Timestamp,
}

/// What a marketplace keeps: it survives the engine's process (see [`SimMarket::save`]).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ShopState {
    pub listings: BTreeMap<u64, RemoteListing>,
    next_id: u64,
    /// Order lines and website edits, in order: what `changes_since` pages through.
    events: Vec<Event>,
    /// Every order line with the product it sold, as it stands now: the ground truth
    /// the catalog's sales are checked against.
    pub orders: Vec<(ProductId, OrderLine)>,
    /// Every rule the engine broke.
    pub violations: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
enum Event {
    /// A line of an order made or changed: read again each time its order changes.
    Order(OrderLine),
    Changed(RemoteId),
}

/// A marketplace: what it keeps, and how its network behaves.
pub struct Shop {
    pub kind: Kind,
    pub state: ShopState,
    /// Where [`ShopState`] is written after every change, if anywhere. A shop kept in a
    /// file serves engines on the real clock: it keeps no rate limit in virtual time.
    file: Option<PathBuf>,
    pub faults: Faults,
    pub offline: bool,
    rng: ChaCha8Rng,
    clock: VirtualClock,
    /// The end of the last `Retry-After` this shop announced.
    retry_deadline: Option<Timestamp>,
    /// Requests in the current second, for the Etsy-like rate limit.
    second: (i64, u32),
    /// One line per request: what the same seed must repeat exactly.
    pub trace: Vec<String>,
    pub requests: usize,
}

/// A handle on a shop, shared by the engine (through [`Marketplace`]) and the simulation.
#[derive(Clone)]
pub struct SimMarket(Arc<Mutex<Shop>>);

/// A title the marketplace refuses: Etsy allows `&` once per title.
pub const REFUSED_TITLE_MARK: &str = "&&";

impl SimMarket {
    pub fn new(kind: Kind, seed: u64, clock: VirtualClock) -> SimMarket {
        SimMarket(Arc::new(Mutex::new(Shop {
            kind,
            state: ShopState {
                next_id: 1000,
                ..ShopState::default()
            },
            file: None,
            faults: Faults::default(),
            offline: false,
            rng: ChaCha8Rng::seed_from_u64(seed),
            clock,
            retry_deadline: None,
            second: (0, 0),
            trace: Vec::new(),
            requests: 0,
        })))
    }

    pub fn shop(&self) -> MutexGuard<'_, Shop> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A shop kept in `file`, so that it outlives the engine's process: read from it if
    /// it exists, written to it (atomically) after every change.
    pub fn persistent(kind: Kind, file: &Path, clock: VirtualClock) -> std::io::Result<SimMarket> {
        let market = SimMarket::new(kind, 0, clock);
        {
            let mut shop = market.shop();
            shop.faults = Faults::NONE;
            if file.exists() {
                shop.state = serde_json::from_slice(&std::fs::read(file)?)?;
            }
            shop.file = Some(file.to_owned());
        }
        Ok(market)
    }
}

/// What the fault dice decided for one request.
enum Fate {
    Fail(Reply),
    /// Carry it out; then answer normally, or lose the answer, or answer 500.
    Go {
        lose: bool,
        error: bool,
    },
}

fn status(code: u16, message: &str) -> Reply {
    Reply::Status {
        code,
        retry_after: None,
        message: message.to_owned(),
    }
}

impl Shop {
    fn id(&mut self) -> u64 {
        self.state.next_id += 1;
        self.state.next_id
    }

    /// Writes what the shop keeps, when it is kept in a file. A shop that cannot keep
    /// what it did is a broken test bench: say so loudly.
    fn save(&self) {
        if let Some(file) = &self.file {
            let tmp = file.with_extension("tmp");
            let bytes = serde_json::to_vec(&self.state).expect("a shop's state is plain data");
            std::fs::write(&tmp, bytes)
                .and_then(|()| std::fs::rename(&tmp, file))
                .expect("the shop's file can be written");
        }
    }

    /// Time passes on the wire, then the dice decide.
    fn fate(&mut self, what: &str, create: bool) -> Fate {
        self.requests += 1;
        self.clock
            .advance(Duration::from_millis(self.rng.random_range(50..800)));
        let now = self.clock.now();
        self.trace.push(format!("{} {what}", now.millis()));
        if self.offline || self.rng.random_bool(self.faults.connect) {
            return Fate::Fail(Reply::NotSent);
        }
        if let Some(deadline) = self.retry_deadline.filter(|d| now < *d) {
            self.state.violations.push(format!(
                "{what} at {} before Retry-After {}",
                now.millis(),
                deadline.millis()
            ));
        }
        if self.kind == Kind::Etsy && self.file.is_none() {
            let second = now.millis() / 1000;
            self.second = if self.second.0 == second {
                (second, self.second.1 + 1)
            } else {
                (second, 1)
            };
            if self.second.1 > 10 {
                return Fate::Fail(self.too_many(now, Duration::from_secs(1)));
            }
        }
        if self.rng.random_bool(self.faults.rate_limited) {
            let wait = Duration::from_secs(self.rng.random_range(1..=30));
            return Fate::Fail(self.too_many(now, wait));
        }
        if self.rng.random_bool(self.faults.server_error) {
            return Fate::Fail(status(503, "service unavailable"));
        }
        Fate::Go {
            lose: self.rng.random_bool(self.faults.lost_after_commit),
            error: create
                && self.kind == Kind::Etsy
                && self.rng.random_bool(self.faults.error_after_create),
        }
    }

    fn too_many(&mut self, now: Timestamp, wait: Duration) -> Reply {
        let until = Timestamp(now.millis() + wait.as_millis() as i64);
        self.retry_deadline = Some(self.retry_deadline.map_or(until, |d| d.max(until)));
        Reply::Status {
            code: 429,
            retry_after: Some(wait),
            message: "too many requests".into(),
        }
    }

    fn live(&mut self, remote: Option<&RemoteId>) -> Result<(u64, &mut RemoteListing), Reply> {
        let id = remote.and_then(|r| r.as_str().parse::<u64>().ok());
        match id.and_then(|id| self.state.listings.get_mut(&id).map(|l| (id, l))) {
            Some((id, l)) if !l.deleted => Ok((id, l)),
            Some(_) => Err(status(404, "listing not found")),
            None => {
                self.state.violations.push(format!(
                    "a request for a listing that was never created: {remote:?}"
                ));
                Err(status(404, "listing not found"))
            }
        }
    }

    fn carry_out(&mut self, req: &Request<'_>) -> Result<Done, Reply> {
        let kind = self.kind;
        let refused =
            |text: &ListingText| text.titles.values().any(|t| t.contains(REFUSED_TITLE_MARK));
        match req.op {
            Operation::Create {
                text,
                price,
                quantity,
            } => {
                if refused(text) {
                    return Err(status(400, "title: the character & may be used only once"));
                }
                if kind == Kind::Etsy && *quantity == 0 {
                    return Err(status(400, "quantity must be greater than or equal to 1"));
                }
                if kind == Kind::Woo {
                    let existing = self
                        .state
                        .listings
                        .iter()
                        .find(|(_, l)| !l.deleted && l.sku == Some(req.sku))
                        .map(|(id, _)| *id);
                    if let Some(id) = existing {
                        return Ok(Done::Created(RemoteId::new(id.to_string())));
                    }
                }
                let id = self.id();
                // Etsy takes the SKU only in a second request after the create (no `sku`
                // in createDraftListing, Etsy's OpenAPI document), which can fail as any
                // request does.
                let sku_follows =
                    kind == Kind::Woo || !self.rng.random_bool(self.faults.server_error);
                self.state.listings.insert(
                    id,
                    RemoteListing {
                        origin: req.sku,
                        sku: sku_follows.then_some(req.sku),
                        text: text.clone(),
                        price: *price,
                        quantity: *quantity,
                        images: Vec::new(),
                        published: false,
                        deleted: false,
                        created: self.clock.now(),
                    },
                );
                let id = RemoteId::new(id.to_string());
                Ok(if sku_follows {
                    Done::Created(id)
                } else {
                    Done::CreatedWithoutSku(id)
                })
            }
            Operation::UpdateFields { text } => {
                if refused(text) {
                    return Err(status(400, "title: the character & may be used only once"));
                }
                self.live(req.remote_id)?.1.text = text.clone();
                Ok(Done::Applied)
            }
            Operation::SetPriceAndStock { price, quantity } => {
                if kind == Kind::Etsy && *quantity == 0 {
                    // etsy/open-api #560: no way to zero out a listing's inventory.
                    return Err(status(
                        400,
                        "One offering must have quantity greater than 0",
                    ));
                }
                let (_, l) = self.live(req.remote_id)?;
                l.price = *price;
                l.quantity = *quantity;
                l.sku = Some(req.sku);
                Ok(Done::Applied)
            }
            Operation::UploadPhoto { rank, .. } => {
                let Some(bytes) = req.photo else {
                    return Err(status(400, "image: a file is required"));
                };
                let hash: PhotoHash = format!("{:x}", Sha256::digest(bytes))
                    .parse()
                    .map_err(|_| status(500, "hash"))?;
                let image = self.id();
                let (_, l) = self.live(req.remote_id)?;
                let at = (*rank).min(l.images.len());
                l.images.insert(at, (image, hash));
                Ok(Done::Uploaded(RemoteImageId::new(image.to_string())))
            }
            Operation::RemovePhoto {
                remote_image_id, ..
            } => {
                let (_, l) = self.live(req.remote_id)?;
                l.images
                    .retain(|(id, _)| id.to_string() != remote_image_id.as_str());
                Ok(Done::Applied)
            }
            Operation::ReorderPhotos { order } => {
                let (_, l) = self.live(req.remote_id)?;
                l.images
                    .sort_by_key(|(_, h)| order.iter().position(|o| o == h).unwrap_or(usize::MAX));
                Ok(Done::Applied)
            }
            Operation::Publish => {
                let (_, l) = self.live(req.remote_id)?;
                if l.images.is_empty() {
                    return Err(status(
                        400,
                        "a listing needs at least one photo to be active",
                    ));
                }
                if l.quantity == 0 {
                    return Err(status(400, "a listing with no stock cannot be active"));
                }
                l.published = true;
                Ok(Done::Applied)
            }
            Operation::Unpublish => {
                self.live(req.remote_id)?.1.published = false;
                Ok(Done::Applied)
            }
            Operation::Delist => {
                // Deleting what is already gone succeeds: the adapters read 404 so.
                if let Ok((_, l)) = self.live(req.remote_id) {
                    l.deleted = true;
                }
                Ok(Done::Applied)
            }
            Operation::Reconcile => Err(status(400, "not an operation")),
        }
    }

    fn found(id: u64, l: &RemoteListing) -> Found {
        Found {
            remote_id: RemoteId::new(id.to_string()),
            price: l.price,
            quantity: l.quantity,
            images: l
                .images
                .iter()
                .map(|(i, _)| RemoteImageId::new(i.to_string()))
                .collect(),
            published: l.published,
            has_sku: l.sku.is_some(),
        }
    }

    /// What the adapters do: by id, else by SKU, else (Etsy, whose SKU comes later) the
    /// unclaimed draft with the create's words, price and stock.
    fn look_up(&self, q: &LookUp<'_>) -> Option<Found> {
        let live = self.state.listings.iter().filter(|(_, l)| !l.deleted);
        if let Some(id) = q.remote_id {
            return live
                .filter(|(i, _)| i.to_string() == id.as_str())
                .map(|(i, l)| Self::found(*i, l))
                .next();
        }
        let unclaimed = |i: &u64| !q.claimed.contains(&RemoteId::new(i.to_string()));
        if let Some((i, l)) = self
            .state
            .listings
            .iter()
            .find(|(i, l)| !l.deleted && l.sku == Some(q.sku) && unclaimed(i))
        {
            return Some(Self::found(*i, l));
        }
        let Some(Operation::Create {
            text,
            price,
            quantity,
        }) = q.create
        else {
            return None;
        };
        live.filter(|(i, l)| {
            self.kind == Kind::Etsy
                && l.sku.is_none()
                && unclaimed(i)
                && q.sent_at.is_none_or(|sent| l.created >= sent)
                && l.text == *text
                && l.price == *price
                && l.quantity == *quantity
        })
        .map(|(i, l)| Self::found(*i, l))
        .next()
    }

    /// A buyer buys one of a live listing, if there is one: returns the product sold.
    pub fn buy(&mut self, pick: usize) -> Option<ProductId> {
        let live: Vec<u64> = self
            .state
            .listings
            .iter()
            .filter(|(_, l)| !l.deleted && l.published && l.quantity > 0)
            .map(|(i, _)| *i)
            .collect();
        let id = *live.get(pick % live.len().max(1))?;
        let l = self.state.listings.get_mut(&id)?;
        l.quantity -= 1;
        if l.quantity == 0 && self.kind == Kind::Etsy {
            l.published = false;
        }
        let n = self.state.orders.len() + 1;
        let line = OrderLine {
            id: format!("line-{n}"),
            order: format!("order-{n}"),
            buyer: Some(format!("buyer {n}")),
            listing: RemoteId::new(id.to_string()),
            sku: l.sku,
            quantity: 1,
            state: OrderState::Sold,
        };
        let origin = l.origin;
        self.state.orders.push((origin, line.clone()));
        self.state.events.push(Event::Order(line));
        self.save();
        Some(origin)
    }

    /// A buyer's order is cancelled (or refunded), if one is still sold: returns the
    /// product. WooCommerce gives the piece back to the product's stock by itself
    /// (`wc_maybe_increase_stock_levels` on cancelled and refunded orders); Etsy does not
    /// restock a cancelled receipt (assumed, as in the sandbox's README: the seller
    /// restocks by hand). Orders change after the sale: Etsy's `getShopReceipts`
    /// (`updated_timestamp`), WooCommerce's order statuses.
    pub fn cancel(&mut self, pick: usize) -> Option<ProductId> {
        let sold: Vec<usize> = (0..self.state.orders.len())
            .filter(|n| self.state.orders[*n].1.state == OrderState::Sold)
            .collect();
        let n = *sold.get(pick % sold.len().max(1))?;
        let (origin, line) = &mut self.state.orders[n];
        line.state = OrderState::Cancelled;
        let (origin, line) = (*origin, line.clone());
        if self.kind == Kind::Woo
            && let Some(l) = line
                .listing
                .as_str()
                .parse::<u64>()
                .ok()
                .and_then(|id| self.state.listings.get_mut(&id))
                .filter(|l| !l.deleted)
        {
            l.quantity += line.quantity;
        }
        self.state.events.push(Event::Order(line));
        self.save();
        Some(origin)
    }

    /// The seller deletes a listing on the marketplace's website.
    pub fn delete_on_website(&mut self, pick: usize) -> Option<ProductId> {
        let live: Vec<u64> = self
            .state
            .listings
            .iter()
            .filter(|(_, l)| !l.deleted)
            .map(|(i, _)| *i)
            .collect();
        let id = *live.get(pick % live.len().max(1))?;
        let l = self.state.listings.get_mut(&id)?;
        l.deleted = true;
        let origin = l.origin;
        self.state
            .events
            .push(Event::Changed(RemoteId::new(id.to_string())));
        self.save();
        Some(origin)
    }
}

/// How much of a photo an upload reports at a time, as a network stack's buffer would.
const UPLOAD_CHUNK: usize = 16 * 1024;

impl Marketplace for SimMarket {
    async fn probe(&self) -> Result<(), Reply> {
        match self.shop().fate("probe", false) {
            Fate::Fail(reply) => Err(reply),
            Fate::Go { lose: true, .. } => Err(Reply::Lost),
            Fate::Go { .. } => Ok(()),
        }
    }

    async fn send(&self, req: Request<'_>) -> Result<Done, Reply> {
        let mut shop = self.shop();
        let what = format!(
            "{} {} {:?}",
            req.op.name(),
            req.sku,
            req.remote_id.map(|r| r.as_str())
        );
        match shop.fate(&what, matches!(req.op, Operation::Create { .. })) {
            Fate::Fail(reply) => Err(reply),
            Fate::Go { lose, error } => {
                if let Some(photo) = req.photo {
                    let size = photo.len();
                    for sent in (UPLOAD_CHUNK..size).step_by(UPLOAD_CHUNK).chain([size]) {
                        (req.progress)(sent as u64);
                    }
                }
                let done = shop.carry_out(&req);
                shop.save();
                let done = done?;
                if lose {
                    Err(Reply::Lost)
                } else if error {
                    Err(status(500, "internal error"))
                } else {
                    Ok(done)
                }
            }
        }
    }

    /// The WooCommerce-like shop finds a product by SKU at once; the Etsy-like one is
    /// given Etsy's lag (its shop lists lag behind a create, etsy/open-api #510).
    fn lists_lag(&self) -> Duration {
        match self.shop().kind {
            Kind::Woo => Duration::ZERO,
            Kind::Etsy => Duration::from_secs(15 * 60),
        }
    }

    /// The WooCommerce-like shop takes batches of 100, as `products/batch` does.
    fn batch_size(&self) -> usize {
        match self.shop().kind {
            Kind::Woo => 100,
            Kind::Etsy => 1,
        }
    }

    /// One request for the whole batch: its faults strike every operation in it at once.
    async fn send_batch(&self, requests: &[Request<'_>]) -> Vec<Result<Done, Reply>> {
        let mut shop = self.shop();
        let what: Vec<String> = requests
            .iter()
            .map(|r| format!("{} {}", r.op.name(), r.sku))
            .collect();
        match shop.fate(&format!("batch [{}]", what.join(", ")), false) {
            Fate::Fail(reply) => vec![Err(reply); requests.len()],
            Fate::Go { lose, .. } => {
                let answers: Vec<_> = requests.iter().map(|r| shop.carry_out(r)).collect();
                shop.save();
                if lose {
                    vec![Err(Reply::Lost); requests.len()]
                } else {
                    answers
                }
            }
        }
    }

    async fn look_up(&self, q: LookUp<'_>) -> Result<Option<Found>, Reply> {
        let mut shop = self.shop();
        match shop.fate(&format!("look_up {}", q.sku), false) {
            Fate::Fail(reply) => Err(reply),
            Fate::Go { lose: true, .. } => Err(Reply::Lost),
            Fate::Go { .. } => Ok(shop.look_up(&q)),
        }
    }

    async fn changes_since(&self, cursor: Option<&str>) -> Result<RemoteChanges, Reply> {
        const PAGE: usize = 20;
        let mut shop = self.shop();
        match shop.fate(&format!("changes_since {cursor:?}"), false) {
            Fate::Fail(reply) => Err(reply),
            Fate::Go { lose: true, .. } => Err(Reply::Lost),
            Fate::Go { .. } => {
                let events = &shop.state.events;
                let from = cursor
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(0)
                    .min(events.len());
                let to = (from + PAGE).min(events.len());
                let mut changes = RemoteChanges {
                    lines: Vec::new(),
                    changed: Vec::new(),
                    cursor: to.to_string(),
                    more: to < events.len(),
                };
                for event in &events[from..to] {
                    match event {
                        Event::Order(line) => changes.lines.push(line.clone()),
                        Event::Changed(listing) => changes.changed.push(listing.clone()),
                    }
                }
                Ok(changes)
            }
        }
    }
}
