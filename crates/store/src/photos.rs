//! Product photos: files stored by content hash beside the database, rows that order them
//! on a product, and a cleanup that removes what nothing uses any more.
//!
//! Order of writes: a photo's files are written to a temporary name, synced and renamed
//! before the row that refers to them commits, so a row never points at a missing or
//! partial file. Cleanup deletes files before rows, so an interrupted cleanup leaves only
//! unreferenced rows or files, which the next cleanup finishes.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use hanout_domain::{
    CatalogEntry, Field, Invalid, MAX_ALT_CHARS, MAX_PHOTOS, PhotoHash, Problem, ProductId,
};
use hanout_media::Processed;
use rusqlite::{OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use crate::catalog::{ChangeKind, log};
use crate::rows::Parsed;
use crate::{Catalog, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoSize {
    /// What goes to marketplaces (long edge about 2000 px).
    Upload,
    /// What the catalog shows (long edge about 400 px).
    Thumbnail,
    /// The file as it came from the camera, kept only when the setting says so (the
    /// phone's gallery usually has it).
    Original,
}

/// Files younger than this are left alone by the cleanup: another process may be about to
/// commit the row that refers to them.
const GRACE: Duration = Duration::from_secs(3600);

pub(crate) fn photos_dir(db: &Path) -> PhotoFiles {
    PhotoFiles(
        db.parent()
            .map_or_else(|| PathBuf::from("photos"), |d| d.join("photos")),
    )
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        StoreError::DiskFull
    } else {
        StoreError::Io(path.to_owned(), e)
    }
}

/// Writes `bytes` at `path` so that the file is either absent or complete, even across a
/// power cut. Content-addressed: an existing file already holds these bytes.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if path.exists() {
        return Ok(());
    }
    let dir = path
        .parent()
        .ok_or_else(|| io(path, std::io::ErrorKind::InvalidInput.into()))?;
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("photo"),
        std::process::id()
    ));
    let written = File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(io(path, e));
    }
    // The rename itself must reach the disk.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(dir, e))?;
    Ok(())
}

/// The photos folder and how its files are named: enough to find a photo without the
/// catalog (and its lock), as the window's `photo:` scheme does.
#[derive(Clone, Debug)]
pub struct PhotoFiles(PathBuf);

impl PhotoFiles {
    /// Where a photo's file is. The hash is validated hex, so the path stays inside the
    /// photos folder.
    pub fn path(&self, hash: &PhotoHash, size: PhotoSize) -> PathBuf {
        let name = match size {
            PhotoSize::Upload => format!("{hash}.jpg"),
            PhotoSize::Thumbnail => format!("{hash}.thumb.jpg"),
            PhotoSize::Original => format!("{hash}.original"),
        };
        self.0.join(&hash.as_str()[..2]).join(name)
    }
}

impl Catalog {
    pub fn photo_files(&self) -> PhotoFiles {
        self.photos.clone()
    }

    pub fn photo_path(&self, hash: &PhotoHash, size: PhotoSize) -> PathBuf {
        self.photos.path(hash, size)
    }

