//! `WriteBuf`: the queue of byte pieces the driver writes to the socket.

use std::collections::VecDeque;
use std::io::IoSlice;

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// A queue of [`Bytes`] pieces waiting to be written, implementing [`Buf`].
///
/// [`Connection::send`](crate::Connection::send) appends to it: encoded heads, body data
/// (never copied) and small chunk-framing pieces. The driver writes it out with a vectored
/// write ([`Buf::chunks_vectored`]) or, for many small pieces, flattens it into one buffer
/// with [`WriteBuf::flatten`]. Small framing pieces are carved out of one reused scratch
/// buffer, so chunk framing does not allocate per chunk.
///
/// # Examples
///
/// ```
/// use bytes::{Buf, Bytes};
/// use spire_h1::WriteBuf;
///
/// let mut out = WriteBuf::new();
/// out.push(Bytes::from_static(b"hello "));
/// out.push(Bytes::from_static(b"world"));
/// assert_eq!(out.remaining(), 11);
/// assert_eq!(out.pieces(), 2);
/// assert_eq!(&out.flatten()[..], b"hello world");
/// assert!(out.is_empty());
/// ```
#[derive(Debug, Default)]
pub struct WriteBuf {
    queue: VecDeque<Bytes>,
    remaining: usize,
    scratch: BytesMut,
}

impl WriteBuf {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a piece (empty pieces are dropped). The bytes are not copied.
    ///
    /// Use it for bytes that should go out between what the connection queues, for example an
    /// upgrade preamble.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    ///
    /// let mut out = spire_h1::WriteBuf::new();
    /// out.push(Bytes::new());
    /// out.push(Bytes::from_static(b"data"));
    /// assert_eq!((out.pieces(), out.len()), (1, 4));
    /// ```
    pub fn push(&mut self, piece: Bytes) {
        if !piece.is_empty() {
            self.remaining += piece.len();
            self.queue.push_back(piece);
        }
    }

    /// Appends a small piece by copying it into the reused scratch buffer.
    pub(crate) fn push_small(&mut self, piece: &[u8]) {
        self.scratch.reserve(piece.len().max(256));
        self.scratch.put_slice(piece);
        let piece = self.scratch.split().freeze();
        self.push(piece);
    }

    /// The scratch buffer, for encoding a head in place; finish with [`Self::commit_scratch`].
    pub(crate) fn scratch(&mut self) -> &mut BytesMut {
        &mut self.scratch
    }

    /// Queues whatever was written into the scratch buffer as one piece.
    pub(crate) fn commit_scratch(&mut self) {
        let piece = self.scratch.split().freeze();
        self.push(piece);
    }

    /// Number of bytes queued.
    pub fn len(&self) -> usize {
        self.remaining
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.remaining == 0
    }

    /// Number of pieces queued (what a vectored write would need).
    pub fn pieces(&self) -> usize {
        self.queue.len()
    }

    /// Drops everything queued.
    pub fn clear(&mut self) {
        self.queue.clear();
        self.remaining = 0;
    }

    /// Takes everything queued as one contiguous buffer.
    ///
    /// A single piece is returned as is; several are copied into one allocation. Use it
    /// when a write of many small pieces costs more than the copy.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    ///
    /// let mut out = spire_h1::WriteBuf::new();
    /// out.push(Bytes::from_static(b"a"));
    /// out.push(Bytes::from_static(b"b"));
    /// assert_eq!(out.flatten(), Bytes::from_static(b"ab"));
    /// ```
    pub fn flatten(&mut self) -> Bytes {
        let len = self.remaining;
        self.copy_to_bytes(len)
    }

    /// Appends everything queued to `dst` and empties the queue.
    ///
    /// For a driver that keeps its own output buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::{Bytes, BytesMut};
    ///
    /// let mut out = spire_h1::WriteBuf::new();
    /// out.push(Bytes::from_static(b"xy"));
    /// let mut dst = BytesMut::new();
    /// out.flatten_into(&mut dst);
    /// assert_eq!(&dst[..], b"xy");
    /// ```
    pub fn flatten_into(&mut self, dst: &mut BytesMut) {
        dst.reserve(self.remaining);
        for piece in self.queue.drain(..) {
            dst.put_slice(&piece);
        }
        self.remaining = 0;
    }
}

impl Buf for WriteBuf {
    fn remaining(&self) -> usize {
        self.remaining
    }

    fn chunk(&self) -> &[u8] {
        self.queue.front().map_or(&[], |b| &b[..])
    }

    fn advance(&mut self, mut cnt: usize) {
        assert!(cnt <= self.remaining, "advance past the end of a WriteBuf");
        self.remaining -= cnt;
        while cnt > 0 {
            let Some(front) = self.queue.front_mut() else {
                break;
            };
            if cnt < front.len() {
                front.advance(cnt);
                break;
            }
            cnt -= front.len();
            self.queue.pop_front();
        }
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        let mut n = 0;
        for (slot, piece) in dst.iter_mut().zip(&self.queue) {
            *slot = IoSlice::new(piece);
            n += 1;
        }
        n
    }

    fn copy_to_bytes(&mut self, len: usize) -> Bytes {
        assert!(
            len <= self.remaining,
            "copy_to_bytes past the end of a WriteBuf"
        );
        match self.queue.front_mut() {
            Some(front) if front.len() >= len => {
                let out = front.split_to(len);
                if front.is_empty() {
                    self.queue.pop_front();
                }
                self.remaining -= len;
                out
            }
            _ => {
                let mut out = BytesMut::with_capacity(len);
                out.put(self.take(len));
                out.freeze()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_buf_advance_across_pieces() {
        let mut out = WriteBuf::new();
        out.push(Bytes::from_static(b"abc"));
        out.push(Bytes::new());
        out.push_small(b"de");
        out.push(Bytes::from_static(b"fgh"));
        assert_eq!(out.pieces(), 3);
        out.advance(4);
        assert_eq!(out.chunk(), b"e");
        assert_eq!(out.remaining(), 4);
        let mut slices = [IoSlice::new(&[]); 4];
        assert_eq!(out.chunks_vectored(&mut slices), 2);
        assert_eq!(&out.copy_to_bytes(3)[..], b"efg");
        assert_eq!(&out.flatten()[..], b"h");
        assert!(out.is_empty());
        assert_eq!(out.chunk(), b"");
    }

    #[test]
    fn write_buf_single_piece_flatten_shares_memory() {
        let data = Bytes::from(vec![7u8; 100]);
        let mut out = WriteBuf::new();
        out.push(data.clone());
        assert_eq!(out.flatten().as_ptr(), data.as_ptr());
    }
}
