//! Products: add, edit, archive, list, search; and the change log each write appends to.

use hanout_domain::search::{fold, fts_query};
use hanout_domain::{
    ArtisanId, CatalogEntry, Field, Invalid, Problem, ProductFields, ProductFilter, ProductForm,
    ProductId, ProductStatus, Timestamp,
};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Transaction, params, params_from_iter};
use serde::{Deserialize, Serialize};

use crate::rows::{ENTRY_COLUMNS, Parsed, entry, entry_at, json};
use crate::{Catalog, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Updated,
    Archived,
}

impl ChangeKind {
    fn slug(self) -> &'static str {
        match self {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::Archived => "archived",
        }
    }
}

impl std::str::FromStr for ChangeKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [
            ChangeKind::Created,
            ChangeKind::Updated,
            ChangeKind::Archived,
        ]
        .into_iter()
        .find(|k| k.slug() == s)
        .ok_or(())
    }
}

/// One row of the change log: a product changed, and which of its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub seq: i64,
    pub product: ProductId,
    pub kind: ChangeKind,
    pub fields: Vec<String>,
    pub at: Timestamp,
}

/// What a created product's log row names: everything.
const ALL_FIELDS: [&str; 10] = [
    "titles",
    "descriptions",
    "category",
    "price",
    "quantity",
    "maker",
    "materials",
    "dimensions",
    "weight",
    "status",
];

/// The product columns a write sets, as `?2`..`?15`; `?1` is the id and `?16` the time.
const WRITE_COLUMNS: [&str; 14] = [
    "maker_id",
    "category",
    "status",
    "price_centimes",
    "quantity",
    "titles",
    "descriptions",
    "materials",
    "length_mm",
    "width_mm",
    "height_mm",
    "length_unit",
    "weight_g",
    "weight_unit",
];

/// The values for `?1`..`?16` of an insert or an update.
fn write_params(id: ProductId, f: &ProductFields, at: Timestamp) -> Vec<Value> {
    let opt_int = |v: Option<u32>| v.map_or(Value::Null, |n| Value::Integer(n.into()));
    let opt_text = |v: Option<&str>| v.map_or(Value::Null, |s| Value::Text(s.to_owned()));
    let d = f.dimensions;
    vec![
        Value::Text(id.to_string()),
        Value::Text(f.maker.to_string()),
        Value::Text(f.category.slug().to_owned()),
        Value::Text(f.status.slug().to_owned()),
        Value::Integer(f.price.centimes()),
        Value::Integer(f.quantity.into()),
        Value::Text(json(&f.titles)),
        Value::Text(json(&f.descriptions)),
        Value::Text(json(&f.materials)),
        opt_int(d.map(|d| d.length_mm)),
        opt_int(d.map(|d| d.width_mm)),
        opt_int(d.and_then(|d| d.height_mm)),
        opt_text(d.map(|d| d.unit.name())),
        opt_int(f.weight.map(|w| w.grams)),
        opt_text(f.weight.map(|w| w.unit.name())),
        Value::Integer(at.millis()),
    ]
}

impl Catalog {
    /// Adds a product made by an artisan of this workshop.
    pub fn add_product(&mut self, form: &ProductForm) -> Result<CatalogEntry, StoreError> {
        let fields = form.validate()?;
        let id = ProductId::from_uuid(self.new_id());
        let now = self.now();
        let tx = self.conn.transaction()?;
        let maker = maker_name(&tx, fields.maker)?;
        let placeholders: Vec<String> = (2..=15).map(|i| format!("?{i}")).collect();
        tx.execute(
            &format!(
                "INSERT INTO product (id, {}, created_at, updated_at) VALUES (?1, {}, ?16, ?16)",
                WRITE_COLUMNS.join(", "),
                placeholders.join(", ")
            ),
            params_from_iter(write_params(id, &fields, now)),
        )?;
        index(&tx, tx.last_insert_rowid(), &fields, &maker)?;
        log(&tx, id, ChangeKind::Created, &ALL_FIELDS, now)?;
        tx.commit()?;
        self.product(id)
    }

    /// Replaces a product's details with the form's. Saving what is already there changes
    /// nothing and logs nothing.
    pub fn update_product(
        &mut self,
        id: ProductId,
        form: &ProductForm,
    ) -> Result<CatalogEntry, StoreError> {
        let fields = form.validate()?;
        self.write_product(id, ChangeKind::Updated, |_| fields)
    }

    /// Takes a product off sale for good, keeping its record.
    pub fn archive_product(&mut self, id: ProductId) -> Result<CatalogEntry, StoreError> {
        self.write_product(id, ChangeKind::Archived, |before| ProductFields {
            status: ProductStatus::Archived,
            ..before.clone()
        })
    }

