//! cloud-init on the instance: the boot stages that turn user data into a configured machine,
//! and the `cloud-init` command (`status`, `clean`, `query userdata`, `schema --system`).
//!
//! At every boot [`boot`] runs the four stages in order on the guest clock (`init-local`, `init`,
//! `modules:config`, `modules:final`), each a few seconds after the last, writing what cloud-init
//! writes: `/var/log/cloud-init.log` (its debug log), `/var/log/cloud-init-output.log` (stage
//! banners, WARNINGs and everything scripts print), `/var/lib/cloud/instances/<id>/` (the user
//! data, scripts, semaphores, `boot-finished`), `/var/lib/cloud/data/` and `/run/cloud-init/`
//! (`status.json`, `result.json`). Scripts run as root through the instance's shell
//! ([`super::run_as_root`]); package installs are the distro's real command lines, run by the
//! package manager of [`super::pkg`].
//!
//! "Once per instance" is what the semaphore files under `instances/<id>/sem/` make it: a module
//! whose semaphore exists for *this* instance id does not run again, so a reboot or stop/start
//! does not rerun the user data, `cloud-init clean` (which removes `/var/lib/cloud`) does, and an
//! instance launched from an AMI baked elsewhere (same files, another id) runs its own.
//!
//! What is not simulated says so in the log and as a console note: `#include` (nothing is
//! fetched), `## template: jinja`, `#part-handler`, `#cloud-config-jsonp`, cloud-config keys that
//! exist but are not modelled, and scripts for interpreters other than `sh`/`bash`.

mod command;
mod modules;
mod userdata;
mod yaml;
#[cfg(test)]
mod tests;

pub(crate) use command::{command, has_command};

use self::yaml::Yaml;
use super::{CloudInitStatus, Stage};
use crate::clock::Time;
use crate::fs::{Fs, Node};
use crate::World;

/// The cloud-init release the instances run. UNCONFIRMED for Amazon Linux, whose own package may
/// be an older release; ec2lab simulates this one release's behaviour and formats on every distro.
pub const VERSION: &str = "24.4.1";
const DATASOURCE_EC2: &str = "DataSourceEc2Local";
const DATASOURCE_NONE: &str = "DataSourceNone";
const CLOUD_DIR: &str = "/var/lib/cloud";
const LINK_DIR: &str = "/var/lib/cloud/instance";
const LOG_FILE: &str = "/var/log/cloud-init.log";
const OUTPUT_LOG: &str = "/var/log/cloud-init-output.log";
const RUN_DIR: &str = "/run/cloud-init";
const SCRIPT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// The message `final_message` prints unless the user data sets one.
const DEFAULT_FINAL: &str = "Cloud-init v. $version finished at $timestamp. Datasource $datasource.  Up $uptime seconds";

// ---------------------------------------------------------------------------------------------
// Small helpers: time formats, Python reprs, a deterministic jitter source.

/// `2026-01-05 09:00:31,123`, the timestamp of cloud-init's log lines.
fn log_ts(ms: u64) -> String {
    let iso = Time(ms).iso_millis();
    match (iso.get(0..10), iso.get(11..19), iso.get(20..23)) {
        (Some(d), Some(t), Some(f)) => format!("{d} {t},{f}"),
        _ => iso,
    }
}

/// `Mon, 05 Jan 2026 09:00:31 +0000` (RFC 2822, what cloud-init prints in banners).
fn rfc2822(ms: u64) -> String {
    let d = Time(ms).date_cmd();
    let f: Vec<&str> = d.split_whitespace().collect();
    match f.as_slice() {
        [wd, mon, day, hms, _, year] => format!("{wd}, {day:0>2} {mon} {year} {hms} +0000"),
        _ => d,
    }
}

/// Python's `repr()` of a string.
fn py_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// Python's `repr()` of a list of strings.
fn py_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| py_repr(s)).collect::<Vec<_>>().join(", "))
}

/// Timing jitter derived from the instance and boot, so boots differ without drawing from the
/// world's generator (which would shift every id drawn after a boot).
struct Jitter(u64);

impl Jitter {
    fn new(seed: &str) -> Jitter {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Jitter(h | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo { lo } else { lo + self.next() % (hi - lo + 1) }
    }
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::new();
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(n);
        s
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + (self.next() % 10) as u8)).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The distro, as far as cloud-init's behaviour depends on it.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Al2023,
    Al2,
    Ubuntu,
}

#[derive(Clone, Debug)]
struct Distro {
    family: Family,
    default_user: String,
}

impl Distro {
    fn of(fs: &Fs, default_user: String) -> Distro {
        let rel = fs.read("/etc/os-release").map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
        let field = |k: &str| {
            rel.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).map(|v| v.trim().trim_matches('"').to_string()).unwrap_or_default()
        };
        let family = if field("ID") == "ubuntu" {
            Family::Ubuntu
        } else if field("VERSION_ID") == "2" {
            Family::Al2
        } else {
            Family::Al2023
        };
        Distro { family, default_user }
    }
    fn pylib(&self) -> &'static str {
        match self.family {
            Family::Ubuntu => "/usr/lib/python3/dist-packages",
            Family::Al2023 => "/usr/lib/python3.9/site-packages",
            Family::Al2 => "/usr/lib/python3.7/site-packages",
        }
    }
    fn class(&self) -> &'static str {
        match self.family {
            Family::Ubuntu => "cloudinit.distros.ubuntu.Distro",
            _ => "cloudinit.distros.amazon.Distro",
        }
    }
    fn nic(&self) -> &'static str {
        match self.family {
            Family::Al2 => "eth0",
            _ => "ens5",
        }
    }
    fn ubuntu(&self) -> bool {
        self.family == Family::Ubuntu
    }
    /// The package manager's command line for `verb` (`install`, `upgrade`, the index refresh),
    /// as cloud-init builds it for this distro.
    fn package_command(&self, verb: &str, pkgs: &[String]) -> (Vec<String>, String) {
        let mut argv: Vec<String> = if self.ubuntu() {
            ["apt-get", "--option=Dpkg::Options::=--force-confold", "--option=Dpkg::options::=--force-unsafe-io", "--assume-yes", "--quiet"].iter().map(|s| s.to_string()).collect()
        } else {
            let pm = if self.family == Family::Al2 { "yum" } else { "dnf" };
            vec![pm.to_string(), "-y".to_string()]
        };
        argv.push(verb.to_string());
        argv.extend(pkgs.iter().cloned());
        let quoted: Vec<String> = argv.iter().map(|a| sh_quote(a)).collect();
        let line = if self.ubuntu() { format!("DEBIAN_FRONTEND=noninteractive {}", quoted.join(" ")) } else { quoted.join(" ") };
        (argv, line)
    }
    fn refresh_verb(&self) -> &'static str {
        if self.ubuntu() { "update" } else { "makecache" }
    }
    fn upgrade_verb(&self) -> &'static str {
        if self.ubuntu() { "dist-upgrade" } else { "upgrade" }
    }
    /// `name` + version as the package manager spells it.
    fn versioned(&self, name: &str, ver: &str) -> String {
        if self.ubuntu() { format!("{name}={ver}") } else { format!("{name}-{ver}") }
    }
}

/// Quote for the shell only when needed.
fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:+@%,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

// ---------------------------------------------------------------------------------------------
// Modules: which ones each stage knows, their frequencies and the keys that activate them.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Freq {
    Always,
    Instance,
    Once,
}

