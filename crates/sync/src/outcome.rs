//! What an operation's answer means, and how long to wait before trying again. Pure: the
//! executor passes in what happened on the wire and a random number; nothing here reads a
//! clock or draws randomness.

use std::time::Duration;

use crate::Operation;

/// What came back (or did not) for one request, as the HTTP layer saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The request never left: no connection, DNS failure, refused. Nothing happened.
    NotSent,
    /// The request was written but no answer came: a timeout or a reset after sending.
    /// The marketplace may have carried it out.
    Lost,
    /// An HTTP status, with what the marketplace said and its `Retry-After`, if any.
    Status {
        code: u16,
        retry_after: Option<Duration>,
        message: String,
    },
}

/// Why an operation did not succeed, and so what comes next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Try the same operation again later: nothing happened, or repeating is harmless.
    Retry,
    /// It may or may not have happened: settle it before anything else is sent in its
    /// lane (send it again if that is harmless, else look it up).
    Unknown,
    /// Too many requests: wait at least `retry_after` (when the marketplace said).
    RateLimited { retry_after: Option<Duration> },
    /// The marketplace refused it, and will again until the listing changes: show the
    /// artisan why and go on with the other lanes.
    Rejected { reason: String },
    /// The account's sign-in has expired or was revoked: pause this marketplace.
    NeedsSignIn,
    /// The listing is not on the marketplace any more (deleted on its website): look it
    /// up, and let the artisan re-create or drop it.
    Gone,
}

impl Failure {
    /// Permanent failures wait for a person; the others retry by themselves.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Failure::Rejected { .. } | Failure::NeedsSignIn)
    }
}

impl Operation {
    /// Whether sending this twice leaves the marketplace as sending it once. Creating a
    /// listing (Etsy has no idempotency key) and uploading a photo (Etsy appends) are not.
    pub fn safe_to_repeat(&self) -> bool {
        !matches!(
            self,
            Operation::Create { .. } | Operation::UploadPhoto { .. }
        )
    }
}

/// Classifies a failed reply to `op`. A success (2xx) is not a failure: `None`.
pub fn classify(op: &Operation, reply: &Reply) -> Option<Failure> {
    // A request that may have been carried out is unknown, whatever it was: even one that
    // is harmless to repeat must be settled (sent again, or looked up) before the lane
    // moves on, or a later wish could leave its effect standing unseen.
    Some(match reply {
        Reply::NotSent => Failure::Retry,
        Reply::Lost => Failure::Unknown,
        Reply::Status {
            code: 200..=299, ..
        } => return None,
        Reply::Status {
            code: 401 | 403, ..
        } => Failure::NeedsSignIn,
        Reply::Status {
            code: 404 | 410, ..
        } if !matches!(op, Operation::Create { .. }) => Failure::Gone,
        Reply::Status {
            code: 429,
            retry_after,
            ..
        } => Failure::RateLimited {
            retry_after: *retry_after,
        },
        // Timeouts and conflicts on the marketplace's side: nothing was decided.
        Reply::Status {
            code: 408 | 409 | 423 | 425,
            ..
        } => Failure::Retry,
        Reply::Status {
            code: 400..=499,
            message,
            ..
        } => Failure::Rejected {
            reason: message.clone(),
        },
        // Etsy has answered 500 while still creating the listing.
        Reply::Status {
            code: 500..=599, ..
        } => Failure::Unknown,
        // 1xx and 3xx are not answers a marketplace API gives: treat as not knowing.
        Reply::Status { .. } => Failure::Unknown,
    })
}

/// Exponential backoff with full jitter: the wait before attempt `n + 1` is uniform in
/// `[0, min(cap, base × 2ⁿ)]`, so many phones coming back online do not knock together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    /// Two seconds doubling up to half an hour: a 2G connection that drops for an hour is
    /// tried a handful of times, not hundreds.
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(30 * 60),
        }
    }
}

