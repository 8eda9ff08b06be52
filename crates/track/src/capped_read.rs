//! Reading delimited records from a `BufRead` while keeping at most a fixed
//! number of bytes, so a file without newlines cannot exhaust memory.

use std::io::{self, BufRead};

/// What one [`read_capped`] call consumed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    /// Bytes consumed from the reader, the delimiter included; 0 at the end.
    pub consumed: usize,
    /// Newlines among the consumed bytes (kept or not), if counted.
    pub newlines: usize,
    /// Whether bytes were dropped because the record exceeded the cap.
    pub truncated: bool,
    /// The last three bytes consumed (zeros where fewer were read).
    pub tail: [u8; 3],
}

/// Reads up to and including the next `delimiter` (or to the end of input),
/// appending at most `cap` bytes in total to `buf` and dropping the rest.
pub(crate) fn read_capped<R: BufRead + ?Sized>(
    reader: &mut R,
    delimiter: u8,
    buf: &mut Vec<u8>,
    cap: usize,
    count_newlines: bool,
) -> io::Result<Record> {
    let mut record = Record { consumed: 0, newlines: 0, truncated: false, tail: [0; 3] };
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(record);
        }
        let (used, found) = match available.iter().position(|&b| b == delimiter) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let taken = &available[..used];
        let room = cap.saturating_sub(buf.len());
        if used > room {
            record.truncated = true;
        }
        buf.extend_from_slice(&taken[..used.min(room)]);
        if count_newlines {
            record.newlines += taken.iter().filter(|&&b| b == b'\n').count();
        }
        for &b in &taken[used.saturating_sub(3)..] {
            record.tail = [record.tail[1], record.tail[2], b];
        }
        reader.consume(used);
        record.consumed += used;
        if found {
            return Ok(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_caps_and_counts() {
        let mut reader = io::BufReader::with_capacity(4, "ab\nlong line here\n\nend".as_bytes());
        let mut buf = Vec::new();
        let mut records = Vec::new();
        loop {
            buf.clear();
            let record = read_capped(&mut reader, b'\n', &mut buf, 6, true).unwrap();
            if record.consumed == 0 {
                break;
            }
            records.push((String::from_utf8(buf.clone()).unwrap(), record.consumed, record.truncated, record.tail));
        }
        assert_eq!(
            records,
            vec![
                ("ab\n".to_owned(), 3, false, *b"ab\n"),
                ("long l".to_owned(), 15, true, *b"re\n"),
                ("\n".to_owned(), 1, false, [0, 0, b'\n']),
                ("end".to_owned(), 3, false, *b"end"),
            ]
        );
    }
}
