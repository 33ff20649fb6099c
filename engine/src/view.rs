//! Read-only views of the world for the UI (the datacenter pane, the instance pane).
//! Plain data, cheap to compare, so the UI can skip work when nothing changed.

use crate::catalog;
use crate::compute::{Instance, State};
use crate::net;
use crate::world::World;

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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RackView {
    /// `us-east-1a-r03`
    pub id: String,
    /// Family of every host in the rack, e.g. `m5`.
    pub family: String,
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
    let mut azs: Vec<AzView> = catalog::azs()
        .iter()
        .map(|a| AzView { name: a.name.to_string(), zone_id: a.zone_id.to_string(), racks: Vec::new() })
        .collect();
    for rack in &world.hardware.racks {
        let hosts = rack
            .hosts
            .iter()
            .filter_map(|&h| world.hardware.hosts.get(h))
            .map(|h| HostView {
                id: h.id.clone(),
                family: h.family.clone(),
                capacity_units: h.capacity_units,
                used_units: h.used_units,
                instances: h.instances.iter().filter_map(|id| world.compute.get(id)).map(chip).collect(),
            })
            .collect();
        if let Some(az) = azs.get_mut(rack.az) {
            az.racks.push(RackView { id: rack.id.clone(), family: rack.family.clone(), hosts });
        }
    }
    Datacenter { region: catalog::REGION.to_string(), azs }
}

fn chip(i: &Instance) -> InstanceChip {
    InstanceChip {
        id: i.id.clone(),
        label: i.name_tag().map(String::from).unwrap_or_else(|| i.id.clone()),
        instance_type: i.instance_type.clone(),
        state: i.state.name().to_string(),
    }
}

/// Instances that are not on a host (stopped, or terminated and still visible).
pub fn unplaced(world: &World) -> Vec<InstanceChip> {
    world.compute.iter().filter(|i| i.host.is_none()).map(chip).collect()
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

/// Every visible instance's boot timeline, in launch order (the bake-or-bootstrap chart).
pub fn boot_timelines(world: &World) -> Vec<BootTimeline> {
    world.compute.iter().map(|i| boot_timeline_of(world, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{MINUTE, SECOND};
    use crate::compute::RunRequest;

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
