//! What a marketplace shows after an operation succeeded: the next confirmed state.

use crate::{Confirmed, Done, Operation, RemotePhoto};

/// A success answer that does not fit its operation (a create without an id, an upload
/// without an image id): the adapter could not read what happened, so it is unknown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the marketplace's answer to {op} does not say what it made")]
pub struct Garbled {
    pub op: &'static str,
}

/// The confirmed state after `op` succeeded with `done`, from `before`.
pub fn confirm(
    before: Option<&Confirmed>,
    op: &Operation,
    done: Done,
) -> Result<Option<Confirmed>, Garbled> {
    let garbled = Err(Garbled { op: op.name() });
    if let Operation::Create {
        text,
        price,
        quantity,
    } = op
    {
        let (remote_id, sku_missing) = match done {
            Done::Created(id) => (id, false),
            Done::CreatedWithoutSku(id) => (id, true),
            _ => return garbled,
        };
        return Ok(Some(Confirmed {
            remote_id,
            text: text.clone(),
            price: *price,
            quantity: *quantity,
            photos: Vec::new(),
            published: false,
            sku_missing,
        }));
    }
    if *op == Operation::Delist {
        return Ok(None);
    }
    // Every other operation edits a listing that exists.
    let Some(before) = before else {
        return garbled;
    };
    let mut after = before.clone();
    match op {
        Operation::UpdateFields { text } => after.text = text.clone(),
        Operation::SetPriceAndStock { price, quantity } => {
            after.price = *price;
            after.quantity = *quantity;
            // Price and stock go with the SKU.
            after.sku_missing = false;
        }
        Operation::UploadPhoto { hash, rank } => {
            let Done::Uploaded(remote_image_id) = done else {
                return garbled;
            };
            let at = (*rank).min(after.photos.len());
            after.photos.insert(
                at,
                RemotePhoto {
                    hash: hash.clone(),
                    remote_image_id,
                },
            );
        }
        Operation::RemovePhoto {
            remote_image_id, ..
        } => after
            .photos
            .retain(|p| &p.remote_image_id != remote_image_id),
        Operation::ReorderPhotos { order } => {
            // Photos the order does not name keep their place after the ones it does.
            after.photos.sort_by_key(|p| {
                order
                    .iter()
                    .position(|h| *h == p.hash)
                    .unwrap_or(usize::MAX)
            });
        }
        Operation::Publish => after.published = true,
        Operation::Unpublish => after.published = false,
        Operation::Create { .. } | Operation::Delist | Operation::Reconcile => return garbled,
    }
    Ok(Some(after))
}
