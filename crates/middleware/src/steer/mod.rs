//! Send each request to one of several services, chosen per request: [`Steer`].
//!
//! A [`Picker`] looks at the request and returns the index of the service to call (by
//! path, by header, by tenant). Since `poll_ready` runs before the request is known,
//! `Steer` is ready only when **every** service is: whichever one the picker chooses can
//! then take the call.
//!
//! ```text
//!              ┌──► services[0]
//!   request ──►│──► services[1]   index = picker.pick(&request, &services)
//!              └──► services[2]
//! ```
//!
//! # Examples
//!
//! ```
//! use spire_middleware::steer::Steer;
//! use spire_service::{BoxError, BoxService, Service, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let api: BoxService<&'static str, String, BoxError> =
//!     BoxService::new(service_fn(|path: &'static str| async move { Ok(format!("api {path}")) }));
//! let files: BoxService<&'static str, String, BoxError> =
//!     BoxService::new(service_fn(|path: &'static str| async move { Ok(format!("file {path}")) }));
//!
//! let mut svc = Steer::new(vec![api, files], |path: &&str, _: &[_]| {
//!     if path.starts_with("/api/") { 0 } else { 1 }
//! });
//! assert_eq!(svc.ready().await.unwrap().call("/api/users").await.unwrap(), "api /api/users");
//! assert_eq!(svc.ready().await.unwrap().call("/index.html").await.unwrap(), "file /index.html");
//! # }
//! ```

mod layer;
mod picker;
mod service;

pub use self::layer::SteerLayer;
pub use self::picker::Picker;
pub use self::service::Steer;
