//! Sync you can see: the indicator always on screen, and the queue screen with what
//! waits, what was refused and why (Retry, Discard), "send now" and the data saver.

use hanout_domain::{DataSaver, ProductId};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, LaneStatus, QueueItem, SyncState};
use crate::catalog::title_of;
use crate::i18n::{self, Arg, t, t_with};
use crate::icons::{self, Icon};
use crate::people::ScreenHeader;
use crate::{Screen, Shell};

/// A queue action on its way to the engine.
type Call = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::Failure>>>>;

/// What the indicator says, as a state name (also `data-state` in the markup) and words.
fn indicator(s: &SyncState) -> (&'static str, String) {
    let a = &s.activity;
    if let Some(message) = &a.trouble {
        return (
            "trouble",
            t_with("sync-trouble", [("message", message.as_str().into())]),
        );
    }
    match a.held.as_deref() {
        Some("paused") => return ("paused", t("sync-paused")),
        Some("waiting_for_wifi") => return ("held", t("sync-waiting-for-wifi")),
        Some(_) if s.changes == 0 => return ("offline", t("sync-offline")),
        Some(_) => {
            return (
                "offline",
                t_with("sync-offline-waiting", [("count", s.changes.into())]),
            );
        }
        None => {}
    }
    if let Some(p) = a.sending {
        return (
            "sending",
            t_with(
                "sync-sending",
                [
                    ("sent", Arg::Count(p.changes_sent)),
                    ("total", Arg::Count(p.changes)),
                ],
            ),
        );
    }
    if s.changes > 0 && a.unreachable {
        return (
            "offline",
            t_with("sync-offline-waiting", [("count", s.changes.into())]),
        );
    }
    if s.changes > 0 {
        return (
            "waiting",
            t_with("sync-waiting", [("count", s.changes.into())]),
        );
    }
    if s.failed > 0 {
        return (
            "failed",
            t_with("sync-failed", [("count", s.failed.into())]),
        );
    }
    match s.last_sync {
        Some(at) => (
            "sent",
            t_with("sync-all-sent-at", [("time", i18n::moment(at.0).into())]),
        ),
        None if s.lanes.is_empty() => ("idle", t("sync-nothing-yet")),
        None => ("sent", t("sync-all-sent")),
    }
}

/// The indicator in the top bar: a tap opens the queue.
#[component]
pub fn Indicator() -> impl IntoView {
    let shell = Shell::get();
    let state = move || shell.sync.with(indicator);
    let icon = move || match state().0 {
        "offline" | "held" | "paused" => icons::CLOUD_OFF,
        "sending" => icons::UPLOAD,
        "waiting" => icons::CLOCK,
        "failed" | "trouble" => icons::WARNING,
        _ => icons::CLOUD_DONE,
    };
    let progress = move || {
        shell.sync.with(|s| {
            s.activity
                .sending
                .filter(|p| p.bytes > 0 || p.changes > 0)
                .map(|p| {
                    // Bytes when photos go, else changes: the bar moves during an upload.
                    if p.bytes > 0 {
                        (p.bytes_sent as f64, p.bytes as f64)
                    } else {
                        (p.changes_sent as f64, p.changes as f64)
                    }
                })
        })
    };
    let failed = move || shell.sync.with(|s| s.failed);
    view! {
        <button id="sync-indicator" class="indicator" data-state=move || state().0
            aria-live="polite" on:click=move |_| shell.screen.set(Screen::Queue)>
            {move || view! { <Icon path=icon() /> }}
            <span class="words">{move || state().1}</span>
            {move || progress().map(|(done, total)| view! { <progress id="sync-progress" max=total value=done></progress> })}
            <Show when=move || { failed() > 0 }>
                <span class="count bad" id="sync-failed" title=move || t_with("sync-failed", [("count", failed().into())])>{failed}</span>
            </Show>
        </button>
    }
}

