//! Embeds `migrations/NNNN_name.sql` in order, so a migration file is all it takes to
//! add one, and a gap or a duplicate number fails the build.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("migrations/ folder")
        .map(|e| e.expect("migrations/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for (i, path) in files.iter().enumerate() {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        let (number, name) = stem.split_once('_').expect("migration named NNNN_name.sql");
        let number: u32 = number.parse().expect("migration number");
        assert_eq!(
            number as usize,
            i + 1,
            "migrations must be numbered 1, 2, 3... without gaps"
        );
        out += &format!(
            "    Migration {{ version: {number}, name: {name:?}, sql: include_str!({:?}) }},\n",
            path.canonicalize().expect("migration path")
        );
    }
    out += "]\n";
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("migrations.rs"),
        out,
    )
    .unwrap();
}
