//! Where the CLI finds credentials (and, on an instance without a configured region, its
//! region): botocore's default chain, in its order.
//!
//! 1. Environment variables `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`
//!    (skipped when `--profile` is given on the command line: an explicit profile wins).
//! 2. The profile's keys in the shared credentials file (`~/.aws/credentials`).
//! 3. The profile's keys in the config file (`~/.aws/config`).
//! 4. On an EC2 instance, the instance profile's role through the metadata service: a token
//!    `PUT` (a 403/404/405 answer or no answer means "go on without a token", as botocore does),
//!    then `GET iam/security-credentials/` for the role name and `GET …/<role>` for the keys.
//!    `AWS_EC2_METADATA_DISABLED=true` skips it.
//!
//! Nothing found: "Unable to locate credentials", exit 253. Profiles that assume roles, SSO,
//! credential processes and web identity are recognised and reported as not simulated.

use super::config::AwsConfig;
use super::{Backend, Failure};
use crate::imds::{HttpRequest, HttpResponse};
use crate::sts::Credentials;
use std::collections::BTreeMap;

/// Credentials and the provider that found them (botocore's `method`, shown by
/// `aws configure list`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub creds: Credentials,
    pub method: &'static str,
}

/// botocore's `metadata_service_timeout` default: one second per attempt.
pub const IMDS_TIMEOUT_MS: u64 = 1_000;
/// The token lifetime botocore asks for.
const TOKEN_TTL: &str = "21600";

pub fn no_credentials() -> Failure {
    Failure { code: 253, stderr: "\nUnable to locate credentials. You can configure credentials by running \"aws configure\".\n".into() }
}

fn partial(provider: &str, missing: &str) -> Failure {
    Failure::general(format!("Partial credentials found in {provider}, missing: {missing}"))
}

fn not_simulated(what: &str) -> Failure {
    Failure { code: 253, stderr: format!("ec2lab: {what} is a real way to get credentials, but ec2lab does not simulate it yet.\n") }
}

/// Keys from one mapping (`aws_access_key_id` present): the secret must be there too.
fn from_mapping(m: &BTreeMap<String, String>, provider: &'static str) -> Result<Option<Found>, Failure> {
    let Some(id) = m.get("aws_access_key_id") else { return Ok(None) };
    let Some(secret) = m.get("aws_secret_access_key") else { return Err(partial(provider, "aws_secret_access_key")) };
    let token = m.get("aws_session_token").or_else(|| m.get("aws_security_token")).cloned();
    Ok(Some(Found {
        creds: Credentials { access_key_id: id.clone(), secret_access_key: secret.clone(), session_token: token },
        method: provider,
    }))
}

/// Run the chain. `imds_hops`: on an EC2 instance, how many network hops the CLI is from the
/// metadata service (0 on the instance itself, 1 in a container on it); None elsewhere.
pub fn resolve(backend: &mut dyn Backend, cfg: &AwsConfig, env: &BTreeMap<String, String>, imds_hops: Option<u32>) -> Result<Found, Failure> {
    let get = |k: &str| env.get(k).filter(|v| !v.is_empty()).cloned();
    // 1. Environment (unless --profile was given).
    if cfg.flag_profile.is_none()
        && let Some(id) = get("AWS_ACCESS_KEY_ID")
    {
        let Some(secret) = get("AWS_SECRET_ACCESS_KEY") else { return Err(partial("env", "AWS_SECRET_ACCESS_KEY")) };
        let token = get("AWS_SESSION_TOKEN").or_else(|| get("AWS_SECURITY_TOKEN"));
        return Ok(Found { creds: Credentials { access_key_id: id, secret_access_key: secret, session_token: token }, method: "env" });
    }
    let profile = cfg.profile();
    let config = cfg.config_profile(profile).unwrap_or_default();
    if config.contains_key("role_arn") {
        return Err(not_simulated("assuming a role from a profile (role_arn)"));
    }
    if config.contains_key("web_identity_token_file") {
        return Err(not_simulated("web identity federation (web_identity_token_file)"));
    }
    if config.contains_key("sso_start_url") || config.contains_key("sso_session") {
        return Err(not_simulated("IAM Identity Center (SSO)"));
    }
    // 2. The shared credentials file.
    if let Some(found) = cfg.creds_profile(profile).map(|m| from_mapping(&m, "shared-credentials-file")).transpose()?.flatten() {
        return Ok(found);
    }
    if config.contains_key("credential_process") {
        return Err(not_simulated("credential_process"));
    }
    // 3. The config file.
    if let Some(found) = from_mapping(&config, "config-file")? {
        return Ok(found);
    }
    // (Container credentials would come here; ec2lab has no containers that provide them.)
    // 4. The instance profile, through the metadata service.
    if let Some(hops) = imds_hops.filter(|_| !get("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")))
        && let Some(creds) = Imds::new(env, hops).role_credentials(backend)
    {
        return Ok(Found { creds, method: "iam-role" });
    }
    Err(no_credentials())
}

