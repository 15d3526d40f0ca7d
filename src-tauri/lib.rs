//! The Tauri shell: thin commands over the engine. Only this crate knows Tauri.
//!
//! `catalog` holds the product and photo commands, `people` who works here and what they
//! may do, `sync` the background sync loop and the queue. Every command runs off the UI
//! thread; every refusal is a [`CommandError`] the window words in the artisan's language.

mod catalog;
mod demo;
mod people;
mod sync;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use hanout_demo::DemoFiles;
use hanout_domain::{ArtisanId, FieldError};
use hanout_market::vault::Vault;
use hanout_store::{Catalog, PhotoFiles, PhotoSize, StoreError};
use serde::Serialize;
use tauri::{Manager, State};

use crate::people::Session;
use crate::sync::{SyncLoop, Target};

/// The open catalog, or why it could not be opened (shown by the UI instead of a crash).
/// A trainer's demo opens another one in its place for a while.
struct Shop(Mutex<Result<Arc<Mutex<Catalog>>, String>>);

impl Shop {
    fn catalog(&self) -> Answer<Arc<Mutex<Catalog>>> {
        lock(&self.0).clone().map_err(CommandError::new)
    }

    fn open(&self, catalog: Arc<Mutex<Catalog>>) {
        *lock(&self.0) = Ok(catalog);
    }
}

/// The refusals the window words in the artisan's language (`error-<name>` in
/// `ui/locales/`); any other failure shows the engine's English sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    NotAllowed,
    Viewer,
    LeaderOnly,
    NobodyWorking,
    Unsent,
    LastLeader,
    DiskFull,
    PhotoEmpty,
    PhotoNotAPhoto,
    PhotoUnsupported,
    PhotoDamaged,
    PhotoTooBig,
    PhotoFailed,
    /// A demo sale of a product that is not for sale (yet, or any more).
    NotLive,
}

impl Refusal {
    pub const ALL: [Refusal; 14] = [
        Refusal::NotAllowed,
        Refusal::Viewer,
        Refusal::LeaderOnly,
        Refusal::NobodyWorking,
        Refusal::Unsent,
        Refusal::LastLeader,
        Refusal::DiskFull,
        Refusal::PhotoEmpty,
        Refusal::PhotoNotAPhoto,
        Refusal::PhotoUnsupported,
        Refusal::PhotoDamaged,
        Refusal::PhotoTooBig,
        Refusal::PhotoFailed,
        Refusal::NotLive,
    ];
}

/// What a command reports when it fails: a sentence in English (for logs and the CLI's
/// users), what kind of refusal it is with its details (which the window words in the
/// artisan's language), and per-field problems that the form shows beside each field.
#[derive(Debug, Serialize)]
pub struct CommandError {
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<Refusal>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    args: BTreeMap<&'static str, serde_json::Value>,
    fields: Vec<FieldError>,
}

impl CommandError {
    fn new(message: impl Into<String>) -> Self {
        CommandError {
            message: message.into(),
            kind: None,
            args: BTreeMap::new(),
            fields: Vec::new(),
        }
    }

    fn kind(message: impl Into<String>, kind: Refusal) -> Self {
        CommandError {
            kind: Some(kind),
            ..CommandError::new(message)
        }
    }

    fn arg(mut self, name: &'static str, value: impl Into<serde_json::Value>) -> Self {
        self.args.insert(name, value.into());
        self
    }
}

impl From<hanout_media::PhotoError> for CommandError {
    fn from(e: hanout_media::PhotoError) -> Self {
        let kind = match e.kind() {
            hanout_media::PhotoProblem::Empty => Refusal::PhotoEmpty,
            hanout_media::PhotoProblem::NotAPhoto => Refusal::PhotoNotAPhoto,
            hanout_media::PhotoProblem::Unsupported => Refusal::PhotoUnsupported,
            hanout_media::PhotoProblem::Damaged => Refusal::PhotoDamaged,
            hanout_media::PhotoProblem::TooBig => Refusal::PhotoTooBig,
            hanout_media::PhotoProblem::Failed => Refusal::PhotoFailed,
        };
        CommandError::kind(e.to_string(), kind)
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::Invalid(invalid) => CommandError {
                fields: invalid.0,
                ..CommandError::new(message)
            },
            StoreError::DiskFull => CommandError::kind(message, Refusal::DiskFull),
            StoreError::LastLeader => CommandError::kind(message, Refusal::LastLeader),
            StoreError::Unsent {
                marketplace,
                changes,
            } => CommandError::kind(message, Refusal::Unsent)
                .arg("marketplace", marketplace)
                .arg("changes", changes),
            _ => CommandError::new(message),
        }
    }
}

type Answer<T> = Result<T, CommandError>;

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Each catalog write is one SQLite transaction: a panic elsewhere cannot leave it
    // half-done, so a poisoned lock is still safe to use.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `f` on the catalog off the UI thread (SQLite waits on the disk), for the artisan
/// working at the window (`None` before anyone has said who they are).
async fn with_catalog<T: Send + 'static>(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    f: impl FnOnce(&mut Catalog, Option<ArtisanId>) -> Answer<T> + Send + 'static,
) -> Answer<T> {
    let catalog = shop.catalog()?;
    let me = session.current();
    tauri::async_runtime::spawn_blocking(move || f(&mut lock(&catalog), me))
        .await
        .map_err(|e| CommandError::new(format!("the catalog task failed: {e}")))?
}

