use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A craft category, following the sectors of Moroccan handicraft (law 50.17) that sell.
/// The set is fixed: marketplaces map each one to their own taxonomy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Pottery,
    Carpets,
    Clothing,
    Leather,
    Wood,
    Metal,
    Basketry,
    Jewellery,
    Textiles,
    Stone,
    Argan,
    Other,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::Pottery,
        Category::Carpets,
        Category::Clothing,
        Category::Leather,
        Category::Wood,
        Category::Metal,
        Category::Basketry,
        Category::Jewellery,
        Category::Textiles,
        Category::Stone,
        Category::Argan,
        Category::Other,
    ];

    /// The stable name used in files, the CLI and the database.
    pub fn slug(self) -> &'static str {
        match self {
            Category::Pottery => "pottery",
            Category::Carpets => "carpets",
            Category::Clothing => "clothing",
            Category::Leather => "leather",
            Category::Wood => "wood",
            Category::Metal => "metal",
            Category::Basketry => "basketry",
            Category::Jewellery => "jewellery",
            Category::Textiles => "textiles",
            Category::Stone => "stone",
            Category::Argan => "argan",
            Category::Other => "other",
        }
    }

    /// The sector's name in English, for the CLI and logs.
    pub fn label(self) -> &'static str {
        match self {
            Category::Pottery => "Pottery and ceramics",
            Category::Carpets => "Carpets and rugs",
            Category::Clothing => "Traditional clothing",
            Category::Leather => "Leather",
            Category::Wood => "Wood",
            Category::Metal => "Metal and brass",
            Category::Basketry => "Basketry",
            Category::Jewellery => "Jewellery",
            Category::Textiles => "Textiles and embroidery",
            Category::Stone => "Stone and tadelakt",
            Category::Argan => "Argan and cosmetics",
            Category::Other => "Other",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Category {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim();
        Category::ALL
            .into_iter()
            .find(|c| c.slug().eq_ignore_ascii_case(s))
            .ok_or(())
    }
}
