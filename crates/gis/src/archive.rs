//! Archives (a zipped shapefile or file geodatabase, a KMZ) inspected before GDAL
//! opens them through `/vsizip/`: every member name is checked for path traversal,
//! the member count and the declared unpacked size against the input policy, and
//! then every member is inflated (into nothing) with a running count, so an archive
//! whose headers understate its size (a zip bomb) is refused as well. Nothing is
//! written to disk.
//!
//! Member names are UTF-8 when they are valid UTF-8 (with or without the archive's
//! UTF-8 flag), else GB18030 ([`decode_name`]): zips made on Chinese Windows store
//! their names in the GBK code page and set no flag. GDAL is told the same
//! ([`Checked::gdal_name_encoding`], its `CPL_ZIP_ENCODING`), so the name found here
//! is the one `/vsizip/` opens.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use landtrace_domain::input_limits::{Limit, MAX_ARCHIVE_UNPACKED_BYTES, echo};

use crate::read::ReadError;

/// One member of a checked archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its path inside the archive (`/`-separated, relative, no `..`).
    pub name: String,
    /// Whether it is a folder.
    pub is_dir: bool,
}

/// A checked archive: its members, and how their names were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The members, in archive order.
    pub members: Vec<Member>,
    /// Whether some member name was not UTF-8 and was read as GB18030.
    pub gb18030_names: bool,
}

impl Checked {
    /// The encoding GDAL's `/vsizip/` has to read the archive's names in (its
    /// `CPL_ZIP_ENCODING`, CP437 by default) to find the names of [`Checked::members`].
    pub fn gdal_name_encoding(&self) -> &'static str {
        if self.gb18030_names { "GB18030" } else { "UTF-8" }
    }
}

/// A member name as text: UTF-8 when it is valid UTF-8, else GB18030 (a superset of
/// GBK); the second value says whether it was read as GB18030.
pub fn decode_name(raw: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(raw) {
        Ok(name) => (Cow::Borrowed(name), false),
        Err(_) => (encoding_rs::GB18030.decode_without_bom_handling(raw).0, true),
    }
}

/// Checks the zip archive at `path` (shown as `shown` in messages) and returns its
/// members (names decoded by [`decode_name`]). Refused: a member name that is absolute or climbs out of the archive
/// (`../`, `C:\`), an archive inside the archive, more members than
/// [`Limit::ArchiveMembers`], more unpacked bytes than [`Limit::ArchiveUnpackedBytes`]
/// (declared or inflated), a member GDAL cannot read (compression other than stored
/// or deflate, encryption).
pub fn check_zip(path: &Path, shown: &str) -> Result<Checked, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::Open { file: shown.to_owned(), message: e.to_string() })?;
    let mut archive = zip::ZipArchive::new(io::BufReader::new(file))
        .map_err(|e| ReadError::Archive(format!("{shown} is not a readable zip archive: {e}")))?;
    Limit::ArchiveMembers.check(archive.len() as u64, shown)?;

    let mut members = Vec::with_capacity(archive.len());
    let mut declared: u64 = 0;
    let mut gb18030_names = false;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| ReadError::Archive(format!("{shown}: member #{} is unreadable: {e}", i + 1)))?;
        let (name, gb18030) = decode_name(entry.name_raw());
        let name = name.into_owned();
        gb18030_names |= gb18030;
        check_member_name(&name)
            .map_err(|why| ReadError::Archive(format!("{shown}: member {:?} {why}", echo(&name))))?;
        if entry.encrypted() {
            return Err(ReadError::Archive(format!("{shown}: member {:?} is encrypted", echo(&name))));
        }
        if !matches!(entry.compression(), zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated) {
            return Err(ReadError::Archive(format!(
                "{shown}: member {:?} is compressed with {:?}; only stored and deflated members can be read",
                echo(&name),
                entry.compression()
            )));
        }
        let lower = name.to_ascii_lowercase();
        if [".zip", ".kmz", ".7z", ".rar", ".gz", ".tar"].iter().any(|ext| lower.ends_with(ext)) {
            return Err(ReadError::Archive(format!(
                "{shown}: member {:?} is itself an archive; archives inside archives are not opened",
                echo(&name)
            )));
        }
        declared = declared.saturating_add(entry.size());
        Limit::ArchiveUnpackedBytes.check(declared, shown)?;
        members.push(Member { name, is_dir: entry.is_dir() });
    }

    // The headers may lie: inflate everything, counting, and stop at the limit.
    let mut left = MAX_ARCHIVE_UNPACKED_BYTES;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| ReadError::Archive(format!("{shown}: member #{} is unreadable: {e}", i + 1)))?;
        let mut capped = entry.take(left.saturating_add(1));
        let n = io::copy(&mut capped, &mut io::sink())
            .map_err(|e| ReadError::Archive(format!("{shown}: member #{} cannot be unpacked: {e}", i + 1)))?;
        if n > left {
            return Err(Limit::ArchiveUnpackedBytes.check(MAX_ARCHIVE_UNPACKED_BYTES + 1, shown).unwrap_err().into());
        }
        left -= n;
    }
    Ok(Checked { members, gb18030_names })
}

