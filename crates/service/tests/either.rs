//! `Either` as a service and as a layer, and `option_layer`.

use std::future::{Ready, ready};
use std::task::{Context, Poll, Waker};

use spire_service::layer::Identity;
use spire_service::util::{Either, MapRequestLayer, MapResponseLayer, option_layer};
use spire_service::{Layer, Service, ServiceBuilder, ServiceExt, service_fn};

fn left() -> impl Service<u32, Response = String, Error = (), Future = Ready<Result<String, ()>>> {
    service_fn(|x: u32| ready(Ok(format!("left {x}"))))
}

fn right() -> impl Service<u32, Response = String, Error = (), Future = Ready<Result<String, ()>>> {
    service_fn(|x: u32| ready(Ok(format!("right {x}"))))
}

#[tokio::test]
async fn either_service_calls_the_side_it_holds() {
    let pick = |use_left: bool| {
        if use_left {
            Either::Left(left())
        } else {
            Either::Right(right())
        }
    };
    assert_eq!(pick(true).oneshot(1).await, Ok("left 1".to_owned()));
    assert_eq!(pick(false).oneshot(2).await, Ok("right 2".to_owned()));
}

/// Never ready.
struct Stuck;

impl Service<u32> for Stuck {
    type Response = String;
    type Error = ();
    type Future = Ready<Result<String, ()>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ()>> {
        Poll::Pending
    }

    fn call(&mut self, _req: u32) -> Self::Future {
        panic!("Stuck is never ready, so it must never be called")
    }
}

#[test]
fn either_service_takes_readiness_from_the_side_it_holds() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut stuck_left = Either::Left::<_, Stuck>(Stuck);
    assert!(stuck_left.poll_ready(&mut cx).is_pending());
    let mut ready_right = Either::Right::<Stuck, _>(right());
    assert_eq!(ready_right.poll_ready(&mut cx), Poll::Ready(Ok(())));
    let mut ready_left = Either::Left::<_, Stuck>(left());
    assert_eq!(ready_left.poll_ready(&mut cx), Poll::Ready(Ok(())));
}

#[tokio::test]
async fn either_layer_applies_the_side_it_holds() {
    type Step = MapRequestLayer<fn(u32) -> u32>;
    let double: Step = MapRequestLayer::new(|x| x * 2);
    let add: Step = MapRequestLayer::new(|x| x + 100);
    let handler = || service_fn(|x: u32| ready(Ok::<_, ()>(x)));

    for (layer, expected) in [(Either::Left(double), 10), (Either::Right(add), 105)] {
        assert_eq!(layer.layer(handler()).oneshot(5).await, Ok(expected));
    }
}

#[tokio::test]
async fn option_layer_applies_some_and_skips_none() {
    let handler = || service_fn(|x: u32| ready(Ok::<_, ()>(x)));

    let some = option_layer(Some(MapResponseLayer::new(|x: u32| x + 1)));
    assert!(matches!(some, Either::Left(_)));
    assert_eq!(some.layer(handler()).oneshot(1).await, Ok(2));

    let none = option_layer(None::<MapResponseLayer<fn(u32) -> u32>>);
    assert!(matches!(none, Either::Right(Identity { .. })));
    assert_eq!(none.layer(handler()).oneshot(1).await, Ok(1));

    for (enabled, expected) in [(true, 2), (false, 1)] {
        let svc = ServiceBuilder::new()
            .option_layer(enabled.then(|| MapResponseLayer::new(|x: u32| x + 1)))
            .service(handler());
        assert_eq!(svc.oneshot(1).await, Ok(expected), "enabled = {enabled}");
    }
}
