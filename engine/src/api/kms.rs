//! AWS KMS at the API boundary: botocore-shaped JSON in and out over [`crate::kms`].
//!
//! Blobs (`Plaintext`, `CiphertextBlob`) travel base64-encoded, as in the JSON protocol. The
//! caller's right to the action (the key policy with IAM) is checked before dispatch by
//! `api::call_as` through `iam::actions`' KMS hooks; this module checks what KMS checks itself
//! (key state, names, sizes).

use super::{ApiError, Caller};
use crate::kms::{self, Key, KeyState, KmsError};
use crate::world::World;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const OPERATIONS: &[&str] = &[
    "CreateKey",
    "DescribeKey",
    "ListKeys",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "ListAliases",
    "GetKeyPolicy",
    "PutKeyPolicy",
    "ListKeyPolicies",
    "EnableKey",
    "DisableKey",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "UpdateKeyDescription",
    "Encrypt",
    "Decrypt",
    "GenerateDataKey",
    "TagResource",
    "UntagResource",
    "ListResourceTags",
];

impl From<KmsError> for ApiError {
    fn from(e: KmsError) -> ApiError {
        ApiError::new(e.code, e.message)
    }
}

fn s<'a>(input: &'a Value, key: &str) -> Option<&'a str> {
    input.get(key).and_then(Value::as_str)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean.as_bytes()).unwrap_or_default()
}

fn context_in(input: &Value) -> BTreeMap<String, String> {
    input
        .get("EncryptionContext")
        .and_then(Value::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default()
}

fn tags_in(input: &Value) -> Vec<(String, String)> {
    input
        .get("Tags")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|t| Some((s(t, "TagKey")?.to_string(), s(t, "TagValue").unwrap_or("").to_string()))).collect())
        .unwrap_or_default()
}

fn key_metadata(k: &Key) -> Value {
    let mut m = Map::new();
    m.insert("AWSAccountId".into(), json!(crate::world::ACCOUNT_ID));
    m.insert("KeyId".into(), json!(k.id));
    m.insert("Arn".into(), json!(k.arn));
    m.insert("CreationDate".into(), json!(k.created.iso_millis()));
    m.insert("Enabled".into(), json!(k.enabled()));
    m.insert("Description".into(), json!(k.description));
    m.insert("KeyUsage".into(), json!("ENCRYPT_DECRYPT"));
    m.insert("KeyState".into(), json!(k.state.as_str()));
    if let Some(d) = k.deletion_date {
        m.insert("DeletionDate".into(), json!(d.iso_millis()));
    }
    m.insert("Origin".into(), json!("AWS_KMS"));
    m.insert("KeyManager".into(), json!(if k.aws_managed { "AWS" } else { "CUSTOMER" }));
    m.insert("CustomerMasterKeySpec".into(), json!("SYMMETRIC_DEFAULT"));
    m.insert("KeySpec".into(), json!("SYMMETRIC_DEFAULT"));
    m.insert("EncryptionAlgorithms".into(), json!(["SYMMETRIC_DEFAULT"]));
    m.insert("MultiRegion".into(), json!(false));
    if let Some(days) = k.pending_window_days.filter(|_| k.state == KeyState::PendingDeletion) {
        m.insert("PendingDeletionWindowInDays".into(), json!(days));
    }
    json!({ "KeyMetadata": Value::Object(m) })
}

/// A key id or key ARN (no alias) that exists.
fn key_only(world: &World, input: &Value) -> Result<String, ApiError> {
    Ok(world.kms.resolve(s(input, "KeyId").unwrap_or_default(), false)?)
}

/// A key id, key ARN, alias name or alias ARN that exists (a predefined AWS alias gets its key).
fn any_key(world: &mut World, input: &Value) -> Result<String, ApiError> {
    let now = world.now();
    Ok(world.kms.resolve_creating(&mut world.rng, now, s(input, "KeyId").unwrap_or_default())?)
}

/// The key must be usable for cryptography (enabled).
fn usable(world: &World, id: &str) -> Result<(), ApiError> {
    match world.kms.key(id) {
        Some(k) if k.enabled() => Ok(()),
        Some(k) => Err(kms::state_error(k).into()),
        None => Err(KmsError::not_found(format!("Key '{}' does not exist", kms::key_arn(id))).into()),
    }
}

/// Not while the key waits to be deleted.
fn not_pending(world: &World, id: &str) -> Result<(), ApiError> {
    match world.kms.key(id) {
        Some(k) if k.state == KeyState::PendingDeletion => Err(kms::state_error(k).into()),
        _ => Ok(()),
    }
}

