//! `ServiceBuilderExt`: every method adds its layer, in reading order.

use std::time::Duration;

use spire_middleware::ServiceBuilderExt;
use spire_middleware::error::Overloaded;
use spire_middleware::limit::rate::RateLimited;
use spire_middleware::timeout::Elapsed;
use spire_service::{BoxError, Service, ServiceBuilder, ServiceExt};
use spire_test::mock;

#[tokio::test(start_paused = true)]
async fn builder_stack_of_every_layer_serves_a_call() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let svc = ServiceBuilder::new()
        .buffer::<u32>(8)
        .load_shed()
        .global_concurrency_limit(4)
        .concurrency_limit(2)
        .rate_limit(10, Duration::from_secs(1))
        .keyed_rate_limit(5, Duration::from_secs(1), |x: &u32| *x)
        .timeout(Duration::from_secs(1))
        .spawn_ready()
        .filter(|x: u32| if x < 100 { Ok(x) } else { Err("too big") })
        // AsyncFilter needs a Clone inner service: the mock is
        .filter_async(|x: u32| async move { Ok::<_, BoxError>(x) })
        .service(mock);
    let response = tokio::spawn(svc.clone().oneshot(7));
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 7);
    send.send_response(70);
    assert_eq!(response.await.unwrap().unwrap(), 70);

    let err = svc.clone().oneshot(100).await.unwrap_err();
    assert_eq!(err.to_string(), "too big");
}

#[tokio::test(start_paused = true)]
async fn builder_timeout_outside_load_shed_and_limit() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = ServiceBuilder::new()
        .timeout(Duration::from_millis(10))
        .load_shed()
        .concurrency_limit(1)
        .service(mock);
    let first = svc.ready().await.unwrap().call(1);
    let (_req, _send) = handle.next_request().await.unwrap();
    // the limit is full: load shed answers at once, before the timeout
    let err = svc.ready().await.unwrap().call(2).await.unwrap_err();
    assert!(err.is::<Overloaded>(), "{err}");
    // the first call is never answered: the outer timeout ends it
    let err = first.await.unwrap_err();
    assert!(err.is::<Elapsed>(), "{err}");
}

#[tokio::test(start_paused = true)]
async fn builder_keyed_rate_limit_rejects_over_budget_keys() {
    let mut svc = ServiceBuilder::new()
        .keyed_rate_limit(1, Duration::from_secs(1), |x: &u8| *x)
        .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
    assert_eq!(svc.ready().await.unwrap().call(1).await.unwrap(), 1);
    let err = svc.ready().await.unwrap().call(1).await.unwrap_err();
    assert!(err.is::<RateLimited>());
    assert_eq!(svc.ready().await.unwrap().call(2).await.unwrap(), 2);
}

#[tokio::test]
async fn builder_retry_retries_a_failed_call() {
    use std::future::{Ready, ready};

    use spire_middleware::retry::Policy;

    #[derive(Clone)]
    struct Once(bool);
    impl Policy<u8, u8, BoxError> for Once {
        type Future = Ready<()>;
        fn retry(&mut self, _: &mut u8, r: &mut Result<u8, BoxError>) -> Option<Ready<()>> {
            (r.is_err() && !std::mem::replace(&mut self.0, true)).then(|| ready(()))
        }
        fn clone_request(&mut self, req: &u8) -> Option<u8> {
            Some(*req)
        }
    }

    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = ServiceBuilder::new().retry(Once(false)).service(mock);
    let response = tokio::spawn(svc.ready().await.unwrap().call(3));
    handle
        .next_request()
        .await
        .unwrap()
        .1
        .send_error("first try");
    handle.next_request().await.unwrap().1.send_response(30);
    assert_eq!(response.await.unwrap().unwrap(), 30);
}

#[tokio::test(start_paused = true)]
async fn builder_circuit_breaker_opens_after_failures() {
    let mut svc = ServiceBuilder::new()
        .circuit_breaker(1, Duration::from_secs(5))
        .service_fn(|()| async { Err::<(), BoxError>("down".into()) });
    let err = svc.ready().await.unwrap().call(()).await.unwrap_err();
    assert_eq!(err.to_string(), "down");
    let err = svc.ready().await.unwrap().call(()).await.unwrap_err();
    assert!(err.is::<spire_middleware::circuit_breaker::CircuitOpen>());
}
