//! The account's own AMIs: `CreateImage` from an instance, `DeregisterImage`, and what an
//! instance launched from such an image starts with.
//!
//! An owned image is a snapshot of an instance's root volume (its filesystem) plus what the guest
//! OS keeps beside it (installed packages, which services are enabled), taken at the moment of
//! `CreateImage`. Everything else about it (architecture, root device, boot mode, the login user,
//! the OS) comes from the public catalogue AMI the source instance was launched from, because
//! that is what the root volume holds. The source's user data is *not* part of the image: EC2
//! keeps user data with the instance, not on its disk. (Files cloud-init wrote from it, such as
//! `/var/lib/cloud/instances/<id>/user-data.txt`, are on the disk and so are in the image, as in
//! AWS.)
//!
//! An image is `pending` from `CreateImage` until a timed event on the world's queue makes it
//! `available`; only then can it be launched.

use crate::catalog::{self, Ami};
use crate::clock::Time;
use crate::compute::{check_instance_id, Ec2Error, State};
use crate::fs::Fs;
use crate::guest::Service;
use crate::world::{Event, EventKind, World};
use std::collections::{BTreeMap, BTreeSet};

/// How long an image takes to become available (drawn from the seeded generator).
/// Snapshotting an 8 GiB root volume takes a few minutes.
pub mod timing {
    use crate::clock::MINUTE;
    pub const CREATE: (u64, u64) = (2 * MINUTE, 5 * MINUTE);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageState {
    Pending,
    Available,
    /// Deregistered: it cannot be launched and `describe-images` no longer lists it.
    Deregistered,
}

impl ImageState {
    pub fn name(self) -> &'static str {
        match self {
            ImageState::Pending => "pending",
            ImageState::Available => "available",
            ImageState::Deregistered => "deregistered",
        }
    }
}

/// One AMI owned by the account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Image {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub state: ImageState,
    pub created: Time,
    /// The instance it was created from (`SourceInstanceId`).
    pub source_instance: String,
    /// The image the source instance was launched from (a catalogue AMI or another owned image).
    pub parent_image: String,
    /// The public catalogue AMI at the root of the chain: OS, architecture, root device, boot
    /// mode, login user and `ImdsSupport` come from it.
    pub base: &'static str,
    /// The root volume's snapshot (`snap-…`).
    pub snapshot_id: String,
    pub tags: Vec<(String, String)>,
    pub snapshot_tags: Vec<(String, String)>,
    /// The last time an instance was launched from it (`LastLaunchedTime`).
    pub last_launched: Option<Time>,
    /// The root volume as it was at `CreateImage`.
    pub fs: Fs,
    pub packages: BTreeSet<String>,
    /// Services as systemd knows them on disk: only `enabled` survives; nothing is running.
    pub services: BTreeMap<String, Service>,
}

impl Image {
    pub fn base_ami(&self) -> Option<&'static Ami> {
        catalog::image(self.base)
    }
    /// `123456789012/NAME`, as EC2 reports `ImageLocation` for an image made with CreateImage.
    pub fn location(&self) -> String {
        format!("{}/{}", crate::world::ACCOUNT_ID, self.name)
    }
}

/// The account's images, in creation order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Images {
    pub list: Vec<Image>,
}

impl Images {
    /// Any image of the account with this id, deregistered ones included.
    pub fn get(&self, id: &str) -> Option<&Image> {
        self.list.iter().find(|i| i.id == id)
    }
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Image> {
        self.list.iter_mut().find(|i| i.id == id)
    }
    /// Images that still exist (pending or available), in creation order.
    pub fn live(&self) -> impl Iterator<Item = &Image> {
        self.list.iter().filter(|i| i.state != ImageState::Deregistered)
    }
    pub fn is_empty(&self) -> bool {
        self.live().next().is_none()
    }
}

