//! Sizes and weights, held as whole millimetres and grams with the unit the artisan used,
//! so a rug given in cm shows in cm and a marketplace can ask for either.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::number::{ascii_digits, parse_scaled};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LengthUnit {
    Mm,
    Cm,
    M,
}

impl LengthUnit {
    fn mm(self) -> u64 {
        match self {
            LengthUnit::Mm => 1,
            LengthUnit::Cm => 10,
            LengthUnit::M => 1000,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            LengthUnit::Mm => "mm",
            LengthUnit::Cm => "cm",
            LengthUnit::M => "m",
        }
    }
}

impl std::str::FromStr for LengthUnit {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [LengthUnit::Mm, LengthUnit::Cm, LengthUnit::M]
            .into_iter()
            .find(|u| u.name() == s)
            .ok_or(())
    }
}

/// Length by width, and height where it has one (a rug has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimensions {
    pub length_mm: u32,
    pub width_mm: u32,
    pub height_mm: Option<u32>,
    pub unit: LengthUnit,
}

/// 100 m: a long carpet runner fits, a typo does not.
const MAX_MM: u64 = 100_000;

/// Splits "1.5 kg" / "30x20 cm" into the number part and a trailing unit word.
fn split_unit(s: &str) -> (&str, &str) {
    let cut = s.trim_end_matches(|c: char| c.is_alphabetic()).len();
    (s[..cut].trim(), s[cut..].trim())
}

/// Writes `mm` (a whole number of base units) in `per` base units per shown unit, with
/// as many decimals as it needs.
fn in_unit(base: u32, per: u64) -> String {
    let base = u64::from(base);
    let (whole, rest) = (base / per, base % per);
    if rest == 0 {
        return whole.to_string();
    }
    let digits = per.ilog10() as usize;
    let frac = format!("{rest:0digits$}");
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

impl Dimensions {
    /// Parses `30 x 20 x 10 cm`, `200×300cm`, `450 x 300 mm`, `1.2 x 0.8 m`; the unit
    /// defaults to cm.
    pub fn parse(input: &str) -> Result<Dimensions, Problem> {
        let s = ascii_digits(input.trim()).to_lowercase();
        let (numbers, unit) = split_unit(&s);
        let unit = match unit {
            "" | "cm" => LengthUnit::Cm,
            "mm" => LengthUnit::Mm,
            "m" => LengthUnit::M,
            _ => return Err(Problem::BadDimensions),
        };
        let scale = unit.mm().ilog10();
        let parts = numbers
            .split(['x', '×', '*'])
            .map(|p| {
                let scaled = parse_scaled(p.trim(), scale).map_err(|_| Problem::BadDimensions)?;
                // Scaled by 10^scale = unit.mm(): the value is now in millimetres.
                match scaled {
                    0 => Err(Problem::BadDimensions),
                    mm if mm > MAX_MM => Err(Problem::TooLarge {
                        max: "100 m".into(),
                    }),
                    mm => Ok(mm as u32),
                }
            })
            .collect::<Result<Vec<u32>, Problem>>()?;
        match parts[..] {
            [length_mm, width_mm] => Ok(Dimensions {
                length_mm,
                width_mm,
                height_mm: None,
                unit,
            }),
            [length_mm, width_mm, h] => Ok(Dimensions {
                length_mm,
                width_mm,
                height_mm: Some(h),
                unit,
            }),
            _ => Err(Problem::BadDimensions),
        }
    }
}

impl fmt::Display for Dimensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = self.unit.mm();
        write!(
            f,
            "{} x {}",
            in_unit(self.length_mm, per),
            in_unit(self.width_mm, per)
        )?;
        if let Some(h) = self.height_mm {
            write!(f, " x {}", in_unit(h, per))?;
        }
        write!(f, " {}", self.unit.name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeightUnit {
    G,
    Kg,
}

impl WeightUnit {
    pub fn name(self) -> &'static str {
        match self {
            WeightUnit::G => "g",
            WeightUnit::Kg => "kg",
        }
    }
}

impl std::str::FromStr for WeightUnit {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [WeightUnit::G, WeightUnit::Kg]
            .into_iter()
            .find(|u| u.name() == s)
            .ok_or(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weight {
    pub grams: u32,
    pub unit: WeightUnit,
}

/// 1 tonne: heavier than any craft parcel.
const MAX_GRAMS: u64 = 1_000_000;

impl Weight {
    /// Parses `800 g`, `1.5 kg`, `1,2kg`; a bare number is in grams.
    pub fn parse(input: &str) -> Result<Weight, Problem> {
        let s = ascii_digits(input.trim()).to_lowercase();
        let (number, unit) = split_unit(&s);
        let (unit, scale) = match unit {
            "" | "g" => (WeightUnit::G, 0),
            "kg" => (WeightUnit::Kg, 3),
            _ => return Err(Problem::BadWeight),
        };
        match parse_scaled(number, scale).map_err(|_| Problem::BadWeight)? {
            0 => Err(Problem::BadWeight),
            g if g > MAX_GRAMS => Err(Problem::TooLarge {
                max: "1000 kg".into(),
            }),
            g => Ok(Weight {
                grams: g as u32,
                unit,
            }),
        }
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unit {
            WeightUnit::G => write!(f, "{} g", self.grams),
            WeightUnit::Kg => write!(f, "{} kg", in_unit(self.grams, 1000)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        let d = Dimensions::parse("30 x 20 x 10 cm").unwrap();
        assert_eq!(
            (d.length_mm, d.width_mm, d.height_mm),
            (300, 200, Some(100))
        );
        assert_eq!(d.to_string(), "30 x 20 x 10 cm");
        let rug = Dimensions::parse("200×300").unwrap();
        assert_eq!(
            (rug.length_mm, rug.width_mm, rug.height_mm),
            (2000, 3000, None)
        );
        assert_eq!(
            Dimensions::parse("1.25 x 0.8 m").unwrap().to_string(),
            "1.25 x 0.8 m"
        );
        assert_eq!(Dimensions::parse("12.5x8 cm").unwrap().length_mm, 125);
        assert_eq!(Dimensions::parse("٣٠x٢٠").unwrap().length_mm, 300);
        for bad in [
            "30",
            "30 x",
            "a x b",
            "30 x 20 in",
            "0 x 20",
            "1x2x3x4",
            "12.55 x 3 cm",
        ] {
            assert_eq!(
                Dimensions::parse(bad),
                Err(Problem::BadDimensions),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Dimensions::parse("200 x 2 m"),
            Err(Problem::TooLarge { .. })
        ));
    }

    #[test]
    fn weights() {
        assert_eq!(
            Weight::parse("800 g"),
            Ok(Weight {
                grams: 800,
                unit: WeightUnit::G
            })
        );
        assert_eq!(
            Weight::parse("1,5kg"),
            Ok(Weight {
                grams: 1500,
                unit: WeightUnit::Kg
            })
        );
        assert_eq!(Weight::parse("1.5 kg").unwrap().to_string(), "1.5 kg");
        assert_eq!(Weight::parse("2 KG").unwrap().to_string(), "2 kg");
        for bad in ["", "kg", "-1 kg", "1.5 g", "3 lb", "0"] {
            assert_eq!(Weight::parse(bad), Err(Problem::BadWeight), "{bad:?}");
        }
    }
}