/// A key policy document: IAM's grammar for resource policies, then KMS's lockout safety
/// check (the new policy must still let the caller change the policy).
fn check_key_policy(world: &World, caller: &Caller, text: &str, key_arn: &str, bypass: bool) -> Result<(), ApiError> {
    let doc = crate::iam::policy::validate(text, crate::iam::policy::Kind::Resource).map_err(|m| ApiError::new("MalformedPolicyDocumentException", m))?;
    if !bypass {
        let extra = crate::iam::policy::Context::new();
        if crate::iam::authorize_with_resource_policy(world, caller, "kms:PutKeyPolicy", key_arn, &doc, &extra).is_err() {
            return Err(ApiError::new("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future."));
        }
    }
    Ok(())
}

fn limit(input: &Value) -> Result<usize, ApiError> {
    match input.get("Limit").and_then(Value::as_i64) {
        None => Ok(100),
        Some(n) if (1..=1000).contains(&n) => Ok(n as usize),
        Some(n) => Err(ApiError::new(
            "ValidationException",
            format!("1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000"),
        )),
    }
}

/// A page of `items` from `Marker`: (items, NextMarker, Truncated).
fn marker_page<T>(items: Vec<T>, input: &Value) -> Result<(Vec<T>, Option<String>), ApiError> {
    let size = limit(input)?;
    let start = match s(input, "Marker") {
        None => 0,
        Some(m) => String::from_utf8(unb64(m))
            .ok()
            .and_then(|t| t.strip_prefix("ec2lab-kms-page:").and_then(|n| n.parse().ok()))
            .ok_or_else(|| ApiError::new("InvalidMarkerException", "Invalid marker"))?,
    };
    let total = items.len();
    let out: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let next = (start + size < total).then(|| b64(format!("ec2lab-kms-page:{}", start + size).as_bytes()));
    Ok((out, next))
}

fn listing(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut o = Map::new();
    o.insert(key.into(), Value::Array(items));
    if let Some(m) = &next {
        o.insert("NextMarker".into(), json!(m));
    }
    o.insert("Truncated".into(), json!(next.is_some()));
    Value::Object(o)
}

fn reserved_alias(name: &str) -> bool {
    name.starts_with("alias/aws/")
}

