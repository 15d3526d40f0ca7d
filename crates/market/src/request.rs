//! What both adapters read from a request and the listing's words, the same way.

use std::collections::BTreeMap;

use hanout_domain::{Lang, Price};
use hanout_sync::{RemoteId, Reply, Request};

/// A refusal found before sending: the engine shows it to the artisan as it would the
/// marketplace's own.
pub(crate) fn refused(reason: String) -> Reply {
    Reply::Status {
        code: 400,
        retry_after: None,
        message: reason,
    }
}

/// A price as both APIs take it in a field: `120.00`.
pub(crate) fn price_field(price: Price) -> String {
    format!("{}.{:02}", price.centimes() / 100, price.centimes() % 100)
}

/// The first of `order`'s languages that `words` has, with its words.
pub(crate) fn pick<'a>(
    words: &'a BTreeMap<Lang, String>,
    order: &[Lang],
) -> Option<(Lang, &'a str)> {
    order.iter().find_map(|lang| {
        words
            .get(lang)
            .filter(|w| !w.trim().is_empty())
            .map(|w| (*lang, w.as_str()))
    })
}

/// The listing an edit is for: every operation but `Create` needs one.
pub(crate) fn listing<'a>(request: &Request<'a>) -> Result<&'a RemoteId, Reply> {
    request
        .remote_id
        .ok_or_else(|| refused(format!("{} before the listing exists", request.op.name())))
}

/// The photo an upload carries.
pub(crate) fn photo<'a>(request: &Request<'a>) -> Result<&'a [u8], Reply> {
    request
        .photo
        .ok_or_else(|| refused("a photo upload without its photo".into()))
}
