//! `MakeService`, `Shared`, `into_service` and `as_service`: a fresh service per target.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::task::{Context, Poll, Waker};

use spire_service::make::{MakeService, Shared};
use spire_service::{Service, ServiceExt, service_fn};

/// Counts its own calls in a field: a fresh clone starts at zero.
#[derive(Clone, Default)]
struct Counter {
    calls: u32,
}

impl Service<()> for Counter {
    type Response = u32;
    type Error = Infallible;
    type Future = Ready<Result<u32, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, (): ()) -> Self::Future {
        self.calls += 1;
        ready(Ok(self.calls))
    }
}

async fn call_twice(mut svc: Counter) -> (u32, u32) {
    let a = svc.ready().await.unwrap().call(()).await.unwrap();
    let b = svc.ready().await.unwrap().call(()).await.unwrap();
    (a, b)
}

#[tokio::test]
async fn shared_makes_a_fresh_clone_for_every_target() {
    let original = Counter { calls: 10 };
    let mut make = Shared::new(original);

    let first = ServiceExt::<&str>::ready(&mut make)
        .await
        .unwrap()
        .call("a")
        .await
        .unwrap();
    let second = ServiceExt::<&str>::ready(&mut make)
        .await
        .unwrap()
        .call("b")
        .await
        .unwrap();
    assert_eq!(call_twice(first).await, (11, 12));
    assert_eq!(
        call_twice(second).await,
        (11, 12),
        "not the service the first target got"
    );
}

#[test]
fn shared_is_always_ready() {
    let mut make = Shared::new(Counter::default());
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(
        Service::<u8>::poll_ready(&mut make, &mut cx),
        Poll::Ready(Ok(()))
    );
    assert_eq!(
        MakeService::<u8, ()>::poll_ready(&mut make, &mut cx),
        Poll::Ready(Ok(()))
    );
}

/// Generic code written against `MakeService`, as a server's accept loop is.
async fn serve_targets<M>(mut make: M, targets: &[u32]) -> Vec<String>
where
    M: MakeService<u32, &'static str, Response = String, MakeError = &'static str>,
    M::Error: std::fmt::Debug,
{
    let mut out = Vec::new();
    for &target in targets {
        std::future::poll_fn(|cx| make.poll_ready(cx))
            .await
            .unwrap();
        let svc = make.make_service(target).await.unwrap();
        out.push(svc.oneshot("hello").await.unwrap());
    }
    out
}

#[tokio::test]
async fn make_service_is_implemented_for_services_returning_services() {
    let make = service_fn(|target: u32| async move {
        Ok::<_, &'static str>(service_fn(move |greeting: &'static str| async move {
            Ok::<_, Infallible>(format!("{greeting} from {target}"))
        }))
    });
    let out = serve_targets(make, &[1, 2]).await;
    assert_eq!(out, ["hello from 1", "hello from 2"]);
}

#[tokio::test]
async fn make_errors_surface_as_make_error() {
    let make = service_fn(|target: u32| {
        ready(if target == 0 {
            Err("no service for 0")
        } else {
            Ok(service_fn(|_: &'static str| {
                ready(Ok::<_, Infallible>(String::new()))
            }))
        })
    });
    let mut svc = MakeService::<u32, &'static str>::into_service(make);
    assert_eq!(
        svc.ready().await.unwrap().call(0).await.err(),
        Some("no service for 0")
    );
    assert!(svc.ready().await.unwrap().call(1).await.is_ok());
}

#[tokio::test]
async fn into_service_and_as_service_make_services_through_service_ext() {
    let mut make = Shared::new(Counter::default());

    for _ in 0..2 {
        let made = MakeService::<(), ()>::as_service(&mut make)
            .oneshot(())
            .await
            .unwrap();
        assert_eq!(call_twice(made).await, (1, 2));
    }

    let made = MakeService::<(), ()>::into_service(make)
        .oneshot(())
        .await
        .unwrap();
    assert_eq!(call_twice(made).await, (1, 2));
}
