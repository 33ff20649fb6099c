//! Web servers on the guest: what answers on a TCP port of an instance.

use crate::imds::{HttpRequest, HttpResponse};

/// What a TCP connection to a port of a running, reachable instance finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebAnswer {
    /// Nothing listens on the port: connection refused (curl exit 7).
    Refused,
    Response(HttpResponse),
}

/// Serve `req` on `port` of instance `id` from whichever service listens there (httpd, nginx, …),
/// at the world's current time. The caller has already checked state and security groups.
pub fn serve(world: &mut crate::World, id: &str, port: u16, req: &HttpRequest) -> WebAnswer {
    let _ = (world, id, port, req);
    WebAnswer::Refused
}
