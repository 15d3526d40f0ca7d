//! Starting a sandbox and speaking to it as the adapters will.

use std::net::SocketAddr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hanout_sandbox::{Config, ManualClock, Running, credentials, start};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const REDIRECT_URI: &str = "http://localhost:7777/etsy/callback";
pub const VERIFIER: &str = "hanout-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

pub struct Sandbox {
    pub running: Running,
    pub clock: ManualClock,
    pub http: Client,
    pub url: String,
}

pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

impl Sandbox {
    /// A sandbox whose Etsy allows 1000 requests a second: the clock stands still
    /// unless a test moves it, so Etsy's 10 a second would be spent at once. The limit
    /// tests start with the defaults.
    pub async fn start() -> Sandbox {
        Sandbox::start_with(|c| c.limits.per_second = 1000).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Sandbox {
        let clock = ManualClock::new();
        let mut config = Config {
            clock: clock.clock(),
            ..Config::default()
        };
        adjust(&mut config);
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("address");
        let running = start(config, addr).await.expect("sandbox starts");
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .expect("client");
        let url = running.url();
        Sandbox {
            running,
            clock,
            http,
            url,
        }
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.http.get(format!("{}{path}", self.url))
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.url))
    }

    /// An Etsy request with the API key but no token.
    pub fn etsy_public(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, &format!("/v3/application{path}"))
            .header(
                "x-api-key",
                format!(
                    "{}:{}",
                    credentials::ETSY_KEYSTRING,
                    credentials::ETSY_SHARED_SECRET
                ),
            )
    }

    /// An Etsy request as the seller.
    pub fn etsy(&self, tokens: &Tokens, method: Method, path: &str) -> RequestBuilder {
        self.etsy_public(method, path).bearer_auth(&tokens.access)
    }

    /// The authorization code flow with PKCE, as the app does it.
    pub async fn etsy_login(&self) -> Tokens {
        self.etsy_login_with("listings_r listings_w listings_d transactions_r shops_r")
            .await
    }

    pub async fn etsy_login_with(&self, scope: &str) -> Tokens {
        let code = self.etsy_code(scope).await;
        let response = self
            .http
            .post(format!("{}/v3/public/oauth/token", self.url))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", credentials::ETSY_KEYSTRING),
                ("redirect_uri", REDIRECT_URI),
                ("code", &code),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("token json");
        Tokens {
            access: body["access_token"].as_str().expect("access").to_string(),
            refresh: body["refresh_token"].as_str().expect("refresh").to_string(),
        }
    }

    /// Consent, approved at once: the code from the redirect.
    pub async fn etsy_code(&self, scope: &str) -> String {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
        let response = self
            .get("/oauth/connect")
            .query(&[
                ("response_type", "code"),
                ("client_id", credentials::ETSY_KEYSTRING),
                ("redirect_uri", REDIRECT_URI),
                ("scope", scope),
                ("state", "st4te"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .expect("connect");
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        let query = location.split_once('?').expect("query").1;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("pairs");
        let find = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(find("state").as_deref(), Some("st4te"));
        find("code").expect("code")
    }

    pub fn woo(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, &format!("/wp-json/wc/v3{path}"))
            .basic_auth(
                credentials::WOO_CONSUMER_KEY,
                Some(credentials::WOO_CONSUMER_SECRET),
            )
    }

    pub async fn state(&self) -> Value {
        self.get("/sandbox/state")
            .send()
            .await
            .expect("state")
            .json()
            .await
            .expect("state json")
    }

    pub async fn set_faults(&self, spec: &str) {
        let response = self
            .request(Method::PUT, "/sandbox/faults")
            .json(&json!({ "spec": spec }))
            .send()
            .await
            .expect("faults");
        assert_eq!(response.status(), StatusCode::OK, "{spec}");
    }

    /// A draft with the required fields, as Hanout's adapter creates it.
    pub async fn etsy_draft(&self, tokens: &Tokens, title: &str) -> Value {
        let shop = credentials::ETSY_SHOP_ID;
        let response = self
            .etsy(tokens, Method::POST, &format!("/shops/{shop}/listings"))
            .form(&draft_form(title))
            .send()
            .await
            .expect("create");
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("listing")
    }

    pub async fn etsy_upload(&self, tokens: &Tokens, listing_id: i64, image: Vec<u8>) -> Response {
        let shop = credentials::ETSY_SHOP_ID;
        let form = reqwest::multipart::Form::new().part(
            "image",
            reqwest::multipart::Part::bytes(image)
                .file_name("photo.png")
                .mime_str("image/png")
                .expect("mime"),
        );
        self.etsy(
            tokens,
            Method::POST,
            &format!("/shops/{shop}/listings/{listing_id}/images"),
        )
        .multipart(form)
        .send()
        .await
        .expect("upload")
    }

    pub async fn etsy_inventory(
        &self,
        tokens: &Tokens,
        listing_id: i64,
        sku: &str,
        price: f64,
        quantity: i64,
    ) -> Response {
        self.etsy(
            tokens,
            Method::PUT,
            &format!("/listings/{listing_id}/inventory"),
        )
        .json(&json!({"products": [{
            "sku": sku,
            "property_values": [],
            "offerings": [{"price": price, "quantity": quantity, "is_enabled": true}],
        }]}))
        .send()
        .await
        .expect("inventory")
    }

    pub async fn etsy_set_state(&self, tokens: &Tokens, listing_id: i64, state: &str) -> Response {
        let shop = credentials::ETSY_SHOP_ID;
        self.etsy(
            tokens,
            Method::PATCH,
            &format!("/shops/{shop}/listings/{listing_id}"),
        )
        .form(&[("state", state)])
        .send()
        .await
        .expect("update")
    }

    /// An active listing with one photo, the SKU and the quantity.
    pub async fn etsy_live(&self, tokens: &Tokens, title: &str, sku: &str, quantity: i64) -> i64 {
        let id = self.etsy_draft(tokens, title).await["listing_id"]
            .as_i64()
            .expect("id");
        assert_eq!(
            self.etsy_upload(tokens, id, png(800, 600)).await.status(),
            StatusCode::CREATED
        );
        assert_eq!(
            self.etsy_inventory(tokens, id, sku, 120.0, quantity)
                .await
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            self.etsy_set_state(tokens, id, "active").await.status(),
            StatusCode::OK
        );
        id
    }

    pub async fn woo_create(&self, body: Value) -> Response {
        self.woo_create_result(body).await.expect("create product")
    }

    pub async fn woo_create_result(&self, body: Value) -> reqwest::Result<Response> {
        self.woo(Method::POST, "/products").json(&body).send().await
    }

    /// An Etsy GET as the seller, its JSON.
    pub async fn etsy_json(&self, tokens: &Tokens, path: &str) -> Value {
        json(
            self.etsy(tokens, Method::GET, path)
                .send()
                .await
                .expect("etsy get"),
        )
        .await
    }

    /// A WooCommerce GET, its JSON.
    pub async fn woo_json(&self, path: &str) -> Value {
        json(self.woo(Method::GET, path).send().await.expect("woo get")).await
    }

    /// A POST of JSON to one of the sandbox's own routes.
    pub async fn control(&self, path: &str, body: Value) -> Response {
        self.request(Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("control route")
    }

    pub async fn order_status(&self, market: &str, order_id: &Value, status: &str) -> Response {
        self.control(
            "/sandbox/order-status",
            json!({"market": market, "order_id": order_id, "status": status}),
        )
        .await
    }

    /// The sandbox's clock in Unix seconds.
    pub fn now_secs(&self) -> i64 {
        let since = self
            .clock
            .now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970");
        i64::try_from(since.as_secs()).expect("seconds")
    }

    pub async fn sale(&self, market: &str, listing_id: i64, quantity: i64) -> Response {
        self.request(Method::POST, "/sandbox/sale")
            .json(&json!({"market": market, "listing_id": listing_id, "quantity": quantity}))
            .send()
            .await
            .expect("sale")
    }
}

pub fn draft_form(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("quantity", "1".into()),
        ("title", title.into()),
        (
            "description",
            "Fait main à Safi, terre cuite émaillée.".into(),
        ),
        ("price", "120.00".into()),
        ("who_made", "i_did".into()),
        ("when_made", "made_to_order".into()),
        ("taxonomy_id", "1051".into()),
        ("shipping_profile_id", "190000001".into()),
        ("tags", "tagine,poterie,fait main".into()),
        ("materials", "argile,émail".into()),
    ]
}

/// The header of a PNG of this size: what the sandbox reads to know an image.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// The start of a JPEG of this size (SOI, then a baseline frame header).
pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    bytes
}

pub async fn json(response: Response) -> Value {
    response.json().await.expect("json body")
}
