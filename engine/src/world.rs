//! The world: every simulated system, one seeded generator and one virtual clock.
//!
//! Same seed + same commands = same world: nothing here reads a real clock or real randomness,
//! and timed work is an event queue on the virtual clock, applied in (time, sequence) order.

use crate::clock::{Time, EPOCH_START_MS};
use crate::compute::Compute;
use crate::fs::Fs;
use crate::hardware::Hardware;
use crate::net::Net;
use crate::rng::Rng;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// The one simulated account (AWS's documentation account number).
pub const ACCOUNT_ID: &str = "123456789012";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    BootComplete,
    Stopped,
    Terminated,
    Forget,
    /// An owned AMI finished snapshotting (`Event::instance` holds the image id).
    ImageAvailable,
    /// A parameter's Expiration policy comes due (`Event::instance` holds its key).
    ParameterExpiration,
    /// A KMS key's pending-deletion window ends (`Event::instance` holds the key id).
    KmsKeyDeletion,
    /// A status check of an instance on failed or repaired hardware (`faults.rs`).
    StatusCheck,
    /// Simplified automatic recovery's attempt to move an impaired instance (`faults.rs`).
    AutoRecovery,
    /// A scheduled event of the instance comes due or ends (`faults.rs`; not tied to a generation).
    MaintenanceDue,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Event {
    pub kind: EventKind,
    pub instance: String,
    /// The instance generation the event was scheduled for; stale events are dropped.
    pub generation: u32,
}

#[derive(Clone, Debug)]
pub struct World {
    pub seed: u64,
    now: Time,
    pub rng: Rng,
    pub hardware: Hardware,
    pub net: Net,
    pub compute: Compute,
    /// The account's placement groups.
    pub placement: crate::placement::Placements,
    /// The account's Dedicated Hosts.
    pub dedicated: crate::dedicated::DedicatedHosts,
    /// AWS RAM: resource shares and invitations between the learner's and the partner account.
    pub ram: crate::ram::Ram,
    /// The account's own AMIs (CreateImage).
    pub images: crate::images::Images,
    /// The account's IAM state: roles, policies, instance profiles.
    pub iam: crate::iam::Iam,
    /// Parameter Store: the account's own parameters.
    pub ssm: crate::ssm::ParameterStore,
    /// KMS keys and aliases.
    pub kms: crate::kms::Kms,
    /// The account's access keys and STS sessions (who signs each request).
    pub sts: crate::sts::Sts,
    events: BTreeMap<(Time, u64), Event>,
    event_seq: u64,
    pub workstation_fs: Fs,
    /// Plain-language notices for the console to show (e.g. "user data is stored but not run yet").
    notes: Vec<String>,
    generation: u64,
}

impl World {
    pub fn new(seed: u64) -> World {
        let mut rng = Rng::new(seed);
        let net = Net::build(&mut rng);
        let mut ws = Fs::linux("learner", "/home/learner");
        ws.mkdir_p("/home/learner/.aws");
        ws.write(
            "/home/learner/.aws/config",
            b"[default]\nregion = us-east-1\noutput = json\n".to_vec(),
        );
        // The learner's long-term access key: the administrator's (see `sts`).
        let (key_id, secret) = crate::sts::new_long_term_key(&mut rng);
        let mut sts = crate::sts::Sts::default();
        sts.add(crate::sts::AccessKey {
            id: key_id.clone(),
            secret: secret.clone(),
            token: None,
            principal: crate::iam::Principal::Admin,
            role_id: None,
            issued: Time(EPOCH_START_MS),
            expires: None,
        });
        ws.write(
            "/home/learner/.aws/credentials",
            format!("[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n").into_bytes(),
        );
        World {
            seed,
            now: Time(EPOCH_START_MS),
            rng,
            hardware: {
                let mut hw = Hardware::build();
                hw.populate_neighbours(seed);
                hw
            },
            net,
            compute: Compute::default(),
            placement: Default::default(),
            dedicated: Default::default(),
            ram: Default::default(),
            iam: Default::default(),
            ssm: Default::default(),
            kms: Default::default(),
            sts,
            images: Default::default(),
            events: BTreeMap::new(),
            event_seq: 0,
            workstation_fs: ws,
            notes: Vec::new(),
            generation: 0,
        }
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn account_id(&self) -> &'static str {
        ACCOUNT_ID
    }

