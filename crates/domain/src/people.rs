use serde::{Deserialize, Serialize};

use crate::error::{Checker, required_text, text};
use crate::{ArtisanId, CooperativeId, Field, Invalid, Lang, PhotoHash, Problem, Timestamp};

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
    pub role: Role,
    /// The language the app speaks to this artisan; `None` until they choose one.
    pub lang: Option<Lang>,
    /// Their portrait, for the "who is working?" picker.
    pub photo: Option<PhotoHash>,
    pub created_at: Timestamp,
}

/// What an artisan may do in a shared workshop. The first artisan of a cooperative leads
/// it; the leader gives the others their roles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Edits everyone's products and manages the marketplace accounts and the artisans.
    Leader,
    /// Adds products and edits their own.
    #[default]
    Artisan,
    /// Only looks: a visitor, a buyer at the workshop, a trainee.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Leader, Role::Artisan, Role::Viewer];

    pub fn slug(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Artisan => "artisan",
            Role::Viewer => "viewer",
        }
    }

    /// Whether someone in this role may add products made by `maker` or change them, when
    /// they are `me`.
    pub fn may_edit(self, me: ArtisanId, maker: ArtisanId) -> bool {
        match self {
            Role::Leader => true,
            Role::Artisan => me == maker,
            Role::Viewer => false,
        }
    }

    /// Whether someone in this role may add or remove marketplace accounts and artisans,
    /// and give roles.
    pub fn may_manage(self) -> bool {
        self == Role::Leader
    }
}

impl std::str::FromStr for Role {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Role, Problem> {
        Role::ALL
            .into_iter()
            .find(|r| r.slug() == s)
            .ok_or(Problem::UnknownRole)
    }
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
    fn a_leader_edits_everything_an_artisan_their_own_a_viewer_nothing() {
        let (me, other) = (
            ArtisanId::from_uuid(uuid::Uuid::from_u128(1)),
            ArtisanId::from_uuid(uuid::Uuid::from_u128(2)),
        );
        assert!(Role::Leader.may_edit(me, other));
        assert!(Role::Artisan.may_edit(me, me));
        assert!(!Role::Artisan.may_edit(me, other));
        assert!(!Role::Viewer.may_edit(me, me));
        assert_eq!(Role::ALL.map(Role::may_manage), [true, false, false]);
        assert_eq!(Role::ALL.map(|r| r.slug().parse()), Role::ALL.map(Ok));
        assert_eq!("boss".parse::<Role>(), Err(Problem::UnknownRole));
    }

    #[test]
    fn cooperative_needs_a_name() {
        assert_eq!(
            CooperativeForm { name: "  ".into() }.validate(),
            Err(Invalid::one(Field::Name, Problem::Required))
        );
    }
}
