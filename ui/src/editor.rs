//! The product form in three steps, photo first: (1) photos, (2) what it is and its
//! price, (3) where to sell it, then Save. Saving is local and never waits on the
//! network. The same rules as the engine are checked before sending, and each problem is
//! shown beside its field, on its step.

use std::collections::BTreeMap;

use hanout_domain::{
    CatalogEntry, Category, Field, FieldError, Lang, ProductForm, ProductStatus, Role,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Marketplace};
use crate::i18n::{self, message_in, t, t_with};
use crate::icons::{self, Icon};
use crate::keypad::{PriceKeypad, QuantityStepper};
use crate::photos::{PhotoPanel, PhotoQueue};
use crate::{Shell, people::NewMaker};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Photos,
    What,
    Where,
}

impl Step {
    const ALL: [Step; 3] = [Step::Photos, Step::What, Step::Where];

    fn key(self) -> &'static str {
        match self {
            Step::Photos => "step-photos",
            Step::What => "step-what",
            Step::Where => "step-where",
        }
    }

    fn icon(self) -> &'static str {
        match self {
            Step::Photos => icons::CAMERA,
            Step::What => icons::TAG,
            Step::Where => icons::SHOP,
        }
    }

    /// The step whose fields hold a problem.
    fn of(field: Field) -> Step {
        match field {
            Field::Photos => Step::Photos,
            _ => Step::What,
        }
    }
}

/// A problem in the artisan's language, as shown under its field.
pub fn problem_words(e: &FieldError) -> String {
    // The problem's serde form: its kind, and its limit when it has one.
    let value = serde_json::to_value(&e.problem).unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default().to_owned();
    let limit = ["max", "max_chars"]
        .iter()
        .find_map(|k| {
            value[*k]
                .as_u64()
                .map(|n| n.to_string())
                .or_else(|| value[*k].as_str().map(str::to_owned))
        })
        .unwrap_or_default();
    t_with(&format!("problem-{kind}"), [("max", limit.into())])
}

/// A problem with the field it is about: "name is required".
pub fn field_problem_words(e: &FieldError) -> String {
    let field = serde_json::to_value(e.field).unwrap_or_default();
    let name = field["name"].as_str().unwrap_or_default().to_owned();
    let lang = field["lang"]
        .as_str()
        .and_then(|l| l.parse::<Lang>().ok())
        .map(|l| message_in(l, "language-name", None))
        .unwrap_or_default();
    let field = t_with(&format!("field-{name}"), [("lang", lang.into())]);
    format!("{field} {}", problem_words(e))
}

/// Titles for the marketplaces when the artisan gave none: the category, in the
/// languages buyers read.
fn titles_for_buyers(category: &str) -> BTreeMap<Lang, String> {
    [Lang::Fr, Lang::En]
        .into_iter()
        .map(|lang| {
            (
                lang,
                message_in(lang, &format!("listing-title-{category}"), None),
            )
        })
        .collect()
}

