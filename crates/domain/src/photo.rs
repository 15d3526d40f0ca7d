use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A photo's identity: the SHA-256 of its upload rendition, in lowercase hex. The same
/// bytes are the same photo, so a retry sends identical bytes and a photo used twice is
/// stored once.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhotoHash(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a photo id: {0:?} (64 hexadecimal characters expected)")]
pub struct BadPhotoHash(pub String);

impl PhotoHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PhotoHash {
    type Err = BadPhotoHash;
    fn from_str(s: &str) -> Result<Self, BadPhotoHash> {
        let ok = s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(PhotoHash(s.to_owned()))
        } else {
            Err(BadPhotoHash(s.to_owned()))
        }
    }
}

impl TryFrom<String> for PhotoHash {
    type Error = BadPhotoHash;
    fn try_from(s: String) -> Result<Self, BadPhotoHash> {
        s.parse()
    }
}

impl From<PhotoHash> for String {
    fn from(h: PhotoHash) -> String {
        h.0
    }
}

impl fmt::Display for PhotoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhotoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhotoHash({})", &self.0[..12])
    }
}

/// One of a product's photos, in its place: the first is the cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPhoto {
    pub hash: PhotoHash,
    /// What the photo shows, for buyers and screen readers.
    pub alt: String,
    /// The upload rendition's size.
    pub width: u32,
    pub height: u32,
}

/// How many photos a product may have: Etsy's limit.
pub const MAX_PHOTOS: usize = 20;
pub const MAX_ALT_CHARS: usize = 250;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_64_lowercase_hex() {
        let h = "ab".repeat(32);
        assert_eq!(h.parse::<PhotoHash>().map(|p| p.to_string()), Ok(h.clone()));
        assert!("AB".repeat(32).parse::<PhotoHash>().is_err());
        assert!("ab".repeat(31).parse::<PhotoHash>().is_err());
        assert!(
            "../etc/passwd".parse::<PhotoHash>().is_err(),
            "never a path"
        );
    }
}
