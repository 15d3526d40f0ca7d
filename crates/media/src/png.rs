//! PNG decoding, row by row, averaged down by a whole factor on the way in (PNG has no
//! scaled decode), so a large PNG never sits in memory at full size. Transparency is
//! flattened on white: marketplaces refuse it.

use std::io::Cursor;

use crate::error::from_png;
use crate::header::PngHeader;
use crate::pixels::Pixels;
use crate::{Limits, PhotoError};

/// The box factor (1, 2, 4 or 8) whose long edge still covers `need` pixels.
fn reduction(header: &PngHeader, need: u32) -> u32 {
    crate::jpeg::reduction(header.width, header.height, need)
}

/// Bytes the decode holds at once: the reduced RGB output, the row sums, and a full
/// frame when the PNG is interlaced (Adam7 rows cannot be streamed in order).
pub(crate) fn decode_bytes(header: &PngHeader, interlaced: bool, need: u32) -> u64 {
    let d = reduction(header, need) as u64;
    let (w, h) = (header.width as u64, header.height as u64);
    let output = w.div_ceil(d) * h.div_ceil(d) * 3;
    let sums = w.div_ceil(d) * 3 * 4;
    // 16-bit RGBA at worst before the 8-bit strip.
    let frame = if interlaced { w * h * 8 } else { w * 8 };
    output + sums + frame
}

/// Whether the PNG is interlaced, and the EXIF orientation from its eXIf chunk, read
/// from the chunks before the image data.
pub(crate) fn png_info(bytes: &[u8], limits: &Limits) -> Result<(bool, u8), PhotoError> {
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png_limits(limits));
    let info = decoder
        .read_header_info()
        .map_err(|e| from_png(e, limits.max_alloc))?;
    let interlaced = info.interlaced;
    // eXIf may come after IHDR but before IDAT; read_info reads up to the first IDAT.
    let reader = decoder
        .read_info()
        .map_err(|e| from_png(e, limits.max_alloc))?;
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .map(crate::header::exif_orientation)
        .unwrap_or(1);
    Ok((interlaced, orientation))
}

fn png_limits(limits: &Limits) -> png::Limits {
    png::Limits {
        bytes: usize::try_from(limits.max_alloc).unwrap_or(usize::MAX),
    }
}

/// Decodes to RGB with at least `need` pixels on the long edge (or the full size).
pub(crate) fn decode(
    bytes: &[u8],
    header: &PngHeader,
    need: u32,
    limits: &Limits,
) -> Result<Pixels, PhotoError> {
    let err = |e| from_png(e, limits.max_alloc);
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png_limits(limits));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let mut reader = decoder.read_info().map_err(err)?;
    let (color, depth) = reader.output_color_type();
    if depth != png::BitDepth::Eight {
        return Err(PhotoError::failed(format!(
            "PNG output depth {depth:?} after expansion"
        )));
    }
    let samples = color.samples();
    let (w, h) = (header.width as usize, header.height as usize);
    let mut shrink = Shrink::new(header.width, header.height, reduction(header, need));
    let mut rgb_row = vec![0u8; w * 3];
    let mut feed = |row: &[u8], shrink: &mut Shrink| -> Result<(), PhotoError> {
        if row.len() < w * samples {
            return Err(PhotoError::damaged("a PNG row shorter than the image"));
        }
        to_rgb_on_white(&row[..w * samples], color, &mut rgb_row);
        shrink.push(&rgb_row);
        Ok(())
    };
    if reader.info().interlaced {
        let size = reader
            .output_buffer_size()
            .ok_or(PhotoError::TooMuchMemory {
                needed: u64::MAX,
                max_alloc: limits.max_alloc,
            })?;
        let mut frame = vec![0u8; size];
        let out = reader.next_frame(&mut frame).map_err(err)?;
        for row in frame.chunks_exact(out.line_size).take(h) {
            feed(row, &mut shrink)?;
        }
    } else {
        for _ in 0..h {
            let row = reader
                .next_row()
                .map_err(err)?
                .ok_or_else(|| PhotoError::damaged("the PNG ends before its last row"))?;
            feed(row.data(), &mut shrink)?;
        }
    }
    // Strict like the JPEG side: the image data must be complete and end properly.
    reader.finish().map_err(err)?;
    shrink.finish()
}

