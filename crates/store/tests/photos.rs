//! Product photos: content-addressed files beside a real SQLite file.

mod common;

use std::fs::{self, File};
use std::time::{Duration, UNIX_EPOCH};

use common::{Shop, product, shop};
use hanout_domain::{Field, Lang, PhotoHash, Problem, ProductId};
use hanout_media::{Format, Processed, Rendition, SourceInfo};
use hanout_store::{Catalog, ChangeKind, PhotoSize, StoreError};

/// Stand-ins for the pipeline's renditions: the store keeps bytes, it does not decode.
fn photo(seed: u8) -> Processed {
    let source = SourceInfo {
        format: Format::Jpeg,
        width: 4000,
        height: 3000,
        orientation: 1,
        upright_width: 4000,
        upright_height: 3000,
    };
    Processed {
        source,
        upload: Rendition {
            jpeg: vec![seed; 3000 + seed as usize],
            width: 2000,
            height: 1500,
        },
        thumbnail: Rendition {
            jpeg: vec![seed.wrapping_add(100); 300],
            width: 400,
            height: 300,
        },
    }
}

/// The "camera file" a photo came from.
fn original(seed: u8) -> Vec<u8> {
    vec![seed; 9000]
}

fn add(c: &mut Catalog, p: ProductId, seed: u8) -> PhotoHash {
    let entry = c
        .add_photo(p, &photo(seed), &original(seed), &format!("photo {seed}"))
        .unwrap();
    entry.product.photos.last().unwrap().hash.clone()
}

fn order(c: &Catalog, p: ProductId) -> Vec<PhotoHash> {
    c.product(p)
        .unwrap()
        .product
        .photos
        .into_iter()
        .map(|ph| ph.hash)
        .collect()
}

fn two_products(s: &mut Shop) -> (ProductId, ProductId) {
    let a = s
        .catalog
        .add_product(&product((Lang::Fr, "Tajine"), "pottery", "120", s.fatima))
        .unwrap();
    let b = s
        .catalog
        .add_product(&product((Lang::Fr, "Plat"), "pottery", "90", s.fatima))
        .unwrap();
    (a.product.id, b.product.id)
}

#[test]
fn photos_keep_their_order_and_survive_a_restart() {
    let mut s = shop();
    let (p, _) = two_products(&mut s);
    let hashes: Vec<PhotoHash> = (1..=3).map(|i| add(&mut s.catalog, p, i)).collect();
    assert_eq!(order(&s.catalog, p), hashes);
    let cover = &s.catalog.product(p).unwrap().product.photos[0];
    assert_eq!(
        (cover.alt.as_str(), cover.width, cover.height),
        ("photo 1", 2000, 1500)
    );

    for h in &hashes {
        let upload = fs::read(s.catalog.photo_path(h, PhotoSize::Upload)).unwrap();
        assert_eq!(
            format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&upload)),
            h.as_str()
        );
        assert!(s.catalog.photo_path(h, PhotoSize::Thumbnail).exists());
        assert!(
            s.catalog
                .photo_path(h, PhotoSize::Upload)
                .starts_with(s.dir.path())
        );
    }
    let logged = s.catalog.changes_after(0, 100).unwrap();
    let photo_changes = logged
        .iter()
        .filter(|c| c.kind == ChangeKind::Updated && c.fields == ["photos"])
        .count();
    assert_eq!(photo_changes, 3);

    drop(s.catalog);
    let reopened = Catalog::open(&s.path).unwrap();
    assert_eq!(order(&reopened, p), hashes);
}

#[test]
fn moving_a_photo_changes_the_cover() {
    let mut s = shop();
    let (p, _) = two_products(&mut s);
    let h: Vec<PhotoHash> = (1..=4).map(|i| add(&mut s.catalog, p, i)).collect();
    s.catalog.move_photo(p, &h[2], 0).unwrap();
    assert_eq!(
        order(&s.catalog, p),
        [&h[2], &h[0], &h[1], &h[3]].map(Clone::clone)
    );
    s.catalog.move_photo(p, &h[2], 99).unwrap();
    assert_eq!(
        order(&s.catalog, p),
        [&h[0], &h[1], &h[3], &h[2]].map(Clone::clone)
    );
    let before = s.catalog.changes_after(0, 100).unwrap().len();
    s.catalog.move_photo(p, &h[0], 0).unwrap();
    assert_eq!(
        s.catalog.changes_after(0, 100).unwrap().len(),
        before,
        "a move to where it is changes nothing"
    );
}

#[test]
fn a_photo_used_twice_is_stored_once_and_goes_with_its_last_use() {
    let mut s = shop();
    let (a, b) = two_products(&mut s);
    let shared = add(&mut s.catalog, a, 7);
    assert_eq!(add(&mut s.catalog, b, 7), shared);
    let only_a = add(&mut s.catalog, a, 8);
    let files = |c: &Catalog, h: &PhotoHash| {
        [PhotoSize::Upload, PhotoSize::Thumbnail].map(|size| c.photo_path(h, size).exists())
    };

    s.catalog.remove_photo(a, &shared).unwrap();
    assert_eq!(order(&s.catalog, a), std::slice::from_ref(&only_a));
    assert_eq!(files(&s.catalog, &shared), [true, true], "b still uses it");

    s.catalog.remove_photo(b, &shared).unwrap();
    assert!(order(&s.catalog, b).is_empty());
    assert_eq!(files(&s.catalog, &shared), [false, false]);
    assert_eq!(files(&s.catalog, &only_a), [true, true]);

    // Adding the same photo twice to one product keeps one.
    assert_eq!(add(&mut s.catalog, a, 8), only_a);
    assert_eq!(order(&s.catalog, a).len(), 1);
}

