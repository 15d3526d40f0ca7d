//! Decoded pixels and what is done to them: resize, turn upright, encode.

use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images::Image};

use crate::PhotoError;

/// 8-bit pixels, rows top to bottom, no padding: grey (1 channel) or RGB (3).
pub(crate) struct Pixels {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub channels: u8,
}

impl Pixels {
    fn pixel_type(&self) -> PixelType {
        if self.channels == 1 {
            PixelType::U8
        } else {
            PixelType::U8x3
        }
    }

    /// Lanczos3 to exactly `width` × `height`; the caller never asks for larger.
    pub fn resized(
        &self,
        resizer: &mut Resizer,
        width: u32,
        height: u32,
    ) -> Result<Pixels, PhotoError> {
        if (width, height) == (self.width, self.height) {
            return Ok(Pixels {
                data: self.data.clone(),
                width,
                height,
                channels: self.channels,
            });
        }
        let src = fast_image_resize::images::ImageRef::new(
            self.width,
            self.height,
            &self.data,
            self.pixel_type(),
        )
        .map_err(PhotoError::failed)?;
        let mut dst = Image::new(width, height, self.pixel_type());
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        resizer
            .resize(&src, &mut dst, &options)
            .map_err(PhotoError::failed)?;
        Ok(Pixels {
            data: dst.into_vec(),
            width,
            height,
            channels: self.channels,
        })
    }

    /// Like [`Pixels::resized`], consuming the source: the vertical pass (which
    /// fast_image_resize runs first for 8-bit pixels anyway) is done alone, the full-size
    /// source freed, then the horizontal pass. Same pixels, and the peak holds the source
    /// and one intermediate instead of source, intermediate and result.
    pub fn shrunk(
        self,
        resizer: &mut Resizer,
        width: u32,
        height: u32,
    ) -> Result<Pixels, PhotoError> {
        if (width, height) == (self.width, self.height) {
            return Ok(self);
        }
        if width == self.width || height == self.height {
            return self.resized(resizer, width, height);
        }
        let tall = self.resized(resizer, self.width, height)?;
        drop(self);
        tall.resized(resizer, width, height)
    }

    /// Applies an EXIF orientation (1..=8) so the result displays upright with no tag.
    pub fn oriented(self, orientation: u8) -> Pixels {
        if !(2..=8).contains(&orientation) {
            return self;
        }
        let (w, h, c) = (
            self.width as isize,
            self.height as isize,
            self.channels as usize,
        );
        let turned = orientation >= 5;
        let (ow, oh) = if turned {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        };
        // Where output pixel (0, 0) comes from, and the source step (in pixels) for one
        // step right and one step down in the output.
        let ((sx, sy), right, down) = match orientation {
            2 => ((w - 1, 0), -1, w),
            3 => ((w - 1, h - 1), -1, -w),
            4 => ((0, h - 1), 1, -w),
            5 => ((0, 0), w, 1),
            6 => ((0, h - 1), -w, 1),
            7 => ((w - 1, h - 1), -w, -1),
            _ => ((w - 1, 0), w, -1), // 8
        };
        let mut out = vec![0u8; self.data.len()];
        let mut row_start = sy * w + sx;
        for out_row in out.chunks_exact_mut(ow as usize * c) {
            let mut at = row_start;
            for px in out_row.chunks_exact_mut(c) {
                let i = at as usize * c;
                px.copy_from_slice(&self.data[i..i + c]);
                at += right;
            }
            row_start += down;
        }
        Pixels {
            data: out,
            width: ow,
            height: oh,
            channels: self.channels,
        }
    }

    /// Baseline JPEG, 4:2:0 for colour, no metadata segment besides JFIF APP0.
    pub fn jpeg(&self, quality: u8) -> Result<Vec<u8>, PhotoError> {
        let (w, h) = (
            u16::try_from(self.width).map_err(PhotoError::failed)?,
            u16::try_from(self.height).map_err(PhotoError::failed)?,
        );
        let mut out = Vec::with_capacity(self.data.len() / 8);
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        // Standard Huffman tables: optimised ones save ~5% but some decoders (zune-jpeg in
        // `image` 0.25.10) mis-read them with 4:2:0, and marketplaces use many decoders.
        encoder.set_optimized_huffman_tables(false);
        let color = if self.channels == 1 {
            jpeg_encoder::ColorType::Luma
        } else {
            jpeg_encoder::ColorType::Rgb
        };
        encoder
            .encode(&self.data, w, h, color)
            .map_err(PhotoError::failed)?;
        Ok(out)
    }
}

/// The size that fits `long_edge` on the long side, keeping the aspect ratio; never larger
/// than the source.
pub(crate) fn fit(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge {
        return (width, height);
    }
    let scale = |side: u32| -> u32 {
        let s = (side as u64 * long_edge as u64 + long as u64 / 2) / long as u64;
        (s as u32).max(1)
    };
    if width >= height {
        (long_edge, scale(height))
    } else {
        (scale(width), long_edge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 2 grey image whose pixel values are their positions.
    fn sample() -> Pixels {
        Pixels {
            data: vec![0, 1, 2, 3, 4, 5],
            width: 3,
            height: 2,
            channels: 1,
        }
    }

    #[test]
    fn orientations_move_pixels_as_exif_says() {
        // 0 1 2
        // 3 4 5
        let cases: [(u8, u32, &[u8]); 8] = [
            (1, 3, &[0, 1, 2, 3, 4, 5]),
            (2, 3, &[2, 1, 0, 5, 4, 3]),
            (3, 3, &[5, 4, 3, 2, 1, 0]),
            (4, 3, &[3, 4, 5, 0, 1, 2]),
            (5, 2, &[0, 3, 1, 4, 2, 5]),
            (6, 2, &[3, 0, 4, 1, 5, 2]),
            (7, 2, &[5, 2, 4, 1, 3, 0]),
            (8, 2, &[2, 5, 1, 4, 0, 3]),
        ];
        for (o, width, want) in cases {
            let p = sample().oriented(o);
            assert_eq!(
                (p.width, p.data.as_slice()),
                (width, want),
                "orientation {o}"
            );
        }
    }

    #[test]
    fn fit_never_upscales_and_keeps_the_ratio() {
        assert_eq!(fit(6028, 3391, 2000), (2000, 1125));
        assert_eq!(fit(3024, 4032, 2000), (1500, 2000));
        assert_eq!(fit(600, 450, 2000), (600, 450));
        assert_eq!(fit(20000, 1, 400), (400, 1));
    }
}
