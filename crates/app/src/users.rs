//! Users with roles, and which layers a role may write and whose personal
//! fields it may see.
//!
//! Users come from a TOML file (`landtrace serve --users FILE`, made with
//! `landtrace user add`):
//!
//! ```toml
//! [[user]]
//! name = "zhang.san"
//! role = "agriculture"
//! token_sha256 = "<64 hex digits: SHA-256 of the token>"
//! ```
//!
//! Tokens are never stored in clear, only their SHA-256; a presented token is
//! hashed and compared with every stored hash in constant time ([`Users::authenticate`],
//! [`same_token`]). How a token reaches the server (HTTP headers) is the server's
//! business, not this module's.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use landtrace_domain::LayerKind;
use landtrace_store::Actor;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a user may do: every role reads everything public; a role writes (and sees
/// the personal fields of) the layers it owns, see [`owns`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything.
    Admin,
    /// 农业农村局: origin points of key farm products.
    Agriculture,
    /// 住建局: sponge-city facilities and projects, waterlogging points, the household
    /// register of the expropriation projects (被征收户).
    Housing,
    /// 自然资源局: land grades, benchmark prices, expropriation, consolidation.
    Land,
    /// 交通 / 公安交警: truck-ban zone, truck passes, freight sources.
    Traffic,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [Role::Admin, Role::Agriculture, Role::Housing, Role::Land, Role::Traffic];

    /// The name in the users file and in `/api/me`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agriculture => "agriculture",
            Role::Housing => "housing",
            Role::Land => "land",
            Role::Traffic => "traffic",
        }
    }

    /// The layers this role writes, in [`LayerKind::all`] order (built-in, then
    /// user-defined).
    pub fn layers(self) -> Vec<LayerKind> {
        LayerKind::all().into_iter().filter(|k| owns(self, *k)).collect()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown role {s:?}; roles: {}", names.join(", "))
        })
    }
}

/// Whether `role` writes the layer `kind` (and sees its personal fields). Admin
/// owns every layer; boundaries, townships, villages and clinics are admin-only;
/// a user-defined layer is owned by the role its definition names.
pub fn owns(role: Role, kind: LayerKind) -> bool {
    use LayerKind as K;
    if let Some(def) = kind.user_def() {
        return role == Role::Admin || def.owner == role.as_str();
    }
    match role {
        Role::Admin => true,
        Role::Agriculture => matches!(kind, K::OriginPoints | K::Producers),
        Role::Housing => {
            matches!(kind, K::SpongeFacilities | K::SpongeProjects | K::WaterloggingPoints | K::ExpropriationHouseholds)
        }
        Role::Land => matches!(
            kind,
            K::UrbanGradeZones
                | K::CollectiveGradeZones
                | K::BenchmarkPrices
                | K::ExpropriationAreas
                | K::ConsolidationProjects
        ),
        Role::Traffic => matches!(kind, K::TruckBanZone | K::TruckPasses | K::FreightSources | K::TruckBanRoads),
    }
}

/// Whether the personal fields (names, phones) of `kind` may be shown: only to
/// an admin or to the role that owns the layer, never anonymously.
pub fn may_see_personal(user: Option<&User>, kind: LayerKind) -> bool {
    user.is_some_and(|u| owns(u.role, kind))
}

/// Whether `user` may read the layer `kind` at all (features, tiles, locate,
/// export): anyone for a public layer; only its owner and admins for a
/// user-defined layer that is not public.
pub fn may_read(user: Option<&User>, kind: LayerKind) -> bool {
    kind.is_public() || user.is_some_and(|u| owns(u.role, kind))
}

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// The name in the users file (`admin` for the admin token).
    pub name: String,
    /// What the user may do.
    pub role: Role,
}

impl User {
    /// How the user's writes are recorded in the audit table: `zhang.san (agriculture)`.
    pub fn actor(&self) -> Actor {
        Actor(format!("{} ({})", self.name, self.role))
    }
}

/// How writes with the admin token are recorded in the audit table (as before users existed).
pub const ADMIN_TOKEN_ACTOR: &str = "admin-token";

/// Why a users file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("users file{}: {message}", match line { Some(l) => format!(" line {l}"), None => String::new() })]
pub struct UsersError {
    /// 1-based line of the problem, when it has one.
    pub line: Option<usize>,
    /// What is wrong, naming the field.
    pub message: String,
}

fn users_error(line: Option<usize>, message: impl Into<String>) -> UsersError {
    UsersError { line, message: message.into() }
}

/// The users known to the server, with the SHA-256 of their tokens.
#[derive(Clone, Default)]
pub struct Users {
    entries: Vec<(User, [u8; 32])>,
}

