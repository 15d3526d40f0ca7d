use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language an artisan writes or reads in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Arabic (Darija is written in Arabic script).
    Ar,
    Fr,
    En,
    /// Tamazight, written in Tifinagh.
    Tzm,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Ar, Lang::Fr, Lang::En, Lang::Tzm];

    /// The BCP 47 code, as used in files and the UI's `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Tzm => "tzm",
        }
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use ar, fr, en or tzm")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownLang(s.to_owned()))
    }
}
