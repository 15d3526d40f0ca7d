//! A product's photos in the form: take or pick them, drop them in, put them in order.
//! Photos go to the engine one at a time, with the count shown as they are processed.

use hanout_domain::{CatalogEntry, PhotoHash, ProductId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::i18n::{t, t_with};
use crate::icons::{self, Icon};

/// The photos of the product being edited, and those waiting for it to be saved.
#[derive(Clone, Copy)]
pub struct PhotoQueue {
    /// The product as stored; `None` until a new product is first saved.
    pub saved: RwSignal<Option<CatalogEntry>>,
    /// Files picked before the product existed; sent right after its first save.
    pending: StoredValue<Vec<web_sys::File>, LocalStorage>,
    previews: RwSignal<Vec<String>>,
    /// Photo n of m being processed.
    progress: RwSignal<Option<(usize, usize)>>,
    problems: RwSignal<Vec<String>>,
}

impl PhotoQueue {
    pub fn new(existing: Option<CatalogEntry>) -> Self {
        PhotoQueue {
            saved: RwSignal::new(existing),
            pending: StoredValue::new_local(Vec::new()),
            previews: RwSignal::new(Vec::new()),
            progress: RwSignal::new(None),
            problems: RwSignal::new(Vec::new()),
        }
    }

    pub fn busy(&self) -> bool {
        self.progress.get().is_some()
    }

    fn take(self, files: Vec<web_sys::File>) {
        if files.is_empty() {
            return;
        }
        match self.saved.get_untracked().map(|e| e.product.id) {
            Some(id) => spawn_local(self.send(id, files)),
            None => {
                let urls = files
                    .iter()
                    .filter_map(|f| web_sys::Url::create_object_url_with_blob(f).ok());
                self.previews.update(|p| p.extend(urls));
                self.pending.update_value(|p| p.extend(files));
            }
        }
    }

    /// Sends the photos picked before the product was first saved.
    pub async fn send_pending(self, id: ProductId) {
        let files = self
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        for url in self.previews.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        self.previews.set(Vec::new());
        self.send(id, files).await;
    }

    async fn send(self, id: ProductId, files: Vec<web_sys::File>) {
        let total = files.len();
        self.problems.set(Vec::new());
        for (i, file) in files.iter().enumerate() {
            self.progress.set(Some((i + 1, total)));
            match api::add_photo(id, file).await {
                Ok(entry) => self.saved.set(Some(entry)),
                Err(e) => self.problems.update(|p| p.push(e.named_words())),
            }
        }
        self.progress.set(None);
    }

    fn change(
        self,
        op: impl AsyncFnOnce(ProductId) -> Result<CatalogEntry, api::Failure> + 'static,
    ) {
        let Some(id) = self.saved.get_untracked().map(|e| e.product.id) else {
            return;
        };
        spawn_local(async move {
            match op(id).await {
                Ok(entry) => self.saved.set(Some(entry)),
                Err(e) => self.problems.set(vec![e.words()]),
            }
        });
    }
}

/// The files of a file input or a drop.
fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn PhotoPanel(queue: PhotoQueue) -> impl IntoView {
    let picked = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        queue.take(files_of(input.files()));
        // The same file may be picked again later.
        input.set_value("");
    };
    let dropped = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        queue.take(files_of(ev.data_transfer().and_then(|d| d.files())));
    };
    let photos = move || {
        queue
            .saved
            .get()
            .map(|e| e.product.photos)
            .unwrap_or_default()
    };
    view! {
        <section
            class="photos"
            aria-label=move || t("step-photos")
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=dropped
        >
            <ol id="photo-strip" class="strip">
                {move || {
                    let list = photos();
                    let last = list.len().saturating_sub(1);
                    list.into_iter().enumerate().map(|(i, p)| {
                        let hash: PhotoHash = p.hash.clone();
                        let (h1, h2, h3) = (hash.clone(), hash.clone(), hash.clone());
                        view! {
                            <li class="photo" class:cover=i == 0 data-hash=hash.to_string()>
                                <img src=api::photo_url(&hash, false) alt=p.alt.clone() />
                                <div class="tools">
                                    <button type="button" class="mini" title=move || t("make-cover") disabled=i == 0
                                        on:click=move |_| { let h = h1.clone(); queue.change(async move |id| api::move_photo(id, &h, 0).await) }>
                                        <Icon path=icons::STAR class="small" />
                                    </button>
                                    <button type="button" class="mini" title=move || t("move-later") disabled=i == last
                                        on:click=move |_| { let h = h2.clone(); queue.change(async move |id| api::move_photo(id, &h, i + 1).await) }>
                                        <Icon path=icons::NEXT class="small flip" />
                                    </button>
                                    <button type="button" class="mini" title=move || t("remove-photo")
                                        on:click=move |_| { let h = h3.clone(); queue.change(async move |id| api::remove_photo(id, &h).await) }>
                                        <Icon path=icons::CLOSE class="small" />
                                    </button>
                                </div>
                            </li>
                        }
                    }).collect_view()
                }}
                {move || queue.previews.get().into_iter().map(|url| view! {
                    <li class="photo waiting"><img src=url alt="" /></li>
                }).collect_view()}
            </ol>
            <div class="pickers">
                <label class="picker" title=move || t("take-photo")>
                    <Icon path=icons::CAMERA />
                    <input id="photo-camera" type="file" accept="image/*" capture="environment" on:change=picked />
                </label>
                <label class="picker" title=move || t("choose-photos")>
                    <Icon path=icons::GALLERY />
                    <input id="photo-files" type="file" accept="image/jpeg,image/png,image/*" multiple on:change=picked />
                </label>
                {move || queue.progress.get().map(|(n, m)| view! {
                    <span class="progress" role="status">
                        <progress max=m value=n - 1></progress>
                        {move || t_with("processing-photo", [("n", n.into()), ("total", m.into())])}
                    </span>
                })}
            </div>
            <ul id="photo-problems" class="error">
                {move || queue.problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
        </section>
    }
}