impl Backoff {
    /// The wait after `failures` failures in a row, from a uniformly random `random`.
    pub fn delay(&self, failures: u32, random: u64) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(2u32.saturating_pow(failures.min(31)))
            .min(self.cap);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(random % ceiling_ms.saturating_add(1))
    }

    /// How long to wait before this lane tries again after `failure`, or `None` when it
    /// waits for a person. A marketplace's `Retry-After` is a floor, never shortened.
    pub fn retry_after(&self, failure: &Failure, failures: u32, random: u64) -> Option<Duration> {
        let jittered = self.delay(failures, random);
        match failure {
            Failure::Rejected { .. } | Failure::NeedsSignIn => None,
            Failure::RateLimited {
                retry_after: Some(floor),
            } => Some(jittered.max(*floor)),
            Failure::RateLimited { retry_after: None }
            | Failure::Retry
            | Failure::Unknown
            | Failure::Gone => Some(jittered),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hanout_domain::Price;
    use proptest::prelude::*;

    fn status(code: u16) -> Reply {
        Reply::Status {
            code,
            retry_after: None,
            message: format!("status {code}"),
        }
    }

    #[test]
    fn replies_are_classified_by_what_may_have_happened() {
        let text = crate::ListingText {
            titles: Default::default(),
            descriptions: Default::default(),
            category: hanout_domain::Category::Pottery,
            materials: Vec::new(),
        };
        let create = Operation::Create {
            text,
            price: Price::from_centimes(100).expect("a price"),
            quantity: 1,
        };
        let stock = Operation::SetPriceAndStock {
            price: Price::from_centimes(100).expect("a price"),
            quantity: 2,
        };
        let rejected = |m: &str| Some(Failure::Rejected { reason: m.into() });
        let cases: Vec<(&Operation, Reply, Option<Failure>)> = vec![
            (&create, status(201), None),
            (&create, Reply::NotSent, Some(Failure::Retry)),
            (&create, Reply::Lost, Some(Failure::Unknown)),
            (&stock, Reply::Lost, Some(Failure::Unknown)),
            (&create, status(500), Some(Failure::Unknown)),
            (&create, status(503), Some(Failure::Unknown)),
            (&stock, status(502), Some(Failure::Unknown)),
            (&stock, status(400), rejected("status 400")),
            (&create, status(404), rejected("status 404")),
            (&stock, status(404), Some(Failure::Gone)),
            (&stock, status(410), Some(Failure::Gone)),
            (&stock, status(409), Some(Failure::Retry)),
            (&stock, status(401), Some(Failure::NeedsSignIn)),
            (&stock, status(403), Some(Failure::NeedsSignIn)),
            (&stock, status(302), Some(Failure::Unknown)),
            (&create, status(302), Some(Failure::Unknown)),
            (
                &stock,
                Reply::Status {
                    code: 429,
                    retry_after: Some(Duration::from_secs(7)),
                    message: String::new(),
                },
                Some(Failure::RateLimited {
                    retry_after: Some(Duration::from_secs(7)),
                }),
            ),
        ];
        for (op, reply, want) in cases {
            assert_eq!(classify(op, &reply), want, "{op:?} {reply:?}");
        }
    }

    #[test]
    fn only_creates_and_uploads_are_unsafe_to_repeat() {
        let hash = "ab".repeat(32).parse().expect("a hash");
        assert!(!Operation::UploadPhoto { hash, rank: 0 }.safe_to_repeat());
        for op in [
            Operation::Publish,
            Operation::Unpublish,
            Operation::Delist,
            Operation::Reconcile,
        ] {
            assert!(op.safe_to_repeat(), "{op:?}");
        }
    }

    #[test]
    fn permanent_failures_wait_for_a_person() {
        let b = Backoff::default();
        for f in [
            Failure::Rejected {
                reason: "title too long".into(),
            },
            Failure::NeedsSignIn,
        ] {
            assert!(f.is_permanent());
            assert_eq!(b.retry_after(&f, 3, 12345), None);
        }
        for f in [
            Failure::Retry,
            Failure::Unknown,
            Failure::RateLimited { retry_after: None },
        ] {
            assert!(!f.is_permanent());
            assert!(b.retry_after(&f, 3, 12345).is_some());
        }
    }

    #[test]
    fn backoff_grows_then_stops_at_the_cap() {
        let b = Backoff {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(60),
        };
        // With random = ceiling, the delay is the ceiling itself.
        let ceiling = |n: u32| {
            b.delay(
                n,
                u64::try_from(Duration::from_secs(2 << n).min(b.cap).as_millis()).unwrap(),
            )
        };
        assert_eq!(ceiling(0), Duration::from_secs(2));
        assert_eq!(ceiling(3), Duration::from_secs(16));
        assert_eq!(ceiling(10), Duration::from_secs(60));
        assert_eq!(b.delay(40, 0), Duration::ZERO);
        assert!(b.delay(200, u64::MAX) <= b.cap);
    }

    proptest! {
        #[test]
        fn full_jitter_stays_within_its_window(failures in 0u32..64, random: u64) {
            let b = Backoff::default();
            let window = b.base.saturating_mul(2u32.saturating_pow(failures.min(31))).min(b.cap);
            prop_assert!(b.delay(failures, random) <= window);
        }

        #[test]
        fn retry_after_is_a_floor(secs in 0u64..7200, failures in 0u32..20, random: u64) {
            let floor = Duration::from_secs(secs);
            let f = Failure::RateLimited { retry_after: Some(floor) };
            let wait = Backoff::default().retry_after(&f, failures, random).expect("rate limits retry");
            prop_assert!(wait >= floor);
        }
    }
}
