//! `hanout photo`: a product's photos, and what the pipeline makes of a file.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use hanout_domain::{PhotoHash, ProductId, ProductPhoto, check_photo_file_size};
use hanout_media::{Options, PhotoError, Processed, SourceInfo};
use hanout_store::{Catalog, PhotoSize};
use serde::Serialize;

use crate::Output;

#[derive(Subcommand)]
pub enum PhotoCommand {
    /// Add photos to a product, in order (a product's first photo is its cover)
    Add {
        /// The product's id, or its first characters
        product: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// What the photos show, for buyers and screen readers
        #[arg(long, default_value = "")]
        alt: String,
    },
    /// A product's photos, cover first
    List { product: String },
    /// Take a photo off a product
    Rm {
        product: String,
        /// Its place (1 is the cover) or the first characters of its id
        photo: String,
    },
    /// Move a photo to another place (1 makes it the cover)
    Move {
        product: String,
        photo: String,
        to: usize,
    },
    /// Say what a photo shows, for buyers and screen readers
    Alt {
        product: String,
        photo: String,
        text: String,
    },
    /// Say what the pipeline would make of a file, or why it refuses it
    Check { file: PathBuf },
}

/// Reads and processes one file, one at a time, with an error the artisan can act on.
/// Returns the file's bytes too: the catalog may keep the original.
fn process_file(path: &Path) -> Result<(Vec<u8>, Processed)> {
    let size = std::fs::metadata(path)
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?
        .len();
    // Read whole: refuse what cannot be a phone photo before reading it.
    check_photo_file_size(size).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let bytes = std::fs::read(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    let processed = hanout_media::process(&bytes, &Options::default())
        .map_err(|e: PhotoError| anyhow!("{}: {e}", path.display()))?;
    Ok((bytes, processed))
}

#[derive(Serialize)]
struct PhotoLine<'a> {
    place: usize,
    #[serde(flatten)]
    photo: &'a ProductPhoto,
    file: PathBuf,
    thumbnail: PathBuf,
}

fn print_photos(catalog: &Catalog, photos: &[ProductPhoto], out: Output) -> Result<()> {
    let lines: Vec<PhotoLine<'_>> = photos
        .iter()
        .enumerate()
        .map(|(i, p)| PhotoLine {
            place: i + 1,
            photo: p,
            file: catalog.photo_path(&p.hash, PhotoSize::Upload),
            thumbnail: catalog.photo_path(&p.hash, PhotoSize::Thumbnail),
        })
        .collect();
    out.print(&lines, |w| {
        lines.iter().try_for_each(|l| {
            let cover = if l.place == 1 { "  (cover)" } else { "" };
            writeln!(
                w,
                "{:>2}  {}  {}x{}  {}{cover}",
                l.place, l.photo.hash, l.photo.width, l.photo.height, l.photo.alt
            )
        })
    })
}

/// A photo of the product by its place (1 = cover) or the start of its hash.
fn find_photo(catalog: &Catalog, product: ProductId, key: &str) -> Result<PhotoHash> {
    let photos = catalog.product(product)?.product.photos;
    // One or two digits are a place; a hash is typed with more.
    if let Some(place) = key.parse::<usize>().ok().filter(|_| key.len() <= 2) {
        return photos
            .get(place.wrapping_sub(1))
            .map(|p| p.hash.clone())
            .ok_or_else(|| {
                anyhow!(
                    "this product has no photo at place {place}: it has {}",
                    photos.len()
                )
            });
    }
    let mut matching = photos.iter().filter(|p| p.hash.as_str().starts_with(key));
    match (matching.next(), matching.next()) {
        (Some(p), None) if !key.is_empty() => Ok(p.hash.clone()),
        (Some(_), Some(_)) => bail!("several photos start with {key:?}: type more of the id"),
        _ => bail!(
            "this product has no photo {key:?}: give its place (1 to {}) or its id",
            photos.len()
        ),
    }
}

pub fn run(catalog: &mut Catalog, cmd: PhotoCommand, out: Output) -> Result<()> {
    match cmd {
        PhotoCommand::Add {
            product,
            files,
            alt,
        } => {
            let id = catalog.find_product(&product)?;
            let mut failed = 0;
            for file in &files {
                // One photo at a time: a phone has memory for one decode, not ten.
                match process_file(file)
                    .and_then(|(original, p)| Ok(catalog.add_photo(id, &p, &original, &alt)?))
                {
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("error: {e:#}");
                        failed += 1;
                    }
                }
            }
            print_photos(catalog, &catalog.product(id)?.product.photos, out)?;
            if failed > 0 {
                bail!("{failed} of {} photos were not added", files.len());
            }
            Ok(())
        }
        PhotoCommand::List { product } => {
            let id = catalog.find_product(&product)?;
            print_photos(catalog, &catalog.product(id)?.product.photos, out)
        }
        PhotoCommand::Rm { product, photo } => {
            let id = catalog.find_product(&product)?;
            let hash = find_photo(catalog, id, &photo)?;
            let entry = catalog.remove_photo(id, &hash)?;
            print_photos(catalog, &entry.product.photos, out)
        }
        PhotoCommand::Move { product, photo, to } => {
            let id = catalog.find_product(&product)?;
            let hash = find_photo(catalog, id, &photo)?;
            let entry = catalog.move_photo(id, &hash, to.saturating_sub(1))?;
            print_photos(catalog, &entry.product.photos, out)
        }
        PhotoCommand::Alt {
            product,
            photo,
            text,
        } => {
            let id = catalog.find_product(&product)?;
            let hash = find_photo(catalog, id, &photo)?;
            let entry = catalog.set_photo_alt(id, &hash, &text)?;
            print_photos(catalog, &entry.product.photos, out)
        }
        PhotoCommand::Check { file } => check(&file, out),
    }
}

#[derive(Serialize)]
struct Check {
    source: SourceInfo,
    upload: Size,
    thumbnail: Size,
}

#[derive(Serialize)]
struct Size {
    width: u32,
    height: u32,
    bytes: usize,
}

/// `hanout photo check FILE`: needs no catalog.
pub fn check(file: &Path, out: Output) -> Result<()> {
    let (_, p) = process_file(file)?;
    let size = |r: &hanout_media::Rendition| Size {
        width: r.width,
        height: r.height,
        bytes: r.jpeg.len(),
    };
    let report = Check {
        upload: size(&p.upload),
        thumbnail: size(&p.thumbnail),
        source: p.source,
    };
    out.print(&report, |w| {
        let s = &report.source;
        writeln!(
            w,
            "{}: {:?} {}x{}, orientation {} (upright {}x{})",
            file.display(),
            s.format,
            s.width,
            s.height,
            s.orientation,
            s.upright_width,
            s.upright_height
        )?;
        writeln!(
            w,
            "upload:    {}x{} JPEG, {} KiB, no metadata",
            report.upload.width,
            report.upload.height,
            report.upload.bytes / 1024
        )?;
        writeln!(
            w,
            "thumbnail: {}x{} JPEG, {} KiB",
            report.thumbnail.width,
            report.thumbnail.height,
            report.thumbnail.bytes / 1024
        )
    })
}