/// The queue screen: what was refused (first), what waits, and the data saver.
#[component]
pub fn Queue() -> impl IntoView {
    let shell = Shell::get();
    shell.refresh_sync();
    let error = RwSignal::new(None::<String>);
    let act = Callback::new(move |call: Call| {
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    error.set(None);
                    shell.refresh_sync();
                }
                Err(e) => error.set(Some(e.words())),
            }
        })
    });
    let items = move |failed: bool| {
        shell.sync.with(|s| {
            s.queue
                .iter()
                .filter(|i| {
                    matches!(
                        i.status,
                        LaneStatus::Failed { .. } | LaneStatus::NeedsSignIn
                    ) == failed
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ScreenHeader key="queue" />
        <main class="queue">
            <div class="queue-actions">
                <Indicator />
                <button id="sync-now" class="primary" on:click=move |_| act.run(Box::pin(api::sync_now()))>
                    <Icon path=icons::UPLOAD /><span>{move || t("sync-now")}</span>
                </button>
            </div>
            <DataSaverSwitch />
            <p class="error" role="alert">{move || error.get()}</p>
            <Show when=move || !items(true).is_empty()>
                <h2 class="bad"><Icon path=icons::WARNING />{move || t("queue-failed")}</h2>
            </Show>
            <ul id="queue-failed" class="queue-list">
                {move || items(true).into_iter().map(|item| view! { <Item item act /> }).collect_view()}
            </ul>
            <Show when=move || !items(false).is_empty()>
                <h2><Icon path=icons::CLOCK />{move || t("queue-waiting")}</h2>
            </Show>
            <ul id="queue-waiting" class="queue-list">
                {move || items(false).into_iter().map(|item| view! { <Item item act /> }).collect_view()}
            </ul>
            <Show when=move || shell.sync.with(|s| s.queue.is_empty())>
                <p class="empty">{move || t("queue-empty")}</p>
            </Show>
        </main>
    }
}

/// One product on one marketplace in the queue.
#[component]
fn Item(item: QueueItem, act: Callback<Call>) -> impl IntoView {
    let product: ProductId = item.product;
    let slug = item.status.slug();
    let titles = item.titles.clone();
    let reason = match &item.status {
        LaneStatus::Failed { reason } => Some(reason.clone()),
        _ => None,
    };
    let words = {
        let status = item.status.clone();
        move || match &status {
            LaneStatus::Waiting { changes } => {
                t_with("lane-waiting", [("changes", (*changes).into())])
            }
            other => t(&format!("lane-{}", other.slug())),
        }
    };
    let failed = reason.is_some();
    let (m1, m2) = (item.marketplace.clone(), item.marketplace.clone());
    let name = item.marketplace_name.clone();
    view! {
        <li class=format!("queue-item lane-{slug}") data-product=product.to_string() data-marketplace=item.marketplace.clone() data-sync=slug>
            {match &item.cover {
                Some(hash) => view! { <img class="thumb" src=api::photo_url(hash, false) alt="" /> }.into_any(),
                None => view! { <span class="thumb"><Icon path=icons::GALLERY /></span> }.into_any(),
            }}
            <div class="what">
                <span class="title" dir="auto">{move || title_of(&titles).unwrap_or_default()}</span>
                <span class="where"><Icon path=icons::SHOP class="small" /><span dir="auto">{name.clone()}</span></span>
                <span class="state">{words}</span>
                {reason.map(|r| view! {
                    <span class="reason">{move || t("lane-failed")}": "<span lang="en" dir="ltr">{r.clone()}</span></span>
                })}
            </div>
            <Show when=move || failed>
                {
                    let (m1, m2) = (m1.clone(), m2.clone());
                    let name = name.clone();
                    view! {
                        <div class="item-actions">
                            <button class="primary retry" title=move || t("retry") on:click=move |_| {
                                let m = m1.clone();
                                act.run(Box::pin(async move { api::retry(product, &m).await }))
                            }>
                                <Icon path=icons::RETRY /><span>{move || t("retry")}</span>
                            </button>
                            <button class="quiet discard" title={let name = name.clone(); move || t_with("discard-means", [("marketplace", name.as_str().into())])} on:click=move |_| {
                                let m = m2.clone();
                                act.run(Box::pin(async move { api::discard(product, &m).await }))
                            }>
                                <Icon path=icons::TRASH /><span>{move || t("discard")}</span>
                            </button>
                        </div>
                    }
                }
            </Show>
        </li>
    }
}

/// When sync may use the network: Wi-Fi only, any network, or paused.
#[component]
pub fn DataSaverSwitch() -> impl IntoView {
    let shell = Shell::get();
    let choose = move |saver: DataSaver| {
        shell.sync.update(|s| s.data_saver = saver);
        spawn_local(async move {
            let _ = api::set_data_saver(saver).await;
            shell.refresh_sync();
        });
    };
    let icon = |saver: DataSaver| match saver {
        DataSaver::WifiOnly => icons::WIFI,
        DataSaver::AnyNetwork => icons::SIGNAL,
        DataSaver::Paused => icons::PAUSE,
    };
    view! {
        <fieldset class="segmented" id="data-saver">
            <legend>{move || t("data-saver")}</legend>
            {DataSaver::ALL.map(|saver| view! {
                <button type="button" id=format!("saver-{}", saver.slug())
                    class:chosen=move || shell.sync.with(|s| s.data_saver == saver)
                    aria-pressed=move || shell.sync.with(|s| s.data_saver == saver).to_string()
                    on:click=move |_| choose(saver)>
                    <Icon path=icon(saver) />
                    <span>{move || t(&format!("saver-{}", saver.slug()))}</span>
                </button>
            })}
        </fieldset>
    }
}
