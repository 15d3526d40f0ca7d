use std::collections::BTreeMap;

use hanout_domain::{PhotoHash, Price, ProductId};
use serde::{Deserialize, Serialize};

use crate::{Confirmed, Listing, ListingText, MarketplaceId, RemoteImageId, RemotePhoto};

/// One thing to ask of a marketplace, for one listing. Each carries the absolute target it
/// sets, never a change, so a retry sends the same target and is not recomputed.
///
/// The listing's remote id is not repeated here: it is the lane's, held in [`Confirmed`],
/// and no operation but `Create` is planned before it is known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    /// Makes the listing, unpublished, with its words, price and stock. The SKU is the
    /// lane's product id. Photos and publishing follow once its remote id is known.
    Create {
        text: ListingText,
        price: Price,
        quantity: u32,
    },
    UpdateFields {
        text: ListingText,
    },
    /// Price and stock travel together: Etsy's inventory call replaces both at once.
    SetPriceAndStock {
        price: Price,
        quantity: u32,
    },
    /// Adds a photo so that it stands at `rank` (0 is the cover), the photos after it
    /// moving down one. Etsy counts ranks from 1: the adapter adds one.
    UploadPhoto {
        hash: PhotoHash,
        rank: usize,
    },
    RemovePhoto {
        hash: PhotoHash,
        remote_image_id: RemoteImageId,
    },
    /// Puts the listing's photos in this order, the first as the cover.
    ReorderPhotos {
        order: Vec<PhotoHash>,
    },
    Publish,
    Unpublish,
    /// Takes the listing off the marketplace for good.
    Delist,
    /// Looks the listing up on the marketplace, because an earlier operation's outcome is
    /// unknown: it may or may not have happened. What is found becomes the new
    /// [`Confirmed`]; an unknown `Create` is matched by SKU or recent drafts, never re-sent
    /// blindly.
    Reconcile,
}

impl Operation {
    /// The operation's name, as logs and traces show it.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::Create { .. } => "create",
            Operation::UpdateFields { .. } => "update_fields",
            Operation::SetPriceAndStock { .. } => "set_price_and_stock",
            Operation::UploadPhoto { .. } => "upload_photo",
            Operation::RemovePhoto { .. } => "remove_photo",
            Operation::ReorderPhotos { .. } => "reorder_photos",
            Operation::Publish => "publish",
            Operation::Unpublish => "unpublish",
            Operation::Delist => "delist",
            Operation::Reconcile => "reconcile",
        }
    }

    fn is_photo(&self) -> bool {
        matches!(
            self,
            Operation::UploadPhoto { .. }
                | Operation::RemovePhoto { .. }
                | Operation::ReorderPhotos { .. }
        )
    }
}

/// How far an operation the executor recorded has gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendState {
    /// Recorded before sending and being sent: its answer is still to come.
    Sending,
    /// Sent, and nobody knows whether it happened: a timeout, a lost response, a 5xx on
    /// a create, or a row still `Sending` after a restart (the executor's to mark so).
    Unknown,
}

/// An operation of this lane that left the queue and has no known outcome yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    pub op: Operation,
    pub state: SendState,
}

/// Which listing on which marketplace: one lane, so a stuck listing blocks only itself.
/// The order (product, then marketplace) is the order of [`plan_all`]'s answer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LaneKey {
    pub product: ProductId,
    pub marketplace: MarketplaceId,
}

/// Everything the planner needs to know about one lane.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    /// `None`: the product should not be on this marketplace.
    pub desired: Option<Listing>,
    /// `None`: the marketplace has no such listing (never created, or delisted).
    pub confirmed: Option<Confirmed>,
    pub in_flight: Vec<InFlight>,
}

/// Plans every lane that has work to do, in the order of their keys, so the same lanes
/// always give the same answer.
pub fn plan_all(lanes: &BTreeMap<LaneKey, Lane>) -> Vec<(LaneKey, Vec<Operation>)> {
    lanes
        .iter()
        .map(|(key, lane)| {
            let ops = plan(
                lane.desired.as_ref(),
                lane.confirmed.as_ref(),
                &lane.in_flight,
            );
            (key.clone(), ops)
        })
        .filter(|(_, ops)| !ops.is_empty())
        .collect()
}

