//! `cronjob-schedule`: the schedule parses the way Kubernetes parses it (robfig/cron v3
//! `ParseStandard`), and carries no time zone.

use super::Sink;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.of_kind("CronJob") {
        let Some(schedule) = r.value.pointer("/spec/schedule") else {
            sink.object(
                i,
                "spec",
                "CronJob has no spec.schedule: add one such as \"0 3 * * *\"",
            );
            continue;
        };
        let schedule = schedule.as_str().unwrap_or("");
        if schedule.contains("TZ") {
            sink.object(
                i,
                "spec.schedule",
                format!("`{schedule}`: TZ= and CRON_TZ= are not allowed in the schedule: drop the prefix and set spec.timeZone (an IANA name such as Europe/Berlin)"),
            );
            continue;
        }
        if let Err(e) = parse(schedule) {
            sink.object(
                i,
                "spec.schedule",
                format!("`{schedule}`: {e}: write five fields (minute hour day-of-month month day-of-week) or a macro such as @daily"),
            );
        }
    }
}

struct Bounds {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Bounds; 5] = [
    Bounds {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Bounds {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Bounds {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Bounds {
        name: "month",
        min: 1,
        max: 12,
        names: MONTHS,
    },
    Bounds {
        name: "day of week",
        min: 0,
        max: 6,
        names: DAYS,
    },
];

/// Parses a schedule like robfig/cron v3's `ParseStandard`; the error says what is wrong.
pub fn parse(spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("empty schedule".into());
    }
    if let Some(descriptor) = spec.strip_prefix('@') {
        return match descriptor {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => Ok(()),
            _ => match spec.strip_prefix("@every ") {
                Some(d) => parse_duration(d)
                    .map_err(|e| format!("@every: {e}")),
                None => Err(format!("unrecognized descriptor `{spec}` (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)")),
            },
        };
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected exactly 5 fields, found {}", fields.len()));
    }
    for (field, bounds) in fields.iter().zip(FIELDS.iter()) {
        for part in field.split(',') {
            range(part, bounds)?;
        }
    }
    Ok(())
}

fn range(expr: &str, b: &Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_high.len() == 1;
    let (start, mut end) = if low_high[0] == "*" || low_high[0] == "?" {
        (b.min, b.max)
    } else {
        let start = int_or_name(low_high[0], b)?;
        let end = match low_high.len() {
            1 => start,
            2 => int_or_name(low_high[1], b)?,
            _ => return Err(format!("{}: too many hyphens in `{expr}`", b.name)),
        };
        (start, end)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = int(range_and_step[1], b)?;
            if single {
                end = b.max;
            }
            step
        }
        _ => return Err(format!("{}: too many slashes in `{expr}`", b.name)),
    };
    if start < b.min {
        return Err(format!(
            "{}: beginning of range ({start}) below minimum ({})",
            b.name, b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "{}: end of range ({end}) above maximum ({})",
            b.name, b.max
        ));
    }
    if start > end {
        return Err(format!(
            "{}: beginning of range ({start}) beyond end of range ({end})",
            b.name
        ));
    }
    if step == 0 {
        return Err(format!(
            "{}: step of range should be a positive number, in `{expr}`",
            b.name
        ));
    }
    Ok(())
}

fn int_or_name(s: &str, b: &Bounds) -> Result<u32, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = b.names.iter().position(|n| *n == lower) {
        // Months count from 1, days from 0.
        return Ok(i as u32 + b.min);
    }
    int(s, b)
}

fn int(s: &str, b: &Bounds) -> Result<u32, String> {
    let n: i64 = s
        .parse()
        .map_err(|_| format!("{}: failed to parse int from `{s}`", b.name))?;
    if n < 0 {
        return Err(format!("{}: negative number ({n}) not allowed", b.name));
    }
    u32::try_from(n).map_err(|_| format!("{}: `{s}` is out of range", b.name))
}

/// Go's `time.ParseDuration`: `[-+]` then one or more `<decimal><unit>` with units ns, us, µs,
/// ms, s, m, h; `0` alone is allowed.
fn parse_duration(s: &str) -> Result<(), String> {
    let bad = || format!("invalid duration `{s}` (examples: 90s, 1h30m)");
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body == "0" {
        return Ok(());
    }
    if body.is_empty() {
        return Err(bad());
    }
    let mut rest = body;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." {
            return Err(bad());
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..unit_len],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return Err(bad());
        }
        rest = &rest[unit_len..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_what_kubernetes_accepts() {
        for s in [
            "* * * * *",
            "*/15 * * * *",
            "0 3 * * *",
            "0 0 1,15 * *",
            "5-10/2 0-23 ? JAN-dec sun-SAT",
            "0 12 * * MON",
            "30 2 * Feb 1-5",
            "7/10 * * * *",
            "@hourly",
            "@every 1h30m",
            "@every 0",
            "@yearly",
        ] {
            assert_eq!(parse(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn rejects_what_kubernetes_rejects() {
        for s in [
            "",
            "* * * *",
            "0 * * * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "* * * * 0-7",
            "5-1 * * * *",
            "*/0 * * * *",
            "1-2-3 * * * *",
            "1/2/3 * * * *",
            "x * * * *",
            "-1 * * * *",
            "@fortnightly",
            "@every 1d",
            "@every",
        ] {
            assert!(parse(s).is_err(), "{s} must be rejected");
        }
    }
}
