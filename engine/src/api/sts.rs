//! STS operations at the API boundary, and the check every signed request goes through first:
//! which principal its access key belongs to ([`authenticate`]).

use super::{ApiError, Caller};
use crate::iam::Principal;
use crate::sts::{AuthError, Credentials};
use crate::world::World;
use serde_json::{json, Value};

pub const OPERATIONS: &[&str] = &["GetCallerIdentity"];

/// The unique id (`AIDA…`) of the workstation's IAM user `learner`.
pub const LEARNER_USER_ID: &str = "AIDAEC2LABLEARNER0001";

pub fn call(world: &mut World, caller: &Caller, operation: &str, input: &Value) -> Result<Value, ApiError> {
    let _ = input;
    match operation {
        // Needs no permission: anyone whose request is signed may ask who they are.
        "GetCallerIdentity" => Ok(get_caller_identity(world, caller)),
        _ => Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet."))),
    }
}

fn get_caller_identity(world: &World, caller: &Caller) -> Value {
    let user_id = match caller {
        Principal::Admin => LEARNER_USER_ID.to_string(),
        Principal::Partner => crate::ram::PARTNER_USER_ID.to_string(),
        Principal::Role { role, session } => {
            // `AROA…:session`: the role's unique id, from the role or (if it has been deleted
            // since) from the session's key.
            let role_id = world.iam.role(role).map(|r| r.id.clone()).or_else(|| {
                world.sts.keys().find(|k| k.principal == *caller).and_then(|k| k.role_id.clone())
            });
            format!("{}:{session}", role_id.unwrap_or_default())
        }
    };
    json!({"UserId": user_id, "Account": crate::ram::account_of(caller), "Arn": caller.arn()})
}

/// Who signed a request to `service` with `creds`, or the error that service answers for
/// credentials it does not accept. The codes differ by protocol: EC2 (`AuthFailure`,
/// `RequestExpired`), the query services STS and IAM (`InvalidClientTokenId`,
/// `SignatureDoesNotMatch`, `ExpiredToken`) and the JSON services such as SSM and KMS
/// (`UnrecognizedClientException`, `InvalidSignatureException`, `ExpiredTokenException`).
pub fn authenticate(world: &World, service: &str, creds: &Credentials) -> Result<Caller, ApiError> {
    let err = match world.sts.authenticate(world.now(), creds) {
        Ok(k) => return Ok(k.principal.clone()),
        Err(e) => e,
    };
    const INVALID: &str = "The security token included in the request is invalid.";
    const SIGNATURE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    const EXPIRED: &str = "The security token included in the request is expired";
    Err(match (service, err) {
        ("ec2", AuthError::Expired) => ApiError::new("RequestExpired", "Request has expired."),
        ("ec2", _) => ApiError::new("AuthFailure", "AWS was not able to validate the provided access credentials"),
        ("sts" | "iam", AuthError::UnknownKey) => ApiError::new("InvalidClientTokenId", INVALID),
        ("sts" | "iam", AuthError::Signature) => ApiError::new("SignatureDoesNotMatch", SIGNATURE),
        ("sts" | "iam", AuthError::Expired) => ApiError::new("ExpiredToken", EXPIRED),
        (_, AuthError::UnknownKey) => ApiError::new("UnrecognizedClientException", INVALID),
        (_, AuthError::Signature) => ApiError::new("InvalidSignatureException", SIGNATURE),
        (_, AuthError::Expired) => ApiError::new("ExpiredTokenException", EXPIRED),
    })
}