#[component]
pub fn ProductEditor(
    existing: Option<CatalogEntry>,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    let shell = Shell::get();
    let desk = shell.desk.get_untracked().unwrap_or_default();
    let me = desk.me.map(|m| m.to_string()).unwrap_or_default();
    let leader = desk.role() == Some(Role::Leader);
    let may_change = existing.as_ref().is_none_or(|e| {
        desk.working()
            .is_some_and(|a| a.role.may_edit(a.id, e.product.fields.maker))
    });
    let is_new = existing.is_none();
    let queue = PhotoQueue::new(existing.clone());
    let id = move || queue.saved.with(|s| s.as_ref().map(|e| e.product.id));
    let form = RwSignal::new(match &existing {
        Some(e) => ProductForm::from(&e.product.fields),
        None => ProductForm {
            quantity: "1".into(),
            maker: me,
            category: Category::Pottery.slug().into(),
            ..ProductForm::default()
        },
    });
    let step = RwSignal::new(Step::Photos);
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The cooperative's marketplaces, and which are switched on for this product.
    let markets = RwSignal::new(Vec::<Marketplace>::new());
    let wanted = RwSignal::new(Vec::<String>::new());
    let stored_wanted = StoredValue::new(Vec::<String>::new());
    let product_id = existing.as_ref().map(|e| e.product.id);
    spawn_local(async move {
        let all = api::marketplaces().await.unwrap_or_default();
        let on = match product_id {
            Some(id) => api::wanted_on(id).await.unwrap_or_default(),
            // A new product goes everywhere unless the artisan says otherwise.
            None => Vec::new(),
        };
        stored_wanted.set_value(on.clone());
        wanted.set(if product_id.is_some() {
            on
        } else {
            all.iter().map(|m| m.id.clone()).collect()
        });
        markets.set(all);
    });

    let save = move || {
        let mut current = form.get_untracked();
        let selling = wanted.get_untracked();
        if is_new {
            let titled = current.titles.values().any(|t| !t.trim().is_empty());
            if !titled && !selling.is_empty() {
                current.titles = titles_for_buyers(&current.category);
            }
            let titled = current.titles.values().any(|t| !t.trim().is_empty());
            // Only photos and a price: a draft, kept here until it has a title.
            let status = if titled {
                ProductStatus::Ready
            } else {
                ProductStatus::Draft
            };
            current.status = status.slug().into();
        }
        // The engine checks again; this saves a round trip and shows every problem at once.
        if let Err(invalid) = current.validate() {
            if let Some(first) = invalid.0.first() {
                step.set(Step::of(first.field));
            }
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
            let entry = match answer {
                Ok(entry) => entry,
                Err(e) => {
                    busy.set(false);
                    if let Some(first) = e.fields.first() {
                        step.set(Step::of(first.field));
                    }
                    message.set(Some(e.words()));
                    problems.set(e.fields);
                    return;
                }
            };
            let id = entry.product.id;
            queue.saved.set(Some(entry));
            // Photos picked before the first save go now, one at a time.
            queue.send_pending(id).await;
            let before = stored_wanted.get_value();
            for market in markets.get_untracked() {
                let on = selling.contains(&market.id);
                if on != before.contains(&market.id)
                    && let Err(e) = api::sell_on(id, &market.id, on).await
                {
                    message.set(Some(e.words()));
                }
            }
            busy.set(false);
            if message.with_untracked(Option::is_none) {
                on_done.run(());
            }
        });
    };
    let archive = move |_| {
        let Some(id) = id() else { return };
        spawn_local(async move {
            match api::archive_product(id).await {
                Ok(_) => on_done.run(()),
                Err(e) => message.set(Some(e.words())),
            }
        });
    };
    let at = move |s: Step| step.get() == s;
    let index = move || Step::ALL.iter().position(|s| *s == step.get()).unwrap_or(0);
    let go = move |by: isize| {
        let i = (index() as isize + by).clamp(0, 2) as usize;
        step.set(Step::ALL[i]);
    };

    view! {
        <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="editor-title">
            <form id="product-form" class="editor" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <header>
                    <h2 id="editor-title">{move || if id().is_some() { t("edit-product") } else { t("new-product") }}</h2>
                    <button type="button" id="close-editor" class="round" title=move || t("close") aria-label=move || t("close")
                        on:click=move |_| on_done.run(())>
                        <Icon path=icons::CLOSE />
                    </button>
                </header>
                <ol class="steps">
                    {Step::ALL.map(|s| view! {
                        <li>
                            <button type="button" id=format!("{}", s.key()) class="step" class:current=move || at(s)
                                aria-current=move || at(s).then_some("step")
                                on:click=move |_| step.set(s)>
                                <Icon path=s.icon() />
                                <span>{move || t(s.key())}</span>
                            </button>
                        </li>
                    })}
                </ol>
                <fieldset class="step-body" disabled=!may_change>
                    <div hidden=move || !at(Step::Photos)>
                        <PhotoPanel queue />
                    </div>
                    <div hidden=move || !at(Step::What) class="what">
                        <What form problems leader />
                    </div>
                    <div hidden=move || !at(Step::Where)>
                        <Where markets wanted />
                    </div>
                </fieldset>
                <p class="error" role="alert">{move || message.get()}</p>
                <footer>
                    {move || id().map(|_| view! {
                        <button type="button" id="archive" class="quiet" disabled=!may_change on:click=archive>
                            <Icon path=icons::ARCHIVE /><span>{move || t("archive")}</span>
                        </button>
                    })}
                    <span class="grow"></span>
                    <Show when=move || { index() > 0 }>
                        <button type="button" id="back" class="round" title=move || t("back") aria-label=move || t("back") on:click=move |_| go(-1)>
                            <Icon path=icons::NEXT class="flip back" />
                        </button>
                    </Show>
                    <Show when=move || !at(Step::Where)>
                        <button type="button" id="next" class="primary" on:click=move |_| go(1)>
                            <span>{move || t("next")}</span><Icon path=icons::NEXT class="flip" />
                        </button>
                    </Show>
                    <Show when=move || at(Step::Where) || !is_new>
                        <button type="submit" id="save" class="primary" disabled=move || busy.get() || queue.busy() || !may_change>
                            <Icon path=icons::CHECK /><span>{move || t("save")}</span>
                        </button>
                    </Show>
                </footer>
            </form>
        </div>
    }
}

