//! Every word the window shows comes from `ui/locales/*.ftl`, in all four languages:
//! each file parses, they hold the same messages with the same arguments, and every
//! message the UI asks for (by name in `ui/src`, or by family: a category, a status, a
//! problem, a refusal...) exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use hanout_domain::{Category, DataSaver, Field, Lang, Problem, ProductStatus, Role};
use hanout_engine::LaneStatus;

fn locales() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/locales")
}

/// Each message of a file with the variables it uses.
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let path = locales().join(format!("{}.ftl", lang.code()));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let resource = fluent_syntax::parser::parse(source.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{path:?} does not parse: {errors:?}"));
    let mut found = BTreeMap::new();
    for entry in resource.body {
        if let Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(value) = &m.value {
                variables(value, &mut vars);
            }
            assert!(m.value.is_some(), "{path:?}: {} has no value", m.id.name);
            found.insert(m.id.name.to_owned(), vars);
        }
    }
    found
}

fn variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    let inline = |i: &InlineExpression<&str>, out: &mut BTreeSet<String>| {
        if let InlineExpression::VariableReference { id } = i {
            out.insert(id.name.to_owned());
        }
    };
    match e {
        Expression::Inline(i) => inline(i, out),
        Expression::Select { selector, variants } => {
            inline(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
    }
}

#[test]
fn the_four_languages_have_the_same_messages_with_the_same_arguments() {
    let english = messages(Lang::En);
    assert!(english.len() > 100, "{} messages", english.len());
    for lang in [Lang::Ar, Lang::Fr, Lang::Tzm] {
        let other = messages(lang);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, not in English {extra:?}",
            lang.code()
        );
        for (id, vars) in &english {
            // A plural form may leave its count out ("one item"); every other argument
            // (a name, an amount, a time) must be used, and no argument English lacks.
            let theirs = &other[id];
            let counts = ["count", "changes", "n", "total", "sent"].map(String::from);
            let needed: BTreeSet<_> = vars.iter().filter(|v| !counts.contains(v)).collect();
            assert!(
                theirs.is_subset(vars) && needed.iter().all(|v| theirs.contains(*v)),
                "{}: {id} uses {theirs:?}, English {vars:?}",
                lang.code()
            );
        }
    }
}

#[test]
fn the_tamazight_file_is_written_in_tifinagh_and_the_arabic_one_in_arabic() {
    let scripts = [
        (Lang::Tzm, '\u{2D30}'..='\u{2D7F}'),
        (Lang::Ar, '\u{0600}'..='\u{06FF}'),
    ];
    for (lang, script) in scripts {
        let source =
            std::fs::read_to_string(locales().join(format!("{}.ftl", lang.code()))).unwrap();
        let letters = source
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(|l| l.split_once(" = ").map(|(_, v)| v).unwrap_or(l).chars())
            .filter(|c| c.is_alphabetic());
        let (inside, all) = letters.fold((0, 0), |(i, a), c| {
            (i + usize::from(script.contains(&c)), a + 1)
        });
        // Names kept in Latin letters (Wi-Fi, JPEG, DH, NIA) are the few exceptions.
        assert!(
            inside * 10 >= all * 8,
            "{}: only {inside} of {all} letters in its script",
            lang.code()
        );
    }
}

/// Every message id the UI's code names: `t("…")`, `t_with("…"`, `key="…"`,
/// `message_in(…, "…"` and the form's steps.
fn named_in_ui() -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src");
    for file in std::fs::read_dir(&dir).unwrap() {
        let code = std::fs::read_to_string(file.unwrap().path()).unwrap();
        for opener in [
            "t(\"",
            "t_with(\"",
            "key=\"",
            "=> \"step-",
            ", \"language-name\"",
        ] {
            let mut rest = code.as_str();
            while let Some(at) = rest.find(opener) {
                // `t(` itself, not the end of `set(`.
                let whole = !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                rest = &rest[at + opener.len()..];
                let name = rest.split('"').next().unwrap_or_default();
                match opener {
                    _ if !whole => {}
                    "=> \"step-" => drop(named.insert(format!("step-{name}"))),
                    ", \"language-name\"" => drop(named.insert("language-name".to_owned())),
                    _ => drop(named.insert(name.to_owned())),
                }
            }
        }
    }
    named
}

