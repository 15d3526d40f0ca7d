//! Listings as Etsy really pages them, and the realism the switchboard turns on: lists
//! that lag, pages that drift, ranks ignored, chunked bodies lost.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use base64::Engine;
use hanout_sandbox::credentials::{ETSY_SHOP_ID, WP_APPLICATION_PASSWORD, WP_USER};
use hanout_sandbox::{Faults, credentials};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Sandbox, Tokens, json, png};

const SHOP: i64 = ETSY_SHOP_ID;

fn ids(page: &Value) -> Vec<i64> {
    page["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|l| l["listing_id"].as_i64().expect("listing_id"))
        .collect()
}

async fn drafts(s: &Sandbox, t: &Tokens, query: &str) -> Value {
    s.etsy_json(t, &format!("/shops/{SHOP}/listings?state=draft&{query}"))
        .await
}

/// `n` drafts, ten seconds apart; their ids in order.
async fn some_drafts(s: &Sandbox, t: &Tokens, titles: &[&str]) -> Vec<i64> {
    let mut made = Vec::new();
    for title in titles {
        made.push(s.etsy_draft(t, title).await["listing_id"].as_i64().unwrap());
        s.clock.advance(Duration::from_secs(10));
    }
    made
}

#[tokio::test]
async fn get_listings_by_shop_sorts_only_a_keyword_search() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let made = some_drafts(
        &s,
        &t,
        &["Tajine rouge", "Tajine bleu", "Tajine vert", "Bol"],
    )
    .await;
    let (a, b, c, bowl) = (made[0], made[1], made[2], made[3]);
    // b is edited last, so it is the most recently updated.
    s.etsy(&t, Method::PATCH, &format!("/shops/{SHOP}/listings/{b}"))
        .form(&[("description", "Émail bleu de Safi")])
        .send()
        .await
        .unwrap();

    // Without a search, Etsy's own order whatever the sort asked.
    for query in [
        "",
        "sort_on=updated&sort_order=desc",
        "sort_on=created&sort_order=asc",
    ] {
        assert_eq!(
            ids(&drafts(&s, &t, query).await),
            [a, b, c, bowl],
            "{query}"
        );
    }
    // With keywords the sort applies.
    assert_eq!(
        ids(&drafts(&s, &t, "keywords=tajine&sort_on=created&sort_order=desc").await),
        [c, b, a]
    );
    assert_eq!(
        ids(&drafts(&s, &t, "keywords=tajine&sort_on=updated&sort_order=desc").await),
        [b, c, a]
    );
    assert_eq!(
        ids(&drafts(&s, &t, "keywords=TAJINE%20bleu&sort_on=created").await),
        [b]
    );
}

