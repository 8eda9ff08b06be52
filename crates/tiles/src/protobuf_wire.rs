//! The Protocol Buffers wire format, the part MVT needs: varints, zigzag, length-
//! delimited fields, packed repeated `uint32`, 64-bit and 32-bit fixed values.
//!
//! Writing appends to a `Vec<u8>`; reading walks a borrowed slice and never allocates
//! more than the input holds.

/// Wire type of a field (the low 3 bits of its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WireType {
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// Appends `value` as a base-128 varint.
pub(crate) fn write_varint(buf: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        buf.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    buf.push(value as u8);
}

/// Appends a field key (field number and wire type).
pub(crate) fn write_key(buf: &mut Vec<u8>, field: u32, wire_type: WireType) {
    write_varint(buf, (u64::from(field) << 3) | wire_type as u64);
}

/// Appends a varint field.
pub(crate) fn write_varint_field(buf: &mut Vec<u8>, field: u32, value: u64) {
    write_key(buf, field, WireType::Varint);
    write_varint(buf, value);
}

/// Appends a length-delimited field (bytes, string or embedded message).
pub(crate) fn write_bytes_field(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    write_key(buf, field, WireType::LengthDelimited);
    write_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

/// Appends a packed repeated `uint32` field; nothing when `values` is empty.
pub(crate) fn write_packed_u32_field(buf: &mut Vec<u8>, field: u32, values: &[u32]) {
    if values.is_empty() {
        return;
    }
    let mut packed = Vec::with_capacity(values.len() * 2);
    for v in values {
        write_varint(&mut packed, u64::from(*v));
    }
    write_bytes_field(buf, field, &packed);
}

/// Appends a `double` field.
pub(crate) fn write_double_field(buf: &mut Vec<u8>, field: u32, value: f64) {
    write_key(buf, field, WireType::Fixed64);
    buf.extend_from_slice(&value.to_le_bytes());
}

/// Zigzag encoding of a signed 32-bit value (`sint32`, MVT parameter integers).
pub(crate) fn zigzag32(value: i32) -> u32 {
    ((value << 1) ^ (value >> 31)) as u32
}

/// Inverse of [`zigzag32`].
pub(crate) fn unzigzag32(value: u32) -> i32 {
    ((value >> 1) as i32) ^ -((value & 1) as i32)
}

/// Zigzag encoding of a signed 64-bit value (`sint64`).
pub(crate) fn zigzag64(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// Inverse of [`zigzag64`].
pub(crate) fn unzigzag64(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

/// Malformed protobuf input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The input ended inside a value.
    #[error("truncated input at byte {offset}")]
    Truncated {
        /// Where the cut value starts.
        offset: usize,
    },
    /// A varint longer than 10 bytes.
    #[error("varint too long at byte {offset}")]
    VarintTooLong {
        /// Where the varint starts.
        offset: usize,
    },
    /// A wire type MVT never uses (groups, or 6 and 7).
    #[error("unsupported wire type {wire_type} at byte {offset}")]
    UnsupportedWireType {
        /// The wire type found.
        wire_type: u8,
        /// Where its key starts.
        offset: usize,
    },
    /// A field had another wire type than its schema says.
    #[error("field {field} has wire type {found}, expected {expected}")]
    WrongWireType {
        /// Field number.
        field: u32,
        /// Wire type found.
        found: u8,
        /// Wire type of the schema.
        expected: u8,
    },
    /// A value does not fit its schema type.
    #[error("value out of range for field {field}")]
    OutOfRange {
        /// Field number.
        field: u32,
    },
}

/// One field as read: its number and its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Field<'a> {
    pub(crate) number: u32,
    pub(crate) value: FieldValue<'a>,
}

/// A field's raw value, by wire type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FieldValue<'a> {
    Varint(u64),
    Fixed64([u8; 8]),
    Bytes(&'a [u8]),
    Fixed32([u8; 4]),
}

impl FieldValue<'_> {
    fn wire_type(&self) -> u8 {
        match self {
            FieldValue::Varint(_) => WireType::Varint as u8,
            FieldValue::Fixed64(_) => WireType::Fixed64 as u8,
            FieldValue::Bytes(_) => WireType::LengthDelimited as u8,
            FieldValue::Fixed32(_) => WireType::Fixed32 as u8,
        }
    }
}

