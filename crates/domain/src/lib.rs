//! Hanout's domain: what an artisan sells and the rules it must follow.
//!
//! This crate does no IO: no files, no network, no clock, no database. It compiles for the
//! UI's wasm too, so the app, the CLI and the store validate with one set of rules.

mod category;
mod error;
mod ids;
mod lang;
mod measure;
mod money;
mod number;
mod people;
mod photo;
mod product;
mod saver;
pub mod search;
mod time;

pub use category::Category;
pub use error::{Field, FieldError, Invalid, Problem};
pub use ids::{ArtisanId, CooperativeId, OperationId, ProductId};
pub use lang::Lang;
pub use measure::{Dimensions, LengthUnit, Weight, WeightUnit};
pub use money::Price;
pub use people::{
    Artisan, ArtisanFields, ArtisanForm, Cooperative, CooperativeForm, Nia, Role, Workshop,
};
pub use photo::{
    BadPhotoHash, MAX_ALT_CHARS, MAX_PHOTO_FILE_BYTES, MAX_PHOTOS, PhotoFileTooBig, PhotoHash,
    ProductPhoto, check_photo_file_size,
};
pub use product::{
    CatalogEntry, MAX_QUANTITY, Product, ProductFields, ProductFilter, ProductForm, ProductStatus,
};
pub use saver::DataSaver;
pub use time::{Clock, Timestamp};
