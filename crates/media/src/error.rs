use serde::{Deserialize, Serialize};

/// What kind of problem a photo has, for the UI to word in the artisan's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoProblem {
    /// Zero bytes: the copy or the upload did not happen.
    Empty,
    /// Not an image at all (a PDF, a text, a video...).
    NotAPhoto,
    /// An image in a format or a JPEG variant Hanout cannot read yet.
    Unsupported,
    /// Cut short or corrupt.
    Damaged,
    /// Too many pixels, too long a side, or too much memory to decode on a phone.
    TooBig,
    /// Hanout's own fault: the photo looked fine but could not be prepared.
    Failed,
}

/// Why a photo was refused. `Display` is the English message for the artisan (used by
/// the CLI); the UI translates [`PhotoError::kind`] instead.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("this file is empty: choose the photo again")]
    Empty,
    #[error("this file is not a photo: choose a JPEG or PNG photo")]
    NotAPhoto,
    /// `format` is a name the artisan knows from the phone ("HEIC", "WebP", "GIF"...).
    #[error("{format} photos are not supported yet: send it as JPEG")]
    UnsupportedFormat { format: &'static str },
    /// A JPEG variant phones do not make (CMYK, arithmetic coding, 12-bit, lossless...).
    #[error("this kind of JPEG ({what}) is not supported: save it again as an ordinary JPEG")]
    UnsupportedJpeg { what: String },
    /// `detail` is for logs and bug reports, not for the artisan.
    #[error("this photo is damaged: take it again")]
    Damaged { detail: String },
    #[error(
        "this photo is too big ({width} × {height} pixels): the most is {max_side} pixels per side"
    )]
    TooLong {
        width: u32,
        height: u32,
        max_side: u32,
    },
    #[error(
        "this photo is too big ({} million pixels): the most is {} million; set the camera to a smaller photo size",
        mega(*pixels),
        mega(*max_pixels)
    )]
    TooManyPixels { pixels: u64, max_pixels: u64 },
    #[error(
        "this photo is too big to prepare on this phone (it needs {} MB, the most is {} MB): set the camera to a smaller photo size",
        megabytes(*needed),
        megabytes(*max_alloc)
    )]
    TooMuchMemory { needed: u64, max_alloc: u64 },
    /// A bug or an impossible case in Hanout or a library; `detail` is for the bug report.
    #[error("this photo could not be prepared: try again, and tell us if it keeps happening")]
    Failed { detail: String },
}

fn mega(pixels: u64) -> u64 {
    pixels.div_ceil(1_000_000)
}

fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

impl PhotoError {
    pub fn kind(&self) -> PhotoProblem {
        match self {
            PhotoError::Empty => PhotoProblem::Empty,
            PhotoError::NotAPhoto => PhotoProblem::NotAPhoto,
            PhotoError::UnsupportedFormat { .. } | PhotoError::UnsupportedJpeg { .. } => {
                PhotoProblem::Unsupported
            }
            PhotoError::Damaged { .. } => PhotoProblem::Damaged,
            PhotoError::TooLong { .. }
            | PhotoError::TooManyPixels { .. }
            | PhotoError::TooMuchMemory { .. } => PhotoProblem::TooBig,
            PhotoError::Failed { .. } => PhotoProblem::Failed,
        }
    }

    pub(crate) fn damaged(detail: impl std::fmt::Display) -> Self {
        PhotoError::Damaged {
            detail: detail.to_string(),
        }
    }

    pub(crate) fn failed(detail: impl std::fmt::Display) -> Self {
        PhotoError::Failed {
            detail: detail.to_string(),
        }
    }
}

impl From<jpeg_decoder::Error> for PhotoError {
    fn from(e: jpeg_decoder::Error) -> Self {
        match e {
            jpeg_decoder::Error::Unsupported(what) => PhotoError::UnsupportedJpeg {
                what: format!("{what:?}"),
            },
            // Format errors and an early end of file (Io) both mean a cut or corrupt file.
            other => PhotoError::damaged(other),
        }
    }
}

/// PNG errors, with the budget that applied for the rare case the decoder's own limit trips.
pub(crate) fn from_png(e: png::DecodingError, max_alloc: u64) -> PhotoError {
    match e {
        png::DecodingError::LimitsExceeded => PhotoError::TooMuchMemory {
            needed: max_alloc.saturating_add(1),
            max_alloc,
        },
        png::DecodingError::Parameter(p) => PhotoError::failed(p),
        other => PhotoError::damaged(other),
    }
}
