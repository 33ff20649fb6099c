//! STS: the account's access keys, the temporary sessions of instance roles, and what an
//! instance's metadata service delivers for its instance profile.
//!
//! Every API request is signed with an access key. [`Sts`] (on `world.sts`) is the registry the
//! API boundary checks keys against ([`Sts::authenticate`]): the learner's long-term `AKIA…` key
//! (written to the workstation's `~/.aws/credentials` by `World::new`) is the administrator, and
//! every `ASIA…` session key issued for an instance role maps to that role's session, named after
//! the instance (`assumed-role/<role>/<instance-id>`).
//!
//! Instance profiles: an instance carries its association(s) in [`InstanceIam`]. A few seconds
//! after an association is made ([`DELIVERY_DELAY`]) EC2 delivers the profile to the instance's
//! metadata service; from then on the delivery is refreshed every [`REFRESH_INTERVAL`], each
//! refresh reading the IAM state of that moment (so a fixed trust policy or a new role in the
//! profile shows up at the next refresh, as the IAM user guide says) and, when the role trusts
//! EC2, issuing a new session that lives [`CREDENTIAL_LIFETIME`]. Older sessions stay valid until
//! their own expiry. Refreshes are worked out lazily by [`sync`] (before every metadata request,
//! before every IAM change and before association changes), always for the latest refresh time
//! that has passed, so the result does not depend on when anyone looked.

use crate::clock::{Time, HOUR, SECOND};
use crate::iam::Principal;
use crate::world::World;
use std::collections::{BTreeMap, VecDeque};

/// How long an instance role's credentials live, and how often new ones are delivered.
///
/// AWS documents only that role credentials are rotated automatically and that new ones are
/// available at least five minutes before the old ones expire (EC2 user guide,
/// iam-roles-for-amazon-ec2; `../shared/aws-facts.md` section 1). The lifetime of about six hours
/// with a refresh about every hour is UNCONFIRMED (community reports only); this is the one place
/// to correct it. With these values a new set appears five hours before the previous one expires.
pub const CREDENTIAL_LIFETIME: u64 = 6 * HOUR;
/// See [`CREDENTIAL_LIFETIME`].
pub const REFRESH_INTERVAL: u64 = HOUR;
/// From an association (at launch, associate or replace) to the metadata service serving it:
/// EC2's agent picks the profile up within seconds (UNCONFIRMED exact figure). Disassociation
/// takes the same time to remove it.
pub const DELIVERY_DELAY: u64 = 5 * SECOND;
/// Session keys that left the registry (expired more than [`EXPIRED_KEEP`] ago) are still
/// recognised as expired, up to this many.
const EXPIRED_MEMORY: usize = 512;
/// How long an expired session stays in the registry in full.
const EXPIRED_KEEP: u64 = 24 * HOUR;

/// Characters of access key ids after the `AKIA`/`ASIA` prefix.
pub const KEY_ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Characters of secret access keys.
pub const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// Session tokens are opaque base64; current STS tokens begin with this.
const TOKEN_PREFIX: &str = "IQoJb3JpZ2luX2Vj";
/// Random characters after [`TOKEN_PREFIX`] (the total stays a multiple of four, valid base64).
const TOKEN_BODY: usize = 400;

/// The three values a request is signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// One access key the account knows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AccessKey {
    pub id: String,
    pub secret: String,
    /// The session token (STS sessions only).
    pub token: Option<String>,
    pub principal: Principal,
    /// The role's unique id (`AROA…`) for role sessions (GetCallerIdentity's `UserId`).
    pub role_id: Option<String>,
    pub issued: Time,
    /// Sessions expire; long-term keys do not.
    pub expires: Option<Time>,
}

/// Why a request's credentials were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// No such key, or a session key without its token (or with another token).
    UnknownKey,
    /// The secret does not match the key (the signature does not verify).
    Signature,
    /// A session key past its expiry.
    Expired,
}

/// The account's access keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sts {
    keys: BTreeMap<String, AccessKey>,
    /// Ids of sessions dropped from `keys` long after expiry, newest last.
    expired: VecDeque<String>,
}

impl Sts {
    /// Register a key (replacing one with the same id).
    pub fn add(&mut self, key: AccessKey) {
        self.keys.insert(key.id.clone(), key);
    }

    pub fn key(&self, id: &str) -> Option<&AccessKey> {
        self.keys.get(id)
    }

    /// Every key, by id.
    pub fn keys(&self) -> impl Iterator<Item = &AccessKey> {
        self.keys.values()
    }

