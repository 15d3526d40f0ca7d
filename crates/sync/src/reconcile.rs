//! What a look-up teaches: the new confirmed state of a lane whose outcome was unknown.

use crate::{Confirmed, Found, InFlight, Operation, RemotePhoto};

/// A lane after a look-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reconciled {
    /// What the marketplace holds now (`None`: nothing, and nothing was expected).
    Known(Option<Confirmed>),
    /// The listing we had confirmed is gone: deleted on the marketplace's website. The
    /// artisan chooses to re-create it or to drop it.
    Gone,
}

/// Merges what a look-up `found` into what was `confirmed`, given the operations whose
/// outcome was unknown. Photos keep the hashes we know by their image ids; an image the
/// marketplace holds that we do not know is the unknown upload's, if one was under way.
/// Any other image was added on the website: it stays there and out of our accounts.
pub fn reconcile(
    confirmed: Option<&Confirmed>,
    in_flight: &[InFlight],
    found: Option<Found>,
) -> Reconciled {
    let Some(found) = found else {
        return match confirmed {
            Some(_) => Reconciled::Gone,
            None => Reconciled::Known(None),
        };
    };
    let base = match confirmed {
        Some(c) => c.clone(),
        None => {
            // Only an unknown create leads here with something found.
            let Some(Operation::Create {
                text,
                price,
                quantity,
            }) = in_flight
                .iter()
                .map(|i| &i.op)
                .find(|op| matches!(op, Operation::Create { .. }))
            else {
                return Reconciled::Known(None);
            };
            Confirmed {
                remote_id: found.remote_id.clone(),
                text: text.clone(),
                price: *price,
                quantity: *quantity,
                photos: Vec::new(),
                published: false,
                sku_missing: false,
            }
        }
    };
    let mut upload = in_flight.iter().find_map(|i| match &i.op {
        Operation::UploadPhoto { hash, .. } => Some(hash.clone()),
        _ => None,
    });
    let photos = found
        .images
        .iter()
        .filter_map(|image| {
            let known = base
                .photos
                .iter()
                .find(|p| &p.remote_image_id == image)
                .map(|p| p.hash.clone());
            known.or_else(|| upload.take()).map(|hash| RemotePhoto {
                hash,
                remote_image_id: image.clone(),
            })
        })
        .collect();
    Reconciled::Known(Some(Confirmed {
        remote_id: found.remote_id,
        text: base.text,
        price: found.price,
        quantity: found.quantity,
        photos,
        published: found.published,
        sku_missing: !found.has_sku,
    }))
}
