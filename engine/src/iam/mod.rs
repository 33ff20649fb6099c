//! IAM: who is calling, roles, policies, instance profiles, and the policy evaluator.
//!
//! Every simulated API call is authorized here ([`authorize_call`], from `api::call_as`)
//! against its caller ([`Principal`]): the workstation's administrator, or an instance role's
//! STS session. The account's IAM state lives in [`Iam`] on the world; AWS managed policies
//! are a built-in catalogue ([`managed`]); documents are validated and evaluated by [`policy`].
//!
//! What is decided where:
//! - identity-based policies (a role's attached managed policies and inline policies):
//!   [`authorize`], [`decide`];
//! - trust policies (may this service assume the role?): [`trust_allows`];
//! - `iam:PassRole` when a role is handed to EC2: [`check_pass_role`];
//! - resource policies (KMS key policies): [`evaluate_resource_policy`],
//!   [`authorize_with_resource_policy`].

pub mod actions;
pub mod managed;
pub mod policy;
#[cfg(test)]
mod tests;

pub use actions::{authorize_call, kms_ciphertext_key_arn, kms_key_arn, kms_key_policy, parameter_arn};

use crate::clock::Time;
use crate::world::{World, ACCOUNT_ID};
use policy::{Context, Decision, EvalDecision, PolicySource, Request, RequestPrincipal};
use serde_json::Value;
use std::collections::BTreeMap;

/// The workstation's IAM user.
pub const LEARNER: &str = "learner";
/// The learner's user id (as `sts get-caller-identity` shows it).
pub const LEARNER_ID: &str = "AIDAEC2LABLEARNER0001";
/// The one managed policy attached to the learner.
pub const LEARNER_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
pub const REGION: &str = "us-east-1";

/// Who makes an API call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    /// The workstation's IAM user `learner`, an administrator (AdministratorAccess).
    Admin,
    /// An STS session of an assumed role: an instance role's session is named after the instance id.
    Role { role: String, session: String },
    /// The administrator of the simulation's second account (`ram::PARTNER_ACCOUNT_ID`), reached
    /// with the `[partner]` profile that `lab account partner` writes. An administrator there;
    /// ec2lab simulates only a few operations for it (`ram::PARTNER_OPERATIONS`).
    Partner,
}

