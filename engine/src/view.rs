//! Read-only views of the world for the UI (the datacenter pane, the instance pane).
//! Plain data, cheap to compare, so the UI can skip work when nothing changed.

use crate::catalog;
use crate::compute::{Instance, State};
use crate::hardware::HostUse;
use crate::net;
use crate::world::World;

mod blast;
/// Hardware failures per placement group (`lab fail`): see [`blast::GroupImpact`].
pub use blast::{blast_radius, GroupImpact};
mod hosts;
/// The Dedicated Hosts view: capacity, licence counts, cost comparison.
pub use hosts::{dedicated_hosts, DedicatedHostView, HostCost, HostInstanceView, LicenceCounts, ReservationPrice, SizeCapacity};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Datacenter {
    pub region: String,
    pub azs: Vec<AzView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AzView {
    /// `us-east-1a`
    pub name: String,
    /// `use1-az6`
    pub zone_id: String,
    pub racks: Vec<RackView>,
}

impl AzView {
    /// Every rack in the AZ has lost power or network (`lab fail az`).
    pub fn down(&self) -> bool {
        !self.racks.is_empty() && self.racks.iter().all(|r| !r.power_ok || !r.network_ok)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RackView {
    /// `us-east-1a-r03`
    pub id: String,
    /// Family of every host in the rack, e.g. `m5`.
    pub family: String,
    /// The rack is a failure domain: its own power and network (`lab fail rack`).
    pub power_ok: bool,
    pub network_ok: bool,
    pub hosts: Vec<HostView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostView {
    /// `us-east-1a-r03-h2`
    pub id: String,
    pub family: String,
    /// Capacity and use in quarter-cores.
    pub capacity_units: u32,
    pub used_units: u32,
    /// `shared`, `dedicated` (this account's Dedicated Instances only) or `host` (an allocated
    /// Dedicated Host, `dedicated_host_id`).
    pub tenancy: String,
    pub dedicated_host_id: Option<String>,
    /// Other accounts' instances (anonymous) and the quarter-cores they use.
    pub neighbours: u32,
    pub neighbour_units: u32,
    /// The host itself is up (`lab fail host` clears it; the rack's state is on `RackView`).
    pub healthy: bool,
    pub instances: Vec<InstanceChip>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceChip {
    pub id: String,
    /// The Name tag, or the id when there is none.
    pub label: String,
    pub instance_type: String,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    pub state: String,
    /// Placement group name and strategy (`cluster`, `spread`, `partition`), and partition.
    pub group: Option<String>,
    pub strategy: Option<String>,
    pub partition: Option<u32>,
    /// `default`, `dedicated` or `host`.
    pub tenancy: String,
    /// The system status check (`ok`, `impaired`, `initializing`, `not-applicable`).
    pub system_status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceDetail {
    pub id: String,
    pub name: Option<String>,
    pub state: String,
    pub instance_type: String,
    pub az: String,
    pub zone_id: String,
    /// Rack and host the instance runs on (stopped instances keep the last ones, `None` if never placed).
    pub rack: Option<String>,
    pub host: Option<String>,
    pub private_ip: String,
    pub private_dns: String,
    pub public_ip: Option<String>,
    pub public_dns: Option<String>,
    /// ISO time, e.g. `2026-01-05T09:00:00.000Z`.
    pub launch_time: String,
    pub image_id: String,
    pub key_name: Option<String>,
    pub security_groups: Vec<String>,
}

/// The region's AZs, racks, hosts and the instances on them. Stopped instances are not on a host
/// and are listed by [`unplaced`].
pub fn datacenter(world: &World) -> Datacenter {
    let azs = (0..catalog::azs().len()).filter_map(|a| az_view(world, a)).collect();
    Datacenter { region: catalog::REGION.to_string(), azs }
}

/// One AZ of [`datacenter`] (`None` for an index out of range).
pub fn az_view(world: &World, az: usize) -> Option<AzView> {
    let a = catalog::azs().get(az)?;
    let mut view = AzView { name: a.name.to_string(), zone_id: a.zone_id.to_string(), racks: Vec::new() };
    for rack in world.hardware.racks.iter().filter(|r| r.az == az) {
        let hosts = rack
            .hosts
            .iter()
            .filter_map(|&h| world.hardware.hosts.get(h))
            .map(|h| HostView {
                id: h.id.clone(),
                family: h.family.clone(),
                capacity_units: h.capacity_units,
                used_units: h.used_units,
                tenancy: match &h.tenancy {
                    HostUse::Shared => "shared",
                    HostUse::DedicatedInstances => "dedicated",
                    HostUse::DedicatedHost(_) => "host",
                }
                .to_string(),
                dedicated_host_id: match &h.tenancy {
                    HostUse::DedicatedHost(id) => Some(id.clone()),
                    _ => None,
                },
                neighbours: h.neighbours,
                neighbour_units: h.neighbour_units,
                healthy: h.healthy,
                instances: h.instances.iter().filter_map(|id| world.compute.get(id)).map(|i| chip_in(world, i)).collect(),
            })
            .collect();
        view.racks.push(RackView { id: rack.id.clone(), family: rack.family.clone(), power_ok: rack.power_ok, network_ok: rack.network_ok, hosts });
    }
    Some(view)
}

/// A digest per AZ of everything [`az_view`] reads, computed without building the view (no
/// allocation), so a UI can rebuild only the AZs whose digest changed. Invariant: equal digests
/// mean equal views (a test checks it along random histories); a field added to the view must
/// be added here.
pub fn az_fingerprints(world: &World) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut out: Vec<crate::world::Fnv> = (0..catalog::azs().len()).map(|_| crate::world::Fnv::new()).collect();
    for rack in &world.hardware.racks {
        let Some(h) = out.get_mut(rack.az) else { continue };
        (rack.power_ok, rack.network_ok).hash(h);
        for host in rack.hosts.iter().filter_map(|&i| world.hardware.hosts.get(i)) {
            (host.used_units, &host.tenancy, host.neighbours, host.neighbour_units, host.healthy, host.instances.len()).hash(h);
            for i in host.instances.iter().filter_map(|id| world.compute.get(id)) {
                i.id.hash(h);
                i.name_tag().hash(h);
                i.instance_type.hash(h);
                i.state.name().hash(h);
                i.placement.group_name.hash(h);
                i.placement.group_name.as_deref().and_then(|g| world.placement.get(g)).map(|g| g.strategy.name()).hash(h);
                i.placement.partition_number.hash(h);
                i.placement.tenancy.hash(h);
                world.status_checks(i).0.hash(h);
            }
        }
    }
    out.into_iter().map(|h| h.finish()).collect()
}

fn chip_in(world: &World, i: &Instance) -> InstanceChip {
    let group = i.placement.group_name.clone();
    InstanceChip {
        id: i.id.clone(),
        label: i.name_tag().map(String::from).unwrap_or_else(|| i.id.clone()),
        instance_type: i.instance_type.clone(),
        state: i.state.name().to_string(),
        strategy: group.as_deref().and_then(|g| world.placement.get(g)).map(|g| g.strategy.name().to_string()),
        group,
        partition: i.placement.partition_number,
        tenancy: i.placement.tenancy.clone(),
        system_status: world.status_checks(i).0.to_string(),
    }
}

/// Instances that are not on a host (stopped, or terminated and still visible).
pub fn unplaced(world: &World) -> Vec<InstanceChip> {
    world.compute.iter().filter(|i| i.host.is_none()).map(|i| chip_in(world, i)).collect()
}

pub fn instance(world: &World, id: &str) -> Option<InstanceDetail> {
    let i = world.compute.get(id)?;
    let az = catalog::azs().get(i.az());
    let host = i.host.or(i.last_host).and_then(|h| world.hardware.hosts.get(h));
    let terminated = i.state == State::Terminated;
    Some(InstanceDetail {
        id: i.id.clone(),
        name: i.name_tag().map(String::from),
        state: i.state.name().to_string(),
        instance_type: i.instance_type.clone(),
        az: az.map(|a| a.name.to_string()).unwrap_or_default(),
        zone_id: az.map(|a| a.zone_id.to_string()).unwrap_or_default(),
        rack: host.and_then(|h| world.hardware.racks.get(h.rack)).map(|r| r.id.clone()),
        host: host.map(|h| h.id.clone()),
        private_ip: if terminated { String::new() } else { i.private_ip_string() },
        private_dns: if terminated { String::new() } else { net::private_dns(i.private_ip) },
        public_ip: i.public_ip_string(),
        public_dns: i.public_ip.map(net::public_dns),
        launch_time: i.launch_time.iso_millis(),
        image_id: i.image_id.clone(),
        key_name: i.key_name.clone(),
        security_groups: i
            .security_groups
            .iter()
            .map(|g| world.net.sg(g).map(|s| format!("{} ({})", s.name, s.id)).unwrap_or_else(|| g.clone()))
            .collect(),
    })
}

/// One instance's road from launch to doing its job: the "boot time to service time" milestones.
/// Each duration is milliseconds from the launch, present only once the milestone has happened
/// on the world's clock (a script may have recorded a service start a few seconds ahead: until
/// the clock gets there, it has not happened yet).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BootTimeline {
    pub instance_id: String,
    /// The Name tag, or the id when there is none.
    pub label: String,
    pub image_id: String,
    /// Launched from one of the account's own images (a baked AMI), not a public one.
    pub baked: bool,
    /// The owned image's name, for baked instances.
    pub image_name: Option<String>,
    pub state: String,
    /// ISO time of the launch.
    pub launched: String,
    pub to_running: Option<u64>,
    pub to_bootstrap: Option<u64>,
    pub to_service: Option<u64>,
    /// cloud-init on the current boot: `not run`, `running`, `done` or `error`.
    pub bootstrap_status: String,
    pub has_user_data: bool,
    /// `false` once the instance is shutting down or terminated: what has not happened never will.
    pub can_progress: bool,
}

impl BootTimeline {
    /// Launch to service, if the instance got there.
    pub fn service_secs(&self) -> Option<f64> {
        self.to_service.map(|ms| ms as f64 / 1000.0)
    }
}

fn boot_timeline_of(world: &World, i: &Instance) -> BootTimeline {
    use crate::guest::CloudInitStatus;
    let now = world.now();
    let t = &i.guest.timeline;
    let launched = t.launched.unwrap_or(i.created);
    let since = |m: Option<crate::clock::Time>| m.filter(|m| *m <= now).map(|m| m.0.saturating_sub(launched.0));
    let owned = world.images.get(&i.image_id);
    BootTimeline {
        instance_id: i.id.clone(),
        label: i.name_tag().map(String::from).unwrap_or_else(|| i.id.clone()),
        image_id: i.image_id.clone(),
        baked: owned.is_some(),
        image_name: owned.map(|img| img.name.clone()),
        state: i.state.name().to_string(),
        launched: launched.iso_millis(),
        to_running: since(t.running),
        to_bootstrap: since(t.bootstrap_done),
        to_service: since(t.service_at),
        bootstrap_status: match i.guest.cloud_init.status_at(now) {
            CloudInitStatus::NotRun => "not run",
            CloudInitStatus::Running => "running",
            CloudInitStatus::Done => "done",
            CloudInitStatus::Error => "error",
        }
        .to_string(),
        has_user_data: i.user_data.is_some(),
        can_progress: !matches!(i.state, State::ShuttingDown | State::Terminated),
    }
}

/// The boot timeline of one instance (`None` if it is not visible).
pub fn boot_timeline(world: &World, id: &str) -> Option<BootTimeline> {
    world.compute.get(id).map(|i| boot_timeline_of(world, i))
}

/// Every visible instance's boot timeline, in launch order.
pub fn boot_timelines(world: &World) -> Vec<BootTimeline> {
    world.compute.iter().map(|i| boot_timeline_of(world, i)).collect()
}

/// The timelines of the instances that have reached service (the bake-or-bootstrap chart), in
/// launch order: the others are skipped before any timeline is built.
pub fn served_timelines(world: &World) -> Vec<BootTimeline> {
    let now = world.now();
    world
        .compute
        .iter()
        .filter(|i| i.guest.timeline.service_at.is_some_and(|t| t <= now))
        .map(|i| boot_timeline_of(world, i))
        .filter(|t| t.to_service.is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{MINUTE, SECOND};
    use crate::compute::RunRequest;

    /// `az_fingerprints`: along a history that touches every field of the view, a view that
    /// changed always comes with a changed digest.
    #[test]
    fn az_fingerprints_change_whenever_the_view_does() {
        let mut lab = crate::Lab::new(5);
        let ami = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
        let steps = [
            format!("aws ec2 run-instances --image-id {ami} --instance-type t3.micro --count 3 --placement AvailabilityZone=us-east-1a"),
            "lab advance 1m".to_string(),
            "aws ec2 create-placement-group --group-name kafka --strategy partition --partition-count 2".to_string(),
            format!("aws ec2 run-instances --image-id {ami} --instance-type m5.large --count 2 --placement GroupName=kafka,AvailabilityZone=us-east-1b"),
            "lab advance 3m".to_string(),
            "aws ec2 create-tags --resources $(aws ec2 describe-instances --query 'Reservations[0].Instances[0].InstanceId' --output text) --tags Key=Name,Value=web".to_string(),
            "lab fail rack $(lab where --rack $(aws ec2 describe-instances --filters Name=placement-group-name,Values=kafka --query 'Reservations[0].Instances[0].InstanceId' --output text))".to_string(),
            "lab advance 1m".to_string(),
            "lab advance 5m".to_string(),
            format!("aws ec2 run-instances --image-id {ami} --instance-type m5.large --placement Tenancy=dedicated,AvailabilityZone=us-east-1c"),
            "aws ec2 allocate-hosts --instance-family m5 --availability-zone us-east-1c".to_string(),
            "aws ec2 stop-instances --instance-ids $(aws ec2 describe-instances --filters Name=availability-zone,Values=us-east-1a --query 'Reservations[].Instances[].InstanceId' --output text)".to_string(),
            "lab advance 2m".to_string(),
            "lab repair all".to_string(),
            "lab advance 1m".to_string(),
        ];
        let mut prints = az_fingerprints(lab.world());
        let mut views: Vec<AzView> = (0..prints.len()).filter_map(|a| az_view(lab.world(), a)).collect();
        let mut changes = 0;
        for step in &steps {
            lab.run(step);
            let now_prints = az_fingerprints(lab.world());
            for (a, old) in views.iter_mut().enumerate() {
                let new = az_view(lab.world(), a).unwrap();
                if new != *old {
                    changes += 1;
                    assert_ne!(now_prints[a], prints[a], "AZ {a} changed after `{step}` but its digest did not");
                }
                *old = new;
            }
            prints = now_prints;
        }
        assert!(changes >= 10, "the history changed the views only {changes} times");
        assert_eq!(datacenter(lab.world()).azs, views);
    }

    #[test]
    fn boot_timeline_shows_only_what_happened() {
        let mut w = World::new(11);
        let req = RunRequest {
            image_id: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64".into(),
            instance_type: Some("t3.micro".into()),
            min_count: 1,
            max_count: 1,
            ..Default::default()
        };
        let id = w.run_instances(req).unwrap().1.remove(0);
        let t = boot_timeline(&w, &id).unwrap();
        assert_eq!((t.to_running, t.to_bootstrap, t.to_service), (None, None, None));
        assert!(!t.baked && t.can_progress);
        w.advance(2 * MINUTE);
        let t = boot_timeline(&w, &id).unwrap();
        let running = t.to_running.expect("running by now");
        assert!((20 * SECOND..=45 * SECOND).contains(&running), "{running}");
        // A service start recorded ahead of the clock has not happened yet.
        let ahead = w.now().plus(30 * SECOND);
        w.compute.get_mut(&id).unwrap().guest.timeline.service_at = Some(ahead);
        assert_eq!(boot_timeline(&w, &id).unwrap().to_service, None);
        w.advance(30 * SECOND);
        let t = boot_timeline(&w, &id).unwrap();
        assert_eq!(t.to_service, Some(2 * MINUTE + 30 * SECOND));
        assert_eq!(t.service_secs(), Some(150.0));
        // Baked: launched from an owned image.
        let ami = w.create_image(crate::images::CreateImageRequest { instance_id: id.clone(), name: "bake".into(), ..Default::default() }).unwrap();
        w.advance(10 * MINUTE);
        let req = RunRequest { image_id: ami.clone(), instance_type: Some("t3.micro".into()), min_count: 1, max_count: 1, ..Default::default() };
        let baked = w.run_instances(req).unwrap().1.remove(0);
        let all = boot_timelines(&w);
        assert_eq!(all.len(), 2);
        assert!(all[1].baked && all[1].instance_id == baked);
        assert_eq!(all[1].image_name.as_deref(), Some("bake"));
        w.terminate_instances(std::slice::from_ref(&baked)).unwrap();
        w.advance(MINUTE);
        assert!(!boot_timeline(&w, &baked).unwrap().can_progress);
        assert!(boot_timeline(&w, "i-0000000000000000f").is_none());
    }

    /// The whole story through the console: user data installs httpd on one instance, an image
    /// is baked from it, and an instance from the image reaches service sooner.
    #[test]
    fn baked_instances_reach_service_sooner() {
        let mut lab = crate::Lab::new(12);
        let script = "cat > web.sh <<'END'
#!/bin/bash
dnf install -y httpd
sleep 30
echo '<h1>shop</h1>' > /var/www/html/index.html
systemctl enable --now httpd
END
ID=$(aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --user-data file://web.sh --query 'Instances[0].InstanceId' --output text)
lab advance 5m
AMI=$(aws ec2 create-image --instance-id $ID --name shop --query ImageId --output text)
aws ec2 wait image-available --image-ids $AMI
aws ec2 run-instances --image-id $AMI --instance-type t3.micro --query 'Instances[0].InstanceId' --output text
lab advance 5m";
        for (cmd, out) in lab.run_script(script) {
            assert_eq!(out.exit, 0, "{cmd} -> {}", out.stderr);
        }
        let all = boot_timelines(lab.world());
        assert_eq!(all.len(), 2);
        let (boot, baked) = (&all[0], &all[1]);
        assert!(!boot.baked && baked.baked);
        assert!(boot.has_user_data && !baked.has_user_data);
        for t in &all {
            assert!(t.to_running.is_some() && t.to_bootstrap.is_some(), "{t:?}");
            assert_eq!(t.bootstrap_status, "done");
        }
        let (b, k) = (boot.to_service.expect("bootstrapped serves"), baked.to_service.expect("baked serves"));
        assert!(b >= boot.to_running.unwrap_or(0) + 30_000, "the bootstrap's sleep is in its service time: {b}");
        assert!(k < b, "baked {k} ms should beat bootstrapped {b} ms");
        assert!(k <= baked.to_running.unwrap_or(0) + 60_000, "httpd starts at boot on the baked instance: {k}");
    }
}

// ---------------------------------------------------------------------------------------------
// Identity and secrets: IAM roles and instance profiles, Parameter Store, an instance's role
// credentials. Read-only: nothing here issues a key, decrypts a value or moves the clock.
// ---------------------------------------------------------------------------------------------

/// The account's roles and instance profiles, for the IAM view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IamView {
    pub roles: Vec<RoleSummary>,
    pub profiles: Vec<ProfileView>,
}

/// One role: who may assume it and what it may do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RoleSummary {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub description: String,
    /// ISO time of creation.
    pub created: String,
    /// The trust policy, pretty-printed JSON.
    pub trust_policy: String,
    /// Who the trust policy lets assume the role: `Service: ec2.amazonaws.com`, `AWS: arn:…`.
    pub trusted: Vec<String>,
    /// The trust policy lets EC2 assume the role (an instance profile can deliver credentials).
    pub trusts_ec2: bool,
    /// Attached managed policies (AWS managed and customer managed), in attachment order.
    pub attached: Vec<PolicyDoc>,
    /// Inline policies, by name.
    pub inline: Vec<PolicyDoc>,
    /// Instance profiles holding the role.
    pub profiles: Vec<String>,
}

/// A permission policy with its document (pretty-printed JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PolicyDoc {
    pub name: String,
    /// Managed policies only.
    pub arn: Option<String>,
    pub aws_managed: bool,
    pub document: String,
}

/// One instance profile and the instances wearing it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProfileView {
    pub name: String,
    pub arn: String,
    /// The role it holds (IAM allows one), if any.
    pub role: Option<String>,
    pub instances: Vec<Wearer>,
}

/// An instance associated with an instance profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Wearer {
    pub id: String,
    /// The Name tag, or the id when there is none.
    pub label: String,
    /// The instance's state (`running`, …).
    pub state: String,
    /// The association's state: `associating`, `associated` or `disassociating`.
    pub association: String,
}

fn pretty_json(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// Who a trust policy's Allow statements name, as `Kind: value` lines (`*` for anyone).
fn trusted_principals(doc: &serde_json::Value) -> Vec<String> {
    use crate::iam::policy::{statements_of, string_list};
    let mut out = Vec::new();
    for st in statements_of(doc) {
        if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            continue;
        }
        match st.get("Principal") {
            Some(serde_json::Value::String(s)) => out.push(s.clone()),
            Some(serde_json::Value::Object(m)) => {
                for (kind, v) in m {
                    out.extend(string_list(v).into_iter().map(|p| format!("{kind}: {p}")));
                }
            }
            _ => {}
        }
    }
    out.dedup();
    out
}

fn visible(i: &Instance) -> bool {
    !matches!(i.state, State::ShuttingDown | State::Terminated)
}

/// The association an instance wears (or is losing), if it is still alive.
fn association_of(i: &Instance) -> Option<&crate::sts::Association> {
    if !visible(i) {
        return None;
    }
    i.iam.association.as_ref().or(i.iam.leaving.as_ref())
}

/// Instances wearing the profile `p` (by its ARN and id: a later profile of the same name is
/// another profile).
fn wearers(world: &World, p: &crate::iam::InstanceProfile) -> Vec<Wearer> {
    let now = world.now();
    world
        .compute
        .iter()
        .filter_map(|i| {
            let a = association_of(i)?;
            (a.profile_arn == p.arn && a.profile_id == p.id).then(|| Wearer {
                id: i.id.clone(),
                label: i.name_tag().map(String::from).unwrap_or_else(|| i.id.clone()),
                state: i.state.name().to_string(),
                association: crate::sts::association_state(a, now).to_string(),
            })
        })
        .collect()
}

/// Roles (with their trust and permission policies) and instance profiles (with the instances
/// wearing them), sorted by name.
pub fn iam_overview(world: &World) -> IamView {
    let iam = &world.iam;
    let roles = iam
        .roles
        .values()
        .map(|r| RoleSummary {
            name: r.name.clone(),
            arn: r.arn.clone(),
            path: r.path.clone(),
            description: r.description.clone(),
            created: r.created.iso(),
            trust_policy: pretty_json(&r.trust_policy),
            trusted: trusted_principals(&r.trust_policy),
            trusts_ec2: crate::iam::trust_allows(r, "ec2.amazonaws.com"),
            attached: r
                .attached
                .iter()
                .map(|arn| match iam.managed_policy(arn) {
                    Some(p) => PolicyDoc { name: p.name, arn: Some(p.arn), aws_managed: p.aws_managed, document: pretty_json(&p.document) },
                    None => PolicyDoc { name: arn.rsplit('/').next().unwrap_or(arn).to_string(), arn: Some(arn.clone()), aws_managed: false, document: String::new() },
                })
                .collect(),
            inline: r.inline.iter().map(|(n, d)| PolicyDoc { name: n.clone(), arn: None, aws_managed: false, document: pretty_json(d) }).collect(),
            profiles: iam.instance_profiles.values().filter(|p| p.roles.contains(&r.name)).map(|p| p.name.clone()).collect(),
        })
        .collect();
    let profiles = iam
        .instance_profiles
        .values()
        .map(|p| ProfileView { name: p.name.clone(), arn: p.arn.clone(), role: p.roles.first().cloned(), instances: wearers(world, p) })
        .collect();
    IamView { roles, profiles }
}

/// One level of the Parameter Store hierarchy: a path segment, the parameter of that name if
/// there is one, and the levels below it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParamNode {
    /// The segment (`db` in `/app/prod/db`).
    pub segment: String,
    /// The full path (`/app/prod/db`; a name without a leading slash keeps its spelling).
    pub path: String,
    pub param: Option<ParamInfo>,
    pub children: Vec<ParamNode>,
}