    /// Check a request's credentials at time `now`: the key, its session token, its expiry, then
    /// the secret (the signature).
    pub fn authenticate(&self, now: Time, c: &Credentials) -> Result<&AccessKey, AuthError> {
        let Some(k) = self.keys.get(&c.access_key_id) else {
            if self.expired.iter().any(|e| *e == c.access_key_id) {
                return Err(AuthError::Expired);
            }
            return Err(AuthError::UnknownKey);
        };
        let token = c.session_token.as_deref().filter(|t| !t.is_empty());
        if k.token.as_deref() != token {
            return Err(AuthError::UnknownKey);
        }
        if k.expires.is_some_and(|e| now >= e) {
            return Err(AuthError::Expired);
        }
        if k.secret != c.secret_access_key {
            return Err(AuthError::Signature);
        }
        Ok(k)
    }

    /// Move sessions that expired more than a day ago out of the registry (their ids are still
    /// recognised as expired, within [`EXPIRED_MEMORY`]).
    fn prune(&mut self, now: Time) {
        let old: Vec<String> = self
            .keys
            .values()
            .filter(|k| k.expires.is_some_and(|e| e.plus(EXPIRED_KEEP) <= now))
            .map(|k| k.id.clone())
            .collect();
        for id in old {
            self.keys.remove(&id);
            self.expired.push_back(id);
        }
        while self.expired.len() > EXPIRED_MEMORY {
            self.expired.pop_front();
        }
    }
}

/// A new long-term key id and secret (`AKIA…`) from the world's generator.
pub fn new_long_term_key(rng: &mut crate::rng::Rng) -> (String, String) {
    let id = format!("AKIA{}", rng.string_from(KEY_ID_ALPHABET, 16));
    let secret = rng.string_from(SECRET_ALPHABET, 40);
    (id, secret)
}

/// Issue an STS session for `role` named `session`, valid from `issued` for `lifetime` ms, and
/// register it.
pub fn issue_session(world: &mut World, role: &crate::iam::Role, session: &str, issued: Time, lifetime: u64) -> AccessKey {
    let id = format!("ASIA{}", world.rng.string_from(KEY_ID_ALPHABET, 16));
    let secret = world.rng.string_from(SECRET_ALPHABET, 40);
    let token = format!("{TOKEN_PREFIX}{}", world.rng.string_from(TOKEN_ALPHABET, TOKEN_BODY));
    let key = AccessKey {
        id,
        secret,
        token: Some(token),
        principal: Principal::Role { role: role.name.clone(), session: session.to_string() },
        role_id: Some(role.id.clone()),
        issued,
        expires: Some(issued.plus(lifetime)),
    };
    world.sts.prune(world.now());
    world.sts.add(key.clone());
    key
}

// ---------------------------------------------------------------------------------------------
// Instance profiles on instances
// ---------------------------------------------------------------------------------------------

/// An instance's IAM instance profile: the association (at most one), the one being removed, and
/// what its metadata service currently delivers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct InstanceIam {
    /// The association in force (or being made).
    pub association: Option<Association>,
    /// An association being removed (`disassociating` for [`DELIVERY_DELAY`]).
    pub leaving: Option<Association>,
    /// What the metadata service serves under `iam/` (None: no `iam/` at all).
    pub delivered: Option<Delivered>,
}

/// One instance-profile association (`iip-assoc-…`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Association {
    pub id: String,
    pub profile_arn: String,
    /// `AIPA…`: an association names one particular profile, not whatever later has its name.
    pub profile_id: String,
    /// When it was made (`Timestamp`).
    pub since: Time,
    /// When disassociation was asked for.
    pub ended: Option<Time>,
}

impl Association {
    /// When the metadata service starts serving it.
    pub fn delivered_at(&self) -> Time {
        self.since.plus(DELIVERY_DELAY)
    }
}

/// What the metadata service serves for an association, as of its last refresh.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Delivered {
    pub association_id: String,
    pub profile_arn: String,
    pub profile_id: String,
    /// The first delivery: refreshes follow every [`REFRESH_INTERVAL`] after it.
    pub base: Time,
    /// The last refresh (`LastUpdated`).
    pub refreshed: Time,
    pub state: Served,
}

/// The outcome of a refresh.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Served {
    /// The profile was deleted (or replaced by another of the same name): `iam/info` says
    /// `InstanceProfileNotFound`.
    ProfileNotFound,
    /// The profile holds no role: `iam/info` says so, no credentials.
    NoRole,
    /// The role's trust policy does not let EC2 assume it: the credentials document carries
    /// `AssumeRoleUnauthorizedAccess`.
    Untrusted { role: String },
    /// Credentials of a session of `role`.
    Credentials { role: String, access_key_id: String, secret_access_key: String, token: String, expires: Time },
}

