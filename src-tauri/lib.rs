//! The Tauri shell: thin commands over the engine. Only this crate knows Tauri.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use hanout_domain::{
    Artisan, ArtisanForm, CatalogEntry, Cooperative, CooperativeForm, FieldError, PhotoHash,
    ProductFilter, ProductForm, ProductId, Workshop,
};
use hanout_store::{Catalog, PhotoFiles, PhotoSize, StoreError};
use serde::Serialize;
use tauri::{Manager, State};

/// The open catalog, or why it could not be opened (shown by the UI instead of a crash).
struct Shop(Result<Arc<Mutex<Catalog>>, String>);

/// What a command reports when it fails: a sentence for people, and per-field problems
/// that the form shows beside each field.
#[derive(Debug, Serialize)]
pub struct CommandError {
    message: String,
    fields: Vec<FieldError>,
}

impl From<hanout_media::PhotoError> for CommandError {
    fn from(e: hanout_media::PhotoError) -> Self {
        CommandError::new(e.to_string())
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        let fields = match &e {
            StoreError::Invalid(invalid) => invalid.0.clone(),
            _ => Vec::new(),
        };
        CommandError {
            message: e.to_string(),
            fields,
        }
    }
}

impl CommandError {
    fn new(message: impl Into<String>) -> Self {
        CommandError {
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

type Answer<T> = Result<T, CommandError>;

/// Runs `f` on the catalog off the UI thread: SQLite waits on the disk.
async fn with_catalog<T: Send + 'static>(
    shop: State<'_, Shop>,
    f: impl FnOnce(&mut Catalog) -> Result<T, StoreError> + Send + 'static,
) -> Answer<T> {
    let catalog = shop.0.clone().map_err(CommandError::new)?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut catalog = catalog.lock().map_err(|_| {
            CommandError::new("the catalog is unavailable after an earlier failure; restart Hanout")
        })?;
        f(&mut catalog).map_err(CommandError::from)
    })
    .await
    .map_err(|e| CommandError::new(format!("the catalog task failed: {e}")))?
}

#[tauri::command]
async fn workshop(shop: State<'_, Shop>) -> Answer<Workshop> {
    with_catalog(shop, |c| {
        Ok(Workshop {
            cooperatives: c.cooperatives()?,
            artisans: c.artisans()?,
        })
    })
    .await
}

#[tauri::command]
async fn add_cooperative(shop: State<'_, Shop>, form: CooperativeForm) -> Answer<Cooperative> {
    with_catalog(shop, move |c| c.add_cooperative(&form)).await
}

#[tauri::command]
async fn add_artisan(shop: State<'_, Shop>, form: ArtisanForm) -> Answer<Artisan> {
    with_catalog(shop, move |c| c.add_artisan(&form)).await
}

#[tauri::command]
async fn catalog_page(shop: State<'_, Shop>, filter: ProductFilter) -> Answer<Vec<CatalogEntry>> {
    with_catalog(shop, move |c| c.products(&filter)).await
}

#[tauri::command]
async fn product(shop: State<'_, Shop>, id: ProductId) -> Answer<CatalogEntry> {
    with_catalog(shop, move |c| c.product(id)).await
}

#[tauri::command]
async fn add_product(shop: State<'_, Shop>, form: ProductForm) -> Answer<CatalogEntry> {
    with_catalog(shop, move |c| c.add_product(&form)).await
}

#[tauri::command]
async fn update_product(
    shop: State<'_, Shop>,
    id: ProductId,
    form: ProductForm,
) -> Answer<CatalogEntry> {
    with_catalog(shop, move |c| c.update_product(id, &form)).await
}

#[tauri::command]
async fn archive_product(shop: State<'_, Shop>, id: ProductId) -> Answer<CatalogEntry> {
    with_catalog(shop, move |c| c.archive_product(id)).await
}

/// Adds a photo to a product. The body is the file's raw bytes (no base64 on a phone's
/// memory); the product's id comes in the `x-product` header.
#[tauri::command]
async fn add_photo(
    shop: State<'_, Shop>,
    lane: State<'_, PhotoLane>,
    request: tauri::ipc::Request<'_>,
) -> Answer<CatalogEntry> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new("add_photo expects the photo's bytes"));
    };
    let product: ProductId = request
        .headers()
        .get("x-product")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| CommandError::new("add_photo needs the product's id in x-product"))?;
    hanout_domain::check_photo_file_size(bytes.len() as u64)
        .map_err(|e| CommandError::new(e.to_string()))?;
    let bytes = bytes.clone();
    // One decode at a time, outside the catalog's lock: the catalog stays readable while a
    // photo is processed, and a phone never holds two decodes in memory.
    let _turn = lane.0.lock().await;
    let (original, processed) = tauri::async_runtime::spawn_blocking(move || {
        let processed = hanout_media::process(&bytes, &hanout_media::Options::default());
        (bytes, processed)
    })
    .await
    .map_err(|e| CommandError::new(format!("the photo task failed: {e}")))?;
    let processed = processed.map_err(CommandError::from)?;
    with_catalog(shop, move |c| {
        c.add_photo(product, &processed, &original, "")
    })
    .await
}

#[tauri::command]
async fn remove_photo(
    shop: State<'_, Shop>,
    id: ProductId,
    photo: PhotoHash,
) -> Answer<CatalogEntry> {
    with_catalog(shop, move |c| c.remove_photo(id, &photo)).await
}

#[tauri::command]
async fn move_photo(
    shop: State<'_, Shop>,
    id: ProductId,
    photo: PhotoHash,
    to: usize,
) -> Answer<CatalogEntry> {
    with_catalog(shop, move |c| c.move_photo(id, &photo, to)).await
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
        let hash: PhotoHash = hash.parse().ok()?;
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

/// Where the photos are, when the catalog opened.
struct Photos(Option<PhotoFiles>);

/// Photos wait their turn here, one at a time.
struct PhotoLane(tokio::sync::Mutex<()>);

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
        .setup(|app| {
            let catalog = db_path(app).and_then(|path| {
                Catalog::open(&path)
                    .map_err(|e| format!("cannot open the catalog at {}: {e}", path.display()))
            });
            if let Err(e) = &catalog {
                eprintln!("hanout: {e}");
            }
            app.manage(Photos(catalog.as_ref().ok().map(Catalog::photo_files)));
            let catalog = catalog.map(|c| Arc::new(Mutex::new(c)));
            // Files left by a crash mid-write or mid-cleanup: found by walking the photos
            // folder, so in the background, after the window is up.
            if let Ok(catalog) = catalog.clone() {
                tauri::async_runtime::spawn_blocking(move || {
                    if let Ok(mut c) = catalog.lock()
                        && let Err(e) = c.collect_photo_garbage()
                    {
                        eprintln!("hanout: photo cleanup: {e}");
                    }
                });
            }
            app.manage(Shop(catalog));
            app.manage(PhotoLane(tokio::sync::Mutex::new(())));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            workshop,
            add_cooperative,
            add_artisan,
            catalog_page,
            product,
            add_product,
            update_product,
            archive_product,
            add_photo,
            remove_photo,
            move_photo
        ])
        .register_asynchronous_uri_scheme_protocol("photo", |ctx, request, responder| {
            let files = ctx.app_handle().state::<Photos>().0.clone();
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