impl ParamNode {
    /// Parameters at or below this node.
    pub fn count(&self) -> usize {
        usize::from(self.param.is_some()) + self.children.iter().map(ParamNode::count).sum::<usize>()
    }
}

/// One parameter as the browser shows it. A SecureString's value is never here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParamInfo {
    /// The name as created.
    pub name: String,
    pub arn: String,
    /// `String`, `StringList` or `SecureString`.
    pub ptype: String,
    /// `Standard` or `Advanced`.
    pub tier: String,
    pub data_type: String,
    pub description: Option<String>,
    /// The latest version's number.
    pub version: u64,
    /// The value of the latest version for String and StringList; `None` for SecureString.
    pub value: Option<String>,
    /// SecureString only: the key as named at PutParameter, and the alias (or id) of the key it
    /// resolves to.
    pub key_id: Option<String>,
    pub key_alias: Option<String>,
    /// ISO time of the latest version, and who wrote it.
    pub last_modified: String,
    pub last_modified_user: String,
    /// Retained versions, newest first.
    pub versions: Vec<VersionInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: u64,
    pub labels: Vec<String>,
    pub modified: String,
}

fn kms_key_of(world: &World, v: &crate::ssm::Version) -> Option<String> {
    use base64::Engine as _;
    let blob = base64::engine::general_purpose::STANDARD.decode(v.value.as_bytes()).ok();
    blob.and_then(|b| world.kms.blob_key(&b)).or_else(|| v.key_id.as_deref().and_then(|k| world.kms.resolve(k, true).ok()))
}