    /// Writes a processed photo's files (durably, before any row names them) and records
    /// the photo. Its id is the hash of its upload rendition.
    pub(crate) fn keep_photo(
        &mut self,
        photo: &Processed,
        original: &[u8],
    ) -> Result<PhotoHash, StoreError> {
        let hash: PhotoHash = format!("{:x}", Sha256::digest(&photo.upload.jpeg))
            .parse()
            .map_err(|_| StoreError::Damaged("a photo hash that is not hex".into()))?;
        write_durably(
            &self.photo_path(&hash, PhotoSize::Upload),
            &photo.upload.jpeg,
        )?;
        write_durably(
            &self.photo_path(&hash, PhotoSize::Thumbnail),
            &photo.thumbnail.jpeg,
        )?;
        if !original.is_empty() && self.settings()?.keep_originals {
            write_durably(&self.photo_path(&hash, PhotoSize::Original), original)?;
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO photo (hash, width, height, bytes, thumb_width, thumb_height, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            params![
                hash.as_str(),
                photo.upload.width,
                photo.upload.height,
                photo.upload.jpeg.len() as i64,
                photo.thumbnail.width,
                photo.thumbnail.height,
                self.now().millis()
            ],
        )?;
        Ok(hash)
    }

    /// Adds a photo after the product's others (the first one becomes the cover). A photo
    /// the product already has is left where it is. `original` (the file as received) is
    /// kept only when [`Settings::keep_originals`](crate::Settings) is on.
    pub fn add_photo(
        &mut self,
        product: ProductId,
        photo: &Processed,
        original: &[u8],
        alt: &str,
    ) -> Result<CatalogEntry, StoreError> {
        let alt = alt_text(alt)?;
        let count = self.product(product)?.product.photos.len();
        if count >= MAX_PHOTOS {
            return Err(Invalid::one(Field::Photos, Problem::TooMany { max: MAX_PHOTOS }).into());
        }
        let hash = self.keep_photo(photo, original)?;
        let now = self.now();
        let tx = self.conn.transaction()?;
        let added = tx.execute(
            "INSERT OR IGNORE INTO product_photo (product_id, photo_hash, position, alt) VALUES (?, ?, ?, ?)",
            params![product.to_string(), hash.as_str(), count as i64, alt],
        )?;
        if added == 1 {
            touch(&tx, product, now)?;
        }
        tx.commit()?;
        self.product(product)
    }

    /// Takes a photo off a product; its files go when no product uses it any more.
    pub fn remove_photo(
        &mut self,
        product: ProductId,
        hash: &PhotoHash,
    ) -> Result<CatalogEntry, StoreError> {
        let now = self.now();
        let tx = self.conn.transaction()?;
        let position = position(&tx, product, hash)?;
        tx.execute(
            "DELETE FROM product_photo WHERE product_id = ? AND photo_hash = ?",
            params![product.to_string(), hash.as_str()],
        )?;
        tx.execute(
            "UPDATE product_photo SET position = position - 1 WHERE product_id = ? AND position > ?",
            params![product.to_string(), position],
        )?;
        touch(&tx, product, now)?;
        tx.commit()?;
        self.remove_unused_photos()?;
        self.product(product)
    }

    /// Moves a photo to `to` (0 makes it the cover); the others keep their order.
    pub fn move_photo(
        &mut self,
        product: ProductId,
        hash: &PhotoHash,
        to: usize,
    ) -> Result<CatalogEntry, StoreError> {
        let now = self.now();
        let mut order: Vec<PhotoHash> = self
            .product(product)?
            .product
            .photos
            .into_iter()
            .map(|p| p.hash)
            .collect();
        let from = order
            .iter()
            .position(|h| h == hash)
            .ok_or_else(|| not_on(product, hash))?;
        let to = to.min(order.len() - 1);
        if from == to {
            return self.product(product);
        }
        let moved = order.remove(from);
        order.insert(to, moved);
        let tx = self.conn.transaction()?;
        for (i, h) in order.iter().enumerate() {
            tx.execute(
                "UPDATE product_photo SET position = ? WHERE product_id = ? AND photo_hash = ?",
                params![i as i64, product.to_string(), h.as_str()],
            )?;
        }
        touch(&tx, product, now)?;
        tx.commit()?;
        self.product(product)
    }

    /// Says what a photo shows.
    pub fn set_photo_alt(
        &mut self,
        product: ProductId,
        hash: &PhotoHash,
        alt: &str,
    ) -> Result<CatalogEntry, StoreError> {
        let alt = alt_text(alt)?;
        let now = self.now();
        let tx = self.conn.transaction()?;
        position(&tx, product, hash)?;
        let changed = tx.execute(
            "UPDATE product_photo SET alt = ?3 WHERE product_id = ?1 AND photo_hash = ?2 AND alt != ?3",
            params![product.to_string(), hash.as_str(), alt],
        )?;
        if changed == 1 {
            touch(&tx, product, now)?;
        }
        tx.commit()?;
        self.product(product)
    }

    /// Removes photos no product uses, as [`Catalog::remove_photo`] does, and files left by
    /// an interrupted write or cleanup. It walks the whole photos folder: run it now and
    /// then (the app does at start, in the background), not on every change. Returns how
    /// many photos went.
    pub fn collect_photo_garbage(&mut self) -> Result<usize, StoreError> {
        let removed = self.remove_unused_photos()?;
        self.remove_stray_files()?;
        Ok(removed)
    }

    /// Photos no product uses: their files first, then their rows.
    fn remove_unused_photos(&mut self) -> Result<usize, StoreError> {
        let unused: Vec<Parsed<PhotoHash>> = {
            let mut stmt = self.conn.prepare(
                "SELECT hash FROM photo WHERE hash NOT IN (SELECT photo_hash FROM product_photo) \
                 AND hash NOT IN (SELECT photo_hash FROM artisan WHERE photo_hash IS NOT NULL)",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        for Parsed(hash) in &unused {
            for size in [PhotoSize::Upload, PhotoSize::Thumbnail, PhotoSize::Original] {
                let path = self.photo_path(hash, size);
                match fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&path, e)),
                    _ => {}
                }
            }
            // Re-checked: a product may have taken the photo again meanwhile.
            self.conn.execute(
                "DELETE FROM photo WHERE hash = ? AND hash NOT IN (SELECT photo_hash FROM product_photo) \
                 AND hash NOT IN (SELECT photo_hash FROM artisan WHERE photo_hash IS NOT NULL)",
                [hash.as_str()],
            )?;
        }
        Ok(unused.len())
    }

