//! `hanout sandbox`: the local marketplace server for demos and tests, from the command
//! line.
//!
//! ```text
//! hanout sandbox --port 8089 --data sandbox.sqlite --faults "drop=0.1,seed=7"
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::{Config, Faults, credentials, start};

/// A local server that plays Etsy (Open API v3) and WooCommerce (REST v3) for Hanout,
/// with a buyer's page at `/` and test helpers under `/sandbox/`.
#[derive(clap::Args, Debug)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free port). Use 0.0.0.0:PORT to reach it
    /// from a phone on the same network.
    #[arg(long, default_value = "127.0.0.1:8089")]
    addr: SocketAddr,
    /// The port alone, on the address above.
    #[arg(long)]
    port: Option<u16>,
    /// The sandbox's own SQLite file, kept between runs; in memory when left out.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Faults, e.g. "drop=0.1,5xx=0.05,429=0.05,reset=0.02,latency=20..200,seed=7".
    #[arg(long, default_value = "")]
    faults: Faults,
    /// Seed for tokens and request ids.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Etsy requests allowed per second.
    #[arg(long, default_value_t = 10)]
    per_second: u32,
    /// Etsy requests allowed per rolling day.
    #[arg(long, default_value_t = 10_000)]
    per_day: u32,
}

/// Runs the sandbox until Ctrl-C, printing where everything is.
pub async fn run(args: SandboxArgs) -> std::process::ExitCode {
    let mut addr = args.addr;
    if let Some(port) = args.port {
        addr.set_port(port);
    }
    let mut config = Config {
        db: args.data,
        faults: args.faults,
        seed: args.seed,
        ..Config::default()
    };
    config.limits.per_second = args.per_second;
    config.limits.per_day = args.per_day;
    let running = match start(config, addr).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("hanout sandbox: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let url = running.url();
    println!("Hanout sandbox listening on {url}");
    println!("  buyer's page      {url}/");
    println!("  Etsy API          {url}/v3/application/…");
    println!(
        "    x-api-key       {}:{}",
        credentials::ETSY_KEYSTRING,
        credentials::ETSY_SHARED_SECRET
    );
    println!("    OAuth           {url}/oauth/connect  →  {url}/v3/public/oauth/token");
    println!("  WooCommerce API   {url}/wp-json/wc/v3/…");
    println!("    consumer key    {}", credentials::WOO_CONSUMER_KEY);
    println!("    consumer secret {}", credentials::WOO_CONSUMER_SECRET);
    println!("  WordPress media   {url}/wp-json/wp/v2/media");
    println!(
        "    user / app pw   {} / {}",
        credentials::WP_USER,
        credentials::WP_APPLICATION_PASSWORD
    );
    println!("  faults            {url}/sandbox/faults");
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await;
    std::process::ExitCode::SUCCESS
}