impl Served {
    /// The role the metadata service names under `security-credentials/`, if any.
    pub fn role(&self) -> Option<&str> {
        match self {
            Served::Untrusted { role } | Served::Credentials { role, .. } => Some(role),
            _ => None,
        }
    }
}

/// `associating` | `associated` | `disassociating` at `now`.
pub fn association_state(a: &Association, now: Time) -> &'static str {
    match a.ended {
        Some(_) => "disassociating",
        None if now < a.delivered_at() => "associating",
        None => "associated",
    }
}

pub(crate) fn whole_second(t: Time) -> Time {
    Time(t.0 / SECOND * SECOND)
}

fn gone(state: crate::compute::State) -> bool {
    matches!(state, crate::compute::State::ShuttingDown | crate::compute::State::Terminated)
}

/// Bring instance `id`'s association states and delivery up to the world's clock.
pub fn sync(world: &mut World, id: &str) {
    let now = world.now();
    let Some(inst) = world.compute.get(id) else { return };
    let mut iam = inst.iam.clone();
    if gone(inst.state) {
        // Termination ends the association and the instance's credentials with it.
        if iam != InstanceIam::default() {
            if let Some(i) = world.compute.get_mut(id) {
                i.iam = InstanceIam::default();
            }
            world.bump();
        }
        return;
    }
    if iam.leaving.as_ref().is_some_and(|l| l.ended.is_some_and(|e| e.plus(DELIVERY_DELAY) <= now)) {
        iam.leaving = None;
    }
    match iam.association.clone() {
        Some(a) if a.delivered_at() <= now => {
            let (base, last) = match &iam.delivered {
                Some(d) if d.association_id == a.id => (d.base, Some(d.refreshed)),
                _ => (whole_second(a.delivered_at()), None),
            };
            let slot = latest_refresh(base, now);
            if last != Some(slot) {
                let state = refresh(world, &a, id, slot);
                iam.delivered = Some(Delivered {
                    association_id: a.id.clone(),
                    profile_arn: a.profile_arn.clone(),
                    profile_id: a.profile_id.clone(),
                    base,
                    refreshed: slot,
                    state,
                });
            }
        }
        Some(_) => {} // not delivered yet: whatever was served before stays until it is
        None if iam.leaving.is_none() => iam.delivered = None,
        None => {} // being removed: still served until the removal completes
    }
    if let Some(i) = world.compute.get_mut(id)
        && i.iam != iam
    {
        i.iam = iam;
        world.bump();
    }
}

/// The last refresh time at or before `now` of a delivery that began at `base`.
pub(crate) fn latest_refresh(base: Time, now: Time) -> Time {
    base.plus(now.0.saturating_sub(base.0) / REFRESH_INTERVAL * REFRESH_INTERVAL)
}

/// For read-only views (the app's instance pane): the role whose credentials the metadata
/// service serves at `now` and when they expire, without issuing anything. Agrees with what a
/// metadata request at `now` would return.
pub fn served_credentials(world: &World, inst: &crate::compute::Instance, now: Time) -> Option<(String, Time)> {
    let iam = &inst.iam;
    if gone(inst.state) {
        return None;
    }
    let a = iam.association.as_ref().filter(|a| a.delivered_at() <= now);
    let Some(a) = a else {
        // Not (yet) delivered, or being removed: whatever was delivered before, if still there.
        let leaving_done = iam.leaving.as_ref().is_some_and(|l| l.ended.is_some_and(|e| e.plus(DELIVERY_DELAY) <= now));
        if iam.association.is_none() && (iam.leaving.is_none() || leaving_done) {
            return None;
        }
        return match &iam.delivered.as_ref()?.state {
            Served::Credentials { role, expires, .. } => Some((role.clone(), *expires)),
            _ => None,
        };
    };
    let (base, last) = match &iam.delivered {
        Some(d) if d.association_id == a.id => (d.base, Some(d)),
        _ => (whole_second(a.delivered_at()), None),
    };
    let slot = latest_refresh(base, now);
    if let Some(d) = last.filter(|d| d.refreshed == slot) {
        return match &d.state {
            Served::Credentials { role, expires, .. } => Some((role.clone(), *expires)),
            _ => None,
        };
    }
    // A refresh is due: it would read the IAM state as it is now.
    let p = world.iam.instance_profile(&a.profile_arn).filter(|p| p.id == a.profile_id)?;
    let role = p.roles.first().and_then(|r| world.iam.role(r))?;
    crate::iam::trust_allows(role, "ec2.amazonaws.com").then(|| (role.name.clone(), slot.plus(CREDENTIAL_LIFETIME)))
}

