//! Systems Manager Parameter Store: the account's own parameters (String, StringList and
//! SecureString), their versions, labels, tiers, policies and tags, next to AWS's public
//! parameters (the latest-AMI ids in [`crate::catalog`]).
//!
//! Names: `/name` and `name` are the same parameter (AWS keys a parameter by its name without
//! one leading slash, and its ARN drops that slash); a parameter keeps the spelling it was
//! created with. Hierarchical names must start with `/` when created.
//!
//! SecureString values are stored as KMS ciphertext (base64, as GetParameter shows them without
//! `--with-decryption`), encrypted with the encryption context `PARAMETER_ARN` = the parameter's
//! ARN as AWS documents. Decrypting needs `kms:Decrypt` on the key for the caller, decided by
//! [`crate::kms::authorize`] (IAM policy and key policy).

pub mod policy;

#[cfg(test)]
mod tests;

use crate::api::Caller;
use crate::clock::Time;
use crate::world::{World, ACCOUNT_ID};
use policy::Policy;
use std::collections::BTreeMap;

pub const REGION: &str = "us-east-1";
/// Versions kept per parameter; the oldest is dropped beyond this.
pub const VERSION_LIMIT: usize = 100;
/// Labels per version.
pub const LABEL_LIMIT: usize = 10;
/// Value size limits in bytes per tier.
pub const STANDARD_VALUE_LIMIT: usize = 4096;
pub const ADVANCED_VALUE_LIMIT: usize = 8192;
/// Parameters per account and region per tier.
pub const STANDARD_COUNT_LIMIT: usize = 10_000;
pub const ADVANCED_COUNT_LIMIT: usize = 100_000;
/// Levels of a hierarchy (`/a/b/c` has 3).
pub const MAX_LEVELS: usize = 15;
/// A name may be this long counting the ARN prefix before it.
pub const MAX_NAME_WITH_ARN: usize = 1011;
/// The KMS key SecureStrings use when PutParameter names none.
pub const DEFAULT_KEY: &str = crate::kms::SSM_ALIAS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamType {
    String,
    StringList,
    SecureString,
}

impl ParamType {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "String",
            ParamType::StringList => "StringList",
            ParamType::SecureString => "SecureString",
        }
    }
    pub fn parse(s: &str) -> Option<ParamType> {
        match s {
            "String" => Some(ParamType::String),
            "StringList" => Some(ParamType::StringList),
            "SecureString" => Some(ParamType::SecureString),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    Standard,
    Advanced,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Standard => "Standard",
            Tier::Advanced => "Advanced",
        }
    }
    pub fn value_limit(self) -> usize {
        match self {
            Tier::Standard => STANDARD_VALUE_LIMIT,
            Tier::Advanced => ADVANCED_VALUE_LIMIT,
        }
    }
}

/// One version of a parameter: everything GetParameterHistory shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub version: u64,
    /// The value; for a SecureString the base64 ciphertext blob.
    pub value: String,
    pub ptype: ParamType,
    pub description: Option<String>,
    pub allowed_pattern: Option<String>,
    /// The KMS key as the caller named it (SecureString only; `alias/aws/ssm` by default).
    pub key_id: Option<String>,
    pub data_type: String,
    pub tier: Tier,
    pub policies: Vec<Policy>,
    pub labels: Vec<String>,
    pub modified: Time,
    /// ARN of who wrote this version (`LastModifiedUser`).
    pub user: String,
}

/// One parameter with its retained versions (oldest first) and tags.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Parameter {
    /// The name as created (with or without its leading slash).
    pub name: String,
    pub versions: Vec<Version>,
    pub tags: Vec<(String, String)>,
}

impl Parameter {
    pub fn latest(&self) -> &Version {
        // Invariant: a stored parameter has at least one version.
        &self.versions[self.versions.len() - 1]
    }
    pub fn arn(&self) -> String {
        parameter_arn(&self.name)
    }
    pub fn version(&self, v: u64) -> Option<&Version> {
        self.versions.iter().find(|x| x.version == v)
    }
    pub fn labelled(&self, label: &str) -> Option<&Version> {
        self.versions.iter().find(|x| x.labels.iter().any(|l| l == label))
    }
}

