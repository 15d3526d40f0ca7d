//! The `hanout` binary, run as a user would, on a real catalog file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Hanout {
    _dir: tempfile::TempDir,
    db: PathBuf,
    /// The session bus the command sees: none by default, so secrets go to the file.
    bus: String,
}

impl Hanout {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        Hanout {
            _dir: dir,
            db,
            bus: "unix:path=/nonexistent/bus".into(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_hanout"))
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .env_remove("HANOUT_DB")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .output()
            .unwrap()
    }

    /// Runs a command that must succeed and returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    fn with_maker() -> Self {
        let h = Hanout::new();
        h.ok(&["coop", "add", "Coopérative Tifawin"]);
        h.ok(&["artisan", "add", "Fatima", "--nia", "ab-12"]);
        h
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn adds_lists_searches_edits_and_archives() {
    let h = Hanout::with_maker();
    let tajine = h.json(&[
        "product",
        "add",
        "--title-fr",
        "Tajine de Safi",
        "--category",
        "pottery",
        "--price",
        "١٢٠ درهم",
        "--materials",
        "argile, émail",
        "--size",
        "30x30x25cm",
    ]);
    assert_eq!(tajine["price"], 12000);
    assert_eq!(tajine["maker_name"], "Fatima");
    assert_eq!(tajine["status"], "ready");
    h.ok(&[
        "product",
        "add",
        "--title-ar",
        "زربية",
        "--category",
        "carpets",
        "--price",
        "1 200,50 DH",
        "--quantity",
        "2",
    ]);

    let listed = h.ok(&["product", "list"]);
    assert!(
        listed.contains("Tajine de Safi") && listed.contains("1 200.50 DH"),
        "{listed}"
    );
    let found = h.json(&["product", "search", "TAJINE"]);
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["id"], tajine["id"]);
    assert_eq!(
        h.json(&["product", "search", "زربيه"])[0]["titles"]["ar"],
        "زربية"
    );
    assert_eq!(
        h.json(&["product", "list", "--category", "carpets"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let id = tajine["id"].as_str().unwrap();
    let edited = h.json(&[
        "product",
        "edit",
        &id[..24],
        "--price",
        "130",
        "--status",
        "draft",
    ]);
    assert_eq!(
        (edited["price"].as_i64(), edited["status"].as_str()),
        (Some(13000), Some("draft"))
    );
    assert_eq!(
        edited["materials"], tajine["materials"],
        "edit keeps what it was not told to change"
    );
    let shown = h.ok(&["product", "show", id]);
    assert!(
        shown.contains("price:     130 DH") && shown.contains("size:      30 x 30 x 25 cm"),
        "{shown}"
    );

    h.ok(&["product", "archive", id]);
    assert_eq!(
        h.json(&["product", "list"]).as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        h.json(&["product", "list", "--status", "archived"])[0]["id"],
        tajine["id"]
    );
}

#[test]
fn bad_input_says_what_is_wrong_on_stderr_and_fails() {
    let h = Hanout::with_maker();
    let out = h.run(&[
        "product",
        "add",
        "--price",
        "-5",
        "--category",
        "plastic",
        "--quantity",
        "1.5",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    for expected in [
        "error: price cannot be negative",
        "error: category is not a known category: use one of pottery, carpets",
        "error: quantity must be a whole number",
        "error: title (ar) is required in at least one language",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
    for (price, problem) in [
        ("abc", "is not a number"),
        ("1e9", "is not a number"),
        ("0", "must be more than zero"),
    ] {
        let out = h.run(&[
            "product",
            "add",
            "--title-en",
            "Rug",
            "--category",
            "carpets",
            "--price",
            price,
        ]);
        assert!(
            stderr(&out).contains(&format!("error: price {problem}")),
            "{price}: {}",
            stderr(&out)
        );
    }
    let out = h.run(&["product", "list", "--status", "gone"]);
    assert!(stderr(&out).contains("status is not a known status: use one of draft, ready"));
    let out = h.run(&["product", "show", "nope"]);
    assert_eq!(stderr(&out).trim(), "error: no product with id nope");
    assert!(
        h.json(&["product", "list"])
            .as_array()
            .is_some_and(Vec::is_empty),
        "nothing was saved"
    );
}

#[test]
fn a_maker_is_needed_and_chosen_when_there_are_several() {
    let h = Hanout::new();
    let out = h.run(&["artisan", "add", "Fatima"]);
    assert!(
        stderr(&out).contains("there is no cooperative yet"),
        "{}",
        stderr(&out)
    );
    h.ok(&["coop", "add", "Tifawin"]);
    h.ok(&["artisan", "add", "Fatima"]);
    h.ok(&["artisan", "add", "Youssef", "--coop", "tifawin"]);
    let add = [
        "product",
        "add",
        "--title-fr",
        "Pouf",
        "--category",
        "leather",
        "--price",
        "300",
    ];
    let out = h.run(&add);
    assert!(stderr(&out).contains("there are several artisans: choose one with --maker"));
    let pouf = h.json(&[&add[..], &["--maker", "youssef"]].concat());
    assert_eq!(pouf["maker_name"], "Youssef");
    let artisans = h.json(&["artisan", "list"]);
    assert_eq!(artisans.as_array().map(Vec::len), Some(2));
}

#[test]
fn uses_hanout_db_when_no_flag_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let db: &Path = &dir.path().join("nested").join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_hanout"))
        .args(["coop", "add", "Env"])
        .env("HANOUT_DB", db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(db.exists());
}

fn shared_photo(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/photos")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: ../shared/ must sit beside the repository",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

/// Every bad file in ../shared/photos, with the words its refusal must use.
const REFUSED: [(&str, &str); 7] = [
    (
        "bad_corrupted_olympus.jpg",
        "this photo is damaged: take it again",
    ),
    (
        "bad_truncated_half_kleiber.jpg",
        "this photo is damaged: take it again",
    ),
    (
        "bad_truncated_100bytes.jpg",
        "this photo is damaged: take it again",
    ),
    (
        "bomb_png_50000x50000_header.png",
        "this photo is too big (50000 × 50000 pixels)",
    ),
    (
        "bomb_png_20000x20000_full.png",
        "this photo is too big (20000 × 20000 pixels)",
    ),
    (
        "bomb_jpeg_65500x65500_sof.jpg",
        "this photo is too big (65500 × 65500 pixels)",
    ),
    ("bomb_pillow.gif", "GIF photos are not supported yet"),
];

#[test]
fn photo_check_explains_what_it_would_make_or_why_it_refuses() {
    let h = Hanout::new();
    let report = h.json(&["photo", "check", &shared_photo("p05_ep3_12mp_o6_gps.jpg")]);
    assert_eq!(report["source"]["orientation"], 6);
    assert_eq!(
        (
            report["upload"]["width"].as_u64(),
            report["upload"]["height"].as_u64()
        ),
        (Some(1500), Some(2000))
    );
    assert_eq!(
        (
            report["thumbnail"]["width"].as_u64(),
            report["thumbnail"]["height"].as_u64()
        ),
        (Some(300), Some(400))
    );
    for (file, words) in REFUSED {
        let out = h.run(&["photo", "check", &shared_photo(file)]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(stderr(&out).contains(words), "{file}: {}", stderr(&out));
    }
}

#[test]
fn photos_are_added_in_order_and_bad_ones_are_reported_without_losing_the_rest() {
    let h = Hanout::with_maker();
    let p = h.json(&[
        "product",
        "add",
        "--title-fr",
        "Tajine",
        "--category",
        "pottery",
        "--price",
        "120",
    ]);
    let id = p["id"].as_str().unwrap();
    let (good, bad) = (
        shared_photo("o_portrait_6.jpg"),
        shared_photo("bad_truncated_100bytes.jpg"),
    );
    let out = h.run(&[
        "photo",
        "add",
        id,
        &good,
        &bad,
        &shared_photo("o_landscape_1.jpg"),
        "--alt",
        "le tajine",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bad_truncated_100bytes.jpg: this photo is damaged: take it again"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("1 of 3 photos were not added"));

    let photos = h.json(&["photo", "list", id]);
    let sizes: Vec<(u64, u64)> = photos
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["width"].as_u64().unwrap(), p["height"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        sizes,
        [(450, 600), (600, 450)],
        "upright, never enlarged, in the order given"
    );
    assert_eq!(photos[0]["alt"], "le tajine");
    assert!(Path::new(photos[0]["file"].as_str().unwrap()).exists());

    let moved = h.json(&["photo", "move", id, "2", "1"]);
    assert_eq!(moved[0]["hash"], photos[1]["hash"]);
    let left = h.json(&["photo", "rm", id, "1"]);
    assert_eq!(left.as_array().map(Vec::len), Some(1));
    assert!(
        !Path::new(photos[1]["file"].as_str().unwrap()).exists(),
        "its last use gone, the file goes"
    );
    let described = h.json(&["photo", "alt", id, "1", "Tajine vu de haut"]);
    assert_eq!(described[0]["alt"], "Tajine vu de haut");
    let original_of =
        |photo: &serde_json::Value| photo["file"].as_str().unwrap().replace(".jpg", ".original");
    assert!(
        !Path::new(&original_of(&described[0])).exists(),
        "originals are off by default"
    );
    assert_eq!(h.ok(&["settings"]).trim(), "keep-originals: off");
    assert_eq!(
        h.json(&["settings", "keep-originals", "on"])["keep_originals"],
        true
    );
    let kept = h.json(&["photo", "add", id, &shared_photo("o_landscape_2.jpg")]);
    assert_eq!(
        std::fs::read(original_of(&kept[1])).ok(),
        std::fs::read(shared_photo("o_landscape_2.jpg")).ok()
    );
    let out = h.run(&["photo", "rm", id, "5"]);
    assert!(
        stderr(&out).contains("this product has no photo at place 5: it has 2"),
        "{}",
        stderr(&out)
    );
}

/// A `hanout sandbox` process on a free port, stopped when dropped.
struct Sandbox {
    child: std::process::Child,
    url: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sandbox {
    fn start() -> Sandbox {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        // Held at once, so that a failing test still stops it.
        let sandbox = Sandbox {
            child: Command::new(env!("CARGO_BIN_EXE_hanout"))
                .args(["sandbox", "--port", &port.to_string()])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap(),
            url: format!("http://127.0.0.1:{port}"),
        };
        // Wait for the process to listen (a process getting ready, not a timed test).
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return sandbox;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the sandbox did not listen on {port}");
    }

    /// The buyer's page, over a plain HTTP/1.0 request.
    fn page(&self) -> String {
        use std::io::{Read, Write};
        let host = self.url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        write!(stream, "GET / HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut page = String::new();
        stream.read_to_string(&mut page).unwrap();
        page
    }
}

#[test]
fn a_product_goes_to_both_sandbox_shops_with_account_sync_and_status() {
    let sandbox = Sandbox::start();
    let h = Hanout::with_maker();
    let added = h.ok(&["account", "add", "sandbox", "--url", &sandbox.url]);
    assert!(
        added.contains("etsy:sandbox") && added.contains("woocommerce:sandbox"),
        "{added}"
    );
    assert!(
        added.contains("only you can read"),
        "says where secrets are: {added}"
    );
    let refreshed = h.ok(&["account", "refresh", "etsy:sandbox"]);
    assert!(
        refreshed.contains("craft categories matched"),
        "{refreshed}"
    );
    let refused = h.run(&["account", "refresh", "woocommerce:sandbox"]);
    assert!(
        stderr(&refused).contains("not an Etsy shop"),
        "{}",
        stderr(&refused)
    );
    let product = h.json(&[
        "product",
        "add",
        "--title-fr",
        "Tapis de Taznakht",
        "--category",
        "carpets",
        "--price",
        "2400",
        "--quantity",
        "1",
    ]);
    let id = product["id"].as_str().unwrap().to_owned();
    h.ok(&["photo", "add", &id, &shared_photo("o_portrait_1.jpg")]);
    for account in ["etsy:sandbox", "woocommerce:sandbox"] {
        h.ok(&["product", "sell", &id, "--on", account]);
    }
    // More than the shop's request budget allows in one second: `sync --once` waits
    // for the budget rather than leaving them.
    for n in 1..=3 {
        let more = h.json(&[
            "product",
            "add",
            "--title-fr",
            &format!("Coussin brodé {n}"),
            "--category",
            "textiles",
            "--price",
            "180",
            "--quantity",
            "3",
        ]);
        let more = more["id"].as_str().unwrap().to_owned();
        h.ok(&["product", "sell", &more, "--on", "woocommerce:sandbox"]);
    }
    let before = h.json(&["status"]);
    assert_eq!(before["waiting"], 5, "{before:#}");

    let synced = h.ok(&["sync", "--once"]);
    assert!(synced.contains("0 products wait, 0 failed"), "{synced}");
    let after = h.json(&["status"]);
    let lanes = after["lanes"].as_array().unwrap();
    assert_eq!(lanes.len(), 5);
    assert!(lanes.iter().all(|l| l[1]["state"] == "sent"), "{after:#}");

    // The shops show it, and no secret reached the catalog file.
    let page = sandbox.page();
    assert!(page.contains("Tapis de Taznakht"), "on the buyer's page");
    let catalog = std::fs::read(&h.db).unwrap();
    let secrets = std::fs::read_to_string(h.db.with_file_name("hanout-secrets.json")).unwrap();
    let secrets: serde_json::Value = serde_json::from_str(&secrets).unwrap();
    for (_, value) in secrets.as_object().unwrap() {
        let inner: serde_json::Value = serde_json::from_str(value.as_str().unwrap()).unwrap();
        // Every secret but the WordPress user name, which is a name (and a word the
        // catalog's own tables use).
        let fields = inner
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "wp_user");
        for secret in fields.filter_map(|(_, v)| v.as_str()) {
            assert!(
                !catalog
                    .windows(secret.len())
                    .any(|w| w == secret.as_bytes()),
                "a secret in the catalog file: {secret}"
            );
        }
    }

    // Removing an account is refused while a change for it waits, saying how many.
    h.ok(&["product", "edit", &id, "--price", "2500"]);
    let refused = h.run(&["account", "remove", "etsy:sandbox"]);
    assert!(
        stderr(&refused).contains("has reached Etsy (sandbox) yet (1 waiting)"),
        "{}",
        stderr(&refused)
    );
    h.ok(&["sync", "--once"]);
    h.ok(&["account", "remove", "etsy:sandbox"]);
    let accounts = h.ok(&["account", "list"]);
    assert!(!accounts.contains("etsy:sandbox"), "{accounts}");
    let secrets = std::fs::read_to_string(h.db.with_file_name("hanout-secrets.json")).unwrap();
    assert!(!secrets.contains("etsy:sandbox"), "signed out: {secrets}");
}

/// A private session bus with an unlocked GNOME keyring on it, both stopped when dropped.
struct Keyring {
    bus: std::process::Child,
    address: String,
    _home: tempfile::TempDir,
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // The keyring daemon leaves with its bus.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

impl Keyring {
    fn start() -> Keyring {
        use std::io::{BufRead, Write};
        let home = tempfile::tempdir().unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-daemon (scripts/setup.sh installs it)");
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let keyring = Keyring {
            bus,
            address: address.trim().to_owned(),
            _home: home,
        };
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
            .env("HOME", keyring._home.path())
            .env("XDG_DATA_HOME", keyring._home.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (scripts/setup.sh installs it)");
        // The password of the new login keyring, on stdin.
        daemon.stdin.take().unwrap().write_all(b"test").unwrap();
        assert!(daemon.wait().unwrap().success(), "the keyring unlocks");
        keyring
    }
}

#[test]
fn secrets_go_to_the_system_keyring_when_there_is_one() {
    let keyring = Keyring::start();
    let sandbox = Sandbox::start();
    let mut h = Hanout::with_maker();
    h.bus = keyring.address.clone();
    let added = h.ok(&["account", "add", "sandbox", "--url", &sandbox.url]);
    assert!(added.contains("system keyring"), "{added}");
    assert!(
        !h.db.with_file_name("hanout-secrets.json").exists(),
        "no secrets file beside the catalog"
    );
    let product = h.json(&[
        "product",
        "add",
        "--title-fr",
        "Plateau en thuya",
        "--category",
        "wood",
        "--price",
        "300",
        "--quantity",
        "2",
    ]);
    let id = product["id"].as_str().unwrap().to_owned();
    h.ok(&["product", "sell", &id, "--on", "woocommerce:sandbox"]);
    // The secrets come back from the keyring: the sync signs in with them.
    let synced = h.ok(&["sync", "--once"]);
    assert!(synced.contains("0 products wait, 0 failed"), "{synced}");
}

/// `hanout demo start`, serving until it is stopped.
struct Demo(std::process::Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_demo_from_the_command_line_starts_sells_and_resets_beside_an_untouched_catalog() {
    use std::io::BufRead;
    let h = Hanout::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let mut demo = Demo(
        Command::new(env!("CARGO_BIN_EXE_hanout"))
            .arg("--db")
            .arg(&h.db)
            .args(["demo", "start", "--port", &port.to_string()])
            .env("DBUS_SESSION_BUS_ADDRESS", &h.bus)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // Its words until it says it is ready: the demo's catalog is in the last of them.
    let mut said = String::new();
    let stdout = demo.0.stdout.take().unwrap();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if line.contains("Ctrl-C") {
            break;
        }
    }
    assert!(said.contains("12 products live"), "{said}");
    let demo_db = h.db.parent().unwrap().join("demo").join("hanout.db");
    assert!(said.contains(&demo_db.display().to_string()), "{said}");

    let sold = h.ok(&["demo", "sale", "Tapis"]);
    assert!(
        sold.contains("Tapis de Taznakht") && sold.contains("stock now 0"),
        "{sold}"
    );
    assert!(sold.contains("woocommerce:sandbox: taken off"), "{sold}");
    let again = h.run(&["demo", "sale", "Tapis"]);
    assert!(
        !again.status.success(),
        "a sold-out piece cannot be sold twice"
    );

    h.ok(&["demo", "reset"]);
    let status = Command::new(env!("CARGO_BIN_EXE_hanout"))
        .arg("--db")
        .arg(&demo_db)
        .arg("status")
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.starts_with("0 waiting, 0 failed, 0 changes"),
        "{status}"
    );
    assert_eq!(status.matches("  sent  ").count(), 24, "{status}");
    assert!(
        !h.db.exists(),
        "the artisan's catalog is never made or opened by the demo"
    );
    drop(demo);
}
