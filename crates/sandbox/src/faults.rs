//! The fault switchboard: what can go wrong between the app and a marketplace, each with
//! a probability, drawn from a seed so that a seed replays the same sequence.
//!
//! A spec string names them: `drop=0.1,5xx=0.05,429=0.05,reset=0.02,latency=20..200,seed=7`.
//!
//! | key | what the client sees | committed? |
//! | --- | --- | --- |
//! | `reset` | the connection reset before the request is handled | no |
//! | `5xx` | 500, 502 or 503 before anything is done | no |
//! | `429` | 429 with `retry-after` of 1 to 5 seconds | no |
//! | `drop` | the request is carried out, then the connection is reset: no status | **yes** |
//! | `latency` | a pause of MIN..MAX milliseconds (uniform) before anything | |
//!
//! Faults apply to the marketplace API routes only, never to `/sandbox/*`, the OAuth
//! pages (`/oauth/connect`, `/v3/public/oauth/token`) or the buyer page.
//!
//! The same board switches on realism the services show only at times, off unless set;
//! each is drawn from its own stream of the seed, so turning one on leaves the fault
//! sequence as it was:
//!
//! | key | what the client sees | source |
//! | --- | --- | --- |
//! | `lag=MIN..MAX` | Etsy `getListingsByShop` shows a new listing only MIN..MAX seconds (per listing) after its creation; `getListing` shows it at once | etsy/open-api #510 |
//! | `page_drift=P` | a `getListingsByShop` page after the first is, with probability P, shifted by one: it repeats the previous page's last listing or skips one | etsy/open-api #510 |
//! | `ignore_rank=P` | an Etsy photo upload's `rank` is ignored with probability P: the photo goes last | etsy/open-api #298 |
//! | `no_chunked=true` | the WordPress host hands PHP an empty body for `Transfer-Encoding: chunked` requests (Apache + PHP-FPM) | PHP-FPM / mod_proxy_fcgi |

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::server::Kill;

/// How often each fault strikes a request, from 0 to 1; at most 1 in all, since one draw
/// picks at most one fault per request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    /// Carried out, then the connection is reset before any answer.
    #[serde(default)]
    pub drop: f64,
    /// 500, 502 or 503 before anything is done.
    #[serde(default, rename = "5xx")]
    pub server_error: f64,
    /// 429 with a `retry-after` of 1 to 5 seconds, before anything is done.
    #[serde(default, rename = "429")]
    pub rate_limit: f64,
    /// The connection reset before the request is handled.
    #[serde(default)]
    pub reset: f64,
    /// Milliseconds of latency, uniform in MIN..=MAX, before everything else.
    #[serde(default)]
    pub latency_ms: Option<(u64, u64)>,
    /// Seconds, uniform in MIN..=MAX and fixed per listing, before Etsy's
    /// `getListingsByShop` shows a new listing.
    #[serde(default)]
    pub lag_secs: Option<(u64, u64)>,
    /// How often a `getListingsByShop` page after the first is shifted by one listing.
    #[serde(default)]
    pub page_drift: f64,
    /// How often an Etsy photo upload's `rank` is ignored.
    #[serde(default)]
    pub ignore_rank: f64,
    /// The WordPress host drops `Transfer-Encoding: chunked` bodies.
    #[serde(default)]
    pub no_chunked: bool,
    #[serde(default)]
    pub seed: u64,
}

impl Faults {
    /// No faults at all.
    pub const NONE: Faults = Faults {
        drop: 0.0,
        server_error: 0.0,
        rate_limit: 0.0,
        reset: 0.0,
        latency_ms: None,
        lag_secs: None,
        page_drift: 0.0,
        ignore_rank: 0.0,
        no_chunked: false,
        seed: 0,
    };

