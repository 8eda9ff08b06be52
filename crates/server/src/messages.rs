//! The Chinese of the server's messages: every error answer carries its message
//! in Chinese and in English (`error_zh`, `error_en`), and `error` in the
//! request's language ([`crate::language::Lang`]).
//!
//! Messages are written in English where they are made (the rules, the store, the
//! routes, the framework) and put into Chinese here, in one place, by a catalogue
//! of templates ([`CATALOGUE`]): `{}` in a template stands for a value kept as it
//! is (a name, a number, a list), `{m}` for a message of its own, put into Chinese
//! in turn (`query parameter \`as_of\`: {m}` wraps the date parser's message).
//! Messages that are already bilingual — the gazette rules' `中文（English）` and
//! `中文 / English` — are split into their two halves. A message no template
//! matches keeps its English words behind a Chinese lead naming the kind of error
//! (by HTTP status) and the mark [`UNTRANSLATED`], so `error_zh` is never English
//! alone and the missing template is easy to find (tests/language.rs requires a
//! template for every message its requests produce).

use std::sync::OnceLock;

use axum::http::StatusCode;

use crate::language::Lang;

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The mark in a Chinese rendering whose English words had no template.
pub const UNTRANSLATED: &str = "（此消息尚无中文译文）";

/// `message` (as the server made it) in both languages; `status` names the kind
/// of error when no template knows the message.
pub fn bilingual(status: StatusCode, message: &str) -> Bilingual {
    let message = message.trim_end();
    match translate(message) {
        Rendered { zh, en, complete: true } => Bilingual { zh, en },
        Rendered { en, .. } => {
            let zh = format!("{}{UNTRANSLATED}：{en}", status_zh(status));
            Bilingual { zh, en }
        }
    }
}

/// The Chinese of a message by the catalogue (None: some part of it has no
/// template).
pub fn to_chinese(message: &str) -> Option<String> {
    let Rendered { zh, complete, .. } = translate(message.trim_end());
    complete.then_some(zh)
}

/// A message put into both languages.
struct Rendered {
    zh: String,
    en: String,
    /// Whether every part had a template or was bilingual already.
    complete: bool,
}

/// The Chinese lead of a message no template knows, by status.
fn status_zh(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "请求有误",
        401 => "未登录或凭据无效",
        403 => "无权进行此操作",
        404 => "未找到",
        405 => "该路径不接受此请求方法",
        408 => "请求超时",
        409 => "与现有数据冲突",
        412 => "数据已被他人修改",
        413 => "请求过大",
        415 => "请求内容类型不受支持",
        422 => "请求无法处理",
        428 => "缺少 If-Match 版本",
        429 => "请求过于频繁",
        503 => "服务器繁忙或暂不可用",
        507 => "存储空间已满",
        500..=599 => "服务器内部错误",
        _ => "请求失败",
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}'))
}

/// A message holding Chinese split into its halves: `中文 / English`, or Chinese
/// with its English in brackets, `中文（English）` or `中文 (English)`, anywhere in
/// it (a bracket is English when it holds a phrase — a space — and its letters are
/// mostly Latin: `（housing）` names a role and stays). Chinese in no such form is
/// the same in both languages. None: no Chinese.
fn split_bilingual(message: &str) -> Option<Bilingual> {
    if !has_cjk(message) {
        return None;
    }
    let trimmed = message.trim_end();
    if let Some((zh, en)) = trimmed.split_once(" / ")
        && has_cjk(zh)
        && !has_cjk_majority(en)
    {
        return Some(Bilingual { zh: zh.trim().to_owned(), en: en.trim().to_owned() });
    }
    let mut zh = String::with_capacity(trimmed.len());
    let mut english = Vec::new();
    let mut rest = trimmed;
    while let Some((at, open, close)) = ["（", "("]
        .iter()
        .zip(["）", ")"])
        .filter_map(|(o, c)| rest.find(o).map(|at| (at, *o, c)))
        .min_by_key(|(at, _, _)| *at)
    {
        let inner_start = at + open.len();
        // `（…)`: a full-width bracket closed by a Latin one, as some rules write it.
        let found = balanced_close(&rest[inner_start..], open, close).map(|len| (len, close)).or_else(|| {
            (open == "（").then(|| balanced_close(&rest[inner_start..], open, ")").map(|len| (len, ")"))).flatten()
        });
        let Some((len, close)) = found else { break };
        let inner = &rest[inner_start..inner_start + len];
        let after = inner_start + len + close.len();
        // A Latin bracket translates only when it follows Chinese.
        let after_chinese = open == "（" || rest[..at].chars().next_back().is_some_and(|c| !c.is_ascii());
        if after_chinese
            && inner.contains(' ')
            && !has_cjk_majority(inner)
            && inner.chars().any(|c| c.is_ascii_alphabetic())
        {
            zh.push_str(rest[..at].trim_end());
            english.push(inner.trim());
        } else {
            zh.push_str(&rest[..after]);
        }
        rest = &rest[after..];
    }
    zh.push_str(rest);
    if english.is_empty() {
        return Some(Bilingual { zh: message.to_owned(), en: message.to_owned() });
    }
    Some(Bilingual { zh, en: english.join("; ") })
}