impl fmt::Debug for Users {
    /// Names and roles only, never the hashes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.entries.iter().map(|(u, _)| format!("{} ({})", u.name, u.role))).finish()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsersFile {
    #[serde(default)]
    user: Vec<UserEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    name: toml::Spanned<String>,
    role: Role,
    token_sha256: toml::Spanned<String>,
}

/// Whether a user name is usable: letters, digits, `.`, `_` and `-`, at most 64 characters.
pub fn check_user_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".to_owned());
    }
    if name.chars().count() > 64 {
        return Err(format!("the name {name:?} is longer than 64 characters"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return Err(format!("the name {name:?} contains {c:?}; use letters, digits, '.', '_' and '-'"));
    }
    Ok(())
}

fn line_at(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count()
}

fn parse_hash(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn sha256(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The SHA-256 of a token as 64 lowercase hex digits (the `token_sha256` of the users file).
pub fn hash_token(token: &str) -> String {
    sha256(token).iter().map(|b| format!("{b:02x}")).collect()
}

/// One `[[user]]` entry of the users file, ready to append.
pub fn user_entry_toml(name: &str, role: Role, token_sha256: &str) -> Result<String, String> {
    check_user_name(name)?;
    if parse_hash(token_sha256).is_none() {
        return Err("token_sha256 must be 64 hex digits".to_owned());
    }
    Ok(format!("[[user]]\nname = \"{name}\"\nrole = \"{role}\"\ntoken_sha256 = \"{token_sha256}\"\n"))
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Users {
    /// Reads a users file's text. Errors name the line and the field.
    pub fn parse(text: &str) -> Result<Users, UsersError> {
        let file: UsersFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_at(text, s.start));
            users_error(line, e.message().trim().to_owned())
        })?;
        let mut entries: Vec<(User, [u8; 32])> = Vec::with_capacity(file.user.len());
        for entry in file.user {
            let name_line = line_at(text, entry.name.span().start);
            let name = entry.name.into_inner();
            check_user_name(&name).map_err(|m| users_error(Some(name_line), format!("name: {m}")))?;
            if entries.iter().any(|(u, _)| u.name == name) {
                return Err(users_error(Some(name_line), format!("name: the user {name:?} is listed twice")));
            }
            let hash_line = line_at(text, entry.token_sha256.span().start);
            let hash = parse_hash(entry.token_sha256.get_ref().trim()).ok_or_else(|| {
                users_error(
                    Some(hash_line),
                    format!(
                        "token_sha256 of {name:?}: expected the SHA-256 of the token as 64 hex digits \
                         (`landtrace user add` writes it), not the token itself"
                    ),
                )
            })?;
            if let Some((other, _)) = entries.iter().find(|(_, h)| *h == hash) {
                return Err(users_error(
                    Some(hash_line),
                    format!("token_sha256 of {name:?} is the same as that of {:?}; give each user a token", other.name),
                ));
            }
            entries.push((User { name, role: entry.role }, hash));
        }
        Ok(Users { entries })
    }

    /// Reads a users file.
    pub fn load(path: &Path) -> Result<Users, UsersError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| users_error(None, format!("cannot read {}: {e}", path.display())))?;
        Users::parse(&text).map_err(|e| users_error(e.line, format!("{}: {}", path.display(), e.message)))
    }

    /// How many users.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The users, without their hashes.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.entries.iter().map(|(u, _)| u)
    }

    /// Whether a user of this name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(u, _)| u.name == name)
    }

    /// The user whose token this is. Every hash is compared (in constant time), so
    /// the time taken does not tell which user, if any, nearly matched.
    pub fn authenticate(&self, token: &str) -> Option<&User> {
        let given = sha256(token);
        let mut found = None;
        for (user, hash) in &self.entries {
            if constant_time_eq(&given, hash) {
                found = Some(user);
            }
        }
        found
    }
}