/// Step 2: the category as big icons, the price on a keypad, the quantity, the title (in
/// the language spoken; the others fold away with the details), the maker.
#[component]
fn What(
    form: RwSignal<ProductForm>,
    problems: RwSignal<Vec<FieldError>>,
    leader: bool,
) -> impl IntoView {
    let shell = Shell::get();
    let invalid = move |field: Field| {
        Signal::derive(move || problems.with(|p| p.iter().any(|e| e.field == field)))
    };
    let spoken = i18n::lang().get_untracked();
    let others: Vec<Lang> = Lang::ALL.into_iter().filter(|l| *l != spoken).collect();
    let text = |lang: Lang, description: bool| {
        let (field, id, key) = if description {
            (
                Field::Description(lang),
                format!("description-{}", lang.code()),
                "description-in",
            )
        } else {
            (
                Field::Title(lang),
                format!("title-{}", lang.code()),
                "title-in",
            )
        };
        let label = move || {
            t_with(
                key,
                [(
                    "lang",
                    crate::i18n::message_in(lang, "language-name", None).into(),
                )],
            )
        };
        let get = move |f: &ProductForm| {
            let words = if description {
                &f.descriptions
            } else {
                &f.titles
            };
            words.get(&lang).cloned().unwrap_or_default()
        };
        let set = move |f: &mut ProductForm, v: String| {
            let words = if description {
                &mut f.descriptions
            } else {
                &mut f.titles
            };
            words.insert(lang, v);
        };
        view! {
            <label class="field">
                <span>{label}</span>
                {if description {
                    view! { <textarea id=id lang=lang.code() dir=if lang.is_rtl() { "rtl" } else { "auto" } aria-invalid=move || invalid(field).get().to_string()
                        prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))></textarea> }.into_any()
                } else {
                    view! { <input id=id lang=lang.code() dir=if lang.is_rtl() { "rtl" } else { "auto" } aria-invalid=move || invalid(field).get().to_string()
                        prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) /> }.into_any()
                }}
                <Problems field problems />
            </label>
        }
    };
    let simple = move |id: &'static str,
                       key: &'static str,
                       field: Field,
                       get: fn(&ProductForm) -> String,
                       set: fn(&mut ProductForm, String)| {
        view! {
            <label class="field">
                <span>{move || t(key)}</span>
                <input id=id dir="auto" aria-invalid=move || invalid(field).get().to_string()
                    prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
                <Problems field problems />
            </label>
        }
    };
    view! {
        <fieldset class="categories">
            <legend>{move || t("category")}</legend>
            {Category::ALL.map(|c| view! {
                <button
                    type="button"
                    id=format!("category-{}", c.slug())
                    class=format!("category cat-{}", c.slug())
                    class:chosen=move || form.with(|f| f.category == c.slug())
                    title=move || t(&format!("category-{}", c.slug()))
                    aria-pressed=move || form.with(|f| (f.category == c.slug()).to_string())
                    on:click=move |_| form.update(|f| f.category = c.slug().to_owned())
                >
                    <Icon path=icons::category(c) />
                    <span>{move || t(&format!("category-{}", c.slug()))}</span>
                </button>
            })}
            <Problems field=Field::Category problems />
        </fieldset>
        <div class="price-row">
            <div class="field">
                <span>{move || t("price")}</span>
                <PriceKeypad
                    value=Signal::derive(move || form.with(|f| f.price.clone()))
                    set=move |v: String| form.update(|f| f.price = v)
                    invalid=invalid(Field::Price)
                />
                <Problems field=Field::Price problems />
            </div>
            <div class="side">
                <div class="field">
                    <span>{move || t("quantity")}</span>
                    <QuantityStepper
                        value=Signal::derive(move || form.with(|f| f.quantity.clone()))
                        set=move |v: String| form.update(|f| f.quantity = v)
                    />
                    <Problems field=Field::Quantity problems />
                </div>
                {text(spoken, false)}
                <p class="hint">{move || t("title-optional")}</p>
                <Show when=move || leader>
                    <label class="field">
                        <span><Icon path=icons::PERSON class="small" />{move || t("maker")}</span>
                        <select id="maker" prop:value=move || form.with(|f| f.maker.clone())
                            on:change=move |ev| form.update(|f| f.maker = event_target_value(&ev))>
                            {move || shell.desk.get().map(|d| d.artisans).unwrap_or_default().into_iter().map(|a| {
                                view! { <option value=a.id.to_string()>{a.fields.name}</option> }
                            }).collect_view()}
                        </select>
                        <Problems field=Field::Maker problems />
                    </label>
                    <NewMaker on_added=move |id: String| form.update(|f| f.maker = id) />
                </Show>
            </div>
        </div>
        <details>
            <summary>{move || t("more-details")}</summary>
            <div class="titles">{others.iter().map(|l| text(*l, false)).collect_view()}</div>
            {simple("materials", "materials", Field::Materials, |f| f.materials.clone(), |f, v| f.materials = v)}
            <div class="row">
                {simple("size", "size", Field::Dimensions, |f| f.dimensions.clone(), |f, v| f.dimensions = v)}
                {simple("weight", "weight", Field::Weight, |f| f.weight.clone(), |f, v| f.weight = v)}
            </div>
            <label class="field">
                <span>{move || t("product-status")}</span>
                <select id="status" prop:value=move || form.with(|f| f.status.clone())
                    on:change=move |ev| form.update(|f| f.status = event_target_value(&ev))>
                    {ProductStatus::ALL.map(|s| view! { <option value=s.slug()>{move || t(&format!("status-{}", s.slug()))}</option> })}
                </select>
                <Problems field=Field::Status problems />
            </label>
            {Lang::ALL.map(|l| text(l, true))}
        </details>
    }
}

