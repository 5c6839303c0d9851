//! The competition's time zone: the clock a 考评办 reads, in which 定时揭榜 is entered and
//! every time is shown. Times are kept as UTC instants; the zone only turns them into the
//! wall-clock time of the office and back. China keeps one offset all year (no daylight
//! saving), so a zone is a fixed offset, named as the competition file names it.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone as _, Utc};
use std::fmt;
use std::str::FromStr;

/// Zone names accepted besides `UTC+08:00`-style offsets, with their offsets in seconds.
const NAMED: &[(&str, i32)] = &[
    ("Asia/Shanghai", 8 * 3600),
    ("Asia/Chongqing", 8 * 3600),
    ("Asia/Harbin", 8 * 3600),
    ("Asia/Hong_Kong", 8 * 3600),
    ("Asia/Macau", 8 * 3600),
    ("Asia/Taipei", 8 * 3600),
    ("Asia/Urumqi", 6 * 3600),
    ("UTC", 0),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    name: String,
    offset: FixedOffset,
}

impl Default for Zone {
    /// Beijing time.
    fn default() -> Self {
        use chrono::Offset as _;
        Zone {
            name: "Asia/Shanghai".into(),
            offset: FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix()),
        }
    }
}

/// A zone name that is neither known nor an offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("时区「{0}」无法识别：应为 Asia/Shanghai 这样的名称或 UTC+08:00 这样的偏移")]
pub struct UnknownZone(pub String);

impl FromStr for Zone {
    type Err = UnknownZone;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let secs = NAMED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(t))
            .map(|(_, o)| *o)
            .or_else(|| parse_offset(t));
        match secs.and_then(FixedOffset::east_opt) {
            Some(offset) => Ok(Zone {
                name: t.to_string(),
                offset,
            }),
            None => Err(UnknownZone(t.to_string())),
        }
    }
}

/// `UTC+08:00`, `+08:00`, `+8`, `UTC-03:30` → seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    let rest = s
        .strip_prefix("UTC")
        .or_else(|| s.strip_prefix("GMT"))
        .unwrap_or(s);
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None => (rest.parse::<i32>().ok()?, 0),
    };
    ((0..=14).contains(&h) && (0..60).contains(&m)).then_some(sign * (h * 3600 + m * 60))
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Zone {
    /// The office's wall-clock time (`2026-12-01T09:00`, as a `datetime-local` field sends it)
    /// as a UTC instant in Unix seconds.
    #[must_use]
    pub fn parse_local(&self, text: &str) -> Option<i64> {
        let t = text.trim();
        let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
            .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
            .ok()?;
        self.offset
            .from_local_datetime(&naive)
            .single()
            .map(|d| d.timestamp())
    }

    /// A UTC instant as the office's wall-clock time, formatted.
    #[must_use]
    pub fn format(&self, unix: i64, fmt: &str) -> String {
        DateTime::<Utc>::from_timestamp(unix, 0)
            .map(|t| t.with_timezone(&self.offset).format(fmt).to_string())
            .unwrap_or_default()
    }

    /// `2026-12-01 09:00` in the office's time.
    #[must_use]
    pub fn minute(&self, unix: i64) -> String {
        self.format(unix, "%Y-%m-%d %H:%M")
    }

    /// A stored instant as the office reads it: `2023-10-15 09:00:00`.
    #[must_use]
    pub fn show(&self, at: impl std::borrow::Borrow<Stamp>) -> String {
        self.format(at.borrow().0, "%Y-%m-%d %H:%M:%S")
    }

    /// `2023-10-15 09:00:00` read as the office's wall-clock time (how times were stored
    /// before they were kept in UTC).
    #[must_use]
    pub fn wall_clock(&self, text: &str) -> Option<Stamp> {
        let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
        self.offset
            .from_local_datetime(&naive)
            .single()
            .map(|d| Stamp(d.timestamp()))
    }
}

/// An instant, kept in UTC (stored as `2023-10-15T01:00:00Z`, which sorts as it reads). It
/// has no `Display`: a person sees it only through the office's `Zone::show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(i64);

/// In machine-read output (never a page), an instant is its UTC text.
impl serde::Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.utc_text())
    }
}

impl Stamp {
    /// The current instant.
    #[must_use]
    pub fn now() -> Stamp {
        Stamp(Utc::now().timestamp())
    }

    #[must_use]
    pub fn from_unix(seconds: i64) -> Stamp {
        Stamp(seconds)
    }

    #[must_use]
    pub fn unix(self) -> i64 {
        self.0
    }

    /// `2023-10-15T01:00:00Z`.
    #[must_use]
    pub fn utc_text(self) -> String {
        DateTime::<Utc>::from_timestamp(self.0, 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default()
    }

    /// Reads `utc_text`'s form back.
    #[must_use]
    pub fn parse_utc(text: &str) -> Option<Stamp> {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
            .ok()
            .map(|n| Stamp(n.and_utc().timestamp()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_is_stored_in_utc_and_shown_in_the_office_zone() {
        let beijing = Zone::default();
        let at = beijing.wall_clock("2023-10-15 09:00:00").unwrap();
        assert_eq!(at.utc_text(), "2023-10-15T01:00:00Z");
        assert_eq!(Stamp::parse_utc("2023-10-15T01:00:00Z"), Some(at));
        assert_eq!(beijing.show(at), "2023-10-15 09:00:00");
        let utc: Zone = "UTC".parse().unwrap();
        assert_eq!(utc.show(at), "2023-10-15 01:00:00");
        // Across midnight and the year's end.
        let at = beijing.wall_clock("2024-01-01 03:30:00").unwrap();
        assert_eq!(at.utc_text(), "2023-12-31T19:30:00Z");
        assert_eq!(
            Stamp::parse_utc("2023-10-15 01:00:00"),
            None,
            "only the UTC form"
        );
        assert_eq!(beijing.wall_clock("2023-10-15T01:00:00Z"), None);
    }

    #[test]
    fn beijing_time_is_the_default_and_offsets_parse() {
        let z = Zone::default();
        // 09:00 in Beijing is 01:00 UTC, whatever the server's own zone.
        assert_eq!(z.parse_local("2026-12-01T09:00"), Some(1_796_086_800));
        assert_eq!(z.minute(1_796_086_800), "2026-12-01 09:00");
        let utc: Zone = "UTC".parse().unwrap();
        assert_eq!(utc.minute(1_796_086_800), "2026-12-01 01:00");
        let off: Zone = "UTC+08:00".parse().unwrap();
        assert_eq!(off.parse_local("2026-12-01T09:00"), Some(1_796_086_800));
        assert_eq!(
            "+5:30".parse::<Zone>().map(|z| z.minute(0)).unwrap(),
            "1970-01-01 05:30"
        );
        assert!("Mars/Olympus".parse::<Zone>().is_err());
        assert!("UTC+25".parse::<Zone>().is_err());
        assert_eq!(z.parse_local("2026-13-01T09:00"), None);
    }
}
