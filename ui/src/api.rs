//! The engine, as the UI reaches it: Tauri commands through `window.__TAURI__`.

use hanout_domain::{
    Artisan, ArtisanForm, CatalogEntry, Cooperative, CooperativeForm, FieldError, ProductFilter,
    ProductForm, ProductId, Workshop,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `catch`: in a plain browser (no Tauri) this is an error to show, not a crash.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
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

async fn call<A: Serialize, T: DeserializeOwned>(cmd: &str, args: &A) -> Result<T, Failure> {
    // JSON-compatible: maps become plain objects, as the Rust side expects.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|e| Failure::new(e.to_string()))?;
    match invoke(cmd, args).await {
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
