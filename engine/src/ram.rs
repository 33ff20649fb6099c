//! AWS RAM (Resource Access Manager): sharing the learner's Dedicated Hosts with a second account
//! of the simulation, the partner account [`PARTNER_ACCOUNT_ID`].
//!
//! The model: a resource share (owned by the account that creates it) holds resource
//! associations (Dedicated Host ARNs of its owner) and principal associations (account ids).
//! Neither account is in an AWS Organization, so every account principal is *external*: the share
//! must allow external principals (the default), and the principal's association stays
//! `ASSOCIATING` until that account accepts the invitation RAM sends it
//! (`accept-resource-share-invitation`); then it is `ASSOCIATED` and the account sees the shared
//! hosts in its own `describe-hosts` (owner: the learner's account). Disassociating or deleting
//! ends that. Changes are immediate (RAM's short asynchronous states are not shown).
//!
//! The partner account is reached from the console with `lab account partner`, which issues its
//! access key and writes a `[partner]` profile (`aws … --profile partner`). It is an
//! administrator of its own account, where ec2lab simulates only a handful of operations
//! ([`PARTNER_OPERATIONS`]); anything else is answered plainly (`api::call_as`).

use crate::catalog;
use crate::clock::Time;
use crate::compute::Ec2Error;
use crate::world::{World, ACCOUNT_ID};

/// The second account of the simulation (a made-up, plausible account id).
pub const PARTNER_ACCOUNT_ID: &str = "210987654321";
/// Its administrator, who signs the `[partner]` profile's requests.
pub const PARTNER_USER: &str = "partner-admin";
/// Its user id (what `sts get-caller-identity --profile partner` shows).
pub const PARTNER_USER_ID: &str = "AIDAEC2LABPARTNER0001";

/// What the partner account can do in ec2lab: (service, operation); `*` = every operation of the
/// service that ec2lab simulates.
pub const PARTNER_OPERATIONS: &[(&str, &str)] = &[("sts", "GetCallerIdentity"), ("ec2", "DescribeHosts"), ("ram", "*")];

/// The resource type RAM reports for a Dedicated Host.
pub const HOST_RESOURCE_TYPE: &str = "ec2:DedicatedHost";

type RamError = Ec2Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssociationKind {
    Principal,
    Resource,
}

