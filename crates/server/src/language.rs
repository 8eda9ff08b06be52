//! The language of the answer: Chinese (the default: the users are county staff)
//! or English, chosen by the request's `Accept-Language` header.
//!
//! The header's tags are read in order of their q-values (the `accept-language`
//! crate; equal q-values keep the header's order) and tags with `q=0` are
//! dropped; the first tag whose primary subtag is `zh` or `en` decides. `*`, no
//! header, or only other languages give Chinese.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};

/// A language the server answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese (`zh-CN`), the default.
    #[default]
    Zh,
    /// English (`en`).
    En,
}

impl Lang {
    /// The language an `Accept-Language` value asks for (None: the header is absent).
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(raw) = accept_language else { return Lang::Zh };
        for (tag, quality) in accept_language::parse_with_quality(raw) {
            if quality <= 0.0 {
                continue;
            }
            let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
            match primary.as_str() {
                "zh" | "*" => return Lang::Zh,
                "en" => return Lang::En,
                _ => {}
            }
        }
        Lang::Zh
    }

    /// The language the request's headers ask for.
    pub fn of_headers(headers: &HeaderMap) -> Lang {
        Lang::negotiate(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
    }

    /// The tag for `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Sets `Content-Language` and adds `Accept-Language` to `Vary` on an answer
    /// whose words depend on the request's language.
    pub fn mark(self, headers: &mut HeaderMap) {
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(self.tag()));
        let varies = headers
            .get_all(header::VARY)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case("accept-language") || v.trim() == "*");
        if !varies {
            headers.append(header::VARY, HeaderValue::from_static("accept-language"));
        }
    }
}

/// `Lang` as an extractor, for handlers whose answer is worded per language.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of_headers(&parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn chinese_unless_english_comes_first() {
        let cases = [
            (None, Lang::Zh),
            (Some(""), Lang::Zh),
            (Some("zh-CN"), Lang::Zh),
            (Some("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh),
            (Some("en"), Lang::En),
            (Some("en-US,en;q=0.9"), Lang::En),
            (Some("EN-gb"), Lang::En),
            (Some("zh;q=0.5, en;q=0.8"), Lang::En),
            (Some("en;q=0.5, zh-TW;q=0.8"), Lang::Zh),
            (Some("fr-FR, en;q=0.7, zh;q=0.6"), Lang::En),
            (Some("fr-FR, de"), Lang::Zh),
            (Some("en;q=0, zh;q=0.1"), Lang::Zh),
            (Some("en;q=0"), Lang::Zh),
            (Some("*"), Lang::Zh),
            (Some("de, *;q=0.5, en;q=0.4"), Lang::Zh),
            (Some("en , zh"), Lang::En),
            (Some("garbage;;q=x,,"), Lang::Zh),
        ];
        for (header, want) in cases {
            assert_eq!(Lang::negotiate(header), want, "{header:?}");
        }
    }
}
