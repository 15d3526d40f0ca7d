use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Checker, text};
use crate::number::{NumberError, ascii_digits, parse_scaled};
use crate::{
    ArtisanId, Category, Dimensions, Field, Invalid, Lang, Price, Problem, ProductId, ProductPhoto,
    Timestamp, Weight,
};

/// Where a product is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// Being prepared; may lack a title.
    Draft,
    /// Complete, waiting to be listed.
    Ready,
    /// On at least one marketplace.
    Listed,
    SoldOut,
    /// Kept for the record, off every marketplace.
    Archived,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 5] = [
        ProductStatus::Draft,
        ProductStatus::Ready,
        ProductStatus::Listed,
        ProductStatus::SoldOut,
        ProductStatus::Archived,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Ready => "ready",
            ProductStatus::Listed => "listed",
            ProductStatus::SoldOut => "sold_out",
            ProductStatus::Archived => "archived",
        }
    }
}

impl fmt::Display for ProductStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for ProductStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim().replace([' ', '-'], "_");
        ProductStatus::ALL
            .into_iter()
            .find(|st| st.slug().eq_ignore_ascii_case(&s))
            .ok_or(())
    }
}

/// How many pieces may be in stock: a workshop's batch, not a factory's.
pub const MAX_QUANTITY: u32 = 9_999;
/// Etsy's limit, the strictest of the marketplaces.
pub const MAX_TITLE_CHARS: usize = 140;
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
pub const MAX_MATERIALS: usize = 13;
pub const MAX_MATERIAL_CHARS: usize = 45;

/// A product's details, validated: what the artisan wants the world to see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFields {
    /// Titles by language; at least one unless the product is a draft.
    pub titles: BTreeMap<Lang, String>,
    pub descriptions: BTreeMap<Lang, String>,
    pub category: Category,
    pub price: Price,
    pub quantity: u32,
    pub maker: ArtisanId,
    pub materials: Vec<String>,
    pub dimensions: Option<Dimensions>,
    pub weight: Option<Weight>,
    pub status: ProductStatus,
}

impl ProductFields {
    /// The names of the fields that differ from `before`, in a fixed order: what a change
    /// log row records.
    pub fn changed_since(&self, before: &ProductFields) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |name, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        check("titles", self.titles != before.titles);
        check("descriptions", self.descriptions != before.descriptions);
        check("category", self.category != before.category);
        check("price", self.price != before.price);
        check("quantity", self.quantity != before.quantity);
        check("maker", self.maker != before.maker);
        check("materials", self.materials != before.materials);
        check("dimensions", self.dimensions != before.dimensions);
        check("weight", self.weight != before.weight);
        check("status", self.status != before.status);
        changed
    }

    /// The title in `lang`, or else in the first language that has one.
    pub fn title(&self, lang: Lang) -> Option<&str> {
        self.titles
            .get(&lang)
            .or_else(|| Lang::ALL.iter().find_map(|l| self.titles.get(l)))
            .map(String::as_str)
    }
}

/// A product as stored on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    #[serde(flatten)]
    pub fields: ProductFields,
    /// In order: the first is the cover.
    pub photos: Vec<ProductPhoto>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A product with what the catalog shows beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    #[serde(flatten)]
    pub product: Product,
    pub maker_name: String,
}

/// Which products to show, and which page of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductFilter {
    /// Words to find in titles, descriptions, materials and maker names.
    pub query: Option<String>,
    /// Archived products are shown only when asked for by this.
    pub status: Option<ProductStatus>,
    pub category: Option<Category>,
    pub maker: Option<ArtisanId>,
    /// Page size; 0 means [`ProductFilter::DEFAULT_PAGE`].
    pub limit: u32,
    pub offset: u32,
}

impl ProductFilter {
    pub const DEFAULT_PAGE: u32 = 50;

    pub fn page_size(&self) -> u32 {
        if self.limit == 0 {
            Self::DEFAULT_PAGE
        } else {
            self.limit
        }
    }
}