    /// Files in the photos folder with no row, older than [`GRACE`].
    fn remove_stray_files(&self) -> Result<(), StoreError> {
        let Ok(shards) = fs::read_dir(&self.photos.0) else {
            return Ok(());
        };
        let now =
            UNIX_EPOCH + Duration::from_millis(u64::try_from(self.now().millis()).unwrap_or(0));
        let mut known = self.conn.prepare("SELECT 1 FROM photo WHERE hash = ?")?;
        for file in shards
            .flatten()
            .filter_map(|s| fs::read_dir(s.path()).ok())
            .flatten()
            .flatten()
        {
            let path = file.path();
            let name = file.file_name().to_string_lossy().into_owned();
            let hash = name
                .split('.')
                .next()
                .and_then(|h| h.parse::<PhotoHash>().ok());
            let referenced = match &hash {
                Some(h) if !name.starts_with('.') => known.exists([h.as_str()])?,
                _ => false,
            };
            let old = file
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t + GRACE < now);
            if !referenced && old {
                fs::remove_file(&path).map_err(|e| io(&path, e))?;
            }
        }
        Ok(())
    }
}

fn alt_text(alt: &str) -> Result<String, StoreError> {
    let alt = alt.trim();
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(Invalid::one(
            Field::Photos,
            Problem::TooLong {
                max_chars: MAX_ALT_CHARS,
            },
        )
        .into());
    }
    Ok(alt.to_owned())
}

fn not_on(product: ProductId, hash: &PhotoHash) -> StoreError {
    StoreError::NotFound {
        what: "photo",
        id: format!("{hash} on product {product}"),
    }
}

fn position(tx: &Transaction<'_>, product: ProductId, hash: &PhotoHash) -> Result<i64, StoreError> {
    tx.query_row(
        "SELECT position FROM product_photo WHERE product_id = ? AND photo_hash = ?",
        params![product.to_string(), hash.as_str()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| not_on(product, hash))
}

/// Marks the product changed and logs it: photos are part of what marketplaces show.
fn touch(
    tx: &Transaction<'_>,
    product: ProductId,
    now: hanout_domain::Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE product SET updated_at = ? WHERE id = ?",
        params![now.millis(), product.to_string()],
    )?;
    log(tx, product, ChangeKind::Updated, &["photos"], now)
}
