use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::number::{NumberError, parse_scaled};

/// A price in Moroccan dirhams, held as whole centimes: money is never a float.
/// Always more than zero and at most [`Price::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Price(i64);

/// Words that may follow or precede an amount: "120 DH", "MAD 120", "120 درهم".
const CURRENCY_WORDS: [&str; 6] = ["dhs", "dh", "mad", "درهم", "دراهم", "د.م."];

impl Price {
    /// One million dirhams: well above any craft piece, and a typo guard.
    pub const MAX: Price = Price(100_000_000);

    pub fn from_centimes(centimes: i64) -> Result<Price, Problem> {
        if centimes < 0 {
            Err(Problem::Negative)
        } else if centimes == 0 {
            Err(Problem::Zero)
        } else if centimes > Self::MAX.0 {
            Err(Problem::TooLarge {
                max: Self::MAX.to_string(),
            })
        } else {
            Ok(Price(centimes))
        }
    }

    pub fn centimes(self) -> i64 {
        self.0
    }

    /// Understands a price as an artisan types it: `120`, `120.50`, `120,50`, `١٢٠`,
    /// `120 DH`, `120 درهم`, `1 200`.
    pub fn parse(input: &str) -> Result<Price, Problem> {
        let mut s = input.trim().to_lowercase();
        for word in CURRENCY_WORDS {
            if let Some(rest) = s.strip_suffix(word) {
                s = rest.trim_end().to_owned();
            } else if let Some(rest) = s.strip_prefix(word) {
                s = rest.trim_start().to_owned();
            }
        }
        let centimes = parse_scaled(&s, 2).map_err(|e| match e {
            NumberError::Empty if input.trim().is_empty() => Problem::Required,
            NumberError::Empty | NumberError::NotANumber => Problem::NotANumber,
            NumberError::Negative => Problem::Negative,
            NumberError::TooManyDecimals => Problem::TooManyDecimals { max: 2 },
            NumberError::TooLarge => Problem::TooLarge {
                max: Self::MAX.to_string(),
            },
        })?;
        let centimes = i64::try_from(centimes).map_err(|_| Problem::TooLarge {
            max: Self::MAX.to_string(),
        })?;
        Price::from_centimes(centimes)
    }

    /// The amount without the currency, as typed back into a form: `120` or `120.50`.
    pub fn amount(self) -> String {
        let (whole, cents) = (self.0 / 100, self.0 % 100);
        if cents == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{cents:02}")
        }
    }
}

impl fmt::Display for Price {
    /// `1 200.50 DH`: a space groups thousands, as in Moroccan French usage.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        match self.0 % 100 {
            0 => write!(f, "{grouped} DH"),
            cents => write!(f, "{grouped}.{cents:02} DH"),
        }
    }
}

impl TryFrom<i64> for Price {
    type Error = Problem;
    fn try_from(centimes: i64) -> Result<Self, Problem> {
        Price::from_centimes(centimes)
    }
}

impl From<Price> for i64 {
    fn from(p: Price) -> i64 {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn understands_prices_as_typed() {
        let ok = [
            ("120", 12000),
            ("120.50", 12050),
            ("120,50", 12050),
            ("١٢٠", 12000),
            ("۱۲۰", 12000),
            ("120 DH", 12000),
            ("120dh", 12000),
            ("120 درهم", 12000),
            ("MAD 99.9", 9990),
            ("1 200", 120000),
            ("  7  ", 700),
            ("1000000", 100_000_000),
        ];
        for (input, centimes) in ok {
            assert_eq!(
                Price::parse(input).map(Price::centimes),
                Ok(centimes),
                "{input:?}"
            );
        }
    }

    #[test]
    fn refuses_bad_prices_with_the_reason() {
        let bad = [
            ("-5", Problem::Negative),
            ("abc", Problem::NotANumber),
            ("1e9", Problem::NotANumber),
            ("0", Problem::Zero),
            ("0.00", Problem::Zero),
            ("", Problem::Required),
            ("DH", Problem::NotANumber),
            ("12.345", Problem::TooManyDecimals { max: 2 }),
            (
                "1000000.01",
                Problem::TooLarge {
                    max: "1 000 000 DH".into(),
                },
            ),
            (
                "99999999999999999999999",
                Problem::TooLarge {
                    max: "1 000 000 DH".into(),
                },
            ),
        ];
        for (input, problem) in bad {
            assert_eq!(Price::parse(input), Err(problem), "{input:?}");
        }
    }

    #[test]
    fn displays_in_dirhams() {
        assert_eq!(Price::parse("1200.5").unwrap().to_string(), "1 200.50 DH");
        assert_eq!(Price::parse("45").unwrap().to_string(), "45 DH");
        assert!(matches!(
            Price::parse("1234567,8"),
            Err(Problem::TooLarge { .. })
        ));
    }

    proptest! {
        #[test]
        fn amount_parses_back_to_the_same_price(c in 1i64..=100_000_000) {
            let p = Price::from_centimes(c).unwrap();
            prop_assert_eq!(Price::parse(&p.amount()), Ok(p));
            prop_assert_eq!(Price::parse(&p.to_string()), Ok(p));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = Price::parse(&s);
        }
    }
}
