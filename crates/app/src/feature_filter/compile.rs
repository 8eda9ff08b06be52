//! From cql2's syntax tree to the typed [`Predicate`]: properties resolved against
//! the layer, literals typed, every limit checked. Also the bounded parsing of the
//! raw text and JSON.

use std::num::NonZeroUsize;
use std::sync::Once;

use cql2::Expr;
use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::echo;
use landtrace_spatial::Crs;

use super::literals;
use super::{
    CmpOp, Field, FilterError, LikePattern, MAX_DEPTH, MAX_FILTER_BYTES, MAX_NODES, PARSER_CALL_LIMIT,
    PARSER_STACK_BYTES, Predicate, SpatialOp, TemporalOp, ValueType,
};

/// Most queryable names listed in an unknown-property message.
const MAX_LISTED_QUERYABLES: usize = 60;

/// Runs `parse` (a parse and its compilation) on a thread with a stack of
/// [`PARSER_STACK_BYTES`]; a panic in it is reported as a syntax error.
pub(super) fn on_parser_stack<T: Send>(
    parse: impl FnOnce() -> Result<T, FilterError> + Send,
) -> Result<T, FilterError> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("cql2-parse".into())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, parse)
            .map_err(|_| FilterError::ParserUnavailable)?;
        thread.join().unwrap_or_else(|_| Err(syntax("CQL2", "the parser failed on this input")))
    })
}

/// Parses cql2-text after checking its length and nesting, under pest's call budget.
pub(super) fn parse_text(text: &str) -> Result<Expr, FilterError> {
    check_size(text, b'(', b')', MAX_DEPTH)?;
    static CALL_LIMIT: Once = Once::new();
    CALL_LIMIT.call_once(|| pest::set_call_limit(NonZeroUsize::new(PARSER_CALL_LIMIT)));
    cql2::parse_text(text).map_err(|e| syntax("cql2-text", &e.to_string()))
}

/// Parses cql2-json after checking its length and nesting (two JSON levels, an
/// object and its `args`, per expression; a geometry adds up to five).
pub(super) fn parse_json(text: &str) -> Result<Expr, FilterError> {
    check_size(text, b'[', b']', 2 * MAX_DEPTH)?;
    check_size(text, b'{', b'}', MAX_DEPTH + 1)?;
    cql2::parse_json(text).map_err(|e| syntax("cql2-json", &e.to_string()))
}

fn syntax(encoding: &'static str, message: &str) -> FilterError {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    FilterError::Syntax { encoding, message: one_line.chars().take(300).collect() }
}

/// Refuses text over [`MAX_FILTER_BYTES`] or with `open`/`close` nested deeper
/// than `max_depth` outside quoted strings (`'…'` in text, `"…"` in JSON).
fn check_size(text: &str, open: u8, close: u8, max_depth: usize) -> Result<(), FilterError> {
    if text.len() > MAX_FILTER_BYTES {
        return Err(FilterError::TooLong(text.len()));
    }
    let (mut depth, mut quote, mut escaped) = (0usize, None, false);
    for b in text.bytes() {
        match quote {
            Some(q) => {
                // JSON escapes with `\`; cql2-text doubles the quote, which reads
                // as leaving and entering the string again.
                if escaped {
                    escaped = false;
                } else if b == b'\\' && q == b'"' {
                    escaped = true;
                } else if b == q {
                    quote = None;
                }
            }
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == open => {
                depth += 1;
                if depth > max_depth {
                    return Err(FilterError::TooDeep);
                }
            }
            None if b == close => depth = depth.saturating_sub(1),
            None => {}
        }
    }
    Ok(())
}

/// Resolves property names against a layer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Resolver {
    pub(super) kind: LayerKind,
    pub(super) personal_allowed: bool,
}

impl Resolver {
    /// The field called `name` (`id` is the feature id); a personal field the
    /// caller may not see is unknown, with the same message.
    pub(super) fn field(&self, name: &str) -> Result<Field, FilterError> {
        if name == "id" {
            return Ok(Field::Id);
        }
        match self.kind.field(name) {
            Some(f) if (!f.personal || self.personal_allowed) && name != "geometry" => {
                Ok(Field::Attribute { name: f.name, ty: f.ty })
            }
            _ if name == "geometry" => Err(FilterError::TypeMismatch(
                "geometry is compared with the spatial operators (s_intersects, s_within, …) only".into(),
            )),
            _ => Err(self.unknown(name)),
        }
    }

