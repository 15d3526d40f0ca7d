//! Side-by-side benchmark against `vipsthumbnail` (Debian `libvips-tools`), one process per
//! measurement so peak RSS is per photo:
//!
//!     cargo run -p hanout-media --release --example photo_bench -- ../shared/photos [runs]
//!
//! For each large photo (p*.jpg): median wall time over `runs` (default 5) and peak RSS
//! (`/usr/bin/time -f %M`), and median CPU time (user + system: less sensitive to other load
//! on the machine, and vips uses several threads) of (a) this pipeline making 2000 + 400 px in one process and
//! (b) `vipsthumbnail` making the same two sizes, one process per size; output bytes; and
//! SSIM (luma, 8×8 windows) of each 2000 px output against a reference: the full-size
//! decode, Lanczos3 to the same size, turned upright.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images::Image};
use hanout_media::{Limits, Options, inspect, process};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one") {
        // Child: one photo, both renditions, written out.
        let (input, out) = (Path::new(&args[2]), Path::new(&args[3]));
        let done = process(&std::fs::read(input)?, &Options::default())?;
        std::fs::write(out.join("ours_2000.jpg"), &done.upload.jpeg)?;
        std::fs::write(out.join("ours_400.jpg"), &done.thumbnail.jpeg)?;
        return Ok(());
    }
    let dir = PathBuf::from(
        args.get(1)
            .map(String::as_str)
            .unwrap_or("../shared/photos"),
    );
    let runs: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(5);
    let me = std::env::current_exe()?;
    let work = std::env::temp_dir().join(format!("hanout-photo-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;

    let mut photos: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.starts_with('p') && name.ends_with(".jpg")
        })
        .collect();
    photos.sort();
    if photos.is_empty() {
        return Err(format!("no p*.jpg photos in {}", dir.display()).into());
    }

    println!(
        "{:<28} {:>9} {:>9} {:>6} {:>8} {:>8} {:>8} {:>8} {:>15} {:>15} {:>7} {:>7}",
        "photo",
        "ours ms",
        "vips ms",
        "ratio",
        "ours cpu",
        "vips cpu",
        "ours MB",
        "vips MB",
        "ours KiB 2k/400",
        "vips KiB 2k/400",
        "SSIM us",
        "SSIM vi"
    );
    let (mut log_ratio, mut log_cpu_ratio) = (0.0, 0.0);
    for photo in &photos {
        let name = photo
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let p = photo.to_string_lossy();
        let w = work.to_string_lossy();
        let ours_cmd = [
            me.to_string_lossy().into_owned(),
            "--one".into(),
            p.to_string(),
            w.to_string(),
        ];
        let vips = |size: u32| {
            vec![
                "vipsthumbnail".to_string(),
                p.to_string(),
                "-s".into(),
                size.to_string(),
                "-o".into(),
                format!("{w}/vips_{size}.jpg[Q=82,strip]"),
            ]
        };
        let (mut ours_ms, mut vips_ms, mut ours_kb, mut vips_kb) = (vec![], vec![], 0u64, 0u64);
        let (mut ours_cpu, mut vips_cpu) = (vec![], vec![]);
        for _ in 0..runs {
            let (ms, kb, cpu) = timed(&ours_cmd)?;
            ours_ms.push(ms);
            ours_cpu.push(cpu);
            ours_kb = ours_kb.max(kb);
            let (ms_a, kb_a, cpu_a) = timed(&vips(2000))?;
            let (ms_b, kb_b, cpu_b) = timed(&vips(400))?;
            vips_ms.push(ms_a + ms_b);
            vips_cpu.push(cpu_a + cpu_b);
            vips_kb = vips_kb.max(kb_a).max(kb_b);
        }
        let (ours, vips_t) = (median(&mut ours_ms), median(&mut vips_ms));
        log_ratio += (ours / vips_t).ln();
        let (ours_c, vips_c) = (median(&mut ours_cpu), median(&mut vips_cpu));
        log_cpu_ratio += (ours_c / vips_c).ln();
        let size = |f: &str| std::fs::metadata(work.join(f)).map(|m| m.len() as f64 / 1024.0);
        let reference = Reference::new(&std::fs::read(photo)?)?;
        let ssim_ours = reference.ssim(&std::fs::read(work.join("ours_2000.jpg"))?)?;
        let ssim_vips = reference.ssim(&std::fs::read(work.join("vips_2000.jpg"))?)?;
        println!(
            "{:<28} {:>9.0} {:>9.0} {:>6.2} {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>15} {:>15} {:>7.4} {:>7.4}",
            name,
            ours,
            vips_t,
            ours / vips_t,
            ours_c,
            vips_c,
            ours_kb as f64 / 1024.0,
            vips_kb as f64 / 1024.0,
            format!("{:.0}/{:.0}", size("ours_2000.jpg")?, size("ours_400.jpg")?),
            format!("{:.0}/{:.0}", size("vips_2000.jpg")?, size("vips_400.jpg")?),
            ssim_ours,
            ssim_vips,
        );
    }
    println!(
        "geometric mean CPU (user+sys) ratio ours/vipsthumbnail: {:.2}",
        (log_cpu_ratio / photos.len() as f64).exp()
    );
    println!(
        "geometric mean time ratio ours/vipsthumbnail: {:.2} over {} photos, {} runs each (median)",
        (log_ratio / photos.len() as f64).exp(),
        photos.len(),
        runs
    );
    std::fs::remove_dir_all(&work)?;
    Ok(())
}

