//! The instance metadata service (IMDS) at 169.254.169.254: an HTTP handler over the world.
//!
//! One entry point, [`request`], serves the console's `curl`, `ec2-metadata`, the app's metadata
//! inspector (through the console) and `ec2lab imds` (real HTTP). Per-instance state (tokens, the
//! request log, the `MetadataNoToken` count) lives on [`crate::compute::Instance::imds`].

use crate::clock::Time;
use std::collections::VecDeque;

/// How many requests the per-instance log keeps (oldest dropped first).
pub const LOG_CAP: usize = 200;

/// One IMDSv2 session token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub value: String,
    pub expires: Time,
}

/// One request as the metadata service saw it (for the inspector's log).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LogEntry {
    pub time: Time,
    pub method: String,
    pub path: String,
    /// A token header was sent (valid or not).
    pub token: bool,
    pub status: u16,
}

/// Per-instance metadata-service state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ImdsState {
    pub tokens: Vec<Token>,
    pub log: VecDeque<LogEntry>,
    /// Successful requests made without a token (CloudWatch's `MetadataNoToken`).
    pub no_token_count: u64,
}

/// An HTTP request as it reaches the metadata service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// Path with any query string, e.g. `/latest/meta-data/`.
    pub path: String,
    /// Header names as sent (matched case-insensitively).
    pub headers: Vec<(String, String)>,
    /// Network hops between the caller and the instance's interface: 0 for a process on the
    /// instance, 1 more for each container bridge. A PUT's response is dropped when
    /// `hops >= HttpPutResponseHopLimit`.
    pub hops: u32,
    /// Sent to the IPv6 endpoint `[fd00:ec2::254]`.
    pub ipv6: bool,
}

/// What came back. `None` from [`request`] means nothing came back at all (endpoint disabled for
/// IPv6, or a token response lost to the hop limit): the caller times out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Serve one request from a process on instance `instance_id` (see [`HttpRequest::hops`]).
/// Logs it on the instance. `None`: no response reaches the caller (it times out).
pub fn request(world: &mut crate::World, instance_id: &str, req: &HttpRequest) -> Option<HttpResponse> {
    // Implemented with the metadata tree (issue 4); until then every path is missing.
    let _ = (world, instance_id, req);
    Some(HttpResponse { status: 404, reason: "Not Found", headers: Vec::new(), body: Vec::new() })
}
