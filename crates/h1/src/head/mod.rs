//! Message heads on the wire: parsing (httparse, zero-copy), validation and encoding.

pub(crate) mod encode;
pub(crate) mod parse;
pub(crate) mod validate;
