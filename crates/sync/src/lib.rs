//! Hanout's sync engine's pure core: the planner and the rules it plans by.
//!
//! For each listing on each marketplace (a *lane*) the planner compares what the seller
//! wants ([`Listing`]) with what the marketplace last confirmed ([`Confirmed`]), minding the
//! operations already under way ([`InFlight`]), and returns the operations that close the
//! gap ([`Operation`]). It plans from state, not from a log of edits, so edits that were not
//! sent merge by construction: ten price edits are one `SetPriceAndStock`, a listing
//! created and deleted before anything was sent is nothing.
//!
//! [`classify`] says what an answer means (retry, unknown, rejected with a reason, sign in,
//! rate limited) and [`Backoff`] how long to wait, from a random number it is given.
//!
//! This crate does no IO: no clock, no randomness, no database, no network. An executor
//! (a later piece) carries the operations out and records their outcomes.
//!
//! Left open for the executor and the adapters:
//! - Etsy has no reorder call: `ReorderPhotos` becomes re-ranked uploads
//!   (`listing_image_id`, `rank`, `overwrite`).
//! - Alt text is not synced yet: changing it needs an operation of its own or a re-upload.
//! - Etsy takes one title: which of the listing's languages goes there is the adapter's
//!   choice (buyers read English or French).

mod ahead;
mod confirm;
mod listing;
mod market;
mod outcome;
mod plan;
mod reconcile;

pub use ahead::ahead;
pub use confirm::{Garbled, confirm};
pub use listing::{
    Confirmed, Listing, ListingText, MarketplaceId, RemoteId, RemoteImageId, RemotePhoto,
    WhenSoldOut,
};
pub use market::{
    Done, Found, LookUp, Marketplace, OrderLine, OrderState, RemoteChanges, Request, batchable,
};
pub use outcome::{Backoff, Failure, Reply, classify};
pub use plan::{InFlight, Lane, LaneKey, Operation, SendState, plan, plan_all};
pub use reconcile::{Reconciled, reconcile};