fn param_info(world: &World, p: &crate::ssm::Parameter) -> ParamInfo {
    use crate::ssm::ParamType;
    let v = p.latest();
    let secure = v.ptype == ParamType::SecureString;
    let key_alias = secure.then(|| kms_key_of(world, v)).flatten().map(|id| match world.kms.aliases_of(&id).first() {
        Some(a) => a.name.clone(),
        None => id,
    });
    ParamInfo {
        name: p.name.clone(),
        arn: p.arn(),
        ptype: v.ptype.as_str().to_string(),
        tier: v.tier.as_str().to_string(),
        data_type: v.data_type.clone(),
        description: v.description.clone(),
        version: v.version,
        value: (!secure).then(|| v.value.clone()),
        key_id: if secure { v.key_id.clone() } else { None },
        key_alias,
        last_modified: v.modified.iso(),
        last_modified_user: v.user.clone(),
        versions: p.versions.iter().rev().map(|x| VersionInfo { version: x.version, labels: x.labels.clone(), modified: x.modified.iso() }).collect(),
    }
}

/// The account's parameters as a tree split on `/` (sorted by segment). A name can be both a
/// parameter and a level above others (`/app` and `/app/db`).
pub fn parameter_tree(world: &World) -> Vec<ParamNode> {
    let mut roots: Vec<ParamNode> = Vec::new();
    for p in world.ssm.all() {
        let slash = p.name.starts_with('/');
        let segments: Vec<&str> = crate::ssm::key_of(&p.name).split('/').collect();
        let mut level = &mut roots;
        let mut path = String::new();
        let last = segments.len().saturating_sub(1);
        for (i, seg) in segments.iter().enumerate() {
            if slash || i > 0 {
                path.push('/');
            }
            path.push_str(seg);
            let pos = match level.iter().position(|n| n.segment == *seg) {
                Some(pos) => pos,
                None => {
                    level.push(ParamNode { segment: seg.to_string(), path: path.clone(), ..Default::default() });
                    level.len() - 1
                }
            };
            if i == last {
                level[pos].param = Some(param_info(world, p));
            }
            level = &mut level[pos].children;
        }
    }
    fn sort(nodes: &mut [ParamNode]) {
        nodes.sort_by(|a, b| a.segment.cmp(&b.segment));
        for n in nodes {
            sort(&mut n.children);
        }
    }
    sort(&mut roots);
    roots
}

