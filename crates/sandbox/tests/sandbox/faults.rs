use hanout_sandbox::{Fault, FaultBoard, Faults};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{Sandbox, json};

#[tokio::test]
async fn a_dropped_answer_is_still_committed_while_the_client_sees_no_status() {
    let s = Sandbox::start().await;
    s.set_faults("drop=1,seed=1").await;
    let lost = s
        .woo(Method::POST, "/products")
        .json(&json!({"name": "Tajine", "sku": "LOST-1"}))
        .send()
        .await;
    let error = lost.expect_err("the answer must be lost");
    assert!(error.status().is_none(), "{error:?}");

    let t = s.etsy_login().await;
    let lost = s
        .etsy(
            &t,
            Method::POST,
            &format!(
                "/shops/{}/listings",
                hanout_sandbox::credentials::ETSY_SHOP_ID
            ),
        )
        .form(&crate::common::draft_form("Tajine perdu"))
        .send()
        .await;
    assert!(lost.is_err());

    s.set_faults("").await;
    let state = s.state().await;
    assert_eq!(state["woocommerce"]["products"][0]["sku"], "LOST-1");
    assert_eq!(state["etsy"]["listings"][0]["title"], "Tajine perdu");

    // The retry of the create meets the SKU it already made.
    let retry = s
        .woo_create(json!({"name": "Tajine", "sku": "LOST-1"}))
        .await;
    assert_eq!(
        json(retry).await["data"]["resource_id"],
        state["woocommerce"]["products"][0]["id"]
    );
}

#[tokio::test]
async fn a_reset_before_handling_commits_nothing_and_a_5xx_neither() {
    let s = Sandbox::start().await;
    s.set_faults("reset=1").await;
    let reset = s
        .woo_create_result(json!({"name": "Bol", "sku": "R-1"}))
        .await;
    assert!(reset.is_err());
    s.set_faults("5xx=1,seed=3").await;
    let failed = s.woo_create(json!({"name": "Bol", "sku": "R-1"})).await;
    assert!(failed.status().is_server_error());
    s.set_faults("429=1").await;
    let limited = s.woo_create(json!({"name": "Bol", "sku": "R-1"})).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=5).contains(&retry_after));
    s.set_faults("").await;
    assert!(
        s.state().await["woocommerce"]["products"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_fault_sequence() {
    let s = Sandbox::start().await;
    let spec = "drop=0.15,5xx=0.15,429=0.15,reset=0.15,seed=42";
    let mut runs = Vec::new();
    for _ in 0..2 {
        s.set_faults(spec).await;
        let mut outcomes = Vec::new();
        for _ in 0..40 {
            let outcome = match s.woo(Method::GET, "/products").send().await {
                Ok(r) => r.status().as_u16().to_string(),
                Err(_) => "no answer".to_string(),
            };
            outcomes.push(outcome);
        }
        runs.push(outcomes);
    }
    assert_eq!(runs[0], runs[1]);
    for expected in ["200", "429", "no answer"] {
        assert!(
            runs[0].iter().any(|o| o == expected),
            "{expected} in {:?}",
            runs[0]
        );
    }
    assert!(runs[0].iter().any(|o| o.starts_with('5')));

    // And the board itself, without HTTP.
    let faults: Faults = spec.parse().unwrap();
    let a: Vec<Fault> = FaultBoard::new(faults.clone())
        .take(40)
        .map(|d| d.fault)
        .collect();
    let b: Vec<Fault> = FaultBoard::new(faults).take(40).map(|d| d.fault).collect();
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_bad_fault_spec_is_refused_with_a_clear_message() {
    let s = Sandbox::start().await;
    for (spec, words) in [
        ("drop=2", "not a probability"),
        ("boom=0.1", "unknown fault"),
        ("latency=9..1", "MIN <= MAX"),
        ("drop=0.7,5xx=0.7", "add up to"),
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
    let fields = s
        .request(Method::PUT, "/sandbox/faults")
        .json(&json!({"drop": 0.1, "5xx": 0.2, "latency_ms": [0, 3], "seed": 9}))
        .send()
        .await
        .unwrap();
    assert_eq!(fields.status(), StatusCode::OK);
    let now = json(s.get("/sandbox/faults").send().await.unwrap()).await;
    assert_eq!(
        now["spec"],
        "drop=0.1,5xx=0.2,429=0,reset=0,latency=0..3,seed=9"
    );
    assert_eq!(now["5xx"], 0.2);
}

#[tokio::test]
async fn faults_spare_the_sandbox_routes_the_oauth_pages_and_the_buyer_page() {
    let s = Sandbox::start().await;
    s.set_faults("5xx=1").await;
    assert_eq!(
        s.get("/sandbox/state").send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(s.get("/").send().await.unwrap().status(), StatusCode::OK);
    let t = s.etsy_login().await;
    let api = s.etsy(&t, Method::GET, "/users/me").send().await.unwrap();
    assert!(api.status().is_server_error());
    if api.status() != StatusCode::INTERNAL_SERVER_ERROR {
        // A gateway's page, not JSON.
        assert!(api.text().await.unwrap().contains("<html>"));
    }
}

#[tokio::test]
async fn a_file_database_keeps_everything_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sandbox.sqlite");
    let path = db.clone();
    let first = Sandbox::start_with(move |c| c.db = Some(path)).await;
    let t = first.etsy_login().await;
    let listing = first.etsy_draft(&t, "Boîte en thuya").await["listing_id"].clone();
    let product = json(
        first
            .woo_create(json!({"name": "Tajine", "sku": "KEEP-1"}))
            .await,
    )
    .await;
    first.running.shutdown().await;
    assert!(
        first
            .http
            .get(format!("{}/", first.url))
            .send()
            .await
            .is_err(),
        "stopped"
    );

    let path = db.clone();
    let second = Sandbox::start_with(move |c| c.db = Some(path)).await;
    let state = second.state().await;
    assert_eq!(state["etsy"]["listings"][0]["listing_id"], listing);
    assert_eq!(state["woocommerce"]["products"][0]["id"], product["id"]);
    // Tokens survive too, and new ids never repeat old ones.
    let me = second
        .etsy(&t, Method::GET, "/users/me")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let again = json(
        second
            .woo_create(json!({"name": "Bol", "sku": "KEEP-2"}))
            .await,
    )
    .await;
    assert_ne!(again["id"], product["id"]);
    let t2 = second.etsy_login().await;
    assert_ne!(t2.access, t.access);
}