/// A refused Parameter Store request: the service's error code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsmError {
    pub code: String,
    pub message: String,
}

impl SsmError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> SsmError {
        SsmError { code: code.into(), message: message.into() }
    }
    pub fn validation(message: impl Into<String>) -> SsmError {
        SsmError::new("ValidationException", message)
    }
    /// ParameterNotFound with moto's sentence (GetParameter itself answers with no message).
    pub fn not_found(name: &str) -> SsmError {
        SsmError::new("ParameterNotFound", format!("Parameter {name} not found."))
    }
    pub fn version_not_found(version: &str, name: &str) -> SsmError {
        SsmError::new("ParameterVersionNotFound", format!("Systems Manager could not find version {version} of {name}. Verify the version and try again."))
    }
}

/// The account's parameters, keyed by name without its leading slash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ParameterStore {
    params: BTreeMap<String, Parameter>,
}

/// `/a/b` → `a/b`: how AWS keys (and ARNs) a name.
pub fn key_of(name: &str) -> &str {
    name.strip_prefix('/').unwrap_or(name)
}

/// Names under `/aws/service/` are AWS's public parameters.
pub fn is_public(name: &str) -> bool {
    name.starts_with("/aws/service/")
}

/// A parameter's ARN (public parameters have no account in theirs).
pub fn parameter_arn(name: &str) -> String {
    if is_public(name) {
        format!("arn:aws:ssm:{REGION}::parameter{name}")
    } else {
        format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/{}", key_of(name))
    }
}

/// A name given as an ARN (`arn:aws:ssm:us-east-1:123456789012:parameter/x`) → `/x`.
pub fn name_from_arn(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("arn:aws:ssm:") {
        if let Some(pos) = rest.find(":parameter/") {
            return rest[pos + ":parameter".len()..].to_string();
        }
    }
    name.to_string()
}

const NAME_RULES: &str = "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_";

/// PutParameter's name rules, in the order AWS (and moto) report them.
pub fn check_name(name: &str) -> Result<(), SsmError> {
    if name.is_empty() || name.len() > 2048 {
        return Err(SsmError::validation(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 2048, Member must have length greater than or equal to 1"
        )));
    }
    let lower = name.to_ascii_lowercase();
    let bare = lower.trim_start_matches('/');
    if bare.starts_with("aws") || bare.starts_with("ssm") {
        let is_path = name.matches('/').count() > 1;
        if lower.starts_with("/aws") && is_path {
            return Err(SsmError::new("AccessDeniedException", format!("No access to reserved parameter name: {name}.")));
        }
        return Err(SsmError::validation(if is_path {
            "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_"
        } else {
            "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."
        }));
    }
    if name.contains('/') && !name.starts_with('/') {
        return Err(SsmError::validation("Parameter name must be a fully qualified name."));
    }
    let valid_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'));
    let segments: Vec<&str> = key_of(name).split('/').collect();
    if !valid_chars || segments.iter().any(|s| s.is_empty()) {
        return Err(SsmError::validation(NAME_RULES));
    }
    if name.starts_with('/') && segments.len() > MAX_LEVELS {
        return Err(SsmError::new(
            "HierarchyLevelLimitExceededException",
            "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names in the Amazon Web Services Systems Manager User Guide.",
        ));
    }
    let arn_prefix = format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/");
    if arn_prefix.len() + key_of(name).len() > MAX_NAME_WITH_ARN {
        // AWS's wording for this case is UNCONFIRMED; the limit is documented.
        return Err(SsmError::validation(format!(
            "Parameter name is too long: a name can have at most {} characters including the ARN prefix {arn_prefix}.",
            MAX_NAME_WITH_ARN
        )));
    }
    Ok(())
}

/// Label rules (LabelParameterVersion): true when `label` may be used.
pub fn valid_label(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    !(lower.starts_with("aws") || lower.starts_with("ssm"))
        && !label.starts_with(|c: char| c.is_ascii_digit())
        && !label.is_empty()
        && label.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// How a GetParameter name selects a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    Latest,
    Version(u64),
    Label(String),
}

