//! The catalog: a grid of photos and prices, each with where it stands on the
//! marketplaces; search and filters; the sync indicator and the way to add a product.

use hanout_domain::{
    ArtisanId, CatalogEntry, Category, Lang, ProductFilter, ProductId, ProductStatus,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, LaneStatus};
use crate::editor::ProductEditor;
use crate::i18n::{self, t, t_with};
use crate::icons::{self, Icon};
use crate::people::Avatar;
use crate::sync::Indicator;
use crate::{Screen, Shell};

/// What the form panel is showing.
#[derive(Clone)]
enum Editing {
    New,
    Existing(Box<CatalogEntry>),
}

/// A product's title in the language spoken, else in the first language it has.
pub fn title_of(titles: &std::collections::BTreeMap<Lang, String>) -> Option<String> {
    let lang = i18n::lang().get();
    titles
        .get(&lang)
        .or_else(|| titles.values().next())
        .cloned()
}

#[component]
pub fn Catalog() -> impl IntoView {
    let shell = Shell::get();
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
        // A sale pulled back changes stock: the grid follows each round.
        shell.sync.with(|s| s.activity.rounds);
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
                Err(e) => error.set(Some(e.words())),
            }
        });
    });

    let done = Callback::new(move |()| {
        editing.set(None);
        reload.update(|n| *n += 1);
        shell.refresh_sync();
    });
    let may_add = move || {
        shell
            .desk
            .with(|d| d.as_ref().and_then(|d| d.role()))
            .is_some_and(|r| r != hanout_domain::Role::Viewer)
    };

    view! {
        <header class="bar">
            <img class="logo" src="icon.png" alt=move || t("app-name") />
            <label class="search">
                <Icon path=icons::SEARCH />
                <input
                    id="search"
                    type="search"
                    placeholder=move || t("search")
                    aria-label=move || t("search")
                    prop:value=query
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <Indicator />
            <button id="workshop" class="round quiet" title=move || t("workshop")
                on:click=move |_| shell.screen.set(Screen::Workshop)>
                {move || shell.desk.get().and_then(|d| d.working().cloned()).map(|a| view! { <Avatar artisan=a small=true /> })}
            </button>
        </header>
        <Filters status category maker />
        <p class="error" role="alert">{move || error.get()}</p>
        <ul id="catalog" class="grid">
            <For
                each=move || entries.get()
                key=|e| (e.product.id, e.product.updated_at, e.product.fields.quantity)
                children=move |entry| {
                    let open = entry.clone();
                    view! {
                        <li>
                            <button class="card" on:click=move |_| editing.set(Some(Editing::Existing(Box::new(open.clone()))))>
                                <Card entry />
                            </button>
                        </li>
                    }
                }
            />
        </ul>
        <Show when=move || entries.with(Vec::is_empty) && error.with(Option::is_none)>
            <p class="empty">
                {move || if query.with(String::is_empty) { t("no-products") } else { t("nothing-found") }}
            </p>
        </Show>
        <Show when=may_add>
            <button id="add-product" class="primary fab" title=move || t("add-product") aria-label=move || t("add-product")
                on:click=move |_| editing.set(Some(Editing::New))>
                <Icon path=icons::CAMERA_PLUS />
            </button>
        </Show>
        {move || editing.get().map(|e| {
            let existing = match e { Editing::New => None, Editing::Existing(entry) => Some(*entry) };
            view! { <ProductEditor existing on_done=done /> }
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
    let shell = Shell::get();
    let chosen = |ev: &leptos::ev::Event| Some(event_target_value(ev)).filter(|v| !v.is_empty());
    view! {
        <nav class="filters" aria-label=move || t("filters")>
            <select id="filter-status" aria-label=move || t("product-status")
                on:change=move |ev| status.set(chosen(&ev).and_then(|v| v.parse().ok()))>
                <option value="">{move || t("all-statuses")}</option>
                {ProductStatus::ALL.map(|s| view! { <option value=s.slug()>{move || t(&format!("status-{}", s.slug()))}</option> })}
            </select>
            <select id="filter-category" aria-label=move || t("category")
                on:change=move |ev| category.set(chosen(&ev).and_then(|v| v.parse().ok()))>
                <option value="">{move || t("all-categories")}</option>
                {Category::ALL.map(|c| view! { <option value=c.slug()>{move || t(&format!("category-{}", c.slug()))}</option> })}
            </select>
            <select id="filter-maker" aria-label=move || t("maker")
                on:change=move |ev| maker.set(chosen(&ev).and_then(|v| v.parse().ok()))>
                <option value="">{move || t("all-makers")}</option>
                {move || shell.desk.get().map(|d| d.artisans).unwrap_or_default().into_iter().map(|a| {
                    view! { <option value=a.id.to_string()>{a.fields.name}</option> }
                }).collect_view()}
            </select>
        </nav>
    }
}

/// Where a product stands on all its marketplaces: the lane that most needs looking at.
/// `None` when it is on none.
pub fn sync_badge(product: ProductId) -> Option<LaneStatus> {
    Shell::get().sync.with(|s| {
        s.lanes
            .iter()
            .filter(|l| l.product == product)
            .map(|l| l.status.clone())
            .max_by_key(LaneStatus::urgency)
    })
}

#[component]
fn Card(entry: CatalogEntry) -> impl IntoView {
    let f = entry.product.fields.clone();
    let id = entry.product.id;
    let titles = f.titles.clone();
    let status = f.status;
    let badge = move || {
        // A draft waits for its title, whatever its marketplaces.
        let lane = sync_badge(id).filter(|_| status != ProductStatus::Draft)?;
        let icon = match lane {
            LaneStatus::Sent | LaneStatus::SoldOut => icons::CHECK,
            LaneStatus::Sending | LaneStatus::Checking => icons::UPLOAD,
            LaneStatus::Waiting { .. } => icons::CLOCK,
            LaneStatus::Failed { .. } | LaneStatus::NeedsSignIn => icons::WARNING,
        };
        let slug = lane.slug();
        Some(view! {
            <span class=format!("sync-badge sync-{slug}") data-sync=slug title=move || t(&format!("lane-{slug}"))>
                <Icon path=icon class="small" />
            </span>
        })
    };
    view! {
        <span class=format!("art cat-{}", f.category.slug())>
            {match entry.product.photos.first() {
                Some(cover) => view! { <img class="cover" src=api::photo_url(&cover.hash, false) alt=cover.alt.clone() /> }.into_any(),
                None => view! { <Icon path=icons::category(f.category) /> }.into_any(),
            }}
            {badge}
        </span>
        <span class="title" dir="auto">{move || title_of(&titles).unwrap_or_else(|| t(&format!("category-{}", f.category.slug())))}</span>
        <span class="price">{move || i18n::price(f.price)}</span>
        <span class="maker" dir="auto"><Icon path=icons::PERSON class="small" />{entry.maker_name.clone()}</span>
        <span class="stock" data-stock=f.quantity>{move || t_with("stock-left", [("count", (f.quantity as usize).into())])}</span>
        <span class=format!("status status-{}", status.slug())>{move || t(&format!("status-{}", status.slug()))}</span>
    }
}
