//! The pipeline against the shared test photos (../shared/photos, see its MANIFEST.md).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use hanout_media::{Format, Limits, Options, PhotoProblem, Processed, inspect, process};

fn photos_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/photos");
    assert!(
        dir.join("MANIFEST.md").is_file(),
        "the test photos are missing: expected them in {} (see shared/photos/MANIFEST.md)",
        dir.display()
    );
    dir
}

fn read(name: &str) -> Vec<u8> {
    let path = photos_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

const LARGE: [&str; 6] = [
    "p01_kleiber_20mp.jpg",
    "p02_seeding_16mp_prog.jpg",
    "p04_dragonfly_13mp_prog.jpg",
    "p05_ep3_12mp_o6_gps.jpg",
    "p06_nokia83_9mp_gps.jpg",
    "p07_iphone6_8mp_gps.jpg",
];

fn orientation_files() -> Vec<String> {
    ["landscape", "portrait"]
        .iter()
        .flat_map(|shape| (1..=8).map(move |n| format!("o_{shape}_{n}.jpg")))
        .collect()
}

/// Every good photo processed once with the default options, shared by the tests.
fn processed() -> &'static HashMap<String, Processed> {
    static ALL: OnceLock<HashMap<String, Processed>> = OnceLock::new();
    ALL.get_or_init(|| {
        let names = LARGE
            .iter()
            .map(|s| s.to_string())
            .chain(orientation_files());
        names
            .map(|name| {
                let out = process(&read(&name), &Options::default())
                    .unwrap_or_else(|e| panic!("{name} was refused: {e} ({:?})", e.kind()));
                (name, out)
            })
            .collect()
    })
}

/// Strict decode (jpeg-decoder) to RGB.
fn decode(jpeg: &[u8]) -> (Vec<u8>, u32, u32) {
    let mut d = jpeg_decoder::Decoder::new(jpeg);
    let px = d.decode().expect("our output decodes strictly");
    let info = d.info().expect("info");
    assert_eq!(info.pixel_format, jpeg_decoder::PixelFormat::RGB24);
    (px, info.width as u32, info.height as u32)
}

/// Grey, box-averaged down to `w` × `h`, as floats: what "looks the same" compares.
fn small_grey(jpeg: &[u8], w: u32, h: u32) -> Vec<f64> {
    let (px, pw, ph) = decode(jpeg);
    let mut sums = vec![0f64; (w * h) as usize];
    let mut counts = vec![0f64; (w * h) as usize];
    for y in 0..ph {
        for x in 0..pw {
            let i = ((y * pw + x) * 3) as usize;
            let g = 0.299 * px[i] as f64 + 0.587 * px[i + 1] as f64 + 0.114 * px[i + 2] as f64;
            let cell = ((y * h / ph) * w + x * w / pw) as usize;
            sums[cell] += g;
            counts[cell] += 1.0;
        }
    }
    sums.iter().zip(&counts).map(|(s, c)| s / c).collect()
}

/// Pearson correlation of two grey grids. The o_*_N samples differ from their _1 twin by
/// a global brightness shift (about 14 grey levels) besides the digit drawn on them, so
/// shape, not absolute level, is what tells upright from turned.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn every_orientation_comes_out_upright() {
    const UPRIGHT: f64 = 0.95;
    for shape in ["landscape", "portrait"] {
        let twin = &processed()[&format!("o_{shape}_1.jpg")];
        let (w, h) = (twin.upload.width, twin.upload.height);
        let (gw, gh) = (w / 16, h / 16);
        let want = small_grey(&twin.upload.jpeg, gw, gh);
        // The check must be able to fail: a mirrored or flipped image is far below it.
        let cells = || (0..gh).flat_map(|y| (0..gw).map(move |x| (y, x)));
        let mirrored: Vec<f64> = cells()
            .map(|(y, x)| want[(y * gw + (gw - 1 - x)) as usize])
            .collect();
        let flipped: Vec<f64> = cells()
            .map(|(y, x)| want[((gh - 1 - y) * gw + x) as usize])
            .collect();
        for wrong in [&mirrored, &flipped] {
            let c = correlation(&want, wrong);
            assert!(
                c < UPRIGHT - 0.1,
                "{shape}: a wrong turn correlates {c:.2}, too close to tell"
            );
        }
        for n in 1..=8 {
            let name = format!("o_{shape}_{n}.jpg");
            let out = &processed()[&name];
            assert_eq!(
                out.source.orientation, n,
                "{name}: orientation read from EXIF"
            );
            assert_eq!(
                (out.upload.width, out.upload.height),
                (w, h),
                "{name}: upright size"
            );
            for (what, jpeg) in [
                ("upload", &out.upload.jpeg),
                ("thumbnail", &out.thumbnail.jpeg),
            ] {
                let c = correlation(&want, &small_grey(jpeg, gw, gh));
                assert!(
                    c > UPRIGHT,
                    "{name} {what}: correlates {c:.3} with o_{shape}_1, not upright"
                );
            }
        }
    }
}

