//! `hanout dev`: the engine's long proofs, run on demand rather than in every CI run.

use std::ops::RangeInclusive;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use hanout_sim::crash::{self, OPERATIONS};
use hanout_sim::{Config, simulate, simulate_many};

#[derive(Subcommand)]
pub enum DevCommand {
    /// Runs the seeded sync simulation (virtual time, in-memory marketplaces, faults) and
    /// checks every seed for duplicates, lost changes and broken rules
    Simulate {
        /// Seeds to run: 7, or a range FROM..TO (both included)
        #[arg(long, default_value = "1..200", value_parser = seeds)]
        seeds: RangeInclusive<u64>,
        /// Local changes per seed
        #[arg(long, default_value_t = 1000)]
        changes: usize,
        /// Run each seed twice and fail it if the two traces differ
        #[arg(long)]
        twice: bool,
    },
    /// One crash point: with --prepare, builds a catalog (--db) and an Etsy-like shop kept
    /// in a file (--shop) whose next operation is of that kind; then runs the engine
    /// until the queue drains, or until --stop-at OPERATION:STEP, where it says
    /// `stopped at ...` and waits to be killed
    CrashPoint {
        #[arg(long, value_name = "FILE")]
        shop: PathBuf,
        #[arg(long, value_name = "OPERATION")]
        prepare: Option<String>,
        /// STEP is recorded, answered or finished
        #[arg(long, value_name = "OPERATION:STEP")]
        stop_at: Option<String>,
    },
}

fn seeds(s: &str) -> Result<RangeInclusive<u64>> {
    let parse = |n: &str| {
        n.trim()
            .parse::<u64>()
            .map_err(|_| anyhow!("{n:?} is not a seed number"))
    };
    match s.split_once("..") {
        Some((from, to)) => Ok(parse(from)?..=parse(to.trim_start_matches('='))?),
        None => parse(s).map(|n| n..=n),
    }
}

pub fn run(command: DevCommand, db: Option<PathBuf>) -> Result<()> {
    match command {
        DevCommand::Simulate {
            seeds,
            changes,
            twice,
        } => run_seeds(seeds, changes, twice),
        DevCommand::CrashPoint {
            shop,
            prepare,
            stop_at,
        } => {
            let db = db.context("a crash point needs its own catalog: give --db PATH")?;
            crash_point(&db, &shop, prepare.as_deref(), stop_at.as_deref())
        }
    }
}

fn crash_point(
    db: &std::path::Path,
    shop: &std::path::Path,
    prepare: Option<&str>,
    stop_at: Option<&str>,
) -> Result<()> {
    if let Some(operation) = prepare {
        return Ok(crash::prepare(db, shop, operation)?);
    }
    let hook = match stop_at {
        None => None,
        Some(point) => {
            let (operation, step) = point
                .split_once(':')
                .filter(|(op, step)| {
                    OPERATIONS.contains(op) && ["recorded", "answered", "finished"].contains(step)
                })
                .ok_or_else(|| {
                    anyhow!("--stop-at takes OPERATION:STEP, such as upload_photo:answered")
                })?;
            Some(crash::stop_at(operation.into(), step.into(), |step| {
                println!("stopped at {step:?}");
                // Stand still until killed; if the killer never comes, stop anyway.
                let _ = std::io::stdout().flush();
                let _ = std::io::stdin().lock().lines().next();
            }))
        }
    };
    let checked = crash::run_engine(db, shop, hook)?;
    println!(
        "{} lanes in step, {} failed, {} requests",
        checked.in_step, checked.failed, checked.requests
    );
    if checked.violations.is_empty() {
        Ok(())
    } else {
        Err(anyhow!("{}", checked.violations.join("\n")))
    }
}

fn run_seeds(seeds: RangeInclusive<u64>, changes: usize, twice: bool) -> Result<()> {
    let config = Config {
        changes,
        ..Config::default()
    };
    let failed = Mutex::new(Vec::new());
    let passed = AtomicUsize::new(0);
    simulate_many(seeds, &config, |report| {
        let mut violations = report.violations.clone();
        if twice {
            match simulate(report.seed, &config) {
                Ok(again) if again.trace == report.trace => {}
                Ok(_) => violations.push("the same seed gave a different trace".into()),
                Err(e) => violations.push(format!("the second run could not run: {e}")),
            }
        }
        eprintln!(
            "seed {}: {} changes, {} requests, {} sales ({} cancelled, {} oversold), {} restarts, {} crashes, {} lanes in step, {} failed for the artisan",
            report.seed,
            report.changes,
            report.requests,
            report.sales,
            report.cancels,
            report.oversells,
            report.restarts,
            report.crashes,
            report.in_step,
            report.failed
        );
        if violations.is_empty() {
            passed.fetch_add(1, Ordering::SeqCst);
        } else {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "seed {} failed:", report.seed);
            for v in &violations {
                let _ = writeln!(out, "  {v}");
            }
            failed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(report.seed);
        }
    });
    let failed = failed.into_inner().unwrap_or_else(PoisonError::into_inner);
    println!("{} passed, {} failed", passed.into_inner(), failed.len());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(anyhow!("{} seeds failed", failed.len()))
    }
}