/// Every instance that has anything to do with a profile (before an IAM change, so deliveries
/// made before it read the IAM state they saw).
pub fn sync_all(world: &mut World) {
    let ids: Vec<String> = world
        .compute
        .iter()
        .filter(|i| i.iam != InstanceIam::default())
        .map(|i| i.id.clone())
        .collect();
    for id in ids {
        sync(world, &id);
    }
}

/// One refresh at time `at`: read the profile and its role as they are now.
fn refresh(world: &mut World, a: &Association, instance_id: &str, at: Time) -> Served {
    let profile = world.iam.instance_profile(&a.profile_arn).filter(|p| p.id == a.profile_id).cloned();
    let Some(profile) = profile else { return Served::ProfileNotFound };
    let Some(role) = profile.roles.first().and_then(|r| world.iam.role(r)).cloned() else { return Served::NoRole };
    if !crate::iam::trust_allows(&role, "ec2.amazonaws.com") {
        return Served::Untrusted { role: role.name.clone() };
    }
    let key = issue_session(world, &role, instance_id, at, CREDENTIAL_LIFETIME);
    Served::Credentials {
        role: role.name.clone(),
        access_key_id: key.id,
        secret_access_key: key.secret,
        token: key.token.unwrap_or_default(),
        expires: key.expires.unwrap_or(at),
    }
}

/// The profile a launch or association names (name or ARN), as (ARN, id, role ARN if any), or
/// EC2's error for an unknown one.
pub fn find_profile(world: &World, name_or_arn: &str) -> Result<(String, String, Option<String>), crate::compute::Ec2Error> {
    match world.iam.instance_profile(name_or_arn) {
        Some(p) => {
            let role_arn = p.roles.first().and_then(|r| world.iam.role(r)).map(|r| r.arn.clone());
            Ok((p.arn.clone(), p.id.clone(), role_arn))
        }
        None => {
            let param = if name_or_arn.starts_with("arn:") { "arn" } else { "name" };
            let what = if param == "arn" { "ARN" } else { "name" };
            Err(crate::compute::Ec2Error::new(
                "InvalidParameterValue",
                format!("Value ({name_or_arn}) for parameter iamInstanceProfile.{param} is invalid. Invalid IAM Instance Profile {what}"),
            ))
        }
    }
}

/// Make a new association of profile (`arn`, `id`) with instance `instance` (which must have
/// none). Returns the association.
pub fn associate(world: &mut World, instance: &str, arn: &str, profile_id: &str) -> Option<Association> {
    sync(world, instance);
    put_association(world, instance, arn, profile_id)
}

fn put_association(world: &mut World, instance: &str, arn: &str, profile_id: &str) -> Option<Association> {
    let a = Association {
        id: world.rng.resource_id("iip-assoc"),
        profile_arn: arn.to_string(),
        profile_id: profile_id.to_string(),
        since: world.now(),
        ended: None,
    };
    let inst = world.compute.get_mut(instance)?;
    inst.iam.association = Some(a.clone());
    world.bump();
    Some(a)
}

/// End an association: it is `disassociating` until the metadata service has dropped it.
pub fn disassociate(world: &mut World, instance: &str) -> Option<Association> {
    sync(world, instance);
    let now = world.now();
    let inst = world.compute.get_mut(instance)?;
    let mut a = inst.iam.association.take()?;
    a.ended = Some(now);
    if a.delivered_at() > now {
        // Never delivered: nothing to take back from the metadata service.
        if inst.iam.delivered.as_ref().is_some_and(|d| d.association_id == a.id) {
            inst.iam.delivered = None;
        }
    }
    inst.iam.leaving = Some(a.clone());
    world.bump();
    Some(a)
}

/// Replace an instance's association with a new one for profile (`arn`, `id`): the old one ends
/// at once, the metadata service keeps serving it until the new one is delivered.
pub fn replace(world: &mut World, instance: &str, arn: &str, profile_id: &str) -> Option<Association> {
    sync(world, instance);
    let inst = world.compute.get_mut(instance)?;
    inst.iam.leaving = None;
    put_association(world, instance, arn, profile_id)
}

/// Find the instance holding association `assoc_id` (current or being removed).
pub fn instance_with_association(world: &World, assoc_id: &str) -> Option<String> {
    world
        .compute
        .iter()
        .filter(|i| !gone(i.state))
        .find(|i| i.iam.association.as_ref().is_some_and(|a| a.id == assoc_id) || i.iam.leaving.as_ref().is_some_and(|a| a.id == assoc_id))
        .map(|i| i.id.clone())
}

#[cfg(test)]
mod tests;