/// What `CreateImage` is asked.
#[derive(Clone, Debug, Default)]
pub struct CreateImageRequest {
    pub instance_id: String,
    pub name: String,
    pub description: Option<String>,
    pub no_reboot: bool,
    pub tags: Vec<(String, String)>,
    pub snapshot_tags: Vec<(String, String)>,
}

/// What an instance launched from an owned image starts with (see [`World::launch_source`]).
#[derive(Clone, Debug)]
pub struct LaunchSource {
    pub base: &'static Ami,
    /// `None` for a catalogue AMI: a fresh OS.
    pub baked: Option<Baked>,
}

#[derive(Clone, Debug)]
pub struct Baked {
    pub fs: Fs,
    pub packages: BTreeSet<String>,
    pub services: BTreeMap<String, Service>,
}

/// AMI names: 3–128 characters, letters, digits and `( ) [ ] space . / - ' @ _`
/// (CreateImage's documented constraint).
pub fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (3..=128).contains(&n) && name.chars().all(|c| c.is_ascii_alphanumeric() || "()[] ./-'@_".contains(c))
}

/// `ami-` followed by 8 or 17 hex digits.
pub fn well_formed_id(id: &str) -> bool {
    id.strip_prefix("ami-").is_some_and(|h| (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn malformed(id: &str) -> Ec2Error {
    Ec2Error::new("InvalidAMIID.Malformed", format!("Invalid id: \"{id}\" (expecting \"ami-...\")"))
}

pub fn not_found(id: &str) -> Ec2Error {
    Ec2Error::new("InvalidAMIID.NotFound", format!("The image id '[{id}]' does not exist"))
}

fn not_authorized(id: &str) -> Ec2Error {
    Ec2Error::new("AuthFailure", format!("Not authorized for image:{id}"))
}

impl World {
    /// `CreateImage`: snapshot instance `req.instance_id` into a new `pending` AMI. Unless
    /// `no_reboot`, a running instance is rebooted first, as EC2 does for a consistent snapshot.
    pub fn create_image(&mut self, req: CreateImageRequest) -> Result<String, Ec2Error> {
        if !valid_name(&req.name) {
            return Err(Ec2Error::new(
                "InvalidAMIName.Malformed",
                "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'",
            ));
        }
        check_instance_id(self, &req.instance_id)?;
        let Some(inst) = self.compute.get(&req.instance_id) else {
            return Err(Ec2Error::new("InvalidInstanceID.NotFound", format!("The instance ID '{}' does not exist", req.instance_id)));
        };
        if !matches!(inst.state, State::Running | State::Stopping | State::Stopped) {
            return Err(Ec2Error::new(
                "InvalidParameterValue",
                format!("Invalid value '{}' for instanceId. Instance is not in state 'running' or 'stopping' or 'stopped'", req.instance_id),
            ));
        }
        if let Some(other) = self.images.live().find(|i| i.name == req.name) {
            return Err(Ec2Error::new("InvalidAMIName.Duplicate", format!("AMI name {} is already in use by AMI {}", req.name, other.id)));
        }
        let running = inst.state == State::Running;
        let base = inst.base_image;
        let parent = inst.image_id.clone();
        let fs = inst.fs.clone();
        let packages = inst.guest.packages.clone();
        let services: BTreeMap<String, Service> = inst
            .guest
            .services
            .iter()
            .map(|(name, s)| (name.clone(), Service { enabled: s.enabled, ..Default::default() }))
            .collect();

        let id = self.rng.resource_id("ami");
        let snapshot_id = self.rng.resource_id("snap");
        let took = self.rng.between(timing::CREATE.0, timing::CREATE.1);
        let now = self.now();
        self.images.list.push(Image {
            id: id.clone(),
            name: req.name,
            description: req.description,
            state: ImageState::Pending,
            created: now,
            source_instance: req.instance_id.clone(),
            parent_image: parent,
            base,
            snapshot_id,
            tags: req.tags,
            snapshot_tags: req.snapshot_tags,
            last_launched: None,
            fs,
            packages,
            services,
        });
        self.push_event(now.plus(took), Event { kind: EventKind::ImageAvailable, instance: id.clone(), generation: 0 });
        if running && !req.no_reboot {
            self.reboot_instances(std::slice::from_ref(&req.instance_id))?;
        }
        self.bump();
        Ok(id)
    }

    /// The timed event: a pending image becomes available (a deregistered one stays so).
    pub(crate) fn image_ready(&mut self, id: &str) {
        if let Some(img) = self.images.get_mut(id).filter(|i| i.state == ImageState::Pending) {
            img.state = ImageState::Available;
        }
    }

    /// `DeregisterImage`. Returns the root snapshot's id (kept unless the caller deletes it).
    pub fn deregister_image(&mut self, id: &str) -> Result<String, Ec2Error> {
        if !well_formed_id(id) {
            return Err(malformed(id));
        }
        if catalog::image(id).is_some() {
            return Err(not_authorized(id));
        }
        let Some(img) = self.images.get_mut(id) else { return Err(not_found(id)) };
        if img.state == ImageState::Deregistered {
            return Err(Ec2Error::new("InvalidAMIID.Unavailable", format!("The image ID '{id}' is no longer available")));
        }
        img.state = ImageState::Deregistered;
        let snap = img.snapshot_id.clone();
        self.bump();
        Ok(snap)
    }

    /// What RunInstances launches for `image_id` (already resolved from `resolve:ssm:`): the
    /// catalogue AMI, or an owned image that is available, with its snapshot.
    pub fn launch_source(&self, image_id: &str) -> Result<LaunchSource, Ec2Error> {
        if !well_formed_id(image_id) {
            return Err(malformed(image_id));
        }
        if let Some(ami) = catalog::image(image_id) {
            return Ok(LaunchSource { base: ami, baked: None });
        }
        let Some(img) = self.images.get(image_id) else { return Err(not_found(image_id)) };
        match img.state {
            ImageState::Pending => {
                Err(Ec2Error::new("InvalidAMIID.Unavailable", format!("AMI '{image_id}' is pending, and cannot be run")))
            }
            ImageState::Deregistered => {
                Err(Ec2Error::new("InvalidAMIID.Unavailable", format!("The image ID '{image_id}' is no longer available")))
            }
            ImageState::Available => {
                let Some(base) = img.base_ami() else { return Err(not_found(image_id)) };
                Ok(LaunchSource {
                    base,
                    baked: Some(Baked { fs: img.fs.clone(), packages: img.packages.clone(), services: img.services.clone() }),
                })
            }
        }
    }

    /// Record a launch from `image_id` (`LastLaunchedTime`).
    pub(crate) fn image_launched(&mut self, image_id: &str) {
        let now = self.now();
        if let Some(img) = self.images.get_mut(image_id) {
            img.last_launched = Some(now);
        }
    }

    /// The catalogue AMI behind any image id the account can see (for OS facts).
    pub fn base_ami(&self, image_id: &str) -> Option<&'static Ami> {
        catalog::image(image_id).or_else(|| self.images.get(image_id).and_then(Image::base_ami))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{MINUTE, SECOND};
    use crate::compute::RunRequest;

    const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

    fn launch(w: &mut World, image: &str, user_data: Option<&str>) -> String {
        let req = RunRequest {
            image_id: image.into(),
            instance_type: Some("t3.micro".into()),
            min_count: 1,
            max_count: 1,
            user_data: user_data.map(|u| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(u)
            }),
            ..Default::default()
        };
        let id = w.run_instances(req).unwrap().1.remove(0);
        w.advance(2 * MINUTE);
        assert_eq!(w.compute.get(&id).unwrap().state, State::Running);
        id
    }

    fn req(id: &str, name: &str) -> CreateImageRequest {
        CreateImageRequest { instance_id: id.into(), name: name.into(), ..Default::default() }
    }

    /// Configure an instance by hand: a file, a package and an enabled service.
    fn configure(w: &mut World, id: &str) {
        let inst = w.compute.get_mut(id).unwrap();
        inst.fs.mkdir_p("/var/www/html");
        assert!(inst.fs.write("/var/www/html/index.html", b"<h1>baked</h1>\n".to_vec()));
        inst.guest.packages.insert("httpd".into());
        inst.guest.services.insert("httpd".into(), Service { enabled: true, active_from: Some(Time(1)), failed: false });
        inst.guest.services.insert("mariadb".into(), Service { enabled: false, active_from: Some(Time(1)), failed: false });
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_name("web-2026.01 (v1) [x] it's@me/_"));
        assert!(!valid_name("ab"));
        assert!(!valid_name(&"a".repeat(129)));
        assert!(valid_name(&"a".repeat(128)));
        assert!(!valid_name("web,server"));
        assert!(!valid_name("wéb"));
        let mut w = World::new(3);
        let id = launch(&mut w, AL2023, None);
        let e = w.create_image(req(&id, "no")).unwrap_err();
        assert_eq!(e.code, "InvalidAMIName.Malformed");
        let first = w.create_image(req(&id, "web-v1")).unwrap();
        let e = w.create_image(req(&id, "web-v1")).unwrap_err();
        assert_eq!(e.code, "InvalidAMIName.Duplicate");
        assert_eq!(e.message, format!("AMI name web-v1 is already in use by AMI {first}"));
        // A deregistered image frees its name.
        w.deregister_image(&first).unwrap();
        assert!(w.create_image(req(&id, "web-v1")).is_ok());
    }

    #[test]
    fn instance_must_be_running_or_stopped() {
        let mut w = World::new(4);
        let e = w.create_image(req("i-0123456789abcdef0", "x-image")).unwrap_err();
        assert_eq!(e.code, "InvalidInstanceID.NotFound");
        let e = w.create_image(req("i-nope", "x-image")).unwrap_err();
        assert_eq!(e.code, "InvalidInstanceID.Malformed");
        let r = RunRequest { image_id: AL2023.into(), instance_type: Some("t3.micro".into()), min_count: 1, max_count: 1, ..Default::default() };
        let id = w.run_instances(r).unwrap().1.remove(0);
        let e = w.create_image(req(&id, "too-early")).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(e.message.contains("not in state 'running' or 'stopping' or 'stopped'"), "{}", e.message);
        w.advance(2 * MINUTE);
        // Stopped works too, and does not reboot anything.
        w.stop_instances(std::slice::from_ref(&id), false).unwrap();
        w.advance(2 * MINUTE);
        assert_eq!(w.compute.get(&id).unwrap().state, State::Stopped);
        let ami = w.create_image(req(&id, "from-stopped")).unwrap();
        assert_eq!(w.compute.get(&id).unwrap().state, State::Stopped);
        assert_eq!(w.images.get(&ami).unwrap().state, ImageState::Pending);
        w.terminate_instances(std::slice::from_ref(&id)).unwrap();
        w.advance(MINUTE);
        let e = w.create_image(req(&id, "from-terminated")).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
    }

    #[test]
    fn pending_then_available_and_reboot() {
        let mut w = World::new(5);
        let id = launch(&mut w, AL2023, None);
        let boots = w.compute.get(&id).unwrap().boots;
        let ami = w.create_image(req(&id, "web-v1")).unwrap();
        assert!(well_formed_id(&ami));
        assert_eq!(w.compute.get(&id).unwrap().boots, boots + 1, "CreateImage reboots a running instance");
        assert_eq!(w.images.get(&ami).unwrap().state, ImageState::Pending);
        let e = w.launch_source(&ami).unwrap_err();
        assert_eq!(e.code, "InvalidAMIID.Unavailable");
        let due = w.next_event_at().unwrap();
        assert!(due.0 >= w.now().0 + timing::CREATE.0 - 60 * SECOND);
        w.advance(timing::CREATE.0 - SECOND);
        assert_eq!(w.images.get(&ami).unwrap().state, ImageState::Pending);
        w.advance(timing::CREATE.1);
        assert_eq!(w.images.get(&ami).unwrap().state, ImageState::Available);
        // --no-reboot leaves the instance alone.
        let boots = w.compute.get(&id).unwrap().boots;
        w.create_image(CreateImageRequest { no_reboot: true, ..req(&id, "web-v2") }).unwrap();
        assert_eq!(w.compute.get(&id).unwrap().boots, boots);
    }

    #[test]
    fn launch_from_owned_image_carries_disk_not_user_data() {
        let mut w = World::new(6);
        let src = launch(&mut w, AL2023, Some("#!/bin/bash\necho hi\n"));
        configure(&mut w, &src);
        let src_hostname = w.compute.get(&src).unwrap().fs.read("/etc/hostname").unwrap().to_vec();
        let ami = w.create_image(req(&src, "web-v1")).unwrap();
        // Changes after CreateImage are not in the image.
        assert!(w.compute.get_mut(&src).unwrap().fs.write("/after.txt", b"later".to_vec()));
        w.advance(10 * MINUTE);
        let id = launch(&mut w, &ami, None);
        let inst = w.compute.get(&id).unwrap();
        assert_eq!(inst.image_id, ami);
        assert_eq!(inst.base_image, "ami-025ada3602fe955f8");
        assert_eq!(inst.default_user(), "ec2-user");
        assert_eq!(inst.user_data, None, "user data stays with the source instance");
        assert_eq!(inst.fs.read("/var/www/html/index.html"), Some(&b"<h1>baked</h1>\n"[..]));
        assert!(!inst.fs.exists("/after.txt"));
        assert_eq!(inst.fs.read("/etc/hostname").map(<[u8]>::to_vec), Some(src_hostname));
        assert!(inst.guest.packages.contains("httpd"));
        assert!(inst.guest.services["httpd"].enabled);
        assert!(!inst.guest.services["mariadb"].enabled);
        assert_eq!(inst.guest.timeline.launched.map(|t| t.0 > 0), Some(true));
        assert!(w.images.get(&ami).unwrap().last_launched.is_some());
        assert_eq!(w.base_ami(&ami).map(|a| a.image_id), Some("ami-025ada3602fe955f8"));
        // A bake of a bake still knows its OS.
        let ami2 = w.create_image(req(&id, "web-v1-again")).unwrap();
        assert_eq!(w.images.get(&ami2).unwrap().parent_image, ami);
        assert_eq!(w.images.get(&ami2).unwrap().base, "ami-025ada3602fe955f8");
    }

    #[test]
    fn deregister() {
        let mut w = World::new(7);
        let src = launch(&mut w, AL2023, None);
        let ami = w.create_image(req(&src, "web-v1")).unwrap();
        assert_eq!(w.deregister_image("ami-025ada3602fe955f8").unwrap_err().code, "AuthFailure");
        assert_eq!(w.deregister_image("ami-0123456789abcdef0").unwrap_err().code, "InvalidAMIID.NotFound");
        assert_eq!(w.deregister_image("ami-x").unwrap_err().code, "InvalidAMIID.Malformed");
        let snap = w.deregister_image(&ami).unwrap();
        assert!(snap.starts_with("snap-"));
        assert_eq!(w.deregister_image(&ami).unwrap_err().code, "InvalidAMIID.Unavailable");
        assert!(w.images.is_empty());
        // The pending event fires later and must not bring it back.
        w.advance(10 * MINUTE);
        assert_eq!(w.images.get(&ami).unwrap().state, ImageState::Deregistered);
        assert_eq!(w.launch_source(&ami).unwrap_err().code, "InvalidAMIID.Unavailable");
        // The source instance is unaffected.
        assert_eq!(w.compute.get(&src).unwrap().state, State::Running);
    }
}
