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

/// The largest file taken as a photo: well above any phone camera's JPEG, and refused
/// before it is read, so a wrong file cannot fill a phone's memory.
pub const MAX_PHOTO_FILE_BYTES: u64 = 64 << 20;

/// A file too big to be a photo, by its size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this file is too big to be a photo ({} MB): the most is {} MB", .0 >> 20, MAX_PHOTO_FILE_BYTES >> 20)]
pub struct PhotoFileTooBig(pub u64);

/// Checks a photo file's size before reading it.
pub fn check_photo_file_size(bytes: u64) -> Result<(), PhotoFileTooBig> {
    if bytes > MAX_PHOTO_FILE_BYTES {
        Err(PhotoFileTooBig(bytes))
    } else {
        Ok(())
    }
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

    #[test]
    fn files_too_big_to_be_photos_are_refused_by_size() {
        assert_eq!(check_photo_file_size(MAX_PHOTO_FILE_BYTES), Ok(()));
        let err = check_photo_file_size(100 << 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "this file is too big to be a photo (100 MB): the most is 64 MB"
        );
    }
}
