//! `GET /api`: the OpenAPI 3.0.3 document of every route, built from one list.
//!
//! [`ROUTES`] is the one list of what the server answers: method, the path as the
//! document writes it, the path as [`crate::app`] routes it, and the operation.
//! `tests/openapi.rs` keeps it honest both ways: every `.route(…)` written in this
//! crate's source (axum cannot list a router's routes) must be in the list with the
//! same methods, and every listed route must be answered by a route, not by the
//! fallback (no 404 "no route", no 405). Routes other developers are adding are
//! listed as [`Served::Pending`]; once their `.route(…)` line exists the test asks
//! for the marker to go.
//!
//! The document is plain `serde_json` (no `openapiv3`/`utoipa`): the operations
//! are written once here as data, the build stays as it is, and the PyPI
//! `openapi-spec-validator` checks the result in the tests.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

use crate::error::AppError;
use crate::serve::Peer;
use crate::state::AppState;

/// Media type of the document.
pub const MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.0";

/// Whether the router serves a listed route yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// A `.route(…)` of this crate answers it.
    Routed,
    /// Only with the `gdal` feature (export).
    RoutedWithGdal,
    /// Being added by another change (named); documented already.
    Pending(&'static str),
}

/// One method on one path.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// Lower case: get, post, put, patch, delete.
    pub method: &'static str,
    /// As the document writes it (`/tiles/{set}.json`).
    pub path: &'static str,
    /// As `app()` routes it (`/tiles/{file}`).
    pub router_path: &'static str,
    /// Served now, or later.
    pub served: Served,
    /// The OpenAPI operation object.
    pub operation: fn() -> Value,
}

impl Route {
    /// Whether this build's router answers it.
    pub fn is_routed(&self) -> bool {
        match self.served {
            Served::Routed => true,
            Served::RoutedWithGdal => cfg!(feature = "gdal"),
            Served::Pending(_) => false,
        }
    }
}

// ----- building blocks ------------------------------------------------------------------

/// Who may call an operation.
#[derive(Clone, Copy)]
enum Auth {
    /// Anyone; a token (when sent) must be valid and may show more.
    Optional,
    /// A bearer token is required.
    Required,
    /// An admin token is required.
    Admin,
}

struct Op(Map<String, Value>);

fn op(tag: &str, summary: &str) -> Op {
    let mut m = Map::new();
    m.insert("tags".into(), json!([tag]));
    m.insert("summary".into(), json!(summary));
    m.insert("parameters".into(), json!([]));
    m.insert("responses".into(), json!({}));
    Op(m)
}

fn s_str() -> Value {
    json!({"type": "string"})
}
fn s_int() -> Value {
    json!({"type": "integer"})
}
fn s_num() -> Value {
    json!({"type": "number"})
}
fn s_enum(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}
fn s_obj() -> Value {
    json!({"type": "object"})
}
fn s_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}
fn s_bin() -> Value {
    json!({"type": "string", "format": "binary"})
}

impl Op {
    fn describe(mut self, text: &str) -> Op {
        self.0.insert("description".into(), json!(text));
        self
    }
    fn param(mut self, p: Value) -> Op {
        self.0["parameters"].as_array_mut().expect("array").push(p);
        self
    }
    fn path(self, name: &str, desc: &str, schema: Value, example: Value) -> Op {
        self.param(json!({"name": name, "in": "path", "required": true, "description": desc,
            "schema": schema, "example": example}))
    }
    fn query(self, name: &str, desc: &str, schema: Value) -> Op {
        self.param(json!({"name": name, "in": "query", "description": desc, "schema": schema}))
    }
    fn query_required(self, name: &str, desc: &str, schema: Value) -> Op {
        self.param(json!({"name": name, "in": "query", "required": true, "description": desc, "schema": schema}))
    }
    fn header(self, name: &str, desc: &str, required: bool) -> Op {
        self.param(json!({"name": name, "in": "header", "required": required, "description": desc,
            "schema": s_str()}))
    }
    fn param_ref(self, name: &str) -> Op {
        self.param(json!({"$ref": format!("#/components/parameters/{name}")}))
    }
    /// A request body in these media types.
    fn body(mut self, desc: &str, types: &[(&str, Value)]) -> Op {
        let content: Map<String, Value> = types.iter().map(|(t, s)| ((*t).to_owned(), json!({"schema": s}))).collect();
        self.0.insert("requestBody".into(), json!({"required": true, "description": desc, "content": content}));
        self
    }
    /// A success answer with these media types (none: no body).
    fn ok(mut self, code: u16, desc: &str, types: &[(&str, Value)]) -> Op {
        let mut r = json!({"description": desc});
        if !types.is_empty() {
            let content: Map<String, Value> =
                types.iter().map(|(t, s)| ((*t).to_owned(), json!({"schema": s}))).collect();
            r["content"] = Value::Object(content);
        }
        self.0["responses"][code.to_string()] = r;
        self
    }
    /// Adds headers to the answer `code`.
    fn ok_headers(mut self, code: u16, headers: &[(&str, &str)]) -> Op {
        let h: Map<String, Value> =
            headers.iter().map(|(n, d)| ((*n).to_owned(), json!({"description": d, "schema": s_str()}))).collect();
        self.0["responses"][code.to_string()]["headers"] = Value::Object(h);
        self
    }
    /// Error answers (see `components.responses`).
    fn errors(mut self, codes: &[u16]) -> Op {
        for code in codes {
            self.0["responses"][code.to_string()] = json!({"$ref": format!("#/components/responses/E{code}")});
        }
        self
    }
    fn auth(mut self, auth: Auth) -> Op {
        let security = match auth {
            Auth::Optional => json!([{}, {"bearerAuth": []}]),
            Auth::Required | Auth::Admin => json!([{"bearerAuth": []}]),
        };
        self.0.insert("security".into(), security);
        let codes: &[u16] = match auth {
            Auth::Optional => &[401],
            Auth::Required | Auth::Admin => &[401, 403],
        };
        self.errors(codes)
    }
    /// The `Idempotency-Key` header of writes.
    fn idempotent(self) -> Op {
        self.param_ref("IdempotencyKey")
    }
    fn done(mut self) -> Value {
        // Every request may meet the failed-sign-in limit and the deadline.
        for code in [429u16, 503] {
            self.0["responses"][code.to_string()] = json!({"$ref": format!("#/components/responses/E{code}")});
        }
        Value::Object(self.0)
    }
}