#[test]
fn an_interrupted_cleanup_is_finished_by_the_next_one() {
    let mut s = shop();
    let (a, _) = two_products(&mut s);
    let gone = add(&mut s.catalog, a, 1);
    let kept = add(&mut s.catalog, a, 2);
    // As if a cleanup stopped after deleting the files but before deleting the row:
    let side = rusqlite::Connection::open(&s.path).unwrap();
    side.execute(
        "DELETE FROM product_photo WHERE photo_hash = ?",
        [gone.as_str()],
    )
    .unwrap();
    fs::remove_file(s.catalog.photo_path(&gone, PhotoSize::Upload)).unwrap();
    assert_eq!(s.catalog.collect_photo_garbage().unwrap(), 1);
    let rows: i64 = side
        .query_row("SELECT count(*) FROM photo", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    assert!(!s.catalog.photo_path(&gone, PhotoSize::Thumbnail).exists());
    assert!(s.catalog.photo_path(&kept, PhotoSize::Upload).exists());
}

#[test]
fn stray_files_go_once_they_are_old() {
    let mut s = shop();
    let (a, _) = two_products(&mut s);
    let kept = add(&mut s.catalog, a, 1);
    let dir = s
        .catalog
        .photo_path(&kept, PhotoSize::Upload)
        .parent()
        .unwrap()
        .to_owned();
    // A write that crashed before its row committed, and its temporary file.
    let stray = dir.join(format!("{}.jpg", "c".repeat(64)));
    let tmp = dir.join(format!(".{}.jpg.123.tmp", "d".repeat(64)));
    let young = dir.join(format!("{}.jpg", "e".repeat(64)));
    for f in [&stray, &tmp, &young] {
        fs::write(f, b"partial").unwrap();
    }
    for f in [&stray, &tmp] {
        let long_ago = UNIX_EPOCH + Duration::from_secs(946_684_800); // 2000-01-01
        File::options()
            .write(true)
            .open(f)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
    }
    s.catalog.collect_photo_garbage().unwrap();
    assert!(!stray.exists() && !tmp.exists());
    assert!(
        young.exists(),
        "a file younger than an hour may be a write in progress"
    );
    assert!(s.catalog.photo_path(&kept, PhotoSize::Upload).exists());
}

#[test]
fn limits_and_unknowns_are_refused_clearly() {
    let mut s = shop();
    let (a, b) = two_products(&mut s);
    for i in 0..20 {
        add(&mut s.catalog, a, i);
    }
    let new = photo(200);
    match s.catalog.add_photo(a, &new, &original(200), "") {
        Err(StoreError::Invalid(e)) => assert_eq!(
            (e.0[0].field, &e.0[0].problem),
            (Field::Photos, &Problem::TooMany { max: 20 })
        ),
        other => panic!("expected too many photos, got {other:?}"),
    }
    match s
        .catalog
        .add_photo(b, &new, &original(200), &"x".repeat(251))
    {
        Err(StoreError::Invalid(e)) => assert!(matches!(
            e.0[0].problem,
            Problem::TooLong { max_chars: 250 }
        )),
        other => panic!("expected a too-long alt text, got {other:?}"),
    }
    let first = order(&s.catalog, a).remove(0);
    assert!(matches!(
        s.catalog.remove_photo(b, &first),
        Err(StoreError::NotFound { .. })
    ));
    let entry = s
        .catalog
        .set_photo_alt(a, &first, "  Tajine vu de haut ")
        .unwrap();
    assert_eq!(entry.product.photos[0].alt, "Tajine vu de haut");
}

#[test]
fn originals_are_kept_only_when_the_setting_says_so() {
    let mut s = shop();
    let (a, _) = two_products(&mut s);
    assert!(
        !s.catalog.settings().unwrap().keep_originals,
        "off by default"
    );
    let without = add(&mut s.catalog, a, 1);
    assert!(!s.catalog.photo_path(&without, PhotoSize::Original).exists());

    assert!(s.catalog.set_keep_originals(true).unwrap().keep_originals);
    let with = add(&mut s.catalog, a, 2);
    let kept = s.catalog.photo_path(&with, PhotoSize::Original);
    assert_eq!(fs::read(&kept).unwrap(), original(2));

    drop(s.catalog);
    let mut reopened = Catalog::open(&s.path).unwrap();
    assert!(
        reopened.settings().unwrap().keep_originals,
        "the setting is kept"
    );
    reopened.remove_photo(a, &with).unwrap();
    assert!(!kept.exists(), "the original goes with the photo");
}

#[test]
fn a_portrait_is_kept_by_its_artisan_through_cleanups() {
    let mut s = shop();
    let (a, _) = two_products(&mut s);
    let portrait = s
        .catalog
        .set_artisan_photo(s.fatima, &photo(9))
        .unwrap()
        .photo
        .expect("a portrait");
    // The same picture on a product, then taken off it: the artisan still shows it.
    assert_eq!(add(&mut s.catalog, a, 9), portrait);
    s.catalog.remove_photo(a, &portrait).unwrap();
    s.catalog.collect_photo_garbage().unwrap();
    assert!(
        s.catalog
            .photo_path(&portrait, PhotoSize::Thumbnail)
            .exists()
    );

    // A new portrait leaves the old one to the next cleanup.
    s.catalog.set_artisan_photo(s.fatima, &photo(10)).unwrap();
    s.catalog.collect_photo_garbage().unwrap();
    assert!(
        !s.catalog
            .photo_path(&portrait, PhotoSize::Thumbnail)
            .exists()
    );
}