    /// Move the virtual clock forward by `ms`, running every event that falls due, in order.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now.plus(ms);
        self.advance_to(target);
    }

    pub fn advance_to(&mut self, target: Time) {
        while let Some((&(at, seq), _)) = self.events.first_key_value() {
            if at > target {
                break;
            }
            let Some(ev) = self.events.remove(&(at, seq)) else { break };
            if at > self.now {
                self.now = at;
            }
            if ev.kind == EventKind::ImageAvailable {
                self.image_ready(&ev.instance);
            } else if ev.kind == EventKind::ParameterExpiration {
                self.parameter_expiry_due(&ev.instance);
            } else if ev.kind == EventKind::KmsKeyDeletion {
                self.kms_deletion_due();
            } else if matches!(ev.kind, EventKind::StatusCheck | EventKind::AutoRecovery | EventKind::MaintenanceDue) {
                crate::faults::apply(self, ev);
            } else {
                self.apply_instance_event(ev);
            }
            self.generation += 1;
        }
        if target > self.now {
            self.now = target;
        }
    }

    /// When the next timed event falls due, if any.
    pub fn next_event_at(&self) -> Option<Time> {
        self.events.first_key_value().map(|(&(t, _), _)| t)
    }

    pub(crate) fn push_event(&mut self, at: Time, ev: Event) {
        self.event_seq += 1;
        self.events.insert((at, self.event_seq), ev);
    }

    pub(crate) fn note(&mut self, text: &str) {
        if !self.notes.iter().any(|n| n == text) {
            self.notes.push(text.to_string());
        }
    }

    /// Take the notices produced since the last call.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// Mark that something visible changed.
    pub fn bump(&mut self) {
        self.generation += 1;
    }

    /// Changes whenever anything visible may have changed.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The value of an SSM parameter the world knows, for `resolve:ssm:NAME[:VERSION|:LABEL]`:
    /// the account's own String parameters (any version or label) and AWS's public ones.
    pub fn ssm_parameter_value(&self, name: &str) -> Option<String> {
        if let Some((base, sel)) = crate::ssm::parse_selector(name) {
            if let Some(v) = crate::catalog::public_parameter(base) {
                // A public parameter has one version here.
                return matches!(sel, crate::ssm::Selector::Latest | crate::ssm::Selector::Version(1)).then(|| v.to_string());
            }
        }
        let (_, v, _) = self.ssm.select(name).ok()?;
        (v.ptype != crate::ssm::ParamType::SecureString).then(|| v.value.clone())
    }

    /// A digest of the whole state: clock, generator position, every system. Equal worlds hash equal.
    pub fn state_hash(&self) -> u64 {
        let mut h = Fnv::new();
        self.seed.hash(&mut h);
        self.now.hash(&mut h);
        self.rng.word_pos().hash(&mut h);
        self.hardware.hash(&mut h);
        self.net.hash(&mut h);
        self.compute.hash(&mut h);
        self.placement.hash(&mut h);
        self.dedicated.hash(&mut h);
        self.ram.hash(&mut h);
        self.iam.hash(&mut h);
        self.ssm.hash(&mut h);
        self.kms.hash(&mut h);
        self.sts.hash(&mut h);
        self.images.hash(&mut h);
        self.events.hash(&mut h);
        self.workstation_fs.hash(&mut h);
        h.finish()
    }
}

/// FNV-1a: a hasher whose output never changes between runs, platforms or Rust releases.
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SECOND;
    use crate::compute::{RunRequest, State};

    fn one(world: &mut World) -> String {
        let req = RunRequest {
            image_id: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64".into(),
            instance_type: Some("t3.micro".into()),
            min_count: 1,
            max_count: 1,
            ..Default::default()
        };
        world.run_instances(req).unwrap().1.remove(0)
    }

    #[test]
    fn events_fire_in_order_and_stale_ones_are_dropped() {
        let mut w = World::new(9);
        let id = one(&mut w);
        let due = w.next_event_at().unwrap();
        assert!(due.0 > w.now().0 + 10 * SECOND, "boot takes tens of seconds");
        w.advance_to(due);
        assert_eq!(w.compute.get(&id).unwrap().state, State::Running);
        assert_eq!(w.now(), due);
        // Stop, then terminate before the stop completes: the stop's event must not resurrect it.
        w.stop_instances(&[id.clone()], false).unwrap();
        w.terminate_instances(&[id.clone()]).unwrap();
        w.advance(5 * 60 * SECOND);
        assert_eq!(w.compute.get(&id).unwrap().state, State::Terminated);
        // Terminated instances vanish after an hour.
        w.advance(61 * 60 * SECOND);
        assert!(w.compute.get(&id).is_none());
    }

    #[test]
    fn state_hash_tracks_state() {
        let mut a = World::new(1);
        let b = World::new(1);
        assert_eq!(a.state_hash(), b.state_hash());
        one(&mut a);
        assert_ne!(a.state_hash(), b.state_hash());
        assert_ne!(World::new(2).state_hash(), b.state_hash());
    }
}