/// Split `name[:selector]`; None when the name has more than one `:` (not found, for AWS).
pub fn parse_selector(name: &str) -> Option<(&str, Selector)> {
    match name.split_once(':') {
        None => Some((name, Selector::Latest)),
        Some((base, sel)) if !sel.contains(':') && !base.is_empty() => {
            if !sel.is_empty() && sel.chars().all(|c| c.is_ascii_digit()) {
                sel.parse().ok().map(|v| (base, Selector::Version(v)))
            } else {
                Some((base, Selector::Label(sel.to_string())))
            }
        }
        _ => None,
    }
}

impl ParameterStore {
    pub fn get(&self, name: &str) -> Option<&Parameter> {
        self.params.get(key_of(name))
    }
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Parameter> {
        self.params.get_mut(key_of(name))
    }
    pub fn remove(&mut self, name: &str) -> Option<Parameter> {
        self.params.remove(key_of(name))
    }
    /// Every parameter, sorted by key.
    pub fn all(&self) -> impl Iterator<Item = &Parameter> {
        self.params.values()
    }
    pub fn len(&self) -> usize {
        self.params.len()
    }
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }
    fn count(&self, tier: Tier) -> usize {
        self.params.values().filter(|p| p.latest().tier == tier).count()
    }

    /// A version by `name[:version|:label]`; errors as GetParameter reports them.
    pub fn select(&self, name: &str) -> Result<(&Parameter, &Version, Selector), SsmError> {
        let Some((base, sel)) = parse_selector(name) else { return Err(SsmError::not_found(name)) };
        let p = self.get(base).ok_or_else(|| SsmError::not_found(name))?;
        let v = match &sel {
            Selector::Latest => p.latest(),
            Selector::Version(n) => p.version(*n).ok_or_else(|| SsmError::version_not_found(&n.to_string(), base))?,
            Selector::Label(l) => p.labelled(l).ok_or_else(|| SsmError::not_found(name))?,
        };
        Ok((p, v, sel))
    }

    /// Delete the parameter when its Expiration policy is due at `now`; its name if it was.
    pub fn expire(&mut self, key: &str, now: Time) -> Option<String> {
        let due = self.params.get(key).is_some_and(|p| policy::expiration(&p.latest().policies).is_some_and(|at| at <= now));
        if due {
            self.params.remove(key).map(|p| p.name)
        } else {
            None
        }
    }
}

/// What PutParameter is asked (botocore's PutParameterRequest, typed).
#[derive(Clone, Debug, Default)]
pub struct PutRequest {
    pub name: String,
    pub value: String,
    pub ptype: Option<String>,
    pub description: Option<String>,
    pub key_id: Option<String>,
    pub overwrite: bool,
    pub allowed_pattern: Option<String>,
    pub tags: Vec<(String, String)>,
    pub tier: Option<String>,
    pub policies: Option<String>,
    pub data_type: Option<String>,
}

/// Data types AWS supports that ec2lab does not check yet.
const OTHER_DATA_TYPES: &[&str] = &[
    "aws:ssm:integration", "aws:region", "aws:account:id", "boolean", "integer", "float", "binary", "hostname", "email",
    "ipv4-address", "ipv6-address", "url", "json", "jsonc",
];

fn enum_error(value: &str, field: &str, set: &str) -> SsmError {
    SsmError::validation(format!("1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{set}]"))
}

/// Full-match a value against an AllowedPattern (AWS evaluates Java regular expressions; the
/// whole value must match).
fn pattern_matches(pattern: &str, value: &str) -> Result<bool, SsmError> {
    let re = regex_bites::Regex::new(&format!("^(?:{pattern})$"))
        .map_err(|_| SsmError::new("InvalidAllowedPatternException", "The request doesn't meet the regular expression requirement."))?;
    Ok(re.is_match(value))
}

/// The encryption context Parameter Store uses for a SecureString.
pub fn encryption_context(name: &str) -> BTreeMap<String, String> {
    [("PARAMETER_ARN".to_string(), parameter_arn(name))].into()
}