/// The length of the text before the `close` that closes an already opened `open`.
fn balanced_close(text: &str, open: &str, close: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    while at < text.len() {
        let tail = &text[at..];
        if tail.starts_with(close) {
            if depth == 0 {
                return Some(at);
            }
            depth -= 1;
            at += close.len();
        } else if tail.starts_with(open) {
            depth += 1;
            at += open.len();
        } else {
            at += tail.chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// Whether more than a third of the letters are Chinese (English text may quote a
/// Chinese value).
fn has_cjk_majority(s: &str) -> bool {
    let cjk = s.chars().filter(|c| has_cjk(c.encode_utf8(&mut [0; 4]))).count();
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    cjk * 3 > letters
}

/// A part of a template.
#[derive(Debug)]
enum Part {
    Lit(&'static str),
    /// A value kept as it is.
    Value,
    /// A message translated in turn.
    Message,
}

struct Compiled {
    parts: Vec<Part>,
    zh: &'static str,
}

fn compile(en: &'static str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = en;
    while let Some(at) = rest.find('{') {
        let (hole, len) = if rest[at..].starts_with("{m}") {
            (Part::Message, 3)
        } else if rest[at..].starts_with("{}") {
            (Part::Value, 2)
        } else {
            // A literal brace.
            parts.push(Part::Lit(&rest[..=at]));
            rest = &rest[at + 1..];
            continue;
        };
        if at > 0 {
            parts.push(Part::Lit(&rest[..at]));
        }
        parts.push(hole);
        rest = &rest[at + len..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest));
    }
    parts
}

fn catalogue() -> &'static [Compiled] {
    static COMPILED: OnceLock<Vec<Compiled>> = OnceLock::new();
    COMPILED.get_or_init(|| CATALOGUE.iter().map(|(en, zh)| Compiled { parts: compile(en), zh }).collect())
}

/// Matches `parts` against all of `s`, collecting the holes' text (each hole at
/// least one character, the shortest that lets the rest match).
fn match_parts<'a>(parts: &[Part], s: &'a str, holes: &mut Vec<&'a str>) -> bool {
    match parts.split_first() {
        None => s.is_empty(),
        Some((Part::Lit(lit), rest)) => s.strip_prefix(lit).is_some_and(|after| match_parts(rest, after, holes)),
        Some((hole, rest)) => {
            // A value is a name, a number or a list: never a message of its own.
            let value = matches!(hole, Part::Value);
            if value && s.starts_with(char::is_whitespace) {
                return false;
            }
            let ends = s.char_indices().skip(1).map(|(i, _)| i).chain(std::iter::once(s.len()));
            for end in ends {
                if end == 0 {
                    continue;
                }
                // (Checked on the end only: a shorter hole held neither.)
                if value && (s[..end].ends_with(": ") || s[..end].ends_with('\n')) {
                    break;
                }
                if let Some(Part::Lit(next)) = rest.first()
                    && !s[end..].starts_with(next)
                {
                    continue;
                }
                if value && s[..end].ends_with(char::is_whitespace) {
                    continue;
                }
                holes.push(&s[..end]);
                if match_parts(rest, &s[end..], holes) {
                    return true;
                }
                holes.pop();
            }
            false
        }
    }
}

/// Longer messages are not matched (a refused write lists its problems in
/// fields of their own).
const MAX_MATCHED_BYTES: usize = 8 * 1024;

/// `message` in Chinese and English (its bilingual parts reduced to English).
fn translate(message: &str) -> Rendered {
    if message.contains('\n') {
        let lines: Vec<Rendered> = message
            .lines()
            .map(|line| {
                let body = line.trim_start();
                let indent = &line[..line.len() - body.len()];
                let r = translate(body);
                Rendered { zh: format!("{indent}{}", r.zh), en: format!("{indent}{}", r.en), complete: r.complete }
            })
            .collect();
        return Rendered {
            zh: lines.iter().map(|r| r.zh.as_str()).collect::<Vec<_>>().join("\n"),
            en: lines.iter().map(|r| r.en.as_str()).collect::<Vec<_>>().join("\n"),
            complete: lines.iter().all(|r| r.complete),
        };
    }
    if message.is_empty() {
        return Rendered { zh: String::new(), en: String::new(), complete: true };
    }
    let starts_chinese =
        message.chars().find(|c| c.is_alphabetic()).is_some_and(|c| has_cjk(c.encode_utf8(&mut [0; 4])));
    if starts_chinese {
        return split_segments(message);
    }
    if message.len() <= MAX_MATCHED_BYTES {
        for template in catalogue() {
            let mut holes = Vec::new();
            if !match_parts(&template.parts, message, &mut holes) {
                continue;
            }
            // The generic `{}: {m}` only for a name before the colon.
            if template.parts.len() == 3 && matches!(template.parts[1], Part::Lit(": ")) && holes[0].contains(' ') {
                continue;
            }
            return fill_template(template, &holes);
        }
    }
    Rendered { zh: message.to_owned(), en: message.to_owned(), complete: false }
}

/// A message holding Chinese: its `; `-separated parts each split by
/// [`split_bilingual`] (or kept whole in both languages).
fn split_segments(message: &str) -> Rendered {
    // `中文 / English: details`: the details (English) put into Chinese too.
    if let Some((zh, en)) = message.split_once(" / ")
        && has_cjk(zh)
        && !zh.contains("; ")
        && !has_cjk_majority(en.split(": ").next().unwrap_or_default())
    {
        let mut rendered = Rendered { zh: zh.trim().to_owned(), en: en.trim().to_owned(), complete: true };
        if let Some((_, details)) = en.split_once(": ") {
            let details = translate(details);
            rendered.zh = format!("{}：{}", rendered.zh, details.zh);
            rendered.complete = details.complete;
        }
        return rendered;
    }
    let pairs: Vec<Bilingual> = message
        .split("; ")
        .map(|s| split_bilingual(s).unwrap_or_else(|| Bilingual { zh: s.to_owned(), en: s.to_owned() }))
        .collect();
    Rendered {
        zh: pairs.iter().map(|p| p.zh.as_str()).collect::<Vec<_>>().join("；"),
        en: pairs.iter().map(|p| p.en.as_str()).collect::<Vec<_>>().join("; "),
        complete: true,
    }
}

/// A matched template's Chinese, with its holes filled, and the English rebuilt
/// from the holes' English.
fn fill_template(template: &Compiled, holes: &[&str]) -> Rendered {
    let mut complete = true;
    let mut values = Vec::with_capacity(holes.len());
    let mut en = String::new();
    let mut holes = holes.iter();
    for part in &template.parts {
        match part {
            Part::Lit(lit) => en.push_str(lit),
            Part::Value => {
                let hole = holes.next().copied().unwrap_or_default();
                en.push_str(hole);
                values.push(hole.to_owned());
            }
            Part::Message => {
                let inner = translate(holes.next().copied().unwrap_or_default());
                complete &= inner.complete;
                en.push_str(&inner.en);
                values.push(inner.zh);
            }
        }
    }
    Rendered { zh: fill(template.zh, &values), en, complete }
}

/// `zh` with `{0}`, `{1}`, … replaced by `values`.
fn fill(zh: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(zh.len() + 32);
    let mut rest = zh;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after.find('}').and_then(|end| after[..end].parse::<usize>().ok().map(|i| (i, end))) {
            Some((i, end)) => {
                out.push_str(values.get(i).map_or("", String::as_str));
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The templates: English (`{}` a value, `{m}` a message) and Chinese (`{0}`,
/// `{1}`, … the holes in order). The first that matches the whole message wins,
/// so a more particular template comes before a more general one.
pub const CATALOGUE: &[(&str, &str)] = &[
    // --- Search, photos, dashboard, ledger export, base maps, accounts (issue 16) ---
    ("query parameter `q` is missing or empty (e.g. {})", "缺少查询参数 `q` 或其为空（例如 {0}）"),
    ("query parameter `q` has {} characters; at most {} are searched", "查询参数 `q` 有 {0} 个字符；最多搜索 {1} 个"),
    ("query parameter `limit` = {} is not a whole number 1–{}", "查询参数 `limit` = {0} 不是 1–{1} 的整数"),
    ("query parameter `q` = {} has no letters or digits to search for", "查询参数 `q` = {0} 没有可搜索的文字或数字"),
    ("building the search index stopped: {}", "搜索索引构建中断：{0}"),
    (
        "the role {} may not see the photos of origin-point records (agriculture staff and admins may)",
        "角色 {0} 无权查看溯源点位记录的照片（农业农村部门人员和管理员可查看）",
    ),
    ("no record photo with id {}", "没有编号为 {0} 的记录照片"),
    (
        "the body is empty: send the photo's bytes (JPEG, PNG or WebP)",
        "请求体为空：请发送照片文件内容（JPEG、PNG 或 WebP）",
    ),
    (
        "the body is not a photo: only {} files are stored (told by their content, not their name)",
        "请求体不是照片：只保存 {0} 文件（按文件内容判断，而非文件名）",
    ),
    ("query parameter `figure` = {} must be one of {}", "查询参数 `figure` = {0} 须为以下之一：{1}"),
    ("format={} needs `figure` ({}): one table per download", "format={0} 需要指定 `figure`（{1}）：每次下载一张表"),
    ("`week`: {m}", "`week`：{0}"),
    (
        "`notes`: {} is not a township code of the ledger (or `county`)",
        "`notes`：{0} 不是台账中的乡镇代码（或 `county`）",
    ),
    ("`{}` is longer than {} characters", "`{0}` 超过 {1} 个字符"),
    (
        "no base map named {}: this server has none (serve --basemap FILE, --basemap-url, --tianditu-key)",
        "没有名为 {0} 的底图：本服务器未配置底图（serve --basemap FILE、--basemap-url、--tianditu-key）",
    ),
    ("no base map named {}; base maps: {}", "没有名为 {0} 的底图；可用底图：{1}"),
    (
        "no route for /basemaps/{}; TileJSON is at /basemaps/{id}.json",
        "没有 /basemaps/{0} 这一路径；TileJSON 位于 /basemaps/{id}.json",
    ),
    ("tile {} {} is not a non-negative integer", "瓦片 {0} {1} 不是非负整数"),
    (
        "base map {} is drawn from its own tile server (its TileJSON names the URLs), not from this one",
        "底图 {0} 由其自身的瓦片服务器提供（其 TileJSON 给出地址），不由本服务器提供",
    ),
    ("managing users needs a token", "管理用户需要令牌"),
    (
        "managing users needs an `Authorization: Bearer <token>` header",
        "管理用户需要 `Authorization: Bearer <token>` 请求头",
    ),
    (
        "creating a layer needs an `Authorization: Bearer <token>` header",
        "创建图层需要 `Authorization: Bearer <token>` 请求头",
    ),
    (
        "reading the audit trail needs an `Authorization: Bearer <token>` header",
        "查看审计记录需要 `Authorization: Bearer <token>` 请求头",
    ),
    (
        "signing out needs an `Authorization: Bearer <token>` header",
        "退出登录需要 `Authorization: Bearer <token>` 请求头",
    ),
    ("the definition has an unknown key {}; the keys are: {}", "图层定义有未知的键 {0}；可用的键：{1}"),
    ("the body must be {name, role, password}: {m}", "请求体应为 {name, role, password}：{0}"),
    ("the body must be {role?, disabled?, password?}: {m}", "请求体应为 {role?, disabled?, password?}：{0}"),
    ("the body must be {label?}: {m}", "请求体应为 {label?}：{0}"),
    ("token id {} is not a number", "令牌编号 {0} 不是数字"),
    ("no account named {}", "没有名为 {0} 的账号"),
    // --- Query strings and parameters ---
    ("query parameter `{}` is missing (e.g. {})", "缺少查询参数 `{0}`（例如 {1}）"),
    ("query parameter `{}` = {} is not a number", "查询参数 `{0}` = {1} 不是数字"),
    ("query parameter `{}` = {} must be true or false", "查询参数 `{0}` = {1} 须为 true 或 false"),
    ("query parameter `{}` is given twice", "查询参数 `{0}` 重复给出"),
    ("unknown query parameter `{}`; this resource takes: {}", "未知的查询参数 `{0}`；此资源接受：{1}"),
    ("query parameter `format` is missing; formats: {}", "缺少查询参数 `format`；可用格式：{0}"),
    ("query parameter `format` = {} must be {}", "查询参数 `format` = {0} 须为 {1}"),
    ("query parameter `encoding` = {} must be auto, utf-8 or gbk", "查询参数 `encoding` = {0} 须为 auto、utf-8 或 gbk"),
    (
        "query parameter `due` = {} must be `overdue`, `current` or `all`",
        "查询参数 `due` = {0} 须为 `overdue`、`current` 或 `all`",
    ),
    ("query parameter `dry_run` = {} must be true or false", "查询参数 `dry_run` = {0} 须为 true 或 false"),
    (
        "query parameter `merge` = {} must be the id of the record to update",
        "查询参数 `merge` = {0} 须为要更新的记录编号",
    ),
    ("query parameter `{}` = {} is not one of: {}", "查询参数 `{0}` = {1} 不是以下之一：{2}"),
    (
        "query parameter `tiles` = {} is not a zoom range: give MIN-MAX with 0 <= MIN <= MAX <= 22, e.g. 12-18",
        "查询参数 `tiles` = {0} 不是缩放级别范围：请给出 MIN-MAX，0 <= MIN <= MAX <= 22，例如 12-18",
    ),
    (
        "query parameter `filename` is missing (e.g. filename=points.csv); it names the file and its format: {}",
        "缺少查询参数 `filename`（例如 filename=points.csv）；它给出文件名及其格式：{0}",
    ),
    ("query parameter `fields` is not JSON: {}", "查询参数 `fields` 不是 JSON：{0}"),
    (
        "query parameter `fields` must be a JSON object of target fields, e.g. {}",
        "查询参数 `fields` 须为目标字段的 JSON 对象，例如 {0}",
    ),
    ("query parameter `as_of` = {}: {m} (expected YYYY-MM-DD)", "查询参数 `as_of` = {0}：{1}（应为 YYYY-MM-DD）"),
    ("query parameter `{}`: {m}", "查询参数 `{0}`：{1}"),
    ("query parameter {m}", "查询参数 {0}"),
    (
        "query parameters {} describe a new layer: add new_layer=true, or leave them out to import into {}",
        "查询参数 {0} 用于新建图层：请加 new_layer=true，或去掉它们以导入到 {1}",
    ),
    ("give either `tiles` (a zoom range) or `no_tiles`, not both", "`tiles`（缩放级别范围）与 `no_tiles` 只能给出其一"),
    ("the query string cannot be read: {m}", "无法读取查询字符串：{0}"),
    ("{} must be a whole number", "{0} 须为整数"),
    (
        "{} must be a date (2023-05-01, Asia/Shanghai) or an RFC 3339 date-time: {m}",
        "{0} 须为日期（如 2023-05-01，北京时间）或 RFC 3339 日期时间：{1}",
    ),
    ("limit must be a whole number from 1 to {}", "limit 须为 1 至 {0} 的整数"),
    ("version=AUDIT_ID is required (an id from GET /api/audit)", "缺少 version=AUDIT_ID（来自 GET /api/audit 的编号）"),
    ("`f` is json or html, not {}", "`f` 须为 json 或 html，而不是 {0}"),
    ("f={}: the API document is served as f=json only", "f={0}：API 文档只提供 f=json"),
    ("`datetime`/`as_of`: {m}", "`datetime`/`as_of`：{0}"),
    ("`crs`: {m}", "`crs`：{0}"),
    ("`{}`: {m}", "`{0}`：{1}"),
    ("`{}` {}: {m}", "`{0}` {1}：{2}"),
    ("the body is not a valid request: {m}", "请求体不是有效的请求：{0}"),
    // --- Serde and the framework's own rejections ---
    ("{m} at line {} column {}", "{0}（第 {1} 行第 {2} 列）"),
    ("unknown field `{}`, expected one of {}", "未知字段 `{0}`，可用字段：{1}"),
    ("unknown field `{}`, expected {}", "未知字段 `{0}`，应为 {1}"),
    ("unknown field `{}`, there are no fields", "未知字段 `{0}`：此处不接受任何字段"),
    ("unknown variant `{}`, expected one of {}", "未知取值 `{0}`，可选：{1}"),
    ("unknown variant `{}`, expected {}", "未知取值 `{0}`，应为 {1}"),
    ("missing field `{}`", "缺少字段 `{0}`"),
    ("duplicate field `{}`", "字段 `{0}` 重复"),
    ("invalid type: {}, expected {}", "类型错误：得到 {0}，应为 {1}"),
    ("invalid value: {}, expected {}", "取值错误：得到 {0}，应为 {1}"),
    ("invalid length {}, expected {}", "长度错误：{0}，应为 {1}"),
    ("Failed to deserialize query string: {m}", "无法读取查询字符串：{0}"),
    ("Failed to deserialize the JSON body into the target type: {m}", "JSON 请求体与所需结构不符：{0}"),
    ("Failed to parse the request body as JSON: {m}", "请求体不是有效的 JSON：{0}"),
    ("Failed to buffer the request body: {m}", "读取请求体失败：{0}"),
    ("Expected request with `Content-Type: application/json`", "请求须带 `Content-Type: application/json`"),
    ("Invalid URL: Cannot parse `{}` to a `{}`", "网址有误：无法将 `{0}` 读作 `{1}`"),
    ("Invalid URL: {m}", "网址有误：{0}"),
    ("Cannot parse `{}` to a `{}`", "无法将 `{0}` 读作 `{1}`"),
    ("EOF while parsing {}", "解析{0}时内容意外结束"),
    ("expected value", "此处应有一个值"),
    ("expected `{}`", "此处应为 `{0}`"),
    ("expected {}", "此处应为 {0}"),
    ("trailing characters", "末尾有多余字符"),
    ("key must be a string", "键须为字符串"),
    ("invalid escape", "转义字符无效"),
    ("invalid number", "数字无效"),
    ("control character (\\u0000-\\u001F) found while parsing a string", "字符串中有控制字符"),
    ("this path does not take that method", "该路径不接受此请求方法"),
    ("Method Not Allowed", "该路径不接受此请求方法"),
    ("Not Found", "未找到"),
    ("Length Required", "请求须给出长度"),
    ("Payload Too Large", "请求过大"),
    ("Unsupported Media Type", "请求内容类型不受支持"),
    // --- Sign-in and roles ---
    ("not signed in: send `Authorization: Bearer <token>`", "未登录：请发送 `Authorization: Bearer <token>`"),
    ("the token is not valid", "令牌无效"),
    (
        "the Authorization header is malformed: expected `Bearer <token>`",
        "Authorization 请求头格式有误：应为 `Bearer <token>`",
    ),
    (
        "the server has no users: it was started without --admin-token or --users",
        "服务器没有用户：启动时未给出 --admin-token 或 --users",
    ),
    (
        "writes are disabled: the server was started without an admin token or users file",
        "写入已停用：服务器启动时未给出管理员令牌或用户文件",
    ),
    ("writing needs an `Authorization: Bearer <token>` header", "写入需要 `Authorization: Bearer <token>` 请求头"),
    (
        "writing to {} needs an `Authorization: Bearer <token>` header",
        "写入 {0} 需要 `Authorization: Bearer <token>` 请求头",
    ),
    (
        "exporting {} needs an `Authorization: Bearer <token>` header of its owning role",
        "导出 {0} 需要其所属角色的 `Authorization: Bearer <token>` 请求头",
    ),
    ("{} needs an `Authorization: Bearer <token>` header", "{0}需要 `Authorization: Bearer <token>` 请求头"),
    ("the role {} may not write to {} ({}); it writes {}", "角色 {0} 无权写入 {1}（{2}）；它可写入：{3}"),
    ("the role {} may not export {} ({})", "角色 {0} 无权导出 {1}（{2}）"),
    (
        "the role {} may create only layers it owns itself: set owner {} (an admin may name any role)",
        "角色 {0} 只能新建归自己所有的图层：请设 owner 为 {1}（管理员可指定任何角色）",
    ),
    ("the audit trail is for admins; the role {} may not read it", "审计记录仅限管理员查看；角色 {0} 无权查看"),
    (
        "too many failed sign-ins from {}; wait {} s before trying again",
        "来自 {0} 的登录失败次数过多；请等待 {1} 秒后再试",
    ),
    (
        "the Idempotency-Key header must be 1 to {} visible ASCII characters (e.g. a UUID)",
        "Idempotency-Key 请求头须为 1 至 {0} 个可见 ASCII 字符（例如 UUID）",
    ),
    (
        "the idempotency key {} was already used for a different request; use a new key for a new request",
        "幂等键 {0} 已用于另一个请求；新的请求请使用新的键",
    ),
    // --- Not found ---
    ("no route for {}; TileJSON is at /tiles/{set}.json", "没有 {0} 这一路径；TileJSON 位于 /tiles/{set}.json"),
    ("no route for {}; styles are at /styles/{id}.json", "没有 {0} 这一路径；样式位于 /styles/{id}.json"),
    ("no route or file for {}", "没有 {0} 这一路径或文件"),
    ("no route for {}", "没有 {0} 这一路径"),
    ("no layer named {}; layers: {}", "没有名为 {0} 的图层；现有图层：{1}"),
    (
        "no collection named {}; the collections are listed at /collections",
        "没有名为 {0} 的集合；集合列表见 /collections",
    ),
    ("no tile set named {}; sets: {}", "没有名为 {0} 的瓦片集；现有瓦片集：{1}"),
    ("no tile matrix set {}; the only one is {}", "没有瓦片矩阵集 {0}；只有 {1}"),
    ("no style named {}; GET /styles lists them", "没有名为 {0} 的样式；GET /styles 列出全部样式"),
    ("no origin-point record with id {}", "没有编号为 {0} 的产地记录"),
    ("no consolidation project with id {}", "没有编号为 {0} 的土地整治项目"),
    ("no sponge-city project with id {}", "没有编号为 {0} 的海绵城市项目"),
    ("no truck-ban zone is stored", "尚未存储货车禁行区"),
    ("no version {} of feature {} of {}", "{2} 的要素 {1} 没有版本 {0}"),
    ("version {} ({}) holds no feature to restore", "版本 {0}（{1}）没有可恢复的要素"),
    ("{} has no feature {}: feature ids are whole numbers", "{0} 没有要素 {1}：要素编号须为整数"),
    ("layer {} has no feature {}", "图层 {0} 没有要素 {1}"),
    ("{} has no feature {}", "{0} 没有要素 {1}"),
    ("tiles are served as .mvt, not {}", "瓦片以 .mvt 提供，不是 {0}"),
    ("tile {} {} is not a non-negative integer", "瓦片 {0} {1} 不是非负整数"),
    (
        "the collection {} has no vector tiles (it is not public or has no zoom range)",
        "集合 {0} 没有矢量瓦片（它不公开或没有缩放级别范围）",
    ),
    (
        "a layer of geometry {} has no style; it is not drawn on the map",
        "几何类型为 {0} 的图层没有样式；不在地图上绘制",
    ),
    // --- Bodies and limits ---
    (
        "the request body is {} bytes; {} takes at most {} bytes ({} MiB)",
        "请求体为 {0} 字节；{1} 最多接受 {2} 字节（{3} MiB）",
    ),
    ("the body is empty: send the bytes of {}", "请求体为空：请发送 {0} 的内容"),
    ("the body is not UTF-8 text: {}", "请求体不是 UTF-8 文本：{0}"),
    ("the body is not a JSON layer definition: {m}", "请求体不是 JSON 图层定义：{0}"),
    ("the body must be a JSON object with the record's fields", "请求体须为包含记录字段的 JSON 对象"),
    ("the body must be a JSON object with the producer's fields", "请求体须为包含种养殖主体字段的 JSON 对象"),
    ("reading the request body failed: {}", "读取请求体失败：{0}"),
    (
        "the request body arrived too slowly ({} bytes in {} s); bodies must keep arriving at {}",
        "请求体传送过慢（{1} 秒内 {0} 字节）；请求体须持续以 {2} 传送",
    ),
    (
        "the server could not keep the uploaded body on its disk ({}); try again later",
        "服务器无法在磁盘上保存上传内容（{0}）；请稍后再试",
    ),
    (
        "expected one GeoJSON Feature to replace feature {}, got {}",
        "替换要素 {0} 需要一个 GeoJSON Feature，收到的是 {1}",
    ),
    ("{} has an unknown key {}; the keys are: {}", "{0} 有未知的键 {1}；可用的键：{2}"),
    (
        "the request has no Host header; the server cannot build links (set --public-url)",
        "请求没有 Host 请求头；服务器无法生成链接（请设置 --public-url）",
    ),
    // --- Busy, timeouts, the store ---
    (
        "the request took longer than {} s and was stopped. A write may still complete: retry it with the same Idempotency-Key to learn its outcome",
        "请求超过 {0} 秒，已停止。写入可能仍会完成：请用同一个 Idempotency-Key 重试以得知结果",
    ),
    ("the database is unavailable; try again shortly", "数据库暂不可用；请稍后再试"),
    (
        "the store's disk is full: nothing of this request was stored; writes are refused until space is freed",
        "存储磁盘已满：本次请求未保存任何内容；在腾出空间前拒绝写入",
    ),
    (
        "the store is read-only (its file system or database refuses writes): nothing of this request was stored",
        "存储为只读（其文件系统或数据库拒绝写入）：本次请求未保存任何内容",
    ),
    (
        "the store's disk failed (an I/O error): nothing of this request was stored; see the server log",
        "存储磁盘故障（I/O 错误）：本次请求未保存任何内容；详见服务器日志",
    ),
    ("internal error; see the server log", "服务器内部错误；详见服务器日志"),
    ("internal error in the store; see the server log", "存储内部错误；详见服务器日志"),
    ("{m}; nothing was stored", "{0}；未保存任何内容"),
    ("{} of {} features for layer {} rejected", "图层 {2} 的 {1} 个要素中有 {0} 个被拒绝"),
    ("feature #{}: {m}", "要素 #{0}：{1}"),
    ("layer {}, feature {}: {m}", "图层 {0}，要素 {1}：{2}"),
    // --- Layers and their definitions ---
    ("a layer called {} exists already; choose another name", "名为 {0} 的图层已存在；请换一个名称"),
    ("a layer titled {} exists already; choose another title", "图层名称 {0} 已被其他图层使用；请换一个名称"),
    ("a layer or table called {} exists already; choose another name", "名为 {0} 的图层或数据表已存在；请换一个名称"),
    (
        "a layer called {} exists already ({}): import into it without new_layer, or choose another name",
        "名为 {0} 的图层已存在（{1}）：请不带 new_layer 导入其中，或换一个名称",
    ),
    ("{} is kept for the platform's own tables; choose another name", "{0} 为平台自用表名；请换一个名称"),
    (
        "{} is the name of a tile set (/tiles/{}.json); choose another name",
        "{0} 是瓦片集的名称（/tiles/{1}.json）；请换一个名称",
    ),
    (
        "the role {} may create only layers it owns itself: set \"owner\": \"{}\" (an admin may name any role)",
        "角色 {0} 只能新建归自己所有的图层：请设 \"owner\": \"{1}\"（管理员可指定任何角色）",
    ),
    ("X-Forwarded-Proto {} is not http or https", "X-Forwarded-Proto {0} 不是 http 或 https"),
    ("exporting {}: {m}", "导出 {0}：{1}"),
    ("{} is not UTF-8 text (invalid byte at offset {})", "{0} 不是 UTF-8 文本（偏移 {1} 处字节无效）"),
    ("the work panicked", "处理过程意外中止"),
    ("the layer definition is refused: {m}", "图层定义被拒绝：{0}"),
    (
        "layer name {} is taken by a built-in layer or kept for the platform's own tables",
        "图层名 {0} 已被内置图层占用或为平台自用",
    ),
    ("field {} is defined twice", "字段 {0} 定义了两次"),
    ("field name {} is kept for the store's own columns (fid, geom)", "字段名 {0} 为存储自用列（fid, geom）"),
    ("{} fields; a layer has at most {}", "{0} 个字段；一个图层最多 {1} 个"),
    ("the layer needs a Chinese title (title_zh)", "图层需要中文标题（title_zh）"),
    ("title {} is longer than {} characters", "标题 {0} 超过 {1} 个字符"),
    ("tile zoom range {}-{} is not within 0-22 with min ≤ max", "瓦片缩放级别范围 {0}-{1} 不在 0-22 内或 min > max"),
    (
        "only a polygon layer (MultiPolygon) can be answered by /api/locate",
        "只有面图层（MultiPolygon）可用于 /api/locate",
    ),
    ("a layer without geometry cannot be drawn in tiles", "没有几何的图层不能绘制为瓦片"),
    (
        "owner {} is not a role; roles: admin, agriculture, housing, land, traffic",
        "owner {0} 不是角色；角色有：admin, agriculture, housing, land, traffic",
    ),
    (
        "{} of {} features for layer {} break its rules; nothing was stored",
        "图层 {2} 的 {1} 个要素中有 {0} 个不符合规则；未保存任何内容",
    ),
    ("{} of {} rows are invalid; nothing was imported", "{1} 行中有 {0} 行无效；未导入任何内容"),
    ("the record is invalid: {m}", "记录无效：{0}"),
    ("the producer is invalid: {m}", "种养殖主体信息无效：{0}"),
    ("layer {} was not created: {m}", "图层 {0} 未创建：{1}"),
    ("{m}; layer {} was not created", "{0}；图层 {1} 未创建"),
    ("layer {}: {m}", "图层 {0}：{1}"),
    (
        "origin-point records are replaced through PUT /api/trace/records/{id} (it keeps their creation stamp)",
        "产地记录须通过 PUT /api/trace/records/{id} 替换（保留其创建时间）",
    ),
    // --- Fields of features (the layer schemas, the input limits) ---
    ("field {} is not a field of layer {}; its fields are: {}", "字段 {0} 不是图层 {1} 的字段；其字段有：{2}"),
    ("field {} is required in layer {}", "图层 {1} 必须填写字段 {0}"),
    ("field {}: expected {m}, got {}", "字段 {0}：应为{1}，实际为 {2}"),
    (
        "field {}: the text is {} bytes long; a field holds at most {} bytes",
        "字段 {0}：文本长 {1} 字节；一个字段最多 {2} 字节",
    ),
    ("field {}: {} is not allowed; allowed values: {}", "字段 {0}：不允许取值 {1}；允许的取值：{2}"),
    ("field {}: {} is not a finite number; allowed: {m} ({m})", "字段 {0}：{1} 不是有限数；允许：{2}（{3}）"),
    ("field {}: {} is not a whole number; allowed: {m} ({m})", "字段 {0}：{1} 不是整数；允许：{2}（{3}）"),
    ("field {}: {} is out of range; allowed: {m} ({m})", "字段 {0}：{1} 超出范围；允许：{2}（{3}）"),
    ("field {}: {m}", "字段 {0}：{1}"),
    ("an integer", "整数"),
    ("a whole number", "整数"),
    ("a number", "数字"),
    ("text", "文本"),
    ("a date as text YYYY-MM-DD", "文本形式的日期 YYYY-MM-DD"),
    ("true or false", "true 或 false"),
    ("input limit: {}", "输入上限：{0}"),
    ("from {} to {}", "{0} 至 {1}"),
    ("more than {} and at most {}", "大于 {0} 且不超过 {1}"),
    ("at least {} and less than {}", "不小于 {0} 且小于 {1}"),
    ("more than {} and less than {}", "大于 {0} 且小于 {1}"),
    // --- Dates and times ---
    (
        "empty: expected an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00",
        "为空：应为 RFC 3339 日期时间，例如 2023-06-01T06:00:00+08:00",
    ),
    (
        "not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or 2023-05-31T22:00:00Z: {m}",
        "不是 RFC 3339 日期时间（例如 2023-06-01T06:00:00+08:00 或 2023-05-31T22:00:00Z）：{0}",
    ),
    ("{}:{}:{} is not a time of day", "{0}:{1}:{2} 不是一天中的时刻"),
    ("date and time must be separated by T", "日期与时间之间须以 T 分隔"),
    ("the date must be YYYY-MM-DD", "日期须为 YYYY-MM-DD"),
    ("the offset must be Z, ±HH:MM, ±HHMM or ±HH (e.g. +08:00)", "时区偏移须为 Z、±HH:MM、±HHMM 或 ±HH（例如 +08:00）"),
    ("the offset must be between -23:59 and +23:59", "时区偏移须在 -23:59 与 +23:59 之间"),
    ("expected YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM", "应为 YYYY-MM-DDTHH:MM:SS，后接 Z 或 ±HH:MM"),
    ("the time must be HH:MM:SS", "时间须为 HH:MM:SS"),
    ("a decimal point must be followed by digits", "小数点后须有数字"),
    ("a time zone offset (Z or ±HH:MM) is required", "须给出时区偏移（Z 或 ±HH:MM）"),
    ("nothing may follow the offset", "时区偏移之后不能再有内容"),
    (
        "as_of must be a date (2023-05-01: the end of that day in Asia/Shanghai) or an RFC 3339 date-time (2023-05-01T08:00:00+08:00): {m}",
        "as_of 须为日期（2023-05-01：北京时间当天结束时）或 RFC 3339 日期时间（2023-05-01T08:00:00+08:00）：{0}",
    ),
    ("outside the years 0001-9999 in Asia/Shanghai", "超出北京时间 0001-9999 年的范围"),
    ("{} is not a date of the form YYYY-MM-DD", "{0} 不是 YYYY-MM-DD 形式的日期"),
    ("{}-{}-{} is not a calendar date", "{0}-{1}-{2} 不是有效的日历日期"),
    ("a period would end after 9999-12-31", "期限将晚于 9999-12-31"),
    ("publication date {} is before the decision date {}", "公告日期 {0} 早于决定日期 {1}"),
    (
        "expected RFC 3339 (2024-05-01T08:00:00+08:00) or unix seconds",
        "应为 RFC 3339 时间（2024-05-01T08:00:00+08:00）或 Unix 秒数",
    ),
    ("a number of seconds out of range", "秒数超出范围"),
    ("input is out of range", "输入超出范围"),
    ("input contains invalid characters", "输入含有无效字符"),
    ("premature end of input", "输入提前结束"),
    ("trailing input", "输入末尾有多余内容"),
    ("no supported format", "格式不受支持"),
    ("invalid week: {m}", "周次无效：{0}"),
    // --- Positions, coordinates, geometry ---
    ("lon {} is not a finite number", "经度 {0} 不是有限数"),
    ("lat {} is not a finite number", "纬度 {0} 不是有限数"),
    ("lon {} is outside -180..180", "经度 {0} 超出 -180..180"),
    ("lat {} is outside -90..90", "纬度 {0} 超出 -90..90"),
    ("{} {} is not a position EPSG:{} can convert", "{0} {1} 不是 EPSG:{2} 能转换的位置"),
    (
        "easting {} lacks the zone number {} that EPSG:{} puts in front (the same zone without it is EPSG:{})",
        "东坐标 {0} 缺少 EPSG:{2} 置于前面的带号 {1}（不带带号的同一带为 EPSG:{3}）",
    ),
    (
        "easting {} carries a zone number, which EPSG:{} does not (zone {} with its number is EPSG:{})",
        "东坐标 {0} 带有带号，而 EPSG:{1} 不带（带带号的第 {2} 带为 EPSG:{3}）",
    ),
    ("easting {} carries zone number {}, but EPSG:{} is zone {}", "东坐标 {0} 带有带号 {1}，但 EPSG:{2} 是第 {3} 带"),
    ("unknown CRS {}; accepted: {}", "未知的坐标系 {0}；可用：{1}"),
    (
        "EPSG:{} is not built in and this build has no PROJ; built in: {}",
        "EPSG:{0} 未内置且此版本没有 PROJ；内置的有：{1}",
    ),
    (
        "EPSG:{} is not a coordinate reference system PROJ can convert to WGS84",
        "EPSG:{0} 不是 PROJ 能转换到 WGS84 的坐标系",
    ),
    ("{} is not a position of {}: {m}", "{0} 不是 {1} 中的位置：{2}"),
    ("a geometry has no position in {}: {m}", "有几何在 {0} 中没有位置：{1}"),
    ("the parcel is empty: it has no polygons", "地块为空：没有任何多边形"),
    ("the parcel's area is zero", "地块面积为零"),
    ("the parcel lies outside 临猗县 (county boundary, adcode {})", "地块位于临猗县之外（县界，行政区划代码 {0}）"),
    ("vertex {} of {}: {m}", "{1} 的第 {0} 个顶点：{2}"),
    ("{} has {} distinct points; a ring needs at least 3", "{0} 只有 {1} 个不同的点；一个环至少需要 3 个"),
    ("{} self-intersects at {}", "{0} 在 {1} 处自相交"),
    ("rings {} and {} of polygon {} intersect at {}", "多边形 {2} 的环 {0} 与环 {1} 在 {3} 处相交"),
    ("hole {} of polygon {} lies outside its exterior ring at {}", "多边形 {1} 的洞 {0} 在 {2} 处位于外环之外"),
    ("hole {} of polygon {} lies outside its exterior ring", "多边形 {1} 的洞 {0} 位于外环之外"),
    ("holes {} and {} of polygon {} overlap at {}", "多边形 {2} 的洞 {0} 与洞 {1} 在 {3} 处重叠"),
    ("holes {} and {} of polygon {} overlap", "多边形 {2} 的洞 {0} 与洞 {1} 重叠"),
    ("polygons {} and {} overlap at {}", "多边形 {0} 与多边形 {1} 在 {2} 处重叠"),
    ("polygons {} and {} overlap", "多边形 {0} 与多边形 {1} 重叠"),
    ("area {} is not a finite number", "面积 {0} 不是有限数"),
    ("area {} is negative", "面积 {0} 为负数"),
    ("area {} m² is larger than 100 000 km²", "面积 {0} 平方米大于 100 000 平方千米"),
    // --- Land, money, grades ---
    (
        "{} is not an amount in yuan (digits, optionally . and one or two decimals)",
        "{0} 不是以元计的金额（数字，可带 . 和一至两位小数）",
    ),
    ("amount is larger than 10^15 yuan", "金额大于 10^15 元"),
    ("grade {} does not exist in the {} table (1-{})", "{1} 表中没有 {0} 级（1-{2}）"),
    ("{} is not a valid {} grade (1-{})", "{0} 不是有效的 {1} 级别（1-{2}）"),
    ("{} is not a grading system; expected urban or collective", "{0} 不是定级体系；应为 urban 或 collective"),
    (
        "the grade parts add up to {} m², more than the parcel's {} m²",
        "各级别部分合计 {0} 平方米，超过地块的 {1} 平方米",
    ),
    (
        "collective_use {} is not a collective land use; expected one of 商服, 宅基地, 工业",
        "collective_use {0} 不是集体土地用途；应为 商服、宅基地、工业 之一",
    ),
    (
        "{} is not a consolidation project type; expected 增减挂钩 or 土地整治",
        "{0} 不是土地整治项目类型；应为 增减挂钩 或 土地整治",
    ),
    ("consolidation project {} has no polygon", "土地整治项目 {0} 没有多边形"),
    ("consolidation project {}: `{}`: {m}", "土地整治项目 {0}：`{1}`：{2}"),
    ("consolidation project {}: {m}", "土地整治项目 {0}：{1}"),
    // --- Truck ban ---
    (
        "give the vehicle's class, or both length_mm and total_mass_kg",
        "请给出车辆类别，或同时给出 length_mm 和 total_mass_kg",
    ),
    (
        "give either the vehicle's class or its length_mm and total_mass_kg, not both",
        "车辆类别与 length_mm、total_mass_kg 只能给出其一",
    ),
    ("a pass needs a plate", "通行证需要车牌号"),
    ("a pass valid from {} cannot end on {}", "自 {0} 起有效的通行证不能在 {1} 结束"),
    (
        "a pass needs at least one daily window (0-1440 for the whole day)",
        "通行证至少需要一个每日时段（全天为 0-1440）",
    ),
    (
        "{}-{} is not a daily window: start 0-1439, end 0-1440 minutes, start ≠ end",
        "{0}-{1} 不是每日时段：开始 0-1439，结束 0-1440 分钟，开始 ≠ 结束",
    ),
    ("the vehicle's plate is not given, so the pass cannot be checked", "未给出车辆号牌，无法核对通行证"),
    ("the pass is for {}, not {}", "通行证属于 {0}，不是 {1}"),
    ("the pass is valid only from {}", "通行证自 {0} 起才有效"),
    ("the pass expired after {}", "通行证已于 {0} 后过期"),
    ("{} is outside the pass's hours ({})", "{0} 不在通行证的通行时段内（{1}）"),
    ("the position is outside the pass's area {}", "位置不在通行证的通行区域 {0} 内"),
    ("same time as the previous fix ({} ms)", "与上一个定位点时间相同（{0} 毫秒）"),
    ("time goes backwards: {} ms after {} ms", "时间倒退：{1} 毫秒之后为 {0} 毫秒"),
    ("jump of {} m in {} ms ({} km/h)", "{1} 毫秒内跳跃 {0} 米（{2} 千米/小时）"),
    ("the daily window must satisfy 0 <= start < end <= 24 h", "每日时段须满足 0 <= 开始 < 结束 <= 24 小时"),
    ("the UTC offset must be within ±24 h", "UTC 偏移须在 ±24 小时内"),
    (
        "the CSV header must name the columns time, lon and lat (or 定位时间, 经度, 纬度); found {}",
        "CSV 表头须有 time、lon、lat 列（或 定位时间、经度、纬度）；实际为 {0}",
    ),
    ("empty input: no CSV header", "输入为空：没有 CSV 表头"),
    ("cannot read the input: {}", "无法读取输入：{0}"),
    ("longer than {} bytes", "超过 {0} 字节"),
    ("not UTF-8 text", "不是 UTF-8 文本"),
    ("missing time", "缺少时间"),
    ("time {}: {m}", "时间 {0}：{1}"),
    ("{} {} is not a number", "{0} {1} 不是数字"),
    ("missing {}", "缺少 {0}"),
    ("line {}: {m}", "第 {0} 行：{1}"),
    ("row {}: {m}", "第 {0} 行：{1}"),
    ("empty", "为空"),
    // --- Filters (OGC API - Features Part 3) ---
    ("the filter is {} bytes long; at most {} are accepted", "过滤条件长 {0} 字节；最多接受 {1} 字节"),
    ("the filter nests deeper than {} levels", "过滤条件嵌套超过 {0} 层"),
    ("the filter has more than {} terms", "过滤条件超过 {0} 项"),
    ("the filter is not valid {}: {}", "过滤条件不是有效的 {0}：{1}"),
    (
        "property {} is not queryable on layer {}; the queryables are: {} (the parameters of /items are {})",
        "属性 {0} 不能在图层 {1} 上查询；可查询的属性：{2}（/items 的参数有 {3}）",
    ),
    (
        "property {} is not queryable on layer {}; the queryables are: {}",
        "属性 {0} 不能在图层 {1} 上查询；可查询的属性：{2}",
    ),
    ("type mismatch: {}", "类型不匹配：{0}"),
    ("functions are not supported: {}", "不支持函数：{0}"),
    ("operator {} is not supported: {}", "不支持运算符 {0}：{1}"),
    // --- Generic wrappers last ---
    ("{}: {m}", "{0}：{1}"),
    ("{m}; {m}", "{0}；{1}"),
];

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::{CATALOGUE, UNTRANSLATED, bilingual, split_bilingual, to_chinese};

    #[test]
    fn templates_fill_values_and_translate_inner_messages() {
        assert_eq!(
            to_chinese("query parameter `lon` is missing (e.g. lon=110.7)").as_deref(),
            Some("缺少查询参数 `lon`（例如 lon=110.7）")
        );
        assert_eq!(
            to_chinese(
                "query parameter `as_of`: not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or \
                 2023-05-31T22:00:00Z: premature end of input"
            )
            .as_deref(),
            Some(
                "查询参数 `as_of`：不是 RFC 3339 日期时间（例如 2023-06-01T06:00:00+08:00 或 2023-05-31T22:00:00Z）：\
                 输入提前结束"
            )
        );
        assert_eq!(
            to_chinese("field \"grade\": expected an integer, got \"1\"").as_deref(),
            Some("字段 \"grade\"：应为整数，实际为 \"1\"")
        );
    }

    #[test]
    fn messages_of_the_rules_and_the_store_have_their_chinese() {
        for message in [
            "line 7: time goes backwards: 1000 ms after 2000 ms",
            "the pass is for 晋M12345, not 晋M54321",
            "field \"grade\": 9 is out of range; allowed: from 1 to 8 (input limit: grades)",
            "1 of 2 features for layer zongdi rejected; nothing was stored\n  feature #2: field \"x\" is required in layer zongdi",
            "unknown field `colour`, expected one of `lon`, `lat` at line 1 column 9",
            "Failed to deserialize the JSON body into the target type: missing field `at` at line 1 column 2",
            "easting 474476.65 lacks the zone number 37 that EPSG:4526 puts in front (the same zone without it is EPSG:4547)",
        ] {
            let zh = to_chinese(message).unwrap_or_else(|| panic!("no Chinese for {message:?}"));
            assert!(super::has_cjk(&zh), "{message:?} → {zh:?}");
        }
    }

    #[test]
    fn an_unknown_inner_message_makes_the_whole_untranslated() {
        assert_eq!(to_chinese("query parameter `as_of`: the moon is made of cheese"), None);
        let b = bilingual(StatusCode::BAD_REQUEST, "the moon is made of cheese");
        assert!(b.zh.starts_with("请求有误") && b.zh.contains(UNTRANSLATED) && b.zh.ends_with("cheese"), "{b:?}");
        assert_eq!(b.en, "the moon is made of cheese");
    }

    #[test]
    fn bilingual_messages_are_split() {
        let b = split_bilingual("种养殖主体「X1」未登记，请先登记（producer X1 is not registered）").unwrap();
        assert_eq!(b.zh, "种养殖主体「X1」未登记，请先登记");
        assert_eq!(b.en, "producer X1 is not registered");
        let b = split_bilingual("未知乡镇 \"嵋杨镇\"（unknown township）；是否为：嵋阳镇？").unwrap();
        assert_eq!((b.zh.as_str(), b.en.as_str()), ("未知乡镇 \"嵋杨镇\"；是否为：嵋阳镇？", "unknown township"));
        let b = split_bilingual("被征收户登记仅限住建部门（housing）查看").unwrap();
        assert_eq!(b.zh, b.en);
        let b = split_bilingual("被征收户 7 不存在 / no household 7").unwrap();
        assert_eq!((b.zh.as_str(), b.en.as_str()), ("被征收户 7 不存在", "no household 7"));
        // Chinese quoted inside English stays English.
        assert!(split_bilingual("no layer named \"耕地\"").is_some_and(|b| b.zh == b.en));
        // Brackets with Chinese inside are part of the Chinese.
        let b = split_bilingual("乡镇「北辛」不存在（应为「北辛乡」）").unwrap();
        assert_eq!(b.zh, b.en);
        assert_eq!(split_bilingual("plain English"), None);
    }

    #[test]
    fn every_template_is_well_formed() {
        for (en, zh) in CATALOGUE {
            let holes = en.matches("{}").count() + en.matches("{m}").count();
            for i in 0..holes {
                assert!(zh.contains(&format!("{{{i}}}")), "{en:?}: hole {i} is not used in {zh:?}");
            }
            assert!(!zh.contains(&format!("{{{holes}}}")), "{en:?}: {zh:?} uses a hole it does not have");
            let chinese_punctuation =
                zh.chars().any(|c| matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}'));
            assert!(super::has_cjk(zh) || chinese_punctuation, "{zh:?} has no Chinese");
        }
    }
}
