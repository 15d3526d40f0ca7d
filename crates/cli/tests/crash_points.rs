//! Crash points: a real `hanout` engine process, killed with SIGKILL at each step of each
//! kind of operation (recorded and not sent; answered and not recorded; recorded), then
//! started again on the same catalog and shop files. It must converge: the listing in
//! step with the wish, nothing listed or uploaded twice.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use hanout_sim::crash::OPERATIONS;

const STEPS: [&str; 3] = ["recorded", "answered", "finished"];

fn hanout(db: &Path, shop: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hanout"));
    c.arg("--db")
        .arg(db)
        .args(["dev", "crash-point", "--shop"])
        .arg(shop);
    c
}

#[test]
fn killed_at_any_step_of_any_operation_the_engine_converges_on_restart() {
    for operation in OPERATIONS {
        for step in STEPS {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let (db, shop) = (dir.path().join("hanout.db"), dir.path().join("shop.json"));
            let prepared = hanout(&db, &shop)
                .args(["--prepare", operation])
                .output()
                .expect("hanout runs");
            assert!(
                prepared.status.success(),
                "{operation}: {}",
                String::from_utf8_lossy(&prepared.stderr)
            );

            // Stdin stays open: the process stands still at the step until it is killed.
            let mut child = hanout(&db, &shop)
                .args(["--stop-at", &format!("{operation}:{step}")])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("hanout starts");
            let stdout = child.stdout.take().expect("piped");
            let first = BufReader::new(stdout).lines().next();
            child.kill().expect("SIGKILL");
            let status = child.wait().expect("reaped");
            let said = first.and_then(Result::ok).unwrap_or_default();
            assert!(
                said.starts_with("stopped at") && said.contains(operation),
                "{operation}:{step}: the engine never reached it, it said {said:?}"
            );
            assert_eq!(
                std::os::unix::process::ExitStatusExt::signal(&status),
                Some(9),
                "{operation}:{step}: killed by SIGKILL"
            );

            let after = hanout(&db, &shop).output().expect("hanout runs");
            let out = String::from_utf8_lossy(&after.stdout);
            assert!(
                after.status.success(),
                "{operation}:{step}: {out}{}",
                String::from_utf8_lossy(&after.stderr)
            );
            assert!(
                out.starts_with("1 lanes in step, 0 failed"),
                "{operation}:{step}: {out}"
            );
        }
    }
}
