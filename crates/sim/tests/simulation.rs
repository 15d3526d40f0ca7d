//! The seeded simulation, as CI runs it: 200 seeds of about 1,000 changes each, every
//! guarantee checked after each seed. `hanout dev simulate --seeds 1..2000` runs more.

use std::sync::Mutex;

use hanout_sim::{Config, Report, simulate, simulate_many};

const SEEDS: u64 = 200;

#[test]
fn two_hundred_seeds_lose_nothing_and_list_nothing_twice() {
    let reports = Mutex::new(Vec::new());
    simulate_many(1..=SEEDS, &Config::default(), |r| {
        reports.lock().expect("not poisoned").push(r)
    });
    let reports = reports.into_inner().expect("not poisoned");
    let failed: Vec<String> = reports
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("seed {}: {}", r.seed, r.violations.join("; ")))
        .collect();
    assert_eq!(reports.len() as u64, SEEDS);
    assert!(
        failed.is_empty(),
        "{} seeds failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    // The seeds did exercise what they claim to.
    let total = |f: fn(&Report) -> usize| reports.iter().map(f).sum::<usize>();
    assert!(total(|r| r.changes) >= 1000 * SEEDS as usize);
    assert!(total(|r| r.sales) > 0 && total(|r| r.crashes) > 0 && total(|r| r.restarts) > 0);
    assert!(total(|r| r.in_step) > 0 && total(|r| r.failed) > 0);
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    for seed in [3, 17] {
        let config = Config {
            changes: 300,
            ..Config::default()
        };
        let a = simulate(seed, &config).expect("runs");
        let b = simulate(seed, &config).expect("runs");
        assert_eq!(a.trace, b.trace, "seed {seed}");
        assert_eq!(a.requests, b.requests);
        let other = simulate(seed + 1, &config).expect("runs");
        assert_ne!(a.trace, other.trace, "seeds {seed} and {} differ", seed + 1);
    }
}