/// Whether a role may read a parameter, and what decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReaderView {
    pub role: String,
    /// `ssm:GetParameter` on the parameter's ARN is allowed by the role's policies.
    pub allowed: bool,
    /// An explicit Deny decided.
    pub explicit_deny: bool,
    /// The statements that decided (`AmazonSSMReadOnlyAccess statement 1`), empty for an
    /// implicit deny.
    pub decided_by: Vec<String>,
    /// SecureString only: may the role decrypt it (`kms:Decrypt` through SSM on the key, key
    /// policy and IAM together), and if not, KMS's sentence.
    pub decrypt: Option<bool>,
    pub decrypt_denied: Option<String>,
    /// Instances wearing a profile with this role (they read with its credentials).
    pub instances: Vec<String>,
}

/// Instances whose profile holds `role` (by the profile's current role).
fn instances_with_role(world: &World, role: &str) -> Vec<String> {
    world
        .compute
        .iter()
        .filter(|i| association_of(i).is_some_and(|a| world.iam.instance_profile(&a.profile_arn).is_some_and(|p| p.id == a.profile_id && p.roles.iter().any(|r| r == role))))
        .map(|i| i.id.clone())
        .collect()
}

/// Which roles may read parameter `name` (`ssm:GetParameter`), decided by IAM's evaluator for a
/// session of each role; for a SecureString also whether the role may decrypt it. Empty when
/// there is no such parameter.
pub fn parameter_readers(world: &World, name: &str) -> Vec<ReaderView> {
    use crate::iam::policy::{Context, EvalDecision};
    use crate::iam::Principal;
    let Some(p) = world.ssm.get(name) else { return Vec::new() };
    let arn = p.arn();
    let secure = p.latest().ptype == crate::ssm::ParamType::SecureString;
    let key = if secure { kms_key_of(world, p.latest()) } else { None };
    world
        .iam
        .roles
        .values()
        .map(|r| {
            let instances = instances_with_role(world, &r.name);
            // A session as an instance would hold it (its instance's context keys), or a plain one.
            let session = instances.first().cloned().unwrap_or_else(|| r.name.clone());
            let who = Principal::Role { role: r.name.clone(), session };
            let d = crate::iam::decide(world, &who, "ssm:GetParameter", &arn, &Context::new());
            let (decrypt, decrypt_denied) = if secure {
                match key.as_deref().map(|k| crate::kms::authorize(world, &who, "kms:Decrypt", k, Some("ssm"))) {
                    Some(Ok(())) => (Some(true), None),
                    Some(Err(e)) => (Some(false), Some(e.message)),
                    None => (Some(false), Some("The key that encrypted this value no longer exists.".to_string())),
                }
            } else {
                (None, None)
            };
            ReaderView {
                role: r.name.clone(),
                allowed: d.allowed(),
                explicit_deny: d.decision == EvalDecision::ExplicitDeny,
                decided_by: d.matched.iter().map(|m| m.describe()).collect(),
                decrypt,
                decrypt_denied,
                instances,
            }
        })
        .collect()
}

