//! Who may call: Etsy's API key and OAuth 2.0 with PKCE (codes, access tokens that
//! expire, refresh tokens that rotate on every use), Etsy's request limits, and HTTP Basic
//! for WooCommerce (consumer keys) and WordPress (application passwords).

use std::collections::VecDeque;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::App;
use crate::etsy::EtsyError;
use crate::faults::{Service, too_many};
use crate::form::Fields;
use crate::store::{self, Token};
use crate::woo::WooError;

/// Every scope Etsy knows.
const SCOPES: &[&str] = &[
    "address_r",
    "address_w",
    "billing_r",
    "cart_r",
    "cart_w",
    "email_r",
    "favorites_r",
    "favorites_w",
    "feedback_r",
    "listings_d",
    "listings_r",
    "listings_w",
    "profile_r",
    "profile_w",
    "recommend_r",
    "recommend_w",
    "shops_r",
    "shops_w",
    "transactions_r",
    "transactions_w",
];

/// How long an authorization code lives.
const CODE_TTL_SECS: i64 = 600;

// ---------------------------------------------------------------------------------------
// Limits

/// Rolling windows of one second and 24 hours, per app.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_second: u32,
    per_day: u32,
    second: VecDeque<i64>,
    day: VecDeque<i64>,
}

/// What the limit headers say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RateState {
    pub per_second: u32,
    pub remaining_second: u32,
    pub per_day: u32,
    pub remaining_day: u32,
}

impl RateLimiter {
    pub(crate) fn new(per_second: u32, per_day: u32) -> RateLimiter {
        RateLimiter {
            per_second,
            per_day,
            second: VecDeque::new(),
            day: VecDeque::new(),
        }
    }

    fn purge(&mut self, now_ms: i64) {
        while self.second.front().is_some_and(|t| *t <= now_ms - 1000) {
            self.second.pop_front();
        }
        while self.day.front().is_some_and(|t| *t <= now_ms - 86_400_000) {
            self.day.pop_front();
        }
    }

    fn state(&self) -> RateState {
        let left =
            |limit: u32, used: usize| limit.saturating_sub(u32::try_from(used).unwrap_or(u32::MAX));
        RateState {
            per_second: self.per_second,
            remaining_second: left(self.per_second, self.second.len()),
            per_day: self.per_day,
            remaining_day: left(self.per_day, self.day.len()),
        }
    }

    /// The state without counting a request.
    pub(crate) fn peek(&mut self, now_ms: i64) -> RateState {
        self.purge(now_ms);
        self.state()
    }

    /// Counts a request, or says in how many seconds one would be allowed.
    pub(crate) fn take(&mut self, now_ms: i64) -> Result<RateState, (RateState, u64)> {
        self.purge(now_ms);
        let wait = |oldest: Option<&i64>, window: i64| -> u64 {
            let until = oldest.map_or(0, |t| t + window - now_ms);
            u64::try_from((until + 999) / 1000).unwrap_or(1).max(1)
        };
        if self.day.len() >= self.per_day as usize {
            return Err((self.state(), wait(self.day.front(), 86_400_000)));
        }
        if self.second.len() >= self.per_second as usize {
            return Err((self.state(), wait(self.second.front(), 1000)));
        }
        self.second.push_back(now_ms);
        self.day.push_back(now_ms);
        Ok(self.state())
    }
}

// ---------------------------------------------------------------------------------------
// Etsy

fn check_api_key(app: &App, headers: &HeaderMap) -> Result<(), EtsyError> {
    let etsy = &app.config.etsy;
    let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) else {
        return Err(EtsyError::new(
            StatusCode::UNAUTHORIZED,
            "Missing x-api-key header: send the app's keystring and shared secret as \"keystring:shared_secret\"",
        ));
    };
    let Some((keystring, secret)) = key.split_once(':') else {
        return Err(EtsyError::new(
            StatusCode::UNAUTHORIZED,
            "Invalid x-api-key: it must be \"keystring:shared_secret\"",
        ));
    };
    if keystring != etsy.keystring || secret != etsy.shared_secret {
        return Err(EtsyError::new(StatusCode::UNAUTHORIZED, "Invalid API key"));
    }
    Ok(())
}

