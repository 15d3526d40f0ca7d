//! Hanout's photo pipeline: a phone photo (JPEG or PNG) in; out, in one pass, an upload
//! rendition and a thumbnail, both upright baseline JPEGs without any metadata (no EXIF,
//! no GPS, no maker notes), in bounded memory. Pure Rust, so it cross-compiles for Android.
//!
//! Everything that can refuse a photo is decided from the header before a pixel is decoded:
//! format, sides, pixel count and the memory the decode will need. Decoding is strict: a cut
//! or corrupt photo is refused, not shown with grey areas.

mod error;
mod header;
mod jpeg;
mod pixels;
mod png;

use serde::{Deserialize, Serialize};

pub use error::{PhotoError, PhotoProblem};

use pixels::{Pixels, fit};

/// What to make from a photo. Each marketplace may ask for its own upload size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Long edge of the upload rendition, in pixels.
    pub upload_long_edge: u32,
    /// Long edge of the thumbnail, in pixels.
    pub thumbnail_long_edge: u32,
    /// JPEG quality, 1..=100.
    pub quality: u8,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            upload_long_edge: 2000,
            thumbnail_long_edge: 400,
            quality: 82,
            limits: Limits::default(),
        }
    }
}

/// What a photo may cost, checked from its header before decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest side, in pixels.
    pub max_side: u32,
    /// Width × height.
    pub max_pixels: u64,
    /// Bytes the decode may hold at once (coefficients, planes and output buffers).
    pub max_alloc: u64,
}

impl Default for Limits {
    /// 64 Mi pixels covers the full-resolution mode of 48, 50 and 64 MP phone cameras
    /// (9248 × 6936 = 64.1 M); a progressive 4:2:0 JPEG that large keeps ~192 MiB of DCT
    /// coefficients, which fits the 256 MiB allocation budget on a 2 GB phone. 108 and
    /// 200 MP modes are refused with a message to use the camera's normal size.
    fn default() -> Self {
        Limits {
            max_side: 16_384,
            max_pixels: 64 << 20,
            max_alloc: 256 << 20,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Jpeg,
    Png,
}

/// What the header says about a photo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    pub format: Format,
    /// As stored, before the orientation is applied.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1..=8; 1 if there is none.
    pub orientation: u8,
    /// As the photo is meant to be seen.
    pub upright_width: u32,
    pub upright_height: u32,
}

/// One output: a baseline JPEG, upright, with no metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendition {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    pub source: SourceInfo,
    pub upload: Rendition,
    pub thumbnail: Rendition,
}

/// Reads the header only (no pixel decode) and checks it against `limits`.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<SourceInfo, PhotoError> {
    inspect_inner(bytes, limits).map(|(info, _)| info)
}

/// The header, checked, and how it will be decoded.
enum Plan {
    Jpeg(header::JpegHeader),
    Png(header::PngHeader, bool),
}

fn inspect_inner(bytes: &[u8], limits: &Limits) -> Result<(SourceInfo, Plan), PhotoError> {
    let format = header::sniff(bytes)?;
    let (width, height, orientation, plan) = match format {
        Format::Jpeg => {
            let h = header::jpeg_header(bytes)?;
            (h.width, h.height, h.orientation, Plan::Jpeg(h))
        }
        Format::Png => {
            let h = header::png_header(bytes)?;
            // Sides first: the PNG reader should not even see a 50000-pixel header.
            check_size(h.width, h.height, limits)?;
            let (interlaced, orientation) = png::png_info(bytes, limits)?;
            (h.width, h.height, orientation, Plan::Png(h, interlaced))
        }
    };
    check_size(width, height, limits)?;
    let (upright_width, upright_height) = if orientation >= 5 {
        (height, width)
    } else {
        (width, height)
    };
    let info = SourceInfo {
        format,
        width,
        height,
        orientation,
        upright_width,
        upright_height,
    };
    Ok((info, plan))
}

fn check_size(width: u32, height: u32, limits: &Limits) -> Result<(), PhotoError> {
    if width > limits.max_side || height > limits.max_side {
        return Err(PhotoError::TooLong {
            width,
            height,
            max_side: limits.max_side,
        });
    }
    let pixels = width as u64 * height as u64;
    if pixels > limits.max_pixels {
        return Err(PhotoError::TooManyPixels {
            pixels,
            max_pixels: limits.max_pixels,
        });
    }
    Ok(())
}

/// Makes the upload rendition and the thumbnail in one decode.
pub fn process(bytes: &[u8], options: &Options) -> Result<Processed, PhotoError> {
    let limits = &options.limits;
    let (source, plan) = inspect_inner(bytes, limits)?;
    // A zero size would be a caller's mistake; one pixel is the least that can be encoded.
    let upload_edge = options.upload_long_edge.clamp(1, u16::MAX as u32);
    let thumb_edge = options.thumbnail_long_edge.clamp(1, u16::MAX as u32);
    let upload_size = fit(source.width, source.height, upload_edge);
    let thumb_size = fit(source.width, source.height, thumb_edge);
    let need = upload_size
        .0
        .max(upload_size.1)
        .max(thumb_size.0)
        .max(thumb_size.1);

    let needed = match &plan {
        Plan::Jpeg(h) => jpeg::decode_bytes(h, need),
        Plan::Png(h, interlaced) => png::decode_bytes(h, *interlaced, need),
    };
    if needed > limits.max_alloc {
        return Err(PhotoError::TooMuchMemory {
            needed,
            max_alloc: limits.max_alloc,
        });
    }
    let decoded = match &plan {
        Plan::Jpeg(h) => jpeg::decode(bytes, h, need, limits)?,
        Plan::Png(h, _) => png::decode(bytes, h, need, limits)?,
    };

    let mut resizer = fast_image_resize::Resizer::new();
    // The thumbnail comes from the upload rendition when that is at least as large: a
    // fraction of the work, the same sharpness. A marketplace asking for a tiny upload
    // still gets a full thumbnail, made from the decode.
    let (upload, thumbnail) = if thumb_size.0 <= upload_size.0 && thumb_size.1 <= upload_size.1 {
        let upload = decoded.shrunk(&mut resizer, upload_size.0, upload_size.1)?;
        let thumbnail = upload.resized(&mut resizer, thumb_size.0, thumb_size.1)?;
        (upload, thumbnail)
    } else {
        let thumbnail = decoded.resized(&mut resizer, thumb_size.0, thumb_size.1)?;
        (
            decoded.shrunk(&mut resizer, upload_size.0, upload_size.1)?,
            thumbnail,
        )
    };
    // Turned after the downscale: a 90° turn of 2000 px costs a fraction of a full-size one.
    let finish = |p: Pixels| -> Result<Rendition, PhotoError> {
        let p = p.oriented(source.orientation);
        Ok(Rendition {
            jpeg: p.jpeg(options.quality)?,
            width: p.width,
            height: p.height,
        })
    };
    let upload = finish(upload)?;
    let thumbnail = finish(thumbnail)?;
    Ok(Processed {
        source,
        upload,
        thumbnail,
    })
}
