//! The product form: add a product or change one. It checks with the same rules as the
//! engine before sending, and shows each problem beside its field.

use std::collections::BTreeMap;

use hanout_domain::{
    ArtisanForm, CatalogEntry, Category, Field, FieldError, Lang, ProductForm, ProductStatus,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::icons::{self, Icon};
use crate::photos::{PhotoPanel, PhotoQueue};
use crate::{WorkshopState, api};

/// Reads and writes one text field of the form.
type Accessors = (fn(&ProductForm) -> String, fn(&mut ProductForm, String));

/// The [`Accessors`] of one text field: `text!(price)`.
macro_rules! text {
    ($name:ident) => {
        (
            |f: &ProductForm| f.$name.clone(),
            |f: &mut ProductForm, v: String| f.$name = v,
        )
    };
}

#[component]
pub fn ProductEditor(
    existing: Option<CatalogEntry>,
    #[prop(into)] on_saved: Callback<CatalogEntry>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let WorkshopState(workshop) = expect_context();
    let first_maker = workshop.with_untracked(|w| {
        w.as_ref()
            .and_then(|w| w.artisans.first())
            .map(|a| a.id.to_string())
            .unwrap_or_default()
    });
    let queue = PhotoQueue::new(existing.clone());
    // Known once the product is stored: at the start when editing, after the first save
    // when new.
    let id = move || queue.saved.with(|s| s.as_ref().map(|e| e.product.id));
    let form = RwSignal::new(match &existing {
        Some(e) => ProductForm::from(&e.product.fields),
        None => ProductForm {
            quantity: "1".into(),
            status: ProductStatus::Ready.slug().into(),
            maker: first_maker,
            category: Category::Pottery.slug().into(),
            ..ProductForm::default()
        },
    });
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let save = move || {
        let current = form.get_untracked();
        // The engine checks again; this saves a round trip and shows every problem at once.
        if let Err(invalid) = current.validate() {
            problems.set(invalid.0);
            message.set(None);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let answer = match id() {
                Some(id) => api::update_product(id, &current).await,
                None => api::add_product(&current).await,
            };
            match answer {
                Ok(entry) => {
                    let id = entry.product.id;
                    queue.saved.set(Some(entry));
                    // Photos picked before the first save go now, one at a time.
                    queue.send_pending(id).await;
                    busy.set(false);
                    if let Some(entry) = queue.saved.get_untracked() {
                        on_saved.run(entry);
                    }
                }
                Err(e) => {
                    busy.set(false);
                    message.set(Some(e.message));
                    problems.set(e.fields);
                }
            }
        });
    };
    let archive = move |_| {
        let Some(id) = id() else { return };
        spawn_local(async move {
            match api::archive_product(id).await {
                Ok(entry) => on_saved.run(entry),
                Err(e) => message.set(Some(e.message)),
            }
        });
    };

    // One field per language; Arabic is typed right to left.
    let per_language = move |name: &'static str,
                             label: &'static str,
                             field: fn(Lang) -> Field,
                             read: fn(&ProductForm) -> &BTreeMap<Lang, String>,
                             write: fn(&mut ProductForm) -> &mut BTreeMap<Lang, String>,
                             multiline: bool| {
        Lang::ALL.map(|lang| {
            view! {
                <TextField
                    id=format!("{name}-{}", lang.code())
                    label=format!("{label} ({})", lang.code())
                    field=field(lang)
                    form problems
                    get=move |f: &ProductForm| read(f).get(&lang).cloned().unwrap_or_default()
                    set=move |f: &mut ProductForm, v: String| { write(f).insert(lang, v); }
                    dir=if lang.is_rtl() { "rtl" } else { "auto" }
                    multiline
                />
            }
        })
    };
    let titles = per_language(
        "title",
        "Title",
        Field::Title,
        |f| &f.titles,
        |f| &mut f.titles,
        false,
    );
    let descriptions = per_language(
        "description",
        "Description",
        Field::Description,
        |f| &f.descriptions,
        |f| &mut f.descriptions,
        true,
    );
    let simple = move |id: &'static str,
                       label: &'static str,
                       field: Field,
                       (get, set): Accessors,
                       mode: &'static str| {
        view! { <TextField id=id.to_owned() label=label.to_owned() field form problems get set input_mode=mode /> }
    };

    view! {
        <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="editor-title">
            <form id="product-form" class="editor" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <header>
                    <h2 id="editor-title">{move || if id().is_some() { "Edit product" } else { "New product" }}</h2>
                    <button type="button" class="round" title="Close" on:click=move |_| on_close.run(())>
                        <Icon path=icons::CLOSE />
                    </button>
                </header>
                <PhotoPanel queue />
                <fieldset class="categories">
                    <legend>"Category"</legend>
                    {Category::ALL.map(|c| view! {
                        <button
                            type="button"
                            id=format!("category-{}", c.slug())
                            class=format!("category cat-{}", c.slug())
                            class:chosen=move || form.with(|f| f.category == c.slug())
                            title=c.label()
                            aria-pressed=move || form.with(|f| (f.category == c.slug()).to_string())
                            on:click=move |_| form.update(|f| f.category = c.slug().to_owned())
                        >
                            <Icon path=icons::category(c) />
                            <span>{c.label()}</span>
                        </button>
                    })}
                    <Problems field=Field::Category problems />
                </fieldset>
                <div class="titles">{titles}</div>
                <div class="row">
                    {simple("price", "Price (DH)", Field::Price, text!(price), "decimal")}
                    {simple("quantity", "Quantity", Field::Quantity, text!(quantity), "numeric")}
                </div>
                <div class="row">
                    <label class="field">
                        <span><Icon path=icons::PERSON class="small" />"Maker"</span>
                        <select id="maker" prop:value=move || form.with(|f| f.maker.clone())
                            on:change=move |ev| form.update(|f| f.maker = event_target_value(&ev))>
                            {move || workshop.get().map(|w| w.artisans).unwrap_or_default().into_iter().map(|a| {
                                view! { <option value=a.id.to_string()>{a.fields.name}</option> }
                            }).collect_view()}
                        </select>
                        <Problems field=Field::Maker problems />
                    </label>
                    <NewMaker form />
                    <label class="field">
                        <span>"Status"</span>
                        <select id="status" prop:value=move || form.with(|f| f.status.clone())
                            on:change=move |ev| form.update(|f| f.status = event_target_value(&ev))>
                            {ProductStatus::ALL.map(|s| view! { <option value=s.slug()>{s.slug().replace('_', " ")}</option> })}
                        </select>
                        <Problems field=Field::Status problems />
                    </label>
                </div>
                <details>
                    <summary>"More details"</summary>
                    {simple("materials", "Materials", Field::Materials, text!(materials), "text")}
                    <div class="row">
                        {simple("size", "Size (30 x 20 x 10 cm)", Field::Dimensions, text!(dimensions), "text")}
                        {simple("weight", "Weight (800 g, 1.5 kg)", Field::Weight, text!(weight), "text")}
                    </div>
                    {descriptions}
                </details>
                <p class="error" role="alert">{move || message.get()}</p>
                <footer>
                    {move || id().map(|_| view! {
                        <button type="button" id="archive" class="quiet" on:click=archive>
                            <Icon path=icons::ARCHIVE />"Archive"
                        </button>
                    })}
                    <button type="submit" id="save" class="primary" disabled=move || busy.get() || queue.busy()>
                        <Icon path=icons::CHECK />"Save"
                    </button>
                </footer>
            </form>
        </div>
    }
}