fn set_rate_headers(headers: &mut HeaderMap, state: RateState) {
    let pairs = [
        ("x-limit-per-second", state.per_second),
        ("x-remaining-this-second", state.remaining_second),
        ("x-limit-per-day", state.per_day),
        ("x-remaining-today", state.remaining_day),
    ];
    for (name, value) in pairs {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// In front of every Etsy API route: the API key, the limits, and the headers every
/// answer carries (`X-Etsy-Request-Uuid` and the four limit headers).
pub(crate) async fn etsy_gate(State(app): State<App>, request: Request, next: Next) -> Response {
    let uuid = app.random_uuid();
    let now = app.now_millis();
    let (mut response, state) = match check_api_key(&app, request.headers()) {
        Err(e) => (e.into_response(), app.rates().peek(now)),
        Ok(()) => {
            let taken = app.rates().take(now);
            match taken {
                Ok(state) => (next.run(request).await, state),
                Err((state, retry_after)) => (too_many(Service::Etsy, retry_after), state),
            }
        }
    };
    let headers = response.headers_mut();
    if let Ok(uuid) = HeaderValue::from_str(&uuid) {
        headers.insert(HeaderName::from_static("x-etsy-request-uuid"), uuid);
    }
    set_rate_headers(headers, state);
    response
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn invalid_token(description: &str) -> EtsyError {
    EtsyError::new(StatusCode::UNAUTHORIZED, "invalid_token").with("error_description", description)
}

/// The access token's user, when it is valid and carries `scope`.
pub(crate) fn etsy_user(app: &App, headers: &HeaderMap, scope: &str) -> Result<i64, EtsyError> {
    let Some(token) = bearer(headers) else {
        return Err(invalid_token(
            "Missing access token: send Authorization: Bearer <token>",
        ));
    };
    let found = store::token(app.store().conn(), token, "access")?;
    let Some(found) = found else {
        return Err(invalid_token("The access token is not valid"));
    };
    if app.now_secs() >= found.expires {
        return Err(invalid_token("The access token has expired"));
    }
    if !found.scopes.split(' ').any(|s| s == scope) {
        return Err(
            EtsyError::new(StatusCode::FORBIDDEN, "insufficient_scope").with(
                "error_description",
                &format!("This request needs the {scope} scope"),
            ),
        );
    }
    Ok(found.user_id)
}

/// For the public operations: the caller is the shop's owner when a valid token is sent;
/// anything else is an anonymous caller, who sees active listings only.
pub(crate) fn is_owner(app: &App, headers: &HeaderMap) -> bool {
    etsy_user(app, headers, "listings_r").is_ok_and(|user| user == app.config.etsy.user_id)
}

// ---------------------------------------------------------------------------------------
// OAuth

pub(crate) fn oauth_routes() -> Router<App> {
    Router::new()
        .route("/oauth/connect", get(connect))
        .route("/v3/public/oauth/token", post(token))
}

fn connect_error_page(message: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Etsy sandbox: cannot connect</title></head><body><h1>This app cannot connect</h1><p>{}</p></body></html>",
        crate::page::escape(message)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

/// Etsy wants https, except for a client on this machine.
fn redirect_uri_allowed(uri: &str) -> bool {
    if uri.contains(['#', '"', '<', '>']) || !uri.chars().all(|c| c.is_ascii_graphic()) {
        return false;
    }
    if let Some(rest) = uri.strip_prefix("https://") {
        return !rest.is_empty();
    }
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// `302 Found` to `location`, as Etsy's consent page answers.
fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => connect_error_page("redirect_uri cannot be used in a redirect."),
    }
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{query}")
}

fn is_pkce_text(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// `GET /oauth/connect`: the consent page, approved at once.
async fn connect(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let q = Fields::from_query(query.as_deref());
    let etsy = &app.config.etsy;
    if q.get("client_id") != Some(etsy.keystring.as_str()) {
        return connect_error_page("Unknown client_id: it must be the app's keystring.");
    }
    let Some(redirect_uri) = q.get("redirect_uri") else {
        return connect_error_page("redirect_uri is missing.");
    };
    if !redirect_uri_allowed(redirect_uri) {
        return connect_error_page(
            "redirect_uri must be an https URL (http only for localhost) without a fragment.",
        );
    }
    let state = q.get("state").unwrap_or("");
    let refuse = |error: &str, description: &str| -> Response {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if !state.is_empty() {
            pairs.push(("state", state));
        }
        found(&with_query(redirect_uri, &pairs))
    };
    if q.get("response_type") != Some("code") {
        return refuse("unsupported_response_type", "response_type must be code");
    }
    if state.is_empty() {
        return refuse("invalid_request", "state is required");
    }
    let scopes: Vec<&str> = q
        .get("scope")
        .unwrap_or("")
        .split([' ', '+'])
        .filter(|s| !s.is_empty())
        .collect();
    if scopes.is_empty() {
        return refuse("invalid_scope", "scope is required");
    }
    if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(s)) {
        return refuse("invalid_scope", &format!("unknown scope {unknown}"));
    }
    let Some(challenge) = q.get("code_challenge").filter(|c| is_pkce_text(c)) else {
        return refuse(
            "invalid_request",
            "code_challenge is required: 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
        );
    };
    if q.get("code_challenge_method") != Some("S256") {
        return refuse("invalid_request", "code_challenge_method must be S256");
    }
    let result = (|| -> rusqlite::Result<String> {
        let mut store = app.store();
        let tx = store.transaction()?;
        let code = insert_fresh(&app, &tx, |token| Token {
            token,
            kind: "code".into(),
            user_id: etsy.user_id,
            scopes: scopes.join(" "),
            expires: app.now_secs() + CODE_TTL_SECS,
            used: false,
            challenge: Some(challenge.to_string()),
            redirect_uri: Some(redirect_uri.to_string()),
        })?;
        tx.commit()?;
        Ok(code)
    })();
    match result {
        Ok(code) => found(&with_query(
            redirect_uri,
            &[("code", &code), ("state", state)],
        )),
        Err(_) => connect_error_page("The sandbox could not store the authorization."),
    }
}

/// Inserts a token made by `make` from a fresh random string, drawing again on the rare
/// collision (a replayed seed over an old database).
fn insert_fresh(
    app: &App,
    c: &rusqlite::Connection,
    make: impl Fn(String) -> Token,
) -> rusqlite::Result<String> {
    loop {
        let token = make(format!(
            "{}.{}",
            app.config.etsy.user_id,
            app.random_token(48)
        ));
        if store::token(c, &token.token, &token.kind)?.is_none() {
            store::insert_token(c, &token)?;
            return Ok(token.token);
        }
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /v3/public/oauth/token`: a code (with its PKCE verifier) or a refresh token for
/// a new pair. The refresh token used is refused from then on.
async fn token(State(app): State<App>, body: Bytes) -> Response {
    let form = Fields::parse_bytes(&body);
    let etsy = &app.config.etsy;
    let Some(grant_type) = form.get("grant_type") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        );
    };
    if form.get("client_id") != Some(etsy.keystring.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "client_id must be the app's keystring",
        );
    }
    let now = app.now_secs();
    let result = (|| -> rusqlite::Result<Result<Value, Response>> {
        let mut store = app.store();
        let tx = store.transaction()?;
        let (user_id, scopes) = match grant_type {
            "authorization_code" => {
                let code = form.get("code").unwrap_or("");
                let Some(found) = store::token(&tx, code, "code")? else {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "code is not valid",
                    )));
                };
                if found.used || now >= found.expires {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "code has expired or was already used",
                    )));
                }
                if form.get("redirect_uri") != found.redirect_uri.as_deref() {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "redirect_uri does not match the one of the authorization request",
                    )));
                }
                let verifier = form.get("code_verifier").unwrap_or("");
                if !is_pkce_text(verifier) {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
                    )));
                }
                let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                if Some(computed.as_str()) != found.challenge.as_deref() {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "code_verifier does not match the code_challenge",
                    )));
                }
                store::use_token(&tx, code)?;
                (found.user_id, found.scopes)
            }
            "refresh_token" => {
                let refresh = form.get("refresh_token").unwrap_or("");
                let Some(found) = store::token(&tx, refresh, "refresh")? else {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "refresh_token is not valid",
                    )));
                };
                if found.used {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "refresh_token was already used: each refresh returns a new one",
                    )));
                }
                if now >= found.expires {
                    return Ok(Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "refresh_token has expired",
                    )));
                }
                store::use_token(&tx, refresh)?;
                (found.user_id, found.scopes)
            }
            other => {
                return Ok(Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    &format!("grant_type {other:?} is not supported"),
                )));
            }
        };
        let limits = &app.config.limits;
        let access_ttl = i64::try_from(limits.access_token_ttl.as_secs()).unwrap_or(i64::MAX);
        let refresh_ttl = i64::try_from(limits.refresh_token_ttl.as_secs()).unwrap_or(i64::MAX);
        let token = |kind: &str, ttl: i64| {
            let scopes = scopes.clone();
            let kind = kind.to_string();
            move |token| Token {
                token,
                kind: kind.clone(),
                user_id,
                scopes: scopes.clone(),
                expires: now.saturating_add(ttl),
                used: false,
                challenge: None,
                redirect_uri: None,
            }
        };
        let access = insert_fresh(&app, &tx, token("access", access_ttl))?;
        let refresh = insert_fresh(&app, &tx, token("refresh", refresh_ttl))?;
        tx.commit()?;
        Ok(Ok(json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": access_ttl,
            "refresh_token": refresh,
        })))
    })();
    match result {
        Ok(Ok(body)) => {
            let mut response = axum::Json(body).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Ok(Err(response)) => response,
        Err(_) => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The sandbox could not store the token",
        ),
    }
}

// ---------------------------------------------------------------------------------------
// WooCommerce and WordPress

fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn application_password_matches(given: &str, expected: &str) -> bool {
    let clean = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    clean(given) == clean(expected)
}

fn unauthorized(code: &str, message: &str) -> WooError {
    WooError::new(StatusCode::UNAUTHORIZED, code, message)
}

/// WordPress's own check of a Basic user: only an application password opens it.
fn wp_user_check(app: &App, user: &str, password: &str) -> Result<(), WooError> {
    let woo = &app.config.woo;
    if user != woo.wp_user {
        return Err(unauthorized(
            "invalid_username",
            "Unknown username. Check again or try your email address.",
        ));
    }
    if !application_password_matches(password, &woo.wp_application_password) {
        return Err(unauthorized(
            "incorrect_password",
            "The provided password is an invalid application password.",
        ));
    }
    Ok(())
}

/// What a WooCommerce route is asked to do, for the wording of a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WooAction {
    List,
    View,
    Create,
    Edit,
    Delete,
    Batch,
}

impl WooAction {
    pub(crate) fn of(method: &Method, collection: bool) -> WooAction {
        match *method {
            Method::GET | Method::HEAD if collection => WooAction::List,
            Method::GET | Method::HEAD => WooAction::View,
            Method::POST if collection => WooAction::Create,
            Method::DELETE => WooAction::Delete,
            _ => WooAction::Edit,
        }
    }
}

/// WooCommerce's keys (Basic or `consumer_key`/`consumer_secret` in the query), or a
/// WordPress application password, which WooCommerce also accepts.
pub(crate) fn woo_auth(
    app: &App,
    headers: &HeaderMap,
    query: &Fields,
    action: WooAction,
) -> Result<(), WooError> {
    let woo = &app.config.woo;
    let given = basic(headers).or_else(|| {
        Some((
            query.get("consumer_key")?.to_string(),
            query.get("consumer_secret")?.to_string(),
        ))
    });
    let Some((user, secret)) = given else {
        let (code, message) = match action {
            WooAction::List => (
                "woocommerce_rest_cannot_view",
                "Sorry, you cannot list resources.",
            ),
            WooAction::View => (
                "woocommerce_rest_cannot_view",
                "Sorry, you cannot view this resource.",
            ),
            WooAction::Create => (
                "woocommerce_rest_cannot_create",
                "Sorry, you are not allowed to create resources.",
            ),
            WooAction::Edit => (
                "woocommerce_rest_cannot_edit",
                "Sorry, you are not allowed to edit this resource.",
            ),
            WooAction::Delete => (
                "woocommerce_rest_cannot_delete",
                "Sorry, you are not allowed to delete this resource.",
            ),
            WooAction::Batch => (
                "woocommerce_rest_cannot_batch",
                "Sorry, you are not allowed to batch manipulate this resource.",
            ),
        };
        return Err(unauthorized(code, message));
    };
    if user.starts_with("ck_") {
        if user != woo.consumer_key {
            return Err(unauthorized(
                "woocommerce_rest_authentication_error",
                "Consumer key is invalid.",
            ));
        }
        if secret != woo.consumer_secret {
            return Err(unauthorized(
                "woocommerce_rest_authentication_error",
                "Consumer secret is invalid.",
            ));
        }
        return Ok(());
    }
    wp_user_check(app, &user, &secret)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WpAction {
    Upload,
    Delete,
}

/// `wp/v2` routes: WordPress's application passwords only; WooCommerce's keys are
/// unknown users there.
pub(crate) fn wp_auth(app: &App, headers: &HeaderMap, action: WpAction) -> Result<(), WooError> {
    let Some((user, password)) = basic(headers) else {
        return Err(match action {
            WpAction::Upload => unauthorized(
                "rest_cannot_create",
                "Sorry, you are not allowed to upload media on this site.",
            ),
            WpAction::Delete => unauthorized(
                "rest_cannot_delete",
                "Sorry, you are not allowed to delete this post.",
            ),
        });
    };
    wp_user_check(app, &user, &password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_roll() {
        let mut r = RateLimiter::new(2, 3);
        assert_eq!(r.take(0).unwrap().remaining_second, 1);
        assert_eq!(r.take(10).unwrap().remaining_second, 0);
        let (state, retry) = r.take(20).unwrap_err();
        assert_eq!((state.remaining_second, retry), (0, 1));
        assert_eq!(r.take(1000).unwrap().remaining_day, 0);
        let (state, retry) = r.take(5000).unwrap_err();
        assert_eq!(state.remaining_day, 0);
        assert_eq!(retry, 86_400 - 5);
        assert!(r.take(86_400_000).is_ok());
    }

    #[test]
    fn redirect_uris() {
        assert!(redirect_uri_allowed("https://hanout.example/cb"));
        assert!(redirect_uri_allowed("http://localhost:8080/cb"));
        assert!(redirect_uri_allowed("http://127.0.0.1/cb?x=1"));
        assert!(redirect_uri_allowed("http://[::1]:9/cb"));
        assert!(!redirect_uri_allowed("http://192.168.1.2/cb"));
        assert!(!redirect_uri_allowed("javascript:alert(1)"));
        assert!(!redirect_uri_allowed("https://x/cb#frag"));
    }
}
