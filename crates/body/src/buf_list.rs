//! `BufList`: a queue of buffers read as one `Buf`, the storage behind [`Collected`](crate::Collected).

use std::collections::VecDeque;
use std::io::IoSlice;

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// A queue of buffers that reads as their concatenation, without copying them together.
#[derive(Clone, Debug)]
pub(crate) struct BufList<T> {
    bufs: VecDeque<T>,
}

impl<T> Default for BufList<T> {
    fn default() -> Self {
        Self {
            bufs: VecDeque::new(),
        }
    }
}

impl<T: Buf> BufList<T> {
    /// Appends a buffer; empty ones are not kept, so `chunk` is only empty at the end.
    pub(crate) fn push(&mut self, buf: T) {
        if buf.has_remaining() {
            self.bufs.push_back(buf);
        }
    }

    /// Removes and returns the first buffer.
    pub(crate) fn pop(&mut self) -> Option<T> {
        self.bufs.pop_front()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bufs.is_empty()
    }
}

impl<T: Buf> Buf for BufList<T> {
    fn remaining(&self) -> usize {
        self.bufs.iter().map(Buf::remaining).sum()
    }

    fn chunk(&self) -> &[u8] {
        self.bufs.front().map_or(&[], Buf::chunk)
    }

    fn advance(&mut self, mut cnt: usize) {
        while cnt > 0 {
            let Some(front) = self.bufs.front_mut() else {
                panic!("advanced past the end of a BufList by {cnt} bytes");
            };
            let len = front.remaining();
            if len > cnt {
                front.advance(cnt);
                return;
            }
            front.advance(len);
            self.bufs.pop_front();
            cnt -= len;
        }
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        let mut filled = 0;
        for buf in &self.bufs {
            if filled == dst.len() {
                break;
            }
            filled += buf.chunks_vectored(&mut dst[filled..]);
        }
        filled
    }

    fn copy_to_bytes(&mut self, len: usize) -> Bytes {
        // The common case, one buffer (or a prefix of the first), goes through that buffer's
        // own copy_to_bytes, which for `Bytes` is a reference-count bump, not a copy.
        match self.bufs.front_mut() {
            Some(front) if front.remaining() == len => {
                let bytes = front.copy_to_bytes(len);
                self.bufs.pop_front();
                bytes
            }
            Some(front) if front.remaining() > len => front.copy_to_bytes(len),
            _ => {
                assert!(
                    len <= self.remaining(),
                    "copy_to_bytes past the end of a BufList"
                );
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

    fn list(parts: &[&'static [u8]]) -> BufList<Bytes> {
        let mut list = BufList::default();
        for part in parts {
            list.push(Bytes::from_static(part));
        }
        list
    }

    #[test]
    fn buf_list_reads_as_concatenation() {
        let mut bufs = list(&[b"ab", b"", b"cde", b"f"]);
        assert_eq!(bufs.remaining(), 6);
        bufs.advance(3);
        assert_eq!(bufs.chunk(), b"de");
        assert_eq!(bufs.copy_to_bytes(3), "def");
        assert!(!bufs.has_remaining());
        assert!(bufs.is_empty());
    }

    #[test]
    fn buf_list_single_buffer_copy_shares_memory() {
        let data = Bytes::from(vec![1u8; 32]);
        let ptr = data.as_ptr();
        let mut bufs = BufList::default();
        bufs.push(data);
        let out = bufs.copy_to_bytes(32);
        assert_eq!(out.as_ptr(), ptr);
    }

    #[test]
    fn buf_list_vectored_lists_every_chunk() {
        let bufs = list(&[b"a", b"bc", b"d"]);
        let mut slices = [IoSlice::new(&[]); 4];
        assert_eq!(bufs.chunks_vectored(&mut slices), 3);
        assert_eq!(&*slices[1], b"bc");
        let mut two = [IoSlice::new(&[]); 2];
        assert_eq!(bufs.chunks_vectored(&mut two), 2);
    }

    #[test]
    #[should_panic(expected = "past the end")]
    fn buf_list_advance_past_end_panics() {
        list(&[b"ab"]).advance(3);
    }
}
