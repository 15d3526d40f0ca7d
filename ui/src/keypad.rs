//! Numbers without a keyboard: a large keypad for the price and a stepper for the
//! quantity. Typing still works (Arabic-Indic digits too): the engine reads both.

use leptos::prelude::*;

use crate::i18n::{self, t};
use crate::icons::{self, Icon};

/// The decimal separator the language writes (`,` in French, `.` in English).
fn decimal_separator() -> char {
    i18n::number(1.5)
        .chars()
        .find(|c| !c.is_ascii_digit())
        .unwrap_or(',')
}

/// The price in DH: a big display the keypad fills; a keyboard can type into it too.
#[component]
pub fn PriceKeypad(
    value: Signal<String>,
    #[prop(into)] set: Callback<String>,
    invalid: Signal<bool>,
) -> impl IntoView {
    let press = move |key: char| {
        let mut price = value.get_untracked();
        match key {
            '⌫' => {
                price.pop();
            }
            ',' if price.contains([',', '.']) => {}
            ',' => price.push(decimal_separator()),
            digit => price.push(digit),
        }
        set.run(price);
    };
    let key = move |k: char| {
        let (label, id) = match k {
            '⌫' => (None, "key-delete".to_owned()),
            ',' => (
                Some(decimal_separator().to_string()),
                "key-decimal".to_owned(),
            ),
            d => (Some(d.to_string()), format!("key-{d}")),
        };
        let title = match k {
            '⌫' => Some(t("keypad-delete")),
            ',' => Some(t("keypad-decimal")),
            _ => None,
        };
        view! {
            <button type="button" id=id class="key" title=title.clone() aria-label=title on:click=move |_| press(k)>
                {match label {
                    Some(l) => view! { <span>{l}</span> }.into_any(),
                    None => view! { <Icon path=icons::BACKSPACE class="flip" /> }.into_any(),
                }}
            </button>
        }
    };
    view! {
        <div class="price-entry">
            <label class="price-display">
                <span class="visually-hidden">{move || t("price")}</span>
                // inputmode none: on a phone the keypad below replaces the system keyboard.
                <input id="price" inputmode="none" dir="ltr" autocomplete="off" aria-invalid=move || invalid.get().to_string()
                    prop:value=value on:input=move |ev| set.run(event_target_value(&ev)) />
                <span class="currency">{move || t("currency")}</span>
            </label>
            <div class="keypad" dir="ltr">
                {['1', '2', '3', '4', '5', '6', '7', '8', '9', ',', '0', '⌫'].map(key)}
            </div>
        </div>
    }
}

/// The quantity: minus, the number, plus. At least zero.
#[component]
pub fn QuantityStepper(
    value: Signal<String>,
    #[prop(into)] set: Callback<String>,
) -> impl IntoView {
    let current = move || value.get_untracked().trim().parse::<u32>().unwrap_or(0);
    view! {
        <div class="stepper">
            <button type="button" id="quantity-less" class="round" title=move || t("fewer") aria-label=move || t("fewer")
                on:click=move |_| set.run(current().saturating_sub(1).to_string())>
                <Icon path=icons::MINUS />
            </button>
            <input id="quantity" inputmode="numeric" dir="ltr" aria-label=move || t("quantity")
                prop:value=value on:input=move |ev| set.run(event_target_value(&ev)) />
            <button type="button" id="quantity-more" class="round" title=move || t("more") aria-label=move || t("more")
                on:click=move |_| set.run((current() + 1).to_string())>
                <Icon path=icons::PLUS />
            </button>
        </div>
    }
}
