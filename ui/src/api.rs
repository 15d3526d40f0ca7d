//! The engine, as the UI reaches it: Tauri commands through `window.__TAURI__`.

use std::collections::BTreeMap;

use hanout_domain::{
    Artisan, ArtisanForm, ArtisanId, CatalogEntry, Cooperative, CooperativeForm, DataSaver,
    FieldError, Lang, PhotoHash, ProductFilter, ProductForm, ProductId, Role, Timestamp,
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

    /// Calls `handler` with each event `event` the engine sends; the promise gives the
    /// function that stops listening.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], catch)]
    async fn listen(event: &str, handler: &js_sys::Function) -> Result<JsValue, JsValue>;

    /// The URL under which the platform's webview reaches a custom scheme.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = convertFileSrc, catch)]
    fn convert_file_src(path: &str, protocol: &str) -> Result<String, JsValue>;
}

/// Why a command failed: a sentence in English, what kind of refusal it is (worded in
/// the artisan's language by [`Failure::words`]), and the form fields it is about.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Failure {
    pub message: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub args: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            ..Failure::default()
        }
    }

    /// [`Failure::words`], after the name of the file it is about (photo refusals).
    pub fn named_words(&self) -> String {
        match (&self.kind, self.message.split_once(": ")) {
            (Some(_), Some((file, _))) => format!("{file}: {}", self.words()),
            _ => self.words(),
        }
    }

    /// What went wrong, in the current language when the engine said what kind of
    /// refusal it is; its English sentence otherwise.
    pub fn words(&self) -> String {
        use crate::i18n::{Arg, t_with};
        match &self.kind {
            Some(kind) => t_with(
                &format!("error-{kind}"),
                self.args.iter().map(|(name, value)| {
                    let arg = match value {
                        serde_json::Value::Number(n) => {
                            Arg::Count(n.as_u64().unwrap_or_default() as usize)
                        }
                        serde_json::Value::String(s) => Arg::Text(s.clone()),
                        other => Arg::Text(other.to_string()),
                    };
                    (name.as_str(), arg)
                }),
            ),
            None => self.message.clone(),
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

/// Who works here, who is working now, and the language and data saver to use.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Desk {
    pub cooperatives: Vec<Cooperative>,
    pub artisans: Vec<Artisan>,
    pub me: Option<ArtisanId>,
    pub lang: Option<Lang>,
    pub data_saver: DataSaver,
}

impl Desk {
    /// The artisan working now.
    pub fn working(&self) -> Option<&Artisan> {
        self.artisans.iter().find(|a| Some(a.id) == self.me)
    }

    pub fn role(&self) -> Option<Role> {
        self.working().map(|a| a.role)
    }
}

pub async fn workshop() -> Result<Desk, Failure> {
    call("workshop", &Nothing {}).await
}

pub async fn work_as(artisan: ArtisanId) -> Result<Desk, Failure> {
    #[derive(Serialize)]
    struct Args {
        artisan: ArtisanId,
    }
    call("work_as", &Args { artisan }).await
}

/// Nobody is working until someone says who.
pub async fn leave() -> Result<Desk, Failure> {
    call("leave", &Nothing {}).await
}

pub async fn set_role(artisan: ArtisanId, role: Role) -> Result<Desk, Failure> {
    #[derive(Serialize)]
    struct Args {
        artisan: ArtisanId,
        role: Role,
    }
    call("set_role", &Args { artisan, role }).await
}

pub async fn set_lang(lang: Lang) -> Result<Desk, Failure> {
    #[derive(Serialize)]
    struct Args {
        lang: Lang,
    }
    call("set_lang", &Args { lang }).await
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

/// Sends a photo file's bytes to `cmd`, with `id` in the header `header`: no base64 on
/// a phone's memory. Refusals name the file.
async fn send_photo<T: DeserializeOwned>(
    cmd: &str,
    header: &'static str,
    id: String,
    file: &web_sys::File,
) -> Result<T, Failure> {
    let name = file.name();
    let named = |e: Failure| Failure {
        message: format!("{name}: {}", e.message),
        ..e
    };
    // Before reading: a wrong file must not fill the phone's memory.
    hanout_domain::check_photo_file_size(file.size() as u64).map_err(|e| {
        named(Failure {
            kind: Some("photo_too_big".into()),
            ..Failure::new(e.to_string())
        })
    })?;
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|_| {
        named(Failure {
            kind: Some("photo_empty".into()),
            ..Failure::new("this file cannot be read")
        })
    })?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    #[derive(Serialize)]
    struct Options {
        headers: BTreeMap<&'static str, String>,
    }
    let options = to_js(&Options {
        headers: [(header, id)].into(),
    })?;
    answer(cmd, invoke_bytes(cmd, &bytes, options).await).map_err(named)
}

/// Sends a photo file to be processed and added after the product's others.
pub async fn add_photo(id: ProductId, file: &web_sys::File) -> Result<CatalogEntry, Failure> {
    send_photo("add_photo", "x-product", id.to_string(), file).await
}

/// An artisan's portrait for the "who is working?" picker.
pub async fn set_portrait(artisan: ArtisanId, file: &web_sys::File) -> Result<Desk, Failure> {
    send_photo("set_portrait", "x-artisan", artisan.to_string(), file).await
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

/// What the sync loop is doing (pushed by the engine as the `sync` event).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Activity {
    /// paused, offline or waiting_for_wifi
    pub held: Option<String>,
    pub unreachable: bool,
    pub sending: Option<Progress>,
    pub trouble: Option<String>,
    pub rounds: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
pub struct Progress {
    pub changes_sent: usize,
    pub changes: usize,
    pub bytes_sent: u64,
    pub bytes: u64,
}

/// Where one product stands on one marketplace.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LaneStatus {
    Sent,
    Waiting { changes: usize },
    Sending,
    Checking,
    Failed { reason: String },
    NeedsSignIn,
    SoldOut,
}

impl LaneStatus {
    /// The name used in message keys (`lane-…`) and in the markup (`data-sync`).
    pub fn slug(&self) -> &'static str {
        match self {
            LaneStatus::Sent => "sent",
            LaneStatus::Waiting { .. } => "waiting",
            LaneStatus::Sending => "sending",
            LaneStatus::Checking => "checking",
            LaneStatus::Failed { .. } => "failed",
            LaneStatus::NeedsSignIn => "needs_sign_in",
            LaneStatus::SoldOut => "sold_out",
        }
    }

    /// How much the artisan should look at it: the worst of a product's lanes shows.
    pub fn urgency(&self) -> u8 {
        match self {
            LaneStatus::Sent | LaneStatus::SoldOut => 0,
            LaneStatus::Sending | LaneStatus::Checking => 1,
            LaneStatus::Waiting { .. } => 2,
            LaneStatus::Failed { .. } | LaneStatus::NeedsSignIn => 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LaneView {
    pub product: ProductId,
    pub marketplace: String,
    pub status: LaneStatus,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct QueueItem {
    pub product: ProductId,
    pub titles: BTreeMap<Lang, String>,
    pub cover: Option<PhotoHash>,
    pub marketplace: String,
    pub marketplace_name: String,
    pub status: LaneStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct SyncState {
    pub waiting: usize,
    pub failed: usize,
    pub changes: usize,
    pub bytes_waiting: u64,
    pub last_sync: Option<Timestamp>,
    pub data_saver: DataSaver,
    pub activity: Activity,
    pub lanes: Vec<LaneView>,
    pub queue: Vec<QueueItem>,
    pub sales: Vec<SaleView>,
}

/// A sale pulled back from a marketplace.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SaleView {
    pub product: ProductId,
    pub titles: BTreeMap<Lang, String>,
    pub cover: Option<PhotoHash>,
    pub marketplace_name: String,
    pub quantity: u32,
    pub left: u32,
    pub at: Timestamp,
}

/// The trainer's network switch in a demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    Offline,
    Slow2g,
    Online,
}

impl Connectivity {
    pub const ALL: [Connectivity; 3] = [
        Connectivity::Offline,
        Connectivity::Slow2g,
        Connectivity::Online,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Connectivity::Offline => "offline",
            Connectivity::Slow2g => "slow2g",
            Connectivity::Online => "online",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct DemoView {
    pub connectivity: Connectivity,
}

/// Opens a fresh demo in place of the artisan's catalog (which is left untouched).
pub async fn demo_start() -> Result<DemoView, Failure> {
    call("demo_start", &Nothing {}).await
}

pub async fn demo_reset() -> Result<DemoView, Failure> {
    call("demo_reset", &Nothing {}).await
}

pub async fn demo_leave() -> Result<(), Failure> {
    call("demo_leave", &Nothing {}).await
}

pub async fn demo_state() -> Result<Option<DemoView>, Failure> {
    call("demo_state", &Nothing {}).await
}

pub async fn demo_network(connectivity: Connectivity) -> Result<DemoView, Failure> {
    #[derive(Serialize)]
    struct Args {
        connectivity: Connectivity,
    }
    call("demo_network", &Args { connectivity }).await
}

pub async fn demo_open_shop() -> Result<(), Failure> {
    call("demo_open_shop", &Nothing {}).await
}

pub async fn demo_sale(product: ProductId) -> Result<(), Failure> {
    #[derive(Serialize)]
    struct Args {
        product: ProductId,
    }
    call("demo_sale", &Args { product }).await
}

pub async fn sync_state() -> Result<SyncState, Failure> {
    call("sync_state", &Nothing {}).await
}

pub async fn sync_now() -> Result<(), Failure> {
    call("sync_now", &Nothing {}).await
}

pub async fn set_data_saver(saver: DataSaver) -> Result<(), Failure> {
    #[derive(Serialize)]
    struct Args {
        saver: DataSaver,
    }
    call("set_data_saver", &Args { saver }).await
}

#[derive(Serialize)]
struct LaneArgs<'a> {
    product: ProductId,
    marketplace: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    wanted: Option<bool>,
}

pub async fn retry(product: ProductId, marketplace: &str) -> Result<(), Failure> {
    let args = LaneArgs {
        product,
        marketplace,
        wanted: None,
    };
    call("retry", &args).await
}

pub async fn discard(product: ProductId, marketplace: &str) -> Result<(), Failure> {
    let args = LaneArgs {
        product,
        marketplace,
        wanted: None,
    };
    call("discard", &args).await
}

pub async fn sell_on(product: ProductId, marketplace: &str, wanted: bool) -> Result<(), Failure> {
    let args = LaneArgs {
        product,
        marketplace,
        wanted: Some(wanted),
    };
    call("sell_on", &args).await
}

/// A marketplace account of the cooperative.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Marketplace {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub needs_sign_in: bool,
}

pub async fn marketplaces() -> Result<Vec<Marketplace>, Failure> {
    call("marketplaces", &Nothing {}).await
}

pub async fn wanted_on(product: ProductId) -> Result<Vec<String>, Failure> {
    #[derive(Serialize)]
    struct Args {
        product: ProductId,
    }
    call("wanted_on", &Args { product }).await
}

pub async fn remove_marketplace(marketplace: &str) -> Result<(), Failure> {
    #[derive(Serialize)]
    struct Args<'a> {
        marketplace: &'a str,
    }
    call("remove_marketplace", &Args { marketplace }).await
}

/// Calls `handler` with the engine's activity each time the sync loop reports, for as
/// long as the window lives.
pub async fn on_sync(handler: impl Fn(Activity) + 'static) -> Result<(), Failure> {
    let closure = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let payload = js_sys::Reflect::get(&event, &"payload".into()).unwrap_or_default();
        if let Ok(activity) = serde_wasm_bindgen::from_value(payload) {
            handler(activity);
        }
    });
    listen("sync", closure.as_ref().unchecked_ref())
        .await
        .map_err(|e| Failure::new(e.as_string().unwrap_or_else(|| "cannot follow sync".into())))?;
    // The listener lives as long as the window.
    closure.forget();
    Ok(())
}