    /// Checks the ranges: each probability in 0..=1, their sum at most 1, latency MIN ≤ MAX.
    pub fn validate(&self) -> Result<(), FaultSpecError> {
        let independent = [
            ("page_drift", self.page_drift),
            ("ignore_rank", self.ignore_rank),
        ];
        for (key, p) in self.probabilities().into_iter().chain(independent) {
            if !(0.0..=1.0).contains(&p) {
                return Err(FaultSpecError::OutOfRange {
                    key: key.to_string(),
                    value: p.to_string(),
                });
            }
        }
        let sum: f64 = self.probabilities().iter().map(|(_, p)| p).sum();
        if sum > 1.0 + 1e-9 {
            return Err(FaultSpecError::SumOverOne(sum));
        }
        if let Some((min, max)) = self.latency_ms
            && min > max
        {
            return Err(FaultSpecError::Latency(format!("{min}..{max}")));
        }
        if let Some((min, max)) = self.lag_secs
            && min > max
        {
            return Err(FaultSpecError::Lag(format!("{min}..{max}")));
        }
        Ok(())
    }

    /// Seconds after its creation before `getListingsByShop` shows this listing: the
    /// same for a listing under a seed, whatever else happened.
    pub fn lag_secs(&self, listing_id: i64) -> i64 {
        let Some((min, max)) = self.lag_secs else {
            return 0;
        };
        let id = u64::try_from(listing_id).unwrap_or(0);
        let mut rng = stream(self.seed, LAG_STREAMS.wrapping_add(id));
        i64::try_from(rng.random_range(min..=max)).unwrap_or(i64::MAX)
    }

    fn probabilities(&self) -> [(&'static str, f64); 4] {
        [
            ("reset", self.reset),
            ("5xx", self.server_error),
            ("429", self.rate_limit),
            ("drop", self.drop),
        ]
    }
}

impl Default for Faults {
    fn default() -> Self {
        Faults::NONE
    }
}

/// The keys a spec may name.
const KEYS: &str = "drop, 5xx, 429, reset, latency, lag, page_drift, ignore_rank, no_chunked, seed";

/// Why a fault spec was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FaultSpecError {
    #[error(
        "fault spec item {0:?} is not KEY=VALUE (keys: {KEYS}; e.g. \"drop=0.1,5xx=0.05,latency=20..200,seed=7\")"
    )]
    NotKeyValue(String),
    #[error("unknown fault {0:?} (known: {KEYS})")]
    UnknownKey(String),
    #[error("fault {0:?} is given twice")]
    Duplicate(String),
    #[error("fault {key:?}: {value:?} is not a number")]
    NotANumber { key: String, value: String },
    #[error("fault {key:?}: {value} is not a probability between 0 and 1")]
    OutOfRange { key: String, value: String },
    #[error("the fault probabilities add up to {0}, more than 1")]
    SumOverOne(f64),
    #[error("latency {0:?} is not MIN..MAX milliseconds with MIN <= MAX (e.g. 20..200)")]
    Latency(String),
    #[error("lag {0:?} is not MIN..MAX seconds with MIN <= MAX (e.g. 30..600)")]
    Lag(String),
    #[error("no_chunked {0:?} is not true or false")]
    NotABool(String),
    #[error("seed {0:?} is not a whole number between 0 and 2^64-1")]
    Seed(String),
}

impl FromStr for Faults {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Faults, FaultSpecError> {
        let mut faults = Faults::NONE;
        let mut seen: Vec<&str> = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((key, value)) = item.split_once('=') else {
                return Err(FaultSpecError::NotKeyValue(item.to_string()));
            };
            let (key, value) = (key.trim(), value.trim());
            if seen.contains(&key) {
                return Err(FaultSpecError::Duplicate(key.to_string()));
            }
            let probability = || -> Result<f64, FaultSpecError> {
                let p: f64 = value.parse().map_err(|_| FaultSpecError::NotANumber {
                    key: key.to_string(),
                    value: value.to_string(),
                })?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(FaultSpecError::OutOfRange {
                        key: key.to_string(),
                        value: value.to_string(),
                    });
                }
                Ok(p)
            };
            match key {
                "drop" => faults.drop = probability()?,
                "5xx" => faults.server_error = probability()?,
                "429" => faults.rate_limit = probability()?,
                "reset" => faults.reset = probability()?,
                "latency" => {
                    faults.latency_ms = Some(
                        parse_range(value).ok_or_else(|| FaultSpecError::Latency(value.into()))?,
                    );
                }
                "lag" => {
                    faults.lag_secs =
                        Some(parse_range(value).ok_or_else(|| FaultSpecError::Lag(value.into()))?);
                }
                "page_drift" => faults.page_drift = probability()?,
                "ignore_rank" => faults.ignore_rank = probability()?,
                "no_chunked" => {
                    faults.no_chunked = crate::form::parse_bool(value)
                        .filter(|_| !value.is_empty())
                        .ok_or_else(|| FaultSpecError::NotABool(value.to_string()))?;
                }
                "seed" => {
                    faults.seed = value
                        .parse()
                        .map_err(|_| FaultSpecError::Seed(value.to_string()))?;
                }
                _ => return Err(FaultSpecError::UnknownKey(key.to_string())),
            }
            seen.push(key);
        }
        faults.validate()?;
        Ok(faults)
    }
}

