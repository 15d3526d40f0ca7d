//! JPEG decoding, scaled in the DCT domain: a 12 MP photo wanted at 2000 px is decoded at
//! 1/2 scale, which is most of the time and memory saved.

use std::io::Cursor;

use crate::header::JpegHeader;
use crate::pixels::Pixels;
use crate::{Limits, PhotoError};

/// The DCT scale (1, 2, 4 or 8 = 1/1 ... 1/8) whose long edge still covers `need` pixels.
pub(crate) fn reduction(width: u32, height: u32, need: u32) -> u32 {
    let long = width.max(height);
    [8, 4, 2]
        .into_iter()
        .find(|&d| long.div_ceil(d) >= need)
        .unwrap_or(1)
}

/// Bytes the decode holds at once: the progressive coefficients (whole image, kept to the
/// end) plus the scaled component planes and the interleaved output (same size each).
pub(crate) fn decode_bytes(header: &JpegHeader, need: u32) -> u64 {
    let d = reduction(header.width, header.height, need) as u64;
    let output = (header.width as u64).div_ceil(d)
        * (header.height as u64).div_ceil(d)
        * header.sampling.len() as u64;
    let coefficients = if header.progressive {
        header.coefficient_bytes()
    } else {
        0
    };
    coefficients + 2 * output
}

/// Decodes to at least `need` pixels on the long edge (or the full size if smaller).
pub(crate) fn decode(
    bytes: &[u8],
    header: &JpegHeader,
    need: u32,
    limits: &Limits,
) -> Result<Pixels, PhotoError> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));
    decoder.read_info()?;
    let info = decoder
        .info()
        .ok_or_else(|| PhotoError::failed("no JPEG info after read_info"))?;
    // Our header walk and the decoder must agree, or the budget was computed on a lie.
    if (info.width as u32, info.height as u32) != (header.width, header.height) {
        return Err(PhotoError::damaged("two JPEG frame headers disagree"));
    }
    let d = reduction(header.width, header.height, need);
    if d > 1 {
        // The decoder picks the smallest scale where one requested side is covered:
        // ask only for the long side (the other can never be reached).
        let need = u16::try_from(need).unwrap_or(u16::MAX);
        let (w, h) = if header.width >= header.height {
            (need, u16::MAX)
        } else {
            (u16::MAX, need)
        };
        decoder.scale(w, h)?;
    }
    let data = decoder.decode()?;
    let info = decoder
        .info()
        .ok_or_else(|| PhotoError::failed("no JPEG info after decode"))?;
    let channels = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => 1,
        jpeg_decoder::PixelFormat::RGB24 => 3,
        other => {
            return Err(PhotoError::UnsupportedJpeg {
                what: format!("{other:?}"),
            });
        }
    };
    let (width, height) = (info.width as u32, info.height as u32);
    if data.len() != width as usize * height as usize * channels as usize {
        return Err(PhotoError::failed("JPEG decoder returned a short buffer"));
    }
    Ok(Pixels {
        data,
        width,
        height,
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_keeps_the_long_edge_covered() {
        assert_eq!(reduction(6028, 3391, 2000), 2); // 3014 ≥ 2000; 1/4 would be 1507
        assert_eq!(reduction(4032, 3024, 2000), 2); // 2016
        assert_eq!(reduction(3264, 2448, 2000), 1); // 1632 < 2000
        assert_eq!(reduction(6028, 3391, 400), 8);
        assert_eq!(reduction(600, 450, 2000), 1);
    }
}
