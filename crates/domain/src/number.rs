//! Numbers as artisans type them: Western or Arabic-Indic digits, a comma or a point for
//! decimals, spaces between thousands.

/// Why a typed number was not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    Empty,
    NotANumber,
    Negative,
    TooManyDecimals,
    TooLarge,
}

/// Maps Arabic-Indic (U+0660..) and Eastern Arabic-Indic (U+06F0..) digits to ASCII ones,
/// and the Arabic decimal separator to a point.
pub(crate) fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            _ => c,
        })
        .collect()
}

/// Parses a non-negative decimal with at most `scale` digits after the separator and
/// returns it times 10^scale, so `parse_scaled("120,5", 2)` is 12050. No exponents, no
/// signs, no floating point.
pub(crate) fn parse_scaled(input: &str, scale: u32) -> Result<u64, NumberError> {
    let s = ascii_digits(input);
    // Spaces (plain, no-break, narrow no-break) and the Arabic thousands mark group digits.
    let s: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\u{066C}'))
        .collect();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if s.starts_with('-') || s.starts_with('\u{2212}') {
        return Err(NumberError::Negative);
    }
    let (whole, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s.as_str(), ""),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
        return Err(NumberError::NotANumber);
    }
    if frac.len() > scale as usize {
        return Err(NumberError::TooManyDecimals);
    }
    let mut value: u64 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or(NumberError::TooLarge)?;
    }
    for _ in frac.len()..scale as usize {
        value = value.checked_mul(10).ok_or(NumberError::TooLarge)?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_parsing() {
        let cases: &[(&str, u32, Result<u64, NumberError>)] = &[
            ("120", 2, Ok(12000)),
            ("120.5", 2, Ok(12050)),
            ("120,50", 2, Ok(12050)),
            (".5", 2, Ok(50)),
            ("1 200", 0, Ok(1200)),
            ("١٢٠", 0, Ok(120)),
            ("۱۲۰٫۵", 1, Ok(1205)),
            ("", 2, Err(NumberError::Empty)),
            ("-5", 2, Err(NumberError::Negative)),
            ("1e9", 2, Err(NumberError::NotANumber)),
            ("1.2.3", 2, Err(NumberError::NotANumber)),
            (".", 2, Err(NumberError::NotANumber)),
            ("1.234", 2, Err(NumberError::TooManyDecimals)),
            ("99999999999999999999", 0, Err(NumberError::TooLarge)),
        ];
        for (input, scale, want) in cases {
            assert_eq!(parse_scaled(input, *scale), *want, "{input:?}");
        }
    }
}