#[test]
fn bad_files_are_refused_with_the_right_kind() {
    let cases = [
        ("bad_corrupted_olympus.jpg", PhotoProblem::Damaged),
        ("bad_truncated_half_kleiber.jpg", PhotoProblem::Damaged),
        ("bad_truncated_100bytes.jpg", PhotoProblem::Damaged),
        ("bomb_png_50000x50000_header.png", PhotoProblem::TooBig),
        ("bomb_png_20000x20000_full.png", PhotoProblem::TooBig),
        ("bomb_jpeg_65500x65500_sof.jpg", PhotoProblem::TooBig),
        // A GIF is refused for its format before its size matters.
        ("bomb_pillow.gif", PhotoProblem::Unsupported),
    ];
    // Every bad_* and bomb_* file in the folder must be listed here.
    for entry in std::fs::read_dir(photos_dir()).expect("photos dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("bad_") || name.starts_with("bomb_") {
            assert!(
                cases.iter().any(|(n, _)| *n == name),
                "{name} has no expected kind"
            );
        }
    }
    for (name, kind) in cases {
        let bytes = read(name);
        match process(&bytes, &Options::default()) {
            Ok(_) => panic!("{name} was accepted"),
            Err(e) => {
                assert_eq!(e.kind(), kind, "{name}: {e}");
                assert!(!e.to_string().is_empty());
            }
        }
        if name.starts_with("bomb_") {
            // Refused from the header alone.
            let e = inspect(&bytes, &Limits::default()).expect_err(name);
            assert_eq!(e.kind(), kind, "{name} via inspect: {e}");
        }
    }
}

#[test]
fn messages_an_artisan_can_act_on() {
    let bomb = read("bomb_jpeg_65500x65500_sof.jpg");
    let e = inspect(&bomb, &Limits::default()).expect_err("bomb");
    assert_eq!(
        e.to_string(),
        "this photo is too big (65500 × 65500 pixels): the most is 16384 pixels per side"
    );
    let e = process(&read("bad_truncated_half_kleiber.jpg"), &Options::default()).expect_err("cut");
    assert_eq!(e.to_string(), "this photo is damaged: take it again");
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    let e = process(heic, &Options::default()).expect_err("heic");
    assert_eq!(e.kind(), PhotoProblem::Unsupported);
    assert_eq!(
        e.to_string(),
        "HEIC photos are not supported yet: send it as JPEG"
    );
    let webp = b"RIFF\x10\0\0\0WEBPVP8 \0\0\0\0";
    assert_eq!(
        process(webp, &Options::default()).expect_err("webp").kind(),
        PhotoProblem::Unsupported
    );
    assert_eq!(
        process(b"", &Options::default()).expect_err("empty").kind(),
        PhotoProblem::Empty
    );
    let text = b"Bonjour, voici la photo du tapis";
    assert_eq!(
        process(text, &Options::default()).expect_err("text").kind(),
        PhotoProblem::NotAPhoto
    );
    // The kind travels to the UI as snake_case.
    assert_eq!(
        serde_json::to_string(&PhotoProblem::NotAPhoto).expect("json"),
        "\"not_a_photo\""
    );
}

/// The APPn segments of a JPEG, in order, up to the first scan.
fn app_segments(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "starts with SOI");
    let mut at = 2;
    let mut apps = Vec::new();
    loop {
        assert_eq!(jpeg[at], 0xFF, "marker at {at}");
        let code = jpeg[at + 1];
        if code == 0xDA {
            return apps;
        }
        let len = u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
        if (0xE0..=0xEF).contains(&code) {
            apps.push((code, jpeg[at + 4..at + 2 + len].to_vec()));
        }
        assert!(code != 0xFE, "no comment segment");
        at += 2 + len;
    }
}

