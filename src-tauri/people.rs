//! Who works at this window and what they may do. A shared workshop desktop says who is
//! working; a phone with one artisan knows at once. The engine checks every change
//! against the artisan's role here, not only the window.

use std::sync::{Arc, Mutex};

use hanout_domain::{
    Artisan, ArtisanForm, ArtisanId, Cooperative, CooperativeForm, DataSaver, Lang, Role,
};
use hanout_store::Catalog;
use serde::Serialize;
use tauri::State;

use crate::{
    Answer, CommandError, PhotoLane, Refusal, Shop, lock, process_photo, raw_with_id, with_catalog,
};

/// The artisan working at the window, once said.
pub struct Session(Mutex<Option<ArtisanId>>);

impl Session {
    /// A catalog with a single artisan needs no "who is working?".
    pub fn start(catalog: Option<&Arc<Mutex<Catalog>>>) -> Session {
        Session(Mutex::new(catalog.and_then(only_artisan)))
    }

    /// Another catalog is open: whoever worked in the last one is not in this one.
    pub fn restart(&self, catalog: &Arc<Mutex<Catalog>>) {
        self.set(only_artisan(catalog));
    }

    pub fn current(&self) -> Option<ArtisanId> {
        *lock(&self.0)
    }

    fn set(&self, artisan: Option<ArtisanId>) {
        *lock(&self.0) = artisan;
    }
}

fn only_artisan(catalog: &Arc<Mutex<Catalog>>) -> Option<ArtisanId> {
    lock(catalog)
        .artisans()
        .ok()
        .filter(|a| a.len() == 1)
        .and_then(|a| a.first().map(|a| a.id))
}

/// The artisan working now, as the catalog knows them today (a leader may have changed
/// their role since they said who they are).
fn acting(c: &Catalog, me: Option<ArtisanId>) -> Answer<Artisan> {
    let me =
        me.ok_or_else(|| CommandError::kind("say who is working first", Refusal::NobodyWorking))?;
    Ok(c.artisan(me)?)
}

/// Refuses unless the artisan working now may add or change products made by `maker`.
pub fn may_edit(c: &Catalog, me: Option<ArtisanId>, maker: ArtisanId) -> Answer<()> {
    let me = acting(c, me)?;
    match me.role {
        Role::Viewer => Err(CommandError::kind(
            "a viewer cannot change anything",
            Refusal::Viewer,
        )),
        role if role.may_edit(me.id, maker) => Ok(()),
        _ => Err(CommandError::kind(
            "this product belongs to another artisan",
            Refusal::NotAllowed,
        )),
    }
}

/// Refuses unless the artisan working now leads the workshop.
pub fn may_manage(c: &Catalog, me: Option<ArtisanId>) -> Answer<()> {
    if acting(c, me)?.role.may_manage() {
        Ok(())
    } else {
        Err(CommandError::kind(
            "only the workshop's leader can do this",
            Refusal::LeaderOnly,
        ))
    }
}

/// Everything the window needs to know about who works here.
#[derive(Serialize)]
pub struct WorkshopView {
    cooperatives: Vec<Cooperative>,
    artisans: Vec<Artisan>,
    /// Who is working, once said.
    me: Option<ArtisanId>,
    /// The language to speak: the artisan's own, else the device's.
    lang: Option<Lang>,
    data_saver: DataSaver,
}

fn view(c: &Catalog, me: Option<ArtisanId>) -> Answer<WorkshopView> {
    let artisans = c.artisans()?;
    let settings = c.settings()?;
    let own = me.and_then(|me| artisans.iter().find(|a| a.id == me)?.lang);
    Ok(WorkshopView {
        cooperatives: c.cooperatives()?,
        me: me.filter(|me| artisans.iter().any(|a| a.id == *me)),
        lang: own.or(settings.lang),
        data_saver: settings.data_saver,
        artisans,
    })
}

#[tauri::command]
pub async fn workshop(shop: State<'_, Shop>, session: State<'_, Session>) -> Answer<WorkshopView> {
    with_catalog(shop, session, |c, me| view(c, me)).await
}

/// Only on first start: a workshop that exists is kept, never made twice.
#[tauri::command]
pub async fn add_cooperative(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    form: CooperativeForm,
) -> Answer<Cooperative> {
    with_catalog(shop, session, move |c, me| {
        if !c.cooperatives()?.is_empty() {
            may_manage(c, me)?;
        }
        Ok(c.add_cooperative(&form)?)
    })
    .await
}

/// The first artisan of a workshop starts it (and leads it); after that, the leader adds
/// artisans. The first one is working at once.
#[tauri::command]
pub async fn add_artisan(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    form: ArtisanForm,
) -> Answer<Artisan> {
    let first = session.current().is_none();
    let artisan = with_catalog(shop, session.clone(), move |c, me| {
        if !c.artisans()?.is_empty() {
            may_manage(c, me)?;
        }
        Ok(c.add_artisan(&form)?)
    })
    .await?;
    if first {
        session.set(Some(artisan.id));
    }
    Ok(artisan)
}

/// "Who is working?": the artisan picked at the shared desktop.
#[tauri::command]
pub async fn work_as(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    artisan: ArtisanId,
) -> Answer<WorkshopView> {
    let chosen = with_catalog(shop.clone(), session.clone(), move |c, _| {
        Ok(c.artisan(artisan)?.id)
    })
    .await?;
    session.set(Some(chosen));
    with_catalog(shop, session, |c, me| view(c, me)).await
}

/// "Change who is working": the desktop asks again.
#[tauri::command]
pub async fn leave(shop: State<'_, Shop>, session: State<'_, Session>) -> Answer<WorkshopView> {
    session.set(None);
    with_catalog(shop, session, |c, me| view(c, me)).await
}

#[tauri::command]
pub async fn set_role(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    artisan: ArtisanId,
    role: Role,
) -> Answer<WorkshopView> {
    with_catalog(shop, session, move |c, me| {
        may_manage(c, me)?;
        c.set_artisan_role(artisan, role)?;
        view(c, me)
    })
    .await
}

/// The language chosen is the device's from now on, and the working artisan's.
#[tauri::command]
pub async fn set_lang(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    lang: Lang,
) -> Answer<WorkshopView> {
    with_catalog(shop, session, move |c, me| {
        c.set_lang(lang)?;
        if let Some(me) = me {
            c.set_artisan_lang(me, lang)?;
        }
        view(c, me)
    })
    .await
}

/// An artisan's portrait, for the picker: theirs, or anyone's for the leader. The body
/// is the photo's bytes; the artisan's id comes in `x-artisan`.
#[tauri::command]
pub async fn set_portrait(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    lane: State<'_, PhotoLane>,
    request: tauri::ipc::Request<'_>,
) -> Answer<WorkshopView> {
    let (bytes, artisan): (_, ArtisanId) = raw_with_id(&request, "x-artisan")?;
    with_catalog(shop.clone(), session.clone(), move |c, me| {
        if me != Some(artisan) {
            may_manage(c, me)?;
        }
        Ok(())
    })
    .await?;
    let (_, processed) = process_photo(&lane, bytes).await?;
    with_catalog(shop, session, move |c, me| {
        c.set_artisan_photo(artisan, &processed)?;
        view(c, me)
    })
    .await
}