/// The region of the instance the CLI runs on, through the metadata service (CLI v2 asks it
/// when no region is configured), or None.
pub fn instance_region(backend: &mut dyn Backend, env: &BTreeMap<String, String>, hops: u32) -> Option<String> {
    if env.get("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return None;
    }
    let mut imds = Imds::new(env, hops);
    let token = imds.token(backend)?;
    let az = imds.get(backend, "/latest/meta-data/placement/availability-zone/", token.as_deref())?;
    let az = String::from_utf8_lossy(&az.body).into_owned();
    let mut region = az;
    region.pop();
    Some(region)
}

/// botocore's metadata-service client (`IMDSFetcher`), one attempt per request.
struct Imds {
    ipv6: bool,
    hops: u32,
}

impl Imds {
    fn new(env: &BTreeMap<String, String>, hops: u32) -> Imds {
        let ipv6 = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").is_some_and(|m| m.eq_ignore_ascii_case("ipv6"));
        Imds { ipv6, hops }
    }

    fn send(&self, backend: &mut dyn Backend, method: &str, path: &str, headers: Vec<(String, String)>) -> Option<HttpResponse> {
        let req = HttpRequest { method: method.into(), path: path.into(), headers, hops: self.hops, ipv6: self.ipv6 };
        let resp = backend.imds(&req);
        if resp.is_none() {
            backend.advance(IMDS_TIMEOUT_MS); // nothing came back: the client waited out its timeout
        }
        resp
    }

    /// The token step: `Some(Some(token))`, `Some(None)` to go on without one (403/404/405, or
    /// no answer), `None` when the service refused the request as malformed (400).
    fn token(&mut self, backend: &mut dyn Backend) -> Option<Option<String>> {
        let headers = vec![("x-aws-ec2-metadata-token-ttl-seconds".to_string(), TOKEN_TTL.to_string())];
        match self.send(backend, "PUT", "/latest/api/token", headers) {
            Some(r) if r.status == 200 => Some(Some(String::from_utf8_lossy(&r.body).into_owned())),
            Some(r) if r.status == 400 => None,
            _ => Some(None),
        }
    }

    /// A GET that must come back 200 with a body (else botocore gives up after its attempt).
    fn get(&mut self, backend: &mut dyn Backend, path: &str, token: Option<&str>) -> Option<HttpResponse> {
        let headers = token.map(|t| vec![("x-aws-ec2-metadata-token".to_string(), t.to_string())]).unwrap_or_default();
        self.send(backend, "GET", path, headers).filter(|r| r.status == 200 && !r.body.is_empty())
    }

    /// `InstanceMetadataFetcher.retrieve_iam_role_credentials`.
    fn role_credentials(&mut self, backend: &mut dyn Backend) -> Option<Credentials> {
        const PATH: &str = "/latest/meta-data/iam/security-credentials/";
        let token = self.token(backend)?;
        let role = self.get(backend, PATH, token.as_deref())?;
        let role = String::from_utf8_lossy(&role.body).into_owned();
        let doc = self.get(backend, &format!("{PATH}{role}"), token.as_deref())?;
        let v: serde_json::Value = serde_json::from_slice(&doc.body).ok()?;
        let field = |k: &str| v.get(k).and_then(serde_json::Value::as_str).map(str::to_string);
        // A 200 whose document lacks the keys (e.g. Code AssumeRoleUnauthorizedAccess) counts
        // as no credentials; Expiration is required too.
        field("Expiration")?;
        Some(Credentials { access_key_id: field("AccessKeyId")?, secret_access_key: field("SecretAccessKey")?, session_token: Some(field("Token")?) })
    }
}