impl Principal {
    /// The ARN AWS names in `GetCallerIdentity` and in access-denied messages.
    pub fn arn(&self) -> String {
        match self {
            Principal::Admin => format!("arn:aws:iam::{ACCOUNT_ID}:user/{LEARNER}"),
            Principal::Role { role, session } => format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{session}"),
            Principal::Partner => format!("arn:aws:iam::{}:user/{}", crate::ram::PARTNER_ACCOUNT_ID, crate::ram::PARTNER_USER),
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

impl Role {
    /// A role as `CreateRole` makes it (the API layer validates the inputs first).
    pub fn new(name: &str, path: &str, id: String, created: Time, trust_policy: Value) -> Role {
        Role {
            name: name.to_string(),
            path: path.to_string(),
            arn: format!("arn:aws:iam::{ACCOUNT_ID}:role{path}{name}"),
            id,
            created,
            description: String::new(),
            max_session_duration: 3600,
            trust_policy,
            attached: Vec::new(),
            inline: BTreeMap::new(),
            tags: Vec::new(),
        }
    }
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
    pub tags: Vec<(String, String)>,
}

/// A customer managed policy (`CreatePolicy`) with its versions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    /// `ANPA…`
    pub id: String,
    pub arn: String,
    pub description: String,
    pub created: Time,
    pub updated: Time,
    pub default_version: String,
    /// At most five.
    pub versions: Vec<PolicyVersion>,
    /// The number the next version gets (`v2`, `v3`, …; numbers are never reused).
    pub next_version: u32,
    pub tags: Vec<(String, String)>,
}

impl ManagedPolicy {
    pub fn default_document(&self) -> Option<&Value> {
        self.versions.iter().find(|v| v.id == self.default_version).map(|v| &v.document)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyVersion {
    /// `v1`, `v2`, …
    pub id: String,
    pub document: Value,
    pub created: Time,
}

/// The account's IAM state: roles, customer managed policies and their versions, instance
/// profiles. AWS managed policies are the built-in catalogue in [`managed`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Iam {
    pub roles: BTreeMap<String, Role>,
    pub instance_profiles: BTreeMap<String, InstanceProfile>,
    /// Customer managed policies by ARN.
    pub policies: BTreeMap<String, ManagedPolicy>,
}

/// A managed policy of either kind, as the API and the evaluator see it.
#[derive(Clone, Debug)]
pub struct PolicyInfo {
    pub name: String,
    pub path: String,
    pub id: String,
    pub arn: String,
    pub description: String,
    pub created: Time,
    pub updated: Time,
    pub default_version: String,
    pub document: Value,
    pub aws_managed: bool,
}

impl Iam {
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// A role by ARN.
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        self.roles.values().find(|r| r.arn == arn)
    }

    /// An instance profile by name or ARN, as EC2 accepts either.
    pub fn instance_profile(&self, name_or_arn: &str) -> Option<&InstanceProfile> {
        if name_or_arn.starts_with("arn:") {
            self.instance_profiles.values().find(|p| p.arn == name_or_arn)
        } else {
            self.instance_profiles.get(name_or_arn)
        }
    }

    /// The role an instance profile holds, if any.
    pub fn profile_role(&self, name_or_arn: &str) -> Option<&Role> {
        let p = self.instance_profile(name_or_arn)?;
        p.roles.first().and_then(|r| self.roles.get(r))
    }

    /// A managed policy (AWS or customer) by ARN, with its default version's document.
    pub fn managed_policy(&self, arn: &str) -> Option<PolicyInfo> {
        if let Some(p) = managed::by_arn(arn) {
            return Some(PolicyInfo {
                name: p.name.into(),
                path: p.path.into(),
                id: p.id.into(),
                arn: p.arn(),
                description: p.description.into(),
                created: p.created_time(),
                updated: p.updated_time(),
                default_version: p.version.into(),
                document: p.document(),
                aws_managed: true,
            });
        }
        let p = self.policies.get(arn)?;
        Some(PolicyInfo {
            name: p.name.clone(),
            path: p.path.clone(),
            id: p.id.clone(),
            arn: p.arn.clone(),
            description: p.description.clone(),
            created: p.created,
            updated: p.updated,
            default_version: p.default_version.clone(),
            document: p.default_document().cloned().unwrap_or(Value::Null),
            aws_managed: false,
        })
    }

    /// How many identities a managed policy is attached to (the learner holds AdministratorAccess).
    pub fn attachment_count(&self, arn: &str) -> usize {
        self.roles.values().filter(|r| r.attached.iter().any(|a| a == arn)).count() + usize::from(arn == LEARNER_POLICY)
    }

    /// The identity-based policies of a role: attached managed ones (default versions), then
    /// inline ones, as (SourcePolicyId, SourcePolicyType, ARN, document).
    pub fn role_policies(&self, role: &Role) -> Vec<(String, &'static str, Option<String>, Value)> {
        let mut out = Vec::new();
        for arn in &role.attached {
            if let Some(p) = self.managed_policy(arn) {
                out.push((p.name, if p.aws_managed { "aws-managed" } else { "user-managed" }, Some(p.arn), p.document));
            }
        }
        for (name, doc) in &role.inline {
            out.push((name.clone(), "role", None, doc.clone()));
        }
        out
    }

    /// The learner's identity-based policies (AdministratorAccess).
    pub fn learner_policies(&self) -> Vec<(String, &'static str, Option<String>, Value)> {
        self.managed_policy(LEARNER_POLICY).map(|p| vec![(p.name, "aws-managed", Some(p.arn), p.document)]).unwrap_or_default()
    }
}

/// A refused request, with AWS's sentence (the API layer adds the service's error code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    pub message: String,
    /// An explicit Deny decided (otherwise nothing allowed it).
    pub explicit: bool,
}

impl Denied {
    /// `User: ARN is not authorized to perform: ACTION on resource: RES because no
    /// identity-based policy allows the ACTION action` (or `… with an explicit deny in an
    /// identity-based policy`); without `on resource: …` when the resource is `*` (actions
    /// without resource-level permissions). `kind` is `identity-based` or `resource-based`.
    pub fn new(who_arn: &str, action: &str, resource: &str, explicit: bool, kind: &str) -> Denied {
        let tail = if explicit {
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            format!("with an explicit deny in {article} {kind} policy")
        } else {
            format!("because no {kind} policy allows the {action} action")
        };
        // Actions without resource-level permissions (`*`) name no resource.
        let on = if resource == "*" { String::new() } else { format!(" on resource: {resource}") };
        Denied { message: format!("User: {who_arn} is not authorized to perform: {action}{on} {tail}"), explicit }
    }
}

/// The request context IAM builds for a call by `who`: time, transport, source IP, region,
/// the principal's keys, and for an instance role's session the instance's keys.
pub fn request_context(world: &World, who: &Principal) -> Context {
    let mut c = Context::new();
    let now = world.now();
    c.set("aws:CurrentTime", now.iso());
    c.set("aws:EpochTime", now.secs().to_string());
    c.set("aws:SecureTransport", "true");
    c.set("aws:RequestedRegion", REGION);
    c.set("aws:PrincipalAccount", crate::ram::account_of(who));
    match who {
        Principal::Admin => {
            c.set("aws:username", LEARNER);
            c.set("aws:userid", LEARNER_ID);
            c.set("aws:PrincipalArn", who.arn());
            c.set("aws:PrincipalType", "User");
            c.set("aws:SourceIp", crate::net::WORKSTATION_IP);
        }
        Principal::Partner => {
            c.set("aws:username", crate::ram::PARTNER_USER);
            c.set("aws:userid", crate::ram::PARTNER_USER_ID);
            c.set("aws:PrincipalArn", who.arn());
            c.set("aws:PrincipalType", "User");
            c.set("aws:SourceIp", crate::net::WORKSTATION_IP);
        }
        Principal::Role { role, session } => {
            let r = world.iam.role(role);
            let role_id = r.map(|r| r.id.clone()).unwrap_or_default();
            c.set("aws:userid", format!("{role_id}:{session}"));
            c.set("aws:PrincipalArn", r.map(|r| r.arn.clone()).unwrap_or_else(|| format!("arn:aws:iam::{ACCOUNT_ID}:role/{role}")));
            c.set("aws:PrincipalType", "AssumedRole");
            if let Some(i) = world.compute.get(session) {
                let ip = i.public_ip.unwrap_or(i.private_ip);
                c.set("aws:SourceIp", crate::net::ip_to_string(ip));
                c.set("ec2:SourceInstanceARN", format!("arn:aws:ec2:{REGION}:{ACCOUNT_ID}:instance/{}", i.id));
                if let Some(a) = &i.iam.association {
                    c.set("ec2:InstanceProfile", a.profile_arn.clone());
                }
            }
        }
    }
    c
}

/// How `who`'s identity-based policies decide `action` on `resource` (the administrator holds
/// AdministratorAccess; a role session its role's policies; a session whose role is gone has
/// none). `extra` adds or overrides context keys (`iam:PassedToService`, `kms:ViaService`, …).
pub fn decide(world: &World, who: &Principal, action: &str, resource: &str, extra: &Context) -> Decision {
    let policies = match who {
        // The partner's administrator holds AdministratorAccess in its own account.
        Principal::Admin | Principal::Partner => world.iam.learner_policies(),
        Principal::Role { role, .. } => world.iam.role(role).map(|r| world.iam.role_policies(r)).unwrap_or_default(),
    };
    let mut ctx = request_context(world, who);
    for (k, v) in extra.entries() {
        ctx.set_many(k, v.to_vec());
    }
    let sources: Vec<PolicySource<'_>> = policies.iter().map(|(id, kind, arn, doc)| PolicySource { id: id.clone(), kind, arn: arn.clone(), document: doc }).collect();
    policy::evaluate(&sources, &Request { action, resource, principal: None, context: &ctx })
}

/// May `who` perform `action` (e.g. `ssm:GetParameter`) on `resource` (an ARN or `*`)?
/// The administrator may do everything; a role session is decided by the role's policies.
pub fn authorize(world: &crate::World, who: &Principal, action: &str, resource: &str) -> Result<(), Denied> {
    authorize_with_context(world, who, action, resource, &Context::new())
}

/// [`authorize`] with extra context keys.
pub fn authorize_with_context(world: &World, who: &Principal, action: &str, resource: &str, extra: &Context) -> Result<(), Denied> {
    authorize_as(world, who, action, resource, resource, extra)
}

/// [`authorize_with_context`], naming the resource in the message as `shown` (IAM writes
/// `role NAME`, `policy ARN`, … where the evaluation uses the ARN).
pub(crate) fn authorize_as(world: &World, who: &Principal, action: &str, resource: &str, shown: &str, extra: &Context) -> Result<(), Denied> {
    if matches!(who, Principal::Admin | Principal::Partner) {
        return Ok(());
    }
    let d = decide(world, who, action, resource, extra);
    match d.decision {
        EvalDecision::Allowed => Ok(()),
        EvalDecision::ExplicitDeny => Err(Denied::new(&who.arn(), action, shown, true, "identity-based")),
        EvalDecision::ImplicitDeny => Err(Denied::new(&who.arn(), action, shown, false, "identity-based")),
    }
}

/// Does the role's trust policy let `service_principal` (e.g. `ec2.amazonaws.com`) assume it?
pub fn trust_allows(role: &Role, service_principal: &str) -> bool {
    trust_decision(role, &RequestPrincipal::Service(service_principal.to_string()), &Context::new()).allowed()
}

/// The trust policy's decision for `sts:AssumeRole` by `principal`.
pub fn trust_decision(role: &Role, principal: &RequestPrincipal, ctx: &Context) -> Decision {
    let src = [PolicySource { id: "AssumeRolePolicyDocument".into(), kind: "resource", arn: None, document: &role.trust_policy }];
    policy::evaluate(&src, &Request { action: "sts:AssumeRole", resource: &role.arn, principal: Some(principal), context: ctx })
}

/// The sentence STS answers when a trust policy refuses: `User: ARN is not authorized to
/// perform: sts:AssumeRole on resource: ROLE-ARN`.
pub fn assume_role_denied(who_arn: &str, role: &Role) -> Denied {
    Denied { message: format!("User: {who_arn} is not authorized to perform: sts:AssumeRole on resource: {}", role.arn), explicit: false }
}

/// May `caller` hand the role `role_arn` to `to_service` (RunInstances with an instance
/// profile, AssociateIamInstanceProfile)? The administrator may; a role session needs
/// `iam:PassRole` on the role's ARN, with `iam:PassedToService` in the context.
pub fn check_pass_role(world: &World, caller: &Principal, role_arn: &str, to_service: &str) -> Result<(), Denied> {
    let mut extra = Context::new();
    extra.set("iam:PassedToService", to_service);
    authorize_with_context(world, caller, "iam:PassRole", role_arn, &extra)
}

/// The principal a resource policy sees for `principal_arn`: a user, a role session
/// (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, which a policy may name by the role's
/// ARN `arn:aws:iam::ACCOUNT:role/ROLE`), or a service when it is not an ARN.
pub fn request_principal(principal_arn: &str, role_arn: Option<String>) -> RequestPrincipal {
    if !principal_arn.starts_with("arn:") {
        return RequestPrincipal::Service(principal_arn.to_string());
    }
    let account = principal_arn.split(':').nth(4).unwrap_or_default().to_string();
    let role_arn = role_arn.or_else(|| {
        let rest = principal_arn.split_once(":assumed-role/")?.1;
        let role = rest.split('/').next()?;
        Some(format!("arn:aws:iam::{account}:role/{role}"))
    });
    RequestPrincipal::Aws { arn: principal_arn.to_string(), role_arn, account }
}

/// Evaluate a resource policy (a KMS key policy) for `principal_arn`.
///
/// Semantics: the usual explicit deny > allow > implicit deny over the policy's statements,
/// where a statement applies when its `Principal` names the requester: `"*"`; the user's or
/// session's ARN; for a role session, the role's ARN; or the account (`"123456789012"` or
/// `"arn:aws:iam::123456789012:root"`). A statement matched through the account is marked
/// [`policy::Matched::via_account`]: the account does not grant by itself, it delegates the
/// decision to the caller's identity-based policies (see [`authorize_with_resource_policy`]).
pub fn evaluate_resource_policy(doc: &Value, principal_arn: &str, action: &str, resource: &str, ctx: &Context) -> Decision {
    let who = request_principal(principal_arn, None);
    let src = [PolicySource { id: "ResourcePolicy".into(), kind: "resource", arn: None, document: doc }];
    policy::evaluate(&src, &Request { action, resource, principal: Some(&who), context: ctx })
}

/// The full same-account decision for a resource with its own policy, as KMS applies it:
/// 1. an explicit Deny in the resource policy or in the caller's identity policies refuses;
/// 2. a resource-policy Allow naming the caller (or `*`) grants;
/// 3. a resource-policy Allow for the account root grants when the caller's identity-based
///    policies allow too (the administrator's AdministratorAccess does);
/// 4. otherwise refused: `… because no resource-based policy allows the ACTION action`.
///
/// Unlike [`authorize`], this applies to the administrator as well: a key whose policy names
/// neither the account nor the learner is out of everyone's reach.
pub fn authorize_with_resource_policy(world: &World, who: &Principal, action: &str, resource: &str, doc: &Value, extra: &Context) -> Result<(), Denied> {
    let mut ctx = request_context(world, who);
    for (k, v) in extra.entries() {
        ctx.set_many(k, v.to_vec());
    }
    let role_arn = match who {
        Principal::Role { role, .. } => world.iam.role(role).map(|r| r.arn.clone()),
        Principal::Admin | Principal::Partner => None,
    };
    let rp = request_principal(&who.arn(), role_arn);
    let src = [PolicySource { id: "ResourcePolicy".into(), kind: "resource", arn: None, document: doc }];
    let res = policy::evaluate(&src, &Request { action, resource, principal: Some(&rp), context: &ctx });
    let ident = decide(world, who, action, resource, extra);
    let arn = who.arn();
    if res.decision == EvalDecision::ExplicitDeny {
        return Err(Denied::new(&arn, action, resource, true, "resource-based"));
    }
    if ident.decision == EvalDecision::ExplicitDeny {
        return Err(Denied::new(&arn, action, resource, true, "identity-based"));
    }
    if res.allowed() {
        if res.matched.iter().any(|m| !m.via_account) || ident.allowed() {
            return Ok(());
        }
        return Err(Denied::new(&arn, action, resource, false, "identity-based"));
    }
    Err(Denied::new(&arn, action, resource, false, "resource-based"))
}