/// Whether two tokens are the same, compared in constant time (by their SHA-256).
pub fn same_token(given: &str, expected: &str) -> bool {
    constant_time_eq(&sha256(given), &sha256(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH_A: &str = "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"; // sha256("123")

    #[test]
    fn tokens_are_found_by_their_hash() {
        assert_eq!(hash_token("123"), HASH_A);
        let text = format!(
            "[[user]]\nname = \"zhang.san\"\nrole = \"agriculture\"\ntoken_sha256 = \"{}\"\n\n{}",
            HASH_A.to_uppercase(),
            user_entry_toml("li-si", Role::Land, &hash_token("456")).unwrap()
        );
        let users = Users::parse(&text).unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users.authenticate("123"), Some(&User { name: "zhang.san".into(), role: Role::Agriculture }));
        assert_eq!(users.authenticate("456").unwrap().actor(), Actor("li-si (land)".into()));
        assert_eq!(users.authenticate("789"), None);
        assert!(!format!("{users:?}").contains(HASH_A), "Debug shows no hashes");
        assert!(Users::parse("").unwrap().is_empty());
    }

    #[test]
    fn bad_files_name_the_line_and_field() {
        let err = |text: &str| Users::parse(text).unwrap_err().to_string();
        let e = err(&format!("[[user]]\nname = \"a\"\nrole = \"farmer\"\ntoken_sha256 = \"{HASH_A}\"\n"));
        assert!(e.starts_with("users file line 3:") && e.contains("farmer") && e.contains("agriculture"), "{e}");
        let e = err("[[user]]\nname = \"a\"\nrole = \"land\"\ntoken_sha256 = \"secret\"\n");
        assert!(e.starts_with("users file line 4: token_sha256 of \"a\""), "{e}");
        let e = err("[[user]]\nname = \"a\"\nrole = \"land\"\n");
        assert!(e.contains("token_sha256"), "{e}");
        let e = err(&format!("[[user]]\nname = \"a b\"\nrole = \"land\"\ntoken_sha256 = \"{HASH_A}\"\n"));
        assert!(e.starts_with("users file line 2: name:"), "{e}");
        let entry = user_entry_toml("a", Role::Land, HASH_A).unwrap();
        let e = err(&format!("{entry}{}", user_entry_toml("a", Role::Housing, &hash_token("x")).unwrap()));
        assert!(e.starts_with("users file line 6: name: the user \"a\" is listed twice"), "{e}");
        let e = err(&format!("{entry}{}", user_entry_toml("b", Role::Housing, HASH_A).unwrap()));
        assert!(e.contains("same as that of \"a\""), "{e}");
        let e =
            err(&format!("[[user]]\nname = \"a\"\nrole = \"land\"\ntoken_sha256 = \"{HASH_A}\"\npassword = \"x\"\n"));
        assert!(e.starts_with("users file line 5:") && e.contains("password"), "{e}");
        assert!(err("[[user]\n").starts_with("users file line 1:"));
    }

    #[test]
    fn a_user_defined_layer_belongs_to_its_owner_and_may_be_private() {
        use landtrace_domain::{FieldType, GeometryKind, UserField, UserLayerDef};
        let def = UserLayerDef {
            name: "jbnt_users_test".into(),
            title_zh: "永久基本农田".into(),
            title_en: "Permanent basic farmland".into(),
            geometry: GeometryKind::MultiPolygon,
            fields: vec![UserField {
                name: "tbbh".into(),
                title: None,
                ty: FieldType::Text,
                required: false,
                personal: false,
            }],
            owner: "land".into(),
            public: false,
            tiles: None,
            locate: true,
        };
        let kind = landtrace_domain::schema::user_layers::register(&def).unwrap();
        assert!(owns(Role::Land, kind) && owns(Role::Admin, kind));
        assert!(!owns(Role::Agriculture, kind) && !owns(Role::Traffic, kind));
        assert!(Role::Land.layers().contains(&kind) && !Role::Housing.layers().contains(&kind));
        let user = |role| User { name: "u".into(), role };
        assert!(!may_read(None, kind) && !may_read(Some(&user(Role::Housing)), kind));
        assert!(may_read(Some(&user(Role::Land)), kind) && may_read(Some(&user(Role::Admin)), kind));
        assert!(may_read(None, LayerKind::UrbanGradeZones));
    }

    #[test]
    fn layer_ownership() {
        use LayerKind as K;
        assert!(LayerKind::ALL.into_iter().all(|k| owns(Role::Admin, k)));
        assert_eq!(Role::Agriculture.layers(), [K::OriginPoints, K::Producers]);
        assert!(owns(Role::Housing, K::SpongeProjects) && owns(Role::Housing, K::WaterloggingPoints));
        assert!(owns(Role::Land, K::BenchmarkPrices) && !owns(Role::Land, K::OriginPoints));
        assert!(owns(Role::Traffic, K::TruckPasses) && !owns(Role::Traffic, K::SpongeFacilities));
        for k in [K::CountyBoundaries, K::Townships, K::Villages, K::VillageClinics] {
            assert!(Role::ALL.into_iter().filter(|r| owns(*r, k)).eq([Role::Admin]), "{k:?} is admin-only");
        }
        let farmer = User { name: "z".into(), role: Role::Agriculture };
        assert!(may_see_personal(Some(&farmer), K::OriginPoints));
        assert!(!may_see_personal(Some(&farmer), K::TruckPasses));
        assert!(!may_see_personal(None, K::OriginPoints));
        assert_eq!("housing".parse::<Role>(), Ok(Role::Housing));
        assert!("police".parse::<Role>().unwrap_err().contains("traffic"));
    }
}
