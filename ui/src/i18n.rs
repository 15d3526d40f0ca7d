//! The window's words, numbers and dates in the artisan's language. Words come from the
//! Fluent files in `ui/locales/` (compiled in: the app works offline from the first
//! start); numbers and dates are formatted by the webview's `Intl` for Morocco.
//!
//! [`t`] reads the current language: called inside a reactive closure, the text follows
//! a change of language without a reload.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use hanout_domain::{Lang, Price};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => include_str!("../locales/ar.ftl"),
        Lang::Fr => include_str!("../locales/fr.ftl"),
        Lang::En => include_str!("../locales/en.ftl"),
        Lang::Tzm => include_str!("../locales/tzm.ftl"),
    }
}

/// The locale `Intl` formats for: Moroccan conventions, Western digits as Morocco
/// writes them. `Intl` has no Tamazight data everywhere, so French formatting follows.
fn locales(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Ar => &["ar-MA"],
        Lang::Fr => &["fr-MA", "fr"],
        Lang::En => &["en-GB", "en"],
        Lang::Tzm => &["zgh-MA", "fr-MA", "fr"],
    }
}

thread_local! {
    static LANG: Cell<Option<RwSignal<Lang>>> = const { Cell::new(None) };
    static BUNDLES: RefCell<BTreeMap<Lang, FluentBundle<FluentResource>>> = RefCell::default();
}

/// The language signal, made on first use.
pub fn lang() -> RwSignal<Lang> {
    LANG.with(|cell| {
        cell.get().unwrap_or_else(|| {
            let signal = RwSignal::new(Lang::Fr);
            cell.set(Some(signal));
            signal
        })
    })
}

/// Speaks `lang` from now on: the words, and the page's `lang` and `dir`, so the whole
/// layout mirrors for Arabic.
pub fn set_lang(new: Lang) {
    lang().set(new);
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", new.code());
        let _ = html.set_attribute("dir", if new.is_rtl() { "rtl" } else { "ltr" });
    }
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let resource = FluentResource::try_new(source(lang).to_owned())
        // tests/messages.rs parses every file: a broken one never ships. Keep what parsed.
        .unwrap_or_else(|(partial, _)| partial);
    let id = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![id]);
    // Numbers and names arrive formatted; `dir="auto"` isolates user text in the markup.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    bundle
}

/// The message `key` in `lang`, with `args`; the key itself if the message is missing,
/// so a gap shows rather than hides.
pub fn message_in(lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
    BUNDLES.with(|bundles| {
        let mut bundles = bundles.borrow_mut();
        let bundle = bundles.entry(lang).or_insert_with(|| bundle(lang));
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    })
}

/// The message `key` in the current language.
pub fn t(key: &str) -> String {
    message_in(lang().get(), key, None)
}

/// The message `key` in the current language, with named arguments.
pub fn t_with<'a>(key: &str, args: impl IntoIterator<Item = (&'a str, Arg)>) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(
            name,
            match value {
                Arg::Count(n) => FluentValue::from(n as f64),
                Arg::Text(s) => FluentValue::from(s),
            },
        );
    }
    message_in(lang().get(), key, Some(&fluent))
}

/// A message argument: a count (chooses the plural form) or text.
pub enum Arg {
    Count(usize),
    Text(String),
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Count(n)
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}

fn intl_locales(lang: Lang) -> js_sys::Array {
    locales(lang).iter().map(|l| JsValue::from_str(l)).collect()
}

/// A number as the language writes it: `1 200,5` in French, `1,200.5` in English.
pub fn number(value: f64) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"maximumFractionDigits".into(), &2.into());
    js_sys::Intl::NumberFormat::new(&intl_locales(lang().get()), &options)
        .format()
        .call1(&JsValue::NULL, &value.into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| value.to_string())
}

/// A price in dirhams: `120 DH`, `1 200,50 DH`, `120 درهم`.
pub fn price(p: Price) -> String {
    let amount = number(p.centimes() as f64 / 100.0);
    t_with("price-in-dh", [("amount", Arg::Text(amount))])
}

/// A moment as the language writes it: the time today, else the date and time.
pub fn moment(millis: i64) -> String {
    let date = js_sys::Date::new(&(millis as f64).into());
    let today = js_sys::Date::new_0().to_date_string() == date.to_date_string();
    let options = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    };
    set("timeStyle", "short");
    if !today {
        set("dateStyle", "medium");
    }
    js_sys::Intl::DateTimeFormat::new(&intl_locales(lang().get()), &options)
        .format()
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