impl AssociationKind {
    pub fn name(self) -> &'static str {
        match self {
            AssociationKind::Principal => "PRINCIPAL",
            AssociationKind::Resource => "RESOURCE",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssociationStatus {
    /// A principal outside the owner's organization, until it accepts the invitation.
    Associating,
    Associated,
    Disassociated,
}

impl AssociationStatus {
    pub fn name(self) -> &'static str {
        match self {
            AssociationStatus::Associating => "ASSOCIATING",
            AssociationStatus::Associated => "ASSOCIATED",
            AssociationStatus::Disassociated => "DISASSOCIATED",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Association {
    /// An account id (principal) or a resource ARN.
    pub entity: String,
    pub kind: AssociationKind,
    pub status: AssociationStatus,
    pub created: Time,
    pub updated: Time,
    /// A principal outside the owner's organization (always, here: there is no organization).
    pub external: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceShare {
    /// `arn:aws:ram:us-east-1:OWNER:resource-share/UUID`
    pub arn: String,
    pub name: String,
    pub owner: String,
    pub allow_external: bool,
    /// `ACTIVE` or `DELETED`.
    pub deleted: bool,
    pub created: Time,
    pub updated: Time,
    pub tags: Vec<(String, String)>,
    pub associations: Vec<Association>,
    pub client_token: Option<String>,
}

impl ResourceShare {
    pub fn status(&self) -> &'static str {
        if self.deleted { "DELETED" } else { "ACTIVE" }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Rejected,
}

impl InvitationStatus {
    pub fn name(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "PENDING",
            InvitationStatus::Accepted => "ACCEPTED",
            InvitationStatus::Rejected => "REJECTED",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Invitation {
    /// `arn:aws:ram:us-east-1:OWNER:resource-share-invitation/UUID`
    pub arn: String,
    pub share_arn: String,
    pub share_name: String,
    pub sender: String,
    pub receiver: String,
    pub created: Time,
    pub status: InvitationStatus,
}

/// RAM's state (`World::ram`): every account's shares and invitations, and the partner
/// account's access key once `lab account partner` issued it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ram {
    pub shares: Vec<ResourceShare>,
    pub invitations: Vec<Invitation>,
    pub partner_key: Option<(String, String)>,
}

impl Ram {
    pub fn share(&self, arn: &str) -> Option<&ResourceShare> {
        self.shares.iter().find(|s| s.arn == arn)
    }
    fn share_mut(&mut self, arn: &str) -> Option<&mut ResourceShare> {
        self.shares.iter_mut().find(|s| s.arn == arn)
    }
}

/// The account of a caller.
pub fn account_of(caller: &crate::iam::Principal) -> &'static str {
    match caller {
        crate::iam::Principal::Partner => PARTNER_ACCOUNT_ID,
        _ => ACCOUNT_ID,
    }
}

/// May the partner account make this call in ec2lab?
pub fn partner_may(service: &str, operation: &str) -> bool {
    PARTNER_OPERATIONS.iter().any(|(s, o)| *s == service && (*o == "*" || *o == operation))
}

/// The ids of the Dedicated Hosts shared with `account` right now: in an active share, the
/// resource associated, and the account's principal association accepted.
pub fn shared_host_ids(world: &World, account: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in world.ram.shares.iter().filter(|s| !s.deleted && s.owner != account) {
        let member = s.associations.iter().any(|a| a.kind == AssociationKind::Principal && a.entity == account && a.status == AssociationStatus::Associated);
        if !member {
            continue;
        }
        for a in s.associations.iter().filter(|a| a.kind == AssociationKind::Resource && a.status == AssociationStatus::Associated) {
            if let Some(id) = a.entity.rsplit('/').next() {
                if !out.iter().any(|x| x == id) {
                    out.push(id.to_string());
                }
            }
        }
    }
    out
}

/// The accounts a host of the learner is shared with (accepted), for the views.
pub fn host_shared_with(world: &World, host_arn: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in world.ram.shares.iter().filter(|s| !s.deleted) {
        if !s.associations.iter().any(|a| a.kind == AssociationKind::Resource && a.entity == host_arn && a.status == AssociationStatus::Associated) {
            continue;
        }
        for a in s.associations.iter().filter(|a| a.kind == AssociationKind::Principal && a.status == AssociationStatus::Associated) {
            if !out.contains(&a.entity) {
                out.push(a.entity.clone());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Errors (RAM's exception names; wordings UNCONFIRMED unless noted).
// ---------------------------------------------------------------------------------------------

fn err(code: &'static str, message: impl Into<String>) -> RamError {
    Ec2Error::new(code, message)
}

fn unknown_share(arn: &str) -> RamError {
    err("UnknownResourceException", format!("ResourceShare {arn} could not be found."))
}

fn malformed(arn: &str) -> RamError {
    err("MalformedArnException", format!("The specified ARN {arn} is not valid. Verify the ARN and try again."))
}

/// An ARN of the shape `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
fn arn_parts(arn: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn" && !parts[1].is_empty() && !parts[2].is_empty() && !parts[5].is_empty()).then_some(parts)
}

/// A resource `owner` may put in a share: one of its Dedicated Hosts (the only shareable
/// resource ec2lab simulates).
fn check_resource(world: &World, owner: &str, arn: &str) -> Result<(), RamError> {
    let Some(p) = arn_parts(arn) else { return Err(malformed(arn)) };
    let resource = p[5];
    if p[2] != "ec2" || !resource.starts_with("dedicated-host/") {
        return Err(err(
            "ec2lab",
            format!("ec2lab simulates RAM sharing for Dedicated Hosts only (arn:aws:ec2:{}:{owner}:dedicated-host/h-…); {arn} is something else.", catalog::REGION),
        ));
    }
    let id = resource.trim_start_matches("dedicated-host/");
    let ours = p[3] == catalog::REGION && p[4] == owner && owner == ACCOUNT_ID;
    let host = world.dedicated.get(id).filter(|h| h.state.allocated());
    if !ours || host.is_none() {
        return Err(err("UnknownResourceException", format!("The resource {arn} could not be found or is not owned by account {owner}.")));
    }
    Ok(())
}

/// A principal: a 12-digit account id other than the owner's.
fn check_principal(owner: &str, p: &str) -> Result<(), RamError> {
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        if p == owner {
            return Err(err("InvalidParameterException", format!("The principal {p} is the account that owns the resource share; you cannot share resources with yourself.")));
        }
        return Ok(());
    }
    if p.starts_with("arn:") {
        if arn_parts(p).is_none() {
            return Err(malformed(p));
        }
        return Err(err(
            "ec2lab",
            format!("ec2lab's accounts are not in an AWS Organization, and RAM principals here are account IDs only (for example {PARTNER_ACCOUNT_ID}); {p} is not one."),
        ));
    }
    Err(err("InvalidParameterException", format!("The principal {p} is not a valid AWS account ID, organization, organizational unit, IAM role or IAM user.")))
}

/// A random (version 4) UUID from the world's generator: `8-4-4-4-12` lowercase hex.
fn uuid(world: &mut World) -> String {
    let h = world.rng.hex(30);
    let variant = ["8", "9", "a", "b"][world.rng.below(4) as usize];
    format!("{}-{}-4{}-{variant}{}-{}", &h[0..8], &h[8..12], &h[12..15], &h[15..18], &h[18..30])
}

// ---------------------------------------------------------------------------------------------
// Operations. `account` is the caller's account.
// ---------------------------------------------------------------------------------------------

/// CreateResourceShare.
#[allow(clippy::too_many_arguments)]
pub fn create_share(
    world: &mut World,
    account: &str,
    name: &str,
    resources: &[String],
    principals: &[String],
    allow_external: Option<bool>,
    tags: Vec<(String, String)>,
    client_token: Option<String>,
) -> Result<ResourceShare, RamError> {
    if let Some(tok) = client_token.as_deref() {
        if let Some(s) = world.ram.shares.iter().find(|s| s.owner == account && s.client_token.as_deref() == Some(tok)) {
            return Ok(s.clone());
        }
    }
    if name.is_empty() {
        return Err(err("InvalidParameterException", "The name of a resource share cannot be empty."));
    }
    if account != ACCOUNT_ID {
        return Err(err("ec2lab", format!("ec2lab's partner account ({account}) owns no shareable resources: create resource shares from the learner's account (without --profile partner).")));
    }
    let allow_external = allow_external.unwrap_or(true);
    for r in resources {
        check_resource(world, account, r)?;
    }
    for p in principals {
        check_principal(account, p)?;
        if !allow_external {
            return Err(err(
                "OperationNotPermittedException",
                format!("The resource share does not allow external principals, and {p} is outside your organization (ec2lab's accounts are in no organization). Use --allow-external-principals."),
            ));
        }
    }
    let now = world.now();
    let arn = format!("arn:aws:ram:{}:{account}:resource-share/{}", catalog::REGION, uuid(world));
    let mut share = ResourceShare {
        arn: arn.clone(),
        name: name.to_string(),
        owner: account.to_string(),
        allow_external,
        deleted: false,
        created: now,
        updated: now,
        tags,
        associations: Vec::new(),
        client_token,
    };
    for r in resources {
        if !share.associations.iter().any(|a| a.entity == *r) {
            share.associations.push(Association { entity: r.clone(), kind: AssociationKind::Resource, status: AssociationStatus::Associated, created: now, updated: now, external: false });
        }
    }
    world.ram.shares.push(share);
    for p in principals {
        add_principal(world, &arn, p);
    }
    world.bump();
    world.ram.share(&arn).cloned().ok_or_else(|| unknown_share(&arn))
}

/// Associate principal `p` with the share: an invitation to accept (every principal is outside
/// the owner's organization here).
fn add_principal(world: &mut World, share_arn: &str, p: &str) {
    let now = world.now();
    let Some(s) = world.ram.share(share_arn) else { return };
    if s.associations.iter().any(|a| a.entity == p && a.status != AssociationStatus::Disassociated) {
        return;
    }
    let (owner, name) = (s.owner.clone(), s.name.clone());
    let inv = format!("arn:aws:ram:{}:{owner}:resource-share-invitation/{}", catalog::REGION, uuid(world));
    if let Some(s) = world.ram.share_mut(share_arn) {
        s.associations.retain(|a| a.entity != p);
        s.associations.push(Association { entity: p.to_string(), kind: AssociationKind::Principal, status: AssociationStatus::Associating, created: now, updated: now, external: true });
        s.updated = now;
    }
    world.ram.invitations.push(Invitation {
        arn: inv,
        share_arn: share_arn.to_string(),
        share_name: name,
        sender: owner,
        receiver: p.to_string(),
        created: now,
        status: InvitationStatus::Pending,
    });
}

/// The caller's own, active share `arn`.
fn own_share<'a>(world: &'a World, account: &str, arn: &str) -> Result<&'a ResourceShare, RamError> {
    if arn_parts(arn).is_none() {
        return Err(malformed(arn));
    }
    let s = world.ram.share(arn).filter(|s| s.owner == account).ok_or_else(|| unknown_share(arn))?;
    if s.deleted {
        return Err(err("OperationNotPermittedException", format!("Resource share {arn} has been deleted.")));
    }
    Ok(s)
}

/// AssociateResourceShare: the associations it made (or that were already there).
pub fn associate(world: &mut World, account: &str, arn: &str, resources: &[String], principals: &[String]) -> Result<Vec<(String, Association)>, RamError> {
    let s = own_share(world, account, arn)?;
    let allow_external = s.allow_external;
    if resources.is_empty() && principals.is_empty() {
        return Err(err("MissingRequiredParameterException", "The request must contain resourceArns or principals."));
    }
    for r in resources {
        check_resource(world, account, r)?;
    }
    for p in principals {
        check_principal(account, p)?;
        if !allow_external {
            return Err(err("OperationNotPermittedException", format!("The resource share does not allow external principals, and {p} is outside your organization.")));
        }
    }
    let now = world.now();
    if let Some(s) = world.ram.share_mut(arn) {
        for r in resources {
            match s.associations.iter_mut().find(|a| a.entity == *r) {
                Some(a) if a.status == AssociationStatus::Associated => {}
                Some(a) => {
                    a.status = AssociationStatus::Associated;
                    a.updated = now;
                }
                None => s.associations.push(Association { entity: r.clone(), kind: AssociationKind::Resource, status: AssociationStatus::Associated, created: now, updated: now, external: false }),
            }
        }
        s.updated = now;
    }
    for p in principals {
        add_principal(world, arn, p);
    }
    world.bump();
    Ok(picked(world, arn, resources, principals))
}

fn picked(world: &World, arn: &str, resources: &[String], principals: &[String]) -> Vec<(String, Association)> {
    let Some(s) = world.ram.share(arn) else { return Vec::new() };
    s.associations.iter().filter(|a| resources.contains(&a.entity) || principals.contains(&a.entity)).map(|a| (s.name.clone(), a.clone())).collect()
}

/// DisassociateResourceShare.
pub fn disassociate(world: &mut World, account: &str, arn: &str, resources: &[String], principals: &[String]) -> Result<Vec<(String, Association)>, RamError> {
    let s = own_share(world, account, arn)?;
    if resources.is_empty() && principals.is_empty() {
        return Err(err("MissingRequiredParameterException", "The request must contain resourceArns or principals."));
    }
    for e in resources.iter().chain(principals) {
        if !s.associations.iter().any(|a| a.entity == *e && a.status != AssociationStatus::Disassociated) {
            return Err(err("UnknownResourceException", format!("{e} is not associated with resource share {arn}.")));
        }
    }
    let now = world.now();
    if let Some(s) = world.ram.share_mut(arn) {
        for a in s.associations.iter_mut().filter(|a| resources.contains(&a.entity) || principals.contains(&a.entity)) {
            a.status = AssociationStatus::Disassociated;
            a.updated = now;
        }
        s.updated = now;
    }
    world.bump();
    Ok(picked(world, arn, resources, principals))
}

/// DeleteResourceShare.
pub fn delete_share(world: &mut World, account: &str, arn: &str) -> Result<(), RamError> {
    own_share(world, account, arn)?;
    let now = world.now();
    if let Some(s) = world.ram.share_mut(arn) {
        s.deleted = true;
        s.updated = now;
        for a in s.associations.iter_mut() {
            a.status = AssociationStatus::Disassociated;
            a.updated = now;
        }
    }
    world.bump();
    Ok(())
}

/// The shares `account` sees: its own (`SELF`), or those shared with it and accepted
/// (`OTHER-ACCOUNTS`).
pub fn visible_shares<'a>(world: &'a World, account: &str, owner: &str) -> Vec<&'a ResourceShare> {
    world
        .ram
        .shares
        .iter()
        .filter(|s| match owner {
            "SELF" => s.owner == account,
            _ => s.owner != account && !s.deleted && s.associations.iter().any(|a| a.kind == AssociationKind::Principal && a.entity == account && a.status == AssociationStatus::Associated),
        })
        .collect()
}

/// `SELF` | `OTHER-ACCOUNTS`, or RAM's error.
pub fn check_owner(v: &str) -> Result<(), RamError> {
    if v == "SELF" || v == "OTHER-ACCOUNTS" {
        Ok(())
    } else {
        Err(err("InvalidParameterException", format!("The resourceOwner value {v} is not valid. Valid values are SELF and OTHER-ACCOUNTS.")))
    }
}

/// The invitations `account` received (optionally only these ARNs or these shares).
pub fn invitations<'a>(world: &'a World, account: &str, arns: &[String], shares: &[String]) -> Result<Vec<&'a Invitation>, RamError> {
    for a in arns {
        if arn_parts(a).is_none() {
            return Err(malformed(a));
        }
        if !world.ram.invitations.iter().any(|i| i.arn == *a && i.receiver == account) {
            return Err(err("ResourceShareInvitationArnNotFoundException", format!("ResourceShareInvitationArn {a} could not be found.")));
        }
    }
    Ok(world
        .ram
        .invitations
        .iter()
        .filter(|i| i.receiver == account && (arns.is_empty() || arns.contains(&i.arn)) && (shares.is_empty() || shares.contains(&i.share_arn)))
        .collect())
}

/// AcceptResourceShareInvitation.
pub fn accept(world: &mut World, account: &str, arn: &str) -> Result<Invitation, RamError> {
    if arn_parts(arn).is_none() {
        return Err(malformed(arn));
    }
    let Some(inv) = world.ram.invitations.iter().find(|i| i.arn == arn && i.receiver == account).cloned() else {
        return Err(err("ResourceShareInvitationArnNotFoundException", format!("ResourceShareInvitationArn {arn} could not be found.")));
    };
    match inv.status {
        InvitationStatus::Accepted => return Err(err("ResourceShareInvitationAlreadyAcceptedException", format!("The invitation {arn} has already been accepted."))),
        InvitationStatus::Rejected => return Err(err("ResourceShareInvitationAlreadyRejectedException", format!("The invitation {arn} has already been rejected."))),
        InvitationStatus::Pending => {}
    }
    let share_live = world.ram.share(&inv.share_arn).is_some_and(|s| {
        !s.deleted && s.associations.iter().any(|a| a.kind == AssociationKind::Principal && a.entity == account && a.status == AssociationStatus::Associating)
    });
    if !share_live {
        return Err(err("ResourceShareInvitationExpiredException", format!("The invitation {arn} is no longer valid: the resource share was deleted or no longer includes account {account}.")));
    }
    let now = world.now();
    if let Some(s) = world.ram.share_mut(&inv.share_arn) {
        for a in s.associations.iter_mut().filter(|a| a.kind == AssociationKind::Principal && a.entity == account) {
            a.status = AssociationStatus::Associated;
            a.updated = now;
        }
    }
    let mut out = inv;
    if let Some(i) = world.ram.invitations.iter_mut().find(|i| i.arn == arn) {
        i.status = InvitationStatus::Accepted;
        out = i.clone();
    }
    world.bump();
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The partner account's profile (`lab account partner`)
// ---------------------------------------------------------------------------------------------

/// `lab account partner`: issue the partner account's access key (once; from the world's
/// generator, so it is part of the replayable state) and write the `[partner]` profile into the
/// workstation's `~/.aws/credentials` and `~/.aws/config`. Returns what the console prints.
pub fn partner_profile(world: &mut World) -> String {
    let (id, secret) = match world.ram.partner_key.clone() {
        Some(k) => k,
        None => {
            let (id, secret) = crate::sts::new_long_term_key(&mut world.rng);
            world.sts.add(crate::sts::AccessKey {
                id: id.clone(),
                secret: secret.clone(),
                token: None,
                principal: crate::iam::Principal::Partner,
                role_id: None,
                issued: world.now(),
                expires: None,
            });
            world.ram.partner_key = Some((id.clone(), secret.clone()));
            (id, secret)
        }
    };
    let creds_path = "/home/learner/.aws/credentials";
    let config_path = "/home/learner/.aws/config";
    let read = |w: &World, p: &str| w.workstation_fs.read(p).map(|b| String::from_utf8_lossy(b).into_owned());
    let creds = read(world, creds_path);
    let creds = crate::console::aws::config::update_config(
        creds.as_deref(),
        "partner",
        &[("aws_access_key_id".into(), id.clone()), ("aws_secret_access_key".into(), secret)],
    );
    let config = read(world, config_path);
    let config = crate::console::aws::config::update_config(config.as_deref(), "profile partner", &[("region".into(), catalog::REGION.into()), ("output".into(), "json".into())]);
    world.workstation_fs.mkdir_p("/home/learner/.aws");
    world.workstation_fs.write(creds_path, creds.into_bytes());
    world.workstation_fs.write(config_path, config.into_bytes());
    world.bump();
    format!(
        "The partner account {PARTNER_ACCOUNT_ID} (user {PARTNER_USER}, an administrator there) is ready: its access key {id} is in the [partner] profile of ~/.aws/credentials.\n\
Use it with --profile partner, for example:\n  aws sts get-caller-identity --profile partner\n  aws ram get-resource-share-invitations --profile partner\n  aws ec2 describe-hosts --profile partner\n\
In ec2lab the partner account can call sts get-caller-identity, ec2 describe-hosts and aws ram; nothing else.\n"
    )
}
