//! Systems Manager Parameter Store operations at the API boundary.
use super::ApiError;
use crate::world::World;
use serde_json::Value;

pub const OPERATIONS: &[&str] = &[];

pub fn call(_world: &mut World, operation: &str, _input: &Value) -> Result<Value, ApiError> {
    Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet.")))
}
