//! Fixtures and a simulated marketplace shared by the planner's tests.
#![allow(dead_code)] // each test file uses its own part of this

use hanout_domain::{Category, Lang, PhotoHash, Price};
use hanout_sync::{
    Confirmed, Done, InFlight, Listing, ListingText, Operation, RemoteId, RemoteImageId,
    RemotePhoto, SendState, WhenSoldOut, confirm, plan,
};

pub fn photo(n: u8) -> PhotoHash {
    format!("{n:064x}").parse().expect("64 hex digits")
}

pub fn dirhams(dh: i64) -> Price {
    Price::from_centimes(dh * 100).expect("a valid price")
}

pub fn text(title: &str) -> ListingText {
    ListingText {
        titles: [(Lang::Fr, title.to_owned())].into(),
        descriptions: [(Lang::Fr, "Tournée et peinte à la main à Safi.".to_owned())].into(),
        category: Category::Pottery,
        materials: vec!["argile".to_owned()],
    }
}

/// A tajine from Safi, in stock, with one photo, that the potter wants shown.
pub fn tajine() -> Listing {
    Listing {
        text: text("Tajine de Safi"),
        price: dirhams(120),
        quantity: 3,
        photos: vec![photo(1)],
        published: true,
        when_sold_out: WhenSoldOut::HoldsZero,
    }
}

pub fn image_id(hash: &PhotoHash) -> RemoteImageId {
    RemoteImageId::new(format!("img-{}", &hash.as_str()[60..]))
}

/// What a marketplace confirms once it shows `listing` exactly.
pub fn confirmed(listing: &Listing) -> Confirmed {
    Confirmed {
        remote_id: RemoteId::new("1234"),
        sku_missing: false,
        text: listing.text.clone(),
        price: listing.price,
        quantity: listing.quantity,
        photos: listing
            .photos
            .iter()
            .map(|h| RemotePhoto {
                hash: h.clone(),
                remote_image_id: image_id(h),
            })
            .collect(),
        published: listing.goes_live(),
    }
}

pub fn sending(op: Operation) -> InFlight {
    InFlight {
        op,
        state: SendState::Sending,
    }
}

pub fn unknown(op: Operation) -> InFlight {
    InFlight {
        op,
        state: SendState::Unknown,
    }
}

/// What a buyer could see of a listing, without the marketplace's own ids: what two
/// histories must agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub text: ListingText,
    pub price: Price,
    pub quantity: u32,
    pub photos: Vec<PhotoHash>,
    pub published: bool,
}

pub fn view(c: Option<&Confirmed>) -> Option<View> {
    c.map(|c| View {
        text: c.text.clone(),
        price: c.price,
        quantity: c.quantity,
        photos: c.photos.iter().map(|p| p.hash.clone()).collect(),
        published: c.published,
    })
}

/// The view a lane should end in: the wish, live only if it can be.
pub fn target(d: Option<&Listing>) -> Option<View> {
    d.map(|d| View {
        text: d.text.clone(),
        price: d.price,
        quantity: d.quantity,
        photos: d.photos.clone(),
        published: d.goes_live(),
    })
}

/// A marketplace that does what it is asked and nothing else, and refuses what a real
/// one would refuse or what would be a bug of ours (a second create, a photo before its
/// listing, a photo uploaded twice).
#[derive(Default)]
pub struct Market {
    next_id: u32,
    /// Every operation carried out, in order.
    pub log: Vec<Operation>,
}

impl Market {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    /// Refuses what a marketplace (or our own rules) would refuse, then changes the lane
    /// as [`confirm`] says a success does.
    pub fn apply(&mut self, lane: &mut Option<Confirmed>, op: &Operation) -> Result<(), String> {
        self.log.push(op.clone());
        if *op == Operation::Reconcile {
            return Ok(());
        }
        let done = match (op, lane.as_ref()) {
            (Operation::Create { .. }, Some(_)) => {
                return Err("a second create: a duplicate listing".into());
            }
            (Operation::Create { .. }, None) => Done::Created(RemoteId::new(self.fresh("L"))),
            (_, None) => return Err(format!("{op:?} before its listing exists")),
            (Operation::UploadPhoto { hash, .. }, Some(c)) => {
                if c.photos.iter().any(|p| p.hash == *hash) {
                    return Err(format!("{hash:?} uploaded twice"));
                }
                Done::Uploaded(RemoteImageId::new(self.fresh("img")))
            }
            (
                Operation::RemovePhoto {
                    remote_image_id, ..
                },
                Some(c),
            ) => {
                if !c
                    .photos
                    .iter()
                    .any(|p| p.remote_image_id == *remote_image_id)
                {
                    return Err(format!("no photo {remote_image_id}"));
                }
                Done::Applied
            }
            (Operation::ReorderPhotos { order }, Some(c)) => {
                let mut now: Vec<_> = c.photos.iter().map(|p| &p.hash).collect();
                let mut asked: Vec<_> = order.iter().collect();
                now.sort();
                asked.sort();
                if now != asked {
                    return Err(format!("reorder of other photos: {order:?}"));
                }
                Done::Applied
            }
            (Operation::Publish, Some(c)) if c.photos.is_empty() || c.quantity == 0 => {
                return Err("publish without a photo or stock".into());
            }
            _ => Done::Applied,
        };
        *lane = confirm(lane.as_ref(), op, done).map_err(|e| e.to_string())?;
        Ok(())
    }

    pub fn apply_all(
        &mut self,
        lane: &mut Option<Confirmed>,
        ops: &[Operation],
    ) -> Result<(), String> {
        ops.iter().try_for_each(|op| self.apply(lane, op))
    }

    /// Plans and applies until nothing is left; returns how many plans that took (the
    /// last, empty one included) and how many operations were carried out.
    pub fn converge(
        &mut self,
        lane: &mut Option<Confirmed>,
        desired: Option<&Listing>,
    ) -> Result<(usize, usize), String> {
        let mut carried = 0;
        for round in 1..=10 {
            let ops = plan(desired, lane.as_ref(), &[]);
            if ops.is_empty() {
                return Ok((round, carried));
            }
            carried += ops.len();
            self.apply_all(lane, &ops)?;
        }
        Err(format!("no convergence: {:?}", lane))
    }
}
