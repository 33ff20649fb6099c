//! The `iam/` subtree of the metadata service: what EC2 delivered for the instance's profile
//! (see [`crate::sts`] for when deliveries and refreshes happen).
//!
//! `iam/info` describes the profile, `iam/security-credentials/` lists the role and
//! `iam/security-credentials/<role>` holds its current credentials. The documents are the
//! pretty-printed JSON EC2 serves (`"Key" : value`, two-space indent, no final newline). Failures
//! are 200 answers whose `Code` is not `Success`, as in EC2: `InstanceProfileNotFound` in `info`
//! when the profile is gone, `AssumeRoleUnauthorizedAccess` in the credentials document when the
//! role's trust policy does not let EC2 assume it (the IAM user guide's troubleshoot_iam-ec2).

use super::{dir, val, Entry};
use crate::compute::Instance;
use crate::sts::Served;

/// Where EC2's messages send the reader.
const TROUBLESHOOT: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_iam-ec2.html#troubleshoot_iam-ec2_errors-info-doc";

/// A metadata JSON document from (key, value) pairs, in order.
pub fn document(fields: &[(&str, &str)]) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("  {} : {}", q(k), q(v))).collect();
    format!("{{\n{}\n}}", body.join(",\n"))
}

/// The entries of `iam/` for `inst` (empty: no `iam/` in the tree).
pub fn entries(inst: &Instance) -> Vec<Entry> {
    let Some(d) = &inst.iam.delivered else { return Vec::new() };
    let updated = d.refreshed.iso();
    let info = match &d.state {
        Served::ProfileNotFound => {
            let msg = format!("Instance Profile with Id {} cannot be found.  Please see documentation at {TROUBLESHOOT}.", d.profile_id);
            document(&[("Code", "InstanceProfileNotFound"), ("Message", &msg), ("LastUpdated", &updated)])
        }
        Served::NoRole => document(&[
            ("Code", "Success"),
            ("Message", "Instance Profile does not contain a role."),
            ("LastUpdated", &updated),
            ("InstanceProfileArn", &d.profile_arn),
            ("InstanceProfileId", &d.profile_id),
        ]),
        _ => document(&[
            ("Code", "Success"),
            ("LastUpdated", &updated),
            ("InstanceProfileArn", &d.profile_arn),
            ("InstanceProfileId", &d.profile_id),
        ]),
    };
    let mut e = vec![val("info", info)];
    let creds = match &d.state {
        Served::Untrusted { role } => {
            let msg = format!("EC2 cannot assume the role {role}.  Please see documentation at {TROUBLESHOOT}.");
            Some((role, document(&[("Code", "AssumeRoleUnauthorizedAccess"), ("Message", &msg), ("LastUpdated", &updated)])))
        }
        Served::Credentials { role, access_key_id, secret_access_key, token, expires } => Some((
            role,
            document(&[
                ("Code", "Success"),
                ("LastUpdated", &updated),
                ("Type", "AWS-HMAC"),
                ("AccessKeyId", access_key_id),
                ("SecretAccessKey", secret_access_key),
                ("Token", token),
                ("Expiration", &expires.iso()),
            ]),
        )),
        _ => None,
    };
    if let Some((role, doc)) = creds {
        e.push(dir("security-credentials", vec![val(role, doc)]));
    }
    e
}
