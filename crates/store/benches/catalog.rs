//! The catalog on a real SQLite file holding 10,000 products:
//! `cargo bench -p hanout-store --bench catalog`.
//! Aims: first page under 5 ms, search under 10 ms, one insert with its change-log row
//! under 1 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hanout_domain::{
    ArtisanForm, ArtisanId, Category, CooperativeForm, Lang, ProductFilter, ProductForm,
};
use hanout_store::Catalog;

const PRODUCTS: usize = 10_000;
const FR: [&str; 8] = [
    "Tajine", "Tapis", "Panier", "Pouf", "Lanterne", "Bol", "Collier", "Plateau",
];
const AR: [&str; 8] = [
    "طاجين",
    "زربية",
    "سلة",
    "بوف",
    "فانوس",
    "زلافة",
    "قلادة",
    "صينية",
];
const PLACES: [&str; 6] = [
    "de Safi",
    "berbère",
    "en cuir",
    "du Rif",
    "de Fès",
    "d'Essaouira",
];

fn form(i: usize, maker: ArtisanId) -> ProductForm {
    ProductForm {
        titles: [
            (Lang::Fr, format!("{} {} n°{i}", FR[i % 8], PLACES[i % 6])),
            (Lang::Ar, format!("{} {i}", AR[(i / 3) % 8])),
        ]
        .into(),
        descriptions: [(Lang::Fr, format!("Pièce faite main, série {}", i % 97))].into(),
        category: Category::ALL[i % Category::ALL.len()].slug().into(),
        price: format!("{}.{:02}", 50 + i % 2000, i % 100),
        quantity: (1 + i % 5).to_string(),
        maker: maker.to_string(),
        materials: ["argile", "laine", "cuir", "laiton"][i % 4].into(),
        status: "ready".into(),
        ..ProductForm::default()
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = Catalog::open(&dir.path().join("bench.db")).expect("catalog");
    let coop = catalog
        .add_cooperative(&CooperativeForm {
            name: "Bench".into(),
        })
        .expect("coop");
    let makers: Vec<ArtisanId> = (0..10)
        .map(|i| {
            let form = ArtisanForm {
                name: format!("Artisan {i}"),
                cooperative: coop.id.to_string(),
                nia: String::new(),
            };
            catalog.add_artisan(&form).expect("artisan").id
        })
        .collect();
    for i in 0..PRODUCTS {
        catalog
            .add_product(&form(i, makers[i % makers.len()]))
            .expect("product");
    }

    c.bench_function("first page of 50 (10k products)", |b| {
        b.iter(|| black_box(catalog.products(&ProductFilter::default()).expect("page")))
    });
    let search = |q: &str| ProductFilter {
        query: Some(q.into()),
        ..ProductFilter::default()
    };
    for q in ["tajine safi", "طاجين", "laine", "pla"] {
        let filter = search(q);
        c.bench_function(&format!("search {q:?} (10k products)"), |b| {
            b.iter(|| black_box(catalog.products(&filter).expect("search")))
        });
    }
    let mut i = PRODUCTS;
    c.bench_function("insert a product with its change-log row", |b| {
        b.iter(|| {
            i += 1;
            black_box(
                catalog
                    .add_product(&form(i, makers[i % makers.len()]))
                    .expect("insert"),
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = bench
}
criterion_main!(benches);