#[tokio::test]
async fn a_new_listing_shows_in_the_list_only_after_the_lag() {
    // From the Config, as a test sets it.
    let s = Sandbox::start_with(|c| {
        c.limits.per_second = 1000;
        c.faults = "lag=60..60,seed=4".parse().unwrap();
    })
    .await;
    let t = s.etsy_login().await;
    let id = s.etsy_draft(&t, "Babouches").await["listing_id"]
        .as_i64()
        .unwrap();
    assert_eq!(drafts(&s, &t, "").await["count"], 0);
    // By id it is there at once.
    assert_eq!(
        s.etsy(&t, Method::GET, &format!("/listings/{id}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let batch = s
        .etsy_json(&t, &format!("/listings/batch?listing_ids={id}"))
        .await;
    assert_eq!(ids(&batch), [id]);
    s.clock.advance(Duration::from_secs(59));
    assert_eq!(drafts(&s, &t, "").await["count"], 0);
    s.clock.advance(Duration::from_secs(1));
    assert_eq!(ids(&drafts(&s, &t, "").await), [id]);

    // Lags are drawn per listing from the seed, within the range.
    let faults: Faults = "lag=30..600,seed=9".parse().unwrap();
    let lags: Vec<i64> = (0..20).map(|i| faults.lag_secs(id + i)).collect();
    assert!(lags.iter().all(|l| (30..=600).contains(l)));
    assert!(lags.iter().any(|l| *l != lags[0]));
    assert_eq!(lags[3], faults.lag_secs(id + 3));
}

#[tokio::test]
async fn a_drifting_page_repeats_or_misses_a_listing_and_a_seed_replays_it() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let made = some_drafts(&s, &t, &["Un", "Deux", "Trois", "Quatre", "Cinq"]).await;
    let page = |offset: usize| {
        let s = &s;
        let t = &t;
        async move { drafts(s, t, &format!("limit=2&offset={offset}")).await }
    };
    assert_eq!(ids(&page(2).await), [made[2], made[3]]);

    s.set_faults("page_drift=1,seed=11").await;
    // The first page never drifts.
    assert_eq!(ids(&page(0).await), [made[0], made[1]]);
    let mut seen = Vec::new();
    for _ in 0..8 {
        let drifted = page(2).await;
        assert_eq!(drifted["count"], 5);
        let got = ids(&drifted);
        assert!(
            got == [made[1], made[2]] || got == [made[3], made[4]],
            "{got:?}"
        );
        seen.push(got);
    }
    assert!(seen.iter().any(|g| g[0] == made[1]), "a repeat");
    assert!(seen.iter().any(|g| g[0] == made[3]), "a skip");

    s.set_faults("page_drift=1,seed=11").await;
    page(0).await;
    let mut replay = Vec::new();
    for _ in 0..8 {
        replay.push(ids(&page(2).await));
    }
    assert_eq!(replay, seen);
}

async fn upload_at_rank(s: &Sandbox, t: &Tokens, id: i64, rank: &str, width: u32) -> Value {
    let form = reqwest::multipart::Form::new()
        .text("rank", rank.to_string())
        .part(
            "image",
            reqwest::multipart::Part::bytes(png(width, 100)).file_name("p.png"),
        );
    let r = s
        .etsy(
            t,
            Method::POST,
            &format!("/shops/{SHOP}/listings/{id}/images"),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    json(r).await
}

#[tokio::test]
async fn an_upload_rank_is_ignored_when_the_switch_says_so() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let id = s.etsy_draft(&t, "Panier").await["listing_id"]
        .as_i64()
        .unwrap();
    upload_at_rank(&s, &t, id, "1", 100).await;
    assert_eq!(upload_at_rank(&s, &t, id, "1", 200).await["rank"], 1);

    s.set_faults("ignore_rank=1").await;
    let ignored = upload_at_rank(&s, &t, id, "1", 300).await;
    assert_eq!(ignored["rank"], 3);
    let widths: Vec<i64> = s.etsy_json(&t, &format!("/listings/{id}/images")).await["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_width"].as_i64().unwrap())
        .collect();
    assert_eq!(widths, [200, 100, 300]);
}

#[tokio::test]
async fn the_switchboard_shows_and_takes_the_realism_keys() {
    let s = Sandbox::start().await;
    s.set_faults("drop=0.1,lag=30..600,page_drift=0.2,ignore_rank=0.3,no_chunked=true,seed=5")
        .await;
    let now = json(s.get("/sandbox/faults").send().await.unwrap()).await;
    assert_eq!(
        now["spec"],
        "drop=0.1,5xx=0,429=0,reset=0,lag=30..600,page_drift=0.2,ignore_rank=0.3,no_chunked=true,seed=5"
    );
    assert_eq!(now["lag_secs"], json!([30, 600]));
    assert_eq!(now["no_chunked"], true);
    let fields = s
        .request(Method::PUT, "/sandbox/faults")
        .json(&json!({"page_drift": 0.5, "ignore_rank": 1.0, "lag_secs": [1, 2]}))
        .send()
        .await
        .unwrap();
    assert_eq!(fields.status(), StatusCode::OK);
    assert_eq!(
        json(fields).await["spec"],
        "drop=0,5xx=0,429=0,reset=0,lag=1..2,page_drift=0.5,ignore_rank=1,seed=0"
    );
    for (spec, words) in [
        ("page_drift=1.5", "not a probability"),
        ("lag=9..1", "lag"),
        ("no_chunked=perhaps", "no_chunked"),
    ] {
        let r = s
            .request(Method::PUT, "/sandbox/faults")
            .json(&json!({ "spec": spec }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{spec}");
        let error = json(r).await["error"].as_str().unwrap().to_string();
        assert!(error.contains(words), "{spec}: {error}");
    }
}

/// A request with a chunked body, written by hand: reqwest sends a Content-Length for
/// every body it knows. Answers the status and the raw answer.
fn send_chunked(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
    bytes.extend_from_slice(body);
    bytes.extend_from_slice(b"\r\n0\r\n\r\n");
    stream.write_all(&bytes).expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

fn basic(user: &str, password: &str) -> String {
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

async fn chunked(
    s: &Sandbox,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
) -> (u16, String) {
    let addr = s.running.addr();
    tokio::task::spawn_blocking(move || send_chunked(addr, path, &headers, &body))
        .await
        .expect("blocking send")
}

#[tokio::test]
async fn a_host_without_chunked_bodies_loses_the_upload_but_not_one_with_a_length() {
    let s = Sandbox::start().await;
    let media = || {
        vec![
            ("Authorization", basic(WP_USER, WP_APPLICATION_PASSWORD)),
            ("Content-Type", "image/png".to_string()),
            (
                "Content-Disposition",
                "attachment; filename=\"a.png\"".to_string(),
            ),
        ]
    };
    // A good host reads chunked bodies.
    let (status, _) = chunked(&s, "/wp-json/wp/v2/media", media(), png(10, 10)).await;
    assert_eq!(status, 201);

    s.set_faults("no_chunked=true").await;
    let (status, answer) = chunked(&s, "/wp-json/wp/v2/media", media(), png(10, 10)).await;
    assert_eq!(status, 400);
    assert!(answer.contains("rest_upload_no_data"), "{answer}");
    // With a Content-Length the same upload works.
    let with_length = s
        .request(Method::POST, "/wp-json/wp/v2/media")
        .basic_auth(WP_USER, Some(WP_APPLICATION_PASSWORD))
        .header("content-type", "image/png")
        .header("content-disposition", "attachment; filename=\"a.png\"")
        .body(png(10, 10))
        .send()
        .await
        .unwrap();
    assert_eq!(with_length.status(), StatusCode::CREATED);

    // A JSON route sees no parameters: a nameless product without its SKU.
    let keys = vec![
        (
            "Authorization",
            basic(
                credentials::WOO_CONSUMER_KEY,
                credentials::WOO_CONSUMER_SECRET,
            ),
        ),
        ("Content-Type", "application/json".to_string()),
    ];
    let body = br#"{"name": "Tajine", "sku": "CHUNK-1"}"#.to_vec();
    let (status, _) = chunked(&s, "/wp-json/wc/v3/products", keys, body).await;
    assert_eq!(status, 201);
    let product = &s.state().await["woocommerce"]["products"][0];
    assert_eq!(
        (product["name"].clone(), product["sku"].clone()),
        (json!(""), json!(""))
    );
}

#[tokio::test]
async fn get_listings_by_listing_ids_answers_what_exists_and_may_be_seen() {
    let s = Sandbox::start().await;
    let t = s.etsy_login().await;
    let live = s.etsy_live(&t, "Lanterne", "HNT-L2", 2).await;
    let draft = s.etsy_draft(&t, "Brouillon").await["listing_id"]
        .as_i64()
        .unwrap();
    let gone = s.etsy_draft(&t, "Supprimé").await["listing_id"]
        .as_i64()
        .unwrap();
    s.control(
        "/sandbox/website-delete",
        json!({"market": "etsy", "listing_id": gone}),
    )
    .await;
    let asked = format!("/listings/batch?listing_ids={draft},{live},{gone},999&includes=Images");
    let owner = s.etsy_json(&t, &asked).await;
    assert_eq!(ids(&owner), [draft, live]);
    assert_eq!(owner["count"], 2);
    let listing = &owner["results"][1];
    for key in [
        "title",
        "description",
        "created_timestamp",
        "updated_timestamp",
        "last_modified_timestamp",
        "state",
        "quantity",
        "price",
        "skus",
        "images",
    ] {
        assert!(!listing[key].is_null(), "{key}");
    }
    assert_eq!(listing["skus"], json!(["HNT-L2"]));
    let public = json(s.etsy_public(Method::GET, &asked).send().await.unwrap()).await;
    assert_eq!(ids(&public), [live]);

    let many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    for query in [
        format!("listing_ids={}", many.join(",")),
        "listing_ids=abc".to_string(),
        String::new(),
    ] {
        let r = s
            .etsy(&t, Method::GET, &format!("/listings/batch?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{query}");
    }
}
