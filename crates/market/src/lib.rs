//! The marketplaces Hanout sells on, each behind the sync engine's
//! [`hanout_sync::Marketplace`] trait: [`etsy::Etsy`] (Etsy Open API v3) and
//! [`woo::Woo`] (WooCommerce REST v3). [`Market`] lets one engine drive both.
//!
//! The adapters translate; they do not decide. They never retry (the engine does, after
//! a look-up when the outcome is unknown), never sleep, and report every failure as the
//! [`hanout_sync::Reply`] the wire gave. Secrets come in from the vault and are never
//! printed: the credential types' `Debug` hides them.

pub mod accounts;
mod cursor;
pub mod etsy;
mod http;
mod request;
pub mod vault;
pub mod woo;

pub use http::{ClientError, MAX_ANSWER, MAX_RETRY_AFTER};

use hanout_sync::{Done, Found, LookUp, Marketplace, RemoteChanges, Reply, Request};

/// Any marketplace Hanout knows.
pub enum Market {
    Etsy(etsy::Etsy),
    Woo(woo::Woo),
}

impl Marketplace for Market {
    async fn probe(&self) -> Result<(), Reply> {
        match self {
            Market::Etsy(m) => m.probe().await,
            Market::Woo(m) => m.probe().await,
        }
    }

    async fn send(&self, request: Request<'_>) -> Result<Done, Reply> {
        match self {
            Market::Etsy(m) => m.send(request).await,
            Market::Woo(m) => m.send(request).await,
        }
    }

    fn batch_size(&self) -> usize {
        match self {
            Market::Etsy(m) => m.batch_size(),
            Market::Woo(m) => m.batch_size(),
        }
    }

    async fn send_batch(&self, requests: &[Request<'_>]) -> Vec<Result<Done, Reply>> {
        match self {
            Market::Etsy(m) => m.send_batch(requests).await,
            Market::Woo(m) => m.send_batch(requests).await,
        }
    }

    fn lists_lag(&self) -> std::time::Duration {
        match self {
            Market::Etsy(m) => m.lists_lag(),
            Market::Woo(m) => m.lists_lag(),
        }
    }

    async fn look_up(&self, look_up: LookUp<'_>) -> Result<Option<Found>, Reply> {
        match self {
            Market::Etsy(m) => m.look_up(look_up).await,
            Market::Woo(m) => m.look_up(look_up).await,
        }
    }

    async fn changes_since(&self, cursor: Option<&str>) -> Result<RemoteChanges, Reply> {
        match self {
            Market::Etsy(m) => m.changes_since(cursor).await,
            Market::Woo(m) => m.changes_since(cursor).await,
        }
    }
}
