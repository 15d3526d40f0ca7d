//! `hanout dev`: the engine's long proofs, run on demand rather than in every CI run.

use std::ops::RangeInclusive;

use anyhow::{Result, anyhow};
use clap::Subcommand;
use hanout_sim::{Config, simulate};

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

pub fn run(command: DevCommand) -> Result<()> {
    let DevCommand::Simulate {
        seeds,
        changes,
        twice,
    } = command;
    let config = Config {
        changes,
        ..Config::default()
    };
    let (mut passed, mut failed) = (0, 0);
    for seed in seeds {
        let report = simulate(seed, &config)?;
        let mut violations = report.violations.clone();
        if twice {
            let again = simulate(seed, &config)?;
            if again.trace != report.trace {
                violations.push("the same seed gave a different trace".into());
            }
        }
        if violations.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            println!("seed {seed} failed:");
            for v in &violations {
                println!("  {v}");
            }
        }
        eprintln!(
            "seed {seed}: {} changes, {} requests, {} sales, {} restarts, {} crashes, {} lanes in step, {} failed for the artisan",
            report.changes,
            report.requests,
            report.sales,
            report.restarts,
            report.crashes,
            report.in_step,
            report.failed
        );
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(anyhow!("{failed} seeds failed"))
    }
}
