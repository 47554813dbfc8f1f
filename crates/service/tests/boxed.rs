//! Boxed services and layers: the advertised `Send`/`Sync`/`Clone` promises, checked at
//! compile time, and behaviour identical to the service inside.

use std::future::{Ready, ready};
use std::rc::Rc;
use std::task::{Context, Poll};

use spire_service::util::{
    BoxCloneServiceLayer, BoxCloneSyncServiceLayer, BoxLayer, MapRequestLayer, MapResponseLayer,
};
use spire_service::{
    BoxCloneService, BoxCloneSyncService, BoxError, BoxService, Layer, Service, ServiceBuilder,
    ServiceExt, UnsyncBoxService, service_fn,
};

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}
fn assert_clone<T: Clone>() {}
fn assert_static<T: 'static>() {}

type Fut<S> = <S as Service<u32>>::Future;

#[test]
fn boxed_services_have_the_advertised_auto_traits() {
    // BoxService: Send + Sync, future Send.
    assert_send::<BoxService<u32, u32, BoxError>>();
    assert_sync::<BoxService<u32, u32, BoxError>>();
    assert_send::<Fut<BoxService<u32, u32, BoxError>>>();

    // BoxCloneService: Send + Clone (not Sync: see the compile_fail doc-test), future Send.
    assert_send::<BoxCloneService<u32, u32, BoxError>>();
    assert_clone::<BoxCloneService<u32, u32, BoxError>>();
    assert_send::<Fut<BoxCloneService<u32, u32, BoxError>>>();

    // BoxCloneSyncService: Send + Sync + Clone, future Send.
    assert_send::<BoxCloneSyncService<u32, u32, BoxError>>();
    assert_sync::<BoxCloneSyncService<u32, u32, BoxError>>();
    assert_clone::<BoxCloneSyncService<u32, u32, BoxError>>();
    assert_send::<Fut<BoxCloneSyncService<u32, u32, BoxError>>>();

    // UnsyncBoxService: only 'static (not Send: see the compile_fail doc-test).
    assert_static::<UnsyncBoxService<u32, u32, BoxError>>();

    // The layers are shareable and cheap to clone.
    assert_send::<BoxLayer<(), u32, u32, BoxError>>();
    assert_sync::<BoxLayer<(), u32, u32, BoxError>>();
    assert_clone::<BoxLayer<(), u32, u32, BoxError>>();
    assert_send::<BoxCloneServiceLayer<(), u32, u32, BoxError>>();
    assert_sync::<BoxCloneServiceLayer<(), u32, u32, BoxError>>();
    assert_clone::<BoxCloneServiceLayer<(), u32, u32, BoxError>>();
    assert_sync::<BoxCloneSyncServiceLayer<(), u32, u32, BoxError>>();
    assert_clone::<BoxCloneSyncServiceLayer<(), u32, u32, BoxError>>();
}

/// Not `Sync` (a `Cell` inside) but `Send`: `BoxService` must still accept it and be `Sync`.
#[derive(Clone, Default)]
struct NotSync {
    calls: std::cell::Cell<u32>,
}

impl Service<u32> for NotSync {
    type Response = u32;
    type Error = BoxError;
    type Future = Ready<Result<u32, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: u32) -> Self::Future {
        self.calls.set(self.calls.get() + 1);
        ready(Ok(req + self.calls.get()))
    }
}

#[tokio::test]
async fn box_service_is_sync_even_around_a_service_that_is_not() {
    let svc = BoxService::new(NotSync::default());
    let shared = std::sync::Arc::new(tokio::sync::Mutex::new(svc));
    let handle = tokio::spawn({
        let shared = std::sync::Arc::clone(&shared);
        async move {
            let mut svc = shared.lock().await;
            svc.ready().await.unwrap().call(10).await.unwrap()
        }
    });
    assert_eq!(handle.await.unwrap(), 11);
}

#[tokio::test]
async fn boxed_futures_can_be_spawned() {
    let mut svc = service_fn(|x: u32| async move { Ok::<_, BoxError>(x * 2) }).boxed_clone();
    let future = svc.ready().await.unwrap().call(21);
    assert_eq!(tokio::spawn(future).await.unwrap().unwrap(), 42);
}

