//! CQL2 `LIKE` patterns: `%` any run of characters, `_` one character, `\` makes
//! the next character plain. Matched on characters (not bytes), in time
//! proportional to text × pattern at worst, without recursion.

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    One,
    Any,
}

/// A compiled `LIKE` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikePattern {
    tokens: Vec<Token>,
}

impl LikePattern {
    /// Compiles `pattern`; a trailing lone `\` is a plain backslash.
    pub fn new(pattern: &str) -> LikePattern {
        let mut tokens = Vec::with_capacity(pattern.len());
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            let token = match c {
                '%' => Token::Any,
                '_' => Token::One,
                '\\' => Token::Char(chars.next().unwrap_or('\\')),
                c => Token::Char(c),
            };
            // `%%` is `%`: one is enough for the matcher's single backtrack point.
            if !(token == Token::Any && tokens.last() == Some(&Token::Any)) {
                tokens.push(token);
            }
        }
        LikePattern { tokens }
    }

    /// Whether the whole of `text` matches (case and accents count).
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let (mut t, mut p) = (0, 0);
        // The last `%` seen and the text position it was tried from.
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            match self.tokens.get(p) {
                Some(Token::Any) => {
                    star = Some((p, t));
                    p += 1;
                }
                Some(Token::One) => (t, p) = (t + 1, p + 1),
                Some(Token::Char(c)) if *c == text[t] => (t, p) = (t + 1, p + 1),
                _ => match star {
                    // Let the last `%` take one more character and try again.
                    Some((sp, st)) => {
                        star = Some((sp, st + 1));
                        (t, p) = (st + 1, sp + 1);
                    }
                    None => return false,
                },
            }
        }
        self.tokens[p..].iter().all(|t| *t == Token::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::LikePattern;

    fn check(pattern: &str, text: &str, expected: bool) {
        assert_eq!(LikePattern::new(pattern).matches(text), expected, "{pattern:?} on {text:?}");
    }

    #[test]
    fn wildcards_escapes_and_characters() {
        check("城区%", "城区一级", true);
        check("城区%", "老城区", false);
        check("%城区%", "老城区一级", true);
        check("_区", "城区", true);
        check("_区", "城", false);
        check("a%b%c", "axxbyyc", true);
        check("a%b%c", "axxbyy", false);
        check("100\\%", "100%", true);
        check("100\\%", "1000", false);
        check("a\\_b", "a_b", true);
        check("a\\_b", "axb", false);
        check("%", "", true);
        check("", "", true);
        check("", "x", false);
        check("x' OR 1=1 --", "x", false);
    }

    #[test]
    fn a_pattern_of_many_percents_stays_fast() {
        let pattern = "%a".repeat(2_000) + "b";
        let text = "a".repeat(5_000);
        check(&pattern, &text, false);
    }
}