/// What is under way in a lane, from what holds everything back to what holds nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UnderWay {
    /// A `Reconcile` is being sent: its answer replaces what is confirmed.
    LookUp,
    /// Some operation's outcome is unknown.
    Unknown,
    /// A `Create` or `Delist` is being sent: whether the listing exists hangs on it.
    Existence,
    /// Nothing, or edits whose success the plan can assume.
    Edits,
}

fn under_way(in_flight: &[InFlight]) -> UnderWay {
    let sending = |f: fn(&Operation) -> bool| {
        in_flight
            .iter()
            .any(|i| i.state == SendState::Sending && f(&i.op))
    };
    if sending(|op| *op == Operation::Reconcile) {
        UnderWay::LookUp
    } else if in_flight.iter().any(|i| i.state == SendState::Unknown) {
        UnderWay::Unknown
    } else if sending(|op| matches!(op, Operation::Create { .. } | Operation::Delist)) {
        UnderWay::Existence
    } else {
        UnderWay::Edits
    }
}

/// The operations that bring one lane from what is confirmed (and under way) to what is
/// desired, in the order they must be sent. The rules, one row per arm below:
///
/// | # | under way                   | desired | confirmed | operations                                  |
/// |---|-----------------------------|---------|-----------|---------------------------------------------|
/// | 1 | a `Reconcile` being sent    | any     | any       | none: wait for what it finds                |
/// | 2 | an unsafe op or a look-up `Unknown` | any | any   | `Reconcile`, alone                          |
/// | 2'| only safe ops `Unknown`     | any     | some      | the first of them again, alone: its outcome settles the doubt |
/// | 3 | a `Create`/`Delist` sent    | any     | any       | none: wait, the remote id hangs on it       |
/// | 4 | edits or nothing            | none    | none      | none                                        |
/// | 5 | edits or nothing            | none    | some      | `Delist`, alone (no edits before it)        |
/// | 6 | edits or nothing            | some    | none      | `Create`, alone (the rest once it exists); none while sold out where a stock of 0 is refused ([`Listing::waits_for_stock`]) |
/// | 7 | edits or nothing            | some    | some      | the differences, in this order:             |
///
/// Row 7, against what is confirmed as the edits under way will leave it:
///
/// | # | when                                                   | operation                          |
/// |---|--------------------------------------------------------|------------------------------------|
/// | a | live, and should not be ([`Listing::goes_live`])       | `Unpublish`, first: a sold-out piece comes down before anything else |
/// | b | words differ                                           | `UpdateFields` with all of them    |
/// | c | price or stock differ, or the SKU is missing            | one `SetPriceAndStock`; where a stock of 0 is refused, a sold-out listing keeps its stock ([`Listing::stock_given`]) |
/// | d | a photo on the marketplace is not wanted, or is a second copy | `RemovePhoto` each, before uploads (Etsy's photo limit) |
/// | e | a wanted photo is not on the marketplace               | `UploadPhoto` each, by rank        |
/// | f | the photos' order still differs                        | `ReorderPhotos`                    |
/// | g | not live, and should be                                | `Publish`, last: after its photos  |
///
/// Rows d to g wait while a photo operation is being sent: the next plan knows its
/// outcome (and the uploaded photo's remote id).
pub fn plan(
    desired: Option<&Listing>,
    confirmed: Option<&Confirmed>,
    in_flight: &[InFlight],
) -> Vec<Operation> {
    match (under_way(in_flight), desired, confirmed) {
        (UnderWay::LookUp, _, _) => Vec::new(),
        (UnderWay::Unknown, _, None) => vec![Operation::Reconcile],
        (UnderWay::Unknown, _, Some(_)) => vec![settle_unknown(in_flight)],
        (UnderWay::Existence, _, _) => Vec::new(),
        (UnderWay::Edits, None, None) => Vec::new(),
        (UnderWay::Edits, None, Some(_)) => vec![Operation::Delist],
        (UnderWay::Edits, Some(want), None) if want.waits_for_stock() => Vec::new(),
        (UnderWay::Edits, Some(want), None) => vec![Operation::Create {
            text: want.text.clone(),
            price: want.price,
            quantity: want.quantity,
        }],
        (UnderWay::Edits, Some(want), Some(have)) => differences(want, have, in_flight),
    }
}