#[test]
fn outputs_carry_no_metadata() {
    for (name, out) in processed() {
        for (what, jpeg) in [
            ("upload", &out.upload.jpeg),
            ("thumbnail", &out.thumbnail.jpeg),
        ] {
            let apps = app_segments(jpeg);
            assert!(
                apps.iter()
                    .all(|(code, data)| *code == 0xE0 && data.starts_with(b"JFIF\0")),
                "{name} {what}: APP segments other than JFIF: {:?}",
                apps.iter()
                    .map(|(c, _)| format!("{c:#04X}"))
                    .collect::<Vec<_>>()
            );
            assert!(
                !jpeg.windows(2).any(|w| w == [0xFF, 0xE1]),
                "{name} {what}: an APP1 marker"
            );
            assert!(
                !jpeg.windows(6).any(|w| w == b"Exif\0\0"),
                "{name} {what}: Exif bytes"
            );
        }
    }
    // The check has teeth: the p05 source carries EXIF and GPS.
    let source = read("p05_ep3_12mp_o6_gps.jpg");
    assert!(
        app_segments(&source)
            .iter()
            .any(|(c, d)| *c == 0xE1 && d.starts_with(b"Exif\0\0"))
    );
}

#[test]
fn outputs_decode_strictly_at_the_expected_size() {
    for (name, out) in processed() {
        let s = &out.source;
        let long = s.upright_width.max(s.upright_height);
        for (rendition, edge) in [(&out.upload, 2000u32), (&out.thumbnail, 400)] {
            let (px, w, h) = decode(&rendition.jpeg);
            assert_eq!(
                (w, h),
                (rendition.width, rendition.height),
                "{name}: reported size"
            );
            assert_eq!(px.len(), (w * h * 3) as usize);
            assert_eq!(w.max(h), edge.min(long), "{name}: long edge");
            // Same shape as the upright source, within a pixel of rounding.
            let want_short = (s.upright_width.min(s.upright_height) as f64 * w.max(h) as f64
                / long as f64)
                .round();
            assert!(
                (w.min(h) as f64 - want_short).abs() <= 1.0,
                "{name}: {w}×{h} lost the aspect ratio"
            );
            assert_eq!(
                w >= h,
                s.upright_width >= s.upright_height,
                "{name}: turned the wrong way"
            );
        }
    }
}

#[test]
fn large_photos_come_out_right() {
    for name in LARGE {
        let out = &processed()[name];
        assert_eq!(out.source.format, Format::Jpeg);
        assert!(
            out.upload.jpeg.len() > 50_000,
            "{name}: upload suspiciously small"
        );
        assert!(
            out.upload.jpeg.len() < 2_000_000,
            "{name}: upload too heavy for slow connections"
        );
    }
    let p05 = &processed()["p05_ep3_12mp_o6_gps.jpg"];
    assert_eq!(p05.source.orientation, 6);
    assert_eq!((p05.source.width, p05.source.height), (4032, 3024));
    assert_eq!(
        (p05.upload.width, p05.upload.height),
        (1500, 2000),
        "p05 comes out portrait"
    );
    assert_eq!((p05.thumbnail.width, p05.thumbnail.height), (300, 400));
}

#[test]
fn small_photos_are_never_upscaled() {
    let out = &processed()["o_landscape_1.jpg"];
    assert_eq!((out.upload.width, out.upload.height), (600, 450));
    assert_eq!((out.thumbnail.width, out.thumbnail.height), (400, 300));
}

#[test]
fn each_marketplace_can_ask_for_its_own_size() {
    let options = Options {
        upload_long_edge: 1200,
        thumbnail_long_edge: 160,
        ..Options::default()
    };
    let out = process(&read("p07_iphone6_8mp_gps.jpg"), &options).expect("p07");
    assert_eq!((out.upload.width, out.upload.height), (1200, 900));
    assert_eq!((out.thumbnail.width, out.thumbnail.height), (160, 120));
    // A thumbnail larger than the upload is made from the decode, not upscaled.
    let odd = Options {
        upload_long_edge: 100,
        thumbnail_long_edge: 300,
        ..Options::default()
    };
    let out = process(&read("o_portrait_1.jpg"), &odd).expect("odd sizes");
    assert_eq!((out.upload.width, out.upload.height), (75, 100));
    assert_eq!((out.thumbnail.width, out.thumbnail.height), (225, 300));
}

