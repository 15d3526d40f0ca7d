use std::collections::BTreeMap;
use std::fmt;

use hanout_domain::{Category, Lang, PhotoHash, Price, Product};
use serde::{Deserialize, Serialize};

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_id!(
    /// One marketplace account of the cooperative, such as `etsy:123` (the shop) or
    /// `woo:atelier-safi.ma`. Two shops on one marketplace are two lanes.
    MarketplaceId
);
text_id!(
    /// The marketplace's own id for a listing. Text, because each marketplace has its own
    /// kind (Etsy and WooCommerce use integers; others do not).
    RemoteId
);
text_id!(
    /// The marketplace's own id for one photo of a listing: what removing it needs.
    RemoteImageId
);

/// The words of a listing: what `UpdateFields` sends, as one target, so that every text
/// change is a single operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingText {
    pub titles: BTreeMap<Lang, String>,
    pub descriptions: BTreeMap<Lang, String>,
    pub category: Category,
    pub materials: Vec<String>,
}

/// What one marketplace should show for a product: the seller's wish for that lane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub text: ListingText,
    pub price: Price,
    pub quantity: u32,
    /// In order: the first is the cover.
    pub photos: Vec<PhotoHash>,
    /// The seller wants buyers to see it. It goes live only when it can: see
    /// [`Listing::goes_live`].
    pub published: bool,
}

impl Listing {
    /// The listing a product makes. Whether the product belongs on a marketplace at all
    /// (archived, a sold one-of-a-kind piece, a marketplace switched off) is the caller's
    /// question: the answer "no" is no listing, not this one.
    pub fn from_product(product: &Product, published: bool) -> Listing {
        let fields = &product.fields;
        Listing {
            text: ListingText {
                titles: fields.titles.clone(),
                descriptions: fields.descriptions.clone(),
                category: fields.category,
                materials: fields.materials.clone(),
            },
            price: fields.price,
            quantity: fields.quantity,
            photos: product.photos.iter().map(|p| p.hash.clone()).collect(),
            published,
        }
    }

    /// Whether the listing should be live: wanted, in stock (a sold-out listing is taken
    /// down) and with a photo (Etsy refuses to activate a listing without one).
    pub fn goes_live(&self) -> bool {
        self.published && self.quantity > 0 && !self.photos.is_empty()
    }
}

/// One photo as the marketplace holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemotePhoto {
    pub hash: PhotoHash,
    pub remote_image_id: RemoteImageId,
}

/// What a marketplace last confirmed for a listing: the base the planner diffs against.
/// A listing that was never created, or was deleted, has no `Confirmed` at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmed {
    pub remote_id: RemoteId,
    pub text: ListingText,
    pub price: Price,
    pub quantity: u32,
    /// In the marketplace's order: the first is the cover.
    pub photos: Vec<RemotePhoto>,
    pub published: bool,
}
