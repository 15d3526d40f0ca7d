//! Who works here: the first start, "who is working?" at a shared desktop, and the
//! workshop screen (artisans, their roles and portraits, the marketplaces, the language).

use hanout_domain::{Artisan, ArtisanForm, Cooperative, CooperativeForm, Lang, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::i18n::{self, message_in, t};
use crate::icons::{self, Icon};
use crate::{Screen, Shell};

/// An artisan's portrait, or the first letter of their name on a colour of their own.
#[component]
pub fn Avatar(artisan: Artisan, #[prop(optional)] small: bool) -> impl IntoView {
    let class = if small { "avatar small" } else { "avatar" };
    match &artisan.photo {
        Some(hash) => {
            view! { <img class=class src=api::photo_url(hash, false) alt="" /> }.into_any()
        }
        None => {
            let initial: String = artisan.fields.name.chars().take(1).collect();
            // One of eight colours, the same for an artisan every time (no inline style:
            // the window's CSP forbids it).
            let colour = artisan
                .id
                .to_string()
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
                % 8;
            view! {
                <span class=format!("{class} colour-{colour}") aria-hidden="true">{initial}</span>
            }
            .into_any()
        }
    }
}

/// The four languages, each named in its own words.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let shell = Shell::get();
    let choose = move |lang: Lang| {
        i18n::set_lang(lang);
        // Remembered for the device and the artisan working, once there is a catalog.
        if shell
            .desk
            .with_untracked(|d| d.as_ref().is_some_and(|d| !d.artisans.is_empty()))
        {
            spawn_local(async move {
                if let Ok(desk) = api::set_lang(lang).await {
                    shell.set_desk(desk);
                }
            });
        }
    };
    view! {
        <div class="languages" role="group" aria-label=move || t("choose-language")>
            <Icon path=icons::GLOBE />
            {Lang::ALL.map(|lang| view! {
                <button type="button" id=format!("lang-{}", lang.code()) lang=lang.code()
                    class:chosen=move || i18n::lang().get() == lang
                    aria-pressed=move || (i18n::lang().get() == lang).to_string()
                    on:click=move |_| choose(lang)>
                    {message_in(lang, "language-name", None)}
                </button>
            })}
        </div>
    }
}

