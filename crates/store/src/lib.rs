//! Hanout's on-device store: one SQLite file holding the catalog, its search index and the
//! change log that the sync engine consumes.
//!
//! Every write validates with `hanout_domain`'s rules and commits the change together with
//! its change-log row, in one transaction.

mod catalog;
mod error;
mod lock;
mod migrate;
mod people;
mod photos;
mod rows;
mod settings;
mod sync;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use hanout_domain::{Clock, Timestamp};
use rusqlite::Connection;

pub use catalog::{Change, ChangeKind};
pub use error::StoreError;
pub use lock::SyncLock;
pub use migrate::{LATEST_VERSION, schema};
pub use photos::{PhotoFiles, PhotoSize};
pub use settings::Settings;
pub use sync::{AppliedLine, LaneOutcome, LaneState, MarketplaceAccount, Oversell, Sale, SoldLine};

/// The app's identifier: its data lives in `<data dir>/ma.hanout.app/` on every platform.
pub const APP_ID: &str = "ma.hanout.app";
pub const DB_FILE: &str = "hanout.db";

/// Where the app and the CLI keep the catalog by default on a desktop.
pub fn default_db_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_ID).join(DB_FILE))
}

/// The real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
    }
}

/// The catalog on this device.
pub struct Catalog {
    conn: Connection,
    /// The database file: its sync lock lies beside it.
    path: PathBuf,
    /// Photo files, by content hash: `photos/` beside the database file.
    photos: PhotoFiles,
    clock: Box<dyn Clock>,
    ids: uuid::ContextV7,
    /// Where ids take their random bits from, when not from the system: a simulation
    /// replays a seed exactly.
    random: Option<RefCell<Random>>,
}

/// A source of random numbers.
pub type Random = Box<dyn FnMut() -> u64 + Send>;

impl Catalog {
    /// Opens (creating if needed) the catalog at `path` and brings its schema up to date.
    /// A database written by a newer Hanout is refused and left untouched.
    pub fn open(path: &Path) -> Result<Catalog, StoreError> {
        Self::open_with_clock(path, Box::new(SystemClock))
    }

    pub fn open_with_clock(path: &Path, clock: Box<dyn Clock>) -> Result<Catalog, StoreError> {
        Self::open_with(path, clock, None)
    }

    /// Opens with a given clock, and a given source of randomness for new ids.
    pub fn open_with(
        path: &Path,
        clock: Box<dyn Clock>,
        random: Option<Random>,
    ) -> Result<Catalog, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(dir.to_owned(), e))?;
        }
        let mut conn = Connection::open(path)?;
        migrate::check_not_newer(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a product the artisan saved survives a power cut, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Every write takes the write lock when it begins: a deferred transaction that
        // reads, then writes while another process writes, fails with "database is
        // locked" at once instead of waiting out the busy timeout.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        migrate::migrate(&mut conn, LATEST_VERSION)?;
        Ok(Catalog {
            conn,
            path: path.to_owned(),
            photos: photos::photos_dir(path),
            clock,
            ids: uuid::ContextV7::new(),
            random: random.map(RefCell::new),
        })
    }

    /// The catalog's clock: what its records are stamped with.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A new time-ordered id, made on the device before anything leaves it.
    fn new_id(&self) -> uuid::Uuid {
        let ms = u64::try_from(self.now().millis()).unwrap_or(0);
        if let Some(random) = &self.random {
            let mut next = random.borrow_mut();
            let bits = (u128::from(next()) << 64) | u128::from(next());
            let bytes: [u8; 10] = bits.to_be_bytes()[..10].try_into().unwrap_or_default();
            return uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid();
        }
        let ts = uuid::Timestamp::from_unix(&self.ids, ms / 1000, (ms % 1000) as u32 * 1_000_000);
        uuid::Uuid::new_v7(ts)
    }
}
