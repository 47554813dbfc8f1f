//! HTTP/1.1 server against a real client: `curl`, when it is on the PATH (CI installs it).

use std::convert::Infallible;
use std::process::{Command, Output};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{BodyExt, Full};
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::service_fn;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(30);

mod support;
use support::serve;

fn curl_available() -> bool {
    let found = Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        println!("note: curl is not on the PATH; skipping the curl test");
    }
    found
}

async fn curl(args: Vec<String>) -> Output {
    let run = tokio::task::spawn_blocking(move || Command::new("curl").args(args).output());
    timeout(LIMIT, run).await.unwrap().unwrap().unwrap()
}

#[tokio::test]
async fn curl_gets_a_response_with_date_and_keep_alive() {
    if !curl_available() {
        return;
    }
    let service = service_fn(|req: Request<Incoming>| async move {
        let text = format!("hello {}", req.uri().path());
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
    });
    let (addr, server) = serve(Builder::new(), service).await;
    let url = format!("http://{addr}/one");
    let url2 = format!("http://{addr}/two");
    // Two URLs in one invocation reuse the connection (the server accepts only one).
    let out = curl(vec!["-sS".into(), "-i".into(), url, url2]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.contains("\r\ndate: "), "{text}");
    assert!(text.contains("hello /one"), "{text}");
    assert!(text.contains("hello /two"), "{text}");
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn curl_uploads_a_large_body_with_expect_continue() {
    if !curl_available() {
        return;
    }
    let service = service_fn(|req: Request<Incoming>| async move {
        let expected = req.headers().contains_key("expect");
        let body = req.into_body().collect().await?.to_bytes();
        let text = format!("{} bytes, expect={expected}", body.len());
        Ok::<_, spire_conn::Error>(Response::new(Full::new(Bytes::from(text))))
    });
    let (addr, server) = serve(Builder::new(), service).await;
    let path = std::env::temp_dir().join(format!("spire-http1-curl-{}.bin", std::process::id()));
    std::fs::write(&path, vec![b'z'; 3 * 1024 * 1024]).unwrap();
    let out = curl(vec![
        "-sS".into(),
        "-H".into(),
        "Expect: 100-continue".into(),
        "--data-binary".into(),
        format!("@{}", path.display()),
        format!("http://{addr}/upload"),
    ])
    .await;
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{} bytes, expect=true", 3 * 1024 * 1024)
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}