/// An instance's instance profile, role and current credentials, worked out for the world's
/// clock without issuing anything: what the metadata service would serve if asked now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleView {
    pub profile_name: String,
    pub profile_arn: String,
    pub association_id: String,
    /// `associating`, `associated` or `disassociating`.
    pub association_state: String,
    pub role: Option<String>,
    pub role_arn: Option<String>,
    /// `delivering` (not served yet), `credentials`, `no-role` (empty profile),
    /// `untrusted` (the role's trust policy does not let EC2 assume it), `profile-not-found`.
    pub status: String,
    /// The current access key id, all but the `ASIA` prefix and the last four characters masked;
    /// `None` until the instance has fetched the current set (the metadata service issues it on
    /// the first request after a rotation).
    pub access_key: Option<String>,
    /// ISO times of the current set's issue and expiry.
    pub issued: Option<String>,
    pub expires: Option<String>,
    /// Seconds until the current set expires, on the virtual clock.
    pub expires_in_secs: Option<u64>,
    /// The next delivery of new credentials (ISO) and the seconds until it.
    pub next_rotation: Option<String>,
    pub next_rotation_in_secs: Option<u64>,
}

/// `ASIAQ3EXAMPLE7XYZW` → `ASIA••••••••••XYZW`.
pub fn mask_key(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(chars.len() - 8))
}