    /// `name` must be the geometry of a layer that has one.
    fn geometry(&self, name: &str) -> Result<(), FilterError> {
        match name {
            "geometry" if self.kind.geometry() != landtrace_domain::GeometryKind::None => Ok(()),
            "geometry" => Err(self.unknown(name)),
            _ => match self.field(name) {
                Ok(_) => Err(FilterError::TypeMismatch(format!(
                    "{name} is not a geometry; spatial operators take the property geometry"
                ))),
                Err(e) => Err(e),
            },
        }
    }

    fn unknown(&self, name: &str) -> FilterError {
        let names = super::queryables(self.kind, "", self.personal_allowed)["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        let mut queryables = names.iter().take(MAX_LISTED_QUERYABLES).cloned().collect::<Vec<_>>().join(", ");
        if names.len() > MAX_LISTED_QUERYABLES {
            queryables.push_str(", …");
        }
        FilterError::UnknownProperty { name: echo(name), layer: self.kind.table_name(), queryables }
    }
}

/// Compiles one expression tree, counting its terms.
#[derive(Debug)]
pub(super) struct Compiler {
    resolver: Resolver,
    crs: Crs,
    nodes: usize,
}

impl Compiler {
    pub(super) fn new(kind: LayerKind, personal_allowed: bool, crs: Crs) -> Compiler {
        Compiler { resolver: Resolver { kind, personal_allowed }, crs, nodes: 0 }
    }

