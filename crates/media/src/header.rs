//! Everything decided before a single pixel is decoded: the format from the first bytes,
//! the size and layout from the JPEG frame header or the PNG IHDR, the EXIF orientation.

use crate::{Format, PhotoError};

/// What the header of a JPEG says, enough to budget the decode.
#[derive(Clone, Debug)]
pub(crate) struct JpegHeader {
    pub width: u32,
    pub height: u32,
    pub progressive: bool,
    /// (horizontal, vertical) sampling factor of each component, 1..=4 each.
    pub sampling: Vec<(u8, u8)>,
    pub orientation: u8,
}

impl JpegHeader {
    /// Bytes of DCT coefficients a progressive decode keeps for the whole image (i16 each),
    /// component blocks padded to whole MCUs as the decoder allocates them.
    pub fn coefficient_bytes(&self) -> u64 {
        let hmax = self.sampling.iter().map(|s| s.0).max().unwrap_or(1).max(1) as u64;
        let vmax = self.sampling.iter().map(|s| s.1).max().unwrap_or(1).max(1) as u64;
        let mcus_x = (self.width as u64).div_ceil(8 * hmax);
        let mcus_y = (self.height as u64).div_ceil(8 * vmax);
        self.sampling
            .iter()
            .map(|&(h, v)| mcus_x * h as u64 * mcus_y * v as u64 * 64 * 2)
            .sum()
    }
}

/// Names the format from its first bytes; refuses what Hanout cannot read.
pub(crate) fn sniff(bytes: &[u8]) -> Result<Format, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    let unsupported = |format| Err(PhotoError::UnsupportedFormat { format });
    // ISO base media files: "....ftyp" then a brand.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
                unsupported("HEIC")
            }
            b"avif" | b"avis" => unsupported("AVIF"),
            // Anything else with ftyp is a video (mp4, mov, 3gp).
            _ => Err(PhotoError::NotAPhoto),
        };
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return unsupported("WebP");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return unsupported("GIF");
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return unsupported("TIFF");
    }
    if bytes.starts_with(b"BM") && bytes.len() >= 26 {
        return unsupported("BMP");
    }
    Err(PhotoError::NotAPhoto)
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Walks the JPEG markers from SOI to the frame header (SOF), noting the EXIF orientation
/// on the way. Phones write APP1 Exif before the SOF, so nothing past it is read.
pub(crate) fn jpeg_header(bytes: &[u8]) -> Result<JpegHeader, PhotoError> {
    let cut = || PhotoError::damaged("the file ends inside the JPEG header");
    let mut orientation = 1;
    let mut at = 2; // after SOI
    loop {
        // A marker is 0xFF, any number of 0xFF fill bytes, then the code.
        if *bytes.get(at).ok_or_else(cut)? != 0xFF {
            return Err(PhotoError::damaged(format!("no JPEG marker at byte {at}")));
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let code = *bytes.get(at).ok_or_else(cut)?;
        at += 1;
        match code {
            // Markers without a length: TEM, RSTn, a stray SOI.
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 => return Err(PhotoError::damaged("the JPEG ends before its frame header")),
            0xDA => {
                return Err(PhotoError::damaged(
                    "JPEG scan data before the frame header",
                ));
            }
            0x00 => return Err(PhotoError::damaged("a zero JPEG marker")),
            _ => {}
        }
        let len = be16(bytes, at).ok_or_else(cut)? as usize;
        if len < 2 {
            return Err(PhotoError::damaged("a JPEG segment with a length under 2"));
        }
        let segment = bytes.get(at + 2..at + len).ok_or_else(cut)?;
        at += len;
        match code {
            0xE1 if segment.starts_with(b"Exif\0\0") && orientation == 1 => {
                orientation = exif_orientation(&segment[6..]);
            }
            0xC0..=0xCF if !matches!(code, 0xC4 | 0xC8 | 0xCC) => {
                return frame_header(code, segment, orientation);
            }
            _ => {}
        }
    }
}

fn frame_header(code: u8, sof: &[u8], orientation: u8) -> Result<JpegHeader, PhotoError> {
    let short = || PhotoError::damaged("a JPEG frame header too short for its components");
    let unsupported = |what: &str| {
        Err(PhotoError::UnsupportedJpeg {
            what: what.to_owned(),
        })
    };
    let precision = *sof.first().ok_or_else(short)?;
    let height = be16(sof, 1).ok_or_else(short)? as u32;
    let width = be16(sof, 3).ok_or_else(short)? as u32;
    let count = *sof.get(5).ok_or_else(short)? as usize;
    match code {
        0xC0..=0xC2 => {}
        0xC3 => return unsupported("lossless"),
        0xC5..=0xC7 => return unsupported("hierarchical"),
        _ => return unsupported("arithmetic coding"),
    }
    if precision != 8 {
        return unsupported(&format!("{precision}-bit"));
    }
    if height == 0 {
        // The height would come after the first scan (DNL): cameras never do this.
        return unsupported("height given after the scan");
    }
    if width == 0 {
        return Err(PhotoError::damaged("a JPEG frame of width 0"));
    }
    match count {
        1 | 3 => {}
        4 => return unsupported("CMYK"),
        n => {
            return Err(PhotoError::damaged(format!(
                "a JPEG frame with {n} components"
            )));
        }
    }
    let mut sampling = Vec::with_capacity(count);
    for i in 0..count {
        let hv = *sof.get(6 + 3 * i + 1).ok_or_else(short)?;
        let (h, v) = (hv >> 4, hv & 0x0F);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(PhotoError::damaged("a JPEG sampling factor out of range"));
        }
        sampling.push((h, v));
    }
    Ok(JpegHeader {
        width,
        height,
        progressive: code == 0xC2,
        sampling,
        orientation,
    })
}