impl<'a> Field<'a> {
    fn wrong(&self, expected: WireType) -> WireError {
        WireError::WrongWireType { field: self.number, found: self.value.wire_type(), expected: expected as u8 }
    }

    /// The value of a varint field.
    pub(crate) fn varint(&self) -> Result<u64, WireError> {
        match self.value {
            FieldValue::Varint(v) => Ok(v),
            _ => Err(self.wrong(WireType::Varint)),
        }
    }

    /// The value of a varint field that must fit a `u32`.
    pub(crate) fn uint32(&self) -> Result<u32, WireError> {
        u32::try_from(self.varint()?).map_err(|_| WireError::OutOfRange { field: self.number })
    }

    /// The payload of a length-delimited field.
    pub(crate) fn bytes(&self) -> Result<&'a [u8], WireError> {
        match self.value {
            FieldValue::Bytes(b) => Ok(b),
            _ => Err(self.wrong(WireType::LengthDelimited)),
        }
    }

    /// The value of a `double` field.
    pub(crate) fn double(&self) -> Result<f64, WireError> {
        match self.value {
            FieldValue::Fixed64(b) => Ok(f64::from_le_bytes(b)),
            _ => Err(self.wrong(WireType::Fixed64)),
        }
    }

    /// The value of a `float` field.
    pub(crate) fn float(&self) -> Result<f32, WireError> {
        match self.value {
            FieldValue::Fixed32(b) => Ok(f32::from_le_bytes(b)),
            _ => Err(self.wrong(WireType::Fixed32)),
        }
    }

    /// The values of a repeated `uint32` field, packed or (one value) unpacked.
    pub(crate) fn packed_u32(&self) -> Result<Vec<u32>, WireError> {
        match self.value {
            FieldValue::Varint(_) => Ok(vec![self.uint32()?]),
            FieldValue::Bytes(bytes) => {
                let mut reader = Reader::new(bytes);
                // Each varint takes at least one byte: the input bounds the allocation.
                let mut out = Vec::with_capacity(bytes.len());
                while !reader.is_empty() {
                    let v = reader.varint()?;
                    out.push(u32::try_from(v).map_err(|_| WireError::OutOfRange { field: self.number })?);
                }
                Ok(out)
            }
            _ => Err(self.wrong(WireType::LengthDelimited)),
        }
    }
}

