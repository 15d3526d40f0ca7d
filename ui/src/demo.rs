//! The trainer's demo: "Start demo", the demo bar (the network switch, "Open the shop",
//! "Simulate a sale", reset, leave) and the "sold" notice that any sale brings.

use hanout_domain::{CatalogEntry, ProductFilter};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Connectivity, DemoView};
use crate::catalog::title_of;
use crate::i18n::{self, t, t_with};
use crate::icons::{self, Icon};
use crate::{Screen, Shell};

/// The demo opened: the window starts over in it.
fn opened(shell: Shell, demo: Option<DemoView>) {
    shell.demo.set(demo);
    shell.screen.set(Screen::Catalog);
    spawn_local(async move {
        if let Ok(desk) = api::workshop().await {
            shell.set_desk(desk);
        }
        shell.refresh_sync();
    });
}

/// "Start demo", for the welcome screen and the workshop screen.
#[component]
pub fn StartDemo() -> impl IntoView {
    let shell = Shell::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let start = move |_| {
        busy.set(true);
        spawn_local(async move {
            match api::demo_start().await {
                Ok(demo) => opened(shell, Some(demo)),
                Err(e) => error.set(Some(e.words())),
            }
            busy.set(false);
        });
    };
    view! {
        <button id="demo-start" class="quiet" aria-busy=move || busy.get().to_string()
            disabled=move || busy.get() on:click=start>
            <Icon path=icons::PLAY />
            <span>{move || if busy.get() { t("demo-starting") } else { t("demo-start") }}</span>
        </button>
        // Only when there is something to say: the screen's own form has its own alert.
        {move || error.get().map(|e| view! { <p id="demo-error" class="error" role="alert">{e}</p> })}
    }
}

/// Always on screen in a demo, so nobody mistakes it for the artisan's own shop.
#[component]
pub fn DemoBar() -> impl IntoView {
    let shell = Shell::get();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let picking = RwSignal::new(false);
    let fail = move |e: api::Failure| error.set(Some(e.words()));
    let network = move |c: Connectivity| {
        spawn_local(async move {
            match api::demo_network(c).await {
                Ok(demo) => {
                    error.set(None);
                    shell.demo.set(Some(demo));
                }
                Err(e) => fail(e),
            }
        })
    };
    let reset = move |_| {
        busy.set(true);
        spawn_local(async move {
            match api::demo_reset().await {
                Ok(demo) => opened(shell, Some(demo)),
                Err(e) => {
                    // A reset that failed leaves the artisan's own catalog open.
                    fail(e);
                    opened(shell, api::demo_state().await.ok().flatten());
                }
            }
            busy.set(false);
        });
    };
    let leave = move |_| {
        spawn_local(async move {
            match api::demo_leave().await {
                Ok(()) => opened(shell, None),
                Err(e) => fail(e),
            }
        })
    };
    let open_shop = move |_| {
        spawn_local(async move {
            if let Err(e) = api::demo_open_shop().await {
                fail(e);
            }
        })
    };
    let now = move || shell.demo.get().map(|d| d.connectivity);
    view! {
        <div id="demo-bar" class="demo-bar" role="region" aria-label=move || t("demo-badge") aria-busy=move || busy.get().to_string()>
            <span class="demo-badge">{move || t("demo-badge")}</span>
            <div class="segmented demo-network" role="radiogroup" aria-label=move || t("demo-network")>
                {Connectivity::ALL.map(|c| {
                    let icon = match c {
                        Connectivity::Offline => icons::CLOUD_OFF,
                        Connectivity::Slow2g => icons::SIGNAL,
                        Connectivity::Online => icons::WIFI,
                    };
                    view! {
                        <button id=format!("link-{}", c.slug()) role="radio"
                            aria-checked=move || (now() == Some(c)).to_string()
                            title=move || t(&format!("demo-{}", c.slug()))
                            on:click=move |_| network(c)>
                            <Icon path=icon /><span class="words">{move || t(&format!("demo-{}", c.slug()))}</span>
                        </button>
                    }
                })}
            </div>
            <button id="demo-open-shop" class="quiet" title=move || t("demo-open-shop") on:click=open_shop>
                <Icon path=icons::SHOP /><span class="words">{move || t("demo-open-shop")}</span>
            </button>
            <button id="demo-sale" class="quiet" title=move || t("demo-sale") on:click=move |_| picking.set(true)>
                <Icon path=icons::BAG /><span class="words">{move || t("demo-sale")}</span>
            </button>
            <button id="demo-reset" class="quiet" title=move || t("demo-reset") disabled=move || busy.get() on:click=reset>
                <Icon path=icons::RETRY /><span class="words">{move || t("demo-reset")}</span>
            </button>
            <button id="demo-leave" class="quiet" title=move || t("demo-leave") on:click=leave>
                <Icon path=icons::EXIT /><span class="words">{move || t("demo-leave")}</span>
            </button>
            <p class="error" role="alert">{move || error.get()}</p>
        </div>
        <Show when=move || picking.get()>
            <SalePicker close=Callback::new(move |outcome: Option<api::Failure>| {
                picking.set(false);
                match outcome {
                    Some(e) => fail(e),
                    None => error.set(None),
                }
            }) />
        </Show>
    }
}