/// Serves a stored photo to the window: `photo://localhost/<hash>.thumb.jpg` or
/// `<hash>.jpg`. Only files named by a valid hash are reachable: nothing else is. Runs off
/// the UI thread and without the catalog's lock.
fn serve_photo(files: Option<&PhotoFiles>, path: &str) -> tauri::http::Response<Vec<u8>> {
    let found = (|| {
        let name = path.trim_start_matches('/').strip_suffix(".jpg")?;
        let (hash, size) = match name.strip_suffix(".thumb") {
            Some(hash) => (hash, PhotoSize::Thumbnail),
            None => (name, PhotoSize::Upload),
        };
        let hash: hanout_domain::PhotoHash = hash.parse().ok()?;
        std::fs::read(files?.path(&hash, size)).ok()
    })();
    let response = tauri::http::Response::builder();
    match found {
        Some(jpeg) => response
            .header("Content-Type", "image/jpeg")
            // Content-addressed: a hash's bytes never change.
            .header("Cache-Control", "max-age=31536000, immutable")
            .body(jpeg),
        None => response.status(404).body(Vec::new()),
    }
    .unwrap_or_default()
}

/// Where the open catalog's photos are.
struct Photos(Mutex<Option<PhotoFiles>>);

/// Photos wait their turn here, one at a time.
struct PhotoLane(tokio::sync::Mutex<()>);

/// Processes a photo's raw bytes (from the window) after the photos before it, outside
/// the catalog's lock: the catalog stays readable meanwhile, and a phone never holds two
/// decodes in memory. Returns the bytes as received and the renditions.
async fn process_photo(
    lane: &PhotoLane,
    bytes: Vec<u8>,
) -> Answer<(Vec<u8>, hanout_media::Processed)> {
    hanout_domain::check_photo_file_size(bytes.len() as u64)
        .map_err(|e| CommandError::kind(e.to_string(), Refusal::PhotoTooBig))?;
    let _turn = lane.0.lock().await;
    let (original, processed) = tauri::async_runtime::spawn_blocking(move || {
        let processed = hanout_media::process(&bytes, &hanout_media::Options::default());
        (bytes, processed)
    })
    .await
    .map_err(|e| CommandError::new(format!("the photo task failed: {e}")))?;
    Ok((original, processed?))
}

/// The raw body of a command (a photo's bytes: no base64 on a phone's memory) and the id
/// the window put in `header`.
fn raw_with_id<T: std::str::FromStr>(
    request: &tauri::ipc::Request<'_>,
    header: &str,
) -> Answer<(Vec<u8>, T)> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new("this command expects a photo's bytes"));
    };
    let id = request
        .headers()
        .get(header)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| CommandError::new(format!("this command needs an id in {header}")))?;
    Ok((bytes.clone(), id))
}

/// `HANOUT_DB` if set (tests and workshops that keep data elsewhere), else the app's data
/// folder, which is also the CLI's default on desktops.
fn db_path(app: &tauri::App) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("HANOUT_DB") {
        return Ok(PathBuf::from(path));
    }
    let dir = app
        .path()
        .app_data_dir()
        .map_err(|e| format!("no data folder for Hanout: {e}"))?;
    Ok(dir.join(hanout_store::DB_FILE))
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    tauri::Builder::default()
        // Only the shell opens pages (the demo's shop): the window has no opener permission.
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let path = db_path(app);
            let catalog = path.clone().and_then(|path| {
                Catalog::open(&path)
                    .map_err(|e| format!("cannot open the catalog at {}: {e}", path.display()))
            });
            if let Err(e) = &catalog {
                eprintln!("hanout: {e}");
            }
            app.manage(Photos(Mutex::new(
                catalog.as_ref().ok().map(Catalog::photo_files),
            )));
            let catalog = catalog.map(|c| Arc::new(Mutex::new(c)));
            app.manage(Session::start(catalog.as_ref().ok()));
            if let (Ok(catalog), Ok(path)) = (&catalog, path) {
                // Files left by a crash mid-write or mid-cleanup: found by walking the
                // photos folder, so in the background, after the window is up.
                let c = catalog.clone();
                tauri::async_runtime::spawn_blocking(move || {
                    if let Err(e) = lock(&c).collect_photo_garbage() {
                        eprintln!("hanout: photo cleanup: {e}");
                    }
                });
                let own = Target {
                    catalog: catalog.clone(),
                    vault: Arc::new(Vault::beside(&path)),
                };
                app.manage(SyncLoop::start(app.handle().clone(), own.clone()));
                app.manage(demo::Demo::new(own, DemoFiles::beside(&path)));
            }
            app.manage(Shop(Mutex::new(catalog)));
            app.manage(PhotoLane(tokio::sync::Mutex::new(())));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            people::workshop,
            people::add_cooperative,
            people::add_artisan,
            people::work_as,
            people::leave,
            people::set_role,
            people::set_lang,
            people::set_portrait,
            catalog::catalog_page,
            catalog::product,
            catalog::add_product,
            catalog::update_product,
            catalog::archive_product,
            catalog::add_photo,
            catalog::remove_photo,
            catalog::move_photo,
            sync::sync_state,
            sync::sync_now,
            sync::set_data_saver,
            sync::retry,
            sync::discard,
            sync::marketplaces,
            sync::wanted_on,
            sync::sell_on,
            sync::remove_marketplace,
            demo::demo_start,
            demo::demo_reset,
            demo::demo_leave,
            demo::demo_state,
            demo::demo_network,
            demo::demo_open_shop,
            demo::demo_sale
        ])
        .register_asynchronous_uri_scheme_protocol("photo", |ctx, request, responder| {
            let files = lock(&ctx.app_handle().state::<Photos>().0).clone();
            let path = request.uri().path().to_owned();
            tauri::async_runtime::spawn_blocking(move || {
                responder.respond(serve_photo(files.as_ref(), &path));
            });
        })
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("hanout: the window could not start: {e}");
            std::process::exit(1);
        });
}
