//! The demo's sample cooperative: three artisans and a dozen products, each with a drawn
//! picture, priced and stocked as a village cooperative would.

use std::collections::BTreeMap;

use hanout_domain::{
    ArtisanForm, Category, CooperativeForm, CooperativeId, Lang, ProductForm, ProductId,
};
use hanout_media::{Options, process};
use hanout_store::Catalog;

use crate::DemoError;
use crate::drawings::Drawing;

pub const COOPERATIVE: &str = "Coopérative Tilila (démo)";

/// The artisans: the first leads (the store makes a cooperative's first artisan its
/// leader), the others make.
pub const ARTISANS: [&str; 3] = ["Fatima", "Aïcha", "Youssef"];

/// One sample product.
pub struct Sample {
    pub drawing: Drawing,
    pub category: Category,
    /// French, English, Arabic.
    pub titles: [&'static str; 3],
    pub price: &'static str,
    pub quantity: u32,
    /// Index into [`ARTISANS`].
    pub maker: usize,
}

pub const SAMPLES: [Sample; 12] = [
    Sample {
        drawing: Drawing::Tajine,
        category: Category::Pottery,
        titles: ["Tajine en terre cuite", "Clay tajine", "طاجين من الطين"],
        price: "180",
        quantity: 4,
        maker: 0,
    },
    Sample {
        drawing: Drawing::Rug,
        category: Category::Carpets,
        titles: ["Tapis de Taznakht", "Taznakht rug", "زربية تازناخت"],
        price: "2400",
        quantity: 1,
        maker: 0,
    },
    Sample {
        drawing: Drawing::Basket,
        category: Category::Basketry,
        titles: ["Panier en doum", "Doum palm basket", "سلة من الدوم"],
        price: "85,50",
        quantity: 6,
        maker: 2,
    },
    Sample {
        drawing: Drawing::Fibula,
        category: Category::Jewellery,
        titles: ["Fibule en argent", "Silver fibula", "خلالة من الفضة"],
        price: "650",
        quantity: 1,
        maker: 1,
    },
    Sample {
        drawing: Drawing::ArganOil,
        category: Category::Argan,
        titles: [
            "Huile d'argan 250 ml",
            "Argan oil 250 ml",
            "زيت أركان 250 مل",
        ],
        price: "120",
        quantity: 10,
        maker: 1,
    },
    Sample {
        drawing: Drawing::Slippers,
        category: Category::Leather,
        titles: ["Babouches en cuir", "Leather babouches", "بلغة من الجلد"],
        price: "220",
        quantity: 3,
        maker: 2,
    },
    Sample {
        drawing: Drawing::Pouf,
        category: Category::Leather,
        titles: ["Pouf brodé", "Embroidered pouf", "بوف مطرز"],
        price: "450",
        quantity: 1,
        maker: 2,
    },
    Sample {
        drawing: Drawing::Lantern,
        category: Category::Metal,
        titles: ["Lanterne en laiton", "Brass lantern", "فانوس من النحاس"],
        price: "380",
        quantity: 2,
        maker: 2,
    },
    Sample {
        drawing: Drawing::Box,
        category: Category::Wood,
        titles: ["Boîte en thuya", "Thuya wood box", "علبة من خشب العرعار"],
        price: "160",
        quantity: 5,
        maker: 2,
    },
    Sample {
        drawing: Drawing::Blanket,
        category: Category::Textiles,
        titles: ["Couverture handira", "Handira blanket", "حنديرة"],
        price: "1200",
        quantity: 1,
        maker: 0,
    },
    Sample {
        drawing: Drawing::Plate,
        category: Category::Pottery,
        titles: ["Assiette de Safi", "Safi plate", "صحن آسفي"],
        price: "140",
        quantity: 6,
        maker: 1,
    },
    Sample {
        drawing: Drawing::Fossil,
        category: Category::Stone,
        titles: ["Fossile d'Erfoud", "Erfoud fossil", "أحفورة أرفود"],
        price: "200",
        quantity: 2,
        maker: 0,
    },
];

/// What [`seed`] made.
pub struct Seeded {
    pub cooperative: CooperativeId,
    /// In the order of [`SAMPLES`].
    pub products: Vec<ProductId>,
}

/// Fills an empty catalog with the sample cooperative, its artisans and its products,
/// each ready to sell.
pub fn seed(catalog: &mut Catalog) -> Result<Seeded, DemoError> {
    let coop = catalog.add_cooperative(&CooperativeForm {
        name: COOPERATIVE.into(),
    })?;
    let mut artisans = Vec::new();
    for name in ARTISANS {
        let artisan = catalog.add_artisan(&ArtisanForm {
            name: name.into(),
            cooperative: coop.id.to_string(),
            nia: String::new(),
        })?;
        artisans.push(artisan.id);
    }
    let mut products = Vec::new();
    for sample in &SAMPLES {
        let titles: BTreeMap<Lang, String> = [Lang::Fr, Lang::En, Lang::Ar]
            .into_iter()
            .zip(sample.titles.map(str::to_owned))
            .collect();
        let entry = catalog.add_product(&ProductForm {
            titles,
            category: sample.category.slug().into(),
            price: sample.price.into(),
            quantity: sample.quantity.to_string(),
            maker: artisans[sample.maker].to_string(),
            status: "ready".into(),
            ..ProductForm::default()
        })?;
        let picture = sample.drawing.jpeg();
        let processed = process(&picture, &Options::default())?;
        catalog.add_photo(entry.product.id, &processed, &picture, sample.titles[0])?;
        products.push(entry.product.id);
    }
    Ok(Seeded {
        cooperative: coop.id,
        products,
    })
}