/// Wall milliseconds, peak RSS (KiB) and CPU milliseconds (user + system) of one child.
fn timed(cmd: &[String]) -> Res<(f64, u64, f64)> {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M %U %S")
        .args(cmd)
        .output()?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{} failed: {stderr}", cmd.join(" ")).into());
    }
    let last: Vec<&str> = stderr
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let [kb, user, sys] = last[..] else {
        return Err(format!("odd /usr/bin/time output: {stderr}").into());
    };
    Ok((
        ms,
        kb.parse()?,
        (user.parse::<f64>()? + sys.parse::<f64>()?) * 1000.0,
    ))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The full-size decode of a photo, to be resized to whatever size an output has.
struct Reference {
    rgb: Vec<u8>,
    width: u32,
    height: u32,
    orientation: u8,
}

impl Reference {
    fn new(jpeg: &[u8]) -> Res<Reference> {
        let info = inspect(jpeg, &Limits::default())?;
        let mut d = jpeg_decoder::Decoder::new(jpeg);
        let rgb = d.decode()?;
        let i = d.info().ok_or("no info")?;
        Ok(Reference {
            rgb,
            width: i.width as u32,
            height: i.height as u32,
            orientation: info.orientation,
        })
    }

    fn ssim(&self, output: &[u8]) -> Res<f64> {
        let mut d = jpeg_decoder::Decoder::new(output);
        let got = d.decode()?;
        let i = d.info().ok_or("no info")?;
        let (ow, oh) = (i.width as u32, i.height as u32);
        // Resize in the stored orientation, then turn, as both pipelines do.
        let (rw, rh) = if self.orientation >= 5 {
            (oh, ow)
        } else {
            (ow, oh)
        };
        let src = Image::from_vec_u8(self.width, self.height, self.rgb.clone(), PixelType::U8x3)?;
        let mut dst = Image::new(rw, rh, PixelType::U8x3);
        let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new().resize(&src, &mut dst, &opts)?;
        let want = orient(dst.buffer(), rw, rh, self.orientation);
        Ok(ssim(&luma(&want), &luma(&got), ow as usize, oh as usize))
    }
}

fn luma(rgb: &[u8]) -> Vec<f64> {
    rgb.chunks_exact(3)
        .map(|p| 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64)
        .collect()
}

/// Mean SSIM over 8×8 windows every 4 pixels.
fn ssim(a: &[f64], b: &[f64], w: usize, h: usize) -> f64 {
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let (mut total, mut n) = (0.0, 0.0);
    for y in (0..h.saturating_sub(8)).step_by(4) {
        for x in (0..w.saturating_sub(8)).step_by(4) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for dy in 0..8 {
                for dx in 0..8 {
                    let (p, q) = (a[(y + dy) * w + x + dx], b[(y + dy) * w + x + dx]);
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let (ma, mb) = (sa / 64.0, sb / 64.0);
            let (va, vb, cov) = (
                saa / 64.0 - ma * ma,
                sbb / 64.0 - mb * mb,
                sab / 64.0 - ma * mb,
            );
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
                / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            n += 1.0;
        }
    }
    total / n
}

/// EXIF orientation applied to RGB pixels (the reference side of the comparison).
fn orient(rgb: &[u8], w: u32, h: u32, o: u8) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let (ow, oh) = if o >= 5 { (h, w) } else { (w, h) };
    let mut out = vec![0u8; rgb.len()];
    for oy in 0..oh {
        for ox in 0..ow {
            let (sx, sy) = match o {
                2 => (w - 1 - ox, oy),
                3 => (w - 1 - ox, h - 1 - oy),
                4 => (ox, h - 1 - oy),
                5 => (oy, ox),
                6 => (oy, h - 1 - ox),
                7 => (w - 1 - oy, h - 1 - ox),
                8 => (w - 1 - oy, ox),
                _ => (ox, oy),
            };
            let (s, d) = ((sy * w + sx) * 3, (oy * ow + ox) * 3);
            out[d..d + 3].copy_from_slice(&rgb[s..s + 3]);
        }
    }
    out
}