/// Wrap a KMS refusal the way Parameter Store reports it (the KMS error inside an SSM one).
pub fn kms_wrapped(world: &mut World, code: &str, kms_code: &str, message: &str) -> SsmError {
    let id = format!("{}-{}-{}-{}-{}", world.rng.hex(8), world.rng.hex(4), world.rng.hex(4), world.rng.hex(4), world.rng.hex(12));
    SsmError::new(code, format!("{message} (Service: AWSKMS; Status Code: 400; Error Code: {kms_code}; Request ID: {id}; Proxy: null)"))
}

impl World {
    /// PutParameter: create a parameter or a new version of one. Returns (version, tier).
    pub fn put_parameter(&mut self, caller: &Caller, req: PutRequest) -> Result<(u64, Tier), SsmError> {
        let now = self.now();
        if req.value.is_empty() {
            return Err(SsmError::validation("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1."));
        }
        if req.overwrite && !req.tags.is_empty() {
            return Err(SsmError::validation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource."));
        }
        let name = req.name.trim().to_string();
        check_name(&name)?;
        let ptype = match &req.ptype {
            Some(t) => Some(ParamType::parse(t).ok_or_else(|| enum_error(t, "type", "SecureString, StringList, String"))?),
            None => None,
        };
        let tier_req = match req.tier.as_deref() {
            None => None,
            Some("Standard") => Some(Some(Tier::Standard)),
            Some("Advanced") => Some(Some(Tier::Advanced)),
            Some("Intelligent-Tiering") => Some(None),
            Some(t) => return Err(enum_error(t, "tier", "Standard, Advanced, Intelligent-Tiering")),
        };
        if let Some(d) = &req.description {
            if d.chars().count() > 1024 {
                return Err(SsmError::validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1024"));
            }
        }
        let data_type_given = req.data_type.clone();
        if let Some(dt) = &data_type_given {
            if OTHER_DATA_TYPES.contains(&dt.as_str()) {
                return Err(SsmError::validation(format!("ec2lab: the data type {dt} is not simulated yet (text and aws:ec2:image are).")));
            }
            if dt != "text" && dt != "aws:ec2:image" {
                return Err(SsmError::validation(format!("The following data type is not supported: {dt} (Data type names are all lowercase.)")));
            }
        }
        let prev = self.ssm.get(&name).map(|p| p.latest().clone());
        if prev.is_some() && !req.overwrite {
            return Err(SsmError::new("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."));
        }
        let ptype = match (ptype, &prev) {
            (Some(t), Some(p)) if t != p.ptype => {
                return Err(SsmError::new(
                    "HierarchyTypeMismatchException",
                    "Parameter Store doesn't support changing a parameter type in a hierarchy. For example, you can't change a parameter from a String type to a SecureString type. You must create a new, unique parameter.",
                ))
            }
            (Some(t), _) => t,
            (None, Some(p)) => p.ptype,
            (None, None) => return Err(SsmError::validation("A parameter type is required when you create a parameter.")),
        };
        let data_type = data_type_given.or_else(|| prev.as_ref().map(|p| p.data_type.clone())).unwrap_or_else(|| "text".into());
        if data_type == "aws:ec2:image" && ptype != ParamType::String {
            // AWS's wording is UNCONFIRMED; the rule (AMI parameters are Strings) is documented.
            return Err(SsmError::validation("The aws:ec2:image data type is supported only for parameters of type String."));
        }
        if req.key_id.is_some() && ptype != ParamType::SecureString {
            // UNCONFIRMED wording: a key only makes sense for a SecureString.
            return Err(SsmError::validation("KeyId is required only for the SecureString type and can't be used with the String or StringList types."));
        }
        let description = req.description.clone().or_else(|| prev.as_ref().and_then(|p| p.description.clone()));
        let allowed_pattern = req.allowed_pattern.clone().or_else(|| prev.as_ref().and_then(|p| p.allowed_pattern.clone()));
        if let Some(pat) = allowed_pattern.as_deref().filter(|p| !p.is_empty()) {
            if pat.len() > 1024 {
                return Err(SsmError::validation("1 validation error detected: Value at 'allowedPattern' failed to satisfy constraint: Member must have length less than or equal to 1024"));
            }
            if !pattern_matches(pat, &req.value)? {
                return Err(SsmError::new("ParameterPatternMismatchException", format!("Parameter value, cannot be validated against allowedPattern: {pat}")));
            }
        }
        let policies = match &req.policies {
            Some(text) => policy::parse(text, now)?,
            None => prev.as_ref().map(|p| p.policies.clone()).unwrap_or_default(),
        };
        // The tier: as asked, else what the parameter has (new ones: Standard, the account's
        // default). Intelligent-Tiering picks Advanced only when the value or policies need it.
        let prev_tier = prev.as_ref().map(|p| p.tier);
        let size = req.value.len();
        let tier = match tier_req {
            Some(Some(t)) => t,
            Some(None) => {
                if size > STANDARD_VALUE_LIMIT || !policies.is_empty() || prev_tier == Some(Tier::Advanced) {
                    Tier::Advanced
                } else {
                    Tier::Standard
                }
            }
            None => prev_tier.unwrap_or(Tier::Standard),
        };
        if prev_tier == Some(Tier::Advanced) && tier == Tier::Standard {
            return Err(SsmError::validation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter."));
        }
        if size > tier.value_limit() {
            return Err(SsmError::validation(match tier {
                Tier::Standard => "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html".to_string(),
                Tier::Advanced => "Advanced tier parameters support a maximum parameter value of 8192 characters.".to_string(),
            }));
        }
        if tier == Tier::Standard && !policies.is_empty() {
            // UNCONFIRMED wording: policies are documented as an Advanced-tier feature.
            return Err(SsmError::validation("Parameter policies are supported only for advanced-parameter tier parameters. Use --tier Advanced or --tier Intelligent-Tiering."));
        }
        if prev.is_none() || prev_tier != Some(tier) {
            let (count, limit) = match tier {
                Tier::Standard => (self.ssm.count(Tier::Standard), STANDARD_COUNT_LIMIT),
                Tier::Advanced => (self.ssm.count(Tier::Advanced), ADVANCED_COUNT_LIMIT),
            };
            if count >= limit {
                return Err(SsmError::new("ParameterLimitExceeded", "You have exceeded the number of parameters for this Amazon Web Services account. Delete one or more parameters and try again."));
            }
        }
        if let Some(p) = self.ssm.get(&name) {
            if p.versions.len() >= VERSION_LIMIT && !p.versions[0].labels.is_empty() {
                return Err(SsmError::new(
                    "ParameterMaxVersionLimitExceeded",
                    format!(
                        "You attempted to create a new version of {name} by calling the PutParameter API with the overwrite flag. Version {}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.",
                        p.versions[0].version
                    ),
                ));
            }
        }
        let stored_name = self.ssm.get(&name).map(|p| p.name.clone()).unwrap_or_else(|| name.clone());
        // SecureString: encrypt through KMS with the caller's permissions.
        let (value, key_id) = if ptype == ParamType::SecureString {
            let key_ref = req.key_id.clone().or_else(|| prev.as_ref().and_then(|p| p.key_id.clone())).unwrap_or_else(|| DEFAULT_KEY.to_string());
            let action = if tier == Tier::Advanced { "kms:GenerateDataKey" } else { "kms:Encrypt" };
            let blob = self.ssm_encrypt(caller, &key_ref, action, &stored_name, req.value.as_bytes())?;
            use base64::Engine as _;
            (base64::engine::general_purpose::STANDARD.encode(blob), Some(key_ref))
        } else {
            (req.value.clone(), None)
        };
        let number = prev.as_ref().map(|p| p.version + 1).unwrap_or(1);
        // aws:ec2:image values are checked after the call returns (asynchronously in AWS): an
        // AMI that does not exist means the version is never stored, though the call succeeded.
        if data_type == "aws:ec2:image" {
            let v = req.value.trim();
            let exists = crate::catalog::image(v).is_some() || self.images.live().any(|i| i.id == v);
            if !exists {
                self.note(&format!(
                    "Parameter Store could not validate {v} as an AMI in this account and region, so version {number} of {stored_name} was not stored (AWS checks aws:ec2:image values asynchronously after PutParameter returns)."
                ));
                return Ok((number, tier));
            }
        }
        let version = Version {
            version: number,
            value,
            ptype,
            description,
            allowed_pattern,
            key_id,
            data_type,
            tier,
            policies,
            labels: Vec::new(),
            modified: now,
            user: caller.arn(),
        };
        let expiry = policy::expiration(&version.policies);
        match self.ssm.params.get_mut(key_of(&name)) {
            Some(p) => {
                if p.versions.len() >= VERSION_LIMIT {
                    p.versions.remove(0);
                }
                p.versions.push(version);
            }
            None => {
                let tags = req.tags.clone();
                self.ssm.params.insert(key_of(&name).to_string(), Parameter { name: stored_name.clone(), versions: vec![version], tags });
            }
        }
        if let Some(at) = expiry {
            self.schedule_parameter_expiry(key_of(&name), at);
        }
        self.bump();
        Ok((number, tier))
    }

    /// Encrypt a SecureString value for `name` with `key_ref`, as Parameter Store does on the
    /// caller's behalf.
    fn ssm_encrypt(&mut self, caller: &Caller, key_ref: &str, action: &str, name: &str, plaintext: &[u8]) -> Result<Vec<u8>, SsmError> {
        let now = self.now();
        let key_id = match self.kms.resolve_creating(&mut self.rng, now, key_ref) {
            Ok(id) => id,
            Err(e) => return Err(kms_wrapped(self, "InvalidKeyId", e.code, &e.message)),
        };
        let Some(key) = self.kms.key(&key_id) else { return Err(SsmError::new("InvalidKeyId", format!("Invalid keyId {key_ref}"))) };
        let arn = key.arn.clone();
        if !key.enabled() {
            let e = crate::kms::state_error(key);
            return Err(kms_wrapped(self, "InvalidKeyId", e.code, &e.message));
        }
        if let Err(d) = crate::kms::authorize(self, caller, action, &key_id, Some("ssm")) {
            let _ = arn;
            return Err(kms_wrapped(self, "AccessDeniedException", "AccessDeniedException", &d.message));
        }
        let ctx = encryption_context(name);
        match self.kms.encrypt(&mut self.rng, &key_id, plaintext, &ctx) {
            Ok(b) => Ok(b),
            Err(e) => Err(kms_wrapped(self, "InvalidKeyId", e.code, &e.message)),
        }
    }

    /// The plaintext of a SecureString version, decrypted for `caller` (needs kms:Decrypt).
    pub fn ssm_decrypt(&mut self, caller: &Caller, name: &str, v: &Version) -> Result<String, SsmError> {
        use base64::Engine as _;
        let blob = base64::engine::general_purpose::STANDARD.decode(v.value.as_bytes()).unwrap_or_default();
        let Some(key_id) = self.kms.blob_key(&blob) else {
            // The key was deleted: KMS can no longer decrypt the value.
            return Err(kms_wrapped(
                self,
                "InvalidKeyId",
                "InvalidCiphertextException",
                "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.",
            ));
        };
        if let Some(key) = self.kms.key(&key_id) {
            if !key.enabled() {
                let e = crate::kms::state_error(key);
                return Err(kms_wrapped(self, "InvalidKeyId", e.code, &e.message));
            }
        }
        if let Err(d) = crate::kms::authorize(self, caller, "kms:Decrypt", &key_id, Some("ssm")) {
            return Err(kms_wrapped(self, "AccessDeniedException", "AccessDeniedException", &d.message));
        }
        match self.kms.decrypt(&blob, &encryption_context(name)) {
            Ok((_, plain)) => Ok(String::from_utf8_lossy(&plain).into_owned()),
            Err(e) => Err(kms_wrapped(self, "InvalidKeyId", e.code, &e.message)),
        }
    }

    fn schedule_parameter_expiry(&mut self, key: &str, at: Time) {
        self.push_event(at, crate::world::Event { kind: crate::world::EventKind::ParameterExpiration, instance: key.to_string(), generation: 0 });
    }

    /// The event queue reached a parameter's expiration time.
    pub(crate) fn parameter_expiry_due(&mut self, key: &str) {
        let now = self.now();
        if let Some(name) = self.ssm.expire(key, now) {
            self.bump();
            self.note(&format!("Parameter Store deleted {name}: its Expiration policy came due."));
        }
    }
}
