//! `SpawnReady`: readiness is driven in a background task.

use std::task::{Context, Poll, Waker};

use spire_middleware::error::Closed;
use spire_middleware::spawn_ready::{SpawnReady, SpawnReadyLayer};
use spire_service::{BoxError, Layer, Service, ServiceExt};
use spire_test::mock;

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

async fn let_tasks_run() {
    for _ in 0..5 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn spawn_ready_does_not_spawn_when_inner_is_ready() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = SpawnReadyLayer::new().layer(mock);
    assert!(poll_ready(&mut svc).is_ready());
    assert!(!svc.is_spawned());
    let response = svc.call(1);
    handle.next_request().await.unwrap().1.send_response(2);
    assert_eq!(response.await.unwrap(), 2);
}

#[tokio::test]
async fn spawn_ready_drives_readiness_without_the_caller() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    handle.allow(0);
    let mut svc = SpawnReady::new(mock);
    assert!(poll_ready(&mut svc).is_pending());
    assert!(svc.is_spawned());
    handle.allow(1);
    let_tasks_run().await; // the background task takes the budget...
    handle.allow(0); // ...so closing it now changes nothing for this service
    assert!(
        poll_ready(&mut svc).is_ready(),
        "the task made the service ready"
    );
    assert!(!svc.is_spawned());
    let response = svc.call(5);
    handle.next_request().await.unwrap().1.send_response(5);
    assert_eq!(response.await.unwrap(), 5);
}

#[tokio::test]
async fn spawn_ready_passes_the_background_error_then_is_closed() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    handle.allow(0);
    let mut svc = SpawnReady::new(mock);
    assert!(poll_ready(&mut svc).is_pending());
    handle.send_error("failed to connect");
    let err: BoxError = svc.ready().await.unwrap_err();
    assert_eq!(err.to_string(), "failed to connect");
    let err = svc.ready().await.unwrap_err();
    assert!(err.is::<Closed>());
}

#[tokio::test]
async fn spawn_ready_drop_stops_the_background_task() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    handle.allow(0);
    let mut svc = SpawnReady::new(mock);
    assert!(poll_ready(&mut svc).is_pending());
    drop(svc);
    // the aborted task dropped the only mock
    assert!(handle.next_request().await.is_none());
}

struct PanicsWhenPolledAgain {
    polled: bool,
}

impl Service<()> for PanicsWhenPolledAgain {
    type Response = ();
    type Error = BoxError;
    type Future = std::future::Ready<Result<(), BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        assert!(!self.polled, "inner service exploded");
        self.polled = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }

    fn call(&mut self, (): ()) -> Self::Future {
        std::future::ready(Ok(()))
    }
}

#[tokio::test]
#[should_panic(expected = "inner service exploded")]
async fn spawn_ready_resumes_a_panic_of_the_background_task() {
    let mut svc = SpawnReady::new(PanicsWhenPolledAgain { polled: false });
    let _ = svc.ready().await;
}
