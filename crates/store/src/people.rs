//! Cooperatives and their artisans.

use hanout_domain::{
    Artisan, ArtisanForm, ArtisanId, Cooperative, CooperativeForm, CooperativeId, Field, Invalid,
    Problem, Timestamp,
};
use rusqlite::{OptionalExtension, params};

use crate::rows::Parsed;
use crate::{Catalog, StoreError};

impl Catalog {
    pub fn add_cooperative(&mut self, form: &CooperativeForm) -> Result<Cooperative, StoreError> {
        let name = form.validate()?;
        let c = Cooperative {
            id: CooperativeId::from_uuid(self.new_id()),
            name,
            created_at: self.now(),
        };
        self.conn.execute(
            "INSERT INTO cooperative (id, name, created_at) VALUES (?, ?, ?)",
            params![c.id.to_string(), c.name, c.created_at.millis()],
        )?;
        Ok(c)
    }

    pub fn cooperatives(&self) -> Result<Vec<Cooperative>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, created_at FROM cooperative ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(Cooperative {
                id: r.get::<_, Parsed<_>>(0)?.0,
                name: r.get(1)?,
                created_at: Timestamp(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_artisan(&mut self, form: &ArtisanForm) -> Result<Artisan, StoreError> {
        let fields = form.validate()?;
        let a = Artisan {
            id: ArtisanId::from_uuid(self.new_id()),
            fields,
            created_at: self.now(),
        };
        let known: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM cooperative WHERE id = ?",
                [a.fields.cooperative.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_none() {
            return Err(Invalid::one(Field::Cooperative, Problem::UnknownCooperative).into());
        }
        self.conn.execute(
            "INSERT INTO artisan (id, cooperative_id, name, nia, created_at) VALUES (?, ?, ?, ?, ?)",
            params![
                a.id.to_string(),
                a.fields.cooperative.to_string(),
                a.fields.name,
                a.fields.nia.as_ref().map(|n| n.as_str()),
                a.created_at.millis()
            ],
        )?;
        Ok(a)
    }

    /// Every artisan, by name.
    pub fn artisans(&self) -> Result<Vec<Artisan>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, cooperative_id, name, nia, created_at FROM artisan ORDER BY name, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Artisan {
                id: r.get::<_, Parsed<_>>(0)?.0,
                fields: hanout_domain::ArtisanFields {
                    cooperative: r.get::<_, Parsed<_>>(1)?.0,
                    name: r.get(2)?,
                    nia: r.get::<_, Option<Parsed<_>>>(3)?.map(|n| n.0),
                },
                created_at: Timestamp(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The artisan whose id is `key` or starts with it, or whose name is `key`.
    pub fn find_artisan(&self, key: &str) -> Result<ArtisanId, StoreError> {
        self.resolve("artisan", "SELECT id FROM artisan WHERE substr(id, 1, length(?1)) = ?1 OR name = ?1 COLLATE NOCASE LIMIT 2", key)
    }

    /// The cooperative whose id is `key` or starts with it, or whose name is `key`.
    pub fn find_cooperative(&self, key: &str) -> Result<CooperativeId, StoreError> {
        self.resolve(
            "cooperative",
            "SELECT id FROM cooperative WHERE substr(id, 1, length(?1)) = ?1 OR name = ?1 COLLATE NOCASE LIMIT 2",
            key,
        )
    }

    /// Runs a lookup (`?1` is the key) that yields at most two ids, and insists on one.
    pub(crate) fn resolve<T: std::str::FromStr>(
        &self,
        what: &'static str,
        sql: &str,
        key: &str,
    ) -> Result<T, StoreError> {
        let key = key.trim();
        let not_found = || StoreError::NotFound {
            what,
            id: key.to_owned(),
        };
        if key.is_empty() {
            return Err(not_found());
        }
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut ids: Vec<Parsed<T>> = stmt
            .query_map([key], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        match (ids.pop(), ids.len()) {
            (Some(id), 0) => Ok(id.0),
            (None, _) => Err(not_found()),
            (Some(_), n) => Err(StoreError::Ambiguous {
                what,
                prefix: key.to_owned(),
                count: n + 1,
            }),
        }
    }
}
