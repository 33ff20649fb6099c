//! The guest operating system of an instance: what runs *inside* it.
//!
//! cloud-init (user data at boot), the package manager and its catalogue, services (`systemctl`)
//! and the web servers those services answer with. Everything here is instance-scoped state kept
//! on [`crate::compute::Instance::guest`] plus files in the instance's own filesystem
//! (`/var/lib/cloud/…`, `/var/log/…`, `/var/www/html`), so an AMI baked from the instance carries
//! it and `cloud-init clean` can remove it.
//!
//! Time inside the guest: scripts run to completion when a boot stage is reached, on a *guest
//! clock* that starts at the stage's virtual time and moves with `sleep` and package installs
//! without moving the world's clock. What they do takes effect at once, but every time they
//! record (a service active from T, cloud-init done at T) is on that guest clock, so a web server
//! started by a 40-second script answers 40 seconds after the stage began, and
//! `cloud-init status` says `running` until then.

pub mod cloud_init;
pub mod pkg;
pub mod services;
pub mod web;

use crate::clock::Time;
use std::collections::{BTreeMap, BTreeSet};

/// One service (a systemd unit) the guest knows because a package installed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Service {
    /// `systemctl enable`: started at every boot.
    pub enabled: bool,
    /// Running since this (guest-clock) time; `None` = inactive.
    pub active_from: Option<Time>,
    /// Failed to start (e.g. a bad configuration): `systemctl status` shows `failed`.
    pub failed: bool,
}

/// cloud-init's overall status for the current boot (`cloud-init status`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CloudInitStatus {
    /// The instance has not booted yet (or cloud-init was never reached).
    #[default]
    NotRun,
    /// Stages are running; done at `CloudInit::finished_at`.
    Running,
    /// Every stage finished without error.
    Done,
    /// Finished, but a module or script failed (`status: error`).
    Error,
}

/// One boot stage as it ran: name (`init-local`, `init`, `modules:config`, `modules:final`) and
/// guest-clock start and end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stage {
    pub name: String,
    pub start: Time,
    pub end: Time,
    /// Module failures in this stage, in cloud-init's words (`('scripts_user', RuntimeError(…))`).
    pub errors: Vec<String>,
    /// What the stage logged at WARNING (cloud-init's `recoverable_errors`).
    pub warnings: Vec<String>,
}

/// cloud-init's record of the current boot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CloudInit {
    /// How this boot's cloud-init ends (`Running` only while its scripts are being run); what it
    /// says at a given moment is [`CloudInit::status_at`].
    pub status: CloudInitStatus,
    pub stages: Vec<Stage>,
    pub finished_at: Option<Time>,
    /// What failed, in cloud-init's words (`cloud-init status --long` shows these).
    pub errors: Vec<String>,
    /// The datasource this boot found (`DataSourceEc2Local`, or `DataSourceNone` when the
    /// metadata service is off).
    pub datasource: String,
    /// What schema validation found wrong with the user data's cloud-config
    /// (`cloud-init schema --system`).
    pub schema_errors: Vec<String>,
}

impl CloudInit {
    /// The status at world time `now`. `status` holds how the boot ends (scripts run to completion
    /// when their stage is reached); until `finished_at` has come, cloud-init is still running.
    pub fn status_at(&self, now: Time) -> CloudInitStatus {
        match (self.status, self.finished_at) {
            (CloudInitStatus::Done | CloudInitStatus::Error, Some(t)) if t > now => CloudInitStatus::Running,
            (s, _) => s,
        }
    }
}

/// The milestones of one instance's life that the "boot time to service time" lesson is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Timeline {
    /// RunInstances accepted the launch.
    pub launched: Option<Time>,
    /// The instance entered `running` for the first time.
    pub running: Option<Time>,
    /// cloud-init's final stage finished on the first boot.
    pub bootstrap_done: Option<Time>,
    /// A web server (port 80) first answered: the instance can do its job.
    pub service_at: Option<Time>,
}

/// Everything the guest OS keeps beyond its filesystem.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Guest {
    /// Installed packages (catalogue names, e.g. `httpd`).
    pub packages: BTreeSet<String>,
    /// The subset of `packages` installed only to satisfy dependencies (what `dnf remove` and
    /// `apt autoremove` may take away with the packages that needed them).
    pub auto_installed: BTreeSet<String>,
    pub services: BTreeMap<String, Service>,
    /// When each running service last read its configuration (start, restart, reload): files
    /// changed after that (a PHP module installed later, say) are not in effect yet.
    pub reloaded: BTreeMap<String, Time>,
    pub cloud_init: CloudInit,
    pub timeline: Timeline,
}

/// Run a shell script as root inside instance `id` on the guest clock starting at `start_ms`.
/// Returns the shell's output and the guest clock when the script ended. The world's clock does
/// not move; the script's effects (files, packages, services) apply at once.
pub fn run_as_root(world: &mut crate::World, id: &str, script: &str, start_ms: u64) -> (crate::console::Output, u64) {
    use crate::console::{shell::Shell, Machine, Place};
    let hostname = world.compute.get(id).map(|i| i.short_hostname()).unwrap_or_else(|| "localhost".into());
    let place = Place::Instance(id.to_string());
    let mut actions = Vec::new();
    let mut m = Machine { world, place: &place, actions: &mut actions, disabled: &[], clock: Some(start_ms) };
    let mut sh = Shell::new("root", "/root", &hostname);
    sh.cwd = "/".into();
    let out = sh.run(script, &mut m);
    let end = m.clock.unwrap_or(start_ms);
    // Actions (ssh/connect, lab reset) make no sense inside a boot script; they are dropped.
    (out, end)
}

/// The OS of instance `id` starts booting at `at` (the instance just entered `running`, or a
/// reboot finished). Records the timeline and runs cloud-init's stages for this boot.
pub fn on_boot(world: &mut crate::World, id: &str, at: Time) {
    let Some(inst) = world.compute.get_mut(id) else { return };
    if inst.guest.timeline.running.is_none() {
        inst.guest.timeline.running = Some(at);
    }
    // systemd starts the enabled services; cloud-init runs its stages alongside.
    services::boot(world, id, at);
    cloud_init::boot(world, id, at);
}

/// The guest OS's own commands (package managers, `systemctl`, `cloud-init`, …) for a shell on
/// an instance. `None`: this machine has no such command (the shell says `command not found`).
pub(crate) fn command(m: &mut crate::console::Machine, inv: &crate::console::shell::Invocation) -> Option<crate::console::shell::CmdOut> {
    let name = inv.argv.first().map(String::as_str).unwrap_or("");
    let name = name.rsplit('/').next().unwrap_or(name);
    match name {
        "cloud-init" => cloud_init::command(m, inv),
        _ => pkg::command(m, inv),
    }
}

/// Whether [`command`] would run `name` on this machine (for `type`, `which`, `command -v`).
pub(crate) fn has_command(m: &crate::console::Machine, name: &str) -> bool {
    cloud_init::has_command(m, name) || pkg::has_command(m, name)
}