    /// Counts one term at `depth`, refusing past the limits.
    fn enter(&mut self, depth: usize) -> Result<(), FilterError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(FilterError::TooLarge);
        }
        if depth > MAX_DEPTH {
            return Err(FilterError::TooDeep);
        }
        Ok(())
    }

    /// A condition: an operation that is true or false of a feature.
    pub(super) fn predicate(&mut self, expr: &Expr, depth: usize) -> Result<Predicate, FilterError> {
        self.enter(depth)?;
        match expr {
            Expr::Bool(b) => Ok(Predicate::Const(*b)),
            Expr::Operation { op, args } => self.operation(op, args, depth + 1),
            other => Err(FilterError::TypeMismatch(format!("{} is not a condition", describe(other)))),
        }
    }

    fn operation(&mut self, op: &str, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        match op {
            "and" | "or" => {
                let parts = args.iter().map(|a| self.predicate(a, depth)).collect::<Result<Vec<_>, _>>()?;
                Ok(if op == "and" { Predicate::All(parts) } else { Predicate::Any(parts) })
            }
            "not" => Ok(Predicate::Not(Box::new(self.predicate(one(op, args)?, depth)?))),
            "=" | "<>" | "<" | "<=" | ">" | ">=" => self.compare(op, args, depth),
            "like" => self.like(args, depth),
            "between" => self.between(args, depth),
            "in" => self.in_list(args, depth),
            "isNull" => self.is_null(args, depth),
            _ if cql2::SPATIALOPS.contains(&op) => self.spatial(op, args, depth),
            _ if cql2::TEMPORALOPS.contains(&op) => self.temporal(op, args, depth),
            _ => Err(refused_operation(op)),
        }
    }

    /// `field op literal` or `literal op field` (turned around).
    fn compare(&mut self, op: &str, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        let [a, b] = two(op, args)?;
        let (name, literal, flipped) = self.property_and_operand(op, a, b, depth)?;
        let field = self.resolver.field(name)?;
        let value = self.scalar(field, literal, depth)?;
        let op = cmp_op(op, flipped);
        Ok(Predicate::Compare { field, op, value })
    }

    fn like(&mut self, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        let [a, b] = two("like", args)?;
        let field = self.property(a, depth)?;
        if field.value_type() != ValueType::Text {
            return Err(FilterError::TypeMismatch(format!("LIKE takes a text field; {} is not text", field.name())));
        }
        self.enter(depth)?;
        match b {
            Expr::Literal(pattern) => Ok(Predicate::Like { field, pattern: LikePattern::new(pattern) }),
            other => Err(not_a("a quoted pattern after LIKE", other)),
        }
    }

    fn between(&mut self, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        let [value, low, high] = args else {
            return Err(arity("between", 3, args.len()));
        };
        let field = self.property(value, depth)?;
        let low = self.scalar(field, low, depth)?;
        let high = self.scalar(field, high, depth)?;
        Ok(Predicate::Between { field, low, high })
    }

    fn in_list(&mut self, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        let [value, list] = two("in", args)?;
        let field = self.property(value, depth)?;
        let Expr::Array(items) = list else {
            return Err(not_a("a list after IN", list));
        };
        let values = items.iter().map(|i| self.scalar(field, i, depth)).collect::<Result<Vec<_>, _>>()?;
        Ok(Predicate::In { field, values })
    }

    fn is_null(&mut self, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        self.enter(depth)?;
        match one("isNull", args)? {
            Expr::Property { property } if property == "geometry" => {
                self.resolver.geometry(property)?;
                Ok(Predicate::GeometryIsNull)
            }
            Expr::Property { property } => Ok(Predicate::IsNull(self.resolver.field(property)?)),
            other => Err(not_a("a property before IS NULL", other)),
        }
    }

    fn spatial(&mut self, op: &str, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        let [a, b] = two(op, args)?;
        let (name, literal, flipped) = self.property_and_operand(op, a, b, depth)?;
        self.resolver.geometry(name)?;
        self.enter(depth)?;
        let literal = literals::spatial_literal(literal, self.crs)?;
        let op = spatial_op(op, flipped);
        Ok(Predicate::Spatial { op, literal: Box::new(literal) })
    }

    fn temporal(&mut self, op: &str, args: &[Box<Expr>], depth: usize) -> Result<Predicate, FilterError> {
        let [a, b] = two(op, args)?;
        let (name, literal, flipped) = self.property_and_operand(op, a, b, depth)?;
        let field = self.resolver.field(name)?;
        if field.value_type() != ValueType::Date {
            return Err(FilterError::TypeMismatch(format!("{op} takes a date field; {} is not a date", field.name())));
        }
        self.enter(depth)?;
        let span = literals::time_span(literal)?;
        let op = temporal_op(op, flipped);
        Ok(Predicate::Temporal { field, op, span })
    }

    /// Which of `a` and `b` is the property: its name, the other operand, and
    /// whether they were written the other way round.
    fn property_and_operand<'e>(
        &mut self,
        op: &str,
        a: &'e Expr,
        b: &'e Expr,
        depth: usize,
    ) -> Result<(&'e str, &'e Expr, bool), FilterError> {
        self.enter(depth)?;
        match (a, b) {
            (Expr::Property { .. }, Expr::Property { .. }) => {
                Err(FilterError::TypeMismatch(format!("{op} compares a property with a literal, not two properties")))
            }
            (Expr::Property { property }, other) => Ok((property, other, false)),
            (other, Expr::Property { property }) => Ok((property, other, true)),
            (Expr::Operation { op: inner, .. }, _) | (_, Expr::Operation { op: inner, .. }) => {
                Err(refused_operation(inner))
            }
            _ => Err(FilterError::TypeMismatch(format!("{op} needs a property on one side"))),
        }
    }

    /// `expr` must be a property; the field it names.
    fn property(&mut self, expr: &Expr, depth: usize) -> Result<Field, FilterError> {
        self.enter(depth)?;
        match expr {
            Expr::Property { property } => self.resolver.field(property),
            other => Err(not_a("a property", other)),
        }
    }

    /// A literal of `field`'s type.
    fn scalar(&mut self, field: Field, expr: &Expr, depth: usize) -> Result<super::Scalar, FilterError> {
        self.enter(depth)?;
        literals::scalar(field, expr)
    }
}

/// Why an operation that is no condition here is refused: arithmetic, array
/// operators, or (any name cql2 does not know) a function call.
fn refused_operation(op: &str) -> FilterError {
    if cql2::ARITHOPS.contains(&op) {
        FilterError::UnsupportedOperator {
            op: op.into(),
            reason: "arithmetic is not evaluated; compare a property with a literal",
        }
    } else if op == "casei" || op == "accenti" {
        FilterError::UnsupportedOperator {
            op: op.into(),
            reason: "text is compared exactly; use LIKE or IN with the spellings wanted",
        }
    } else if cql2::ARRAYOPS.contains(&op) {
        FilterError::UnsupportedOperator { op: op.into(), reason: "no queryable holds an array" }
    } else if cql2::SPATIALOPS.contains(&op) || cql2::TEMPORALOPS.contains(&op) || is_condition(op) {
        FilterError::TypeMismatch(format!("the operation {op} is a condition, not a value"))
    } else {
        FilterError::Function(echo(op))
    }
}

