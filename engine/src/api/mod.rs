//! The AWS API boundary: AWS-shaped JSON in, AWS-shaped JSON out.
//!
//! `call(world, "ec2", "RunInstances", &input)` takes the operation's input in the botocore
//! model's shape (PascalCase member names, e.g. `{"ImageId": …, "MinCount": 1}`) and returns the
//! output shape (e.g. `{"Reservations": […]}`) or an [`ApiError`] with AWS's code and message.
//! The core model never sees JSON; this module converts at the edge.

use crate::world::World;
use serde_json::Value;

pub mod ec2;
pub mod ssm;

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
        "ssm" => ssm::OPERATIONS.contains(&operation),
        "sts" => operation == "GetCallerIdentity",
        _ => false,
    }
}

pub fn call(world: &mut World, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError> {
    call_as(world, &Caller::Admin, service, operation, input)
}

pub fn call_as(world: &mut World, caller: &Caller, service: &str, operation: &str, input: &Value) -> Result<Value, ApiError> {
    match service {
        "ec2" => ec2::call(world, caller, operation, input),
        "ssm" => ssm::call(world, caller, operation, input),
        "sts" if operation == "GetCallerIdentity" => Ok(serde_json::json!({
            "UserId": "AIDAEC2LABLEARNER0001",
            "Account": world.account_id(),
            "Arn": format!("arn:aws:iam::{}:user/learner", world.account_id()),
        })),
        _ => Err(ApiError::new("NotSimulated", format!("The {service} service is not simulated in ec2lab yet."))),
    }
}
