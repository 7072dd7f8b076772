//! `timeout = "..."`, `fail_after_duration = "..."`: durations such as `250ms`, `2s`,
//! `1.5s`, `1m30s`, `1h`, read at compile time.

/// The duration in whole milliseconds, or why the text is not one (zero is the caller's
/// to refuse, saying why in its own terms).
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("it is empty".to_owned());
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() {
            return Err(format!("expected a number at {rest:?}"));
        }
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = rest[unit_len..].trim_start();
        let unit_ms: u64 = match unit {
            "ms" => 1,
            "s" | "sec" | "secs" => 1_000,
            "m" | "min" | "mins" => 60_000,
            "h" | "hr" | "hrs" => 3_600_000,
            "" => return Err(format!("`{number}` has no unit")),
            "us" | "µs" | "ns" => {
                return Err(format!("`{unit}` is finer than a millisecond"));
            }
            other => return Err(format!("unknown unit `{other}`")),
        };
        total = total
            .checked_add(amount_ms(number, unit_ms)?)
            .ok_or_else(|| "it is too long".to_owned())?;
    }
    Ok(total)
}

/// `number` (an integer or a decimal) times `unit_ms`, which must come out whole.
fn amount_ms(number: &str, unit_ms: u64) -> Result<u64, String> {
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
        return Err(format!("`{number}` is not a number"));
    }
    let too_long = || "it is too long".to_owned();
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_long())?
    };
    let mut ms = whole.checked_mul(unit_ms).ok_or_else(too_long)?;
    if !fraction.is_empty() {
        let digits = u32::try_from(fraction.len()).map_err(|_| too_long())?;
        let scale = 10u64.checked_pow(digits).ok_or_else(too_long)?;
        let numerator: u64 = fraction.parse().map_err(|_| too_long())?;
        let scaled = numerator.checked_mul(unit_ms).ok_or_else(too_long)?;
        if scaled % scale != 0 {
            return Err(format!(
                "`{number}` of that unit is not a whole number of milliseconds"
            ));
        }
        ms = ms.checked_add(scaled / scale).ok_or_else(too_long)?;
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn reads_the_documented_forms() {
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert_eq!(parse_duration("2s"), Ok(2_000));
        assert_eq!(parse_duration("1m"), Ok(60_000));
        assert_eq!(parse_duration("1h"), Ok(3_600_000));
        assert_eq!(parse_duration("1.5s"), Ok(1_500));
        assert_eq!(parse_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_duration("1m 30s"), Ok(90_000));
        assert_eq!(parse_duration(" 2 s "), Ok(2_000));
        assert_eq!(parse_duration("0s"), Ok(0));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in [
            "",
            "2",
            "s",
            "2 seconds",
            "2x",
            "1.2.3s",
            "1.0005s",
            "10us",
            ".s",
            "99999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
