//! Unix seconds to WordPress's `YYYY-MM-DDTHH:MM:SS` and back, with jiff. The sandbox's
//! WordPress site runs on UTC, so local and GMT dates agree.

use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) fn unix_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    unix_millis(t).div_euclid(1000)
}

/// `2026-11-24T10:05:00`, as WordPress writes both its local and GMT dates.
pub(crate) fn wp_date(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// Reads an ISO 8601 date-time as WordPress's `rest_parse_date` does: `YYYY-MM-DDTHH:MM:SS`
/// with optional fractions and an optional `Z` or `±HH:MM`; without a zone it is the
/// site's time (UTC here).
pub(crate) fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.len() < 19 {
        return None;
    }
    let at = match s.parse::<jiff::Timestamp>() {
        Ok(at) => at,
        Err(_) => s
            .parse::<jiff::civil::DateTime>()
            .ok()?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp(),
    };
    Some(at.as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for secs in [0, 951_782_400, 1_795_478_400, 1_795_512_345, 4_102_444_800] {
            assert_eq!(parse_iso(&wp_date(secs)), Some(secs), "{secs}");
        }
        assert_eq!(wp_date(1_795_478_400), "2026-11-24T00:00:00");
    }

    #[test]
    fn zones_and_fractions() {
        let base = parse_iso("2026-11-24T10:00:00").unwrap();
        assert_eq!(parse_iso("2026-11-24T10:00:00Z"), Some(base));
        assert_eq!(parse_iso("2026-11-24T11:00:00+01:00"), Some(base));
        assert_eq!(parse_iso("2026-11-24T10:00:00.123Z"), Some(base));
        assert_eq!(parse_iso("2026-11-24"), None);
        assert_eq!(parse_iso("yesterday"), None);
        assert_eq!(parse_iso("2026-13-24T10:00:00"), None);
    }
}
