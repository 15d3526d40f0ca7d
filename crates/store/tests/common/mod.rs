//! What the store's tests share: a workshop with two artisans on a real file.
#![allow(dead_code)] // each test file uses its own part of this

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use hanout_domain::{ArtisanForm, ArtisanId, Clock, CooperativeForm, Lang, ProductForm, Timestamp};
use hanout_store::Catalog;

/// A clock that moves one second each time it is read.
#[derive(Clone, Default)]
pub struct Ticking(Arc<AtomicI64>);

impl Clock for Ticking {
    fn now(&self) -> Timestamp {
        Timestamp(1_750_000_000_000 + 1000 * self.0.fetch_add(1, Ordering::SeqCst))
    }
}

pub struct Shop {
    pub dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub catalog: Catalog,
    pub fatima: ArtisanId,
    pub youssef: ArtisanId,
}

pub fn shop() -> Shop {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("hanout.db");
    let mut catalog = Catalog::open_with_clock(&path, Box::new(Ticking::default())).unwrap();
    let coop = catalog
        .add_cooperative(&CooperativeForm {
            name: "Coopérative Tifawin".into(),
        })
        .unwrap();
    let mut artisan = |name: &str| {
        let form = ArtisanForm {
            name: name.into(),
            cooperative: coop.id.to_string(),
            nia: String::new(),
        };
        catalog.add_artisan(&form).unwrap().id
    };
    let (fatima, youssef) = (artisan("Fatima Aït Lahcen"), artisan("يوسف"));
    Shop {
        dir,
        path,
        catalog,
        fatima,
        youssef,
    }
}

pub fn product(title: (Lang, &str), category: &str, price: &str, maker: ArtisanId) -> ProductForm {
    ProductForm {
        titles: [(title.0, title.1.to_owned())].into(),
        category: category.into(),
        price: price.into(),
        quantity: "1".into(),
        maker: maker.to_string(),
        status: "ready".into(),
        ..ProductForm::default()
    }
}
