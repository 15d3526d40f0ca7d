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
    /// What the marketplace does once the piece is sold out.
    #[serde(default)]
    pub when_sold_out: WhenSoldOut,
}

/// What a marketplace does with a listing whose stock has run out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenSoldOut {
    /// It holds a stock of 0, out of buyers' sight (WooCommerce).
    #[default]
    HoldsZero,
    /// It refuses a stock of 0: "there is no way in the API to zero out all of the
    /// inventory for a listing" (Etsy staff, etsy/open-api #560; also #395, #501). The
    /// listing goes inactive with its last stock, and comes back when stock returns. A
    /// piece sold out before it was ever listed there is not listed.
    KeepsLastStock,
}

impl WhenSoldOut {
    /// The rule of a marketplace, by the kind of its account (`etsy`, `woocommerce`).
    pub fn of(kind: &str) -> WhenSoldOut {
        match kind {
            "etsy" => WhenSoldOut::KeepsLastStock,
            _ => WhenSoldOut::HoldsZero,
        }
    }
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
            when_sold_out: WhenSoldOut::default(),
        }
    }

    /// The stock to send, when the marketplace will otherwise hold `held`: a marketplace
    /// that refuses a stock of 0 keeps what it holds while the piece is sold out. `None`
    /// when no price and stock can be sent at all: sold out there already (a sale of its
    /// own took it to 0), so a new price waits for stock to return.
    pub fn stock_given(&self, held: u32) -> Option<u32> {
        match (self.quantity, self.when_sold_out) {
            (0, WhenSoldOut::KeepsLastStock) => (held > 0).then_some(held),
            (quantity, _) => Some(quantity),
        }
    }

    /// Whether the listing should not be made at all yet: sold out, on a marketplace
    /// that cannot hold a stock of 0.
    pub fn waits_for_stock(&self) -> bool {
        self.quantity == 0 && self.when_sold_out == WhenSoldOut::KeepsLastStock
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
    /// The listing exists but does not carry its SKU yet (Etsy sets it in a second
    /// request after the create, which can fail): until it does, the create is not done,
    /// and a sale of it, or a look-up, could not find its product by SKU.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sku_missing: bool,
}
