//! Bulk loading of a GeoPackage layer's R-tree (SQLite's `rtree` module) for a
//! large insert: the rows go in with the R-tree's insert trigger set aside, then
//! the whole tree (the boxes it held and the new ones) is written at once,
//! sort-tile-recursive packed, into the R-tree's own tables — in the same
//! transaction, so a failed write leaves the index as it was.
//!
//! Why by hand: SQLite's `rtree` has no bulk load. Inserting box by box (the
//! GeoPackage trigger, or `INSERT INTO rtree SELECT …`) chooses a leaf, splits
//! and rewrites nodes for every feature: about 0.5 s of a 1.5 s import of
//! 100,000 polygons, measured with `perf` (docs/benchmarks.md, "Layer import
//! against GDAL"), and the same in SQLite's own shell whatever the order. GDAL
//! fills its index after the rows too. Writing the nodes ourselves costs a sort
//! and one row per node.
//!
//! The format written is SQLite's (ext/rtree/rtree.c), for a 2-dimensional
//! `rtree` of 32-bit floats:
//! - `{r}_node(nodeno, data)`: node 1 is the root; `data` is the node size of the
//!   existing root (every node the same length): 2 bytes the tree's depth (root
//!   only, 0 when the root is a leaf), 2 bytes the number of cells, then cells of
//!   an 8-byte id (a feature id in a leaf, a child node number above) and the box
//!   `minx maxx miny maxy` as big-endian 32-bit floats, rounded outwards as
//!   SQLite rounds them;
//! - `{r}_rowid(rowid, nodeno)`: the leaf of each feature id;
//! - `{r}_parent(nodeno, parentnode)`: the parent of each node but the root.
//!
//! The tests check the result with SQLite's own `rtreecheck()` and against the
//! trigger-built index of the same boxes.

use sqlx::{Sqlite, Transaction};

use crate::StoreError;
use crate::rows::{quote, schema_sql};

/// Most cells SQLite puts in one node (`RTREE_MAXCELLS`).
const MAX_CELLS: usize = 51;
/// Bytes of one cell: the id and four 32-bit floats.
const CELL_BYTES: usize = 8 + 4 * 4;

/// A box with its id: a feature id in a leaf, a node number above.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Entry {
    pub id: i64,
    pub min_x: f32,
    pub max_x: f32,
    pub min_y: f32,
    pub max_y: f32,
}

/// The largest `f32` not above `d`, as SQLite's `rtreeValueDown` rounds.
fn down(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) > d {
        (d * if d < 0.0 { 1.0 + 1.0 / 8_388_608.0 } else { 1.0 - 1.0 / 8_388_608.0 }) as f32
    } else {
        f
    }
}

/// The smallest `f32` not below `d`, as SQLite's `rtreeValueUp` rounds.
fn up(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) < d {
        (d * if d < 0.0 { 1.0 - 1.0 / 8_388_608.0 } else { 1.0 + 1.0 / 8_388_608.0 }) as f32
    } else {
        f
    }
}

impl Entry {
    /// The entry of feature `id` with the bounding box given in degrees.
    pub(crate) fn of(id: i64, rect: geo::Rect<f64>) -> Entry {
        Entry {
            id,
            min_x: down(rect.min().x),
            max_x: up(rect.max().x),
            min_y: down(rect.min().y),
            max_y: up(rect.max().y),
        }
    }

    fn centre(&self) -> (f32, f32) {
        ((self.min_x + self.max_x) / 2.0, (self.min_y + self.max_y) / 2.0)
    }
}

fn union(entries: &[Entry], id: i64) -> Entry {
    let mut u =
        Entry { id, min_x: f32::INFINITY, max_x: f32::NEG_INFINITY, min_y: f32::INFINITY, max_y: f32::NEG_INFINITY };
    for e in entries {
        u.min_x = u.min_x.min(e.min_x);
        u.max_x = u.max_x.max(e.max_x);
        u.min_y = u.min_y.min(e.min_y);
        u.max_y = u.max_y.max(e.max_y);
    }
    u
}