impl Freq {
    fn name(self) -> &'static str {
        match self {
            Freq::Always => "always",
            Freq::Instance => "once-per-instance",
            Freq::Once => "once",
        }
    }
    fn parse(s: &str) -> Option<Freq> {
        match s {
            "always" => Some(Freq::Always),
            "once-per-instance" | "instance" => Some(Freq::Instance),
            "once" => Some(Freq::Once),
            _ => None,
        }
    }
}

/// One module of a stage: name, default frequency, the cloud-config keys that make it applicable
/// (empty: always applicable), and whether ec2lab simulates what it does.
struct ModDef {
    name: &'static str,
    freq: Freq,
    keys: &'static [&'static str],
    simulated: bool,
}

const fn m(name: &'static str, freq: Freq, keys: &'static [&'static str], simulated: bool) -> ModDef {
    ModDef { name, freq, keys, simulated }
}

/// The modules of each stage that ec2lab reports on, in cloud-init's order (a subset of the
/// distro's `cloud.cfg`: the ones always at work that have no visible effect here are left out).
const INIT_MODULES: &[ModDef] = &[
    m("bootcmd", Freq::Always, &["bootcmd"], true),
    m("write_files", Freq::Instance, &["write_files"], true),
    m("disk_setup", Freq::Instance, &["disk_setup", "fs_setup"], false),
    m("ca_certs", Freq::Instance, &["ca_certs", "ca-certs"], false),
    m("rsyslog", Freq::Instance, &["rsyslog"], false),
    m("users_groups", Freq::Instance, &[], true),
];
const CONFIG_MODULES: &[ModDef] = &[
    m("ssh_import_id", Freq::Instance, &["ssh_import_id"], false),
    m("keyboard", Freq::Instance, &["keyboard"], false),
    m("ntp", Freq::Instance, &["ntp"], false),
    m("timezone", Freq::Instance, &["timezone"], false),
    m("disable_ec2_metadata", Freq::Always, &["disable_ec2_metadata"], false),
    m("runcmd", Freq::Instance, &["runcmd"], true),
];
const FINAL_MODULES: &[ModDef] = &[
    m("package_update_upgrade_install", Freq::Instance, &["apt_update", "package_update", "apt_upgrade", "package_upgrade", "packages"], true),
    m("write_files_deferred", Freq::Instance, &["write_files"], true),
    m("puppet", Freq::Instance, &["puppet"], false),
    m("chef", Freq::Always, &["chef"], false),
    m("ansible", Freq::Instance, &["ansible"], false),
    m("salt_minion", Freq::Instance, &["salt_minion"], false),
    m("scripts_per_once", Freq::Once, &[], true),
    m("scripts_per_boot", Freq::Always, &[], true),
    m("scripts_per_instance", Freq::Instance, &[], true),
    m("scripts_user", Freq::Instance, &[], true),
    m("phone_home", Freq::Instance, &["phone_home"], false),
    m("final_message", Freq::Always, &[], true),
    m("power_state_change", Freq::Instance, &["power_state"], false),
];

fn find_mod(canon: &str) -> Option<&'static ModDef> {
    INIT_MODULES.iter().chain(CONFIG_MODULES).chain(FINAL_MODULES).find(|d| d.name == canon)
}

/// Top-level cloud-config keys that ec2lab acts on.
const SIMULATED_KEYS: &[&str] = &[
    "packages", "package_update", "package_upgrade", "apt_update", "apt_upgrade", "write_files", "runcmd", "bootcmd", "users",
    "groups", "final_message", "cloud_init_modules", "cloud_config_modules", "cloud_final_modules", "merge_how", "merge_type",
];
/// Keys cloud-init's schema accepts that ec2lab does not model (it says so when they appear).
const UNSIMULATED_KEYS: &[&str] = &[
    "allow_public_ssh_keys", "ansible", "apk_repos", "apt", "apt_pipelining", "authkey_hash", "byobu_by_default", "ca-certs",
    "ca_certs", "chef", "chpasswd", "create_hostname_file", "datasource", "device_aliases", "disable_ec2_metadata",
    "disable_root", "disable_root_opts", "disk_setup", "fqdn", "fs_setup", "growpart", "hostname", "keyboard", "landscape",
    "locale", "locale_configfile", "lxd", "manage_etc_hosts", "manage_resolv_conf", "mcollective", "mounts", "no_ssh_fingerprints",
    "ntp", "output", "package_reboot_if_required", "password", "phone_home", "power_state", "prefer_fqdn_over_hostname",
    "preserve_hostname", "puppet", "random_seed", "reporting", "resize_rootfs", "resolv_conf", "rh_subscription", "rsyslog",
    "salt_minion", "snap", "spacewalk", "ssh", "ssh_authorized_keys", "ssh_deletekeys", "ssh_genkeytypes", "ssh_import_id",
    "ssh_keys", "ssh_publish_hostkeys", "ssh_pwauth", "ssh_quiet_keygen", "swap", "system_info", "timezone", "ubuntu_pro",
    "updates", "user", "vendor_data", "wireguard", "write_metadata", "yum_repo_dir", "yum_repos", "zypper",
];

// ---------------------------------------------------------------------------------------------
// The boot.

/// One stage as it ran (times on the guest clock).
struct StageRec {
    name: &'static str,
    start: u64,
    end: u64,
    errors: Vec<String>,
    warnings: Vec<String>,
}

struct Boot<'w> {
    world: &'w mut World,
    id: String,
    distro: Distro,
    jit: Jitter,
    /// The guest clock (ms).
    t: u64,
    /// When the kernel started (uptime is measured from here).
    kernel: u64,
    main: String,
    out: String,
    stages: Vec<StageRec>,
    datasource: &'static str,
    /// The merged cloud-config of the user data (a mapping), if any part had one.
    cfg: Option<Yaml>,
    /// What schema validation found wrong with it (for `cloud-init schema`).
    schema_errors: Vec<String>,
    inst_dir: String,
    /// Notes for the console (`ec2lab: note: …`) once the boot is over.
    notes: Vec<String>,
}

/// Run this boot's cloud-init stages for instance `id`, whose OS starts at `at`.
pub fn boot(world: &mut World, id: &str, at: Time) {
    let Some(inst) = world.compute.get_mut(id) else { return };
    if inst.guest.cloud_init.status == CloudInitStatus::Running && inst.guest.cloud_init.finished_at.is_none() {
        // A boot script asked for a reboot (`aws ec2 reboot-instances`, `create-image`) while
        // this boot's stages are still being run: on EC2 the instance would go down mid-boot and
        // start over (a per-boot script doing it loops forever). ec2lab finishes the boot in
        // progress instead and says so.
        world.note(&format!("{id}: a reboot requested from inside cloud-init's boot scripts is not simulated; the boot in progress carried on"));
        return;
    }
    let distro = Distro::of(&inst.fs, inst.default_user());
    let imds_off = inst.metadata.http_endpoint == "disabled";
    let raw = decode_user_data(inst.user_data.as_deref());
    let seed = format!("{id}/{}", inst.boots);
    inst.guest.cloud_init = super::CloudInit { status: CloudInitStatus::Running, ..Default::default() };
    let mut jit = Jitter::new(&seed);
    let start = at.0 + jit.between(3_600, 4_800);
    let mut b = Boot {
        world,
        id: id.to_string(),
        distro,
        jit,
        t: start,
        kernel: at.0,
        main: String::new(),
        out: String::new(),
        stages: Vec::new(),
        datasource: if imds_off { DATASOURCE_NONE } else { DATASOURCE_EC2 },
        cfg: None,
        schema_errors: Vec::new(),
        inst_dir: format!("{CLOUD_DIR}/instances/{id}"),
        notes: Vec::new(),
    };
    b.init_local(raw.as_ref().map(|r| r.len()));
    let gap = b.jit.between(1_200, 2_000);
    b.t += gap;
    b.init_network(raw.as_deref().unwrap_or(&[]));
    let gap = b.jit.between(1_500, 2_600);
    b.t += gap;
    b.modules_config();
    let gap = b.jit.between(400, 900);
    b.t += gap;
    b.modules_final();
    b.finish();
}