/// `MIN..MAX` (or one number), MIN <= MAX.
fn parse_range(value: &str) -> Option<(u64, u64)> {
    let (min, max) = match value.split_once("..") {
        Some((min, max)) => (min.trim(), max.trim()),
        None => (value, value),
    };
    let min: u64 = min.parse().ok()?;
    let max: u64 = max.parse().ok()?;
    (min <= max).then_some((min, max))
}

/// The spec string, which [`Faults::from_str`] reads back.
impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "drop={},5xx={},429={},reset={}",
            self.drop, self.server_error, self.rate_limit, self.reset
        )?;
        if let Some((min, max)) = self.latency_ms {
            write!(f, ",latency={min}..{max}")?;
        }
        // The realism keys only when on, so a plain fault spec reads as before.
        if let Some((min, max)) = self.lag_secs {
            write!(f, ",lag={min}..{max}")?;
        }
        if self.page_drift > 0.0 {
            write!(f, ",page_drift={}", self.page_drift)?;
        }
        if self.ignore_rank > 0.0 {
            write!(f, ",ignore_rank={}", self.ignore_rank)?;
        }
        if self.no_chunked {
            write!(f, ",no_chunked=true")?;
        }
        write!(f, ",seed={}", self.seed)
    }
}

/// What happens to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum Fault {
    None,
    Reset,
    ServerError { status: u16 },
    RateLimit { retry_after: u64 },
    Drop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub latency: Duration,
    pub fault: Fault,
}

/// How a listings page is shifted by a listing that moved while the client paged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drift {
    None,
    /// A listing moved in front of the page: its first item is the previous page's last.
    Repeat,
    /// A listing moved out from in front of the page: one item is never shown.
    Skip,
}

/// The seeded sequence of decisions. Every request takes the same number of draws
/// whatever it gets, so the n-th request of a seed always meets the same fate. The
/// realism draws come from streams of their own.
#[derive(Clone, Debug)]
pub struct FaultBoard {
    faults: Faults,
    rng: ChaCha8Rng,
    drift_rng: ChaCha8Rng,
    rank_rng: ChaCha8Rng,
}

/// The seed's streams: 0 is the faults', the others the realism's.
const DRIFT_STREAM: u64 = 1;
const RANK_STREAM: u64 = 2;
/// Lags are drawn from stream `LAG_STREAMS + listing_id`, so a listing's lag does not
/// depend on the order of requests.
const LAG_STREAMS: u64 = 1 << 40;

fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