/// The bytes of the member named `name` (as [`check_zip`] names it), read to at most
/// `limit` bytes; None when there is no such member or it cannot be read.
pub fn read_member(path: &Path, name: &str, limit: u64) -> Option<Vec<u8>> {
    let file = File::open(path).ok()?;
    let mut archive = zip::ZipArchive::new(io::BufReader::new(file)).ok()?;
    let index = (0..archive.len())
        .find(|&i| archive.by_index_raw(i).is_ok_and(|entry| decode_name(entry.name_raw()).0 == name))?;
    let mut bytes = Vec::new();
    archive.by_index(index).ok()?.take(limit).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Why a member name is refused, if it is.
fn check_member_name(name: &str) -> Result<(), &'static str> {
    if name.contains('\0') {
        return Err("holds a NUL character");
    }
    let unified = name.replace('\\', "/");
    if unified.starts_with('/') || unified.as_bytes().get(1) == Some(&b':') {
        return Err("is an absolute path; archive members must stay inside the archive");
    }
    if unified.split('/').any(|part| part == "..") {
        return Err("climbs out of the archive (`..`); archive members must stay inside the archive");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_with(members: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = zip::ZipWriter::new(file.reopen().unwrap());
        for (name, bytes) in members {
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap();
        file
    }

    #[test]
    fn names_that_leave_the_archive_are_refused() {
        for bad in ["../evil.shp", "a/../../evil.shp", "/etc/passwd", "..\\evil.dbf", "C:\\x.shp"] {
            assert!(check_member_name(bad).is_err(), "{bad}");
        }
        for good in ["parcels.shp", "data/parcels.dbf", "a..b.shp", "x.gdb/a00000001.gdbtable"] {
            assert_eq!(check_member_name(good), Ok(()), "{good}");
        }
        let zipped = zip_with(&[("ok.txt", b"ok"), ("../evil.txt", b"evil")]);
        let e = check_zip(zipped.path(), "in.zip").unwrap_err().to_string();
        assert!(e.contains("in.zip: member \"../evil.txt\" climbs out of the archive"), "{e}");
    }

    /// A zip whose member names are GBK bytes without the UTF-8 flag, as Chinese
    /// Windows writes them: written with ASCII stand-ins of the same length, whose
    /// bytes (in the local and central headers) are then replaced.
    fn zip_with_gbk_names(members: &[(&str, &str, &[u8])]) -> tempfile::NamedTempFile {
        let ascii: Vec<(&str, &[u8])> = members.iter().map(|(stand_in, _, bytes)| (*stand_in, *bytes)).collect();
        let zipped = zip_with(&ascii);
        let mut bytes = std::fs::read(zipped.path()).unwrap();
        for (stand_in, name, _) in members {
            let (gbk, _, unmappable) = encoding_rs::GBK.encode(name);
            assert!(!unmappable && gbk.len() == stand_in.len(), "{name}");
            let mut found = 0;
            while let Some(at) = bytes.windows(stand_in.len()).position(|w| w == stand_in.as_bytes()) {
                bytes[at..at + stand_in.len()].copy_from_slice(&gbk);
                found += 1;
            }
            assert_eq!(found, 2, "{stand_in} in the local and the central header");
        }
        std::fs::write(zipped.path(), bytes).unwrap();
        zipped
    }

    #[test]
    fn gbk_member_names_are_read_as_gb18030() {
        let zipped = zip_with_gbk_names(&[("ABCD.shp", "宗地.shp", b"123"), ("ABCD.dbf", "宗地.dbf", b"45")]);
        let checked = check_zip(zipped.path(), "in.zip").unwrap();
        let names: Vec<&str> = checked.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["宗地.shp", "宗地.dbf"]);
        assert_eq!(checked.gdal_name_encoding(), "GB18030");
        assert_eq!(read_member(zipped.path(), "宗地.dbf", 10).as_deref(), Some(&b"45"[..]));
        let utf8 = zip_with(&[("宗地.shp", b"1")]);
        let checked = check_zip(utf8.path(), "in.zip").unwrap();
        assert_eq!((checked.members[0].name.as_str(), checked.gdal_name_encoding()), ("宗地.shp", "UTF-8"));
    }

    #[test]
    fn a_small_archive_passes_and_nested_archives_are_refused() {
        let zipped = zip_with(&[("a.shp", b"123"), ("a.dbf", b"45")]);
        let members = check_zip(zipped.path(), "in.zip").unwrap().members;
        assert_eq!(members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["a.shp", "a.dbf"]);
        let nested = zip_with(&[("inner.zip", b"PK")]);
        let e = check_zip(nested.path(), "in.zip").unwrap_err().to_string();
        assert!(e.contains("is itself an archive"), "{e}");
        let e = check_zip(Path::new("/nonexistent.zip"), "gone.zip").unwrap_err().to_string();
        assert!(e.starts_with("cannot open gone.zip"), "{e}");
    }
}
