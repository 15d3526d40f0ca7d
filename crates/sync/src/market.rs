//! What the engine asks of a marketplace, and what it hears back. The adapters (Etsy,
//! WooCommerce, the sandbox, the simulation's in-memory shops) implement [`Marketplace`];
//! the engine never speaks HTTP itself and never lets an adapter retry by itself.

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use hanout_domain::{Price, ProductId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{Operation, RemoteId, RemoteImageId, RemotePhoto, Reply};

/// One operation for one listing, with everything the adapter needs to send it.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// The product's id: the listing's SKU everywhere.
    pub sku: ProductId,
    /// `None` only for `Create`.
    pub remote_id: Option<&'a RemoteId>,
    pub op: &'a Operation,
    /// The listing's photos as last confirmed: which image on the marketplace is which
    /// photo, for removing and reordering.
    pub photos: &'a [RemotePhoto],
    /// The upload rendition's bytes, for `UploadPhoto`.
    pub photo: Option<&'a [u8]>,
    /// Told how many of the photo's bytes have left so far, as they leave, so that a
    /// progress bar moves during a long upload on a slow network.
    pub progress: &'a (dyn Fn(u64) + Sync),
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("sku", &self.sku)
            .field("remote_id", &self.remote_id)
            .field("op", &self.op)
            .field("photo", &self.photo.map(<[u8]>::len))
            .finish_non_exhaustive()
    }
}

/// What a successful operation made that the engine must remember.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Done {
    Created(RemoteId),
    /// Made, but the SKU that should follow could not be set: the create is not done.
    CreatedWithoutSku(RemoteId),
    Uploaded(RemoteImageId),
    /// Anything else: the operation's target is now what the marketplace shows.
    Applied,
}

/// A look-up after an outcome nobody knows: which listing, and how to recognise it.
#[derive(Clone, Copy, Debug)]
pub struct LookUp<'a> {
    pub sku: ProductId,
    /// The listing's id, when a create was confirmed.
    pub remote_id: Option<&'a RemoteId>,
    /// The create whose outcome is unknown, if that is what is looked up: a marketplace
    /// that sets the SKU only after creating (Etsy) matches recent drafts by its words.
    pub create: Option<&'a Operation>,
    /// When that create was sent (this device's clock): nothing made before is its.
    pub sent_at: Option<Timestamp>,
    /// Listings other lanes already own: never adopted, so two identical products cannot
    /// end up sharing one listing.
    pub claimed: &'a BTreeSet<RemoteId>,
}

/// A listing as the marketplace shows it now. Words are not read back: they are ours, and
/// every marketplace stores them differently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    pub remote_id: RemoteId,
    pub price: Price,
    pub quantity: u32,
    /// In the marketplace's order.
    pub images: Vec<RemoteImageId>,
    pub published: bool,
    /// The listing carries the lane's SKU.
    pub has_sku: bool,
}

/// One line of a buyer's order, as a marketplace reports it: a fact, applied once per
/// state it passes through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The marketplace's id for the line (Etsy's transaction, WooCommerce's order and line
    /// item): what makes applying it twice a no-op.
    pub id: String,
    /// The order (Etsy's receipt) it belongs to, as the seller finds it on the website.
    pub order: String,
    /// The buyer's name, when the marketplace gives it: who to contact after an oversell.
    pub buyer: Option<String>,
    /// The listing that sold.
    pub listing: RemoteId,
    /// The SKU on the listing, when it has one (Etsy's is set after creating).
    pub sku: Option<ProductId>,
    pub quantity: u32,
    pub state: OrderState,
}

/// Where an order stands, in the words that matter for stock. Orders change after the
/// sale (Etsy receipts are shipped, cancelled, refunded; WooCommerce orders go on-hold,
/// processing, completed, cancelled, refunded), so a line is read again each time its
/// order changes and its state decides what it takes from stock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// The piece is the buyer's: paid, or held by the marketplace for a payment on its
    /// way (WooCommerce `on-hold` lowers the shop's stock). It takes stock.
    Sold,
    /// Ordered and never paid (WooCommerce `pending` or `failed`, Etsy `open`): it takes
    /// no stock.
    Unpaid,
    /// Cancelled or refunded: what it took comes back.
    Cancelled,
}

/// What happened on the marketplace after a cursor, and the cursor that follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteChanges {
    /// Lines of orders made or changed after the cursor, in any order; a line may come
    /// again (pulls overlap rather than skip).
    pub lines: Vec<OrderLine>,
    /// Listings changed on the marketplace's website (edited, deleted): each is looked up.
    pub changed: Vec<RemoteId>,
    pub cursor: String,
    /// More pages wait after this one.
    pub more: bool,
}

/// One marketplace account, as the engine sees it. Every method makes at most one
/// request's worth of change and reports a failure as the [`Reply`] the wire gave, for
/// [`crate::classify`] to judge.
pub trait Marketplace {
    /// Asks the marketplace whether it answers at all, with the cheapest request it has:
    /// a phone can say it is online behind a captive portal or on a dead mast.
    fn probe(&self) -> impl Future<Output = Result<(), Reply>>;

    /// Carries out one operation.
    fn send(&self, request: Request<'_>) -> impl Future<Output = Result<Done, Reply>>;

    /// How many operations one request may carry: more than 1 when the marketplace takes
    /// batches (WooCommerce: 100), so that a hundred price changes cost one request on 2G.
    fn batch_size(&self) -> usize {
        1
    }

    /// Carries out several operations, each of its own listing and each [`batchable`], in
    /// as few requests as the marketplace allows; one answer per request, in order. A
    /// request lost as a whole gives every operation in it the same failure.
    fn send_batch(
        &self,
        requests: &[Request<'_>],
    ) -> impl Future<Output = Vec<Result<Done, Reply>>> {
        async move {
            let mut answers = Vec::with_capacity(requests.len());
            for request in requests {
                answers.push(self.send(*request).await);
            }
            answers
        }
    }

    /// How long after a create its listing may still be missing from this marketplace's
    /// look-ups. Etsy's lists of a shop's listings lag behind a create and page
    /// inconsistently (etsy/open-api #510), so one look-up that finds nothing proves
    /// nothing. Zero where a look-up sees a create at once (WooCommerce finds a product by
    /// its unique SKU).
    fn lists_lag(&self) -> Duration {
        Duration::from_secs(15 * 60)
    }

    /// Finds a listing: `Ok(None)` when the marketplace has none like it.
    fn look_up(&self, look_up: LookUp<'_>) -> impl Future<Output = Result<Option<Found>, Reply>>;

    /// Order lines and listings changed on the website after `cursor` (from the start
    /// with `None`), one page per call. A pull never skips: an order that changes while
    /// pages are read (and so moves in the marketplace's order) is read again, never
    /// missed.
    fn changes_since(
        &self,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<RemoteChanges, Reply>>;
}

/// Whether `op` may travel in a batch: an edit of a listing that exists, safe to repeat,
/// that needs no upload and no answer but "done".
pub fn batchable(op: &Operation) -> bool {
    matches!(
        op,
        Operation::UpdateFields { .. }
            | Operation::SetPriceAndStock { .. }
            | Operation::Publish
            | Operation::Unpublish
    )
}