/// The role side of instance `id` (`None`: no such instance, or no instance profile).
pub fn instance_role(world: &World, id: &str) -> Option<RoleView> {
    use crate::sts::{Served, CREDENTIAL_LIFETIME, REFRESH_INTERVAL};
    let i = world.compute.get(id)?;
    let a = association_of(i)?;
    let now = world.now();
    let profile = world.iam.instance_profile(&a.profile_arn).filter(|p| p.id == a.profile_id);
    let mut v = RoleView {
        profile_name: profile.map(|p| p.name.clone()).unwrap_or_else(|| a.profile_arn.rsplit('/').next().unwrap_or_default().to_string()),
        profile_arn: a.profile_arn.clone(),
        association_id: a.id.clone(),
        association_state: crate::sts::association_state(a, now).to_string(),
        status: "delivering".into(),
        ..Default::default()
    };
    let delivered = i.iam.delivered.as_ref().filter(|d| d.association_id == a.id);
    if a.delivered_at() > now {
        // Not served yet (a replaced association's credentials may still be served meanwhile).
        if let Some(r) = profile.and_then(|p| p.roles.first()) {
            v.role_arn = world.iam.role(r).map(|r| r.arn.clone());
            v.role = Some(r.clone());
        }
        v.next_rotation = Some(a.delivered_at().iso());
        v.next_rotation_in_secs = Some(a.delivered_at().0.saturating_sub(now.0).div_ceil(1000));
        return Some(v);
    }
    // Refreshes come every REFRESH_INTERVAL from the first delivery (on a whole second), the
    // same schedule `sts` serves by.
    let base = delivered.map(|d| d.base).unwrap_or_else(|| crate::sts::whole_second(a.delivered_at()));
    let slot = crate::sts::latest_refresh(base, now);
    let next = slot.plus(REFRESH_INTERVAL);
    v.next_rotation = Some(next.iso());
    v.next_rotation_in_secs = Some(next.0.saturating_sub(now.0).div_ceil(1000));
    let set_expiry = |v: &mut RoleView, issued: crate::clock::Time, expires: crate::clock::Time| {
        v.issued = Some(issued.iso());
        v.expires = Some(expires.iso());
        v.expires_in_secs = Some(expires.0.saturating_sub(now.0) / 1000);
    };
    match delivered.filter(|d| d.refreshed == slot) {
        // The set the metadata service holds for this moment.
        Some(d) => match &d.state {
            Served::Credentials { role, access_key_id, expires, .. } => {
                v.status = "credentials".into();
                v.role_arn = world.iam.role(role).map(|r| r.arn.clone());
                v.role = Some(role.clone());
                v.access_key = Some(mask_key(access_key_id));
                set_expiry(&mut v, d.refreshed, *expires);
            }
            Served::Untrusted { role } => {
                v.status = "untrusted".into();
                v.role_arn = world.iam.role(role).map(|r| r.arn.clone());
                v.role = Some(role.clone());
            }
            Served::NoRole => v.status = "no-role".into(),
            Served::ProfileNotFound => v.status = "profile-not-found".into(),
        },
        // A refresh is due that nobody has asked for yet: what it will find.
        None => match profile {
            None => v.status = "profile-not-found".into(),
            Some(p) => match p.roles.first().and_then(|r| world.iam.role(r)) {
                None => v.status = "no-role".into(),
                Some(r) => {
                    v.role = Some(r.name.clone());
                    v.role_arn = Some(r.arn.clone());
                    if crate::iam::trust_allows(r, "ec2.amazonaws.com") {
                        v.status = "credentials".into();
                        set_expiry(&mut v, slot, slot.plus(CREDENTIAL_LIFETIME));
                    } else {
                        v.status = "untrusted".into();
                    }
                }
            },
        },
    }
    Some(v)
}

/// The value in `aws ssm get-parameter` JSON output (what the console printed), if any: the
/// Parameter Store browser shows a decrypted SecureString from the command's own answer.
pub fn parameter_value_in_output(stdout: &str) -> Option<(String, u64)> {
    let v: serde_json::Value = serde_json::from_str(stdout).ok()?;
    let p = v.get("Parameter")?;
    Some((p.get("Value")?.as_str()?.to_string(), p.get("Version").and_then(serde_json::Value::as_u64).unwrap_or(0)))
}

#[cfg(test)]
mod identity_tests {
    use super::*;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    const AMI: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2";

    fn run(lab: &mut crate::Lab, script: &str) -> Vec<String> {
        lab.run_script(script)
            .into_iter()
            .map(|(cmd, out)| {
                assert_eq!(out.exit, 0, "{cmd} -> {}", out.stderr);
                out.stdout
            })
            .collect()
    }

