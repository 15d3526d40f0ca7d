//! Request parameters read by hand, so that every bad input gets the service's own error
//! shape rather than a framework's plain-text rejection.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

/// Path parameters by name; empty when the path could not be decoded.
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let map = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|p| p.0)
            .unwrap_or_default();
        Ok(Params(map))
    }
}

/// `application/x-www-form-urlencoded` pairs (a query string or a form body), in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn parse(text: &str) -> Fields {
        Fields(serde_urlencoded::from_str(text).unwrap_or_default())
    }

    pub(crate) fn parse_bytes(bytes: &[u8]) -> Fields {
        Fields::parse(&String::from_utf8_lossy(bytes))
    }

    pub(crate) fn from_query(query: Option<&str>) -> Fields {
        Fields::parse(query.unwrap_or(""))
    }

    /// The last value given for `name` (as PHP reads a repeated key).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
    }

    /// Every value of an array parameter: repeated `name`, `name[]`, `name[0]`, or one
    /// comma-separated value.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        let mut values = Vec::new();
        for (k, v) in &self.0 {
            let matches = k == name
                || k.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('[') && rest.ends_with(']'));
            if matches {
                values.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            }
        }
        values
    }
}

/// A boolean as PHP front ends accept it.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

/// A decimal amount of money to centimes, without floating point: `120`, `120.5`,
/// `120.50`; more than two decimals are rounded half up. `None` for anything else.
pub(crate) fn parse_cents(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if whole.len() > 12 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let digit = |i: usize| -> i64 { frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0')) };
    let mut cents = whole * 100 + digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        cents += 1;
    }
    Some(if negative { -cents } else { cents })
}

/// Centimes as `120.00`.
pub(crate) fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents() {
        assert_eq!(parse_cents("120"), Some(12000));
        assert_eq!(parse_cents("120.5"), Some(12050));
        assert_eq!(parse_cents("120.50"), Some(12050));
        assert_eq!(parse_cents("0.995"), Some(100));
        assert_eq!(parse_cents(".5"), Some(50));
        assert_eq!(parse_cents("1e3"), None);
        assert_eq!(parse_cents("abc"), None);
        assert_eq!(parse_cents(""), None);
        assert_eq!(format_cents(12050), "120.50");
        assert_eq!(format_cents(5), "0.05");
    }

    #[test]
    fn lists() {
        let f = Fields::parse("includes=Images,Inventory&includes=Shop&tags[]=a&tags[]=b");
        assert_eq!(f.list("includes"), ["Images", "Inventory", "Shop"]);
        assert_eq!(f.list("tags"), ["a", "b"]);
        assert!(f.has("tags"));
        assert_eq!(f.get("includes"), Some("Shop"));
    }
}