#[tokio::test]
async fn box_clone_service_clones_the_service_inside() {
    // State lives in the service value, so a clone must continue from a copy of it.
    let mut original = NotSync::default().boxed_clone();
    assert_eq!(original.ready().await.unwrap().call(0).await.unwrap(), 1);
    let mut copy = original.clone();
    assert_eq!(copy.ready().await.unwrap().call(0).await.unwrap(), 2);
    assert_eq!(copy.ready().await.unwrap().call(0).await.unwrap(), 3);
    assert_eq!(
        original.ready().await.unwrap().call(0).await.unwrap(),
        2,
        "not shared with the copy"
    );
}

#[tokio::test]
async fn box_clone_sync_service_clones_and_behaves_like_the_inner_service() {
    let svc: BoxCloneSyncService<u32, String, &'static str> = service_fn(|x: u32| {
        ready(if x == 0 {
            Err("zero")
        } else {
            Ok(x.to_string())
        })
    })
    .boxed_clone_sync();
    assert_eq!(svc.clone().oneshot(5).await, Ok("5".to_owned()));
    assert_eq!(svc.oneshot(0).await, Err("zero"));
}

#[tokio::test]
async fn unsync_box_service_accepts_rc() {
    let prefix = Rc::new("n=");
    let svc = UnsyncBoxService::new(service_fn(move |x: u32| {
        let prefix = Rc::clone(&prefix);
        async move { Ok::<_, ()>(format!("{prefix}{x}")) }
    }));
    assert_eq!(svc.oneshot(3).await, Ok("n=3".to_owned()));
}

#[tokio::test]
async fn box_layer_erases_a_stack_and_can_be_cloned() {
    let layer: BoxLayer<_, u32, u32, ()> = BoxLayer::new(
        ServiceBuilder::new()
            .layer(MapRequestLayer::new(|x: u32| x + 1))
            .layer(MapResponseLayer::new(|x: u32| x * 10)),
    );
    let handler = || service_fn(|x: u32| ready(Ok::<_, ()>(x)));
    let a: BoxService<u32, u32, ()> = layer.layer(handler());
    let b = layer.clone().layer(handler());
    assert_eq!(a.oneshot(1).await, Ok(20));
    assert_eq!(b.oneshot(2).await, Ok(30));
}

#[tokio::test]
async fn box_clone_service_layers_build_clonable_services() {
    let layer = BoxCloneServiceLayer::new(MapRequestLayer::new(|x: u32| x * 3));
    let svc: BoxCloneService<u32, u32, ()> = layer.layer(service_fn(|x: u32| ready(Ok(x))));
    assert_eq!(svc.clone().oneshot(2).await, Ok(6));

    let layer = BoxCloneSyncServiceLayer::new(MapRequestLayer::new(|x: u32| x * 4));
    let svc: BoxCloneSyncService<u32, u32, ()> = layer.layer(service_fn(|x: u32| ready(Ok(x))));
    assert_eq!(svc.clone().oneshot(2).await, Ok(8));
}

#[tokio::test]
async fn builder_and_ext_boxing_agree() {
    let handler = || service_fn(|x: u32| ready(Ok::<_, ()>(x + 1)));
    let a: BoxService<u32, u32, ()> = ServiceBuilder::new().boxed().service(handler());
    let b: BoxCloneService<u32, u32, ()> = ServiceBuilder::new().boxed_clone().service(handler());
    let c: BoxCloneSyncService<u32, u32, ()> =
        ServiceBuilder::new().boxed_clone_sync().service(handler());
    let d: BoxService<u32, u32, ()> = handler().boxed();
    let e: BoxService<u32, u32, ()> = ServiceBuilder::new()
        .layer(BoxService::layer())
        .service(handler());
    assert_eq!(a.oneshot(1).await, Ok(2));
    assert_eq!(b.oneshot(1).await, Ok(2));
    assert_eq!(c.oneshot(1).await, Ok(2));
    assert_eq!(d.oneshot(1).await, Ok(2));
    assert_eq!(e.oneshot(1).await, Ok(2));
}

#[test]
fn boxed_debug_output_names_the_type() {
    let svc = service_fn(|x: u32| ready(Ok::<_, ()>(x)));
    assert!(format!("{:?}", svc.boxed()).starts_with("BoxService"));
    assert!(format!("{:?}", svc.boxed_clone()).starts_with("BoxCloneService"));
    assert!(format!("{:?}", svc.boxed_clone_sync()).starts_with("BoxCloneSyncService"));
    assert!(format!("{:?}", UnsyncBoxService::new(svc)).starts_with("UnsyncBoxService"));
}