const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";
const CSV: &str = "text/csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HTML: &str = "text/html";
const OCTETS: &str = "application/octet-stream";
const MVT: &str = "application/vnd.mapbox-vector-tile";

fn json_answer() -> [(&'static str, Value); 1] {
    [(JSON, s_obj())]
}

fn layer_param(o: Op) -> Op {
    o.path("layer", "Table name of a layer (see GET /api/layers).", s_str(), json!("urban_grade_zones"))
}
fn id_param(o: Op, what: &str) -> Op {
    o.path("id", what, s_int(), json!(1))
}
fn collection_param(o: Op) -> Op {
    o.path("collectionId", "A collection: a layer's table name.", s_str(), json!("urban_grade_zones"))
}
fn feature_param(o: Op) -> Op {
    o.path("featureId", "The feature's id.", s_str(), json!("1"))
}
fn crs_query(o: Op, what: &str) -> Op {
    o.query("crs", &format!("CRS of {what}: an EPSG code (EPSG:4326 by default), GCJ-02 or BD-09."), s_str())
}
fn f_query(o: Op, formats: &[&str]) -> Op {
    o.query("f", "The answer's format (instead of the Accept header).", s_enum(formats))
}
fn upload_body(o: Op, desc: &str) -> Op {
    o.body(desc, &[(OCTETS, s_bin()), ("text/plain", s_str()), (GEOJSON, s_obj()), (CSV, s_str())])
}
fn if_match(o: Op) -> Op {
    o.header("If-Match", "The ETag of the version being changed (GET …/items/{featureId}); required.", false)
        .errors(&[412, 428])
}

// ----- the routes ------------------------------------------------------------------------

macro_rules! route {
    ($method:literal, $path:literal, $op:expr) => {
        route!($method, $path, $path, Served::Routed, $op)
    };
    ($method:literal, $path:literal, $router:literal, $served:expr, $op:expr) => {
        Route { method: $method, path: $path, router_path: $router, served: $served, operation: || $op.done() }
    };
}

const OGC: Served = Served::Routed;
const AUDIT: Served = Served::Routed;

/// Every route the server answers (or is about to), in the document's order.
pub const ROUTES: &[Route] = &[
    // --- OGC API landing, conformance, this document
    route!("get", "/", "/", OGC, f_query(op("OGC API", "Landing page"), &["json", "html"])
        .describe("JSON for clients, HTML for browsers (by `f` or the Accept header); links to the API document, conformance, collections and tiles.")
        .ok(200, "The landing page.", &[(JSON, s_ref("LandingPage")), (HTML, s_str())])
        .errors(&[400])),
    route!("get", "/conformance", "/conformance", OGC, f_query(op("OGC API", "Conformance classes"), &["json", "html"])
        .ok(200, "The conformance classes implemented.", &[(JSON, s_ref("Conformance")), (HTML, s_str())])
        .errors(&[400])),
    route!("get", "/api", f_query(op("OGC API", "This OpenAPI 3.0 document"), &["json"])
        .ok(200, "The OpenAPI document.", &[(MEDIA_TYPE, s_obj()), (JSON, s_obj())])
        .errors(&[400])),
    // --- OGC API - Features
    route!("get", "/collections", "/collections", OGC, f_query(op("OGC API - Features", "The collections (layers) the caller may read"), &["json", "html"])
        .auth(Auth::Optional)
        .ok(200, "The collections.", &[(JSON, s_obj()), (HTML, s_str())])
        .errors(&[400])),
    route!("get", "/collections/{collectionId}", "/collections/{layer}", OGC,
        f_query(collection_param(op("OGC API - Features", "One collection")), &["json", "html"])
        .auth(Auth::Optional)
        .ok(200, "The collection.", &[(JSON, s_obj()), (HTML, s_str())])
        .errors(&[400, 404])),
    route!("get", "/collections/{collectionId}/queryables", "/collections/{layer}/queryables", OGC,
        collection_param(op("OGC API - Features", "The properties a filter may use"))
        .auth(Auth::Optional)
        .ok(200, "A JSON Schema of the queryables.", &[("application/schema+json", s_obj())])
        .errors(&[404])),
    route!("get", "/collections/{collectionId}/items", "/collections/{layer}/items", OGC,
        f_query(collection_param(op("OGC API - Features", "Features of a collection")), &["json", "html"])
        .describe("Any queryable property may also be given as `name=value`.")
        .param(json!({"name": "bbox", "in": "query", "style": "form", "explode": false,
            "description": "minx,miny,maxx,maxy (or 6 numbers with heights), in bbox-crs.",
            "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}}))
        .query("bbox-crs", "CRS of bbox (a URI; CRS84 by default).", s_str())
        .query("crs", "CRS of the answer's coordinates (a URI; CRS84 by default).", s_str())
        .query("limit", "Features per page.", json!({"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}))
        .query("offset", "Features skipped.", json!({"type": "integer", "minimum": 0, "default": 0}))
        .query("datetime", "An instant or interval (RFC 3339, `..` open).", s_str())
        .query("as_of", "The features as they were at this instant (from the audit).", s_str())
        .query("filter", "A CQL2 filter.", s_str())
        .query(
            "filter-lang",
            "Language of filter; `cql-text` is the pre-standard name GDAL's OAPIF driver (before 3.7) sends, read as CQL2 text.",
            s_enum(&["cql2-text", "cql2-json", "cql-text"]),
        )
        .query("filter-crs", "CRS of the filter's geometries (a URI).", s_str())
        .auth(Auth::Optional)
        .ok(200, "A page of features.", &[(GEOJSON, s_ref("FeatureCollection")), (HTML, s_str())])
        .ok_headers(200, &[("Content-Crs", "The CRS of the coordinates, `<URI>`.")])
        .errors(&[400, 404])),
    route!("post", "/collections/{collectionId}/items", "/collections/{layer}/items", OGC,
        collection_param(op("OGC API - Features", "Add a feature"))
        .body("A GeoJSON Feature.", &[(GEOJSON, s_ref("Feature"))])
        .idempotent()
        .auth(Auth::Required)
        .ok(201, "Created.", &[])
        .ok_headers(201, &[("Location", "The new feature's URL."), ("ETag", "Its version.")])
        .errors(&[400, 404, 413, 422])),
    route!("get", "/collections/{collectionId}/items/{featureId}", "/collections/{layer}/items/{id}", OGC,
        f_query(crs_query_uri(feature_param(collection_param(op("OGC API - Features", "One feature")))), &["json", "html"])
        .auth(Auth::Optional)
        .ok(200, "The feature.", &[(GEOJSON, s_ref("Feature")), (HTML, s_str())])
        .ok_headers(200, &[("ETag", "The feature's version, for If-Match."), ("Content-Crs", "The CRS, `<URI>`.")])
        .errors(&[400, 404])),
    route!("put", "/collections/{collectionId}/items/{featureId}", "/collections/{layer}/items/{id}", OGC,
        if_match(feature_param(collection_param(op("OGC API - Features", "Replace a feature"))))
        .body("A GeoJSON Feature.", &[(GEOJSON, s_ref("Feature"))])
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Replaced; the feature.", &[(GEOJSON, s_ref("Feature"))])
        .ok(204, "Replaced.", &[])
        .errors(&[400, 404, 413, 422])),
    route!("patch", "/collections/{collectionId}/items/{featureId}", "/collections/{layer}/items/{id}", OGC,
        if_match(feature_param(collection_param(op("OGC API - Features", "Change part of a feature"))))
        .body("A JSON merge patch (RFC 7396) of the Feature.", &[("application/merge-patch+json", s_obj())])
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Changed; the feature.", &[(GEOJSON, s_ref("Feature"))])
        .ok(204, "Changed.", &[])
        .errors(&[400, 404, 413, 422])),
    route!("delete", "/collections/{collectionId}/items/{featureId}", "/collections/{layer}/items/{id}", OGC,
        if_match(feature_param(collection_param(op("OGC API - Features", "Delete a feature"))))
        .idempotent()
        .auth(Auth::Required)
        .ok(204, "Deleted.", &[])
        .errors(&[404])),
    // --- OGC API - Tiles and styles
    route!("get", "/collections/{collectionId}/tiles",
        collection_param(op("OGC API - Tiles", "The vector tile set of a collection"))
        .auth(Auth::Optional)
        .ok(200, "The tile sets (WebMercatorQuad).", &[(JSON, s_ref("TileSetList"))])
        .errors(&[404])),
    route!("get", "/tiles", op("OGC API - Tiles", "Every vector tile set")
        .auth(Auth::Optional)
        .ok(200, "The tile sets (WebMercatorQuad), with links to TileJSON and styles.", &[(JSON, s_ref("TileSetList"))])),
    route!("get", "/tileMatrixSets", op("OGC API - Tiles", "The tile matrix sets")
        .ok(200, "WebMercatorQuad.", &json_answer())),
    route!("get", "/tileMatrixSets/{tileMatrixSetId}",
        op("OGC API - Tiles", "One tile matrix set")
        .path("tileMatrixSetId", "Only WebMercatorQuad.", s_str(), json!("WebMercatorQuad"))
        .ok(200, "Its definition (OGC 2D-TMS JSON).", &json_answer())
        .errors(&[404])),
    route!("get", "/tiles/{set}.json", "/tiles/{file}", Served::Routed,
        op("Tiles", "TileJSON 3.0.0 of a tile set")
        .path("set", "A tile set: `all`, or a layer's table name.", s_str(), json!("all"))
        .ok(200, "TileJSON, with absolute tile URLs and a link to the set's style.", &json_answer())
        .errors(&[400, 404])),
    route!("get", "/tiles/{set}/{z}/{x}/{y}.mvt", "/tiles/{set}/{z}/{x}/{y}", Served::Routed,
        op("Tiles", "A Mapbox Vector Tile")
        .path("set", "A tile set.", s_str(), json!("all"))
        .path("z", "Zoom.", json!({"type": "integer", "minimum": 0, "maximum": 24}), json!(0))
        .path("x", "Column.", json!({"type": "integer", "minimum": 0}), json!(0))
        .path("y", "Row (XYZ, from the north).", json!({"type": "integer", "minimum": 0}), json!(0))
        .header("If-None-Match", "A tile's ETag: 304 when unchanged.", false)
        .ok(200, "The tile (gzip when accepted).", &[(MVT, s_bin())])
        .ok_headers(200, &[("ETag", "Strong validator of the tile's bytes.")])
        .ok(204, "An empty tile.", &[])
        .ok(304, "Not modified.", &[])
        .errors(&[400, 404])),
    route!("get", "/styles", op("Styles", "The MapLibre styles")
        .auth(Auth::Optional)
        .ok(200, "The styles (the `all` set and each public user-defined layer).", &json_answer())),
    route!("get", "/styles/{id}.json", "/styles/{file}", Served::Routed,
        op("Styles", "A MapLibre style (version 8) for QGIS or MapLibre")
        .describe("Self-contained: one vector source with absolute tile URLs, no sprite or glyphs. 404 when the map client is not built.")
        .path("id", "`all` or a user-defined layer's table name.", s_str(), json!("all"))
        .auth(Auth::Optional)
        .ok(200, "The style.", &json_answer())
        .errors(&[404])),
    // --- base maps
    route!("get", "/basemaps", op("Base maps", "The base maps this server offers")
        .describe("Tile archives on the server's disk (`serve --basemap FILE`) and URL templates (`--basemap-url`, 天地图 with `--tianditu-key`): id, title, kind (raster or vector), attribution, zoom range, bounds, TileJSON URL; templates also list their `layers` of tile URLs.")
        .ok(200, "The list (empty when none is configured).", &json_answer())),
    route!("get", "/basemaps/{id}.json", "/basemaps/{file}", Served::Routed,
        op("Base maps", "TileJSON 3.0.0 of a base map")
        .path("id", "A base map's id.", s_str(), json!("county"))
        .ok(200, "TileJSON; a vector archive's has its `vector_layers`.", &json_answer())
        .errors(&[404])),
    route!("get", "/basemaps/{id}/{z}/{x}/{y}", "/basemaps/{id}/{z}/{x}/{y}", Served::Routed,
        op("Base maps", "A tile of a base-map archive, as stored")
        .describe("PNG, JPEG, WebP or MVT as the archive holds it; gzip'd vector tiles are sent with `Content-Encoding: gzip` (inflated for a client that does not accept gzip). The row may carry an extension (`.png`, `.pbf`).")
        .path("id", "A base map's id (an archive).", s_str(), json!("county"))
        .path("z", "Zoom.", json!({"type": "integer", "minimum": 0, "maximum": 24}), json!(0))
        .path("x", "Column.", json!({"type": "integer", "minimum": 0}), json!(0))
        .path("y", "Row (XYZ, from the north).", json!({"type": "integer", "minimum": 0}), json!(0))
        .ok(200, "The tile.", &[("image/png", s_bin()), ("image/jpeg", s_bin()), ("image/webp", s_bin()), (MVT, s_bin())])
        .ok(204, "The archive has no tile there.", &[])
        .errors(&[400, 404])),
    // --- service
    route!("get", "/health", op("Service", "Health of the server and its store")
        .ok(200, "Up (`degraded` when the last write was refused but reads work).", &json_answer())
        .errors(&[503])),
    route!("get", "/api/me", op("Service", "Who the token belongs to")
        .auth(Auth::Optional)
        .ok(200, "The user and role (anonymous without a token).", &json_answer())),
    // --- sign-in and accounts (routes/accounts.rs)
    route!("post", "/api/session", op("Accounts", "Sign in with a name and password")
        .describe("Answers a session token for 12 hours (`Authorization: Bearer <token>`). Wrong name or password, or a disabled account: 401, counted against the client's failed sign-ins (429 after too many).")
        .body("`{name, password}`", &[(JSON, json!({"type": "object", "required": ["name", "password"],
            "properties": {"name": s_str(), "password": json!({"type": "string", "format": "password"})}}))])
        .ok(201, "Signed in: `{token, expires_at, user, role}`.", &json_answer())
        .errors(&[400, 401, 413])),
    route!("delete", "/api/session", op("Accounts", "Sign out")
        .describe("Ends the session (or revokes the account token) sent as the bearer token.")
        .auth(Auth::Required)
        .ok(204, "Signed out.", &[])),
    route!("get", "/api/admin/users", op("Accounts", "Every account and the roles (admin)")
        .describe("Accounts of the store (managed here) and of the users file (read-only), with their live tokens (never a hash or a password).")
        .auth(Auth::Admin)
        .ok(200, "`{users, roles}`.", &json_answer())),
    route!("post", "/api/admin/users", op("Accounts", "Add an account (admin)")
        .body("`{name, role, password?}`: a password of at least 10 characters, hashed with Argon2id.", &[(JSON, s_obj())])
        .auth(Auth::Admin)
        .ok(201, "The account.", &json_answer())
        .errors(&[400, 409, 413])),
    route!("get", "/api/admin/users/audit", op("Accounts", "The accounts' audit trail (admin)")
        .auth(Auth::Admin)
        .ok(200, "`{changes}`: who, when, action, before and after (no secrets), newest first.", &json_answer())),
    route!("patch", "/api/admin/users/{name}", op("Accounts", "Change an account (admin)")
        .path("name", "The account's name.", s_str(), json!("li.si"))
        .body("`{role?, disabled?, password?}`; a new password or disabling ends its sessions.", &[(JSON, s_obj())])
        .auth(Auth::Admin)
        .ok(200, "The account.", &json_answer())
        .errors(&[400, 404, 409, 413])),
    route!("post", "/api/admin/users/{name}/tokens", op("Accounts", "Issue an API token (admin)")
        .path("name", "The account's name.", s_str(), json!("li.si"))
        .body("`{label?}` (or empty).", &[(JSON, s_obj())])
        .auth(Auth::Admin)
        .ok(201, "`{id, token}`: the token is shown only now.", &json_answer())
        .errors(&[400, 404, 409, 413])),
    route!("delete", "/api/admin/users/{name}/tokens/{id}", op("Accounts", "Revoke a token (admin)")
        .path("name", "The account's name.", s_str(), json!("li.si"))
        .path("id", "The token's id.", s_int(), json!(1))
        .auth(Auth::Admin)
        .ok(204, "Revoked.", &[])
        .errors(&[400, 404, 409])),
    route!("get", "/api/locate", crs_query(op("Locate", "The zones at a point"), "lon/lat")
        .query_required("lon", "Longitude (or easting).", s_num())
        .query_required("lat", "Latitude (or northing).", s_num())
        .auth(Auth::Optional)
        .ok(200, "The zones containing the point, with their rules.", &json_answer())
        .errors(&[400])),
    route!("get", "/api/search", op("Locate", "Search: places, features, documents, plates, producers, coordinates")
        .describe("Townships and villages (official names, codes, the gazette's OCR variants), layer features by name, document numbers (any brackets or none), truck passes by plate (traffic and admins only), producers (agriculture and admins only), and positions typed in any CRS (`35.14, 110.77` in either order, Gauss-Krüger recognised by its ranges, `gcj02: 110.78,35.139`, `EPSG:4546 479039.53 3890148.98`). Ranked exact > prefix > contains; personal fields only for the roles that may see them.")
        .query_required("q", "What to look for (at most 100 characters).", s_str())
        .query("limit", "Most results.", json!({"type": "integer", "minimum": 1, "maximum": 50, "default": 10}))
        .auth(Auth::Optional)
        .ok(200, "`{query, results: [{kind, layer?, id?, title, subtitle, bbox?, point?, crs_used?, note?, properties?, match}], note?}`.", &json_answer())
        .errors(&[400])),
    // --- layers
    route!("get", "/api/layers", op("Layers", "The layers the caller may read")
        .auth(Auth::Optional)
        .ok(200, "Layers with fields, owner, tile set and count.", &json_answer())),
    route!("post", "/api/layers", op("Layers", "Define a new layer")
        .body("A layer definition (name, title_zh, title_en, geometry, fields, owner, public, tiles, locate).", &[(JSON, s_obj())])
        .auth(Auth::Required)
        .ok(201, "Created; the layer as listed.", &json_answer())
        .errors(&[400, 409, 413])),
    route!("get", "/api/layers/{layer}/export", "/api/layers/{layer}/export", Served::RoutedWithGdal,
        crs_query(layer_param(op("Layers", "Export a layer as a file")), "the file")
        .query_required("format", "File format.", s_enum(&["geojson", "csv", "xlsx", "gpkg", "shp", "kml", "dxf"]))
        .query("bbox", "minlon,minlat,maxlon,maxlat (WGS84).", s_str())
        .query("encoding", "Shapefile text encoding.", s_enum(&["utf-8", "gbk"]))
        .auth(Auth::Optional)
        .ok(200, "The file.", &[(OCTETS, s_bin())])
        .errors(&[400, 404, 413])),
    route!("post", "/api/layers/{layer}/features", layer_param(op("Layers", "Add features (all or nothing)"))
        .body("A GeoJSON Feature or FeatureCollection.", &[(GEOJSON, s_obj()), (JSON, s_obj())])
        .idempotent()
        .auth(Auth::Required)
        .ok(201, "Inserted; their ids.", &json_answer())
        .errors(&[400, 404, 413, 422])),
    route!("post", "/api/layers/{layer}/import", crs_query(layer_param(op("Layers", "Import a file into a layer (or a new layer)")), "the file")
        .query("filename", "The file's name (tells the format).", s_str())
        .query("encoding", "Text encoding (utf-8, gbk).", s_str())
        .query("layer", "The layer inside a multi-layer file.", s_str())
        .query("fields", "Field mapping `source=target,…`.", s_str())
        .query("dry_run", "Check only.", s_enum(&["true", "false"]))
        .query("repair", "Repair invalid polygons.", s_enum(&["true", "false"]))
        .query("new_layer", "Create the layer from the file.", s_enum(&["true", "false"]))
        .query("owner", "New layer: its owning role.", s_str())
        .query("title_zh", "New layer: Chinese title.", s_str())
        .query("title_en", "New layer: English title.", s_str())
        .query("private", "New layer: not public.", s_enum(&["true", "false"]))
        .query("tiles", "New layer: zoom range `min-max`.", s_str())
        .query("no_tiles", "New layer: no tile set.", s_enum(&["true", "false"]))
        .query("no_locate", "New layer: not answered by locate.", s_enum(&["true", "false"]))
        .query("personal", "New layer: personal fields, comma separated.", s_str())
        .body("The file: GeoJSON, a zipped Shapefile, GeoPackage, KML/KMZ, CSV, XLSX … (by filename or content).", &[(OCTETS, s_bin()), (GEOJSON, s_obj()), (CSV, s_str())])
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Dry run: what would be imported.", &json_answer())
        .ok(201, "Imported.", &json_answer())
        .errors(&[400, 404, 409, 413, 422])),
    route!("put", "/api/layers/{layer}/features/{id}", id_param(layer_param(op("Layers", "Replace a feature")), "The feature's id.")
        .body("One GeoJSON Feature.", &[(GEOJSON, s_ref("Feature")), (JSON, s_ref("Feature"))])
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Replaced.", &json_answer())
        .errors(&[400, 404, 413, 422])),
    route!("delete", "/api/layers/{layer}/features/{id}", id_param(layer_param(op("Layers", "Delete a feature")), "The feature's id.")
        .idempotent()
        .auth(Auth::Required)
        .ok(204, "Deleted.", &[])
        .errors(&[400, 404])),
    route!("post", "/api/layers/{layer}/features/{id}/restore", "/api/layers/{layer}/features/{id}/restore", AUDIT,
        id_param(layer_param(op("Layers", "Restore a feature to an earlier version")), "The feature's id.")
        .query_required("version", "The audit version to restore.", s_int())
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Restored; the feature.", &json_answer())
        .errors(&[400, 404, 409])),
    route!("get", "/api/audit", "/api/audit", AUDIT, op("Layers", "The audit trail (admin)")
        .query("layer", "Only this layer.", s_str())
        .query("fid", "Only this feature id.", s_int())
        .query("since", "From this instant (RFC 3339).", s_str())
        .query("until", "Before this instant (RFC 3339).", s_str())
        .query("after_id", "Rows after this audit id (paging).", s_int())
        .query("limit", "Rows per page.", json!({"type": "integer", "minimum": 1}))
        .auth(Auth::Admin)
        .ok(200, "Audit rows.", &json_answer())
        .errors(&[400])),
    // --- land
    route!("post", "/api/land/valuation", op("Land", "Benchmark value of a parcel")
        .body("`{parcel, crs?, use, collective_use?, as_of?, appraisal?: {remaining_term_years?, plot_ratio?, factors?, corrections?: \"none\" | \"illustrative\" | {tables}}, corners_crs?}` (appraisal: 基准地价系数修正法, GB/T 18508-2014; without tables the benchmark price alone; `corners_crs`, a projected CRS such as EPSG:4546: the answer's `corners` lists the parcel's corners J1… in WGS84 and in it, x = northing, y = easting).", &[(JSON, s_obj())])
        .ok(200, "The value by grade part (and the appraisal, when asked).", &json_answer())
        .errors(&[400, 413, 422])),
    route!("post", "/api/land/valuation/batch", upload_body(op("Land", "Benchmark values of a parcel file"), "GeoJSON, CSV with WKT, or a land approval coordinate file.")
        .query_required("use", "Land use (e.g. 住宅).", s_str())
        .query("collective_use", "Use for collective-land parts.", s_str())
        .query("as_of", "Date (YYYY-MM-DD).", json!({"type": "string", "format": "date"}))
        .query("crs", "CRS of the file.", s_str())
        .query("format", "The answer's format.", s_enum(&["csv", "xlsx", "geojson", "json"]))
        .query("filename", "The file's name.", s_str())
        .query("appraisal", "Appraise by the benchmark-price coefficient method (any value).", s_str())
        .query("remaining_term_years", "Remaining land-use term (years), for the term correction.", s_num())
        .query("plot_ratio", "Plot ratio (容积率).", s_num())
        .query("factors", "Individual factor grades, 因素=等级;….", s_str())
        .query("corrections", "Correction tables: the server's by default, none or illustrative.", s_enum(&["none", "illustrative"]))
        .ok(200, "One row per parcel.", &[(CSV, s_str()), (XLSX, s_bin()), (GEOJSON, s_obj()), (JSON, s_obj())])
        .errors(&[400, 413, 422])),
    route!("get", "/api/land/expropriation", crs_query(op("Land", "Expropriation projects at a point"), "lon/lat")
        .query_required("lon", "Longitude.", s_num())
        .query_required("lat", "Latitude.", s_num())
        .query("as_of", "Date (YYYY-MM-DD; today by default).", json!({"type": "string", "format": "date"}))
        .ok(200, "The projects and their periods.", &json_answer())
        .errors(&[400])),
    route!("post", "/api/land/expropriation", op("Land", "Expropriation projects a parcel touches")
        .body("`{parcel, crs?, as_of?}`.", &[(JSON, s_obj())])
        .ok(200, "The projects and the parcel's area in each.", &json_answer())
        .errors(&[400, 413, 422])),
    route!("post", "/api/land/expropriation/batch", upload_body(op("Land", "Expropriation check of a parcel file"), "A parcel file.")
        .query("as_of", "Date (YYYY-MM-DD).", json!({"type": "string", "format": "date"}))
        .query("crs", "CRS of the file.", s_str())
        .query("format", "The answer's format.", s_enum(&["csv", "xlsx", "geojson", "json"]))
        .query("filename", "The file's name.", s_str())
        .ok(200, "One row per parcel.", &[(CSV, s_str()), (XLSX, s_bin()), (GEOJSON, s_obj()), (JSON, s_obj())])
        .errors(&[400, 413, 422])),
    route!("post", "/api/land/expropriation/compensation", op("Land", "House compensation estimate")
        .body("`{decision_no, appraised_value_yuan, building_area_m2, signed_day_after_appraisal}`; a house of two storeys or fewer may give `storeys, legal_land_area_m2, appraised_price_per_m2_yuan, construction_cost_per_m2_yuan` instead of the value (九（二）).", &[(JSON, s_obj())])
        .ok(200, "The estimate.", &json_answer())
        .errors(&[400, 413])),
    route!("post", "/api/land/consolidation", op("Land", "Land-consolidation compensation")
        .body("`{project_type, area_mu | parcel, crs?, attachments, approved_on?, accepted_on?}` (dates: the scope of the consolidation measures, 第二条, gazette line 1348; the subsidy's calendar years, 第五条, line 1362).", &[(JSON, s_obj())])
        .ok(200, "The compensation.", &json_answer())
        .errors(&[400, 413, 422])),
    route!("get", "/api/land/consolidation/projects/{id}", id_param(op("Land", "Compensation of a stored consolidation project"), "The project's id.")
        .ok(200, "The compensation, scope and subsidy schedule.", &json_answer())
        .errors(&[404])),
    // --- truck ban
    route!("post", "/api/truck-ban/check", op("Truck ban", "May this truck be here now?")
        .body("`{lon, lat, crs?, at, vehicle, pass?}`.", &[(JSON, s_obj())])
        .ok(200, "The decision and the clause cited.", &json_answer())
        .errors(&[400, 413])),
    route!("post", "/api/truck-ban/track", crs_query(upload_body(op("Truck ban", "Violations along a GPS track"), "CSV, GPX or GeoJSON fixes."), "the fixes")
        .query("format", "The track's format (default: from the content).", s_enum(&["csv", "gpx", "geojson"]))
        .query("max_gap_s", "A pause longer than this is a gap (seconds).", s_int())
        .query("vehicle", "The vehicle, JSON as `vehicle` of /api/truck-ban/check (default: a heavy fuel truck without a pass, stated as an assumption).", s_str())
        .query("pass", "The truck's pass, JSON as `pass` of /api/truck-ban/check (default: the registry's passes for the plate).", s_str())
        .query("inside_pass_area", "Whether the track is inside the pass's named area (true/false).", s_str())
        .query("f", "The answer's format: json, csv, xlsx or html (a printable page).", s_enum(&["json", "csv", "xlsx", "html"]))
        .ok(200, "Violation intervals for the vehicle, each with the decision of the point check; local date-times.", &json_answer())
        .errors(&[400, 413, 422])),
    route!("get", "/api/truck-ban/freight-sources", op("Truck ban", "Freight sources")
        .ok(200, "The freight sources.", &json_answer())),
    // --- traceability
    route!("get", "/api/trace/options", op("Traceability", "Choices of the origin-record form")
        .ok(200, "Products, subject types, divisions.", &json_answer())),
    route!("get", "/api/trace/records", op("Traceability", "Origin records")
        .query("product", "Only this product.", s_str())
        .query("subject_type", "Only this subject type.", s_str())
        .query("township", "Only this township code.", s_str())
        .query("due", "Only overdue (or not).", s_str())
        .query("as_of", "Date the due status is for (YYYY-MM-DD).", json!({"type": "string", "format": "date"}))
        .auth(Auth::Optional)
        .ok(200, "The records (personal fields to the owning role and admins).", &[(GEOJSON, s_obj()), (JSON, s_obj())])
        .errors(&[400])),
    route!("post", "/api/trace/records", op("Traceability", "Add an origin record")
        .query("merge", "The id of the stored record this submission repeats and updates (after a 409).", s_int())
        .body("The record's fields and lon/lat.", &[(JSON, s_obj())])
        .idempotent()
        .auth(Auth::Required)
        .ok(201, "Created.", &json_answer())
        .ok(200, "Merged into the stored record named by merge.", &json_answer())
        .errors(&[400, 404, 409, 413, 422])),
    route!("get", "/api/trace/records/{id}", id_param(op("Traceability", "One origin record"), "The record's id.")
        .query("as_of", "Date the due status is for.", json!({"type": "string", "format": "date"}))
        .auth(Auth::Optional)
        .ok(200, "The record.", &json_answer())
        .errors(&[400, 404])),
    route!("put", "/api/trace/records/{id}", id_param(op("Traceability", "Replace an origin record"), "The record's id.")
        .body("The record's fields and lon/lat.", &[(JSON, s_obj())])
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Replaced.", &json_answer())
        .errors(&[400, 404, 413, 422])),
    route!("delete", "/api/trace/records/{id}", id_param(op("Traceability", "Delete an origin record"), "The record's id.")
        .idempotent()
        .auth(Auth::Required)
        .ok(204, "Deleted.", &[])
        .errors(&[404])),
    route!("post", "/api/trace/records/{id}/photos", id_param(op("Traceability", "Attach a photo to an origin record"), "The record's id.")
        .body("The photo (JPEG, PNG or WebP, told by its bytes; at most 5 MiB).", &[("image/jpeg", s_bin()), ("image/png", s_bin()), ("image/webp", s_bin()), (OCTETS, s_bin())])
        .idempotent()
        .auth(Auth::Required)
        .ok(201, "Stored: the photo's metadata and URL.", &json_answer())
        .errors(&[400, 404, 413, 415, 422])),
    route!("get", "/api/trace/records/{id}/photos", id_param(op("Traceability", "The photos of an origin record"), "The record's id.")
        .auth(Auth::Required)
        .ok(200, "Metadata and URLs (agriculture staff and admins).", &json_answer())
        .errors(&[404])),
    route!("get", "/api/trace/photos/{photo_id}", op("Traceability", "A record photo's bytes")
        .path("photo_id", "The photo's id.", s_int(), json!(1))
        .auth(Auth::Required)
        .ok(200, "The image (Cache-Control: private).", &[("image/jpeg", s_bin()), ("image/png", s_bin()), ("image/webp", s_bin())])
        .errors(&[404])),
    route!("delete", "/api/trace/photos/{photo_id}", op("Traceability", "Delete a record photo")
        .path("photo_id", "The photo's id.", s_int(), json!(1))
        .idempotent()
        .auth(Auth::Required)
        .ok(204, "Deleted.", &[])
        .errors(&[404, 422])),
    route!("post", "/api/trace/import", crs_query(op("Traceability", "Import the collection form (CSV)"), "the coordinates")
        .query("encoding", "utf-8 or gbk (default: detected).", s_str())
        .query("dry_run", "Check only.", s_enum(&["true", "false"]))
        .body("The collection form as CSV.", &[(CSV, s_str()), (OCTETS, s_bin())])
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Dry run: what would be imported.", &json_answer())
        .ok(201, "Imported.", &json_answer())
        .errors(&[400, 413, 422])),
    route!("get", "/api/trace/producers", op("Traceability", "Producers (种养殖主体)")
        .auth(Auth::Optional)
        .ok(200, "The producers with their bases' summary (names and contacts to the owning role and admins).", &json_answer())),
    route!("post", "/api/trace/producers", op("Traceability", "Register a producer")
        .body("The producer's fields; without producer_id (a credit code) the platform assigns one.", &[(JSON, s_obj())])
        .idempotent()
        .auth(Auth::Required)
        .ok(201, "Registered.", &json_answer())
        .errors(&[400, 409, 413, 422])),
    route!("get", "/api/trace/producers/{id}", id_param(op("Traceability", "One producer with its bases"), "The producer's feature id or identifier.")
        .auth(Auth::Optional)
        .ok(200, "The producer, its bases and each base's collection threshold.", &json_answer())
        .errors(&[404])),
    route!("put", "/api/trace/producers/{id}", id_param(op("Traceability", "Replace a producer"), "The producer's feature id or identifier.")
        .body("The producer's fields.", &[(JSON, s_obj())])
        .idempotent()
        .auth(Auth::Required)
        .ok(200, "Replaced.", &json_answer())
        .errors(&[400, 404, 409, 413, 422])),
    route!("get", "/api/trace/due", op("Traceability", "Overdue records by township")
        .query("as_of", "Date (YYYY-MM-DD).", json!({"type": "string", "format": "date"}))
        .query("format", "The answer's format.", s_enum(&["json", "csv", "xlsx"]))
        .ok(200, "The overdue records.", &[(JSON, s_obj()), (CSV, s_str()), (XLSX, s_bin())])
        .errors(&[400])),
    route!("get", "/api/trace/ledger", op("Traceability", "The weekly dispatch ledger")
        .query("week", "ISO week (2023-W24); default: the last complete week, reported on Tuesday.", s_str())
        .query("format", "The answer's format.", s_enum(&["json", "csv", "xlsx", "html"]))
        .ok(200, "The ledger.", &[(JSON, s_obj()), (CSV, s_str()), (XLSX, s_bin()), (HTML, s_str())])
        .errors(&[400])),
    // --- sponge city
    route!("get", "/api/sponge/coefficients", op("Sponge city", "Runoff coefficients")
        .ok(200, "The coefficient table.", &json_answer())),
    route!("get", "/api/sponge/curve", op("Sponge city", "Rainfall-depth curve")
        .ok(200, "The curve.", &json_answer())),
    route!("post", "/api/sponge/runoff", op("Sponge city", "Runoff estimate V = 10·H·φ·F")
        .body("`{project_id | geometry, crs?, surfaces, design_rainfall_mm?, target_percent?, project_type?}` (target by project type: 新建 ≥ 80 %, 改建/扩建 no number; gazette line 2274).", &[(JSON, s_obj())])
        .ok(200, "The estimate.", &json_answer())
        .errors(&[400, 404, 413, 422])),
    route!("get", "/api/sponge/projects/{id}/runoff", id_param(op("Sponge city", "Runoff estimate of a stored project"), "The project's id.")
        .query("design_rainfall_mm", "Design rainfall depth H (mm).", s_num())
        .query("target_percent", "The project's own target volume capture ratio (%).", s_num())
        .query("project_type", "新建 / 改建 / 扩建 (default: the stored project's).", s_str())
        .ok(200, "The estimate.", &json_answer())
        .errors(&[400, 404])),
    route!("get", "/api/expropriation/households", op("Expropriation", "Household register (被征收户), housing role only")
        .query("decision_no", "The decision number of the project (default: every project).", s_str())
        .query("as_of", "Date (YYYY-MM-DD) for the periods and the estimate of unsigned households.", json!({"type": "string", "format": "date"}))
        .ok(200, "Every household with its compensation line by line and its periods.", &json_answer())
        .errors(&[400, 401, 403])),
    route!("get", "/api/expropriation/households/{id}", id_param(op("Expropriation", "One household of the register, housing role only"), "The household's id.")
        .query("as_of", "Date (YYYY-MM-DD).", json!({"type": "string", "format": "date"}))
        .ok(200, "The household.", &json_answer())
        .errors(&[400, 401, 403, 404])),
    route!("get", "/api/expropriation/progress", op("Expropriation", "Signing progress per project (counts only)")
        .query("format", "The answer's format.", s_enum(&["json", "csv", "xlsx"]))
        .ok(200, "Households signed / not signed / with a compensation decision, per project.", &[(JSON, s_obj()), (CSV, s_str()), (XLSX, s_bin())])
        .errors(&[400])),
    route!("post", "/api/trace/ledger/export", op("Traceability", "The weekly ledger as an edited workbook")
        .body("`{week, title?, period?, notes?: {township_code|county: {practices?, problems?, suggestions?, next_steps?}}}`.", &[(JSON, s_obj())])
        .ok(200, "The workbook: title, period, counts as numbers, the narrative columns.", &[(XLSX, s_bin())])
        .errors(&[400, 413])),
    route!("get", "/api/dashboard", op("Dashboard", "Overview for leaders: origin points per township, expropriation progress, sponge projects, truck-ban track checks by ISO week (counts only)")
        .query("figure", "One figure only (needed for csv and xlsx).", s_enum(&["trace", "expropriation", "sponge", "truck_ban"]))
        .query("format", "The answer's format.", s_enum(&["json", "csv", "xlsx"]))
        .ok(200, "The figures (JSON), or one figure as a table.", &[(JSON, s_obj()), (CSV, s_str()), (XLSX, s_bin())])
        .errors(&[400])),
];

fn crs_query_uri(o: Op) -> Op {
    o.query("crs", "CRS of the answer's coordinates (a URI; CRS84 by default).", s_str())
}

// ----- the document ----------------------------------------------------------------------

fn error_response(code: u16, desc: &str) -> Value {
    let mut r = json!({"description": desc, "content": {JSON: {"schema": s_ref("Error")}}});
    if code == 429 || code == 503 {
        r["headers"] = json!({"Retry-After": {"description": "Seconds to wait.", "schema": s_int()}});
    }
    r
}

fn components() -> Value {
    let errors = [
        (400, "The request is malformed or its content invalid (problems listed)."),
        (401, "No valid token (`Authorization: Bearer <token>`), or a malformed header."),
        (403, "The token's role may not do this."),
        (404, "No such resource."),
        (409, "Conflicts with what exists (a name taken)."),
        (412, "If-Match names a version that is no longer the current one."),
        (413, "The body or the work it asks for is over a limit."),
        (415, "The body is not of a media type the route takes."),
        (422, "Understood, but a part is over a limit or an Idempotency-Key was reused for another request."),
        (428, "If-Match is required."),
        (429, "Too many failed sign-ins from this client."),
        (503, "Busy, over the deadline, or the store is unavailable."),
    ];
    let responses: Map<String, Value> = errors.iter().map(|(c, d)| (format!("E{c}"), error_response(*c, d))).collect();
    json!({
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                "description": "A user's token (`landtrace user add`) or the admin token, as `Authorization: Bearer <token>`."}
        },
        "parameters": {
            "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": false,
                "description": "Repeating a write with the same key answers the first answer again (header Idempotent-Replayed).",
                "schema": {"type": "string", "maxLength": 255}}
        },
        "responses": responses,
        "schemas": {
            "Error": {"type": "object", "required": ["error", "error_zh", "error_en", "status"],
                "description": "`error` is in the language of Accept-Language (Chinese unless English comes first); \
                                error_zh and error_en are always both given. Each problem has message_zh and message_en.",
                "properties": {
                "error": {"type": "string"}, "error_zh": {"type": "string"}, "error_en": {"type": "string"},
                "status": {"type": "integer"},
                "problems": {"type": "array", "items": {"type": "object"}}}},
            "Link": {"type": "object", "required": ["href"], "properties": {
                "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
                "title": {"type": "string"}, "templated": {"type": "boolean"}}},
            "LandingPage": {"type": "object", "required": ["links"], "properties": {
                "title": {"type": "string"}, "description": {"type": "string"},
                "links": {"type": "array", "items": s_ref("Link")}}},
            "Conformance": {"type": "object", "required": ["conformsTo"], "properties": {
                "conformsTo": {"type": "array", "items": {"type": "string"}}}},
            "Feature": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
                "type": {"type": "string", "enum": ["Feature"]}, "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "geometry": {"type": "object", "nullable": true}, "properties": {"type": "object", "nullable": true}}},
            "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": s_ref("Feature")},
                "numberMatched": {"type": "integer"}, "numberReturned": {"type": "integer"},
                "links": {"type": "array", "items": s_ref("Link")}}},
            "TileSetList": {"type": "object", "required": ["tilesets"], "properties": {
                "tilesets": {"type": "array", "items": {"type": "object"}},
                "links": {"type": "array", "items": s_ref("Link")}}}
        }
    })
}

/// The OpenAPI 3.0.3 document; `base` is the server's public address.
pub fn document(base: &str) -> Value {
    let mut paths = Map::new();
    for route in ROUTES.iter().filter(|r| !matches!(r.served, Served::RoutedWithGdal) || cfg!(feature = "gdal")) {
        let item = paths.entry(route.path).or_insert_with(|| json!({}));
        item[route.method] = (route.operation)();
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "landtrace",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "临猗县 zones, land, truck-ban, traceability and sponge-city rules; OGC API - Features and Tiles; vector tiles and MapLibre styles.",
        },
        "servers": [{"url": if base.is_empty() { "/" } else { base }}],
        "paths": paths,
        "components": components(),
    })
}

/// `GET /api` (and `?f=json`): the document, as `application/vnd.oai.openapi+json`.
pub async fn serve(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    match params.get("f").map(String::as_str) {
        None | Some("json") => {}
        Some(other) => {
            let other = landtrace_domain::input_limits::echo(other);
            return Err(AppError::BadRequest(format!("f={other:?}: the API document is served as f=json only")));
        }
    }
    let base = state.public.base_url(peer, &headers)?;
    let user = crate::auth::current_user(&state, &headers)?;
    let mut doc = document(&base);
    crate::routes::ogc::add_collection_item_paths(&state, user.as_ref(), &mut doc);
    let mut response = Json(doc).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    Ok(response)
}
