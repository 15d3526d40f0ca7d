use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Which field of a form a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", content = "lang", rename_all = "snake_case")]
pub enum Field {
    Title(Lang),
    Description(Lang),
    Category,
    Price,
    Quantity,
    Maker,
    Materials,
    Dimensions,
    Weight,
    Status,
    Photos,
    Name,
    Cooperative,
    Nia,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Title(l) => write!(f, "title ({l})"),
            Field::Description(l) => write!(f, "description ({l})"),
            Field::Category => f.write_str("category"),
            Field::Price => f.write_str("price"),
            Field::Quantity => f.write_str("quantity"),
            Field::Maker => f.write_str("maker"),
            Field::Materials => f.write_str("materials"),
            Field::Dimensions => f.write_str("size"),
            Field::Weight => f.write_str("weight"),
            Field::Status => f.write_str("status"),
            Field::Photos => f.write_str("photos"),
            Field::Name => f.write_str("name"),
            Field::Cooperative => f.write_str("cooperative"),
            Field::Nia => f.write_str("artisan number (NIA)"),
        }
    }
}

/// What is wrong with a field, and what would be allowed instead. Each variant is a
/// message in every language of the UI; `Display` is the English one, used by the CLI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    Required,
    /// At least one title in any language (a draft may have none).
    NoTitle,
    TooLong {
        max_chars: usize,
    },
    TooMany {
        max: usize,
    },
    NotANumber,
    Negative,
    Zero,
    TooManyDecimals {
        max: u32,
    },
    /// Above the largest allowed value, given as the user would type it.
    TooLarge {
        max: String,
    },
    NotAWholeNumber,
    UnknownCategory,
    UnknownStatus,
    UnknownMaker,
    UnknownCooperative,
    UnknownRole,
    BadDimensions,
    BadWeight,
    BadNia,
    BadCharacters,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Required => f.write_str("is required"),
            Problem::NoTitle => {
                f.write_str("is required in at least one language (ar, fr, en or tzm) unless the product is a draft")
            }
            Problem::TooLong { max_chars } => write!(f, "is too long: at most {max_chars} characters"),
            Problem::TooMany { max } => write!(f, "has too many entries: at most {max}"),
            Problem::NotANumber => {
                f.write_str("is not a number: type digits, such as 120 or 120.50 (١٢٠ works too)")
            }
            Problem::Negative => f.write_str("cannot be negative"),
            Problem::Zero => f.write_str("must be more than zero"),
            Problem::TooManyDecimals { max } => {
                write!(f, "has too many digits after the decimal point: at most {max}")
            }
            Problem::TooLarge { max } => write!(f, "is too large: at most {max}"),
            Problem::NotAWholeNumber => f.write_str("must be a whole number, such as 1 or 12"),
            Problem::UnknownCategory => write!(
                f,
                "is not a known category: use one of {}",
                crate::Category::ALL.map(|c| c.slug()).join(", ")
            ),
            Problem::UnknownStatus => write!(
                f,
                "is not a known status: use one of {}",
                crate::ProductStatus::ALL.map(|s| s.slug()).join(", ")
            ),
            Problem::UnknownMaker => f.write_str("is not an artisan of this workshop: add the artisan first"),
            Problem::UnknownCooperative => f.write_str("is not a known cooperative: add the cooperative first"),
            Problem::UnknownRole => write!(
                f,
                "is not a known role: use one of {}",
                crate::Role::ALL.map(|r| r.slug()).join(", ")
            ),
            Problem::BadDimensions => f.write_str(
                "is not a size: give length x width (x height) with a unit, such as 30 x 20 x 10 cm",
            ),
            Problem::BadWeight => f.write_str("is not a weight: give a number and g or kg, such as 800 g or 1.5 kg"),
            Problem::BadNia => f.write_str("may hold only letters, digits, spaces and dashes (at most 30)"),
            Problem::BadCharacters => f.write_str("has characters that are not allowed (control characters)"),
        }
    }
}

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field} {problem}")]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> Self {
        FieldError { field, problem }
    }
}

/// Everything wrong with a form, so the user can fix it all in one go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(transparent)]
pub struct Invalid(pub Vec<FieldError>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl Invalid {
    pub fn one(field: Field, problem: Problem) -> Self {
        Invalid(vec![FieldError::new(field, problem)])
    }

    pub fn has(&self, field: Field) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

/// Collects field problems while a form is checked, field by field.
#[derive(Default)]
pub(crate) struct Checker(Vec<FieldError>);

impl Checker {
    /// Keeps the value if it was valid, records the problem otherwise.
    pub(crate) fn check<T>(&mut self, field: Field, r: Result<T, Problem>) -> Option<T> {
        r.map_err(|p| self.0.push(FieldError::new(field, p))).ok()
    }

    pub(crate) fn push(&mut self, field: Field, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }

    pub(crate) fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Invalid> {
        match (self.0.is_empty(), value()) {
            (true, Some(v)) => Ok(v),
            // A `None` with no recorded problem would be a bug in a form's checks.
            _ => Err(Invalid(self.0)),
        }
    }
}

/// Trims a free-text field and checks its length and characters.
pub(crate) fn text(value: &str, max_chars: usize) -> Result<String, Problem> {
    let t = value.trim();
    if t.chars().count() > max_chars {
        return Err(Problem::TooLong { max_chars });
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Problem::BadCharacters);
    }
    Ok(t.to_owned())
}

/// Like [`text`], and the field may not be empty.
pub(crate) fn required_text(value: &str, max_chars: usize) -> Result<String, Problem> {
    let t = text(value, max_chars)?;
    if t.is_empty() {
        Err(Problem::Required)
    } else {
        Ok(t)
    }
}