    fn write_product(
        &mut self,
        id: ProductId,
        kind: ChangeKind,
        change: impl FnOnce(&ProductFields) -> ProductFields,
    ) -> Result<CatalogEntry, StoreError> {
        let now = self.now();
        let tx = self.conn.transaction()?;
        let (rowid, before) = product_row(&tx, id)?;
        let fields = change(&before.product.fields);
        let changed = fields.changed_since(&before.product.fields);
        if changed.is_empty() {
            return Ok(before);
        }
        let maker = maker_name(&tx, fields.maker)?;
        let sets: Vec<String> = WRITE_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 2))
            .collect();
        tx.execute(
            &format!(
                "UPDATE product SET {}, updated_at = ?16 WHERE id = ?1",
                sets.join(", ")
            ),
            params_from_iter(write_params(id, &fields, now)),
        )?;
        index(&tx, rowid, &fields, &maker)?;
        log(&tx, id, kind, &changed, now)?;
        tx.commit()?;
        self.product(id)
    }

    pub fn product(&self, id: ProductId) -> Result<CatalogEntry, StoreError> {
        Ok(product_row(&self.conn, id)?.1)
    }

    /// A page of the catalog, newest changes first; with a query, best matches first.
    pub fn products(&self, filter: &ProductFilter) -> Result<Vec<CatalogEntry>, StoreError> {
        let mut sql =
            format!("SELECT {ENTRY_COLUMNS} FROM product p JOIN artisan a ON a.id = p.maker_id");
        let mut conditions: Vec<&str> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let query = filter.query.as_deref().and_then(fts_query);
        if let Some(q) = &query {
            sql += " JOIN product_search ON product_search.rowid = p.rowid";
            conditions.push("product_search MATCH ?");
            args.push(Value::Text(q.clone()));
        }
        match filter.status {
            Some(s) => {
                conditions.push("p.status = ?");
                args.push(Value::Text(s.slug().to_owned()));
            }
            None => conditions.push("p.status != 'archived'"),
        }
        if let Some(c) = filter.category {
            conditions.push("p.category = ?");
            args.push(Value::Text(c.slug().to_owned()));
        }
        if let Some(m) = filter.maker {
            conditions.push("p.maker_id = ?");
            args.push(Value::Text(m.to_string()));
        }
        sql += " WHERE ";
        sql += &conditions.join(" AND ");
        sql += if query.is_some() {
            " ORDER BY rank, p.updated_at DESC"
        } else {
            " ORDER BY p.updated_at DESC, p.id DESC"
        };
        sql += " LIMIT ? OFFSET ?";
        args.push(Value::Integer(i64::from(filter.page_size())));
        args.push(Value::Integer(filter.offset.into()));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), entry)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Change-log rows after `seq`, oldest first: what the sync engine has yet to see.
    pub fn changes_after(&self, seq: i64, limit: u32) -> Result<Vec<Change>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, product_id, kind, fields, at FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
        )?;
        let rows = stmt.query_map(params![seq, limit], |r| {
            Ok(Change {
                seq: r.get(0)?,
                product: r.get::<_, Parsed<_>>(1)?.0,
                kind: r.get::<_, Parsed<_>>(2)?.0,
                fields: r.get::<_, crate::rows::Json<_>>(3)?.0,
                at: Timestamp(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The product whose id is `key` or starts with it.
    pub fn find_product(&self, key: &str) -> Result<ProductId, StoreError> {
        self.resolve(
            "product",
            "SELECT id FROM product WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2",
            key,
        )
    }
}

fn product_row(
    conn: &rusqlite::Connection,
    id: ProductId,
) -> Result<(i64, CatalogEntry), StoreError> {
    conn.query_row(
        &format!("SELECT p.rowid, {ENTRY_COLUMNS} FROM product p JOIN artisan a ON a.id = p.maker_id WHERE p.id = ?"),
        [id.to_string()],
        |r| Ok((r.get(0)?, entry_at(r, 1)?)),
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound { what: "product", id: id.to_string() })
}

/// The maker's name, or the form error an unknown maker deserves.
fn maker_name(tx: &Transaction<'_>, maker: ArtisanId) -> Result<String, StoreError> {
    tx.query_row(
        "SELECT name FROM artisan WHERE id = ?",
        [maker.to_string()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Invalid::one(Field::Maker, Problem::UnknownMaker).into())
}

fn index(
    tx: &Transaction<'_>,
    rowid: i64,
    f: &ProductFields,
    maker: &str,
) -> Result<(), StoreError> {
    let mut body = String::new();
    for text in f
        .titles
        .values()
        .chain(f.descriptions.values())
        .chain(&f.materials)
    {
        body += text;
        body.push('\n');
    }
    body += maker;
    tx.execute("DELETE FROM product_search WHERE rowid = ?", [rowid])?;
    tx.execute(
        "INSERT INTO product_search (rowid, body) VALUES (?, ?)",
        params![rowid, fold(&body)],
    )?;
    Ok(())
}

pub(crate) fn log(
    tx: &Transaction<'_>,
    id: ProductId,
    kind: ChangeKind,
    fields: &[&str],
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO change_log (product_id, kind, fields, at) VALUES (?, ?, ?, ?)",
        params![id.to_string(), kind.slug(), json(&fields), at.millis()],
    )?;
    Ok(())
}
