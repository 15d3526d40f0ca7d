//! Schema migrations from `migrations/`, applied in order. Each runs in one transaction
//! together with the version it brings (`PRAGMA user_version`), so a crash leaves the
//! database at the version before or after, never between.

use rusqlite::Connection;

use crate::StoreError;

pub(crate) struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

pub(crate) fn check_not_newer(conn: &Connection) -> Result<(), StoreError> {
    let found = version(conn)?;
    if found > i64::from(LATEST_VERSION) {
        return Err(StoreError::NewerDatabase {
            found,
            supported: i64::from(LATEST_VERSION),
        });
    }
    Ok(())
}

/// Applies the migrations after the database's version, up to `target`.
pub(crate) fn migrate(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    for m in MIGRATIONS.iter().filter(|m| m.version <= target) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Read inside the transaction: another process may have migrated meanwhile.
        if version(&tx)? >= i64::from(m.version) {
            continue;
        }
        tx.execute_batch(m.sql).map_err(|e| StoreError::Migration {
            version: m.version,
            name: m.name,
            reason: StoreError::from(e).to_string(),
        })?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema as SQLite holds it, one `type name: sql` line per object in a stable order:
/// what the migration tests compare.
pub fn schema(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{} {}: {}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &std::path::Path) -> Connection {
        Connection::open(path).unwrap()
    }

    /// From every earlier version, one migration at a time, then the rest as the app does:
    /// the schema ends up exactly as a fresh database's.
    #[test]
    fn every_upgrade_path_ends_at_the_fresh_schema() {
        let dir = tempfile::tempdir().unwrap();
        let fresh_path = dir.path().join("fresh.db");
        let mut fresh = open(&fresh_path);
        migrate(&mut fresh, LATEST_VERSION).unwrap();
        let want = schema(&fresh).unwrap();
        assert!(want.iter().any(|l| l.starts_with("table product:")));

        for start in 0..LATEST_VERSION {
            let path = dir.path().join(format!("from-{start}.db"));
            let mut conn = open(&path);
            migrate(&mut conn, start).unwrap();
            assert_eq!(version(&conn).unwrap(), i64::from(start));
            for step in start + 1..=LATEST_VERSION {
                migrate(&mut conn, step).unwrap();
                assert_eq!(
                    version(&conn).unwrap(),
                    i64::from(step),
                    "after {}",
                    MIGRATIONS[step as usize - 1].name
                );
            }
            drop(conn);
            let reopened = crate::Catalog::open(&path).unwrap();
            assert_eq!(
                schema(&reopened.conn).unwrap(),
                want,
                "upgraded from version {start}"
            );
        }
    }

    #[test]
    fn a_newer_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newer.db");
        {
            let conn = open(&path);
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = crate::Catalog::open(&path).err().expect("refused");
        assert!(
            matches!(err, StoreError::NewerDatabase { found: 999, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("newer version of Hanout"));
        assert_eq!(std::fs::read(&path).unwrap(), before, "file changed");
        assert!(!dir.path().join("newer.db-wal").exists());
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.db");
        std::fs::write(
            &path,
            b"\xff\xd8\xff\xe0 this is a jpeg, not a catalog, honest",
        )
        .unwrap();
        let err = crate::Catalog::open(&path).err().expect("refused");
        assert!(matches!(err, StoreError::Damaged(_)), "{err:?}");
    }
}