/// "Which piece does the buyer buy?": the catalog's photos, one tap each.
#[component]
fn SalePicker(close: Callback<Option<api::Failure>>) -> impl IntoView {
    let shell = Shell::get();
    let entries = RwSignal::new(Vec::<CatalogEntry>::new());
    spawn_local(async move {
        let filter = ProductFilter {
            limit: 100,
            ..ProductFilter::default()
        };
        if let Ok(page) = api::catalog_page(&filter).await {
            entries.set(page);
        }
    });
    let buy = move |entry: &CatalogEntry| {
        let product = entry.product.id;
        spawn_local(async move {
            let outcome = api::demo_sale(product).await.err();
            shell.refresh_sync();
            close.run(outcome);
        });
    };
    view! {
        <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="sale-title">
            <section class="editor sale-picker">
                <header class="with-icon">
                    <Icon path=icons::BAG />
                    <h2 id="sale-title">{move || t("demo-sale-pick")}</h2>
                    <button id="sale-cancel" class="round quiet" title=move || t("close") on:click=move |_| close.run(None)>
                        <Icon path=icons::CLOSE />
                    </button>
                </header>
                <ul id="sale-products" class="strip">
                    <For each=move || entries.get() key=|e| e.product.id children=move |entry| {
                        let titles = entry.product.fields.titles.clone();
                        let cover = entry.product.photos.first().map(|p| api::photo_url(&p.hash, false));
                        let chosen = entry.clone();
                        view! {
                            <li>
                                <button class="pick" data-product=entry.product.id.to_string()
                                    aria-label=move || title_of(&titles).unwrap_or_default()
                                    on:click=move |_| buy(&chosen)>
                                    {cover.map(|src| view! { <img src=src alt="" /> })}
                                </button>
                            </li>
                        }
                    } />
                </ul>
            </section>
        </div>
    }
}

/// "Sold!": the newest sale pulled back since the window opened, until it is closed.
#[component]
pub fn SoldNotice() -> impl IntoView {
    let shell = Shell::get();
    // Sales made before the window opened were seen before.
    let seen = RwSignal::new(None::<i64>);
    spawn_local(async move {
        let newest = api::sync_state()
            .await
            .ok()
            .and_then(|s| s.sales.first().map(|s| s.at.0));
        seen.set(Some(newest.unwrap_or(0)));
    });
    let shown = move || {
        let seen = seen.get()?;
        shell
            .sync
            .with(|s| s.sales.first().filter(|sale| sale.at.0 > seen).cloned())
    };
    move || {
        shown().map(|sale| {
            let at = sale.at.0;
            let title = title_of(&sale.titles).unwrap_or_default();
            view! {
                <div id="sold" class="sold" role="status" data-left=sale.left>
                    {sale.cover.as_ref().map(|c| view! { <img src=api::photo_url(c, false) alt="" /> })}
                    <p>
                        <strong>{move || t("sold-title")}</strong>
                        <span dir="auto">{t_with("sold-what", [
                            ("quantity", (sale.quantity as usize).into()),
                            ("title", title.clone().into()),
                            ("marketplace", sale.marketplace_name.clone().into()),
                        ])}</span>
                        <span>{t_with("stock-left", [("count", (sale.left as usize).into())])}</span>
                        <span class="when">{i18n::moment(at)}</span>
                    </p>
                    <button id="sold-close" class="round quiet" title=move || t("close") on:click=move |_| seen.set(Some(at))>
                        <Icon path=icons::CLOSE />
                    </button>
                </div>
            }
        })
    }
}
