//! Cooperatives and their artisans.

use hanout_domain::{
    Artisan, ArtisanForm, ArtisanId, Cooperative, CooperativeForm, CooperativeId, Field, Invalid,
    Lang, PhotoHash, Problem, Role, Timestamp,
};
use hanout_media::Processed;
use rusqlite::{OptionalExtension, params};

use crate::rows::Parsed;
use crate::{Catalog, StoreError};

const ARTISAN_COLUMNS: &str = "id, cooperative_id, name, nia, role, lang, photo_hash, created_at";

fn artisan(r: &rusqlite::Row<'_>) -> rusqlite::Result<Artisan> {
    Ok(Artisan {
        id: r.get::<_, Parsed<_>>(0)?.0,
        fields: hanout_domain::ArtisanFields {
            cooperative: r.get::<_, Parsed<_>>(1)?.0,
            name: r.get(2)?,
            nia: r.get::<_, Option<Parsed<_>>>(3)?.map(|n| n.0),
        },
        role: r.get::<_, Parsed<_>>(4)?.0,
        lang: r.get::<_, Option<Parsed<_>>>(5)?.map(|l| l.0),
        photo: r.get::<_, Option<Parsed<_>>>(6)?.map(|h| h.0),
        created_at: Timestamp(r.get(7)?),
    })
}

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

    /// Adds an artisan to a cooperative. The cooperative's first artisan leads it; the
    /// others start as artisans, and the leader gives roles.
    pub fn add_artisan(&mut self, form: &ArtisanForm) -> Result<Artisan, StoreError> {
        let fields = form.validate()?;
        let led: Option<i64> = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM artisan WHERE cooperative_id = ?1 AND role = 'leader') \
                 FROM cooperative WHERE id = ?1",
                [fields.cooperative.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(led) = led else {
            return Err(Invalid::one(Field::Cooperative, Problem::UnknownCooperative).into());
        };
        let a = Artisan {
            id: ArtisanId::from_uuid(self.new_id()),
            fields,
            role: if led == 1 {
                Role::Artisan
            } else {
                Role::Leader
            },
            lang: None,
            photo: None,
            created_at: self.now(),
        };
        self.conn.execute(
            "INSERT INTO artisan (id, cooperative_id, name, nia, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            params![
                a.id.to_string(),
                a.fields.cooperative.to_string(),
                a.fields.name,
                a.fields.nia.as_ref().map(|n| n.as_str()),
                a.role.slug(),
                a.created_at.millis()
            ],
        )?;
        Ok(a)
    }

    /// Every artisan, by name.
    pub fn artisans(&self) -> Result<Vec<Artisan>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ARTISAN_COLUMNS} FROM artisan ORDER BY name, id"
        ))?;
        let rows = stmt.query_map([], artisan)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn artisan(&self, id: ArtisanId) -> Result<Artisan, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {ARTISAN_COLUMNS} FROM artisan WHERE id = ?"),
                [id.to_string()],
                artisan,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "artisan",
                id: id.to_string(),
            })
    }

    /// Gives an artisan a role. A cooperative always keeps a leader: the last one cannot
    /// step down.
    pub fn set_artisan_role(&mut self, id: ArtisanId, role: Role) -> Result<Artisan, StoreError> {
        let before = self.artisan(id)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE artisan SET role = ? WHERE id = ?",
            params![role.slug(), id.to_string()],
        )?;
        let leaders: i64 = tx.query_row(
            "SELECT count(*) FROM artisan WHERE cooperative_id = ? AND role = 'leader'",
            [before.fields.cooperative.to_string()],
            |r| r.get(0),
        )?;
        if leaders == 0 {
            return Err(StoreError::LastLeader);
        }
        tx.commit()?;
        self.artisan(id)
    }

    /// Remembers the language an artisan reads.
    pub fn set_artisan_lang(&mut self, id: ArtisanId, lang: Lang) -> Result<Artisan, StoreError> {
        self.update_artisan(id, "lang", lang.code())
    }

    /// Sets the portrait the "who is working?" picker shows. Kept like a product photo,
    /// without metadata.
    pub fn set_artisan_photo(
        &mut self,
        id: ArtisanId,
        photo: &Processed,
    ) -> Result<Artisan, StoreError> {
        self.artisan(id)?;
        let hash: PhotoHash = self.keep_photo(photo, &[])?;
        self.update_artisan(id, "photo_hash", hash.as_str())
    }

    fn update_artisan(
        &mut self,
        id: ArtisanId,
        column: &'static str,
        value: &str,
    ) -> Result<Artisan, StoreError> {
        let changed = self.conn.execute(
            &format!("UPDATE artisan SET {column} = ? WHERE id = ?"),
            params![value, id.to_string()],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: "artisan",
                id: id.to_string(),
            });
        }
        self.artisan(id)
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
