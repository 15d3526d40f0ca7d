//! Signs the demo's cooperative in to both shops of a running sandbox: the sandbox
//! approves at once, so the consent page redirects straight to the code.

use std::collections::BTreeMap;
use std::sync::Arc;

use hanout_domain::{Clock, CooperativeId};
use hanout_market::accounts::{
    EtsyKey, Settings, read_etsy_shop, store_etsy_secrets, store_woo_secrets,
};
use hanout_market::etsy::{Etsy, EtsyShop, WhoMade, sign_in};
use hanout_market::vault::Vault;
use hanout_market::woo::{WooCredentials, WooShop};
use hanout_sandbox::credentials as sandbox;
use hanout_store::{Catalog, SystemClock};
use hanout_sync::MarketplaceId;

use crate::DemoError;

/// The sandbox's Etsy shop, as the catalog names it.
pub const ETSY: &str = "etsy:sandbox";
/// The sandbox's WooCommerce shop.
pub const WOO: &str = "woocommerce:sandbox";

/// Adds the sandbox at `url` to `coop` as two accounts, Etsy and WooCommerce, with their
/// secrets in `vault`.
pub async fn connect_sandbox(
    catalog: &mut Catalog,
    vault: &Arc<Vault>,
    coop: CooperativeId,
    url: &str,
) -> Result<(), DemoError> {
    const REDIRECT: &str = "http://localhost/hanout/etsy";
    let pkce = sign_in::Pkce::fresh().map_err(hanout_market::accounts::SignInError::from)?;
    let consent = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .get(pkce.authorize_url(url, sandbox::ETSY_KEYSTRING, REDIRECT))
        .send()
        .await
        .map_err(|source| DemoError::NoSandbox {
            url: url.to_owned(),
            source,
        })?;
    let location = consent
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or(DemoError::NotApproved)?;
    let code = sign_in::code_from(location, &pkce.state)
        .map_err(hanout_market::accounts::SignInError::from)?;
    let key = EtsyKey {
        keystring: sandbox::ETSY_KEYSTRING.into(),
        shared_secret: sandbox::ETSY_SHARED_SECRET.into(),
    };
    let tokens = Etsy::exchange_code(
        url,
        &key.keystring,
        REDIRECT,
        &code,
        &pkce,
        SystemClock.now(),
    )
    .await
    .map_err(|reply| hanout_market::accounts::SignInError::Refused {
        doing: "signing in to the sandbox",
        reply,
    })?;
    let shop = EtsyShop {
        api: url.to_owned(),
        shop_id: sandbox::ETSY_SHOP_ID.unsigned_abs(),
        who_made: WhoMade::Collective,
        when_made: "made_to_order".into(),
        shipping_profile_id: None,
        taxonomy: BTreeMap::new(),
    };
    store_etsy_secrets(vault, ETSY, &key, &tokens)?;
    let shop = read_etsy_shop(shop, vault, ETSY, Arc::new(SystemClock)).await?;
    add(catalog, coop, ETSY, "Etsy (sandbox)", &Settings::Etsy(shop))?;
    store_woo_secrets(
        vault,
        WOO,
        &WooCredentials {
            consumer_key: sandbox::WOO_CONSUMER_KEY.into(),
            consumer_secret: sandbox::WOO_CONSUMER_SECRET.into(),
            wp_user: sandbox::WP_USER.into(),
            app_password: sandbox::WP_APPLICATION_PASSWORD.into(),
        },
    )?;
    let woo = Settings::Woocommerce(WooShop {
        site: url.to_owned(),
        categories: BTreeMap::new(),
    });
    add(catalog, coop, WOO, "Boutique (sandbox)", &woo)
}

fn add(
    catalog: &mut Catalog,
    coop: CooperativeId,
    id: &str,
    name: &str,
    settings: &Settings,
) -> Result<(), DemoError> {
    let id = MarketplaceId::new(id);
    catalog.add_marketplace(&id, coop, settings.kind(), name)?;
    // Settings of strings and numbers: serialising cannot fail.
    catalog.set_marketplace_settings(&id, &serde_json::to_string(settings).unwrap_or_default())?;
    Ok(())
}