/// The user data's raw bytes: EC2 keeps it base64-encoded.
fn decode_user_data(b64: Option<&str>) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let s = b64?;
    let clean: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}

impl Boot<'_> {
    // --- logging -----------------------------------------------------------------------------

    fn line(&mut self, file: &str, level: &str, msg: &str) {
        let step = self.jit.between(1, 6);
        self.t += step;
        let line = format!("{} - {file}[{level}]: {msg}\n", log_ts(self.t));
        self.main.push_str(&line);
        if matches!(level, "WARNING" | "ERROR" | "CRITICAL") {
            // cloud-init also prints these on the console, which is the output log.
            self.out.push_str(&line);
            if let Some(st) = self.stages.last_mut() {
                st.warnings.push(msg.to_string());
            }
        }
    }
    fn debug(&mut self, file: &str, msg: &str) {
        self.line(file, "DEBUG", msg);
    }
    fn info(&mut self, file: &str, msg: &str) {
        self.line(file, "INFO", msg);
    }
    fn warn(&mut self, file: &str, msg: &str) {
        self.line(file, "WARNING", msg);
    }
    /// Something ec2lab does not simulate: said at INFO in the log and as a console note.
    fn not_simulated(&mut self, msg: &str) {
        self.info("ec2lab", msg);
        let note = format!("{}: {msg}", self.id);
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
    fn uptime(&self) -> String {
        format!("{:.2}", self.t.saturating_sub(self.kernel) as f64 / 1000.0)
    }
    fn banner(&mut self, stage: &str) {
        let msg = format!("Cloud-init v. {VERSION} running '{stage}' at {}. Up {} seconds.", rfc2822(self.t), self.uptime());
        self.debug("log_util.py", &msg);
        if stage != "init-local" {
            self.out.push_str(&msg);
            self.out.push('\n');
        }
    }
    fn module_ref(&self, canon: &str) -> String {
        format!("<module 'cloudinit.config.cc_{canon}' from '{}/cloudinit/config/cc_{canon}.py'>", self.distro.pylib())
    }

    // --- files ---------------------------------------------------------------------------------

    fn fs(&mut self) -> Option<&mut Fs> {
        self.world.compute.get_mut(&self.id).map(|i| &mut i.fs)
    }
    fn fs_ref(&self) -> Option<&Fs> {
        self.world.compute.get(&self.id).map(|i| &i.fs)
    }
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.fs_ref().and_then(|f| f.read(path)).map(|d| d.to_vec())
    }
    fn exists(&self, path: &str) -> bool {
        self.fs_ref().is_some_and(|f| f.exists(path))
    }
    /// Write a file (parents created) and log it the way `util.write_file` does.
    fn write(&mut self, path: &str, data: Vec<u8>, mode: u32) -> Result<(), crate::fs::FsError> {
        let n = data.len();
        self.debug("util.py", &format!("Writing to {path} - wb: [{mode:o}] {n} bytes"));
        self.write_quiet(path, data, mode)
    }
    fn write_quiet(&mut self, path: &str, data: Vec<u8>, mode: u32) -> Result<(), crate::fs::FsError> {
        let t = self.t;
        let Some(fs) = self.fs() else { return Ok(()) };
        fs.mkdir_all(crate::fs::parent(&crate::fs::normalize(path)))?;
        fs.write_file(path, data)?;
        let _ = fs.set_mode(path, mode);
        fs.set_mtime(path, t);
        Ok(())
    }
    fn flush_logs(&mut self) {
        let (main, out) = (std::mem::take(&mut self.main), std::mem::take(&mut self.out));
        let ubuntu = self.distro.ubuntu();
        let Some(fs) = self.fs() else { return };
        for (path, text) in [(LOG_FILE, main), (OUTPUT_LOG, out)] {
            let new = !fs.exists(path);
            let _ = fs.append(path, text.as_bytes());
            if new {
                let _ = fs.set_mode(path, if ubuntu { 0o640 } else { 0o644 });
            }
        }
    }

    /// `/var/lib/cloud/instance` is a symlink to `instances/<id>` on a real system. ec2lab's
    /// filesystem has no symlinks, so it is a directory kept as a copy of `instances/<id>`,
    /// refreshed at the end of every stage (see [`Boot::reconcile_link`] for deletions made
    /// through it).
    fn sync_link(&mut self) {
        let src = self.inst_dir.clone();
        let Some(fs) = self.fs() else { return };
        copy_tree(fs, &src, LINK_DIR);
    }

    /// Files removed through `/var/lib/cloud/instance/` (say `rm …/instance/sem/config_scripts_user`
    /// to make the user data run again) were removed from `instances/<id>/` on a real system:
    /// apply those removals before this boot looks at its semaphores.
    fn reconcile_link(&mut self) {
        let current = self.read(&format!("{CLOUD_DIR}/data/instance-id")).map(|d| String::from_utf8_lossy(&d).trim().to_string());
        if current.as_deref() != Some(self.id.as_str()) {
            return;
        }
        let inst_dir = self.inst_dir.clone();
        let Some(fs) = self.fs() else { return };
        if !fs.is_dir(LINK_DIR) || !fs.is_dir(&inst_dir) {
            return;
        }
        let prefix = format!("{inst_dir}/");
        let gone: Vec<String> = fs
            .paths()
            .filter(|p| p.starts_with(&prefix))
            .filter(|p| !fs.exists(&format!("{LINK_DIR}/{}", &p[prefix.len()..])))
            .map(String::from)
            .collect();
        for p in gone {
            let _ = fs.remove(&p, true);
        }
    }

    // --- stages --------------------------------------------------------------------------------

    fn start_stage(&mut self, name: &'static str) {
        let t = self.t;
        self.stages.push(StageRec { name, start: t, end: t, errors: Vec::new(), warnings: Vec::new() });
    }
    fn end_stage(&mut self) {
        let step = self.jit.between(20, 90);
        self.t += step;
        let t = self.t;
        if let Some(st) = self.stages.last_mut() {
            st.end = t;
        }
        self.sync_link();
        self.flush_logs();
    }

    fn init_local(&mut self, ud_len: Option<usize>) {
        self.start_stage("init-local");
        self.banner("init-local");
        self.debug("main.py", "No kernel command line url found.");
        self.debug("main.py", "Closing stdin.");
        let class = self.distro.class();
        self.debug("stages.py", &format!("Using distro class <class '{class}'>"));
        self.debug("__init__.py", "Looking for data source in: ['Ec2', 'None'], via packages ['', 'cloudinit.sources'] that matches dependencies ['FILESYSTEM']");
        self.debug("__init__.py", "Searching for local data source in: ['DataSourceEc2Local']");
        self.debug("handlers.py", "start: init-local/search-Ec2Local: searching for local data from DataSourceEc2Local");
        self.debug("__init__.py", "Seeing if we can get any data from <class 'cloudinit.sources.DataSourceEc2.DataSourceEc2Local'>");
        self.debug("DataSourceEc2.py", "Fetching Ec2 IMDSv2 API Token");
        self.debug("url_helper.py", &format!("[0/1] open 'http://169.254.169.254/latest/api/token' with {{'url': 'http://169.254.169.254/latest/api/token', 'allow_redirects': True, 'method': 'PUT', 'timeout': 1.0, 'headers': {{'User-Agent': 'Cloud-Init/{VERSION}', 'X-aws-ec2-metadata-token-ttl-seconds': 'REDACTED'}}}} configuration"));
        if self.datasource == DATASOURCE_NONE {
            self.debug("url_helper.py", "Read from http://169.254.169.254/latest/api/token (403, 0b) after 1 attempts");
            self.warn("DataSourceEc2.py", "Ec2Local: metadata service http://169.254.169.254 answered 403 Forbidden: the instance metadata endpoint is disabled");
            self.debug("handlers.py", "finish: init-local/search-Ec2Local: SUCCESS: no local data found from DataSourceEc2Local");
            self.debug("main.py", "[local] Exiting. datasource DataSourceNone not in local mode.");
            self.not_simulated("the instance metadata service is disabled (HttpEndpoint=disabled), so cloud-init found no EC2 datasource and ran none of the user data, as on EC2");
        } else {
            self.debug("url_helper.py", "Read from http://169.254.169.254/latest/api/token (200, 56b) after 1 attempts");
            self.debug("DataSourceEc2.py", "Using metadata source: 'http://169.254.169.254'");
            let n = self.id.len();
            self.debug("url_helper.py", &format!("Read from http://169.254.169.254/2021-03-23/meta-data/instance-id (200, {n}b) after 1 attempts"));
            self.debug("DataSourceEc2.py", "Found preferred metadata version 2021-03-23");
            if let Some(n) = ud_len {
                self.debug("url_helper.py", &format!("Read from http://169.254.169.254/2021-03-23/user-data (200, {n}b) after 1 attempts"));
            }
            self.debug("url_helper.py", "Read from http://169.254.169.254/2021-03-23/meta-data/ (200, 361b) after 1 attempts");
            self.debug("handlers.py", "finish: init-local/search-Ec2Local: SUCCESS: found local data from DataSourceEc2Local");
            self.info("stages.py", "Loaded datasource DataSourceEc2Local - DataSourceEc2Local");
        }
        // Deletions made through the `instance` link count before anything else looks.
        self.reconcile_link();
        let prev = self
            .read(&format!("{CLOUD_DIR}/data/instance-id"))
            .map(|d| String::from_utf8_lossy(&d).trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "NO_PREVIOUS_INSTANCE_ID".into());
        self.debug("stages.py", &format!("previous iid found to be {prev}"));
        let id = self.id.clone();
        let _ = self.write(&format!("{CLOUD_DIR}/data/instance-id"), format!("{id}\n").into_bytes(), 0o644);
        let _ = self.write(&format!("{CLOUD_DIR}/data/previous-instance-id"), format!("{prev}\n").into_bytes(), 0o644);
        let inst_dir = self.inst_dir.clone();
        for d in ["handlers", "scripts", "sem", "data"] {
            if let Some(fs) = self.fs() {
                fs.mkdir_p(&format!("{inst_dir}/{d}"));
            }
        }
        self.debug("util.py", &format!("Creating symbolic link from '{LINK_DIR}' => '{inst_dir}'"));
        let _ = self.write(&format!("{inst_dir}/datasource"), format!("{0}: {0}\n", self.datasource).into_bytes(), 0o644);
        self.debug("main.py", &format!("[local] init will now be targeting instance id: {id}. new={}", if prev != id { "True" } else { "False" }));
        self.debug("handlers.py", "finish: init-local: SUCCESS: searching for local datasources");
        self.end_stage();
    }

    fn init_network(&mut self, raw: &[u8]) {
        self.start_stage("init");
        self.banner("init");
        self.ci_info();
        let class = self.distro.class();
        self.debug("stages.py", &format!("Using distro class <class '{class}'>"));
        self.debug("handlers.py", "start: init-network/check-cache: attempting to read from cache [trust]");
        let ds = self.datasource;
        self.debug("stages.py", &format!("restored from cache with run check: {ds}"));
        self.debug("handlers.py", &format!("finish: init-network/check-cache: SUCCESS: restored from cache with run check: {ds}"));
        if ds == DATASOURCE_NONE {
            self.warn("__init__.py", "Used fallback datasource");
        } else {
            self.consume_user_data(raw);
        }
        self.run_stage_modules("init-network", "cloud_init_modules", INIT_MODULES);
        self.end_stage();
    }

    fn modules_config(&mut self) {
        self.start_stage("modules:config");
        self.banner("modules:config");
        self.debug("handlers.py", "start: modules-config: running modules for config");
        self.run_stage_modules("modules-config", "cloud_config_modules", CONFIG_MODULES);
        let failed = self.stages.last().map(|s| s.errors.len()).unwrap_or(0);
        self.debug("handlers.py", &format!("finish: modules-config: {}: running modules for config", if failed > 0 { "FAIL" } else { "SUCCESS" }));
        self.end_stage();
    }

    fn modules_final(&mut self) {
        self.start_stage("modules:final");
        self.banner("modules:final");
        self.debug("handlers.py", "start: modules-final: running modules for final");
        self.run_stage_modules("modules-final", "cloud_final_modules", FINAL_MODULES);
        let failed = self.stages.last().map(|s| s.errors.len()).unwrap_or(0);
        self.debug("handlers.py", &format!("finish: modules-final: {}: running modules for final", if failed > 0 { "FAIL" } else { "SUCCESS" }));
        self.end_stage();
    }

    fn finish(mut self) {
        let finished = self.t;
        let datasource = self.datasource;
        // status.json / result.json, in /var/lib/cloud/data and /run/cloud-init (symlinks there
        // on a real system; copies here).
        let status = self.status_json();
        let result = self.result_json();
        for dir in [format!("{CLOUD_DIR}/data"), RUN_DIR.to_string()] {
            let _ = self.write_quiet(&format!("{dir}/status.json"), status.clone().into_bytes(), 0o644);
            let _ = self.write_quiet(&format!("{dir}/result.json"), result.clone().into_bytes(), 0o644);
        }
        if let Some(fs) = self.fs() {
            let _ = fs.write_file(&format!("{RUN_DIR}/enabled"), Vec::new());
        }
        self.sync_link();
        self.flush_logs();
        let stages: Vec<Stage> = self
            .stages
            .iter()
            .map(|s| Stage { name: s.name.to_string(), start: Time(s.start), end: Time(s.end), errors: s.errors.clone(), warnings: s.warnings.clone() })
            .collect();
        let errors: Vec<String> = stages.iter().flat_map(|s| s.errors.iter().cloned()).collect();
        let notes = std::mem::take(&mut self.notes);
        let schema_errors = std::mem::take(&mut self.schema_errors);
        let id = self.id.clone();
        let world = self.world;
        for n in notes {
            world.note(&n);
        }
        let Some(inst) = world.compute.get_mut(&id) else { return };
        let ci = &mut inst.guest.cloud_init;
        ci.status = if errors.is_empty() { CloudInitStatus::Done } else { CloudInitStatus::Error };
        ci.stages = stages;
        ci.finished_at = Some(Time(finished));
        ci.errors = errors;
        ci.datasource = datasource.to_string();
        if inst.guest.timeline.bootstrap_done.is_none() {
            inst.guest.timeline.bootstrap_done = Some(Time(finished));
        }
        ci.schema_errors = schema_errors;
    }

    // --- status.json -------------------------------------------------------------------------

    fn status_json(&self) -> String {
        stages_json(&self.stages.iter().map(|s| (s.name, s.start, s.end, s.errors.clone(), s.warnings.clone())).collect::<Vec<_>>(), self.datasource, None)
    }

    fn result_json(&self) -> String {
        let errors: Vec<String> = self.stages.iter().flat_map(|s| s.errors.iter().cloned()).collect();
        let warnings: Vec<String> = self.stages.iter().flat_map(|s| s.warnings.iter().cloned()).collect();
        let mut v1 = serde_json::Map::new();
        v1.insert("datasource".into(), serde_json::Value::String(self.datasource.into()));
        v1.insert("errors".into(), serde_json::json!(errors));
        v1.insert("recoverable_errors".into(), recoverable(&warnings));
        let mut top = serde_json::Map::new();
        top.insert("v1".into(), serde_json::Value::Object(v1));
        pretty1(&serde_json::Value::Object(top))
    }

    // --- ci-info -----------------------------------------------------------------------------

    /// The network tables cloud-init prints at the start of the `init` stage.
    fn ci_info(&mut self) {
        let Some(inst) = self.world.compute.get(&self.id) else { return };
        let ip = inst.private_ip_string();
        let mac = inst.mac.clone();
        let (base, prefix) = self.world.net.subnets.get(inst.subnet).map(|s| (s.base, s.prefix)).unwrap_or((inst.private_ip & 0xffff_f000, 20));
        let mask = crate::net::ip_to_string(if prefix == 0 { 0 } else { u32::MAX << (32 - prefix.min(32) as u32) });
        let net = crate::net::ip_to_string(base);
        let gw = crate::net::ip_to_string(base.wrapping_add(1));
        let nic = self.distro.nic();
        let ll = link_local(&mac);
        let dev = table(
            "Net device info",
            &["Device", "Up", "Address", "Mask", "Scope", "Hw-Address"],
            &[
                vec![nic.into(), "True".into(), ip.clone(), mask.clone(), "global".into(), mac.clone()],
                vec![nic.into(), "True".into(), ll, ".".into(), "link".into(), mac.clone()],
                vec!["lo".into(), "True".into(), "127.0.0.1".into(), "255.0.0.0".into(), "host".into(), ".".into()],
                vec!["lo".into(), "True".into(), "::1/128".into(), ".".into(), "host".into(), ".".into()],
            ],
        );
        let route = table(
            "Route IPv4 info",
            &["Route", "Destination", "Gateway", "Genmask", "Interface", "Flags"],
            &[
                vec!["0".into(), "0.0.0.0".into(), gw.clone(), "0.0.0.0".into(), nic.into(), "UG".into()],
                vec!["1".into(), net, "0.0.0.0".into(), mask, nic.into(), "U".into()],
            ],
        );
        for l in dev.lines().chain(route.lines()) {
            self.out.push_str("ci-info: ");
            self.out.push_str(l);
            self.out.push('\n');
        }
    }

    // --- user data -----------------------------------------------------------------------------

    fn consume_user_data(&mut self, raw: &[u8]) {
        let inst_dir = self.inst_dir.clone();
        let _ = self.write(&format!("{inst_dir}/user-data.txt"), raw.to_vec(), 0o600);
        let boundary = self.jit.digits(19);
        let parsed = userdata::parse(raw, &boundary);
        let _ = self.write(&format!("{inst_dir}/user-data.txt.i"), parsed.processed.clone().into_bytes(), 0o600);
        let sem = self.sem_text();
        let _ = self.write(&format!("{inst_dir}/sem/consume_data"), sem, 0o644);
        self.debug("handlers.py", "start: init-network/consume-user-data: reading and applying user-data");
        for (file, level, msg) in &parsed.notes {
            match *level {
                "WARNING" => self.warn(file, msg),
                "INFO" => self.info(file, msg),
                _ => self.debug(file, msg),
            }
        }
        // Scripts are written afresh at every boot (what ran is decided by semaphores later).
        if let Some(fs) = self.fs() {
            let _ = fs.remove(&format!("{inst_dir}/scripts"), true);
            fs.mkdir_p(&format!("{inst_dir}/scripts"));
        }
        let mut configs: Vec<(String, Yaml)> = Vec::new();
        for part in &parsed.parts {
            self.handle_part(part, &mut configs);
        }
        if !configs.is_empty() {
            let mut merged: Vec<(Yaml, Yaml)> = Vec::new();
            for (_, c) in &configs {
                if let Yaml::Map(m) = c {
                    for (k, v) in m {
                        merged.retain(|(mk, _)| mk != k);
                        merged.push((k.clone(), v.clone()));
                    }
                }
            }
            let merged = Yaml::Map(merged);
            let mut text = format!("#cloud-config\n# from {} files\n", configs.len());
            for (name, _) in &configs {
                text.push_str(&format!("# {name}\n"));
            }
            text.push_str("\n---\n");
            text.push_str(&yaml::dump(&merged));
            text.push_str("...\n");
            let _ = self.write(&format!("{inst_dir}/cloud-config.txt"), text.into_bytes(), 0o600);
            self.cfg = Some(merged);
        }
        self.debug("handlers.py", "finish: init-network/consume-user-data: SUCCESS: reading and applying user-data");
        self.validate_schema();
    }

    fn handle_part(&mut self, part: &userdata::Part, configs: &mut Vec<(String, Yaml)>) {
        let inst_dir = self.inst_dir.clone();
        let name = part.filename.clone();
        let ct = part.ctype.as_str();
        let call = |handler: &str, types: &str, freq: &str| format!("Calling handler {handler}: [{types}] ({ct}, {name}, 2) with frequency {freq}");
        match ct {
            "text/x-shellscript" => {
                let msg = call("ShellScriptPartHandler", "['text/x-shellscript']", "once-per-instance");
                self.debug("__init__.py", &msg);
                let _ = self.write(&format!("{inst_dir}/scripts/{name}"), part.body.clone(), 0o700);
            }
            "text/x-shellscript-per-boot" | "text/x-shellscript-per-instance" | "text/x-shellscript-per-once" => {
                let which = ct.trim_start_matches("text/x-shellscript-");
                let msg = call("ShellScriptByFreqPartHandler", &format!("['{ct}']"), "once-per-instance");
                self.debug("__init__.py", &msg);
                let _ = self.write(&format!("{CLOUD_DIR}/scripts/per-{which}/{name}"), part.body.clone(), 0o700);
            }
            "text/cloud-config" => {
                let msg = call("CloudConfigPartHandler", "['text/cloud-config', 'text/cloud-config-jsonp']", "once-per-instance");
                self.debug("__init__.py", &msg);
                let text = String::from_utf8_lossy(&part.body).into_owned();
                match yaml::load(&text) {
                    Ok(Yaml::Map(m)) if !m.is_empty() => configs.push((name.clone(), Yaml::Map(m))),
                    Ok(Yaml::Map(_)) | Ok(Yaml::Null) => {
                        self.warn("log_util.py", &format!("Failed at merging in cloud config part from {name}: empty cloud config"));
                    }
                    Ok(other) => {
                        self.warn("util.py", &format!("Failed loading yaml blob. Yaml load allows (<class 'dict'>,) root types, but got {} instead", other.type_name()));
                        self.warn("log_util.py", &format!("Failed at merging in cloud config part from {name}: empty cloud config"));
                    }
                    Err(e) => {
                        self.warn("util.py", &format!("Failed loading yaml blob. {}", userdata::describe_yaml_error(&e)));
                        self.warn("log_util.py", &format!("Failed at merging in cloud config part from {name}: empty cloud config"));
                    }
                }
            }
            "text/cloud-boothook" => {
                let msg = call("BootHookPartHandler", "['text/cloud-boothook']", "always");
                self.debug("__init__.py", &msg);
                // The `#cloud-boothook` line is dropped; the rest runs at once, at every boot.
                let body = match part.body.iter().position(|&b| b == b'\n') {
                    Some(i) => part.body[i + 1..].to_vec(),
                    None => Vec::new(),
                };
                let path = format!("{inst_dir}/boothooks/{name}");
                if self.write(&path, body, 0o700).is_ok() {
                    self.run_boothook(&path);
                }
            }
            "text/x-include-url" | "text/x-include-once-url" => {
                let urls: Vec<String> = String::from_utf8_lossy(&part.body).lines().skip(1).map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect();
                self.not_simulated(&format!(
                    "user data part {name} is {ct} (#include): cloud-init would fetch {} and process what comes back; ec2lab fetches nothing, so none of it ran",
                    if urls.is_empty() { "nothing (no URLs listed)".to_string() } else { urls.join(", ") }
                ));
            }
            "text/jinja2" => self.not_simulated(&format!("user data part {name} is a Jinja template (## template: jinja); ec2lab does not render templates, so it was not processed")),
            "text/part-handler" => self.not_simulated(&format!("user data part {name} is a #part-handler (Python code cloud-init would load); ec2lab does not run part handlers")),
            "text/cloud-config-jsonp" => self.not_simulated(&format!("user data part {name} is #cloud-config-jsonp (a JSON patch); ec2lab does not apply JSON patches")),
            "text/x-not-multipart" => {
                let p = userdata::preview(&part.body);
                self.warn("__init__.py", &format!("Unhandled non-multipart ({ct}) userdata: {p}"));
            }
            _ => {
                let p = userdata::preview(&part.body);
                self.warn("__init__.py", &format!("Unhandled unknown content-type ({ct}) userdata: {p}"));
            }
        }
    }

    /// Check the merged cloud-config the way `cloud-init schema` would, in short.
    fn validate_schema(&mut self) {
        let Some(Yaml::Map(m)) = self.cfg.clone() else { return };
        let mut errs = Vec::new();
        for (k, v) in &m {
            let Some(key) = k.as_key() else {
                errs.push(format!("{}: is not a valid key", yaml::dump(k).trim()));
                continue;
            };
            if !SIMULATED_KEYS.contains(&key.as_str()) && !UNSIMULATED_KEYS.contains(&key.as_str()) {
                errs.push(format!("Additional properties are not allowed ({} was unexpected)", py_repr(&key)));
                continue;
            }
            let want_list = matches!(key.as_str(), "packages" | "runcmd" | "bootcmd" | "write_files" | "cloud_init_modules" | "cloud_config_modules" | "cloud_final_modules");
            if want_list && !matches!(v, Yaml::Seq(_)) {
                errs.push(format!("{key}: {} is not of type 'array'", short_repr(v)));
            }
            if matches!(key.as_str(), "package_update" | "package_upgrade" | "apt_update" | "apt_upgrade") && !matches!(v, Yaml::Bool(_)) {
                errs.push(format!("{key}: {} is not of type 'boolean'", short_repr(v)));
            }
            if key == "write_files"
                && let Yaml::Seq(items) = v
            {
                for (i, it) in items.iter().enumerate() {
                    match it {
                        Yaml::Map(_) if it.get("path").is_some() => {}
                        Yaml::Map(_) => errs.push(format!("write_files.{i}: 'path' is a required property")),
                        other => errs.push(format!("write_files.{i}: {} is not of type 'object'", short_repr(other))),
                    }
                }
            }
            if UNSIMULATED_KEYS.contains(&key.as_str()) {
                self.not_simulated(&format!("cloud-config key '{key}' is valid, but ec2lab does not simulate it: nothing was done for it"));
            }
        }
        if !errs.is_empty() {
            self.warn("schema.py", "Invalid cloud-config provided: Please run 'sudo cloud-init schema --system' to see the schema errors.");
            for e in &errs {
                self.debug("schema.py", &format!("cloud-config schema error: {e}"));
            }
            self.schema_errors = errs;
        }
    }

    // --- module machinery --------------------------------------------------------------------

    fn sem_text(&mut self) -> Vec<u8> {
        let pid = 400 + self.jit.between(0, 600);
        format!("{pid}: {:.6}\n", self.t as f64 / 1000.0).into_bytes()
    }

    /// The stage's module list: the user data's `cloud_*_modules` override, else the defaults.
    fn module_list(&mut self, key: &str, defaults: &'static [ModDef]) -> Vec<(String, Freq, Option<&'static ModDef>)> {
        let over = self.cfg.as_ref().and_then(|c| c.get(key)).cloned();
        let Some(Yaml::Seq(items)) = over else {
            return defaults.iter().map(|d| (d.name.to_string(), d.freq, Some(d))).collect();
        };
        let mut out = Vec::new();
        for item in items {
            let (raw, freq) = match &item {
                Yaml::Seq(v) => (v.first().and_then(|x| x.as_key()).unwrap_or_default(), v.get(1).and_then(|x| x.as_key())),
                other => (other.as_key().unwrap_or_default(), None),
            };
            if raw.is_empty() {
                continue;
            }
            let canon = raw.replace('-', "_");
            let def = find_mod(&canon);
            let Some(d) = def else {
                self.warn("modules.py", &format!("Could not find module named {raw} (searched ['{canon}', 'cloudinit.config.{canon}', 'cloudinit.config.cc_{canon}'])"));
                continue;
            };
            let f = match freq {
                Some(f) => match Freq::parse(&f) {
                    Some(f) => f,
                    None => {
                        self.warn("modules.py", &format!("Config specified module {raw} has an unknown frequency {f}"));
                        d.freq
                    }
                },
                None => d.freq,
            };
            out.push((raw, f, Some(d)));
        }
        out
    }

    fn has_key(&self, k: &str) -> bool {
        self.cfg.as_ref().and_then(|c| c.get(k)).is_some()
    }

    fn run_stage_modules(&mut self, stage: &str, list_key: &str, defaults: &'static [ModDef]) {
        let mods = self.module_list(list_key, defaults);
        let mut skipped = Vec::new();
        let mut active = Vec::new();
        for (raw, f, def) in mods {
            let Some(d) = def else { continue };
            if !d.keys.is_empty() && !d.keys.iter().any(|k| self.has_key(k)) {
                skipped.push(raw);
                continue;
            }
            if d.name == "write_files_deferred" && !self.has_deferred_files() {
                skipped.push(raw);
                continue;
            }
            active.push((raw, f, d));
        }
        if !skipped.is_empty() {
            self.info("modules.py", &format!("Skipping modules '{}' because no applicable config is provided.", skipped.join(",")));
        }
        let mut failures = 0;
        let n = active.len();
        for (raw, f, d) in active {
            if !self.run_module(stage, &raw, f, d) {
                failures += 1;
            }
        }
        self.debug("main.py", &format!("Ran {n} modules with {failures} failures"));
    }

    /// Run one module with cloud-init's bookkeeping (semaphore, report events, failure logging).
    /// Returns false when it failed.
    fn run_module(&mut self, stage: &str, raw: &str, freq: Freq, def: &ModDef) -> bool {
        let canon = def.name;
        let mref = self.module_ref(canon);
        self.debug("modules.py", &format!("Running module {raw} ({mref}) with frequency {}", freq.name()));
        let run_name = format!("config-{raw}");
        self.debug("handlers.py", &format!("start: {stage}/{run_name}: running {run_name} with frequency {}", freq.name()));
        let sem_name = run_name.replace(['-', '.'], "_");
        let sem = match freq {
            Freq::Always => None,
            Freq::Instance => Some(format!("{}/sem/{sem_name}", self.inst_dir)),
            Freq::Once => Some(format!("{CLOUD_DIR}/sem/{sem_name}.once")),
        };
        match &sem {
            Some(path) if self.exists(path) => {
                self.debug("helpers.py", &format!("{run_name} already ran (freq={})", freq.name()));
                self.debug("handlers.py", &format!("finish: {stage}/{run_name}: SUCCESS: {run_name} previously ran"));
                return true;
            }
            Some(path) => {
                let text = self.sem_text();
                let _ = self.write(path, text, 0o644);
                self.debug("helpers.py", &format!("Running {run_name} using lock (<FileLock using file '{path}'>)"));
            }
            None => {
                let addr = self.jit.hex(10);
                self.debug("helpers.py", &format!("Running {run_name} using lock (<cloudinit.helpers.DummyLock object at 0x7f{addr}>)"));
            }
        }
        let result = if def.simulated {
            self.module_body(canon)
        } else {
            self.not_simulated(&format!("module {raw} is not simulated: nothing was done"));
            Ok(())
        };
        match result {
            Ok(()) => {
                self.debug("handlers.py", &format!("finish: {stage}/{run_name}: SUCCESS: {run_name} ran successfully"));
                true
            }
            Err(exc) => {
                self.warn("log_util.py", &format!("Running module {raw} ({mref}) failed"));
                self.debug("handlers.py", &format!("finish: {stage}/{run_name}: FAIL: running {run_name} with frequency {}", freq.name()));
                if let Some(st) = self.stages.last_mut() {
                    st.errors.push(format!("('{raw}', {exc})"));
                }
                false
            }
        }
    }

    /// What a simulated module does. `Err` carries the Python exception's repr.
    fn module_body(&mut self, canon: &str) -> Result<(), String> {
        match canon {
            "bootcmd" => self.mod_bootcmd(),
            "write_files" => self.mod_write_files(false),
            "write_files_deferred" => self.mod_write_files(true),
            "users_groups" => self.mod_users_groups(),
            "runcmd" => self.mod_runcmd(),
            "package_update_upgrade_install" => self.mod_packages(),
            "scripts_per_once" => self.runparts(&format!("{CLOUD_DIR}/scripts/per-once"), "scripts_per_once", "per-once"),
            "scripts_per_boot" => self.runparts(&format!("{CLOUD_DIR}/scripts/per-boot"), "scripts_per_boot", "per-boot"),
            "scripts_per_instance" => self.runparts(&format!("{CLOUD_DIR}/scripts/per-instance"), "scripts_per_instance", "per-instance"),
            "scripts_user" => self.runparts(&format!("{LINK_DIR}/scripts"), "scripts_user", "scripts"),
            "final_message" => self.mod_final_message(),
            _ => Ok(()),
        }
    }

    // --- running programs --------------------------------------------------------------------

    /// Run a shell command line as root on the guest clock. Output (stdout and stderr in order)
    /// and the exit status come back; the guest clock moves by what the command took.
    fn run(&mut self, script: &str) -> (String, i32) {
        let driver = format!("export PATH={SCRIPT_PATH}\n{{\n{script}\n}} 2>&1");
        let (out, end) = super::run_as_root(self.world, &self.id, &driver, self.t);
        let step = self.jit.between(5, 40);
        self.t = end.max(self.t) + step;
        (format!("{}{}", out.stdout, out.stderr), out.exit)
    }

    /// Run a program as cloud-init's `subp` does (`capture=False`: what it prints goes to the
    /// output log). `Err` is the ProcessExecutionError text.
    fn subp(&mut self, argv: &[String], line: &str, env: &str) -> Result<(), String> {
        self.debug("subp.py", &format!("Running command {} with allowed return codes [0] (shell=False, capture=False)", py_list(argv)));
        let (out, code) = self.run(&format!("{env}{line}"));
        self.out.push_str(&out);
        if code == 0 {
            Ok(())
        } else {
            let text = format!("Unexpected error while running command.\nCommand: {}\nExit code: {code}\nReason: -\nStdout: -\nStderr: -", py_list(argv));
            self.debug("subp.py", &text);
            Err(text)
        }
    }

    /// Run an executable file. Shell scripts run in the instance's shell; a script for another
    /// interpreter is refused with a plain word that ec2lab does not run it.
    fn exec_file(&mut self, path: &str, env: &str, capture: bool) -> Result<String, String> {
        let argv = vec![path.to_string()];
        self.debug("subp.py", &format!("Running command {} with allowed return codes [0] (shell=False, capture={})", py_list(&argv), if capture { "True" } else { "False" }));
        let body = self.read(path).unwrap_or_default();
        let first = body.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let first = String::from_utf8_lossy(first).into_owned();
        let fail = |reason: &str| format!("Unexpected error while running command.\nCommand: {}\nExit code: -\nReason: {reason}\nStdout: -\nStderr: -", py_list(&argv));
        let Some(interp) = first.strip_prefix("#!") else {
            let e = fail(&format!("[Errno 8] Exec format error: {}", py_repr(path)));
            self.debug("subp.py", &e);
            return Err(e);
        };
        let mut words = interp.split_whitespace();
        let prog = words.next().unwrap_or("");
        let prog = if prog.ends_with("/env") { words.next().unwrap_or("") } else { prog };
        let base = prog.rsplit('/').next().unwrap_or(prog);
        if !matches!(base, "sh" | "bash" | "dash") {
            let msg = format!("{path} is a script for {prog}; ec2lab runs only sh and bash scripts, so it did not run (counted as a failure)");
            self.not_simulated(&msg);
            let e = fail(&format!("ec2lab does not run {prog} scripts"));
            self.debug("subp.py", &e);
            return Err(e);
        }
        let (out, code) = self.run(&format!("{env}{}", sh_quote(path)));
        if !capture {
            self.out.push_str(&out);
        }
        if code == 0 {
            Ok(out)
        } else {
            let (so, se) = if capture { (out.trim_end().to_string(), String::new()) } else { ("-".into(), "-".into()) };
            let e = format!(
                "Unexpected error while running command.\nCommand: {}\nExit code: {code}\nReason: -\nStdout: {}\nStderr: {}",
                py_list(&argv),
                if so.is_empty() { "-".to_string() } else { so },
                if se.is_empty() { "-".to_string() } else { se }
            );
            self.debug("subp.py", &e);
            Err(e)
        }
    }

    /// `subp.runparts`: run the executable files of a directory in name order.
    fn runparts(&mut self, dir: &str, module: &str, subdir: &str) -> Result<(), String> {
        let names = match self.fs_ref().map(|f| f.list_dir(dir)) {
            Some(Ok(n)) => n,
            _ => return Ok(()),
        };
        let mut attempted = 0;
        let mut failed = Vec::new();
        for name in names {
            let path = format!("{dir}/{name}");
            let (is_file, mode) = match self.fs_ref() {
                Some(f) => (f.is_file(&path), f.mode(&path).unwrap_or(0)),
                None => continue,
            };
            if !is_file {
                self.debug("subp.py", &format!("Not executing special file [{path}]"));
                continue;
            }
            if mode & 0o111 == 0 {
                self.warn("subp.py", &format!("skipping {path} as its not executable or the underlying file system is mounted without executable permissions."));
                continue;
            }
            attempted += 1;
            if self.exec_file(&path, "", false).is_err() {
                failed.push(name);
            }
        }
        if failed.is_empty() {
            return Ok(());
        }
        self.warn(&format!("cc_{module}.py"), &format!("Failed to run module {module} ({subdir} in {dir})"));
        Err(format!("RuntimeError('Runparts: {} failures ({}) in {attempted} attempted commands')", failed.len(), failed.join(",")))
    }

    fn run_boothook(&mut self, path: &str) {
        let env = format!("export INSTANCE_ID={}\n", self.id);
        if let Err(e) = self.exec_file(path, &env, true) {
            self.warn("log_util.py", &format!("Boothooks script {path} execution error"));
            self.debug("log_util.py", &e);
        }
    }

}

