//! AWS KMS: the account's keys, aliases and key policies, and the encryption SecureString
//! parameters rely on.
//!
//! Two kinds of key: customer managed keys (`aws kms create-key`) and the AWS managed key behind
//! the predefined alias `alias/aws/ssm`, which KMS creates the first time Parameter Store needs
//! it (or when someone describes the alias), as in AWS.
//!
//! **The encryption is a simulation.** Every key holds 32 bytes of key material drawn from the
//! world's generator; a ciphertext blob carries the key's id, a nonce and the plaintext XORed
//! with a ChaCha8 keystream seeded from the key material, the nonce and the encryption context,
//! plus a 16-byte check value. It cannot be reversed without the world's key material, which is
//! all a learner needs; it is not a cryptographic construction and must never protect real data.
//!
//! Authorization: a key's policy decides together with the caller's IAM policies. Before every
//! `kms:*` call `iam::actions` reads the key and its policy through its KMS hooks (answered
//! here); [`authorize`] does the same for the encryption Parameter Store does on a caller's
//! behalf. Errors carry KMS's codes and messages.

use crate::clock::{Time, DAY};
use crate::rng::Rng;
use crate::world::ACCOUNT_ID;
use rand::{RngCore, SeedableRng};
use std::collections::BTreeMap;

pub const REGION: &str = "us-east-1";

/// The predefined AWS alias Parameter Store encrypts with by default.
pub const SSM_ALIAS: &str = "alias/aws/ssm";

/// Predefined AWS aliases this simulation knows (name, description of the AWS managed key KMS
/// creates behind it). AWS lists more (aws/ebs, aws/s3, …); only Parameter Store's is simulated.
const PREDEFINED: &[(&str, &str)] = &[(SSM_ALIAS, "Default key that protects my SSM parameters when no other key is defined")];

/// A key's lifecycle state (`KeyState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyState {
    Enabled,
    Disabled,
    PendingDeletion,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
        }
    }
}

/// One KMS key (always a symmetric `SYMMETRIC_DEFAULT` encryption key here).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key id, a UUID.
    pub id: String,
    pub arn: String,
    pub created: Time,
    pub description: String,
    pub state: KeyState,
    /// When a key pending deletion is deleted.
    pub deletion_date: Option<Time>,
    pub pending_window_days: Option<u32>,
    /// The key policy document as text, exactly as stored (`default` is its only name).
    pub policy: String,
    /// True for AWS managed keys (`KeyManager: AWS`): their policy and state can't be changed.
    pub aws_managed: bool,
    pub tags: Vec<(String, String)>,
    /// Creation order, for listings.
    pub seq: u64,
    material: [u8; 32],
}

impl Key {
    pub fn enabled(&self) -> bool {
        self.state == KeyState::Enabled
    }
}

/// One alias: a friendly name (`alias/…`) pointing at a key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alias {
    pub name: String,
    pub target: String,
    pub created: Time,
    pub updated: Time,
}

impl Alias {
    pub fn arn(&self) -> String {
        alias_arn(&self.name)
    }
}

pub fn alias_arn(name: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT_ID}:{name}")
}

pub fn key_arn(id: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{id}")
}

/// A refused KMS request: KMS's error code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsError {
    pub code: &'static str,
    pub message: String,
}

impl KmsError {
    fn new(code: &'static str, message: impl Into<String>) -> KmsError {
        KmsError { code, message: message.into() }
    }
    pub fn not_found(message: impl Into<String>) -> KmsError {
        KmsError::new("NotFoundException", message)
    }
    pub fn validation(message: impl Into<String>) -> KmsError {
        KmsError::new("ValidationException", message)
    }
}

/// The account's KMS state in the one simulated region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Kms {
    pub keys: BTreeMap<String, Key>,
    pub aliases: BTreeMap<String, Alias>,
    seq: u64,
}

