//! Search text folding: what makes `tajine` find `Tajine`, `poterie` find `Poterie` and
//! `طاجين` find `طَاجِين`. Both the indexed text and the query go through [`fold`].

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::number::ascii_digits;

/// Folds text for matching: case and Latin accents dropped; Arabic vowel marks and tatweel
/// dropped, alef forms unified (أ إ آ ٱ → ا), ta marbuta to ha (ة → ه), alef maqsura to
/// ya (ى → ي); Arabic-Indic digits made ASCII.
pub fn fold(text: &str) -> String {
    ascii_digits(text)
        .nfd()
        // Combining marks are Latin accents, Arabic harakat and the hamza of decomposed
        // alefs (أ = ا + U+0654).
        .filter(|&c| !is_combining_mark(c) && c != '\u{0640}')
        .map(|c| match c {
            '\u{0671}' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Turns what a user typed into an SQLite FTS5 query over folded text: every word must
/// match, each as a prefix (`taj` finds `tajine`). Operators typed by the user are
/// treated as text, never as query syntax. `None` when there is nothing to search for.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = fold(input)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_latin_case_and_accents() {
        assert_eq!(fold("Tajine"), "tajine");
        assert_eq!(fold("Poterie émaillée"), "poterie emaillee");
        assert_eq!(fold("MAÎTRE Çà"), "maitre ca");
    }

    #[test]
    fn folds_arabic() {
        assert_eq!(fold("طَاجِين"), fold("طاجين"));
        assert_eq!(fold("طاجـــين"), "طاجين");
        assert_eq!(fold("أحمد"), "احمد");
        assert_eq!(fold("إبريق"), "ابريق");
        assert_eq!(fold("آنية"), "انيه");
        assert_eq!(fold("ٱلفخار"), "الفخار");
        assert_eq!(fold("زربية"), "زربيه");
        assert_eq!(fold("مصطفى"), "مصطفي");
        assert_eq!(fold("١٢٠"), "120");
    }

    #[test]
    fn tifinagh_passes_through() {
        assert_eq!(fold("ⵜⴰⴱⴰⵇⵇⴰ"), "ⵜⴰⴱⴰⵇⵇⴰ");
    }

    #[test]
    fn queries_are_prefix_words_and_never_syntax() {
        assert_eq!(
            fts_query("Tajine  Safi"),
            Some("\"tajine\"* \"safi\"*".into())
        );
        assert_eq!(fts_query("a\" OR b*"), Some("\"a\"* \"or\"* \"b\"*".into()));
        assert_eq!(fts_query("طَاجِين"), Some("\"طاجين\"*".into()));
        assert_eq!(fts_query("  -- "), None);
    }
}