/// A short Python-ish rendering of a value for messages.
fn short_repr(v: &Yaml) -> String {
    let s = match v {
        Yaml::Str(s) => py_repr(s),
        Yaml::Null => "None".into(),
        Yaml::Bool(b) => if *b { "True".into() } else { "False".into() },
        Yaml::Num(n) => n.clone(),
        Yaml::Seq(_) | Yaml::Map(_) => yaml::dump(v).trim().replace('\n', " "),
    };
    if s.chars().count() > 60 { format!("{}...", s.chars().take(60).collect::<String>()) } else { s }
}

/// `$name` / `${name}` substitution (cloud-init's basic templates).
fn render_template(t: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(e) => (&inner[..e], e + 2),
                None => ("", 0),
            }
        } else {
            let e = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..e], e)
        };
        match vars.iter().find(|(k, _)| *k == name) {
            Some((_, v)) if len > 0 => {
                out.push_str(v);
                rest = &after[len..];
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The EUI-64 link-local IPv6 address of a MAC, as `ip` shows it (`fe80::…/64`).
fn link_local(mac: &str) -> String {
    let b: Vec<u16> = mac.split(':').filter_map(|h| u16::from_str_radix(h, 16).ok()).collect();
    if b.len() != 6 {
        return "fe80::1/64".into();
    }
    let groups = [((b[0] ^ 2) << 8) | b[1], (b[2] << 8) | 0xff, 0xfe00 | b[3], (b[4] << 8) | b[5]];
    format!("fe80::{:x}:{:x}:{:x}:{:x}/64", groups[0], groups[1], groups[2], groups[3])
}

/// Python's `str.center` (the extra space goes left when both lengths are odd).
fn py_center(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let marg = width - len;
    let left = marg / 2 + (marg & width & 1);
    format!("{}{s}{}", " ".repeat(left), " ".repeat(marg - left))
}

/// A PrettyTable as cloud-init's `ci-info` prints it, with its title line.
fn table(title: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| rows.iter().map(|r| r.get(i).map(|c| c.chars().count()).unwrap_or(0)).chain([headers[i].len()]).max().unwrap_or(0))
        .collect();
    let rule = format!("+{}+", widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+"));
    let row = |cells: Vec<String>| format!("|{}|", cells.iter().zip(&widths).map(|(c, w)| format!(" {} ", py_center(c, *w))).collect::<Vec<_>>().join("|"));
    let total = rule.chars().count();
    // `util.center`: format's `^` alignment puts the extra fill on the right.
    let tl = title.chars().count();
    let pad = total.saturating_sub(tl);
    let mut s = format!("{}{title}{}\n", "+".repeat(pad / 2), "+".repeat(pad - pad / 2));
    s.push_str(&rule);
    s.push('\n');
    s.push_str(&row(headers.iter().map(|h| h.to_string()).collect()));
    s.push('\n');
    s.push_str(&rule);
    s.push('\n');
    for r in rows {
        s.push_str(&row(r.clone()));
        s.push('\n');
    }
    s.push_str(&rule);
    s.push('\n');
    s
}

/// `recoverable_errors` as cloud-init groups them: by log level.
fn recoverable(warnings: &[String]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    if !warnings.is_empty() {
        m.insert("WARNING".into(), serde_json::json!(warnings));
    }
    serde_json::Value::Object(m)
}

/// JSON with one-space indentation and sorted keys (cloud-init's `json_dumps`).
fn pretty1(v: &serde_json::Value) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    let mut s = String::from_utf8_lossy(&buf).into_owned();
    s.push('\n');
    s
}

/// Seconds as cloud-init's float timestamps.
fn secs(ms: u64) -> serde_json::Value {
    serde_json::Number::from_f64(ms as f64 / 1000.0).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
}

/// The per-stage status object, seen at `upto` (None: everything).
type StageView = (&'static str, u64, u64, Vec<String>, Vec<String>);

fn stage_key(name: &str) -> &'static str {
    match name {
        "init-local" => "init-local",
        "init" => "init",
        "modules:config" => "modules-config",
        "modules:final" => "modules-final",
        _ => "modules-init",
    }
}

fn stage_objects(stages: &[StageView], upto: Option<u64>) -> (serde_json::Map<String, serde_json::Value>, Option<&'static str>) {
    let mut v1 = serde_json::Map::new();
    let mut current = None;
    for key in ["init", "init-local", "modules-config", "modules-final", "modules-init"] {
        let st = stages.iter().find(|s| stage_key(s.0) == key);
        let mut o = serde_json::Map::new();
        let (start, end, errors, warnings) = match st {
            Some((_, s, e, errs, warns)) => {
                let started = upto.is_none_or(|u| *s <= u);
                let ended = upto.is_none_or(|u| *e <= u);
                if started && !ended {
                    current = Some(key);
                }
                (
                    if started { secs(*s) } else { serde_json::Value::Null },
                    if ended { secs(*e) } else { serde_json::Value::Null },
                    if ended { errs.clone() } else { Vec::new() },
                    if ended { warns.clone() } else { Vec::new() },
                )
            }
            None => (serde_json::Value::Null, serde_json::Value::Null, Vec::new(), Vec::new()),
        };
        o.insert("errors".into(), serde_json::json!(errors));
        o.insert("finished".into(), end);
        o.insert("recoverable_errors".into(), recoverable(&warnings));
        o.insert("start".into(), start);
        v1.insert(key.into(), serde_json::Value::Object(o));
    }
    (v1, current)
}

fn stages_json(stages: &[StageView], datasource: &str, upto: Option<u64>) -> String {
    let (objs, current) = stage_objects(stages, upto);
    let mut v1 = serde_json::Map::new();
    v1.insert("datasource".into(), serde_json::Value::String(datasource.into()));
    for (k, v) in objs {
        v1.insert(k, v);
    }
    v1.insert("stage".into(), current.map(|c| serde_json::Value::String(c.into())).unwrap_or(serde_json::Value::Null));
    let mut top = serde_json::Map::new();
    top.insert("v1".into(), serde_json::Value::Object(v1));
    pretty1(&serde_json::Value::Object(top))
}

/// Copy a directory tree (`from` must exist), replacing whatever was at `to`.
fn copy_tree(fs: &mut Fs, from: &str, to: &str) {
    if !fs.is_dir(from) {
        return;
    }
    let prefix = format!("{from}/");
    let items: Vec<(String, Node)> = fs
        .paths()
        .filter(|p| *p == from || p.starts_with(&prefix))
        .filter_map(|p| fs.node(p).map(|n| (p.to_string(), n.clone())))
        .collect();
    let _ = fs.remove(to, true);
    for (p, node) in items {
        let dest = format!("{to}{}", &p[from.len()..]);
        let mtime = fs.mtime(&p);
        let owner = fs.owner(&p);
        match node {
            Node::Dir { mode } => {
                fs.mkdir_p(&dest);
                let _ = fs.set_mode(&dest, mode);
            }
            Node::File { data, mode } => {
                let _ = fs.write_file(&dest, data);
                let _ = fs.set_mode(&dest, mode);
            }
        }
        if let Some(t) = mtime {
            fs.set_mtime(&dest, t);
        }
        if owner != "root" {
            fs.chown(&dest, &owner);
        }
    }
}