/// Step 3: the cooperative's marketplaces as switches.
#[component]
fn Where(markets: RwSignal<Vec<Marketplace>>, wanted: RwSignal<Vec<String>>) -> impl IntoView {
    view! {
        <ul id="sell-on" class="switches">
            {move || markets.get().into_iter().map(|m| {
                let (id, id2) = (m.id.clone(), m.id.clone());
                let name = m.name.clone();
                view! {
                    <li>
                        <label class="switch" data-marketplace=m.id.clone()>
                            <Icon path=icons::SHOP />
                            <span class="name" dir="auto">{move || t_with("sell-on", [("marketplace", name.clone().into())])}</span>
                            <input type="checkbox" role="switch" prop:checked=move || wanted.with(|w| w.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    wanted.update(|w| {
                                        w.retain(|x| *x != id2);
                                        if on { w.push(id2.clone()); }
                                    });
                                } />
                        </label>
                    </li>
                }
            }).collect_view()}
        </ul>
        <Show when=move || markets.with(Vec::is_empty)>
            <p class="hint">{move || t("no-marketplaces")}</p>
        </Show>
        <p class="hint"><Icon path=icons::CLOUD_OFF class="small" />{move || t("saving-never-waits")}</p>
    }
}

/// What is wrong with one field, in words.
#[component]
fn Problems(field: Field, problems: RwSignal<Vec<FieldError>>) -> impl IntoView {
    view! {
        <span class="problem" data-field=format!("{field}")>
            {move || problems.with(|p| {
                p.iter().filter(|e| e.field == field).map(problem_words).collect::<Vec<_>>().join("; ")
            })}
        </span>
    }
}
