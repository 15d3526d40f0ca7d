//! End to end: the real app window, driven through WebDriver (tauri-driver in front of
//! WebKitWebDriver). Needs a display: the README's test command runs it under Xvfb.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const PATIENCE: Duration = Duration::from_secs(30);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits for a process started by a test to listen on `port` (a process getting ready,
/// not a timed test).
fn wait_to_listen(port: u16, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A tauri-driver process whose app sessions see `HANOUT_DB`.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(db: &Path) -> Driver {
        Driver::start_with(db, None)
    }

    /// With `path` first on the app's PATH (stand-ins for system programs).
    fn start_with(db: &Path, path: Option<&Path>) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end tests under xvfb-run (see the README's test command)"
        );
        let (port, native_port) = (free_port(), free_port());
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .env("HANOUT_DB", db)
            .envs(path.map(|first| {
                let rest = std::env::var_os("PATH").unwrap_or_default();
                let mut all = vec![first.to_owned()];
                all.extend(std::env::split_paths(&rest));
                ("PATH", std::env::join_paths(all).expect("a PATH"))
            }))
            .stdout(Stdio::null())
            .spawn()
            .expect("tauri-driver on PATH (scripts/setup.sh installs it)");
        let driver = Driver { child, port };
        wait_to_listen(port, "tauri-driver");
        driver
    }

    /// Starts the app in a new window.
    async fn open_app(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": env!("CARGO_BIN_EXE_hanout-app") }),
        );
        ClientBuilder::rustls()
            .expect("TLS roots")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session with the app")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, never SIGKILL: killed hard, tauri-driver leaves WebKitWebDriver holding
        // its port and the next run hangs.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