/// The default key policy of a customer managed key: the account (root) may do everything,
/// which hands the decision to IAM policies. AWS returns it in this pretty-printed form.
pub fn default_key_policy() -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {{\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"arn:aws:iam::{ACCOUNT_ID}:root\"\n    }},\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

/// The key policy of the AWS managed key for Parameter Store: any principal in the account may
/// use it through SSM (`kms:ViaService`), and the account may read its metadata directly.
/// The statement texts follow the AWS managed key policies AWS documents; the policy `Id` is
/// UNCONFIRMED.
pub fn aws_ssm_key_policy() -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"auto-ssm-1\",\n  \"Statement\" : [ {{\n    \"Sid\" : \"Allow access through Systems Manager for all principals in the account that are authorized to use Systems Manager\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"*\"\n    }},\n    \"Action\" : [ \"kms:Encrypt\", \"kms:Decrypt\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\", \"kms:CreateGrant\", \"kms:DescribeKey\" ],\n    \"Resource\" : \"*\",\n    \"Condition\" : {{\n      \"StringEquals\" : {{\n        \"kms:CallerAccount\" : \"{ACCOUNT_ID}\",\n        \"kms:ViaService\" : \"ssm.{REGION}.amazonaws.com\"\n      }}\n    }}\n  }}, {{\n    \"Sid\" : \"Allow direct access to key metadata to the account\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"arn:aws:iam::{ACCOUNT_ID}:root\"\n    }},\n    \"Action\" : [ \"kms:Describe*\", \"kms:Get*\", \"kms:List*\", \"kms:RevokeGrant\" ],\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

/// How a caller named a key.
enum KeyRef<'a> {
    Id(&'a str),
    Alias(&'a str),
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12].iter().zip(&parts).all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn parse_ref(key_ref: &str) -> Option<KeyRef<'_>> {
    if let Some(rest) = key_ref.strip_prefix("arn:aws:kms:") {
        // arn:aws:kms:REGION:ACCOUNT:key/ID or …:alias/NAME
        let mut it = rest.splitn(3, ':');
        let (_region, _account, res) = (it.next()?, it.next()?, it.next()?);
        if let Some(id) = res.strip_prefix("key/") {
            return Some(KeyRef::Id(id));
        }
        if res.starts_with("alias/") {
            return Some(KeyRef::Alias(res));
        }
        return None;
    }
    if key_ref.starts_with("alias/") {
        return Some(KeyRef::Alias(key_ref));
    }
    if is_uuid(key_ref) {
        return Some(KeyRef::Id(key_ref));
    }
    None
}

/// The ARN KMS names in "not found" messages for a reference.
fn display_arn(key_ref: &str) -> String {
    if key_ref.starts_with("arn:") {
        key_ref.to_string()
    } else if key_ref.starts_with("alias/") {
        alias_arn(key_ref)
    } else {
        key_arn(key_ref)
    }
}

/// The message KMS gives when a key can't be used in its current state.
pub fn state_error(key: &Key) -> KmsError {
    match key.state {
        KeyState::Disabled => KmsError::new("DisabledException", format!("{} is disabled.", key.arn)),
        KeyState::PendingDeletion => KmsError::new("KMSInvalidStateException", format!("{} is pending deletion.", key.arn)),
        KeyState::Enabled => KmsError::new("KMSInternalException", "internal error"),
    }
}

fn uuid(rng: &mut Rng) -> String {
    format!("{}-{}-{}-{}-{}", rng.hex(8), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(12))
}

/// Alias name rules (CreateAlias/UpdateAlias/DeleteAlias).
pub fn check_alias_name(name: &str) -> Result<(), KmsError> {
    if !name.starts_with("alias/") {
        return Err(KmsError::validation("Invalid identifier"));
    }
    if name.len() > 256 {
        return Err(KmsError::validation(format!(
            "1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to 256"
        )));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '_' | '-')) {
        return Err(KmsError::validation(format!(
            "1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
        )));
    }
    if name.contains(':') {
        return Err(KmsError::validation(format!("{name} contains invalid characters for an alias")));
    }
    Ok(())
}

const BLOB_HEADER: [u8; 5] = [0x01, 0x02, 0x02, 0x00, 0x78];
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

fn fnv(parts: &[&[u8]], basis: u64) -> u64 {
    let mut h = basis;
    for p in parts {
        for b in p.iter().chain((p.len() as u64).to_le_bytes().iter()) {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn context_bytes(ctx: &BTreeMap<String, String>) -> Vec<u8> {
    let mut v = Vec::new();
    for (k, val) in ctx {
        v.extend_from_slice(k.as_bytes());
        v.push(0);
        v.extend_from_slice(val.as_bytes());
        v.push(0);
    }
    v
}

fn keystream(material: &[u8; 32], nonce: &[u8], ctx: &[u8], len: usize) -> Vec<u8> {
    let mut seed = *material;
    for (i, b) in nonce.iter().enumerate() {
        seed[i] ^= b;
    }
    let c = fnv(&[ctx], 0xcbf2_9ce4_8422_2325).to_le_bytes();
    for (i, b) in c.iter().enumerate() {
        seed[16 + i] ^= b;
    }
    let mut g = rand_chacha::ChaCha8Rng::from_seed(seed);
    let mut out = vec![0u8; len];
    g.fill_bytes(&mut out);
    out
}

fn check_value(material: &[u8; 32], nonce: &[u8], ctx: &[u8], body: &[u8]) -> [u8; TAG_LEN] {
    let a = fnv(&[material, nonce, ctx, body], 0xcbf2_9ce4_8422_2325);
    let b = fnv(&[body, ctx, nonce, material], 0x8422_2325_cbf2_9ce4);
    let mut t = [0u8; TAG_LEN];
    t[..8].copy_from_slice(&a.to_le_bytes());
    t[8..].copy_from_slice(&b.to_le_bytes());
    t
}

fn id_bytes(id: &str) -> Option<[u8; 16]> {
    let hex: String = id.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn id_from_bytes(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

impl Kms {
    /// Create a customer managed key.
    pub fn create_key(&mut self, rng: &mut Rng, now: Time, description: &str, policy: Option<String>, tags: Vec<(String, String)>) -> &Key {
        self.insert_key(rng, now, description.to_string(), policy.unwrap_or_else(default_key_policy), false, tags)
    }

    fn insert_key(&mut self, rng: &mut Rng, now: Time, description: String, policy: String, aws_managed: bool, tags: Vec<(String, String)>) -> &Key {
        let id = uuid(rng);
        let mut material = [0u8; 32];
        for chunk in material.chunks_mut(8) {
            chunk.copy_from_slice(&rng.below(u64::MAX).to_le_bytes());
        }
        self.seq += 1;
        let key = Key {
            arn: key_arn(&id),
            id: id.clone(),
            created: now,
            description,
            state: KeyState::Enabled,
            deletion_date: None,
            pending_window_days: None,
            policy,
            aws_managed,
            tags,
            seq: self.seq,
            material,
        };
        self.keys.insert(id.clone(), key);
        &self.keys[&id]
    }

    /// Make sure the AWS managed key behind a predefined alias exists (KMS creates it on first
    /// use); its id, or None when `alias` is not predefined.
    pub fn ensure_aws_managed(&mut self, rng: &mut Rng, now: Time, alias: &str) -> Option<String> {
        if let Some(a) = self.aliases.get(alias) {
            return Some(a.target.clone());
        }
        let (_, description) = PREDEFINED.iter().find(|(n, _)| *n == alias)?;
        let policy = aws_ssm_key_policy();
        let id = self.insert_key(rng, now, description.to_string(), policy, true, Vec::new()).id.clone();
        self.aliases.insert(alias.to_string(), Alias { name: alias.to_string(), target: id.clone(), created: now, updated: now });
        Some(id)
    }

    /// Predefined aliases without a key yet (listed by ListAliases with no target).
    pub fn unmaterialised_predefined(&self) -> Vec<&'static str> {
        PREDEFINED.iter().map(|(n, _)| *n).filter(|n| !self.aliases.contains_key(*n)).collect()
    }

    /// Resolve a key id, key ARN, alias name or alias ARN to a key id. `aliases` false: only key
    /// ids and key ARNs are accepted (KMS says "Invalid keyId" for an alias there).
    pub fn resolve(&self, key_ref: &str, aliases: bool) -> Result<String, KmsError> {
        match parse_ref(key_ref) {
            Some(KeyRef::Id(id)) => {
                if self.keys.contains_key(id) {
                    Ok(id.to_string())
                } else {
                    Err(KmsError::not_found(format!("Key '{}' does not exist", display_arn(key_ref))))
                }
            }
            Some(KeyRef::Alias(name)) if aliases => match self.aliases.get(name) {
                Some(a) => Ok(a.target.clone()),
                None => Err(KmsError::not_found(format!("Alias {} is not found.", display_arn(key_ref)))),
            },
            _ => Err(KmsError::not_found(format!("Invalid keyId {key_ref}"))),
        }
    }

    /// Like [`Kms::resolve`], but a predefined AWS alias (`alias/aws/ssm`) gets its AWS managed
    /// key created on the spot, as KMS does.
    pub fn resolve_creating(&mut self, rng: &mut Rng, now: Time, key_ref: &str) -> Result<String, KmsError> {
        let alias = match parse_ref(key_ref) {
            Some(KeyRef::Alias(name)) => Some(name.to_string()),
            _ => None,
        };
        if let Some(name) = alias {
            if !self.aliases.contains_key(&name) {
                if let Some(id) = self.ensure_aws_managed(rng, now, &name) {
                    return Ok(id);
                }
            }
        }
        self.resolve(key_ref, true)
    }

    pub fn key(&self, id: &str) -> Option<&Key> {
        self.keys.get(id)
    }

    pub fn key_mut(&mut self, id: &str) -> Option<&mut Key> {
        self.keys.get_mut(id)
    }

    /// Aliases pointing at a key.
    pub fn aliases_of(&self, id: &str) -> Vec<&Alias> {
        self.aliases.values().filter(|a| a.target == id).collect()
    }

    /// Encrypt with a resolved, usable key (the caller checks state and permissions first).
    pub fn encrypt(&self, rng: &mut Rng, key_id: &str, plaintext: &[u8], ctx: &BTreeMap<String, String>) -> Result<Vec<u8>, KmsError> {
        let key = self.keys.get(key_id).ok_or_else(|| KmsError::not_found(format!("Key '{}' does not exist", key_arn(key_id))))?;
        if !key.enabled() {
            return Err(state_error(key));
        }
        let idb = id_bytes(&key.id).ok_or_else(|| KmsError::new("KMSInternalException", "internal error"))?;
        let mut nonce = [0u8; NONCE_LEN];
        for b in nonce.iter_mut() {
            *b = rng.below(256) as u8;
        }
        let ctxb = context_bytes(ctx);
        let ks = keystream(&key.material, &nonce, &ctxb, plaintext.len());
        let body: Vec<u8> = plaintext.iter().zip(ks).map(|(p, k)| p ^ k).collect();
        let tag = check_value(&key.material, &nonce, &ctxb, &body);
        let mut blob = Vec::with_capacity(BLOB_HEADER.len() + 16 + NONCE_LEN + body.len() + TAG_LEN);
        blob.extend_from_slice(&BLOB_HEADER);
        blob.extend_from_slice(&idb);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&body);
        blob.extend_from_slice(&tag);
        Ok(blob)
    }

    /// Which key a ciphertext blob names (None: not a blob this KMS made).
    pub fn blob_key(&self, blob: &[u8]) -> Option<String> {
        let min = BLOB_HEADER.len() + 16 + NONCE_LEN + TAG_LEN;
        if blob.len() < min || blob[..BLOB_HEADER.len()] != BLOB_HEADER {
            return None;
        }
        let id = id_from_bytes(&blob[BLOB_HEADER.len()..BLOB_HEADER.len() + 16]);
        self.keys.contains_key(&id).then_some(id)
    }

    /// Decrypt a blob (the caller checks the key's state and permissions first).
    pub fn decrypt(&self, blob: &[u8], ctx: &BTreeMap<String, String>) -> Result<(String, Vec<u8>), KmsError> {
        let invalid = || KmsError::new("InvalidCiphertextException", "");
        let id = self.blob_key(blob).ok_or_else(invalid)?;
        let key = &self.keys[&id];
        if !key.enabled() {
            return Err(state_error(key));
        }
        let start = BLOB_HEADER.len() + 16;
        let nonce = &blob[start..start + NONCE_LEN];
        let body = &blob[start + NONCE_LEN..blob.len() - TAG_LEN];
        let tag = &blob[blob.len() - TAG_LEN..];
        let ctxb = context_bytes(ctx);
        if check_value(&key.material, nonce, &ctxb, body)[..] != *tag {
            return Err(invalid());
        }
        let ks = keystream(&key.material, nonce, &ctxb, body.len());
        Ok((id, body.iter().zip(ks).map(|(c, k)| c ^ k).collect()))
    }

    /// Bytes from the world's generator (GenerateDataKey's plaintext data key).
    pub fn random_bytes(rng: &mut Rng, n: usize) -> Vec<u8> {
        (0..n).map(|_| rng.below(256) as u8).collect()
    }

    /// Schedule deletion in `days` (7–30); returns the deletion date.
    pub fn schedule_deletion(&mut self, id: &str, now: Time, days: u32) -> Result<Time, KmsError> {
        let key = self.keys.get_mut(id).ok_or_else(|| KmsError::not_found(format!("Key '{}' does not exist", key_arn(id))))?;
        if key.state == KeyState::PendingDeletion {
            return Err(state_error(key));
        }
        let at = now.plus(days as u64 * DAY);
        key.state = KeyState::PendingDeletion;
        key.deletion_date = Some(at);
        key.pending_window_days = Some(days);
        Ok(at)
    }

    /// Delete keys whose deletion date has passed (and their aliases). Returns the ids deleted.
    pub fn delete_due(&mut self, now: Time) -> Vec<String> {
        let due: Vec<String> = self
            .keys
            .values()
            .filter(|k| k.state == KeyState::PendingDeletion && k.deletion_date.is_some_and(|d| d <= now))
            .map(|k| k.id.clone())
            .collect();
        for id in &due {
            self.keys.remove(id);
            self.aliases.retain(|_, a| a.target != *id);
        }
        due
    }

    /// Keys in creation order.
    pub fn keys_in_order(&self) -> Vec<&Key> {
        let mut v: Vec<&Key> = self.keys.values().collect();
        v.sort_by_key(|k| k.seq);
        v
    }
}

/// A refused use of a key: AWS's sentence for the AccessDeniedException.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsDenied {
    pub message: String,
}

/// The key policy of `key` as a document (an unreadable one allows nothing).
pub fn policy_document(key: &Key) -> serde_json::Value {
    serde_json::from_str(&key.policy).unwrap_or_else(|_| serde_json::json!({"Version": "2012-10-17", "Statement": []}))
}

/// May `caller` perform `action` (e.g. `kms:Decrypt`) with key `key_id`? KMS's rule, applied by
/// [`crate::iam::authorize_with_resource_policy`]: the key policy must allow it, either naming
/// the caller, or allowing the account so that the caller's IAM policies decide; an explicit
/// Deny anywhere refuses. `via`: the service acting for the caller (`Some("ssm")` when
/// Parameter Store encrypts or decrypts a SecureString), which sets `kms:ViaService`.
pub fn authorize(world: &crate::World, caller: &crate::iam::Principal, action: &str, key_id: &str, via: Option<&str>) -> Result<(), KmsDenied> {
    let Some(key) = world.kms.key(key_id) else {
        return Err(KmsDenied { message: format!("Key '{}' does not exist", key_arn(key_id)) });
    };
    let mut extra = crate::iam::policy::Context::new();
    extra.set("kms:CallerAccount", ACCOUNT_ID);
    if let Some(service) = via {
        extra.set("kms:ViaService", format!("{service}.{REGION}.amazonaws.com"));
    }
    crate::iam::authorize_with_resource_policy(world, caller, action, &key.arn, &policy_document(key), &extra).map_err(|d| KmsDenied { message: d.message })
}

impl crate::World {
    /// Schedule a key's deletion; the event queue deletes it when the window ends.
    pub fn schedule_key_deletion(&mut self, key_id: &str, days: u32) -> Result<Time, KmsError> {
        let now = self.now();
        let at = self.kms.schedule_deletion(key_id, now, days)?;
        self.push_event(at, crate::world::Event { kind: crate::world::EventKind::KmsKeyDeletion, instance: key_id.to_string(), generation: 0 });
        self.bump();
        Ok(at)
    }

    /// The event queue reached a deletion date: delete every key whose window has ended.
    pub(crate) fn kms_deletion_due(&mut self) {
        let now = self.now();
        for id in self.kms.delete_due(now) {
            self.note(&format!("KMS deleted the key {id}: its waiting period ended. Data encrypted under it can no longer be decrypted."));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kms() -> (Kms, Rng) {
        (Kms::default(), Rng::new(3))
    }

    #[test]
    fn round_trip_and_tamper() {
        let (mut k, mut rng) = kms();
        let id = k.create_key(&mut rng, Time(0), "d", None, vec![]).id.clone();
        let ctx = BTreeMap::new();
        let blob = k.encrypt(&mut rng, &id, b"hunter2", &ctx).unwrap();
        assert_eq!(k.blob_key(&blob).as_deref(), Some(id.as_str()));
        assert!(!blob.windows(7).any(|w| w == b"hunter2"), "the plaintext does not appear in the blob");
        assert_eq!(k.decrypt(&blob, &ctx).unwrap(), (id.clone(), b"hunter2".to_vec()));
        // Same plaintext twice: different blobs (fresh nonce).
        assert_ne!(k.encrypt(&mut rng, &id, b"hunter2", &ctx).unwrap(), blob);
        // A flipped bit or another context is refused.
        let mut bad = blob.clone();
        let n = bad.len();
        bad[n - TAG_LEN - 1] ^= 1;
        assert_eq!(k.decrypt(&bad, &ctx).unwrap_err().code, "InvalidCiphertextException");
        let other: BTreeMap<String, String> = [("a".to_string(), "b".to_string())].into();
        assert_eq!(k.decrypt(&blob, &other).unwrap_err().code, "InvalidCiphertextException");
        assert_eq!(k.decrypt(b"short", &ctx).unwrap_err().code, "InvalidCiphertextException");
    }

    #[test]
    fn resolution_and_messages() {
        let (mut k, mut rng) = kms();
        let id = k.create_key(&mut rng, Time(0), "", None, vec![]).id.clone();
        assert_eq!(k.resolve(&id, true).unwrap(), id);
        assert_eq!(k.resolve(&key_arn(&id), false).unwrap(), id);
        assert_eq!(k.resolve("nope", true).unwrap_err().message, "Invalid keyId nope");
        assert_eq!(
            k.resolve("alias/missing", true).unwrap_err().message,
            "Alias arn:aws:kms:us-east-1:123456789012:alias/missing is not found."
        );
        assert_eq!(k.resolve("alias/missing", false).unwrap_err().message, "Invalid keyId alias/missing");
        let ghost = "11111111-2222-3333-4444-555555555555";
        assert_eq!(
            k.resolve(ghost, true).unwrap_err().message,
            format!("Key 'arn:aws:kms:us-east-1:123456789012:key/{ghost}' does not exist")
        );
        // The AWS managed key appears on first use, once.
        assert!(k.resolve(SSM_ALIAS, true).is_err());
        let a = k.resolve_creating(&mut rng, Time(5), SSM_ALIAS).unwrap();
        assert_eq!(k.resolve_creating(&mut rng, Time(6), SSM_ALIAS).unwrap(), a);
        assert!(k.key(&a).unwrap().aws_managed);
        assert!(k.unmaterialised_predefined().is_empty());
    }

    #[test]
    fn disabled_and_pending_keys_refuse_work() {
        let (mut k, mut rng) = kms();
        let id = k.create_key(&mut rng, Time(0), "", None, vec![]).id.clone();
        let ctx = BTreeMap::new();
        let blob = k.encrypt(&mut rng, &id, b"x", &ctx).unwrap();
        k.key_mut(&id).unwrap().state = KeyState::Disabled;
        let e = k.encrypt(&mut rng, &id, b"x", &ctx).unwrap_err();
        assert_eq!((e.code, e.message), ("DisabledException", format!("{} is disabled.", key_arn(&id))));
        assert_eq!(k.decrypt(&blob, &ctx).unwrap_err().code, "DisabledException");
        k.key_mut(&id).unwrap().state = KeyState::Enabled;
        let at = k.schedule_deletion(&id, Time(0), 7).unwrap();
        assert_eq!(at, Time(7 * DAY));
        assert_eq!(k.decrypt(&blob, &ctx).unwrap_err().code, "KMSInvalidStateException");
        assert!(k.delete_due(Time(7 * DAY - 1)).is_empty());
        assert_eq!(k.delete_due(Time(7 * DAY)), vec![id.clone()]);
        assert!(k.key(&id).is_none());
    }

    #[test]
    fn alias_rules() {
        assert!(check_alias_name("alias/app").is_ok());
        assert_eq!(check_alias_name("app").unwrap_err().message, "Invalid identifier");
        assert!(check_alias_name("alias/my-alias!").unwrap_err().message.contains("regular expression pattern"));
        assert!(check_alias_name("alias/a:b").unwrap_err().message.contains("invalid characters"));
    }
}