pub fn call(world: &mut World, caller: &Caller, operation: &str, input: &Value) -> Result<Value, ApiError> {
    let now = world.now();
    match operation {
        "CreateKey" => {
            let usage = s(input, "KeyUsage").unwrap_or("ENCRYPT_DECRYPT");
            let spec = s(input, "KeySpec").or(s(input, "CustomerMasterKeySpec")).unwrap_or("SYMMETRIC_DEFAULT");
            if usage != "ENCRYPT_DECRYPT" || spec != "SYMMETRIC_DEFAULT" {
                return Err(ApiError::new(
                    "UnsupportedOperationException",
                    format!("ec2lab: only symmetric encryption keys (KeyUsage ENCRYPT_DECRYPT, KeySpec SYMMETRIC_DEFAULT) are simulated; {usage}/{spec} is not simulated yet."),
                ));
            }
            if let Some(o) = s(input, "Origin").filter(|o| *o != "AWS_KMS") {
                return Err(ApiError::new("UnsupportedOperationException", format!("ec2lab: key origin {o} is not simulated yet.")));
            }
            let description = s(input, "Description").unwrap_or("");
            if description.chars().count() > 8192 {
                return Err(ApiError::new("ValidationException", "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192"));
            }
            let policy = s(input, "Policy").map(String::from);
            if let Some(text) = &policy {
                // The key's ARN does not exist yet; the policy's Resource is "*" in practice.
                check_key_policy(world, caller, text, "*", input.get("BypassPolicyLockoutSafetyCheck").and_then(Value::as_bool).unwrap_or(false))?;
            }
            let tags = tags_in(input);
            let key = world.kms.create_key(&mut world.rng, now, description, policy, tags).clone();
            world.bump();
            Ok(key_metadata(&key))
        }
        "DescribeKey" => {
            let id = any_key(world, input)?;
            world.bump();
            Ok(world.kms.key(&id).map(key_metadata).unwrap_or(Value::Null))
        }
        "ListKeys" => {
            let keys: Vec<Value> = world.kms.keys_in_order().iter().map(|k| json!({"KeyId": k.id, "KeyArn": k.arn})).collect();
            let (keys, next) = marker_page(keys, input)?;
            Ok(listing("Keys", keys, next))
        }
        "CreateAlias" | "UpdateAlias" => {
            let name = s(input, "AliasName").unwrap_or_default().to_string();
            kms::check_alias_name(&name)?;
            if reserved_alias(&name) {
                return Err(ApiError::new("NotAuthorizedException", ""));
            }
            let target = s(input, "TargetKeyId").unwrap_or_default();
            if target.starts_with("alias/") || target.contains(":alias/") {
                return Err(ApiError::new("ValidationException", "Aliases must refer to keys. Not aliases"));
            }
            let exists = world.kms.aliases.contains_key(&name);
            if operation == "CreateAlias" && exists {
                return Err(ApiError::new("AlreadyExistsException", format!("An alias with the name {} already exists", kms::alias_arn(&name))));
            }
            if operation == "UpdateAlias" && !exists {
                return Err(KmsError::not_found(format!("Alias {} is not found.", kms::alias_arn(&name))).into());
            }
            let id = world.kms.resolve(target, false)?;
            not_pending(world, &id)?;
            if world.kms.key(&id).is_some_and(|k| k.aws_managed) {
                return Err(ApiError::new("NotAuthorizedException", ""));
            }
            let created = world.kms.aliases.get(&name).map(|a| a.created).unwrap_or(now);
            world.kms.aliases.insert(name.clone(), kms::Alias { name, target: id, created, updated: now });
            world.bump();
            Ok(json!({}))
        }
        "DeleteAlias" => {
            let name = s(input, "AliasName").unwrap_or_default().to_string();
            if !name.starts_with("alias/") {
                return Err(ApiError::new("ValidationException", "Invalid identifier"));
            }
            if reserved_alias(&name) {
                return Err(ApiError::new("NotAuthorizedException", ""));
            }
            if world.kms.aliases.remove(&name).is_none() {
                return Err(KmsError::not_found(format!("Alias {} is not found.", kms::alias_arn(&name))).into());
            }
            world.bump();
            Ok(json!({}))
        }
        "ListAliases" => {
            let filter = match s(input, "KeyId") {
                Some(k) => Some(world.kms.resolve(k, false)?),
                None => None,
            };
            let mut rows: Vec<(String, Value)> = Vec::new();
            for a in world.kms.aliases.values() {
                if filter.as_ref().is_some_and(|f| *f != a.target) {
                    continue;
                }
                rows.push((
                    a.name.clone(),
                    json!({"AliasName": a.name, "AliasArn": a.arn(), "TargetKeyId": a.target, "CreationDate": a.created.iso_millis(), "LastUpdatedDate": a.updated.iso_millis()}),
                ));
            }
            if filter.is_none() {
                for name in world.kms.unmaterialised_predefined() {
                    rows.push((name.to_string(), json!({"AliasName": name, "AliasArn": kms::alias_arn(name)})));
                }
            }
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            let (rows, next) = marker_page(rows.into_iter().map(|(_, v)| v).collect(), input)?;
            Ok(listing("Aliases", rows, next))
        }
        "GetKeyPolicy" | "PutKeyPolicy" | "ListKeyPolicies" => {
            let id = key_only(world, input)?;
            if operation == "ListKeyPolicies" {
                let (names, next) = marker_page(vec![json!("default")], input)?;
                return Ok(listing("PolicyNames", names, next));
            }
            let policy_name = s(input, "PolicyName").unwrap_or("default");
            if policy_name != "default" {
                return Err(KmsError::not_found("No such policy exists").into());
            }
            if operation == "GetKeyPolicy" {
                let policy = world.kms.key(&id).map(|k| k.policy.clone()).unwrap_or_default();
                return Ok(json!({"Policy": policy, "PolicyName": "default"}));
            }
            not_pending(world, &id)?;
            let text = s(input, "Policy").unwrap_or_default().to_string();
            let arn = kms::key_arn(&id);
            check_key_policy(world, caller, &text, &arn, input.get("BypassPolicyLockoutSafetyCheck").and_then(Value::as_bool).unwrap_or(false))?;
            if let Some(k) = world.kms.key_mut(&id) {
                k.policy = text;
            }
            world.bump();
            Ok(json!({}))
        }
        "EnableKey" | "DisableKey" => {
            let id = key_only(world, input)?;
            not_pending(world, &id)?;
            if let Some(k) = world.kms.key_mut(&id) {
                k.state = if operation == "EnableKey" { KeyState::Enabled } else { KeyState::Disabled };
            }
            world.bump();
            Ok(json!({}))
        }
        "ScheduleKeyDeletion" => {
            let id = key_only(world, input)?;
            let days = input.get("PendingWindowInDays").and_then(Value::as_i64).unwrap_or(30);
            if !(7..=30).contains(&days) {
                // AWS's wording is UNCONFIRMED; the 7–30 day window is documented.
                return Err(ApiError::new(
                    "ValidationException",
                    format!("1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30"),
                ));
            }
            let at = world.schedule_key_deletion(&id, days as u32)?;
            Ok(json!({"KeyId": kms::key_arn(&id), "DeletionDate": at.iso_millis(), "KeyState": "PendingDeletion", "PendingWindowInDays": days}))
        }
        "CancelKeyDeletion" => {
            let id = key_only(world, input)?;
            let Some(k) = world.kms.key_mut(&id) else { return Err(KmsError::not_found(format!("Key '{}' does not exist", kms::key_arn(&id))).into()) };
            if k.state != KeyState::PendingDeletion {
                return Err(ApiError::new("KMSInvalidStateException", format!("{} is not pending deletion.", k.arn)));
            }
            k.state = KeyState::Disabled;
            k.deletion_date = None;
            k.pending_window_days = None;
            world.bump();
            Ok(json!({"KeyId": kms::key_arn(&id)}))
        }
        "UpdateKeyDescription" => {
            let id = key_only(world, input)?;
            not_pending(world, &id)?;
            if let Some(k) = world.kms.key_mut(&id) {
                k.description = s(input, "Description").unwrap_or_default().to_string();
            }
            world.bump();
            Ok(json!({}))
        }
        "Encrypt" | "GenerateDataKey" => {
            let plaintext = if operation == "Encrypt" {
                let p = unb64(s(input, "Plaintext").unwrap_or_default());
                if p.is_empty() {
                    return Err(ApiError::new("ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1"));
                }
                if p.len() > 4096 {
                    return Err(ApiError::new("ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"));
                }
                p
            } else {
                let n = match (s(input, "KeySpec"), input.get("NumberOfBytes").and_then(Value::as_i64)) {
                    (Some(_), Some(_)) | (None, None) => return Err(ApiError::new("ValidationException", "Please specify either number of bytes or key spec.")),
                    (Some("AES_256"), None) => 32,
                    (Some("AES_128"), None) => 16,
                    (Some(k), None) => {
                        return Err(ApiError::new(
                            "ValidationException",
                            format!("1 validation error detected: Value '{k}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]"),
                        ))
                    }
                    (None, Some(n)) if (1..=1024).contains(&n) => n as usize,
                    (None, Some(n)) => {
                        return Err(ApiError::new(
                            "ValidationException",
                            format!("1 validation error detected: Value '{n}' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"),
                        ))
                    }
                };
                kms::Kms::random_bytes(&mut world.rng, n)
            };
            let id = any_key(world, input)?;
            // A predefined alias's AWS managed key may have just been created, after the check
            // before dispatch: check its key policy now.
            kms::authorize(world, caller, &format!("kms:{operation}"), &id, None).map_err(|d| ApiError::new("AccessDeniedException", d.message))?;
            usable(world, &id)?;
            let blob = world.kms.encrypt(&mut world.rng, &id, &plaintext, &context_in(input))?;
            let arn = kms::key_arn(&id);
            if operation == "Encrypt" {
                Ok(json!({"CiphertextBlob": b64(&blob), "KeyId": arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}))
            } else {
                Ok(json!({"CiphertextBlob": b64(&blob), "Plaintext": b64(&plaintext), "KeyId": arn}))
            }
        }
        "Decrypt" => {
            let blob = unb64(s(input, "CiphertextBlob").unwrap_or_default());
            let Some(id) = world.kms.blob_key(&blob) else { return Err(ApiError::new("InvalidCiphertextException", "")) };
            if s(input, "KeyId").is_some() {
                let named = world.kms.resolve(s(input, "KeyId").unwrap_or_default(), true)?;
                if named != id {
                    return Err(ApiError::new("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation."));
                }
            }
            usable(world, &id)?;
            let (id, plain) = world.kms.decrypt(&blob, &context_in(input))?;
            Ok(json!({"KeyId": kms::key_arn(&id), "Plaintext": b64(&plain), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}))
        }
        "TagResource" | "UntagResource" | "ListResourceTags" => {
            let id = key_only(world, input)?;
            let Some(k) = world.kms.key_mut(&id) else { return Err(KmsError::not_found(format!("Key '{}' does not exist", kms::key_arn(&id))).into()) };
            match operation {
                "ListResourceTags" => {
                    let tags: Vec<Value> = k.tags.iter().map(|(tk, tv)| json!({"TagKey": tk, "TagValue": tv})).collect();
                    let (tags, next) = marker_page(tags, input)?;
                    Ok(listing("Tags", tags, next))
                }
                "TagResource" => {
                    for (tk, tv) in tags_in(input) {
                        match k.tags.iter_mut().find(|(x, _)| *x == tk) {
                            Some(t) => t.1 = tv,
                            None => k.tags.push((tk, tv)),
                        }
                    }
                    world.bump();
                    Ok(json!({}))
                }
                _ => {
                    let keys: Vec<String> =
                        input.get("TagKeys").and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default();
                    k.tags.retain(|(tk, _)| !keys.contains(tk));
                    world.bump();
                    Ok(json!({}))
                }
            }
        }
        _ => Err(ApiError::new("NotSimulated", format!("{operation} is not simulated in ec2lab yet."))),
    }
}
