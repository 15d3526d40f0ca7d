//! The sandbox over real HTTP on loopback, with a real (in-memory) SQLite and a manual
//! clock: no test sleeps for time.

mod common;
mod etsy;
mod faults;
mod orders;
mod page;
mod realism;
mod receipts;
mod website;
mod woo;
