//! The engine, as the UI reaches it: Tauri commands through `window.__TAURI__`.

use hanout_domain::{
    Artisan, ArtisanForm, CatalogEntry, Cooperative, CooperativeForm, FieldError, PhotoHash,
    ProductFilter, ProductForm, ProductId, Workshop,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // `catch`: in a plain browser (no Tauri) this is an error to show, not a crash.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// The same call with a raw body: a photo's bytes go as they are, not as JSON.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn invoke_bytes(
        cmd: &str,
        body: &js_sys::Uint8Array,
        options: JsValue,
    ) -> Result<JsValue, JsValue>;

    /// The URL under which the platform's webview reaches a custom scheme.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = convertFileSrc, catch)]
    fn convert_file_src(path: &str, protocol: &str) -> Result<String, JsValue>;
}

/// Why a command failed: a sentence, and the form fields it is about.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Failure {
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

fn to_js<A: Serialize>(args: &A) -> Result<JsValue, Failure> {
    // JSON-compatible: maps become plain objects, as the Rust side expects.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    args.serialize(&serializer)
        .map_err(|e| Failure::new(e.to_string()))
}

fn answer<T: DeserializeOwned>(cmd: &str, result: Result<JsValue, JsValue>) -> Result<T, Failure> {
    match result {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| Failure::new(format!("unexpected answer from {cmd}: {e}"))),
        Err(err) => Err(
            serde_wasm_bindgen::from_value(err.clone()).unwrap_or_else(|_| {
                Failure::new(
                    err.as_string()
                        .unwrap_or_else(|| "Hanout's engine is not reachable".into()),
                )
            }),
        ),
    }
}

async fn call<A: Serialize, T: DeserializeOwned>(cmd: &str, args: &A) -> Result<T, Failure> {
    answer(cmd, invoke(cmd, to_js(args)?).await)
}

#[derive(Serialize)]
struct Nothing {}

#[derive(Serialize)]
struct WithForm<'a, F> {
    form: &'a F,
}

#[derive(Serialize)]
struct WithId<'a, F> {
    id: ProductId,
    #[serde(skip_serializing_if = "Option::is_none")]
    form: Option<&'a F>,
}

pub async fn workshop() -> Result<Workshop, Failure> {
    call("workshop", &Nothing {}).await
}

pub async fn add_cooperative(form: &CooperativeForm) -> Result<Cooperative, Failure> {
    call("add_cooperative", &WithForm { form }).await
}

pub async fn add_artisan(form: &ArtisanForm) -> Result<Artisan, Failure> {
    call("add_artisan", &WithForm { form }).await
}

pub async fn catalog_page(filter: &ProductFilter) -> Result<Vec<CatalogEntry>, Failure> {
    #[derive(Serialize)]
    struct Args<'a> {
        filter: &'a ProductFilter,
    }
    call("catalog_page", &Args { filter }).await
}

pub async fn add_product(form: &ProductForm) -> Result<CatalogEntry, Failure> {
    call("add_product", &WithForm { form }).await
}

pub async fn update_product(id: ProductId, form: &ProductForm) -> Result<CatalogEntry, Failure> {
    call(
        "update_product",
        &WithId {
            id,
            form: Some(form),
        },
    )
    .await
}

pub async fn archive_product(id: ProductId) -> Result<CatalogEntry, Failure> {
    call("archive_product", &WithId::<()> { id, form: None }).await
}

/// Sends a photo file to be processed and added after the product's others.
pub async fn add_photo(id: ProductId, file: &web_sys::File) -> Result<CatalogEntry, Failure> {
    let name = file.name();
    // Before reading: a wrong file must not fill the phone's memory.
    hanout_domain::check_photo_file_size(file.size() as u64)
        .map_err(|e| Failure::new(format!("{name}: {e}")))?;
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| Failure::new(format!("{name}: this file cannot be read")))?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    #[derive(Serialize)]
    struct Options {
        headers: std::collections::BTreeMap<&'static str, String>,
    }
    let options = to_js(&Options {
        headers: [("x-product", id.to_string())].into(),
    })?;
    answer(
        "add_photo",
        invoke_bytes("add_photo", &bytes, options).await,
    )
    .map_err(|e: Failure| Failure {
        message: format!("{name}: {}", e.message),
        ..e
    })
}

#[derive(Serialize)]
struct PhotoArgs<'a> {
    id: ProductId,
    photo: &'a PhotoHash,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<usize>,
}

pub async fn remove_photo(id: ProductId, photo: &PhotoHash) -> Result<CatalogEntry, Failure> {
    call(
        "remove_photo",
        &PhotoArgs {
            id,
            photo,
            to: None,
        },
    )
    .await
}

pub async fn move_photo(
    id: ProductId,
    photo: &PhotoHash,
    to: usize,
) -> Result<CatalogEntry, Failure> {
    call(
        "move_photo",
        &PhotoArgs {
            id,
            photo,
            to: Some(to),
        },
    )
    .await
}

/// Where the window finds a stored photo (the thumbnail unless `full`).
pub fn photo_url(hash: &PhotoHash, full: bool) -> String {
    let name = if full {
        format!("{hash}.jpg")
    } else {
        format!("{hash}.thumb.jpg")
    };
    convert_file_src(&name, "photo").unwrap_or_default()
}
