//! `Steer`: each request goes to the service the picker chooses.

use std::task::{Context, Poll, Waker};

use spire_middleware::steer::{Steer, SteerLayer};
use spire_service::{Layer, Service, ServiceExt};
use spire_test::mock::{self, Mock};

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

fn by_remainder(x: &u32, services: &[Mock<u32, u32>]) -> usize {
    (*x as usize) % services.len()
}

#[tokio::test]
async fn steer_routes_each_request_to_the_picked_service() {
    let (a, mut ha) = mock::pair::<u32, u32>();
    let (b, mut hb) = mock::pair::<u32, u32>();
    let (c, mut hc) = mock::pair::<u32, u32>();
    let mut svc = Steer::new([a, b, c], by_remainder);

    let mut responses = Vec::new();
    for x in [3, 4, 5, 6, 7] {
        responses.push(svc.ready().await.unwrap().call(x));
    }
    for (handle, expected) in [
        (&mut ha, vec![3, 6]),
        (&mut hb, vec![4, 7]),
        (&mut hc, vec![5]),
    ] {
        for want in expected {
            let (got, send) = handle.next_request().await.unwrap();
            assert_eq!(got, want);
            send.send_response(got * 10);
        }
        assert!(handle.try_next_request().is_none());
    }
    for (response, x) in responses.into_iter().zip([3, 4, 5, 6, 7]) {
        assert_eq!(response.await.unwrap(), x * 10);
    }
}

#[tokio::test]
async fn steer_is_ready_only_when_every_service_is() {
    let (a, mut ha) = mock::pair::<u32, u32>();
    let (b, mut hb) = mock::pair::<u32, u32>();
    hb.allow(0);
    let mut svc = SteerLayer::new(by_remainder).layer(vec![a, b]);
    assert!(poll_ready(&mut svc).is_pending());
    hb.allow(1);
    assert!(poll_ready(&mut svc).is_ready());
    // a call to `a` leaves `b`'s reservation in place: ready again once `a` is
    ha.allow(0);
    let _r = svc.call(2);
    assert!(poll_ready(&mut svc).is_pending());
    ha.allow(1);
    assert!(poll_ready(&mut svc).is_ready());
    let _r = svc.call(1); // goes to `b`, which reserved earlier
    let (got, _send) = hb.next_request().await.unwrap();
    assert_eq!(got, 1);
}

#[tokio::test]
async fn steer_passes_poll_ready_errors() {
    let (a, _ha) = mock::pair::<u32, u32>();
    let (b, mut hb) = mock::pair::<u32, u32>();
    let mut svc = Steer::new(vec![a, b], by_remainder);
    hb.send_error("b is down");
    assert!(matches!(poll_ready(&mut svc), Poll::Ready(Err(e)) if e.to_string() == "b is down"));
}

#[tokio::test]
#[should_panic(expected = "picker chose service 5 of 2")]
async fn steer_panics_on_an_out_of_range_pick() {
    let (a, _ha) = mock::pair::<u32, u32>();
    let (b, _hb) = mock::pair::<u32, u32>();
    let mut svc = Steer::new(vec![a, b], |_: &u32, _: &[Mock<u32, u32>]| 5);
    svc.ready().await.unwrap();
    drop(svc.call(1));
}

#[test]
#[should_panic(expected = "at least one service")]
fn steer_without_services_panics() {
    let _: Steer<_, _, u32> = Steer::new(Vec::<Mock<u32, u32>>::new(), by_remainder);
}