async fn find(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Clicks `css` once it can be clicked: an element that moves or is covered for a
/// moment (an indicator whose words change) is found again until PATIENCE runs out.
async fn click(c: &Client, css: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match find(c, css).await.click().await {
            Ok(()) => return,
            Err(e) if Instant::now() < deadline => {
                eprintln!("click {css} again after: {e:?}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => {
                if let Ok(shot) = c.screenshot().await {
                    let _ = std::fs::write(screenshots().join("failed-click.png"), shot);
                }
                panic!("click {css}: {e:?} (the window is in failed-click.png)");
            }
        }
    }
}

async fn type_into(c: &Client, css: &str, text: &str) {
    find(c, css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Waits until the text of every element matching `css`, in order, is what `want` accepts.
async fn wait_for_texts(c: &Client, css: &str, want: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut texts = Vec::new();
        for e in c.find_all(Locator::Css(css)).await.unwrap_or_default() {
            // innerText: the rendered text. WebDriver's own "visible text" drops the title,
            // whose overflow is clipped with an ellipsis.
            texts.push(e.prop("innerText").await.ok().flatten().unwrap_or_default());
        }
        if want(&texts) {
            return texts;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never matched; last seen: {texts:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Where screenshots meant for people go: `HANOUT_SCREENSHOTS` (`scripts/screenshots.sh`
/// sets `docs/screenshots`), or beside the other tests' screenshots.
fn shots_out() -> PathBuf {
    let out = std::env::var_os("HANOUT_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(screenshots);
    std::fs::create_dir_all(&out).expect("the screenshot folder");
    out
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn add_a_product_find_it_and_find_it_again_after_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("hanout.db");
    let driver = Driver::start(&db);

    let app = driver.open_app().await;
    // First start, in English: the workshop and its first artisan. A name of spaces is
    // refused in words; once fixed, the start goes on with the same workshop, not a
    // second one.
    click(&app, "#lang-en").await;
    type_into(&app, "#welcome-coop", "Coopérative Tifawin").await;
    type_into(&app, "#welcome-maker", "   ").await;
    click(&app, "#welcome-start").await;
    wait_for_texts(&app, ".welcome .error", |t| t == ["name is required"]).await;
    type_into(&app, "#welcome-maker", "Fatima").await;
    click(&app, "#welcome-start").await;

    // A product with a wrong price is refused beside the field, on its step, then saved
    // once fixed. The price is typed on the keypad, then in Arabic-Indic digits.
    click(&app, "#add-product").await;
    click(&app, "#next").await;
    click(&app, "#category-pottery").await;
    type_into(&app, "#title-en", "Tajine de Safi").await;
    click(&app, "#key-0").await;
    click(&app, "#next").await;
    click(&app, "#save").await;
    wait_for_texts(&app, r#"[data-field="price"]"#, |t| {
        t == ["must be more than zero"]
    })
    .await;
    click(&app, "#key-delete").await;
    type_into(&app, "#price", "١٢٠").await;
    click(&app, "#step-where").await;
    click(&app, "#save").await;
    let cards = wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;
    assert!(
        cards[0].contains("Tajine de Safi") && cards[0].contains("120 DH"),
        "{cards:?}"
    );
    assert!(cards[0].contains("Fatima"), "{cards:?}");

    // A title in another language folds away with the details.
    click(&app, "#add-product").await;
    click(&app, "#next").await;
    click(&app, "#category-carpets").await;
    click(&app, "#product-form details summary").await;
    type_into(&app, "#title-ar", "زربية").await;
    for key in ["#key-9", "#key-0", "#key-0"] {
        click(&app, key).await;
    }
    click(&app, "#next").await;
    click(&app, "#save").await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 2).await;
    let shot = app.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots().join("catalog.png"), shot).expect("saving the screenshot");

    // Filters narrow the grid; "all" brings everything back.
    click(&app, r#"#filter-category option[value="carpets"]"#).await;
    let rugs = wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;
    assert!(rugs[0].contains("زربية"), "{rugs:?}");
    click(&app, r#"#filter-category option[value=""]"#).await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 2).await;

    type_into(&app, "#search", "tajine").await;
    let found = wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;
    assert!(found[0].contains("Tajine de Safi"), "{found:?}");
    app.close().await.expect("closing the app");

    // Restarted: everything is still there.
    let app = driver.open_app().await;
    let cards = wait_for_texts(&app, "#catalog .card", |t| t.len() == 2).await;
    assert!(
        cards
            .iter()
            .any(|c| c.contains("Tajine de Safi") && c.contains("120 DH")),
        "{cards:?}"
    );
    assert!(
        cards
            .iter()
            .any(|c| c.contains("زربية") && c.contains("900 DH")),
        "{cards:?}"
    );
    app.close().await.expect("closing the app");
    let workshop = hanout_store::Catalog::open(&db).expect("catalog");
    assert_eq!(workshop.cooperatives().expect("cooperatives").len(), 1);
}

/// The messages of a language without their arguments, as the window shows them.
fn messages_in(code: &str) -> std::collections::BTreeMap<String, String> {
    use fluent_syntax::ast::{Entry, PatternElement};
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("ui/locales/{code}.ftl")),
    )
    .expect("a message file");
    let resource = fluent_syntax::parser::parse(source.as_str()).expect("the file parses");
    resource
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            Entry::Message(m) => {
                let text: String = m
                    .value?
                    .elements
                    .into_iter()
                    .map(|e| match e {
                        PatternElement::TextElement { value } => value.to_owned(),
                        PatternElement::Placeable { .. } => String::new(),
                    })
                    .collect();
                Some((m.id.name.to_owned(), text))
            }
            _ => None,
        })
        .collect()
}

fn shared_photo(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/photos")
        .join(name);
    let path = path.canonicalize().unwrap_or_else(|e| {
        panic!(
            "{}: {e} (../shared/photos beside the repository)",
            path.display()
        )
    });
    path.to_string_lossy().into_owned()
}

/// A workshop with one product, made through the engine as the CLI would.
fn workshop_with_a_product(db: &Path) {
    use hanout_domain::{ArtisanForm, CooperativeForm, Lang, ProductForm};
    let mut catalog = hanout_store::Catalog::open(db).expect("catalog");
    let coop = catalog
        .add_cooperative(&CooperativeForm {
            name: "Tifawin".into(),
        })
        .expect("coop");
    let form = ArtisanForm {
        name: "Fatima".into(),
        cooperative: coop.id.to_string(),
        nia: String::new(),
    };
    let maker = catalog.add_artisan(&form).expect("artisan");
    let product = ProductForm {
        titles: [(Lang::Fr, "Tajine de Safi".to_owned())].into(),
        category: "pottery".into(),
        price: "120".into(),
        quantity: "1".into(),
        maker: maker.id.to_string(),
        status: "ready".into(),
        ..ProductForm::default()
    };
    catalog.add_product(&product).expect("product");
    catalog.set_lang(Lang::En).expect("the device's language");
}

#[tokio::test(flavor = "multi_thread")]
async fn six_large_photos_become_six_upright_thumbnails_without_gps() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("hanout.db");
    workshop_with_a_product(&db);
    let driver = Driver::start(&db);
    let app = driver.open_app().await;

    click(&app, "#catalog .card").await;
    let large = [
        "p01_kleiber_20mp.jpg",
        "p02_seeding_16mp_prog.jpg",
        "p04_dragonfly_13mp_prog.jpg",
        "p05_ep3_12mp_o6_gps.jpg",
        "p06_nokia83_9mp_gps.jpg",
        "p07_iphone6_8mp_gps.jpg",
    ];
    let files: Vec<String> = large.iter().map(|f| shared_photo(f)).collect();
    type_into(&app, "#photo-files", &files.join("\n")).await;

    // Six thumbnails, each loaded, in the order picked; only the orientation-6 one is tall.
    let deadline = Instant::now() + PATIENCE;
    let sizes = loop {
        let script = "return Array.from(document.querySelectorAll('#photo-strip .photo:not(.waiting) img'))\
                      .map(i => [i.naturalWidth, i.naturalHeight]);";
        let seen = app
            .execute(script, vec![])
            .await
            .expect("reading the thumbnails");
        let sizes: Vec<(u32, u32)> = serde_json::from_value(seen).unwrap_or_default();
        if sizes.len() == 6 && sizes.iter().all(|&(w, h)| w > 0 && h > 0) {
            break sizes;
        }
        assert!(Instant::now() < deadline, "thumbnails so far: {sizes:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let tall: Vec<bool> = sizes.iter().map(|&(w, h)| h > w).collect();
    assert_eq!(tall, [false, false, false, true, false, false], "{sizes:?}");
    assert!(
        sizes.iter().all(|&(w, h)| w.max(h) == 400),
        "thumbnails are 400 px on the long edge: {sizes:?}"
    );
    let shot = app.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots().join("photos.png"), shot).expect("saving the screenshot");

    // Every bad file is refused with the engine's own words, by name; the six stay.
    let bad: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/photos"))
            .expect("../shared/photos")
            .filter_map(|f| f.ok()?.file_name().into_string().ok())
            .filter(|name| name.starts_with("bad_") || name.starts_with("bomb_"))
            .collect();
    assert!(bad.len() >= 7, "{bad:?}");
    let english = messages_in("en");
    let expected: Vec<String> = bad
        .iter()
        .map(|name| {
            let bytes = std::fs::read(shared_photo(name)).expect("a bad file");
            let refusal =
                hanout_media::process(&bytes, &hanout_media::Options::default()).expect_err(name);
            let kind = serde_json::to_value(refusal.kind()).unwrap();
            let key = format!("error-photo_{}", kind.as_str().unwrap());
            format!("{name}: {}", english[&key])
        })
        .collect();
    let paths: Vec<String> = bad.iter().map(|f| shared_photo(f)).collect();
    type_into(&app, "#photo-files", &paths.join("\n")).await;
    let mut shown = wait_for_texts(&app, "#photo-problems li", |t| t.len() == bad.len()).await;
    shown.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(shown, expected);
    assert_eq!(
        app.find_all(Locator::Css("#photo-strip .photo"))
            .await
            .map(|v| v.len())
            .ok(),
        Some(6)
    );

    // The grid shows the cover.
    click(&app, "#close-editor").await;
    find(&app, "#catalog .card img.cover").await;
    app.close().await.expect("closing the app");

    // What was stored carries no EXIF and no GPS.
    let mut stored = 0;
    for shard in std::fs::read_dir(data.path().join("photos")).unwrap() {
        for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            let bytes = std::fs::read(file.unwrap().path()).unwrap();
            assert!(
                !bytes.windows(6).any(|w| w == b"Exif\0\0"),
                "EXIF in a stored photo"
            );
            assert!(
                !bytes.windows(3).any(|w| w == b"GPS"),
                "GPS in a stored photo"
            );
            stored += 1;
        }
    }
    assert_eq!(stored, 12, "six uploads and six thumbnails");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_catalog_from_a_newer_hanout_is_refused_in_words_and_left_untouched() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("hanout.db");
    workshop_with_a_product(&db);
    // What a future Hanout would leave: a schema version this one does not know.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; PRAGMA user_version = 999;",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();

    let driver = Driver::start(&db);
    let app = driver.open_app().await;
    let message = wait_for_texts(&app, ".fatal", |t| t.len() == 1).await;
    assert!(
        message[0].contains("newer version of Hanout"),
        "{message:?}"
    );
    app.close().await.expect("closing the app");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the newer catalog was changed"
    );
}

/// Where an element's left edge is, in CSS pixels.
async fn left_of(c: &Client, css: &str) -> f64 {
    find(c, css).await;
    let script = format!("return document.querySelector('{css}').getBoundingClientRect().left;");
    c.execute(&script, vec![])
        .await
        .expect("reading a position")
        .as_f64()
        .expect("a number")
}

async fn page_attribute(c: &Client, name: &str) -> String {
    let script = format!("return document.documentElement.getAttribute('{name}');");
    c.execute(&script, vec![])
        .await
        .expect("reading the page")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn arabic_mirrors_the_whole_window_and_is_remembered() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("hanout.db");
    workshop_with_a_product(&db);
    let driver = Driver::start(&db);
    let app = driver.open_app().await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;
    assert_eq!(page_attribute(&app, "dir").await, "ltr");
    let width = app
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let (add, logo) = (
        left_of(&app, "#add-product").await,
        left_of(&app, ".bar .logo").await,
    );
    assert!(
        add > width / 2.0,
        "in English the add button is on the right: {add} of {width}"
    );
    assert!(
        logo < width / 2.0,
        "in English the logo starts the bar: {logo} of {width}"
    );

    click(&app, "#workshop").await;
    click(&app, "#lang-ar").await;
    click(&app, "#back-to-catalog").await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;
    assert_eq!(page_attribute(&app, "dir").await, "rtl");
    assert_eq!(page_attribute(&app, "lang").await, "ar");
    let arabic = messages_in("ar");
    let mirrored_add = left_of(&app, "#add-product").await;
    let mirrored_logo = left_of(&app, ".bar .logo").await;
    assert!(
        mirrored_add < width / 2.0,
        "in Arabic the add button is on the left: {mirrored_add} of {width}"
    );
    assert!(
        mirrored_logo > width / 2.0,
        "in Arabic the logo starts the bar on the right: {mirrored_logo} of {width}"
    );
    // The words are the Arabic file's, numbers and prices formatted for Arabic.
    wait_for_texts(&app, r#"#filter-status option[value=""]"#, |t| {
        t == [arabic["all-statuses"].as_str()]
    })
    .await;
    let card = wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;
    assert!(
        card[0].contains(arabic["status-ready"].as_str()),
        "{card:?}"
    );
    let shot = app.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots().join("catalog-ar.png"), shot).expect("saving the screenshot");
    app.close().await.expect("closing the app");

    // Remembered: the next start speaks Arabic at once.
    let app = driver.open_app().await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;
    assert_eq!(page_attribute(&app, "dir").await, "rtl");
    app.close().await.expect("closing the app");
}

