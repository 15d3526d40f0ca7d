use serde::{Deserialize, Serialize};

use crate::error::{Checker, required_text, text};
use crate::{ArtisanId, CooperativeId, Field, Invalid, Problem, Timestamp};

const MAX_NAME_CHARS: usize = 120;

/// A cooperative or workshop. It holds the marketplace accounts; its artisans make the
/// products.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cooperative {
    pub id: CooperativeId,
    pub name: String,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CooperativeForm {
    pub name: String,
}

impl CooperativeForm {
    /// The cooperative's name, checked.
    pub fn validate(&self) -> Result<String, Invalid> {
        required_text(&self.name, MAX_NAME_CHARS).map_err(|p| Invalid::one(Field::Name, p))
    }
}

/// The national artisan identity number (NIA) from the national register of artisans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nia(String);

impl Nia {
    pub fn parse(s: &str) -> Result<Nia, Problem> {
        let s = s.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == ' ';
        if s.is_empty() || s.len() > 30 || !s.chars().all(allowed) {
            return Err(Problem::BadNia);
        }
        Ok(Nia(s.to_ascii_uppercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Nia {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Nia, Problem> {
        Nia::parse(s)
    }
}

/// An artisan: the maker every product is attributed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artisan {
    pub id: ArtisanId,
    #[serde(flatten)]
    pub fields: ArtisanFields,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtisanFields {
    pub name: String,
    pub cooperative: CooperativeId,
    pub nia: Option<Nia>,
}

/// Who works here: the cooperatives on this device and their artisans.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workshop {
    pub cooperatives: Vec<Cooperative>,
    pub artisans: Vec<Artisan>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ArtisanForm {
    pub name: String,
    /// The cooperative's id.
    pub cooperative: String,
    pub nia: String,
}

impl ArtisanForm {
    pub fn validate(&self) -> Result<ArtisanFields, Invalid> {
        let mut c = Checker::default();
        let name = c.check(Field::Name, required_text(&self.name, MAX_NAME_CHARS));
        let cooperative = c.check(
            Field::Cooperative,
            match self.cooperative.trim() {
                "" => Err(Problem::Required),
                s => s.parse().map_err(|_| Problem::UnknownCooperative),
            },
        );
        let nia = c.check(
            Field::Nia,
            text(&self.nia, 30).and_then(|s| {
                if s.is_empty() {
                    Ok(None)
                } else {
                    Nia::parse(&s).map(Some)
                }
            }),
        );
        c.finish(|| {
            Some(ArtisanFields {
                name: name?,
                cooperative: cooperative?,
                nia: nia?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artisan_form() {
        let ok = ArtisanForm {
            name: " Fatima Zahra ".into(),
            cooperative: "0190b6a0-0000-7000-8000-000000000001".into(),
            nia: "ab-1234".into(),
        };
        let a = ok.validate().unwrap();
        assert_eq!(a.name, "Fatima Zahra");
        assert_eq!(a.nia.as_ref().map(Nia::as_str), Some("AB-1234"));

        let bad = ArtisanForm {
            name: "".into(),
            cooperative: "nope".into(),
            nia: "12/34".into(),
        };
        let fields: Vec<Field> = bad
            .validate()
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec![Field::Name, Field::Cooperative, Field::Nia]);
    }

    #[test]
    fn cooperative_needs_a_name() {
        assert_eq!(
            CooperativeForm { name: "  ".into() }.validate(),
            Err(Invalid::one(Field::Name, Problem::Required))
        );
    }
}
