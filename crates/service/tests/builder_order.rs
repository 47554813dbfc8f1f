//! `ServiceBuilder` order: the first layer added is the outermost. Proven by recording the
//! order in which layers see readiness, the request and the response.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use spire_service::layer::{Identity, Stack};
use spire_service::util::MapRequestLayer;
use spire_service::{BoxService, Layer, Service, ServiceBuilder, ServiceExt, layer_fn, service_fn};

type Log = Arc<Mutex<Vec<String>>>;

/// A layer that writes `"<name> ready"`, `"<name> request"` and `"<name> response"` to the log.
#[derive(Clone)]
struct Record {
    name: &'static str,
    log: Log,
}

impl<S> Layer<S> for Record {
    type Service = Recorded<S>;

    fn layer(&self, inner: S) -> Recorded<S> {
        Recorded {
            inner,
            name: self.name,
            log: Arc::clone(&self.log),
        }
    }
}

struct Recorded<S> {
    inner: S,
    name: &'static str,
    log: Log,
}

impl<S> Service<u32> for Recorded<S>
where
    S: Service<u32, Response = u32>,
    S::Future: Send + 'static,
{
    type Response = u32;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<u32, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} ready", self.name));
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: u32) -> Self::Future {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} request", self.name));
        let future = self.inner.call(req);
        let (name, log) = (self.name, Arc::clone(&self.log));
        Box::pin(async move {
            let response = future.await;
            log.lock().unwrap().push(format!("{name} response"));
            response
        })
    }
}

fn recording_handler(
    log: &Log,
) -> impl Service<u32, Response = u32, Error = (), Future = Ready<Result<u32, ()>>> + use<> {
    let log = Arc::clone(log);
    service_fn(move |x: u32| {
        log.lock().unwrap().push("handler".to_owned());
        ready(Ok(x))
    })
}

