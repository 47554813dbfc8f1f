//! Reading a peer's bytes in wire-level tests, with a time limit so a server that never
//! answers fails the test instead of hanging it.
//!
//! The tests of spire-conn and spire-server write raw HTTP/1 bytes to a loopback socket and
//! assert on the exact bytes that come back; these are the two reads they all need.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::timeout;

/// How long a read may wait before the test fails: far longer than any correct test needs,
/// short enough that a hang is reported.
pub const READ_LIMIT: Duration = Duration::from_secs(20);

/// Reads until the peer closes, and returns what it sent as text.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut peer: &[u8] = b"HTTP/1.1 200 OK\r\n\r\n";
/// assert_eq!(spire_test::wire::read_to_close(&mut peer).await, "HTTP/1.1 200 OK\r\n\r\n");
/// # }
/// ```
///
/// # Panics
///
/// Panics if the peer does not close within [`READ_LIMIT`], if reading fails, or if the
/// bytes are not UTF-8: each is a failed test.
pub async fn read_to_close<R: AsyncRead + Unpin>(stream: &mut R) -> String {
    let mut buf = Vec::new();
    timeout(READ_LIMIT, stream.read_to_end(&mut buf))
        .await
        .expect("the peer closes in time")
        .expect("reading until the peer closes");
    String::from_utf8(buf).expect("the peer sent text")
}

/// Reads exactly `len` bytes, and returns them as text.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut peer: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
/// let interim = spire_test::wire::read_exactly(&mut peer, 25).await;
/// assert_eq!(interim, "HTTP/1.1 100 Continue\r\n\r\n");
/// # }
/// ```
///
/// # Panics
///
/// Panics if `len` bytes do not arrive within [`READ_LIMIT`], if reading fails (the peer
/// closed early), or if the bytes are not UTF-8: each is a failed test.
pub async fn read_exactly<R: AsyncRead + Unpin>(stream: &mut R, len: usize) -> String {
    let mut buf = vec![0; len];
    timeout(READ_LIMIT, stream.read_exact(&mut buf))
        .await
        .expect("the bytes arrive in time")
        .expect("the peer sends that many bytes");
    String::from_utf8(buf).expect("the peer sent text")
}
