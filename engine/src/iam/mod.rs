//! IAM: who is calling, roles, policies, instance profiles, and the policy evaluator.
//!
//! Every simulated API call is authorized here ([`authorize`]) against its caller
//! ([`Principal`]): the workstation's administrator, or an instance role's STS session. The
//! account's IAM state lives in [`Iam`] on the world.

use crate::world::ACCOUNT_ID;
use serde_json::Value;
use std::collections::BTreeMap;

/// Who makes an API call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    /// The workstation's IAM user `learner`, an administrator (AdministratorAccess).
    Admin,
    /// An STS session of an assumed role: an instance role's session is named after the instance id.
    Role { role: String, session: String },
}

impl Principal {
    /// The ARN AWS names in `GetCallerIdentity` and in access-denied messages.
    pub fn arn(&self) -> String {
        match self {
            Principal::Admin => format!("arn:aws:iam::{ACCOUNT_ID}:user/learner"),
            Principal::Role { role, session } => format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{session}"),
        }
    }
}

/// One IAM role.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Role {
    pub name: String,
    /// `/` unless created with `--path`.
    pub path: String,
    /// `AROA…`
    pub id: String,
    pub arn: String,
    pub created: crate::clock::Time,
    pub description: String,
    pub max_session_duration: u32,
    /// The trust policy document (who may assume the role).
    pub trust_policy: Value,
    /// ARNs of attached managed policies.
    pub attached: Vec<String>,
    /// Inline policies: name -> document.
    pub inline: BTreeMap<String, Value>,
    pub tags: Vec<(String, String)>,
}

/// One instance profile: a container for at most one role, which instances wear.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InstanceProfile {
    pub name: String,
    pub path: String,
    /// `AIPA…`
    pub id: String,
    pub arn: String,
    pub created: crate::clock::Time,
    /// Role names (IAM allows one).
    pub roles: Vec<String>,
}

/// The account's IAM state. Filled by the IAM work (roles, customer managed policies and their
/// versions, instance profiles); AWS managed policies are a built-in catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Iam {
    pub roles: BTreeMap<String, Role>,
    pub instance_profiles: BTreeMap<String, InstanceProfile>,
}

impl Iam {
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// An instance profile by name or ARN, as EC2 accepts either.
    pub fn instance_profile(&self, name_or_arn: &str) -> Option<&InstanceProfile> {
        if name_or_arn.starts_with("arn:") {
            self.instance_profiles.values().find(|p| p.arn == name_or_arn)
        } else {
            self.instance_profiles.get(name_or_arn)
        }
    }
}

/// A refused request, with AWS's sentence (the API layer adds the service's error code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    pub message: String,
    /// An explicit Deny decided (otherwise nothing allowed it).
    pub explicit: bool,
}

/// May `who` perform `action` (e.g. `ssm:GetParameter`) on `resource` (an ARN or `*`)?
/// The administrator may do everything; a role session is decided by the role's policies.
pub fn authorize(world: &crate::World, who: &Principal, action: &str, resource: &str) -> Result<(), Denied> {
    match who {
        Principal::Admin => Ok(()),
        Principal::Role { role, .. } => {
            // The evaluator (explicit deny > allow > implicit deny over the role's policies)
            // arrives with the IAM work; until then a role may do nothing, which is honest for
            // a role without policies and never grants too much.
            let _ = (world, role);
            Err(Denied {
                message: format!("User: {} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action", who.arn()),
                explicit: false,
            })
        }
    }
}