/// A product as typed into a form or on the command line: every field is text, checked by
/// [`ProductForm::validate`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    pub titles: BTreeMap<Lang, String>,
    pub descriptions: BTreeMap<Lang, String>,
    pub category: String,
    pub price: String,
    pub quantity: String,
    /// The maker's artisan id.
    pub maker: String,
    /// Comma-separated (a Arabic comma works too).
    pub materials: String,
    pub dimensions: String,
    pub weight: String,
    /// Empty means draft.
    pub status: String,
}

impl ProductForm {
    /// Checks every field and reports every problem at once.
    pub fn validate(&self) -> Result<ProductFields, Invalid> {
        let mut c = Checker::default();
        let titles = texts(&mut c, &self.titles, Field::Title, MAX_TITLE_CHARS);
        let descriptions = texts(
            &mut c,
            &self.descriptions,
            Field::Description,
            MAX_DESCRIPTION_CHARS,
        );
        let category = c.check(
            Field::Category,
            match self.category.trim() {
                "" => Err(Problem::Required),
                s => s.parse().map_err(|()| Problem::UnknownCategory),
            },
        );
        let price = c.check(Field::Price, Price::parse(&self.price));
        let quantity = c.check(Field::Quantity, parse_quantity(&self.quantity));
        let maker = c.check(
            Field::Maker,
            match self.maker.trim() {
                "" => Err(Problem::Required),
                s => s.parse().map_err(|_| Problem::UnknownMaker),
            },
        );
        let materials = c.check(Field::Materials, parse_materials(&self.materials));
        let dimensions = c.check(
            Field::Dimensions,
            optional(&self.dimensions, Dimensions::parse),
        );
        let weight = c.check(Field::Weight, optional(&self.weight, Weight::parse));
        let status = c.check(
            Field::Status,
            match self.status.trim() {
                "" => Ok(ProductStatus::Draft),
                s => s.parse().map_err(|()| Problem::UnknownStatus),
            },
        );
        if status.is_some_and(|s| s != ProductStatus::Draft)
            && titles.as_ref().is_some_and(BTreeMap::is_empty)
        {
            // Reported on the first language's title: that is where the form puts focus.
            c.push(Field::Title(Lang::ALL[0]), Problem::NoTitle);
        }
        c.finish(|| {
            Some(ProductFields {
                titles: titles?,
                descriptions: descriptions?,
                category: category?,
                price: price?,
                quantity: quantity?,
                maker: maker?,
                materials: materials?,
                dimensions: dimensions?,
                weight: weight?,
                status: status?,
            })
        })
    }
}

impl From<&ProductFields> for ProductForm {
    /// The form that edits a product, filled with what it holds now.
    fn from(p: &ProductFields) -> Self {
        ProductForm {
            titles: p.titles.clone(),
            descriptions: p.descriptions.clone(),
            category: p.category.slug().to_owned(),
            price: p.price.amount(),
            quantity: p.quantity.to_string(),
            maker: p.maker.to_string(),
            materials: p.materials.join(", "),
            dimensions: p.dimensions.map(|d| d.to_string()).unwrap_or_default(),
            weight: p.weight.map(|w| w.to_string()).unwrap_or_default(),
            status: p.status.slug().to_owned(),
        }
    }
}

