//! Etsy's own contract. Prism, validating against Etsy's published OpenAPI document
//! (`tests/data/etsy-openapi-v3.prism.json`, sources in `tests/data/README.md`), stands between the Etsy adapter and the
//! sandbox; a recorder in front of it notes every `sl-violations` header. The whole
//! listing flow runs through it: create, inventory and SKU, photos, publish, edits,
//! reordering, removing a photo, a sale pulled back, delisting.
//!
//! Two kinds of request go around Prism, and are counted apart: OAuth (not in the
//! document) and photo uploads, whose binary bodies Prism 5.16 damages (it decodes every
//! body as UTF-8).
//!
//! Prism comes from npm (`scripts/setup.sh` installs it in `target/prism`);
//! `HANOUT_PRISM` names another binary.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use reqwest::header::{CONTENT_LENGTH, HOST, TRANSFER_ENCODING};

use super::*;

fn prism_binary() -> PathBuf {
    std::env::var_os("HANOUT_PRISM").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/prism/node_modules/.bin/prism")
        },
        PathBuf::from,
    )
}

fn spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/etsy-openapi-v3.prism.json")
}

/// A Prism proxy process, killed when dropped.
struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    async fn start(upstream: &str) -> Prism {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let binary = prism_binary();
        let child = Command::new(&binary)
            .args(["proxy", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec())
            .arg(upstream)
            .arg("--errors")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("Prism at {} does not start: {e}", binary.display()));
        let prism = Prism { child, port };
        // Prism reads the 2 MB document before it listens: wait for the port (a process
        // becoming ready, not a timed test), giving up after a minute.
        for _ in 0..600 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return prism;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Prism did not listen on port {port}");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

#[derive(Default)]
struct Tally {
    checked: AtomicUsize,
    around: AtomicUsize,
    violations: Mutex<Vec<String>>,
}

struct Route {
    prism: String,
    sandbox: String,
    client: reqwest::Client,
    tally: Arc<Tally>,
}

async fn forward(State(route): State<Arc<Route>>, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20)
        .await
        .expect("the adapter's body");
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let checked =
        parts.uri.path().starts_with("/v3/application") && std::str::from_utf8(&body).is_ok();
    let base = if checked {
        route.tally.checked.fetch_add(1, Ordering::SeqCst);
        &route.prism
    } else {
        route.tally.around.fetch_add(1, Ordering::SeqCst);
        &route.sandbox
    };
    let mut out = route
        .client
        .request(parts.method.clone(), format!("{base}{target}"));
    for (name, value) in &parts.headers {
        if name != HOST && name != CONTENT_LENGTH {
            out = out.header(name, value);
        }
    }
    let answer = out
        .body(body)
        .send()
        .await
        .expect("Prism or the sandbox answers");
    // A violation Prism let through is in `sl-violations`; one it refused (`--errors`)
    // is a problem+json answer of its own.
    let problem = answer
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/problem+json"));
    let header = answer
        .headers()
        .get("sl-violations")
        .map(|v| v.to_str().unwrap_or("(not text)").to_owned());
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != TRANSFER_ENCODING && name != CONTENT_LENGTH {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.expect("the whole answer");
    if checked && (problem || header.is_some()) {
        let what = header.unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        route
            .tally
            .violations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(format!("{} {}: {what}", parts.method, parts.uri.path()));
    }
    response.body(Body::from(bytes)).expect("a response")
}

/// The recorder: listens on loopback, sends what it can through Prism.
async fn recorder(prism: String, sandbox: String) -> (String, Arc<Tally>) {
    let tally = Arc::new(Tally::default());
    let route = Arc::new(Route {
        prism,
        sandbox,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client"),
        tally: tally.clone(),
    });
    let app = axum::Router::new().fallback(forward).with_state(route);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, tally)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_etsy_flow_keeps_to_etsys_published_contract() {
    let (sandbox, clock) = start_sandbox().await;
    let prism = Prism::start(&sandbox.url()).await;
    let (through, tally) = recorder(prism.url(), sandbox.url()).await;
    let world = World::with(sandbox, clock, "seed=1", 1, &through).await;
    let product = world.products[0];
    let etsy = MarketplaceId::new(ETSY);
    world
        .catalog()
        .set_listing(product, &MarketplaceId::new(WOO), false, false)
        .expect("Etsy alone");
    let mut engine = world.engine();
    let kept = |step: &str| {
        let broken = tally
            .violations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        assert_eq!(
            broken,
            Vec::<String>::new(),
            "Etsy's contract broken at {step}"
        );
        let s = status(&world.catalog()).expect("a status");
        assert_eq!(s.failed, 0, "{step}: {s:?}");
    };
    // Create, inventory with the SKU, three photos, publish.
    world.drain(&mut engine).await;
    kept("create");
    // New words, price and stock.
    {
        let mut c = world.catalog();
        let mut form = ProductForm::from(&c.product(product).expect("the product").product.fields);
        form.titles
            .insert(Lang::Fr, "Panier tressé de Zagora".into());
        form.price = "210".into();
        form.quantity = "2".into();
        c.update_product(product, &form).expect("edited");
    }
    world.drain(&mut engine).await;
    kept("edits");
    // The last photo becomes the cover; the middle one goes.
    {
        let photos = world.photos(product);
        let mut c = world.catalog();
        let last = photos[2].parse().expect("a hash");
        c.move_photo(product, &last, 0).expect("moved");
        let middle = photos[1].parse().expect("a hash");
        c.remove_photo(product, &middle).expect("removed");
    }
    world.drain(&mut engine).await;
    kept("photos");
    // A buyer buys one; the sale comes back through the receipts.
    let state = world.state().await;
    let listing = state["etsy"]["listings"][0]["listing_id"].clone();
    world.sell_on_etsy(&listing).await;
    engine.pull_soon();
    world.drain(&mut engine).await;
    kept("the sale");
    assert_eq!(
        world
            .catalog()
            .product(product)
            .expect("the product")
            .product
            .fields
            .quantity,
        1,
        "the sale came back"
    );
    // Off Etsy.
    world
        .catalog()
        .set_listing(product, &etsy, false, false)
        .expect("taken off");
    world.drain(&mut engine).await;
    kept("delisting");

    let checked = tally.checked.load(Ordering::SeqCst);
    let around = tally.around.load(Ordering::SeqCst);
    println!("Prism checked {checked} requests and answers; {around} went around it");
    assert!(
        checked >= 12,
        "the flow went through Prism: {checked} requests"
    );
    let state = world.state().await;
    assert_eq!(
        state["etsy"]["listings"].as_array().map(Vec::len),
        Some(0),
        "delisted: {:#}",
        state["etsy"]
    );
}
