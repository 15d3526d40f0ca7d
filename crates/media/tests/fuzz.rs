//! No input may panic: random bytes, and real photos with bytes changed, inserted or cut.
//! (The release profile aborts on panic, so a panic here would close the app.)

use std::path::PathBuf;
use std::sync::OnceLock;

use hanout_media::{Limits, Options, inspect, process};
use proptest::prelude::*;

/// Small real files to mutate: a camera JPEG with EXIF orientation, made-up baseline and
/// progressive JPEGs, and a PNG with transparency.
fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let photos = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/photos");
        let camera = std::fs::read(photos.join("o_portrait_6.jpg")).unwrap_or_else(|e| {
            panic!("the test photos are missing from {}: {e}", photos.display())
        });
        let (w, h) = (48u16, 32u16);
        let rgb: Vec<u8> = (0..w as usize * h as usize * 3)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let jpeg = |progressive: bool| {
            let mut out = Vec::new();
            let mut e = jpeg_encoder::Encoder::new(&mut out, 80);
            e.set_progressive(progressive);
            e.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
                .expect("encode seed");
            out
        };
        let mut png_bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut png_bytes, 20, 10);
            enc.set_color(png::ColorType::Rgba);
            let mut wr = enc.write_header().expect("png seed");
            let px: Vec<u8> = (0..20 * 10 * 4).map(|i| (i * 13 % 256) as u8).collect();
            wr.write_image_data(&px).expect("png seed data");
        }
        vec![camera, jpeg(false), jpeg(true), png_bytes]
    })
}

fn small() -> Options {
    Options {
        upload_long_edge: 64,
        thumbnail_long_edge: 16,
        ..Options::default()
    }
}

/// Whatever comes back, it is a result; and an accepted photo has sane outputs.
fn check(bytes: &[u8]) {
    let _ = inspect(bytes, &Limits::default());
    if let Ok(out) = process(bytes, &small()) {
        assert!(out.upload.width.max(out.upload.height) <= 64);
        assert!(out.thumbnail.width.max(out.thumbnail.height) <= 16);
        assert!(out.upload.jpeg.starts_with(&[0xFF, 0xD8]));
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Set(at, b)),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16)).prop_map(|(at, v)| Edit::Insert(at, v)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(at, n)| Edit::Remove(at, n)),
    ]
}

/// Most structure lives in the first kilobytes (markers, tables, chunk headers): aim there
/// half the time.
fn place(at: usize, len: usize) -> usize {
    let len = len.max(1);
    if at.is_multiple_of(2) {
        (at / 2) % len.min(2048)
    } else {
        (at / 2) % len
    }
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit], cut: Option<usize>) -> Vec<u8> {
    for e in edits {
        match e {
            Edit::Set(at, b) => {
                let i = place(*at, bytes.len());
                if let Some(x) = bytes.get_mut(i) {
                    *x = *b;
                }
            }
            Edit::Insert(at, v) => {
                let i = place(*at, bytes.len()).min(bytes.len());
                bytes.splice(i..i, v.iter().copied());
            }
            Edit::Remove(at, n) => {
                let i = place(*at, bytes.len()).min(bytes.len());
                let j = (i + n).min(bytes.len());
                bytes.drain(i..j);
            }
        }
    }
    if let Some(c) = cut {
        bytes.truncate(c % (bytes.len() + 1));
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(prefix in 0usize..3, body in proptest::collection::vec(any::<u8>(), 0..600)) {
        // Past the format sniffing too, so the decoders see the rubbish.
        let mut bytes = match prefix {
            0 => vec![],
            1 => vec![0xFF, 0xD8, 0xFF],
            _ => b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec(),
        };
        bytes.extend(body);
        check(&bytes);
    }

    #[test]
    fn mutated_photos_never_panic(
        seed in 0usize..4,
        edits in proptest::collection::vec(edit(), 1..6),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let bytes = apply(seeds()[seed].clone(), &edits, cut);
        check(&bytes);
    }
}

#[test]
fn every_cut_of_a_photo_is_refused_or_whole() {
    // A JPEG cut anywhere must not come out as half a photo.
    let seed = &seeds()[1];
    for n in 0..seed.len() {
        assert!(
            process(&seed[..n], &small()).is_err(),
            "a JPEG cut at {n} of {} was accepted",
            seed.len()
        );
    }
    let png = &seeds()[3];
    for n in 0..png.len() {
        assert!(
            process(&png[..n], &small()).is_err(),
            "a PNG cut at {n} of {} was accepted",
            png.len()
        );
    }
}