    /// A role that may read /app/*, a profile with it on a running instance, a String and a
    /// SecureString under /app/prod, and a second role with no permissions.
    fn lab() -> (crate::Lab, String) {
        let mut lab = crate::Lab::new(21);
        let script = format!(
            "aws iam create-role --role-name app-reader --assume-role-policy-document '{TRUST}' --description 'reads the app config'
aws iam attach-role-policy --role-name app-reader --policy-arn arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess
aws iam put-role-policy --role-name app-reader --policy-name no-secrets --policy-document '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Sid\":\"NoProd\",\"Effect\":\"Deny\",\"Action\":\"ssm:GetParameter*\",\"Resource\":\"arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/db-password\"}}]}}'
aws iam create-role --role-name nobody --assume-role-policy-document '{TRUST}'
aws iam create-instance-profile --instance-profile-name app-reader
aws iam add-role-to-instance-profile --instance-profile-name app-reader --role-name app-reader
aws iam create-instance-profile --instance-profile-name empty
aws ssm put-parameter --name /app/prod/db-host --value db.internal --type String
aws ssm put-parameter --name /app/prod/db-host --value db2.internal --type String --overwrite
aws ssm label-parameter-version --name /app/prod/db-host --parameter-version 1 --labels old
aws ssm put-parameter --name /app/prod/db-password --value 's3cret!' --type SecureString
aws ssm put-parameter --name flat --value x --type StringList --tier Advanced
KEY=$(aws kms create-key --query KeyMetadata.KeyId --output text)
aws kms create-alias --alias-name alias/app --target-key-id $KEY
aws ssm put-parameter --name /app/prod/api-key --value k3y --type SecureString --key-id alias/app
aws ec2 run-instances --image-id {AMI} --instance-type t3.micro --iam-instance-profile Name=app-reader --tag-specifications 'ResourceType=instance,Tags=[{{Key=Name,Value=web}}]' --query 'Instances[0].InstanceId' --output text"
        );
        let out = run(&mut lab, &script);
        let id = out.last().map(|s| s.trim().to_string()).unwrap_or_default();
        assert!(id.starts_with("i-"), "{id}");
        (lab, id)
    }

