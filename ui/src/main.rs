//! Hanout's window: the catalog as a photo-and-price grid, a search box, and the product
//! form. It reads and writes only through the engine's commands (`api`).

mod api;
mod editor;
mod icons;
mod photos;

use hanout_domain::{
    ArtisanForm, ArtisanId, CatalogEntry, Category, Cooperative, CooperativeForm, Lang,
    ProductFilter, ProductStatus, Workshop,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::editor::ProductEditor;
use crate::icons::Icon;

fn main() {
    leptos::mount::mount_to_body(App);
}

/// Who works here, shared by every screen; `None` until the engine has answered.
#[derive(Clone, Copy)]
struct WorkshopState(RwSignal<Option<Workshop>>);

#[component]
fn App() -> impl IntoView {
    let workshop = RwSignal::new(None::<Workshop>);
    let fatal = RwSignal::new(None::<String>);
    provide_context(WorkshopState(workshop));
    spawn_local(async move {
        match api::workshop().await {
            Ok(w) => workshop.set(Some(w)),
            Err(e) => fatal.set(Some(e.message)),
        }
    });
    move || match (
        fatal.get(),
        workshop.with(|w| w.as_ref().map(|w| w.artisans.is_empty())),
    ) {
        (Some(message), _) => view! {
            <main class="fatal" role="alert"><h1>"Hanout cannot start"</h1><p>{message}</p></main>
        }
        .into_any(),
        (None, None) => view! { <main class="loading" aria-busy="true"></main> }.into_any(),
        (None, Some(true)) => view! { <Welcome /> }.into_any(),
        (None, Some(false)) => view! { <Catalog /> }.into_any(),
    }
}

/// First start: name the workshop and its first artisan.
#[component]
fn Welcome() -> impl IntoView {
    let WorkshopState(workshop) = expect_context();
    let coop = RwSignal::new(String::new());
    let maker = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The cooperative, once made: a second try after a refused name must not make another.
    let made = StoredValue::new(None::<Cooperative>);
    let start = move || {
        let (coop_name, maker_name) = (coop.get_untracked(), maker.get_untracked());
        spawn_local(async move {
            let result = async {
                // It may also exist from an earlier start that stopped half-way.
                let existing = made.get_value().or_else(|| {
                    workshop.with_untracked(|w| {
                        w.as_ref().and_then(|w| w.cooperatives.first().cloned())
                    })
                });
                let cooperative = match existing {
                    Some(c) => c,
                    None => api::add_cooperative(&CooperativeForm { name: coop_name }).await?,
                };
                made.set_value(Some(cooperative.clone()));
                let form = ArtisanForm {
                    name: maker_name,
                    cooperative: cooperative.id.to_string(),
                    nia: String::new(),
                };
                api::add_artisan(&form).await?;
                api::workshop().await
            };
            match result.await {
                Ok(w) => workshop.set(Some(w)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <main class="welcome">
            <img class="logo" src="icon.png" alt="" />
            <h1>"Hanout " <span lang="ar">"حانوت"</span></h1>
            <form on:submit=move |ev| { ev.prevent_default(); start(); }>
                <label>"Workshop or cooperative"
                    <input id="welcome-coop" required prop:value=coop on:input=move |ev| coop.set(event_target_value(&ev)) />
                </label>
                <label><span class="with-icon"><Icon path=icons::PERSON />"Your name"</span>
                    <input id="welcome-maker" required prop:value=maker on:input=move |ev| maker.set(event_target_value(&ev)) />
                </label>
                <p class="error" role="alert">{move || error.get()}</p>
                <button id="welcome-start" class="primary" type="submit"><Icon path=icons::CHECK />"Start"</button>
            </form>
        </main>
    }
}

/// What the form panel is showing.
#[derive(Clone)]
enum Editing {
    New,
    Existing(CatalogEntry),
}

#[component]
fn Catalog() -> impl IntoView {
    let query = RwSignal::new(String::new());
    // Which products to show besides the words searched; `None` is "all".
    let status = RwSignal::new(None::<ProductStatus>);
    let category = RwSignal::new(None::<Category>);
    let maker = RwSignal::new(None::<ArtisanId>);
    let entries = RwSignal::new(Vec::<CatalogEntry>::new());
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<Editing>);
    let reload = RwSignal::new(0u32);
    // Answers can come back out of order while the user types: keep only the latest.
    let latest = StoredValue::new(0u32);

    Effect::new(move |_| {
        reload.track();
        let filter = ProductFilter {
            query: Some(query.get()),
            status: status.get(),
            category: category.get(),
            maker: maker.get(),
            ..ProductFilter::default()
        };
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        spawn_local(async move {
            let answer = api::catalog_page(&filter).await;
            if latest.get_value() != ticket {
                return;
            }
            match answer {
                Ok(page) => {
                    entries.set(page);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    });

    let saved = Callback::new(move |_: CatalogEntry| {
        editing.set(None);
        reload.update(|n| *n += 1);
    });
    // Photos change as soon as they are added: the grid reloads on close too.
    let close = Callback::new(move |()| {
        editing.set(None);
        reload.update(|n| *n += 1);
    });

    view! {
        <header class="bar">
            <img class="logo" src="icon.png" alt="Hanout" />
            <label class="search">
                <Icon path=icons::SEARCH />
                <input
                    id="search"
                    type="search"
                    placeholder="Search"
                    aria-label="Search"
                    prop:value=query
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <button id="add-product" class="primary round" title="Add a product" on:click=move |_| editing.set(Some(Editing::New))>
                <Icon path=icons::PLUS />
            </button>
        </header>
        <Filters status category maker />
        <p class="error" role="alert">{move || error.get()}</p>
        <ul id="catalog" class="grid">
            <For
                each=move || entries.get()
                key=|e| (e.product.id, e.product.updated_at)
                children=move |entry| {
                    let open = entry.clone();
                    view! {
                        <li>
                            <button class="card" on:click=move |_| editing.set(Some(Editing::Existing(open.clone())))>
                                <Card entry />
                            </button>
                        </li>
                    }
                }
            />
        </ul>
        <Show when=move || entries.with(Vec::is_empty) && error.with(Option::is_none)>
            <p class="empty">
                {move || if query.with(String::is_empty) { "No products yet: add one with +" } else { "Nothing found" }}
            </p>
        </Show>
        {move || editing.get().map(|e| {
            let existing = match e { Editing::New => None, Editing::Existing(entry) => Some(entry) };
            view! { <ProductEditor existing on_saved=saved on_close=close /> }
        })}
    }
}

/// Narrows the catalog by status, category and maker. An empty choice is "all".
#[component]
fn Filters(
    status: RwSignal<Option<ProductStatus>>,
    category: RwSignal<Option<Category>>,
    maker: RwSignal<Option<ArtisanId>>,
) -> impl IntoView {
    let WorkshopState(workshop) = expect_context();
    let chosen = |ev: &leptos::ev::Event| Some(event_target_value(ev)).filter(|v| !v.is_empty());
    view! {
        <nav class="filters" aria-label="Filters">
            <select id="filter-status" aria-label="Status"
                on:change=move |ev| status.set(chosen(&ev).and_then(|v| v.parse().ok()))>
                <option value="">"All statuses"</option>
                {ProductStatus::ALL.map(|s| view! { <option value=s.slug()>{s.slug().replace('_', " ")}</option> })}
            </select>
            <select id="filter-category" aria-label="Category"
                on:change=move |ev| category.set(chosen(&ev).and_then(|v| v.parse().ok()))>
                <option value="">"All categories"</option>
                {Category::ALL.map(|c| view! { <option value=c.slug()>{c.label()}</option> })}
            </select>
            <select id="filter-maker" aria-label="Maker"
                on:change=move |ev| maker.set(chosen(&ev).and_then(|v| v.parse().ok()))>
                <option value="">"All makers"</option>
                {move || workshop.get().map(|w| w.artisans).unwrap_or_default().into_iter().map(|a| {
                    view! { <option value=a.id.to_string()>{a.fields.name}</option> }
                }).collect_view()}
            </select>
        </nav>
    }
}

#[component]
fn Card(entry: CatalogEntry) -> impl IntoView {
    let f = &entry.product.fields;
    let title = f.title(Lang::Fr).unwrap_or("—").to_owned();
    let status = f.status.slug();
    view! {
        <span class=format!("art cat-{}", f.category.slug())>
            {match entry.product.photos.first() {
                Some(cover) => view! { <img class="cover" src=api::photo_url(&cover.hash, false) alt=cover.alt.clone() /> }.into_any(),
                None => view! { <Icon path=icons::category(f.category) /> }.into_any(),
            }}
        </span>
        <span class="title" dir="auto">{title}</span>
        <span class="price">{f.price.to_string()}</span>
        <span class="maker" dir="auto"><Icon path=icons::PERSON class="small" />{entry.maker_name.clone()}</span>
        <span class=format!("status status-{status}")>{status.replace('_', " ")}</span>
    }
}
