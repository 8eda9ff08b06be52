//! The files the commands read (GeoJSON, CSV, GPX), under the input policy of
//! `landtrace_domain::input_limits`: regular files only, at most
//! [`MAX_CLI_FILE_BYTES`], never read past that. A FIFO, a device such as `/dev/zero`
//! or a directory is refused from its metadata, before it is opened (opening a FIFO
//! would wait for a writer); a file that grows past the limit while it is read is
//! refused when it does.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use anyhow::{Context, bail};
use landtrace_domain::input_limits::{Limit, MAX_CLI_FILE_BYTES};

/// The whole file as bytes.
pub fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?.read_to_end(&mut bytes).with_context(|| format!("reading {}", path.display()))?;
    Ok(bytes)
}

/// The whole file as UTF-8 text (a leading byte-order mark is left to the parsers,
/// which accept it).
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    String::from_utf8(read_bytes(path)?).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The file, for streaming readers: reading fails once more than
/// [`MAX_CLI_FILE_BYTES`] have come out of it.
pub fn open(path: &Path) -> anyhow::Result<Capped<File>> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).with_context(|| format!("reading {shown}"))?;
    check_metadata(&shown, &metadata)?;
    let file = File::open(path).with_context(|| format!("reading {shown}"))?;
    // The file opened may not be the one looked at (replaced in between).
    check_metadata(&shown, &file.metadata().with_context(|| format!("reading {shown}"))?)?;
    Ok(Capped { inner: file, left: MAX_CLI_FILE_BYTES, subject: shown })
}

/// Checks a file GDAL will open itself, under the same policy: a regular file of at
/// most the limit (a shapefile's `.dbf` too), or a file geodatabase folder (`.gdb`)
/// whose files add up to at most the limit. Nothing is read.
#[cfg(feature = "gdal")]
pub fn check_dataset(path: &Path) -> anyhow::Result<()> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).with_context(|| format!("reading {shown}"))?;
    let is_gdb = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gdb"));
    if metadata.is_dir() && is_gdb {
        let mut total: u64 = 0;
        for entry in std::fs::read_dir(path).with_context(|| format!("reading {shown}"))? {
            let entry = entry.with_context(|| format!("reading {shown}"))?;
            let m = entry.metadata().with_context(|| format!("reading {shown}"))?;
            if !m.is_file() {
                bail!("{shown} holds {}, which is not a regular file", entry.file_name().to_string_lossy());
            }
            total = total.saturating_add(m.len());
        }
        Limit::FileBytes.check(total, &shown)?;
        return Ok(());
    }
    check_metadata(&shown, &metadata)?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")) {
        for ext in ["dbf", "DBF"] {
            let dbf = path.with_extension(ext);
            if let Ok(m) = std::fs::metadata(&dbf) {
                check_metadata(&dbf.display().to_string(), &m)?;
            }
        }
    }
    Ok(())
}

/// Refuses anything but a regular file of at most the limit.
fn check_metadata(shown: &str, metadata: &Metadata) -> anyhow::Result<()> {
    if !metadata.is_file() {
        bail!("{shown} {}, not a regular file; landtrace reads input from regular files only", kind_of(metadata));
    }
    Limit::FileBytes.check(metadata.len(), shown)?;
    Ok(())
}

/// What a file that is not a regular file is, in words.
fn kind_of(metadata: &Metadata) -> &'static str {
    if metadata.is_dir() {
        return "is a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = metadata.file_type();
        if t.is_fifo() {
            return "is a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "is a character device (such as /dev/zero)";
        }
        if t.is_block_device() {
            return "is a block device";
        }
        if t.is_socket() {
            return "is a socket";
        }
    }
    "is a special file"
}

/// A reader that fails (with the limit's message) once more than its limit would be read.
#[derive(Debug)]
pub struct Capped<R> {
    inner: R,
    left: u64,
    subject: String,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Ask for one byte more than is left, to see whether the input goes on.
        let want = buf.len().min(usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            let e = Limit::FileBytes.check(MAX_CLI_FILE_BYTES + 1, &self.subject).expect_err("over the limit");
            return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string()));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_stops_at_its_limit() {
        let mut capped = Capped { inner: io::repeat(0), left: 10, subject: "zeros".into() };
        let mut out = Vec::new();
        let e = capped.read_to_end(&mut out).unwrap_err();
        assert!(out.len() <= 10, "{}", out.len());
        assert!(e.to_string().starts_with("zeros is 268,435,457 bytes, larger than"), "{e}");
        let mut exact = Capped { inner: &[1u8; 10][..], left: 10, subject: "ten".into() };
        let mut out = Vec::new();
        exact.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 10);
    }

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_bytes(dir.path()).unwrap_err().to_string();
        assert!(
            e.ends_with("is a directory, not a regular file; landtrace reads input from regular files only"),
            "{e}"
        );
        #[cfg(unix)]
        {
            let e = read_bytes(Path::new("/dev/zero")).unwrap_err().to_string();
            assert_eq!(
                e,
                "/dev/zero is a character device (such as /dev/zero), not a regular file; landtrace reads input \
                 from regular files only"
            );
        }
        let big = dir.path().join("big.geojson");
        let file = File::create(&big).unwrap();
        file.set_len(MAX_CLI_FILE_BYTES + 1).unwrap(); // sparse: no disk space used
        let e = read_text(&big).unwrap_err().to_string();
        assert!(e.contains("big.geojson is 268,435,457 bytes, larger than 268,435,456 bytes (256 MiB)"), "{e}");
        let text = dir.path().join("ok.csv");
        std::fs::write(&text, "\u{feff}id,wkt\n").unwrap();
        assert_eq!(read_text(&text).unwrap(), "\u{feff}id,wkt\n");
        std::fs::write(&text, b"\xff\xfe").unwrap();
        assert!(read_text(&text).unwrap_err().to_string().ends_with("is not UTF-8 text (invalid byte at offset 0)"));
        let e = read_bytes(&dir.path().join("missing")).unwrap_err();
        assert!(format!("{e:#}").contains("No such file"), "{e:#}");
    }
}