    #[test]
    fn iam_view_lists_roles_policies_and_wearers() {
        let (mut lab, id) = lab();
        let v = iam_overview(lab.world());
        let names: Vec<&str> = v.roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["app-reader", "nobody"]);
        let r = &v.roles[0];
        assert_eq!(r.arn, "arn:aws:iam::123456789012:role/app-reader");
        assert_eq!(r.description, "reads the app config");
        assert_eq!(r.trusted, ["Service: ec2.amazonaws.com"]);
        assert!(r.trusts_ec2);
        assert!(r.trust_policy.contains("\n") && r.trust_policy.contains("\"sts:AssumeRole\""), "{}", r.trust_policy);
        assert_eq!(r.attached.len(), 1);
        assert_eq!(r.attached[0].name, "AmazonSSMReadOnlyAccess");
        assert!(r.attached[0].aws_managed && r.attached[0].document.contains("ssm:Get*"), "{:?}", r.attached[0]);
        assert_eq!(r.inline.len(), 1);
        assert_eq!(r.inline[0].name, "no-secrets");
        assert!(r.inline[0].document.contains("\"Deny\""));
        assert_eq!(r.profiles, ["app-reader"]);
        assert!(v.roles[1].attached.is_empty() && v.roles[1].profiles.is_empty());
        let p: Vec<(&str, Option<&str>)> = v.profiles.iter().map(|p| (p.name.as_str(), p.role.as_deref())).collect();
        assert_eq!(p, [("app-reader", Some("app-reader")), ("empty", None)]);
        let w = &v.profiles[0].instances;
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].id.as_str(), w[0].label.as_str()), (id.as_str(), "web"));
        assert_eq!(w[0].association, "associating");
        lab.run("lab advance 1m");
        assert_eq!(iam_overview(lab.world()).profiles[0].instances[0].association, "associated");
        // Terminated instances wear nothing.
        run(&mut lab, &format!("aws ec2 terminate-instances --instance-ids {id}\nlab advance 1m"));
        assert!(iam_overview(lab.world()).profiles[0].instances.is_empty());
    }

    #[test]
    fn parameter_tree_nests_and_masks() {
        let (lab, _) = lab();
        let before = lab.world().state_hash();
        let tree = parameter_tree(lab.world());
        assert_eq!(tree.iter().map(|n| n.segment.as_str()).collect::<Vec<_>>(), ["app", "flat"]);
        assert_eq!(tree.iter().map(ParamNode::count).sum::<usize>(), 4);
        let flat = tree[1].param.as_ref().unwrap();
        assert_eq!((flat.name.as_str(), flat.ptype.as_str(), flat.tier.as_str()), ("flat", "StringList", "Advanced"));
        assert_eq!(tree[1].path, "flat");
        let app = &tree[0];
        assert!(app.param.is_none());
        assert_eq!(app.path, "/app");
        let prod = &app.children[0];
        assert_eq!(prod.path, "/app/prod");
        let leaves: Vec<&str> = prod.children.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(leaves, ["/app/prod/api-key", "/app/prod/db-host", "/app/prod/db-password"]);
        let api = prod.children[0].param.as_ref().unwrap();
        assert_eq!((api.key_id.as_deref(), api.key_alias.as_deref(), api.value.as_deref()), (Some("alias/app"), Some("alias/app"), None));
        let host = prod.children[1].param.as_ref().unwrap();
        assert_eq!((host.version, host.value.as_deref(), host.ptype.as_str()), (2, Some("db2.internal"), "String"));
        assert_eq!(host.versions.iter().map(|v| (v.version, v.labels.clone())).collect::<Vec<_>>(), [(2, vec![]), (1, vec!["old".to_string()])]);
        assert_eq!(host.last_modified_user, "arn:aws:iam::123456789012:user/learner");
        assert!(host.key_alias.is_none());
        let pw = prod.children[2].param.as_ref().unwrap();
        assert_eq!(pw.ptype, "SecureString");
        assert_eq!(pw.value, None, "a SecureString's value is never in the view");
        assert_eq!(pw.key_alias.as_deref(), Some("alias/aws/ssm"));
        assert_eq!(pw.arn, "arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/db-password");
        assert_eq!(lab.world().state_hash(), before, "reading the tree changes nothing");
    }

    #[test]
    fn readers_come_from_the_evaluator() {
        let (lab, id) = lab();
        let before = lab.world().state_hash();
        let host = parameter_readers(lab.world(), "/app/prod/db-host");
        assert_eq!(host.len(), 2);
        assert_eq!(host[0].role, "app-reader");
        assert!(host[0].allowed && !host[0].explicit_deny);
        assert_eq!(host[0].decided_by, ["AmazonSSMReadOnlyAccess statement 1"]);
        assert_eq!(host[0].instances, [id.clone()]);
        assert_eq!(host[0].decrypt, None);
        assert!(!host[1].allowed && !host[1].explicit_deny && host[1].decided_by.is_empty());
        let pw = parameter_readers(lab.world(), "app/prod/db-password");
        assert!(!pw[0].allowed && pw[0].explicit_deny);
        assert_eq!(pw[0].decided_by, ["no-secrets statement \"NoProd\""]);
        // The AWS managed key's policy lets anyone in the account decrypt through SSM.
        assert_eq!((pw[0].decrypt, pw[1].decrypt), (Some(true), Some(true)), "{pw:?}");
        // A customer key's default policy hands the decision to IAM: SSM read-only has no kms:Decrypt.
        let api = parameter_readers(lab.world(), "/app/prod/api-key");
        assert!(api[0].allowed && api[0].decrypt == Some(false), "{:?}", api[0]);
        assert!(api[0].decrypt_denied.as_deref().is_some_and(|m| m.contains("kms:Decrypt")), "{:?}", api[0]);
        assert!(parameter_readers(lab.world(), "/nope").is_empty());
        assert_eq!(lab.world().state_hash(), before, "deciding changes nothing");
    }

    #[test]
    fn instance_role_counts_down_and_rotates() {
        let (mut lab, id) = lab();
        let v = instance_role(lab.world(), &id).expect("a profile");
        assert_eq!((v.profile_name.as_str(), v.role.as_deref(), v.status.as_str()), ("app-reader", Some("app-reader"), "delivering"));
        assert_eq!(v.association_state, "associating");
        assert!(v.expires.is_none() && v.access_key.is_none());
        lab.run("lab advance 2m");
        // Delivered, but nobody asked the metadata service yet: the expiry is known, the key not.
        let before = lab.world().state_hash();
        let v = instance_role(lab.world(), &id).unwrap();
        assert_eq!(lab.world().state_hash(), before);
        assert_eq!(v.status, "credentials");
        assert_eq!(v.role_arn.as_deref(), Some("arn:aws:iam::123456789012:role/app-reader"));
        assert_eq!(v.access_key, None);
        let left = v.expires_in_secs.unwrap();
        assert!((6 * 3600 - 120..=6 * 3600).contains(&left), "{left}");
        assert!((3600 - 120..=3600).contains(&v.next_rotation_in_secs.unwrap()));
        // The instance reads its credentials: the key appears, masked.
        let out = lab.run(&format!("lab exec {id} curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/app-reader"));
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
        let key = doc["AccessKeyId"].as_str().unwrap_or_default().to_string();
        assert!(key.starts_with("ASIA") && key.len() == 20, "{}", out.stdout);
        let v = instance_role(lab.world(), &id).unwrap();
        let masked = v.access_key.clone().unwrap();
        assert_eq!(masked, mask_key(&key));
        assert!(masked.starts_with("ASIA") && masked.ends_with(&key[16..]) && !masked.contains(&key[4..16]));
        assert_eq!(v.expires.as_deref(), doc["Expiration"].as_str());
        // Ten minutes later it has counted down by ten minutes.
        lab.run("lab advance 10m");
        let w = instance_role(lab.world(), &id).unwrap();
        assert_eq!(w.expires, v.expires);
        assert_eq!(v.expires_in_secs.unwrap() - w.expires_in_secs.unwrap(), 600);
        // After the next refresh a new set is due: a later expiry, the key not fetched yet.
        lab.run("lab advance 1h");
        let r = instance_role(lab.world(), &id).unwrap();
        assert!(r.expires > v.expires && r.access_key.is_none(), "{r:?}");
        assert!(r.issued > v.issued && r.expires_in_secs.unwrap() > 5 * 3600, "{r:?}");
        // An instance without a profile has no role.
        let other = run(&mut lab, &format!("aws ec2 run-instances --image-id {AMI} --instance-type t3.micro --query 'Instances[0].InstanceId' --output text"));
        let plain = other.last().map(|s| s.trim().to_string()).unwrap_or_default();
        assert!(instance_role(lab.world(), &plain).is_none());
        assert!(instance_role(lab.world(), "i-0000000000000000f").is_none());
    }

    #[test]
    fn untrusting_role_and_empty_profile() {
        let mut lab = crate::Lab::new(22);
        let lambda = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let out = run(
            &mut lab,
            &format!(
                "aws iam create-role --role-name fn --assume-role-policy-document '{lambda}'
aws iam create-instance-profile --instance-profile-name fn
aws iam add-role-to-instance-profile --instance-profile-name fn --role-name fn
aws iam create-instance-profile --instance-profile-name empty
aws ec2 run-instances --image-id {AMI} --instance-type t3.micro --iam-instance-profile Name=fn --query 'Instances[0].InstanceId' --output text
aws ec2 run-instances --image-id {AMI} --instance-type t3.micro --iam-instance-profile Name=empty --query 'Instances[0].InstanceId' --output text
lab advance 1m"
            ),
        );
        let (a, b) = (out[4].trim().to_string(), out[5].trim().to_string());
        let v = iam_overview(lab.world());
        assert!(!v.roles[0].trusts_ec2);
        assert_eq!(v.roles[0].trusted, ["Service: lambda.amazonaws.com"]);
        let ra = instance_role(lab.world(), &a).unwrap();
        assert_eq!((ra.status.as_str(), ra.role.as_deref()), ("untrusted", Some("fn")));
        assert!(ra.expires.is_none());
        let rb = instance_role(lab.world(), &b).unwrap();
        assert_eq!((rb.status.as_str(), rb.role.as_deref()), ("no-role", None));
        // The same after the metadata service has been asked (the delivered state).
        lab.run(&format!("lab exec {a} curl -s http://169.254.169.254/latest/meta-data/iam/info"));
        assert_eq!(instance_role(lab.world(), &a).unwrap().status, "untrusted");
    }

    #[test]
    fn decrypted_value_from_the_console() {
        let (mut lab, _) = lab();
        let out = lab.run("aws ssm get-parameter --name /app/prod/db-password --with-decryption");
        assert_eq!(parameter_value_in_output(&out.stdout), Some(("s3cret!".to_string(), 1)));
        let out = lab.run("aws ssm get-parameter --name /app/prod/db-password");
        assert_ne!(parameter_value_in_output(&out.stdout).map(|x| x.0).as_deref(), Some("s3cret!"));
        assert_eq!(parameter_value_in_output("An error occurred"), None);
    }

    #[test]
    fn masking() {
        assert_eq!(mask_key("ASIAABCDEFGHIJKLWXYZ"), "ASIA••••••••••••WXYZ");
        assert_eq!(mask_key("short"), "•••••");
    }
}
