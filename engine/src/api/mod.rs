//! The AWS API boundary: AWS-shaped JSON in, AWS-shaped JSON out.
//!
//! `call(world, "ec2", "RunInstances", &input)` takes the operation's input in the botocore
//! model's shape (PascalCase member names, e.g. `{"ImageId": …, "MinCount": 1}`) and returns the
//! output shape (e.g. `{"Reservations": […]}`) or an [`ApiError`] with AWS's code and message.
//! The core model never sees JSON; this module converts at the edge.

use crate::world::World;
use serde_json::Value;

pub mod ec2;
pub mod iam;
pub mod kms;
pub mod ram;
pub mod ssm;
pub mod sts;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError { code: code.into(), message: message.into() }
    }
}

/// Who is calling: the workstation's administrator or an instance role's session.
pub use crate::iam::Principal as Caller;

/// True when the engine implements `service`/`operation`.
pub fn is_simulated(service: &str, operation: &str) -> bool {
    match service {
        "ec2" => ec2::OPERATIONS.contains(&operation),
        "iam" => iam::OPERATIONS.contains(&operation),
        "ssm" => ssm::OPERATIONS.contains(&operation),
        "kms" => kms::OPERATIONS.contains(&operation),
        "sts" => sts::OPERATIONS.contains(&operation),
        "ram" => ram::OPERATIONS.contains(&operation),
        _ => false,
    }
}

pub fn call(world: &mut World, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError> {
    call_as(world, &Caller::Admin, service, operation, input)
}

/// A request signed with `creds` (what the CLI sends): the key decides the caller
/// ([`sts::authenticate`]), then [`call_as`].
pub fn call_signed(world: &mut World, creds: &crate::sts::Credentials, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError> {
    let caller = sts::authenticate(world, service, creds)?;
    call_as(world, &caller, service, operation, input)
}

pub fn call_as(world: &mut World, caller: &Caller, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError> {
    // The partner account (`lab account partner`) reaches only a few operations in ec2lab; say so
    // plainly rather than act on the learner's account.
    if *caller == Caller::Partner && is_simulated(service, operation) && !crate::ram::partner_may(service, operation) {
        return Err(ApiError::new(
            "ec2lab",
            format!(
                "the partner account ({}) is a second account with little in it: ec2lab simulates only sts get-caller-identity, ec2 describe-hosts and the aws ram commands for it, not {service} {}. Drop --profile partner to work in your own account.",
                crate::ram::PARTNER_ACCOUNT_ID,
                crate::console::aws::model::kebab(operation)
            ),
        ));
    }
    if service == "iam" {
        // Instance profiles' deliveries up to now read the IAM state before this change.
        crate::sts::sync_all(world);
    }
    // Every simulated call is authorized against its caller first (IAM's evaluation: explicit
    // deny > allow > implicit deny), and refused in the service's own words.
    if is_simulated(service, operation) {
        if let Err(d) = crate::iam::authorize_call(world, caller, service, operation, input) {
            return Err(iam::access_denied(service, &d));
        }
    }
    match service {
        "ec2" => ec2::call(world, caller, operation, input),
        "iam" => iam::call(world, caller, operation, input),
        "ssm" => ssm::call(world, caller, operation, input),
        "kms" => kms::call(world, caller, operation, input),
        "sts" => sts::call(world, caller, operation, input),
        "ram" => ram::call(world, caller, operation, input),
        _ => Err(ApiError::new("NotSimulated", format!("The {service} service is not simulated in ec2lab yet."))),
    }
}