/// A labelled text input bound to one field of the form, with that field's problems.
#[component]
fn TextField(
    id: String,
    label: String,
    field: Field,
    form: RwSignal<ProductForm>,
    problems: RwSignal<Vec<FieldError>>,
    get: impl Fn(&ProductForm) -> String + Send + Sync + 'static,
    set: impl Fn(&mut ProductForm, String) + Send + Sync + 'static,
    #[prop(default = "auto")] dir: &'static str,
    #[prop(default = "text")] input_mode: &'static str,
    #[prop(default = false)] multiline: bool,
) -> impl IntoView {
    let invalid = move || {
        problems
            .with(|p| p.iter().any(|e| e.field == field))
            .to_string()
    };
    let input = if multiline {
        view! {
            <textarea id=id dir=dir aria-invalid=invalid prop:value=move || form.with(&get)
                on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id dir=dir inputmode=input_mode aria-invalid=invalid prop:value=move || form.with(&get)
                on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
        }
        .into_any()
    };
    view! {
        <label class="field">
            <span>{label}</span>
            {input}
            <Problems field problems />
        </label>
    }
}

/// What is wrong with one field, in words.
#[component]
fn Problems(field: Field, problems: RwSignal<Vec<FieldError>>) -> impl IntoView {
    view! {
        <span class="problem" data-field=format!("{field}")>
            {move || problems.with(|p| {
                p.iter().filter(|e| e.field == field).map(|e| e.problem.to_string()).collect::<Vec<_>>().join("; ")
            })}
        </span>
    }
}

/// Adds an artisan to the workshop without leaving the form, and makes them the maker.
#[component]
fn NewMaker(form: RwSignal<ProductForm>) -> impl IntoView {
    let WorkshopState(workshop) = expect_context();
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let cooperative = workshop.with_untracked(|w| {
            w.as_ref()
                .and_then(|w| w.cooperatives.first())
                .map(|c| c.id.to_string())
                .unwrap_or_default()
        });
        let new = ArtisanForm {
            name: name.get_untracked(),
            cooperative,
            nia: String::new(),
        };
        spawn_local(async move {
            match api::add_artisan(&new).await {
                Ok(artisan) => {
                    let id = artisan.id.to_string();
                    workshop.update(|w| {
                        if let Some(w) = w {
                            w.artisans.push(artisan);
                        }
                    });
                    form.update(|f| f.maker = id);
                    open.set(false);
                    name.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" id="new-maker" class="quiet" title="New maker" on:click=move |_| open.set(true)>
                    <Icon path=icons::PLUS />"Maker"
                </button>
            }
        >
            <label class="field">
                <span>"New maker's name"</span>
                <input id="new-maker-name" dir="auto" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <span class="problem">{move || error.get()}</span>
            </label>
            <button type="button" id="new-maker-add" class="quiet" on:click=add><Icon path=icons::CHECK /></button>
        </Show>
    }
}