/// Reads fields one after another from a message's bytes.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, offset: 0 }
    }

    fn is_empty(&self) -> bool {
        self.offset >= self.bytes.len()
    }

    fn varint(&mut self) -> Result<u64, WireError> {
        let start = self.offset;
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let Some(&byte) = self.bytes.get(self.offset) else {
                return Err(WireError::Truncated { offset: start });
            };
            self.offset += 1;
            value |= u64::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(WireError::VarintTooLong { offset: start })
    }

    fn take(&mut self, len: usize, start: usize) -> Result<&'a [u8], WireError> {
        let end = self.offset.checked_add(len).filter(|end| *end <= self.bytes.len());
        let end = end.ok_or(WireError::Truncated { offset: start })?;
        let slice = &self.bytes[self.offset..end];
        self.offset = end;
        Ok(slice)
    }

    /// The next field, or `None` at the end of the message.
    pub(crate) fn next_field(&mut self) -> Result<Option<Field<'a>>, WireError> {
        if self.is_empty() {
            return Ok(None);
        }
        let start = self.offset;
        let key = self.varint()?;
        let number = u32::try_from(key >> 3).map_err(|_| WireError::OutOfRange { field: u32::MAX })?;
        let value = match (key & 0x7) as u8 {
            0 => FieldValue::Varint(self.varint()?),
            1 => {
                let b = self.take(8, start)?;
                FieldValue::Fixed64([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| WireError::Truncated { offset: start })?;
                FieldValue::Bytes(self.take(len, start)?)
            }
            5 => {
                let b = self.take(4, start)?;
                FieldValue::Fixed32([b[0], b[1], b[2], b[3]])
            }
            wire_type => return Err(WireError::UnsupportedWireType { wire_type, offset: start }),
        };
        Ok(Some(Field { number, value }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_from_the_protobuf_documentation() {
        let check = |value: u64, expected: &[u8]| {
            let mut buf = Vec::new();
            write_varint(&mut buf, value);
            assert_eq!(buf, expected, "{value}");
            let mut framed = Vec::new();
            write_varint_field(&mut framed, 1, value);
            let field = Reader::new(&framed).next_field().unwrap().unwrap();
            assert_eq!(field.varint().unwrap(), value);
        };
        check(0, &[0x00]);
        check(1, &[0x01]);
        check(150, &[0x96, 0x01]);
        check(300, &[0xac, 0x02]);
        check(u64::MAX, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    }

    #[test]
    fn zigzag_matches_the_protobuf_table() {
        for (signed, encoded) in [(0, 0), (-1, 1), (1, 2), (-2, 3), (2147483647, 4294967294), (-2147483648, 4294967295)]
        {
            assert_eq!(zigzag32(signed), encoded);
            assert_eq!(unzigzag32(encoded), signed);
            assert_eq!(zigzag64(i64::from(signed)), u64::from(encoded));
            assert_eq!(unzigzag64(u64::from(encoded)), i64::from(signed));
        }
        assert_eq!(unzigzag64(zigzag64(i64::MIN)), i64::MIN);
    }

    #[test]
    fn fields_round_trip() {
        let mut buf = Vec::new();
        write_bytes_field(&mut buf, 1, b"testing");
        write_packed_u32_field(&mut buf, 4, &[3, 270, 86942]);
        write_packed_u32_field(&mut buf, 5, &[]);
        write_double_field(&mut buf, 3, 1.23);
        // The protobuf documentation's examples: "testing" and packed [3, 270, 86942].
        assert_eq!(&buf[..9], &[0x0a, 0x07, b't', b'e', b's', b't', b'i', b'n', b'g']);
        assert_eq!(&buf[9..17], &[0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
        let mut reader = Reader::new(&buf);
        let f = reader.next_field().unwrap().unwrap();
        assert_eq!((f.number, f.bytes().unwrap()), (1, &b"testing"[..]));
        let f = reader.next_field().unwrap().unwrap();
        assert_eq!((f.number, f.packed_u32().unwrap()), (4, vec![3, 270, 86942]));
        let f = reader.next_field().unwrap().unwrap();
        assert_eq!((f.number, f.double().unwrap()), (3, 1.23));
        assert!(f.varint().is_err());
        assert_eq!(reader.next_field().unwrap(), None);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert_eq!(Reader::new(&[0x0a, 0x05, 1]).next_field(), Err(WireError::Truncated { offset: 0 }));
        assert_eq!(Reader::new(&[0x08]).next_field(), Err(WireError::Truncated { offset: 1 }));
        assert!(matches!(Reader::new(&[0x0b]).next_field(), Err(WireError::UnsupportedWireType { .. })));
        assert!(matches!(Reader::new(&[0x08; 12]).next_field(), Ok(Some(_))));
        let long = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert!(matches!(Reader::new(&long).next_field(), Err(WireError::VarintTooLong { .. })));
        assert!(matches!(Reader::new(&[0x09, 1, 2]).next_field(), Err(WireError::Truncated { .. })));
        let huge_len = [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        assert!(matches!(Reader::new(&huge_len).next_field(), Err(WireError::Truncated { .. })));
    }
}