/// What the PNG IHDR says.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PngHeader {
    pub width: u32,
    pub height: u32,
}

/// Reads the IHDR, which the PNG format puts first, right after the signature.
pub(crate) fn png_header(bytes: &[u8]) -> Result<PngHeader, PhotoError> {
    let cut = || PhotoError::damaged("the file ends inside the PNG header");
    if bytes.get(12..16).ok_or_else(cut)? != b"IHDR" {
        return Err(PhotoError::damaged("the PNG does not start with its IHDR"));
    }
    let width = be32(bytes, 16).ok_or_else(cut)?;
    let height = be32(bytes, 20).ok_or_else(cut)?;
    if width == 0 || height == 0 {
        return Err(PhotoError::damaged("a PNG of width or height 0"));
    }
    Ok(PngHeader { width, height })
}

/// The Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block; 1 when absent
/// or unreadable, since a photo with broken EXIF is still a photo.
pub(crate) fn exif_orientation(tiff: &[u8]) -> u8 {
    exif_orientation_checked(tiff)
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

fn exif_orientation_checked(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(0..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let entries = u16_at(ifd)? as usize;
    for i in 0..entries {
        let entry = ifd.checked_add(2 + 12 * i)?;
        if u16_at(entry)? == 0x0112 {
            // Type SHORT (3), count 1: the value sits in the first two bytes of the field.
            if u16_at(entry + 2)? != 3 {
                return None;
            }
            return u8::try_from(u16_at(entry + 8)?).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiff(little: bool, orientation: u16) -> Vec<u8> {
        let mut t = Vec::new();
        let w16 = |t: &mut Vec<u8>, v: u16| {
            t.extend(if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            })
        };
        let w32 = |t: &mut Vec<u8>, v: u32| {
            t.extend(if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            })
        };
        t.extend(if little { b"II*\0" } else { b"MM\0*" });
        w32(&mut t, 8);
        w16(&mut t, 2);
        // ImageWidth first, then Orientation, as cameras write them.
        w16(&mut t, 0x0100);
        w16(&mut t, 4);
        w32(&mut t, 1);
        w32(&mut t, 4000);
        w16(&mut t, 0x0112);
        w16(&mut t, 3);
        w32(&mut t, 1);
        w16(&mut t, orientation);
        w16(&mut t, 0);
        w32(&mut t, 0);
        t
    }

    #[test]
    fn orientation_in_both_byte_orders() {
        for o in 1..=8 {
            assert_eq!(exif_orientation(&tiff(true, o)), o as u8);
            assert_eq!(exif_orientation(&tiff(false, o)), o as u8);
        }
    }

    #[test]
    fn broken_exif_means_upright() {
        assert_eq!(exif_orientation(&tiff(true, 9)), 1);
        assert_eq!(exif_orientation(&tiff(true, 300)), 1);
        assert_eq!(exif_orientation(b"II*\0\xff\xff\xff\xff"), 1);
        assert_eq!(exif_orientation(b""), 1);
        let t = tiff(false, 6);
        for n in 0..t.len() {
            // Every cut is either the right answer or "none": never a panic.
            assert!(matches!(exif_orientation(&t[..n]), 1 | 6));
        }
    }

    #[test]
    fn sniffs_what_phones_send() {
        assert!(matches!(sniff(b""), Err(PhotoError::Empty)));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0").ok(), Some(Format::Jpeg));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert!(matches!(
            sniff(heic),
            Err(PhotoError::UnsupportedFormat { format: "HEIC" })
        ));
        let webp = b"RIFF\x10\0\0\0WEBPVP8 ";
        assert!(matches!(
            sniff(webp),
            Err(PhotoError::UnsupportedFormat { format: "WebP" })
        ));
        assert!(matches!(sniff(b"%PDF-1.7\n"), Err(PhotoError::NotAPhoto)));
        assert!(matches!(
            sniff(b"\0\0\0\x18ftypmp42"),
            Err(PhotoError::NotAPhoto)
        ));
    }
}
