//! What the artisan sees of sync: per listing and marketplace, and for the whole queue.

use hanout_domain::Timestamp;
use hanout_store::{Catalog, LaneState, MarketplaceAccount, Oversell, PhotoSize, StoreError};
use hanout_sync::{LaneKey, MarketplaceId, Operation, SendState};
use serde::{Deserialize, Serialize};

/// Where one product stands on one marketplace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LaneStatus {
    /// The marketplace shows what the artisan wants.
    Sent,
    /// Changes wait for the network (or a backoff) to be sent.
    Waiting { changes: usize },
    /// A request is on its way.
    Sending,
    /// An answer was lost: the marketplace will be asked what happened.
    Checking,
    /// The marketplace refused, for this reason; waits for the artisan.
    Failed { reason: String },
    /// The marketplace account needs signing in again.
    NeedsSignIn,
    /// The piece is sold out: the listing is off the marketplace (Etsy keeps it inactive
    /// with its last stock) and comes back when stock returns.
    SoldOut,
}

/// The whole queue, for the indicator that is always on screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Lanes with changes to send.
    pub waiting: usize,
    pub failed: usize,
    /// Operations still to send, over every lane.
    pub changes: usize,
    /// Photo bytes still to upload.
    pub bytes_waiting: u64,
    /// The last time any marketplace answered a request.
    pub last_sync: Option<Timestamp>,
    pub lanes: Vec<(LaneKey, LaneStatus)>,
    /// Marketplaces holding every request until a time they asked for (`Retry-After`),
    /// which "send now" lifts.
    pub paused: Vec<(MarketplaceId, Timestamp)>,
    /// Pieces sold more times than there were: each waits for the artisan.
    pub oversells: Vec<Oversell>,
}

/// One lane's status, from its state, what it still has to send (`ops`, from
/// [`LaneState::ahead`]) and its marketplace account.
pub fn lane_status(
    lane: &LaneState,
    ops: &[Operation],
    account: Option<&MarketplaceAccount>,
) -> LaneStatus {
    if let Some(reason) = &lane.failure {
        return LaneStatus::Failed {
            reason: reason.clone(),
        };
    }
    if lane
        .lane
        .in_flight
        .iter()
        .any(|i| i.state == SendState::Unknown)
    {
        return LaneStatus::Checking;
    }
    if !lane.lane.in_flight.is_empty() {
        return LaneStatus::Sending;
    }
    if ops.is_empty() {
        let sold_out = lane.lane.desired.as_ref().is_some_and(|d| d.quantity == 0);
        return if sold_out {
            LaneStatus::SoldOut
        } else {
            LaneStatus::Sent
        };
    }
    if account.is_some_and(|a| a.needs_sign_in) {
        return LaneStatus::NeedsSignIn;
    }
    LaneStatus::Waiting { changes: ops.len() }
}

/// The status of every lane and of the queue.
pub fn status(catalog: &Catalog) -> Result<SyncStatus, StoreError> {
    let accounts = catalog.marketplaces()?;
    let now = catalog.now();
    let mut status = SyncStatus {
        last_sync: accounts.iter().filter_map(|a| a.last_sync_at).max(),
        paused: accounts
            .iter()
            .filter_map(|a| Some((a.id.clone(), a.paused_until.filter(|u| *u > now)?)))
            .collect(),
        oversells: catalog.oversells()?,
        ..SyncStatus::default()
    };
    for lane in catalog.sync_lanes()? {
        let account = accounts.iter().find(|a| a.id == lane.key.marketplace);
        let ops = lane.ahead();
        let s = lane_status(&lane, &ops, account);
        match &s {
            LaneStatus::Failed { .. } => status.failed += 1,
            LaneStatus::Sent | LaneStatus::SoldOut => {}
            _ => status.waiting += 1,
        }
        if !matches!(s, LaneStatus::Failed { .. }) {
            status.changes += ops.len();
            status.bytes_waiting += upload_bytes(catalog, &ops);
        }
        status.lanes.push((lane.key, s));
    }
    Ok(status)
}

/// The bytes of the photos `ops` upload.
pub(crate) fn upload_bytes(catalog: &Catalog, ops: &[Operation]) -> u64 {
    ops.iter()
        .filter_map(|op| match op {
            Operation::UploadPhoto { hash, .. } => {
                let path = catalog.photo_path(hash, PhotoSize::Upload);
                Some(std::fs::metadata(path).map_or(0, |m| m.len()))
            }
            _ => None,
        })
        .sum()
}
