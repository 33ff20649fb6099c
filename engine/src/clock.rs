//! The virtual clock: milliseconds since the Unix epoch, moved only by the caller.

use std::fmt;

/// The date every world starts at (2026-01-05T09:00:00Z), so transcripts are stable.
pub const EPOCH_START_MS: u64 = 1_767_603_600_000;

/// A point on the virtual clock, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub u64);

pub const SECOND: u64 = 1_000;
pub const MINUTE: u64 = 60 * SECOND;
pub const HOUR: u64 = 60 * MINUTE;
pub const DAY: u64 = 24 * HOUR;

impl Time {
    pub fn plus(self, ms: u64) -> Time {
        Time(self.0.saturating_add(ms))
    }
    pub fn secs(self) -> u64 {
        self.0 / 1000
    }
    /// `2026-01-05T09:00:00.000Z` (the shape of EC2's `LaunchTime`).
    pub fn iso_millis(self) -> String {
        let (y, mo, d, h, mi, s) = civil(self.0 / 1000);
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", self.0 % 1000)
    }
    /// `2026-01-05T09:00:00Z`.
    pub fn iso(self) -> String {
        let (y, mo, d, h, mi, s) = civil(self.0 / 1000);
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
    /// `2026-01-05T09:00:00+00:00` (how the AWS CLI prints timestamps).
    pub fn iso_offset(self) -> String {
        let (y, mo, d, h, mi, s) = civil(self.0 / 1000);
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
    }
    /// `Mon Jan  5 09:00:00 UTC 2026` (what `date` prints).
    pub fn date_cmd(self) -> String {
        let secs = self.0 / 1000;
        let (y, mo, d, h, mi, s) = civil(secs);
        let wd = ((secs / 86_400) + 4) % 7; // 1970-01-01 was a Thursday
        const WD: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MO: [&str; 12] =
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        format!("{} {} {d:>2} {h:02}:{mi:02}:{s:02} UTC {y}", WD[wd as usize], MO[mo as usize - 1])
    }
    /// Parse `2026-01-05T09:00:00Z`, `2026-01-05T09:00:00.123Z` or `2026-01-05T09:00:00+00:00`.
    pub fn parse_iso(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b' ') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let days = days_from_civil(y as i64, mo as u32, d as u32);
        if days < 0 {
            return None;
        }
        Some(Time((days as u64 * 86_400 + h * 3600 + mi * 60 + sec) * 1000))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

fn civil(secs: u64) -> (i64, u32, u32, u64, u64, u64) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parse a duration such as `90`, `90s`, `10m`, `2h`, `1d`, `1h30m` into milliseconds.
/// A bare number is seconds (as `sleep` reads it); fractions are allowed (`0.5`, `1.5m`).
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut saw_unit_or_num = false;
    for c in s.chars() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
        } else {
            let unit = match c {
                's' => 1_000f64,
                'm' => 60_000f64,
                'h' => 3_600_000f64,
                'd' => 86_400_000f64,
                _ => return None,
            };
            let n: f64 = num.parse().ok()?;
            total += n * unit;
            num.clear();
            saw_unit_or_num = true;
        }
    }
    if !num.is_empty() {
        let n: f64 = num.parse().ok()?;
        total += n * 1_000f64;
        saw_unit_or_num = true;
    }
    if !saw_unit_or_num || !total.is_finite() || total < 0.0 || total > 3.15e12 {
        return None;
    }
    Some(total.round() as u64)
}

/// `1h 2m 3s`-style rendering of a duration for `lab clock`.
pub fn fmt_duration(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    let mut out = Vec::new();
    if d > 0 { out.push(format!("{d}d")); }
    if h > 0 { out.push(format!("{h}h")); }
    if m > 0 { out.push(format!("{m}m")); }
    if sec > 0 || out.is_empty() { out.push(format!("{sec}s")); }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_date_is_fixed() {
        assert_eq!(Time(EPOCH_START_MS).iso(), "2026-01-05T09:00:00Z");
        assert_eq!(Time(EPOCH_START_MS).date_cmd(), "Mon Jan  5 09:00:00 UTC 2026");
        assert_eq!(Time(EPOCH_START_MS + 1234).iso_millis(), "2026-01-05T09:00:01.234Z");
    }

    #[test]
    fn iso_round_trips() {
        for t in [0u64, EPOCH_START_MS, 951_782_400_000, 4_102_444_799_000] {
            let t = Time(t);
            assert_eq!(Time::parse_iso(&t.iso()), Some(t));
            assert_eq!(Time::parse_iso(&t.iso_offset()), Some(t));
        }
        assert_eq!(Time::parse_iso("2026-13-01T00:00:00Z"), None);
        assert_eq!(Time::parse_iso("nonsense"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Some(600_000));
        assert_eq!(parse_duration("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration("90"), Some(90_000));
        assert_eq!(parse_duration("0.5"), Some(500));
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(fmt_duration(3_723_000), "1h 2m 3s");
    }
}
