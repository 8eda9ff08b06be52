//! Where a rule comes from: document number, clause and the gazette's own words.

use std::borrow::Cow;

use serde::Serialize;

/// A quoted clause of a gazette document.
///
/// `text` is the gazette's wording (临猗县人民政府公报 2023年第2期), copied verbatim
/// except that line breaks and page-break artefacts of the text extraction are
/// removed; `……` marks an omission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// Document number, e.g. `临政发〔2023〕10号`.
    pub document: &'static str,
    /// Clause within the document, e.g. `通告 五、签约期限` or `附件 补偿方案 十一、奖励办法`.
    pub clause: &'static str,
    /// The clause's wording.
    pub text: Cow<'static, str>,
}

impl Citation {
    /// A citation with static text.
    pub const fn new(document: &'static str, clause: &'static str, text: &'static str) -> Citation {
        Citation { document, clause, text: Cow::Borrowed(text) }
    }

    /// The quoted fragments (the text split at `……`), for checking against the source.
    pub fn fragments(&self) -> impl Iterator<Item = &str> {
        self.text.split("……").filter(|f| !f.is_empty())
    }
}

/// `text` without any whitespace: the gazette's extraction puts spaces around
/// numbers ("每亩 2000 元") and breaks lines mid-sentence; quotes are compared on
/// this form.
pub fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_and_whitespace() {
        let c = Citation::new("临政发〔2023〕9号", "第四条", "拟定为土地整治项目的，……每亩 2000 元补偿。");
        assert_eq!(c.fragments().collect::<Vec<_>>(), ["拟定为土地整治项目的，", "每亩 2000 元补偿。"]);
        assert_eq!(without_whitespace("每亩 2000 元\n补偿"), "每亩2000元补偿");
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({"document": "临政发〔2023〕9号", "clause": "第四条",
                               "text": "拟定为土地整治项目的，……每亩 2000 元补偿。"})
        );
    }
}