/// Guards [`PROBLEMS`]: a new kind of problem does not compile until it is listed there
/// (and so given words in every language).
fn _every_problem_is_listed(p: Problem) {
    match p {
        Problem::Required
        | Problem::NoTitle
        | Problem::TooLong { .. }
        | Problem::TooMany { .. }
        | Problem::NotANumber
        | Problem::Negative
        | Problem::Zero
        | Problem::TooManyDecimals { .. }
        | Problem::TooLarge { .. }
        | Problem::NotAWholeNumber
        | Problem::UnknownCategory
        | Problem::UnknownStatus
        | Problem::UnknownMaker
        | Problem::UnknownCooperative
        | Problem::UnknownRole
        | Problem::BadDimensions
        | Problem::BadWeight
        | Problem::BadNia
        | Problem::BadCharacters => {}
    }
}

fn problems() -> Vec<Problem> {
    vec![
        Problem::Required,
        Problem::NoTitle,
        Problem::TooLong { max_chars: 1 },
        Problem::TooMany { max: 1 },
        Problem::NotANumber,
        Problem::Negative,
        Problem::Zero,
        Problem::TooManyDecimals { max: 1 },
        Problem::TooLarge { max: "1".into() },
        Problem::NotAWholeNumber,
        Problem::UnknownCategory,
        Problem::UnknownStatus,
        Problem::UnknownMaker,
        Problem::UnknownCooperative,
        Problem::UnknownRole,
        Problem::BadDimensions,
        Problem::BadWeight,
        Problem::BadNia,
        Problem::BadCharacters,
    ]
}

/// Every field a problem can be about, each named in the messages (`field-…`).
fn fields() -> Vec<Field> {
    let all = vec![
        Field::Title(Lang::Fr),
        Field::Description(Lang::Fr),
        Field::Category,
        Field::Price,
        Field::Quantity,
        Field::Maker,
        Field::Materials,
        Field::Dimensions,
        Field::Weight,
        Field::Status,
        Field::Photos,
        Field::Name,
        Field::Cooperative,
        Field::Nia,
    ];
    for f in &all {
        match f {
            Field::Title(_)
            | Field::Description(_)
            | Field::Category
            | Field::Price
            | Field::Quantity
            | Field::Maker
            | Field::Materials
            | Field::Dimensions
            | Field::Weight
            | Field::Status
            | Field::Photos
            | Field::Name
            | Field::Cooperative
            | Field::Nia => {}
        }
    }
    all
}

/// The same guard for the lane states the queue words.
fn lane_states() -> Vec<LaneStatus> {
    let all = vec![
        LaneStatus::Sent,
        LaneStatus::Waiting { changes: 1 },
        LaneStatus::Sending,
        LaneStatus::Checking,
        LaneStatus::Failed {
            reason: String::new(),
        },
        LaneStatus::NeedsSignIn,
        LaneStatus::SoldOut,
    ];
    for s in &all {
        match s {
            LaneStatus::Sent
            | LaneStatus::Waiting { .. }
            | LaneStatus::Sending
            | LaneStatus::Checking
            | LaneStatus::SoldOut
            | LaneStatus::Failed { .. }
            | LaneStatus::NeedsSignIn => {}
        }
    }
    all
}

/// The `snake_case` name serde gives a value: its tag, or itself.
fn serde_name(value: serde_json::Value, tag: &str) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other[tag].as_str().unwrap_or_default().to_owned(),
    }
}

#[test]
fn every_message_the_window_asks_for_exists() {
    let english = messages(Lang::En);
    let mut wanted = named_in_ui();
    wanted.extend(Category::ALL.map(|c| format!("category-{}", c.slug())));
    wanted.extend(Category::ALL.map(|c| format!("listing-title-{}", c.slug())));
    wanted.extend(ProductStatus::ALL.map(|s| format!("status-{}", s.slug())));
    wanted.extend(Role::ALL.map(|r| format!("role-{}", r.slug())));
    wanted.extend(DataSaver::ALL.map(|d| format!("saver-{}", d.slug())));
    for p in problems() {
        let kind = serde_name(serde_json::to_value(&p).unwrap(), "kind");
        wanted.insert(format!("problem-{kind}"));
    }
    for f in fields() {
        let name = serde_name(serde_json::to_value(f).unwrap(), "name");
        wanted.insert(format!("field-{name}"));
    }
    for s in lane_states() {
        let state = serde_name(serde_json::to_value(&s).unwrap(), "state");
        wanted.insert(format!("lane-{state}"));
    }
    for r in hanout_app::Refusal::ALL {
        let name = serde_name(serde_json::to_value(r).unwrap(), "");
        wanted.insert(format!("error-{name}"));
    }
    assert!(
        wanted.contains("sync-now") && wanted.contains("step-photos"),
        "{wanted:?}"
    );
    let missing: Vec<_> = wanted
        .iter()
        .filter(|k| !english.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "asked for but not in en.ftl: {missing:?}"
    );
}
