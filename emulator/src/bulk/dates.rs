//! The dates of an import's cells. Mindbox's documentation names `yyyy-MM-dd HH:mm` in its field
//! tables and `dd.MM.yyyy H:mm` in its examples; a project's import page says which it takes,
//! so the formats are the emulator's configuration (`dateFormats`), ISO's by default.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A pattern of `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` (each a fixed number of digits) and
/// literal characters, as Mindbox writes its formats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DateFormat {
    pattern: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Literal(char),
}

impl Token {
    fn width(self) -> usize {
        match self {
            Token::Year => 4,
            Token::Literal(_) => 0,
            _ => 2,
        }
    }
}

const PLACEHOLDERS: [(&str, Token); 6] = [
    ("yyyy", Token::Year),
    ("MM", Token::Month),
    ("dd", Token::Day),
    ("HH", Token::Hour),
    ("mm", Token::Minute),
    ("ss", Token::Second),
];

pub fn default_formats() -> Vec<DateFormat> {
    ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"]
        .into_iter()
        .map(|p| DateFormat::try_from(p.to_owned()).expect("the default formats are valid"))
        .collect()
}

impl TryFrom<String> for DateFormat {
    type Error = String;

    fn try_from(pattern: String) -> Result<DateFormat, String> {
        let mut tokens = Vec::new();
        let mut rest = pattern.as_str();
        while let Some(c) = rest.chars().next() {
            if let Some((text, token)) = PLACEHOLDERS.iter().find(|(t, _)| rest.starts_with(t)) {
                if tokens.contains(token) {
                    return Err(format!("date format '{pattern}': '{text}' twice"));
                }
                tokens.push(*token);
                rest = &rest[text.len()..];
            } else if c.is_ascii_alphanumeric() {
                return Err(format!(
                    "date format '{pattern}': '{c}' is not one of yyyy, MM, dd, HH, mm, ss"
                ));
            } else {
                tokens.push(Token::Literal(c));
                rest = &rest[c.len_utf8()..];
            }
        }
        for needed in [Token::Year, Token::Month, Token::Day] {
            if !tokens.contains(&needed) {
                return Err(format!("date format '{pattern}' needs yyyy, MM and dd"));
            }
        }
        Ok(DateFormat { pattern, tokens })
    }
}

impl From<DateFormat> for String {
    fn from(format: DateFormat) -> String {
        format.pattern
    }
}

/// A moment read from a cell, checked against the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moment {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Moment {
    /// The day alone, for a birth date.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Shown as `yyyy-MM-dd HH:mm:ss` whatever format it was read in.
impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            self.date(),
            self.hour,
            self.minute,
            self.second
        )
    }
}

impl DateFormat {
    fn read(&self, text: &str) -> Option<Moment> {
        let mut moment = Moment::default();
        let mut rest = text;
        for token in &self.tokens {
            if let Token::Literal(c) = token {
                rest = rest.strip_prefix(*c)?;
                continue;
            }
            let digits = rest.get(..token.width())?;
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let value = digits.parse().ok()?;
            rest = &rest[token.width()..];
            match token {
                Token::Year => moment.year = value,
                Token::Month => moment.month = value,
                Token::Day => moment.day = value,
                Token::Hour => moment.hour = value,
                Token::Minute => moment.minute = value,
                Token::Second => moment.second = value,
                Token::Literal(_) => {}
            }
        }
        (rest.is_empty() && moment.is_real()).then_some(moment)
    }
}

impl Moment {
    fn is_real(&self) -> bool {
        let y = self.year;
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        self.year >= 1
            && (1..=days).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
    }
}

/// The cell read by the first format that fits it; the error names the formats.
pub fn parse(formats: &[DateFormat], text: &str) -> Result<Moment, String> {
    formats.iter().find_map(|f| f.read(text)).ok_or_else(|| {
        let names: Vec<&str> = formats.iter().map(|f| f.pattern.as_str()).collect();
        format!("'{text}' is not a date ({})", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(p: &str) -> DateFormat {
        DateFormat::try_from(p.to_owned()).unwrap()
    }

    #[test]
    fn the_default_formats_read_iso_dates_and_times() {
        let formats = default_formats();
        let read = |t: &str| parse(&formats, t).map(|m| m.to_string());
        assert_eq!(read("2024-02-29 23:59:58").unwrap(), "2024-02-29 23:59:58");
        assert_eq!(read("2024-02-29 07:05").unwrap(), "2024-02-29 07:05:00");
        assert_eq!(read("2024-02-29").unwrap(), "2024-02-29 00:00:00");
        assert_eq!(parse(&formats, "1990-05-01").unwrap().date(), "1990-05-01");
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-04-31",
            "2024-01-01 24:00",
            "2024-01-01T10:00",
            "2024-1-01",
            "01.02.2024",
            "2024-01-01 10:00:00 ",
            "",
        ] {
            let error = read(bad).unwrap_err();
            assert!(error.contains("yyyy-MM-dd HH:mm:ss"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_configured_format_restricts_or_widens() {
        let only_dots = [format("dd.MM.yyyy HH:mm")];
        assert_eq!(
            parse(&only_dots, "31.12.2023 09:30").unwrap().to_string(),
            "2023-12-31 09:30:00"
        );
        assert!(parse(&only_dots, "2023-12-31 09:30").is_err());
        assert!(parse(&only_dots, "31.12.2023").is_err());
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in ["yyyy-MM", "dd.MM.yy", "yyyy-MM-dd hh:mm", "yyyy-MM-dd-dd"] {
            assert!(DateFormat::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        assert_eq!(String::from(format("yyyy/MM/dd")), "yyyy/MM/dd");
    }
}