/// Groups `entries` into nodes of at most [`MAX_CELLS`], sort-tile-recursive:
/// sorted by x into vertical slices, each slice sorted by y and cut into nodes.
fn pack(mut entries: Vec<Entry>) -> Vec<Vec<Entry>> {
    let nodes = entries.len().div_ceil(MAX_CELLS);
    let slices = (nodes as f64).sqrt().ceil().max(1.0) as usize;
    let per_slice = slices * MAX_CELLS;
    entries.sort_by(|a, b| a.centre().0.total_cmp(&b.centre().0));
    let mut out = Vec::with_capacity(nodes);
    for slice in entries.chunks_mut(per_slice) {
        slice.sort_by(|a, b| a.centre().1.total_cmp(&b.centre().1));
        out.extend(slice.chunks(MAX_CELLS).map(<[Entry]>::to_vec));
    }
    out
}

/// One node to write: its number and its cells.
struct Node {
    number: i64,
    cells: Vec<Entry>,
}

/// A packed tree, as its three tables hold it.
struct Tree {
    /// The nodes, root first (number 1), then level by level.
    nodes: Vec<Node>,
    /// Levels above the leaves.
    depth: u16,
    /// (feature id, leaf node).
    rowids: Vec<(i64, i64)>,
    /// (node, parent node), for every node but the root.
    parents: Vec<(i64, i64)>,
}

/// The packed tree over `entries`. Node numbers are 1 (the root), then 2, 3, …
/// level by level.
fn build(entries: Vec<Entry>) -> Tree {
    // Levels bottom-up; each level's nodes as cells (children's ids filled later).
    let mut levels: Vec<Vec<Vec<Entry>>> = vec![pack(entries)];
    while levels.last().is_some_and(|l| l.len() > 1) {
        let below = levels.last().expect("a level");
        // Placeholder ids: the index of the child in its level; numbered below.
        let boxes: Vec<Entry> = below.iter().enumerate().map(|(i, cells)| union(cells, i as i64)).collect();
        levels.push(pack(boxes));
    }
    let depth = (levels.len() - 1) as u16;
    // Number the nodes top-down: the root is 1.
    let mut numbers: Vec<Vec<i64>> = vec![Vec::new(); levels.len()];
    let mut next = 1i64;
    for (level, nodes) in levels.iter().enumerate().rev() {
        for _ in nodes {
            numbers[level].push(next);
            next += 1;
        }
    }
    let mut out = Vec::with_capacity(next as usize);
    let mut rowids = Vec::new();
    let mut parents = Vec::new();
    for (level, nodes) in levels.iter().enumerate().rev() {
        for (i, cells) in nodes.iter().enumerate() {
            let number = numbers[level][i];
            let cells: Vec<Entry> = if level == 0 {
                rowids.extend(cells.iter().map(|c| (c.id, number)));
                cells.clone()
            } else {
                cells
                    .iter()
                    .map(|c| {
                        let child = numbers[level - 1][c.id as usize];
                        parents.push((child, number));
                        Entry { id: child, ..*c }
                    })
                    .collect()
            };
            out.push(Node { number, cells });
        }
    }
    Tree { nodes: out, depth, rowids, parents }
}

fn node_blob(node: &Node, depth: Option<u16>, size: usize) -> Vec<u8> {
    let mut blob = vec![0u8; size];
    blob[0..2].copy_from_slice(&depth.unwrap_or(0).to_be_bytes());
    blob[2..4].copy_from_slice(&(node.cells.len() as u16).to_be_bytes());
    for (i, c) in node.cells.iter().enumerate() {
        let at = 4 + i * CELL_BYTES;
        blob[at..at + 8].copy_from_slice(&c.id.to_be_bytes());
        for (j, v) in [c.min_x, c.max_x, c.min_y, c.max_y].into_iter().enumerate() {
            blob[at + 8 + j * 4..at + 12 + j * 4].copy_from_slice(&v.to_bits().to_be_bytes());
        }
    }
    blob
}

