//! Hanout's window. It reads and writes only through the engine's commands (`api`) and
//! speaks the artisan's language (`i18n`). Screens: the first start and "who is working?"
//! (`people`), the catalog (`catalog`), the three-step product form (`editor`), the sync
//! queue (`sync`) and the workshop (`people`).

mod api;
mod catalog;
mod demo;
mod editor;
mod i18n;
mod icons;
mod keypad;
mod people;
mod photos;
mod sync;

use hanout_domain::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{Desk, SyncState};
use crate::i18n::t;

fn main() {
    leptos::mount::mount_to_body(App);
}

/// Which screen fills the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Catalog,
    Queue,
    Workshop,
}

/// What every screen shares: who works here, what sync is doing, and where we are.
#[derive(Clone, Copy)]
pub struct Shell {
    /// `None` until the engine has answered.
    pub desk: RwSignal<Option<Desk>>,
    pub sync: RwSignal<SyncState>,
    pub screen: RwSignal<Screen>,
    /// A trainer's demo runs in place of the artisan's catalog.
    pub demo: RwSignal<Option<api::DemoView>>,
}

impl Shell {
    pub fn get() -> Shell {
        expect_context()
    }

    /// Takes what the engine says of the workshop, and speaks the working artisan's
    /// language.
    pub fn set_desk(self, desk: Desk) {
        // A catalog that has no language yet (a new demo) keeps the one spoken now.
        i18n::set_lang(desk.lang.unwrap_or_else(|| i18n::lang().get_untracked()));
        self.desk.set(Some(desk));
    }

    /// Asks the engine for the queue again (after a save, or when a round has ended).
    pub fn refresh_sync(self) {
        spawn_local(async move {
            if let Ok(state) = api::sync_state().await {
                self.sync.set(state);
            }
        });
    }
}

/// Before anyone has chosen: the webview's language when Hanout speaks it, else Arabic,
/// which most Moroccans read.
fn guess_lang() -> Lang {
    let wanted = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    let code = wanted.split(['-', '_']).next().unwrap_or_default();
    Lang::ALL
        .into_iter()
        .find(|l| l.code() == code)
        .unwrap_or(Lang::Ar)
}

#[component]
fn App() -> impl IntoView {
    let shell = Shell {
        desk: RwSignal::new(None),
        sync: RwSignal::new(SyncState::default()),
        screen: RwSignal::new(Screen::Catalog),
        demo: RwSignal::new(None),
    };
    provide_context(shell);
    let fatal = RwSignal::new(None::<String>);
    i18n::set_lang(guess_lang());
    spawn_local(async move {
        match api::workshop().await {
            Ok(desk) => shell.set_desk(desk),
            Err(e) => return fatal.set(Some(e.words())),
        }
        if let Ok(demo) = api::demo_state().await {
            shell.demo.set(demo);
        }
        shell.refresh_sync();
        // The engine pushes what sync does; the queue is read again when a round ends.
        let _ = api::on_sync(move |activity| {
            let ended = shell
                .sync
                .with_untracked(|s| s.activity.rounds != activity.rounds);
            shell.sync.update(|s| s.activity = activity);
            if ended {
                shell.refresh_sync();
            }
        })
        .await;
    });
    move || {
        if let Some(message) = fatal.get() {
            return view! {
                <main class="fatal" role="alert"><h1>{t("cannot-start")}</h1><p>{message}</p></main>
            }
            .into_any();
        }
        let stage = shell.desk.with(|d| {
            d.as_ref()
                .map(|d| (d.artisans.is_empty(), d.working().is_some()))
        });
        let screen = match stage {
            None => view! { <main class="loading" aria-busy="true"></main> }.into_any(),
            Some((true, _)) => view! { <people::Welcome /> }.into_any(),
            Some((false, false)) => view! { <people::WhoIsWorking /> }.into_any(),
            Some((false, true)) => match shell.screen.get() {
                Screen::Catalog => view! { <catalog::Catalog /> }.into_any(),
                Screen::Queue => view! { <sync::Queue /> }.into_any(),
                Screen::Workshop => view! { <people::WorkshopScreen /> }.into_any(),
            },
        };
        view! {
            <Show when=move || shell.demo.with(Option::is_some)>
                <demo::DemoBar />
            </Show>
            {screen}
            <demo::SoldNotice />
        }
        .into_any()
    }
}