impl FaultBoard {
    pub fn new(faults: Faults) -> FaultBoard {
        let seed = faults.seed;
        FaultBoard {
            faults,
            rng: stream(seed, 0),
            drift_rng: stream(seed, DRIFT_STREAM),
            rank_rng: stream(seed, RANK_STREAM),
        }
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Whether the next listings page after the first drifts, and how. Two draws every
    /// time, so the sequence replays whatever the pages.
    pub fn next_drift(&mut self) -> Drift {
        let roll: f64 = self.drift_rng.random();
        let repeat: bool = self.drift_rng.random();
        match (roll < self.faults.page_drift, repeat) {
            (false, _) => Drift::None,
            (true, true) => Drift::Repeat,
            (true, false) => Drift::Skip,
        }
    }

    /// Whether the next photo upload's rank is ignored.
    pub fn next_rank_ignored(&mut self) -> bool {
        let roll: f64 = self.rank_rng.random();
        roll < self.faults.ignore_rank
    }

    /// The fate of the next request.
    pub fn next_decision(&mut self) -> Decision {
        let roll: f64 = self.rng.random();
        let latency_draw: f64 = self.rng.random();
        let status = [500, 502, 503][self.rng.random_range(0..3usize)];
        let retry_after = self.rng.random_range(1..=5u64);
        let latency = match self.faults.latency_ms {
            Some((min, max)) => {
                let span = (max - min) as f64;
                Duration::from_millis(min + (latency_draw * (span + 1.0)).floor().min(span) as u64)
            }
            None => Duration::ZERO,
        };
        let f = &self.faults;
        let reset = f.reset;
        let server_error = reset + f.server_error;
        let rate_limit = server_error + f.rate_limit;
        let dropped = rate_limit + f.drop;
        let fault = if roll < reset {
            Fault::Reset
        } else if roll < server_error {
            Fault::ServerError { status }
        } else if roll < rate_limit {
            Fault::RateLimit { retry_after }
        } else if roll < dropped {
            Fault::Drop
        } else {
            Fault::None
        };
        Decision { latency, fault }
    }
}

impl Iterator for FaultBoard {
    type Item = Decision;
    fn next(&mut self) -> Option<Decision> {
        Some(self.next_decision())
    }
}

/// Which service's clothes an error wears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    Etsy,
    WordPress,
}

impl Service {
    pub(crate) fn of(path: &str) -> Service {
        if path.starts_with("/wp-json/") {
            Service::WordPress
        } else {
            Service::Etsy
        }
    }
}

/// The middleware on the marketplace API routes.
pub(crate) async fn layer(State(app): State<App>, request: Request, next: Next) -> Response {
    let decision = app.fault_board().next_decision();
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let service = Service::of(request.uri().path());
    let kill = request.extensions().get::<Kill>().cloned();
    match decision.fault {
        Fault::None => next.run(request).await,
        Fault::Reset => match kill {
            Some(kill) => kill.now().await,
            None => server_error(service, 503),
        },
        Fault::ServerError { status } => server_error(service, status),
        Fault::RateLimit { retry_after } => too_many(service, retry_after),
        Fault::Drop => {
            let response = next.run(request).await;
            // The change is committed; the answer never leaves.
            drop(response);
            match kill {
                Some(kill) => kill.now().await,
                None => server_error(service, 503),
            }
        }
    }
}