/// Rewrites the R-tree `rtree` (the virtual table's name) to hold the boxes it
/// holds now and `new`, packed. Runs inside the caller's transaction.
pub(crate) async fn rebuild(tx: &mut Transaction<'_, Sqlite>, rtree: &str, new: Vec<Entry>) -> Result<(), StoreError> {
    let (node_t, rowid_t, parent_t) =
        (quote(&format!("{rtree}_node")), quote(&format!("{rtree}_rowid")), quote(&format!("{rtree}_parent")));
    let size: i64 = sqlx::query_scalar(schema_sql(format!("SELECT length(data) FROM {node_t} WHERE nodeno = 1")))
        .fetch_one(&mut **tx)
        .await?;
    let size = usize::try_from(size).unwrap_or(0);
    if size < 4 + CELL_BYTES * MAX_CELLS {
        // Not the node size SQLite gives a 2-dimensional tree on any page size
        // we write: leave it to SQLite.
        return Err(StoreError::Refused(format!("unexpected R-tree node size {size} in {rtree}")));
    }
    let held: Vec<(i64, f64, f64, f64, f64)> =
        sqlx::query_as(schema_sql(format!("SELECT id, minx, maxx, miny, maxy FROM {}", quote(rtree))))
            .fetch_all(&mut **tx)
            .await?;
    let mut entries: Vec<Entry> = held
        .into_iter()
        .map(|(id, a, b, c, d)| Entry { id, min_x: a as f32, max_x: b as f32, min_y: c as f32, max_y: d as f32 })
        .collect();
    entries.extend(new);
    for t in [&node_t, &rowid_t, &parent_t] {
        sqlx::query(schema_sql(format!("DELETE FROM {t}"))).execute(&mut **tx).await?;
    }
    let Tree { nodes, depth, rowids, parents } = if entries.is_empty() {
        Tree { nodes: vec![Node { number: 1, cells: Vec::new() }], depth: 0, rowids: Vec::new(), parents: Vec::new() }
    } else {
        build(entries)
    };
    const ROWS: usize = 400;
    for chunk in nodes.chunks(ROWS) {
        let sql = format!("INSERT INTO {node_t} (nodeno, data) VALUES {}", vec!["(?, ?)"; chunk.len()].join(", "));
        let mut q = sqlx::query(schema_sql(sql));
        for n in chunk {
            q = q.bind(n.number).bind(node_blob(n, (n.number == 1).then_some(depth), size));
        }
        q.execute(&mut **tx).await?;
    }
    for (table, pairs, columns) in [(&rowid_t, &rowids, "rowid, nodeno"), (&parent_t, &parents, "nodeno, parentnode")] {
        for chunk in pairs.chunks(ROWS * 4) {
            let sql = format!("INSERT INTO {table} ({columns}) VALUES {}", vec!["(?, ?)"; chunk.len()].join(", "));
            let mut q = sqlx::query(schema_sql(sql));
            for &(a, b) in chunk {
                q = q.bind(a).bind(b);
            }
            q.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_outwards_as_sqlite_rounds() {
        for d in [110.770_000_1_f64, -35.123_456_789, 0.1, -1e-3, 35.0] {
            assert!(f64::from(down(d)) <= d && f64::from(up(d)) >= d, "{d}");
            assert!(f64::from(up(d)) - f64::from(down(d)) <= d.abs() * 3e-7, "{d}");
        }
        assert_eq!(down(35.0), 35.0);
        assert_eq!(up(35.0), 35.0);
    }

    #[test]
    fn every_entry_is_in_one_leaf_and_every_node_but_the_root_has_a_parent() {
        for n in [1usize, 50, 51, 52, 2_601, 2_602, 10_000] {
            let entries: Vec<Entry> = (0..n)
                .map(|i| {
                    let (x, y) = ((i * 7919 % 1000) as f32, (i * 104_729 % 1000) as f32);
                    Entry { id: i as i64 + 1, min_x: x, max_x: x + 1.0, min_y: y, max_y: y + 1.0 }
                })
                .collect();
            let Tree { nodes, depth, rowids, parents } = build(entries);
            assert_eq!(rowids.len(), n);
            assert_eq!(parents.len(), nodes.len() - 1);
            assert_eq!(nodes[0].number, 1);
            assert!(nodes.iter().all(|node| !node.cells.is_empty() && node.cells.len() <= MAX_CELLS));
            let leaves = nodes.len() - parents.iter().map(|p| p.1).collect::<std::collections::BTreeSet<_>>().len();
            assert_eq!(leaves, n.div_ceil(MAX_CELLS), "{n}");
            let expected_depth = if n <= MAX_CELLS {
                0
            } else if n <= MAX_CELLS * MAX_CELLS {
                1
            } else {
                2
            };
            assert_eq!(depth, expected_depth, "{n}");
        }
    }
}
