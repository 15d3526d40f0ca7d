//! Reading domain values back from rows. A row that does not hold what the schema promises
//! is reported as damage, never a panic.

use std::collections::BTreeMap;
use std::str::FromStr;

use hanout_domain::{
    CatalogEntry, Dimensions, Lang, LengthUnit, Price, Product, ProductFields, ProductPhoto,
    Timestamp, Weight, WeightUnit,
};
use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use serde::de::DeserializeOwned;

/// The columns [`entry`] reads, in order, for `FROM product p JOIN artisan a`.
pub(crate) const ENTRY_COLUMNS: &str = "p.id, p.maker_id, p.category, p.status, \
    p.price_centimes, p.quantity, p.titles, p.descriptions, p.materials, p.length_mm, \
    p.width_mm, p.height_mm, p.length_unit, p.weight_g, p.weight_unit, p.created_at, \
    p.updated_at, a.name, \
    (SELECT json_group_array(json_object('hash', pp.photo_hash, 'alt', pp.alt, \
        'width', ph.width, 'height', ph.height) ORDER BY pp.position) \
     FROM product_photo pp JOIN photo ph ON ph.hash = pp.photo_hash WHERE pp.product_id = p.id)";

/// A column parsed with `FromStr` (ids, slugs).
pub(crate) struct Parsed<T>(pub T);

impl<T: FromStr> FromSql for Parsed<T> {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = v.as_str()?;
        s.parse()
            .map(Parsed)
            .map_err(|_| FromSqlError::Other(format!("unexpected value {s:?}").into()))
    }
}

/// A JSON column.
pub(crate) struct Json<T>(pub T);

impl<T: DeserializeOwned> FromSql for Json<T> {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        serde_json::from_str(v.as_str()?)
            .map(Json)
            .map_err(|e| FromSqlError::Other(e.into()))
    }
}

/// Writes a value the store itself built as JSON; cannot fail for maps of strings.
pub(crate) fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub(crate) fn entry(r: &Row<'_>) -> rusqlite::Result<CatalogEntry> {
    entry_at(r, 0)
}

/// Reads [`ENTRY_COLUMNS`] starting at column `at`.
pub(crate) fn entry_at(r: &Row<'_>, at: usize) -> rusqlite::Result<CatalogEntry> {
    let dimensions = match (
        r.get::<_, Option<u32>>(at + 9)?,
        r.get::<_, Option<u32>>(at + 10)?,
    ) {
        (Some(length_mm), Some(width_mm)) => Some(Dimensions {
            length_mm,
            width_mm,
            height_mm: r.get(at + 11)?,
            unit: r
                .get::<_, Option<Parsed<_>>>(at + 12)?
                .map_or(LengthUnit::Cm, |u| u.0),
        }),
        _ => None,
    };
    let weight = r
        .get::<_, Option<u32>>(at + 13)?
        .map(|grams| -> rusqlite::Result<Weight> {
            let unit = r
                .get::<_, Option<Parsed<_>>>(at + 14)?
                .map_or(WeightUnit::G, |u| u.0);
            Ok(Weight { grams, unit })
        });
    let price: i64 = r.get(at + 4)?;
    let fields = ProductFields {
        maker: r.get::<_, Parsed<_>>(at + 1)?.0,
        category: r.get::<_, Parsed<_>>(at + 2)?.0,
        status: r.get::<_, Parsed<_>>(at + 3)?.0,
        price: Price::from_centimes(price).map_err(|p| {
            rusqlite::Error::FromSqlConversionFailure(
                at + 4,
                rusqlite::types::Type::Integer,
                p.to_string().into(),
            )
        })?,
        quantity: r.get(at + 5)?,
        titles: r.get::<_, Json<BTreeMap<Lang, String>>>(at + 6)?.0,
        descriptions: r.get::<_, Json<BTreeMap<Lang, String>>>(at + 7)?.0,
        materials: r.get::<_, Json<Vec<String>>>(at + 8)?.0,
        dimensions,
        weight: weight.transpose()?,
    };
    Ok(CatalogEntry {
        product: Product {
            id: r.get::<_, Parsed<_>>(at)?.0,
            fields,
            photos: r.get::<_, Json<Vec<ProductPhoto>>>(at + 18)?.0,
            created_at: Timestamp(r.get(at + 15)?),
            updated_at: Timestamp(r.get(at + 16)?),
        },
        maker_name: r.get(at + 17)?,
    })
}
