//! Products and their photos. Each change is checked against the working artisan's role,
//! and tells the sync loop that something may need sending.

use hanout_domain::{ArtisanId, CatalogEntry, PhotoHash, ProductFilter, ProductForm, ProductId};
use hanout_store::Catalog;
use tauri::State;

use crate::people::{Session, may_edit};
use crate::sync::SyncLoop;
use crate::{Answer, PhotoLane, Shop, process_photo, raw_with_id, with_catalog};

/// The maker of a stored product.
fn maker_of(c: &Catalog, id: ProductId) -> Answer<ArtisanId> {
    Ok(c.product(id)?.product.fields.maker)
}

/// The maker a form names, when it names one that parses; the form's own check reports
/// one that does not.
fn maker_in(form: &ProductForm) -> Option<ArtisanId> {
    form.maker.trim().parse().ok()
}

#[tauri::command]
pub async fn catalog_page(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    filter: ProductFilter,
) -> Answer<Vec<CatalogEntry>> {
    with_catalog(shop, session, move |c, _| Ok(c.products(&filter)?)).await
}

#[tauri::command]
pub async fn product(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    id: ProductId,
) -> Answer<CatalogEntry> {
    with_catalog(shop, session, move |c, _| Ok(c.product(id)?)).await
}

#[tauri::command]
pub async fn add_product(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    form: ProductForm,
) -> Answer<CatalogEntry> {
    let entry = with_catalog(shop, session, move |c, me| {
        if let Some(maker) = maker_in(&form) {
            may_edit(c, me, maker)?;
        }
        Ok(c.add_product(&form)?)
    })
    .await?;
    sync.changed();
    Ok(entry)
}

#[tauri::command]
pub async fn update_product(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    id: ProductId,
    form: ProductForm,
) -> Answer<CatalogEntry> {
    let entry = with_catalog(shop, session, move |c, me| {
        may_edit_product(c, me, id)?;
        // Handing a product to another maker needs the right to edit theirs too.
        if let Some(maker) = maker_in(&form) {
            may_edit(c, me, maker)?;
        }
        Ok(c.update_product(id, &form)?)
    })
    .await?;
    sync.changed();
    Ok(entry)
}

#[tauri::command]
pub async fn archive_product(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    id: ProductId,
) -> Answer<CatalogEntry> {
    let entry = with_catalog(shop, session, move |c, me| {
        may_edit_product(c, me, id)?;
        Ok(c.archive_product(id)?)
    })
    .await?;
    sync.changed();
    Ok(entry)
}

/// Adds a photo to a product. The body is the file's raw bytes; the product's id comes
/// in the `x-product` header.
#[tauri::command]
pub async fn add_photo(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    lane: State<'_, PhotoLane>,
    request: tauri::ipc::Request<'_>,
) -> Answer<CatalogEntry> {
    let (bytes, product): (_, ProductId) = raw_with_id(&request, "x-product")?;
    // Checked before the decode, which is the slow part.
    with_catalog(shop.clone(), session.clone(), move |c, me| {
        may_edit_product(c, me, product)
    })
    .await?;
    let (original, processed) = process_photo(&lane, bytes).await?;
    let entry = with_catalog(shop, session, move |c, _| {
        Ok(c.add_photo(product, &processed, &original, "")?)
    })
    .await?;
    sync.changed();
    Ok(entry)
}

#[tauri::command]
pub async fn remove_photo(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    id: ProductId,
    photo: PhotoHash,
) -> Answer<CatalogEntry> {
    let entry = with_catalog(shop, session, move |c, me| {
        may_edit_product(c, me, id)?;
        Ok(c.remove_photo(id, &photo)?)
    })
    .await?;
    sync.changed();
    Ok(entry)
}

#[tauri::command]
pub async fn move_photo(
    shop: State<'_, Shop>,
    session: State<'_, Session>,
    sync: State<'_, SyncLoop>,
    id: ProductId,
    photo: PhotoHash,
    to: usize,
) -> Answer<CatalogEntry> {
    let entry = with_catalog(shop, session, move |c, me| {
        may_edit_product(c, me, id)?;
        Ok(c.move_photo(id, &photo, to)?)
    })
    .await?;
    sync.changed();
    Ok(entry)
}

/// What the sync commands share: refuses unless the working artisan may change `id`.
pub fn may_edit_product(c: &Catalog, me: Option<ArtisanId>, id: ProductId) -> Answer<()> {
    may_edit(c, me, maker_of(c, id)?)
}