/// The `hanout` command of this build: the CLI sets up what the app then uses, as a
/// workshop's leader would. `cargo test --workspace` builds it beside this test.
fn hanout_cli() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let cli = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("hanout"))
        .expect("the target folder");
    assert!(
        cli.exists(),
        "{} is missing: build it first (cargo build -p hanout-cli)",
        cli.display()
    );
    cli
}

/// A `hanout sandbox` process on `port`, keeping its shops in `data`; stopped when
/// dropped (the marketplace going out of reach).
struct Sandbox(Child);

impl Sandbox {
    fn start(port: u16, data: &Path) -> Sandbox {
        let child = Command::new(hanout_cli())
            .args(["sandbox", "--port", &port.to_string(), "--data"])
            .arg(data)
            .stdout(Stdio::null())
            .spawn()
            .expect("hanout sandbox");
        let sandbox = Sandbox(child);
        wait_to_listen(port, "the sandbox");
        sandbox
    }

    /// What the sandbox's shops hold, as its test page says.
    fn state(port: u16) -> serde_json::Value {
        let body = http_get(port, "/sandbox/state");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    }
}

/// The body of a plain GET to a loopback server.
fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_added_offline_waits_then_is_sent_and_a_refusal_is_shown_and_fixed() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("hanout.db");
    let shops = data.path().join("sandbox.db");
    workshop_with_a_product(&db);
    // The cooperative's two sandbox shops, added while the sandbox runs; then it stops:
    // the marketplace is out of reach.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    {
        let _sandbox = Sandbox::start(port, &shops);
        let added = Command::new(hanout_cli())
            .args(["account", "add", "sandbox", "--url", &url])
            .env("HANOUT_DB", &db)
            .output()
            .expect("hanout account add");
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
    }

    let driver = Driver::start(&db);
    let app = driver.open_app().await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 1).await;

    // Photo first, then the category and the price on the keypad, then both shops:
    // saved at once, with no network.
    click(&app, "#add-product").await;
    type_into(&app, "#photo-files", &shared_photo("o_portrait_1.jpg")).await;
    click(&app, "#next").await;
    click(&app, "#category-carpets").await;
    type_into(&app, "#title-en", "Rug from Taznakht").await;
    for key in ["#key-2", "#key-4", "#key-0", "#key-0"] {
        click(&app, key).await;
    }
    click(&app, "#next").await;
    let switches = wait_for_texts(&app, "#sell-on .switch", |t| t.len() == 2).await;
    assert!(
        switches.iter().all(|s| s.contains("sandbox")),
        "{switches:?}"
    );
    click(&app, "#save").await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 2).await;
    find(&app, r#"#catalog .card [data-sync="waiting"]"#).await;
    find(&app, r##"#sync-indicator[data-state="offline"]"##).await;
    let shot = app.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots().join("offline.png"), shot).expect("saving the screenshot");

    // The marketplace comes back; "send now" sends it, to each shop once.
    let _sandbox = Sandbox::start(port, &shops);
    click(&app, "#sync-indicator").await;
    click(&app, "#sync-now").await;
    find(&app, r##"#sync-indicator[data-state="sent"]"##).await;
    click(&app, "#back-to-catalog").await;
    find(&app, r#"#catalog .card [data-sync="sent"]"#).await;
    let state = Sandbox::state(port);
    let named = |shop: &str, list: &str, field: &str, title: &str| {
        state[shop][list]
            .as_array()
            .map_or(0, |l| l.iter().filter(|x| x[field] == title).count())
    };
    assert_eq!(
        (
            named("etsy", "listings", "title", "Rug from Taznakht"),
            named("woocommerce", "products", "name", "Rug from Taznakht")
        ),
        (1, 1),
        "once on each shop: {state:#}"
    );

    // A title Etsy refuses (★ is not allowed there): the queue says why, in the
    // marketplace's words; fixed, it is sent.
    click(&app, "#add-product").await;
    click(&app, "#next").await;
    click(&app, "#category-pottery").await;
    type_into(&app, "#title-en", "Tajine ★ blue").await;
    for key in ["#key-3", "#key-0", "#key-0"] {
        click(&app, key).await;
    }
    click(&app, "#next").await;
    click(&app, "#save").await;
    find(&app, "#sync-failed").await;
    click(&app, "#sync-indicator").await;
    let refused = wait_for_texts(&app, "#queue-failed li", |t| t.len() == 1).await;
    assert!(
        refused[0].contains('★'),
        "the reason names the character: {refused:?}"
    );
    find(&app, "#queue-failed li button.retry").await;
    click(&app, "#back-to-catalog").await;
    let cards = wait_for_texts(&app, "#catalog .card", |t| t.len() == 3).await;
    let index = cards
        .iter()
        .position(|c| c.contains("Tajine ★ blue"))
        .expect("the refused one");
    let card = app
        .find_all(Locator::Css("#catalog .card"))
        .await
        .unwrap()
        .remove(index);
    card.click().await.unwrap();
    click(&app, "#step-what").await;
    let title = find(&app, "#title-en").await;
    title.clear().await.unwrap();
    title.send_keys("Tajine blue").await.unwrap();
    click(&app, "#save").await;
    click(&app, "#sync-indicator").await;
    click(&app, "#sync-now").await;
    find(&app, r##"#sync-indicator[data-state="sent"]"##).await;
    wait_for_texts(&app, "#queue-failed li", |t| t.is_empty()).await;
    assert!(Sandbox::state(port).to_string().contains("Tajine blue"));
    app.close().await.expect("closing the app");
}

/// A workshop as a field trainer would show it: three artisans, products in several
/// crafts and languages, one a draft, all for sale on the sandbox's two shops, which are
/// out of reach (so the queue has something to show). Returns the leader's id.
fn a_workshop_to_show(db: &Path, data: &Path) -> String {
    use hanout_domain::{ArtisanForm, CooperativeForm, Lang, ProductForm};
    let port = free_port();
    {
        let mut catalog = hanout_store::Catalog::open(db).expect("catalog");
        let coop = catalog
            .add_cooperative(&CooperativeForm {
                name: "Coopérative Tifawin".into(),
            })
            .expect("coop");
        for name in ["Fatima", "Youssef", "Aïcha"] {
            let form = ArtisanForm {
                name: name.into(),
                cooperative: coop.id.to_string(),
                nia: String::new(),
            };
            catalog.add_artisan(&form).expect("artisan");
        }
        let _sandbox = Sandbox::start(port, &data.join("sandbox.db"));
        let added = Command::new(hanout_cli())
            .args([
                "account",
                "add",
                "sandbox",
                "--url",
                &format!("http://127.0.0.1:{port}"),
            ])
            .env("HANOUT_DB", db)
            .output()
            .expect("hanout account add");
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
    }
    let mut catalog = hanout_store::Catalog::open(db).expect("catalog");
    let artisans = catalog.artisans().expect("artisans");
    let leader = artisans
        .iter()
        .find(|a| a.role == hanout_domain::Role::Leader)
        .expect("a leader");
    let products = [
        ("pottery", "Tajine de Safi", "طاجين آسفي", "120", "ready"),
        (
            "carpets",
            "Tapis de Taznakht",
            "زربية تازناخت",
            "2400",
            "ready",
        ),
        (
            "basketry",
            "Panier en doum",
            "سلة من الدوم",
            "85,50",
            "ready",
        ),
        ("argan", "", "", "60", "draft"),
        (
            "jewellery",
            "Fibule en argent",
            "خلالة من الفضة",
            "650",
            "ready",
        ),
    ];
    let markets = catalog.marketplaces().expect("accounts");
    for (i, (category, fr, ar, price, status)) in products.into_iter().enumerate() {
        let titles = [(Lang::Fr, fr), (Lang::Ar, ar)]
            .into_iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(l, t)| (l, t.to_owned()))
            .collect();
        let form = ProductForm {
            titles,
            category: category.into(),
            price: price.into(),
            quantity: "2".into(),
            maker: artisans[i % artisans.len()].id.to_string(),
            status: status.into(),
            ..ProductForm::default()
        };
        let id = catalog.add_product(&form).expect("product").product.id;
        for market in &markets {
            catalog
                .set_listing(id, &market.id, true, true)
                .expect("for sale");
        }
    }
    leader.id.to_string()
}

/// The main screens in the four languages, at a phone's size and a desktop's. They are
/// written to `HANOUT_SCREENSHOTS` (`scripts/screenshots.sh` sets `docs/screenshots`), or
/// beside the other tests' screenshots. No screen may show a message's name in place of
/// its words.
#[tokio::test(flavor = "multi_thread")]
async fn the_main_screens_in_four_languages_at_two_sizes() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("hanout.db");
    let leader = a_workshop_to_show(&db, data.path());
    let out = shots_out();
    // Message names with a dash ("sync-now") are never words of their own.
    let names: Vec<String> = messages_in("en")
        .into_keys()
        .filter(|k| k.contains('-'))
        .collect();

    let driver = Driver::start(&db);
    let app = driver.open_app().await;
    let pick_leader = format!(r#"#who button[data-artisan="{leader}"]"#);
    let shoot = async |name: &str| {
        let text = app
            .execute("return document.body.innerText;", vec![])
            .await
            .expect("the page's text");
        let text = text.as_str().unwrap_or_default();
        let shown: Vec<&String> = names.iter().filter(|n| text.contains(n.as_str())).collect();
        assert!(shown.is_empty(), "{name} shows message names {shown:?}");
        let shot = app.screenshot().await.expect("a screenshot");
        std::fs::write(out.join(format!("{name}.png")), shot).expect("saving a screenshot");
    };
    // Three artisans: the app asks who is working first.
    find(&app, &pick_leader).await;
    for (size, (width, height)) in [("phone", (360, 640)), ("desktop", (1280, 800))] {
        app.set_window_size(width, height)
            .await
            .expect("resizing the window");
        for lang in ["ar", "fr", "en", "tzm"] {
            // "Who is working?", in the language chosen there.
            if find_all_now(&app, &pick_leader).await == 0 {
                click(&app, "#workshop").await;
                click(&app, "#switch-person").await;
            }
            click(&app, &format!("#lang-{lang}")).await;
            find(&app, &pick_leader).await;
            shoot(&format!("who-{lang}-{size}")).await;
            click(&app, &pick_leader).await;
            wait_for_texts(&app, "#catalog .card", |t| t.len() == 5).await;
            find(&app, r##"#sync-indicator[data-state="offline"]"##).await;
            shoot(&format!("catalog-{lang}-{size}")).await;
            click(&app, "#add-product").await;
            click(&app, "#next").await;
            click(&app, "#category-carpets").await;
            for key in ["#key-1", "#key-2", "#key-0", "#key-0"] {
                click(&app, key).await;
            }
            shoot(&format!("form-{lang}-{size}")).await;
            click(&app, "#close-editor").await;
            click(&app, "#sync-indicator").await;
            wait_for_texts(&app, "#queue-waiting li", |t| t.len() == 8).await;
            shoot(&format!("queue-{lang}-{size}")).await;
            click(&app, "#back-to-catalog").await;
        }
    }
    app.close().await.expect("closing the app");
}

/// How many elements match `css` now, without waiting.
async fn find_all_now(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.map_or(0, |v| v.len())
}

/// The field trainer's script, in a village with no internet: start the demo, go
/// offline, add a product (it waits), come back online (it goes), find it on the buyer's
/// page, a buyer buys a one-of-a-kind rug (the app says so, its stock drops to nothing
/// and the other shop takes it down), start again, leave: the artisan's own catalog was
/// never touched.
#[tokio::test(flavor = "multi_thread")]
async fn the_trainers_script_from_offline_to_a_sale_and_back() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("hanout.db");
    // "Open the shop" asks the system to open a page: a stand-in xdg-open writes down
    // which, where a real one would start a browser.
    let bin = data.path().join("bin");
    let opened = data.path().join("opened.txt");
    std::fs::create_dir_all(&bin).unwrap();
    let xdg_open = bin.join("xdg-open");
    std::fs::write(
        &xdg_open,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &xdg_open,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();

    let driver = Driver::start_with(&db, Some(&bin));
    let app = driver.open_app().await;
    // A trainer's phone with no workshop of its own yet.
    find(&app, "#welcome-start").await;
    click(&app, "#lang-en").await;
    click(&app, "#demo-start").await;
    find(&app, "#demo-bar").await;
    let who = wait_for_texts(&app, "#who .person", |t| t.len() == 3).await;
    let fatima = who
        .iter()
        .position(|w| w.contains("Fatima"))
        .expect("Fatima leads");
    let pick_fatima = format!("#who li:nth-child({}) .person", fatima + 1);
    click(&app, &pick_fatima).await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 12).await;
    find(&app, r##"#sync-indicator[data-state="sent"]"##).await;

    // No network: a new product is saved and waits.
    click(&app, "#link-offline").await;
    find(&app, r##"#link-offline[aria-checked="true"]"##).await;
    click(&app, "#add-product").await;
    type_into(&app, "#photo-files", &shared_photo("o_portrait_1.jpg")).await;
    click(&app, "#next").await;
    click(&app, "#category-pottery").await;
    type_into(&app, "#title-en", "Green bowl from Tamegroute").await;
    for key in ["#key-9", "#key-5"] {
        click(&app, key).await;
    }
    click(&app, "#next").await;
    click(&app, "#save").await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 13).await;
    find(&app, r#"#catalog .card [data-sync="waiting"]"#).await;
    find(&app, r##"#sync-indicator[data-state="offline"]"##).await;
    click(&app, "#sync-indicator").await;
    wait_for_texts(&app, "#queue-waiting li", |t| !t.is_empty()).await;
    let shot = app.screenshot().await.expect("a screenshot");
    std::fs::write(shots_out().join("demo-queue-offline.png"), shot).unwrap();

    // Slow 2G: the queue starts draining and the bar crawls; then the network comes back
    // in full and the queue empties by itself.
    click(&app, "#link-slow2g").await;
    // The bar, once the photo's first bytes have left at EDGE pace.
    let number = |v: Option<String>| v.and_then(|v| v.parse::<f64>().ok()).unwrap_or_default();
    let deadline = Instant::now() + PATIENCE;
    let (sent, total) = loop {
        let bar = find(
            &app,
            r##"#sync-indicator[data-state="sending"] #sync-progress"##,
        )
        .await;
        let sent = number(bar.attr("value").await.unwrap_or_default());
        let total = number(bar.attr("max").await.unwrap_or_default());
        if sent > 0.0 || Instant::now() > deadline {
            break (sent, total);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        sent > 0.0 && sent < total,
        "on 2G the photo is on its way: {sent} of {total} bytes"
    );
    let shot = app.screenshot().await.expect("a screenshot");
    std::fs::write(shots_out().join("demo-queue-2g.png"), shot).unwrap();
    click(&app, "#link-online").await;
    find(&app, r##"#sync-indicator[data-state="sent"]"##).await;
    click(&app, "#back-to-catalog").await;

    // The buyer's page, as the system browser would be given it.
    click(&app, "#demo-open-shop").await;
    let deadline = Instant::now() + PATIENCE;
    let shop = loop {
        if let Ok(url) = std::fs::read_to_string(&opened) {
            break url.trim().to_owned();
        }
        assert!(Instant::now() < deadline, "the shop was never opened");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let port: u16 = shop
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("a loopback address: {shop}"));
    let page = http_get(port, "/");
    assert_eq!(
        page.matches("Green bowl from Tamegroute</").count(),
        2,
        "on both shops' pages once: {page}"
    );

    // A buyer buys the rug, one of a kind, on Etsy.
    click(&app, "#demo-sale").await;
    click(&app, r#"#sale-products button[aria-label*="Taznakht"]"#).await;
    find(&app, r#"#sold[data-left="0"]"#).await;
    find(&app, r#"#catalog .card .stock[data-stock="0"]"#).await;
    // The demo bar and the sale on a phone.
    app.set_window_size(360, 640)
        .await
        .expect("a phone-sized window");
    find(&app, "#sold").await;
    let shot = app.screenshot().await.expect("a screenshot");
    std::fs::write(shots_out().join("demo-sold-phone.png"), shot).unwrap();
    app.set_window_size(1280, 800)
        .await
        .expect("a desktop-sized window");
    let deadline = Instant::now() + PATIENCE;
    loop {
        let state = Sandbox::state(port);
        let woo = state["woocommerce"]["products"].as_array().and_then(|p| {
            p.iter()
                .find(|p| p["name"].as_str().is_some_and(|n| n.contains("Taznakht")))
                .cloned()
        });
        let etsy = state["etsy"]["listings"].as_array().and_then(|l| {
            l.iter()
                .find(|l| l["title"].as_str().is_some_and(|n| n.contains("Taznakht")))
                .cloned()
        });
        let (woo, etsy) = (woo.unwrap_or_default(), etsy.unwrap_or_default());
        if woo["status"] != "publish" && etsy["state"] == "sold_out" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the rug should be sold out on Etsy and off WooCommerce: {etsy} {woo}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Start again: the twelve samples, the rug back in stock; then leave.
    click(&app, "#demo-reset").await;
    click(&app, &pick_fatima).await;
    wait_for_texts(&app, "#catalog .card", |t| t.len() == 12).await;
    assert_eq!(
        find_all_now(&app, r#"#catalog .card .stock[data-stock="0"]"#).await,
        0
    );
    click(&app, "#demo-leave").await;
    find(&app, "#welcome-start").await;
    assert_eq!(find_all_now(&app, "#demo-bar").await, 0);
    app.close().await.expect("closing the app");
}