/// First start: name the workshop and its first artisan, who leads it.
#[component]
pub fn Welcome() -> impl IntoView {
    let shell = Shell::get();
    let coop = RwSignal::new(String::new());
    let maker = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The cooperative, once made: a second try after a refused name must not make another.
    let made = StoredValue::new(None::<Cooperative>);
    let start = move || {
        let (coop_name, maker_name) = (coop.get_untracked(), maker.get_untracked());
        let lang = i18n::lang().get_untracked();
        spawn_local(async move {
            let result = async {
                // It may also exist from an earlier start that stopped half-way.
                let existing = made.get_value().or_else(|| {
                    shell.desk.with_untracked(|d| {
                        d.as_ref().and_then(|d| d.cooperatives.first().cloned())
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
                // The language chosen here is the first artisan's.
                api::set_lang(lang).await
            };
            match result.await {
                Ok(desk) => shell.set_desk(desk),
                Err(e) => error.set(Some(
                    e.fields
                        .first()
                        .map(crate::editor::field_problem_words)
                        .unwrap_or_else(|| e.words()),
                )),
            }
        });
    };
    view! {
        <main class="welcome">
            <img class="logo" src="icon.png" alt="" />
            <h1>{move || t("welcome-title")}</h1>
            <LanguagePicker />
            <form on:submit=move |ev| { ev.prevent_default(); start(); }>
                <label><span class="with-icon"><Icon path=icons::SHOP />{move || t("welcome-workshop")}</span>
                    <input id="welcome-coop" dir="auto" required prop:value=coop on:input=move |ev| coop.set(event_target_value(&ev)) />
                </label>
                <label><span class="with-icon"><Icon path=icons::PERSON />{move || t("welcome-your-name")}</span>
                    <input id="welcome-maker" dir="auto" required prop:value=maker on:input=move |ev| maker.set(event_target_value(&ev)) />
                </label>
                <p class="error" role="alert">{move || error.get()}</p>
                <button id="welcome-start" class="primary" type="submit"><Icon path=icons::CHECK /><span>{move || t("welcome-start")}</span></button>
            </form>
            <crate::demo::StartDemo />
        </main>
    }
}

/// "Who is working?": the cooperative's artisans with their portraits, one tap each.
#[component]
pub fn WhoIsWorking() -> impl IntoView {
    let shell = Shell::get();
    let error = RwSignal::new(None::<String>);
    let pick = move |a: &Artisan| {
        let id = a.id;
        spawn_local(async move {
            match api::work_as(id).await {
                Ok(desk) => {
                    shell.screen.set(Screen::Catalog);
                    shell.set_desk(desk);
                }
                Err(e) => error.set(Some(e.words())),
            }
        });
    };
    view! {
        <main class="who">
            <h1>{move || t("who-is-working")}</h1>
            <ul id="who" class="people">
                {move || shell.desk.get().map(|d| d.artisans).unwrap_or_default().into_iter().map(|a| {
                    let chosen = a.clone();
                    view! {
                        <li>
                            <button class="person" data-artisan=a.id.to_string() on:click=move |_| pick(&chosen)>
                                <Avatar artisan=a.clone() />
                                <span dir="auto">{a.fields.name.clone()}</span>
                                <span class="role">{move || t(&format!("role-{}", a.role.slug()))}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="error" role="alert">{move || error.get()}</p>
            <LanguagePicker />
        </main>
    }
}

/// A screen's header: back to the catalog, and the screen's name.
#[component]
pub fn ScreenHeader(key: &'static str) -> impl IntoView {
    let shell = Shell::get();
    view! {
        <header class="bar">
            <button id="back-to-catalog" class="round quiet" title=move || t("back") aria-label=move || t("back")
                on:click=move |_| shell.screen.set(Screen::Catalog)>
                <Icon path=icons::NEXT class="flip back" />
            </button>
            <h1>{move || t(key)}</h1>
        </header>
    }
}

/// The workshop: who works here and in what role, their portraits, the marketplace
/// accounts, the language. Only the leader changes roles and accounts.
#[component]
pub fn WorkshopScreen() -> impl IntoView {
    let shell = Shell::get();
    let error = RwSignal::new(None::<String>);
    let leader =
        move || shell.desk.with(|d| d.as_ref().and_then(|d| d.role())) == Some(Role::Leader);
    let me = move || shell.desk.with(|d| d.as_ref().and_then(|d| d.me));
    let markets = RwSignal::new(Vec::<api::Marketplace>::new());
    let load_markets = move || {
        spawn_local(async move {
            if let Ok(all) = api::marketplaces().await {
                markets.set(all);
            }
        })
    };
    load_markets();
    let answer = move |result: Result<api::Desk, api::Failure>| match result {
        Ok(desk) => {
            error.set(None);
            shell.set_desk(desk);
        }
        Err(e) => error.set(Some(e.words())),
    };
    let portrait = move |artisan: hanout_domain::ArtisanId, ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        spawn_local(async move { answer(api::set_portrait(artisan, &file).await) });
    };
    let remove = move |id: String| {
        spawn_local(async move {
            match api::remove_marketplace(&id).await {
                Ok(()) => {
                    error.set(None);
                    load_markets();
                }
                Err(e) => error.set(Some(e.words())),
            }
        });
    };
    view! {
        <ScreenHeader key="workshop" />
        <main class="workshop">
            <p class="error" role="alert" id="workshop-error">{move || error.get()}</p>
            <section>
                <h2>{move || t("artisans")}</h2>
                <ul class="people-list">
                    {move || shell.desk.get().map(|d| d.artisans).unwrap_or_default().into_iter().map(|a| {
                        let id = a.id;
                        let own = me() == Some(id);
                        view! {
                            <li data-artisan=id.to_string()>
                                <Avatar artisan=a.clone() />
                                <span class="name" dir="auto">{a.fields.name.clone()}</span>
                                <Show when=move || leader() || own>
                                    <label class="picker small" title=move || t("set-portrait")>
                                        <Icon path=icons::CAMERA />
                                        <input type="file" accept="image/*" capture="user" on:change=move |ev| portrait(id, ev) />
                                    </label>
                                </Show>
                                <select class="role" disabled=move || !leader() aria-label=move || t("role-leader")
                                    prop:value=a.role.slug()
                                    on:change=move |ev| {
                                        if let Ok(role) = event_target_value(&ev).parse::<Role>() {
                                            spawn_local(async move { answer(api::set_role(id, role).await) });
                                        }
                                    }>
                                    {Role::ALL.map(|r| view! { <option value=r.slug()>{move || t(&format!("role-{}", r.slug()))}</option> })}
                                </select>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <Show when=leader>
                    <NewMaker on_added=move |_| {} />
                </Show>
                <Show when=move || shell.demo.with(Option::is_none)>
                    <crate::demo::StartDemo />
                </Show>
                <button id="switch-person" class="quiet" on:click=move |_| {
                    spawn_local(async move { answer(api::leave().await) });
                }>
                    <Icon path=icons::PEOPLE /><span>{move || t("switch-person")}</span>
                </button>
            </section>
            <section>
                <h2>{move || t("marketplaces")}</h2>
                <ul id="accounts" class="accounts">
                    {move || markets.get().into_iter().map(|m| {
                        let id = m.id.clone();
                        view! {
                            <li data-marketplace=m.id.clone()>
                                <Icon path=icons::SHOP />
                                <span class="name" dir="auto">{m.name.clone()}</span>
                                <Show when=leader>
                                    {
                                        let id = id.clone();
                                        view! {
                                            <button class="quiet remove-account" title=move || t("remove-account")
                                                aria-label=move || t("remove-account") on:click=move |_| remove(id.clone())>
                                                <Icon path=icons::TRASH />
                                            </button>
                                        }
                                    }
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <Show when=move || markets.with(Vec::is_empty)>
                    <p class="hint">{move || t("no-marketplaces")}</p>
                </Show>
            </section>
            <section>
                <h2>{move || t("choose-language")}</h2>
                <LanguagePicker />
            </section>
        </main>
    }
}

/// Adds an artisan to the workshop (the leader's), and tells `on_added` their id.
#[component]
pub fn NewMaker(#[prop(into)] on_added: Callback<String>) -> impl IntoView {
    let shell = Shell::get();
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let cooperative = shell.desk.with_untracked(|d| {
            d.as_ref()
                .and_then(|d| d.cooperatives.first())
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
                    shell.desk.update(|d| {
                        if let Some(d) = d {
                            d.artisans.push(artisan);
                        }
                    });
                    on_added.run(id);
                    open.set(false);
                    name.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(
                    e.fields
                        .first()
                        .map(crate::editor::field_problem_words)
                        .unwrap_or_else(|| e.words()),
                )),
            }
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" id="new-maker" class="quiet" on:click=move |_| open.set(true)>
                    <Icon path=icons::PERSON_PLUS /><span>{move || t("add-artisan")}</span>
                </button>
            }
        >
            <div class="row new-maker">
                <label class="field">
                    <span>{move || t("new-maker-name")}</span>
                    <input id="new-maker-name" dir="auto" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    <span class="problem">{move || error.get()}</span>
                </label>
                <button type="button" id="new-maker-add" class="round" title=move || t("add-artisan") aria-label=move || t("add-artisan") on:click=add>
                    <Icon path=icons::CHECK />
                </button>
            </div>
        </Show>
    }
}