/// Rows 2 and 2' of [`plan`]'s table. An operation that is harmless to repeat carries
/// its absolute target: sending it again tells what the marketplace holds. Anything else
/// (a create, an upload, a listing changed by a sale) needs a look-up.
fn settle_unknown(in_flight: &[InFlight]) -> Operation {
    let mut unknown = in_flight.iter().filter(|i| i.state == SendState::Unknown);
    let first = unknown.clone().next().map(|i| &i.op);
    let look_up = unknown.any(|i| !i.op.safe_to_repeat() || i.op == Operation::Reconcile);
    match first {
        Some(op) if !look_up => op.clone(),
        _ => Operation::Reconcile,
    }
}

/// Row 7 of [`plan`]'s table. Every operation in flight here is an edit being sent.
fn differences(want: &Listing, have: &Confirmed, in_flight: &[InFlight]) -> Vec<Operation> {
    // What the marketplace will show once the edits being sent land.
    let mut text = &have.text;
    let mut price_and_stock = (have.price, have.quantity);
    let mut live = have.published;
    for sent in in_flight {
        match &sent.op {
            Operation::UpdateFields { text: t } => text = t,
            Operation::SetPriceAndStock { price, quantity } => {
                price_and_stock = (*price, *quantity);
            }
            Operation::Publish => live = true,
            Operation::Unpublish => live = false,
            // These make the photo rows wait, below.
            Operation::UploadPhoto { .. }
            | Operation::RemovePhoto { .. }
            | Operation::ReorderPhotos { .. } => {}
            // Rows 1 to 3 took the lane before it came here.
            Operation::Create { .. } | Operation::Delist | Operation::Reconcile => {}
        }
    }
    let photos_settled = !in_flight.iter().any(|sent| sent.op.is_photo());
    let goes_live = want.goes_live();

    let mut ops = Vec::new();
    if live && !goes_live {
        ops.push(Operation::Unpublish);
    }
    if *text != want.text {
        ops.push(Operation::UpdateFields {
            text: want.text.clone(),
        });
    }
    let sku_missing = have.sku_missing
        && !in_flight
            .iter()
            .any(|i| matches!(i.op, Operation::SetPriceAndStock { .. }));
    if let Some(stock) = want.stock_given(price_and_stock.1)
        && (price_and_stock != (want.price, stock) || sku_missing)
    {
        ops.push(Operation::SetPriceAndStock {
            price: want.price,
            quantity: stock,
        });
    }
    if photos_settled {
        ops.extend(photo_changes(&have.photos, &want.photos));
        if !live && goes_live {
            ops.push(Operation::Publish);
        }
    }
    ops
}

/// Rows d, e and f: removals, then uploads by rank, then a reorder if the uploads alone
/// do not give the wanted order.
fn photo_changes(have: &[RemotePhoto], want: &[PhotoHash]) -> Vec<Operation> {
    // A photo named twice counts once, where it first appears.
    let mut wanted: Vec<&PhotoHash> = Vec::with_capacity(want.len());
    for hash in want {
        if !wanted.contains(&hash) {
            wanted.push(hash);
        }
    }
    let mut ops = Vec::new();
    // The marketplace's photos as they will be, in its order.
    let mut kept: Vec<&PhotoHash> = Vec::with_capacity(have.len());
    for photo in have {
        if wanted.contains(&&photo.hash) && !kept.contains(&&photo.hash) {
            kept.push(&photo.hash);
        } else {
            ops.push(Operation::RemovePhoto {
                hash: photo.hash.clone(),
                remote_image_id: photo.remote_image_id.clone(),
            });
        }
    }
    for (rank, &hash) in wanted.iter().enumerate() {
        if !kept.contains(&hash) {
            kept.insert(rank.min(kept.len()), hash);
            ops.push(Operation::UploadPhoto {
                hash: hash.clone(),
                rank,
            });
        }
    }
    if kept != wanted {
        ops.push(Operation::ReorderPhotos {
            order: wanted.into_iter().cloned().collect(),
        });
    }
    ops
}