/// Non-empty texts by language; empty ones are dropped, not errors.
fn texts(
    c: &mut Checker,
    by_lang: &BTreeMap<Lang, String>,
    field: fn(Lang) -> Field,
    max_chars: usize,
) -> Option<BTreeMap<Lang, String>> {
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (&lang, value) in by_lang {
        match c.check(field(lang), text(value, max_chars)) {
            Some(t) if !t.is_empty() => {
                out.insert(lang, t);
            }
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn optional<T>(s: &str, parse: fn(&str) -> Result<T, Problem>) -> Result<Option<T>, Problem> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse(s).map(Some)
    }
}

fn parse_quantity(s: &str) -> Result<u32, Problem> {
    let digits = ascii_digits(s.trim());
    if digits.contains(['.', ',']) {
        return Err(Problem::NotAWholeNumber);
    }
    match parse_scaled(&digits, 0) {
        Ok(n) if n > u64::from(MAX_QUANTITY) => Err(Problem::TooLarge {
            max: MAX_QUANTITY.to_string(),
        }),
        Ok(n) => Ok(n as u32),
        Err(NumberError::Empty) => Err(Problem::Required),
        Err(NumberError::Negative) => Err(Problem::Negative),
        Err(NumberError::TooLarge) => Err(Problem::TooLarge {
            max: MAX_QUANTITY.to_string(),
        }),
        Err(NumberError::NotANumber | NumberError::TooManyDecimals) => Err(Problem::NotANumber),
    }
}

fn parse_materials(s: &str) -> Result<Vec<String>, Problem> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([',', '،', ';']) {
        let m = text(part, MAX_MATERIAL_CHARS)?;
        if !m.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&m)) {
            out.push(m);
        }
    }
    if out.len() > MAX_MATERIALS {
        return Err(Problem::TooMany { max: MAX_MATERIALS });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProductForm {
        ProductForm {
            titles: [(Lang::Fr, "Tajine de Safi".to_owned())].into(),
            category: "pottery".into(),
            price: "120,50".into(),
            quantity: "3".into(),
            maker: "0190b6a0-0000-7000-8000-000000000001".into(),
            status: "ready".into(),
            ..ProductForm::default()
        }
    }

    #[test]
    fn a_complete_form_validates() {
        let p = form().validate().unwrap();
        assert_eq!(p.price.centimes(), 12050);
        assert_eq!(p.quantity, 3);
        assert_eq!(p.category, Category::Pottery);
        assert_eq!(p.title(Lang::Ar), Some("Tajine de Safi"));
        assert_eq!(ProductForm::from(&p).validate(), Ok(p));
    }

    #[test]
    fn reports_every_problem_with_its_field() {
        let f = ProductForm {
            titles: [(Lang::En, "x".repeat(141))].into(),
            category: "plastic".into(),
            price: "-5".into(),
            quantity: "2.5".into(),
            maker: "".into(),
            weight: "3 lb".into(),
            ..form()
        };
        let err = f.validate().unwrap_err();
        let got: Vec<(Field, Problem)> = err.0.into_iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            got,
            vec![
                (Field::Title(Lang::En), Problem::TooLong { max_chars: 140 }),
                (Field::Category, Problem::UnknownCategory),
                (Field::Price, Problem::Negative),
                (Field::Quantity, Problem::NotAWholeNumber),
                (Field::Maker, Problem::Required),
                (Field::Weight, Problem::BadWeight),
            ]
        );
    }

    #[test]
    fn only_a_draft_may_have_no_title() {
        let untitled = ProductForm {
            titles: [(Lang::Ar, "  ".into())].into(),
            ..form()
        };
        let err = untitled.validate().unwrap_err();
        assert_eq!(err.0[0].problem, Problem::NoTitle);
        let draft = ProductForm {
            status: "draft".into(),
            ..untitled
        };
        assert!(draft.validate().unwrap().titles.is_empty());
    }

    #[test]
    fn changed_fields_are_named() {
        let before = form().validate().unwrap();
        let after = ProductForm {
            price: "130".into(),
            status: "draft".into(),
            ..form()
        }
        .validate()
        .unwrap();
        assert_eq!(after.changed_since(&before), vec!["price", "status"]);
        assert!(before.changed_since(&before).is_empty());
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("١٢"), Ok(12));
        assert_eq!(parse_quantity("0"), Ok(0));
        assert_eq!(parse_quantity(""), Err(Problem::Required));
        assert_eq!(parse_quantity("-1"), Err(Problem::Negative));
        assert_eq!(
            parse_quantity("10000"),
            Err(Problem::TooLarge { max: "9999".into() })
        );
        assert_eq!(parse_quantity("two"), Err(Problem::NotANumber));
    }

    #[test]
    fn materials_are_split_trimmed_and_deduplicated() {
        assert_eq!(
            parse_materials("clay, Clay ،glaze; ,").unwrap(),
            vec!["clay".to_owned(), "glaze".to_owned()]
        );
        let many = (0..14)
            .map(|i| format!("m{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(parse_materials(&many), Err(Problem::TooMany { max: 13 }));
    }

    #[test]
    fn statuses_parse_from_their_slugs() {
        for s in ProductStatus::ALL {
            assert_eq!(s.slug().parse(), Ok(s));
        }
        assert_eq!("sold out".parse(), Ok(ProductStatus::SoldOut));
    }
}