fn to_rgb_on_white(row: &[u8], color: png::ColorType, out: &mut [u8]) {
    // White under alpha a: c·a/255 + 255·(255−a)/255, rounded.
    let over_white = |c: u8, a: u8| -> u8 {
        let (c, a) = (c as u32, a as u32);
        ((c * a + 255 * (255 - a) + 127) / 255) as u8
    };
    match color {
        png::ColorType::Rgb => out.copy_from_slice(row),
        png::ColorType::Rgba => {
            for (o, p) in out.chunks_exact_mut(3).zip(row.chunks_exact(4)) {
                for i in 0..3 {
                    o[i] = over_white(p[i], p[3]);
                }
            }
        }
        png::ColorType::GrayscaleAlpha => {
            for (o, p) in out.chunks_exact_mut(3).zip(row.chunks_exact(2)) {
                o.fill(over_white(p[0], p[1]));
            }
        }
        // Grayscale; Indexed never reaches here after EXPAND.
        _ => {
            for (o, &g) in out.chunks_exact_mut(3).zip(row) {
                o.fill(g);
            }
        }
    }
}

/// Averages d × d blocks of RGB rows as they arrive.
struct Shrink {
    width: usize,
    height: usize,
    d: usize,
    out_width: usize,
    sums: Vec<u32>,
    rows_in_sums: usize,
    out: Vec<u8>,
}

impl Shrink {
    fn new(width: u32, height: u32, d: u32) -> Shrink {
        let (width, height, d) = (width as usize, height as usize, d as usize);
        let out_width = width.div_ceil(d);
        Shrink {
            width,
            height,
            d,
            out_width,
            sums: vec![0; out_width * 3],
            rows_in_sums: 0,
            out: Vec::with_capacity(out_width * height.div_ceil(d) * 3),
        }
    }

    fn push(&mut self, rgb: &[u8]) {
        if self.d == 1 {
            self.out.extend_from_slice(rgb);
            return;
        }
        for (x, px) in rgb.chunks_exact(3).enumerate() {
            let s = &mut self.sums[(x / self.d) * 3..(x / self.d) * 3 + 3];
            for i in 0..3 {
                s[i] += px[i] as u32;
            }
        }
        self.rows_in_sums += 1;
        if self.rows_in_sums == self.d {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for ox in 0..self.out_width {
            // The last column block may be narrower than d.
            let cols = self.d.min(self.width - ox * self.d);
            let n = (cols * self.rows_in_sums) as u32;
            for i in 0..3 {
                let s = &mut self.sums[ox * 3 + i];
                self.out.push(((*s + n / 2) / n) as u8);
                *s = 0;
            }
        }
        self.rows_in_sums = 0;
    }

    fn finish(mut self) -> Result<Pixels, PhotoError> {
        if self.rows_in_sums > 0 {
            self.flush();
        }
        let out_height = self.height.div_ceil(self.d);
        if self.out.len() != self.out_width * out_height * 3 {
            return Err(PhotoError::failed(
                "PNG shrink produced the wrong number of rows",
            ));
        }
        Ok(Pixels {
            data: self.out,
            width: self.out_width as u32,
            height: out_height as u32,
            channels: 3,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_averages_blocks_and_keeps_edges() {
        // 3 × 3 grey ramp shrunk by 2: a full block, a narrow one, a short one, a corner.
        let mut s = Shrink::new(3, 3, 2);
        for row in [[0u8, 10, 20], [30, 40, 50], [60, 70, 80]] {
            let rgb: Vec<u8> = row.iter().flat_map(|&g| [g, g, g]).collect();
            s.push(&rgb);
        }
        let p = s.finish().expect("shrink");
        let grey: Vec<u8> = p.data.chunks_exact(3).map(|c| c[0]).collect();
        assert_eq!((p.width, p.height), (2, 2));
        assert_eq!(grey, vec![20, 35, 65, 80]);
    }

    #[test]
    fn transparency_goes_white() {
        let mut out = [0u8; 6];
        to_rgb_on_white(
            &[0, 0, 0, 0, 200, 100, 50, 255],
            png::ColorType::Rgba,
            &mut out,
        );
        assert_eq!(out, [255, 255, 255, 200, 100, 50]);
    }
}