fn taken(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

#[tokio::test]
async fn builder_first_layer_added_is_outermost() {
    let log = Log::default();
    let record = |name| Record {
        name,
        log: Arc::clone(&log),
    };
    let svc = ServiceBuilder::new()
        .layer(record("a"))
        .layer(record("b"))
        .layer(record("c"))
        .service(recording_handler(&log));

    assert_eq!(svc.oneshot(1).await, Ok(1));
    assert_eq!(
        taken(&log),
        [
            "a ready",
            "b ready",
            "c ready", // readiness: outside in
            "a request",
            "b request",
            "c request", // request: outside in
            "handler",
            "c response",
            "b response",
            "a response", // response: inside out
        ]
    );
}

#[tokio::test]
async fn builder_map_request_runs_in_the_order_added() {
    let svc = ServiceBuilder::new()
        .map_request(|x: u32| x + 1)
        .map_request(|x: u32| x * 10)
        .service_fn(|x: u32| ready(Ok::<_, ()>(x)));
    assert_eq!(svc.oneshot(1).await, Ok(20), "(1 + 1) * 10, not 1 * 10 + 1");
}

#[tokio::test]
async fn builder_map_response_runs_in_reverse_order_added() {
    let svc = ServiceBuilder::new()
        .map_response(|s: String| s + "-outer")
        .map_response(|s: String| s + "-inner")
        .service_fn(|s: &'static str| ready(Ok::<_, ()>(s.to_owned())));
    assert_eq!(
        svc.oneshot("handler").await,
        Ok("handler-inner-outer".to_owned())
    );
}

#[tokio::test]
async fn builder_then_and_and_then_run_inside_out_on_responses() {
    let svc = ServiceBuilder::new()
        .and_then(|x: u32| ready(Ok::<_, ()>(x * 2)))
        .then(|r: Result<u32, ()>| ready(r.map(|x| x + 3)))
        .service_fn(|x: u32| ready(Ok::<_, ()>(x)));
    // inner `then` first: (1 + 3), then outer `and_then`: * 2
    assert_eq!(svc.oneshot(1).await, Ok(8));
}

#[tokio::test]
async fn builder_layer_fn_and_option_layer_keep_their_position() {
    let svc = ServiceBuilder::new()
        .layer_fn(|inner| MapRequestLayer::new(|x: u32| x + 1).layer(inner))
        .option_layer(Some(MapRequestLayer::new(|x: u32| x * 10)))
        .option_layer(None::<MapRequestLayer<fn(u32) -> u32>>)
        .service_fn(|x: u32| ready(Ok::<_, ()>(x)));
    assert_eq!(svc.oneshot(1).await, Ok(20));
}

#[tokio::test]
async fn builder_into_inner_and_service_build_the_same_stack() {
    let log = Log::default();
    let builder = ServiceBuilder::new()
        .layer(Record {
            name: "outer",
            log: Arc::clone(&log),
        })
        .layer(Record {
            name: "inner",
            log: Arc::clone(&log),
        });

    let by_service = builder.service(recording_handler(&log));
    assert_eq!(by_service.oneshot(1).await, Ok(1));
    let first = taken(&log);

    let by_layer = builder.clone().into_inner().layer(recording_handler(&log));
    assert_eq!(by_layer.oneshot(1).await, Ok(1));
    assert_eq!(taken(&log), first);

    // The builder is itself a layer.
    let as_layer = Layer::layer(&builder, recording_handler(&log));
    assert_eq!(as_layer.oneshot(1).await, Ok(1));
    assert_eq!(taken(&log), first);
    assert_eq!(first[2], "outer request");
}

#[tokio::test]
async fn stack_applies_inner_then_outer() {
    let add = MapRequestLayer::new(|x: u32| x + 1);
    let mul = MapRequestLayer::new(|x: u32| x * 10);
    let svc = Stack::new(add, mul).layer(service_fn(|x: u32| ready(Ok::<_, ()>(x))));
    assert_eq!(
        svc.oneshot(1).await,
        Ok(11),
        "outer (x10) sees the request first"
    );

    let svc = Stack::new(Identity::new(), Identity::new())
        .layer(service_fn(|x: u32| ready(Ok::<_, ()>(x))));
    assert_eq!(svc.oneshot(4).await, Ok(4));
}

#[tokio::test]
async fn borrowed_layers_and_layer_fn_wrap_like_the_layer() {
    let add = MapRequestLayer::new(|x: u32| x + 5);
    // Passed by reference to code that takes any `Layer`: uses the `&L` impl.
    fn apply<L: Layer<S>, S>(layer: L, service: S) -> L::Service {
        layer.layer(service)
    }
    let by_ref = apply(&add, service_fn(|x: u32| ready(Ok::<_, ()>(x))));
    assert_eq!(by_ref.oneshot(1).await, Ok(6));

    let wrap = layer_fn(|inner| MapRequestLayer::new(|x: u32| x * 3).layer(inner));
    let svc = wrap.layer(service_fn(|x: u32| ready(Ok::<_, ()>(x))));
    assert_eq!(svc.oneshot(2).await, Ok(6));
}

#[tokio::test]
async fn builder_boxed_first_erases_the_whole_stack() {
    let svc: BoxService<u32, u32, ()> = ServiceBuilder::new()
        .boxed()
        .map_request(|x: u32| x + 1)
        .map_response(|x: u32| x * 2)
        .service_fn(|x: u32| ready(Ok(x)));
    assert_eq!(svc.oneshot(1).await, Ok(4));
}

#[tokio::test]
async fn builder_check_methods_return_the_builder_unchanged() {
    type Handler = spire_service::util::ServiceFn<fn(u32) -> Ready<Result<u32, ()>>>;
    let svc = ServiceBuilder::new()
        .map_request(|x: u32| x + 1)
        .check_clone()
        .check_service_clone::<Handler>()
        .check_service::<Handler, u32, u32, ()>()
        .service(service_fn(
            (|x| ready(Ok(x))) as fn(u32) -> Ready<Result<u32, ()>>,
        ));
    assert_eq!(svc.oneshot(1).await, Ok(2));
}