fn is_condition(op: &str) -> bool {
    ["and", "or", "not", "=", "<>", "<", "<=", ">", ">=", "like", "between", "in", "isNull"].contains(&op)
}

/// The error for an operand that is not what `expected` says; an operation is
/// refused for what it is (a function call, arithmetic, …).
pub(super) fn not_a(expected: &str, expr: &Expr) -> FilterError {
    match expr {
        Expr::Operation { op, .. } => refused_operation(op),
        other => FilterError::TypeMismatch(format!("expected {expected}, found {}", describe(other))),
    }
}

/// How an expression is named in a message.
pub(super) fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Operation { op, .. } => format!("the operation {}", echo(op)),
        Expr::Interval { .. } => "an interval".into(),
        Expr::Timestamp { .. } => "a timestamp".into(),
        Expr::Date { .. } => "a date".into(),
        Expr::Property { property } => format!("the property {}", echo(property)),
        Expr::BBox { .. } => "a bounding box".into(),
        Expr::Float(n) => format!("the number {n}"),
        Expr::Literal(s) => format!("the string {:?}", echo(s)),
        Expr::Bool(b) => format!("the boolean {b}"),
        Expr::Array(_) => "a list".into(),
        Expr::Geometry(_) => "a geometry".into(),
        Expr::Null => "null (test for it with IS NULL)".into(),
    }
}

fn arity(op: &str, expected: usize, actual: usize) -> FilterError {
    FilterError::TypeMismatch(format!("{op} takes {expected} operand(s), not {actual}"))
}

fn one<'e>(op: &str, args: &'e [Box<Expr>]) -> Result<&'e Expr, FilterError> {
    match args {
        [a] => Ok(a),
        _ => Err(arity(op, 1, args.len())),
    }
}

fn two<'e>(op: &str, args: &'e [Box<Expr>]) -> Result<[&'e Expr; 2], FilterError> {
    match args {
        [a, b] => Ok([a, b]),
        _ => Err(arity(op, 2, args.len())),
    }
}

/// The comparison of `field op literal`; `flipped` when written `literal op field`.
fn cmp_op(op: &str, flipped: bool) -> CmpOp {
    let op = match op {
        "=" => CmpOp::Eq,
        "<>" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    };
    match (flipped, op) {
        (false, op) | (true, op @ (CmpOp::Eq | CmpOp::Ne)) => op,
        (true, CmpOp::Lt) => CmpOp::Gt,
        (true, CmpOp::Le) => CmpOp::Ge,
        (true, CmpOp::Gt) => CmpOp::Lt,
        (true, CmpOp::Ge) => CmpOp::Le,
    }
}

/// The relation of the feature to the literal; `flipped` when written the other way.
fn spatial_op(op: &str, flipped: bool) -> SpatialOp {
    match op {
        "s_intersects" => SpatialOp::Intersects,
        "s_disjoint" => SpatialOp::Disjoint,
        "s_equals" => SpatialOp::Equals,
        "s_touches" => SpatialOp::Touches,
        "s_overlaps" => SpatialOp::Overlaps,
        "s_crosses" => SpatialOp::Crosses,
        "s_within" if flipped => SpatialOp::Contains,
        "s_within" => SpatialOp::Within,
        _ if flipped => SpatialOp::Within,
        _ => SpatialOp::Contains,
    }
}

/// The relation of the field to the literal; `flipped` turns it to its converse.
fn temporal_op(op: &str, flipped: bool) -> TemporalOp {
    use TemporalOp::*;
    let (forward, converse) = match op {
        "t_before" => (Before, After),
        "t_after" => (After, Before),
        "t_meets" => (Meets, MetBy),
        "t_metBy" => (MetBy, Meets),
        "t_overlaps" => (Overlaps, OverlappedBy),
        "t_overlappedBy" => (OverlappedBy, Overlaps),
        "t_starts" => (Starts, StartedBy),
        "t_startedBy" => (StartedBy, Starts),
        "t_during" => (During, Contains),
        "t_contains" => (Contains, During),
        "t_finishes" => (Finishes, FinishedBy),
        "t_finishedBy" => (FinishedBy, Finishes),
        "t_equals" => (Equals, Equals),
        "t_disjoint" => (Disjoint, Disjoint),
        _ => (Intersects, Intersects),
    };
    if flipped { converse } else { forward }
}