#[test]
fn limits_are_the_callers_to_set() {
    let p01 = read("p01_kleiber_20mp.jpg");
    let tight = Limits {
        max_pixels: 12_000_000,
        ..Limits::default()
    };
    let e = inspect(&p01, &tight).expect_err("20 MP over a 12 MP budget");
    assert_eq!(e.kind(), PhotoProblem::TooBig);
    let narrow = Limits {
        max_side: 4000,
        ..Limits::default()
    };
    assert_eq!(
        inspect(&p01, &narrow).expect_err("6028 px side").kind(),
        PhotoProblem::TooBig
    );
    // Progressive p02 keeps its whole DCT coefficients: 16 MP × 1.5 × 2 bytes ≈ 48 MB.
    let p02 = read("p02_seeding_16mp_prog.jpg");
    let small = Options {
        limits: Limits {
            max_alloc: 32 << 20,
            ..Limits::default()
        },
        ..Options::default()
    };
    let e = process(&p02, &small).expect_err("over the memory budget");
    assert_eq!(e.kind(), PhotoProblem::TooBig, "{e}");
    let info = inspect(&p02, &Limits::default()).expect("p02 header");
    assert_eq!((info.width, info.height, info.orientation), (5312, 2988, 1));
}

/// A PNG written with the png crate, optionally with an eXIf orientation.
fn png_bytes(
    width: u32,
    height: u32,
    color: png::ColorType,
    pixels: &[u8],
    orientation: Option<u16>,
) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("png header");
        if let Some(o) = orientation {
            let mut exif = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
            exif.extend(o.to_be_bytes());
            exif.extend([0, 0, 0, 0, 0, 0]);
            w.write_chunk(png::chunk::ChunkType(*b"eXIf"), &exif)
                .expect("eXIf");
        }
        w.write_image_data(pixels).expect("png data");
    }
    out
}

#[test]
fn png_transparency_is_flattened_on_white() {
    // Left half transparent, right half opaque red.
    let (w, h) = (64u32, 32u32);
    let px: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            if i % w < w / 2 {
                [0, 0, 0, 0]
            } else {
                [200, 0, 0, 255]
            }
        })
        .collect();
    let bytes = png_bytes(w, h, png::ColorType::Rgba, &px, None);
    let out = process(&bytes, &Options::default()).expect("png");
    assert_eq!(out.source.format, Format::Png);
    assert_eq!((out.upload.width, out.upload.height), (64, 32));
    let (rgb, ow, _) = decode(&out.upload.jpeg);
    let at = |x: u32, y: u32| &rgb[((y * ow + x) * 3) as usize..((y * ow + x) * 3 + 3) as usize];
    assert!(
        at(5, 16).iter().all(|&c| c > 245),
        "transparent became {:?}, not white",
        at(5, 16)
    );
    let red = at(58, 16);
    assert!(
        red[0] > 170 && red[1] < 40 && red[2] < 40,
        "opaque red became {red:?}"
    );
}

#[test]
fn png_orientation_and_size_are_respected() {
    // 4000 × 1000 grey ramp, eXIf orientation 6: upright it is 1000 × 4000.
    let (w, h) = (4000u32, 1000u32);
    let px: Vec<u8> = (0..w * h).map(|i| ((i % w) * 255 / w) as u8).collect();
    let bytes = png_bytes(w, h, png::ColorType::Grayscale, &px, Some(6));
    let info = inspect(&bytes, &Limits::default()).expect("png header");
    assert_eq!(
        (info.orientation, info.upright_width, info.upright_height),
        (6, 1000, 4000)
    );
    let out = process(&bytes, &Options::default()).expect("png");
    assert_eq!((out.upload.width, out.upload.height), (500, 2000));
    assert_eq!((out.thumbnail.width, out.thumbnail.height), (100, 400));
    // The ramp ran left to right; turned clockwise it runs top to bottom.
    let (rgb, ow, oh) = decode(&out.upload.jpeg);
    let top = rgb[((10 * ow + ow / 2) * 3) as usize];
    let bottom = rgb[(((oh - 10) * ow + ow / 2) * 3) as usize];
    assert!(top < 20 && bottom > 235, "ramp top {top} bottom {bottom}");
    // A cut PNG is damaged, not half a photo.
    let cut = &bytes[..bytes.len() * 2 / 3];
    assert_eq!(
        process(cut, &Options::default())
            .expect_err("cut png")
            .kind(),
        PhotoProblem::Damaged
    );
}