/// The middleware on the WordPress routes: with `no_chunked`, a request sent with
/// `Transfer-Encoding: chunked` reaches WordPress with an empty body, as on the many
/// shared hosts where Apache hands PHP-FPM no body without a `Content-Length`
/// (mod_proxy_fcgi). A media upload then fails with `rest_upload_no_data`; a JSON route
/// sees no parameters at all.
pub(crate) async fn drop_chunked_bodies(
    State(app): State<App>,
    mut request: Request,
    next: Next,
) -> Response {
    let chunked = request
        .headers()
        .get_all(header::TRANSFER_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked && app.fault_board().faults().no_chunked {
        *request.body_mut() = Body::empty();
    }
    next.run(request).await
}

/// A 5xx as the service's front would give it: 500 from the application in its own JSON,
/// 502 and 503 from a gateway as an HTML page (parse carefully).
pub(crate) fn server_error(service: Service, status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if code == StatusCode::INTERNAL_SERVER_ERROR {
        return match service {
            Service::Etsy => {
                crate::etsy::EtsyError::new(code, "Internal Server Error").into_response()
            }
            Service::WordPress => crate::woo::WooError::new(
                code,
                "internal_server_error",
                "There has been a critical error on this website.",
            )
            .into_response(),
        };
    }
    let reason = code.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1></body></html>\n"
    );
    let mut response = (code, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

pub(crate) fn too_many(service: Service, retry_after: u64) -> Response {
    let mut response = match service {
        Service::Etsy => crate::etsy::EtsyError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "You have exceeded your rate limit. Please try again later.",
        )
        .into_response(),
        Service::WordPress => crate::woo::WooError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rest_too_many_requests",
            "Too many requests. Please wait and try again.",
        )
        .into_response(),
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// The empty body some answers need.
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_round_trips() {
        let f: Faults = "drop=0.1,5xx=0.05,429=0.05,reset=0.02,latency=20..200,seed=7"
            .parse()
            .unwrap();
        assert_eq!(f.drop, 0.1);
        assert_eq!(f.server_error, 0.05);
        assert_eq!(f.rate_limit, 0.05);
        assert_eq!(f.reset, 0.02);
        assert_eq!(f.latency_ms, Some((20, 200)));
        assert_eq!(f.seed, 7);
        assert_eq!(f.to_string().parse::<Faults>().unwrap(), f);
        assert_eq!("".parse::<Faults>().unwrap(), Faults::NONE);
    }

    #[test]
    fn realism_keys_round_trip_and_leave_the_fault_sequence_alone() {
        let f: Faults =
            "drop=0.3,lag=30..600,page_drift=0.5,ignore_rank=0.25,no_chunked=true,seed=5"
                .parse()
                .unwrap();
        assert_eq!(f.lag_secs, Some((30, 600)));
        assert_eq!(
            (f.page_drift, f.ignore_rank, f.no_chunked),
            (0.5, 0.25, true)
        );
        assert_eq!(f.to_string().parse::<Faults>().unwrap(), f);
        let plain: Faults = "drop=0.3,seed=5".parse().unwrap();
        let with: Vec<_> = FaultBoard::new(f.clone()).take(100).collect();
        let without: Vec<_> = FaultBoard::new(plain).take(100).collect();
        assert_eq!(with, without);
        // Drift and rank draws replay from the seed.
        let draws = |f: &Faults| {
            let mut board = FaultBoard::new(f.clone());
            let drifts: Vec<Drift> = (0..50).map(|_| board.next_drift()).collect();
            let ranks: Vec<bool> = (0..50).map(|_| board.next_rank_ignored()).collect();
            (drifts, ranks)
        };
        let (drifts, ranks) = draws(&f);
        assert_eq!((drifts.clone(), ranks.clone()), draws(&f));
        for wanted in [Drift::None, Drift::Repeat, Drift::Skip] {
            assert!(drifts.contains(&wanted), "{wanted:?}");
        }
        assert!(ranks.contains(&true) && ranks.contains(&false));
        let off = draws(&Faults::NONE);
        assert!(off.0.iter().all(|d| *d == Drift::None) && off.1.iter().all(|r| !r));
    }

    #[test]
    fn bad_specs_say_why() {
        let cases = [
            ("drop", "not KEY=VALUE"),
            ("explode=0.1", "unknown fault"),
            ("drop=0.1,drop=0.2", "given twice"),
            ("drop=lots", "not a number"),
            ("5xx=1.5", "not a probability"),
            ("drop=0.6,5xx=0.6", "add up to"),
            ("latency=200..20", "MIN <= MAX"),
            ("seed=-1", "seed"),
            ("lag=10..5", "lag"),
            ("ignore_rank=2", "not a probability"),
            ("no_chunked=sometimes", "no_chunked"),
        ];
        for (spec, expected) in cases {
            let err = spec.parse::<Faults>().unwrap_err().to_string();
            assert!(err.contains(expected), "{spec}: {err}");
        }
    }

    #[test]
    fn a_seed_replays_and_probabilities_hold() {
        let f: Faults = "drop=0.25,5xx=0.25,429=0.25,reset=0.25,latency=1..3,seed=9"
            .parse()
            .unwrap();
        let a: Vec<_> = FaultBoard::new(f.clone()).take(200).collect();
        let b: Vec<_> = FaultBoard::new(f.clone()).take(200).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|d| d.fault != Fault::None));
        assert!(
            a.iter()
                .all(|d| (1..=3).contains(&(d.latency.as_millis() as u64)))
        );
        for wanted in [Fault::Reset, Fault::Drop] {
            assert!(a.contains(&Decision {
                latency: a.iter().find(|d| d.fault == wanted).unwrap().latency,
                fault: wanted
            }));
        }
        let other: Vec<_> = FaultBoard::new(Faults { seed: 10, ..f })
            .take(200)
            .collect();
        assert_ne!(a, other);
        assert!(
            FaultBoard::new(Faults::NONE)
                .take(100)
                .all(|d| d.fault == Fault::None && d.latency.is_zero())
        );
    }
}
