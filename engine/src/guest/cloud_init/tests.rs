use super::userdata;
use super::yaml::{self, Yaml};
use crate::clock::{MINUTE, SECOND};
use crate::compute::{MetadataOptionsRequest, RunRequest, State};
use crate::guest::CloudInitStatus;
use crate::{Lab, World};
use base64::Engine as _;

const AL2023: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const UBUNTU: &str = "ami-0920277e6075bff9f";

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Launch one instance with this raw user data and let it boot (cloud-init done).
fn launch_with(w: &mut World, image: &str, ud: Option<&[u8]>) -> String {
    let req = RunRequest {
        image_id: image.into(),
        instance_type: Some("t3.micro".into()),
        min_count: 1,
        max_count: 1,
        user_data: ud.map(b64),
        ..Default::default()
    };
    let id = w.run_instances(req).expect("launch").1.remove(0);
    w.advance(3 * MINUTE);
    id
}

fn launch(ud: &str) -> (World, String) {
    let mut w = World::new(7);
    let id = launch_with(&mut w, AL2023, Some(ud.as_bytes()));
    (w, id)
}

fn file(w: &World, id: &str, path: &str) -> Option<String> {
    w.compute.get(id)?.fs.read(path).map(|d| String::from_utf8_lossy(d).into_owned())
}

fn out_log(w: &World, id: &str) -> String {
    file(w, id, "/var/log/cloud-init-output.log").unwrap_or_default()
}

fn main_log(w: &World, id: &str) -> String {
    file(w, id, "/var/log/cloud-init.log").unwrap_or_default()
}

fn ci(w: &World, id: &str) -> crate::guest::CloudInit {
    w.compute.get(id).unwrap().guest.cloud_init.clone()
}

fn mode(w: &World, id: &str, path: &str) -> Option<u32> {
    w.compute.get(id)?.fs.mode(path)
}

fn reboot(w: &mut World, id: &str) {
    w.reboot_instances(&[id.to_string()]).unwrap();
    w.advance(2 * MINUTE);
}

fn stop_start(w: &mut World, id: &str) {
    w.stop_instances(&[id.to_string()], false).unwrap();
    w.advance(2 * MINUTE);
    assert_eq!(w.compute.get(id).unwrap().state, State::Stopped);
    w.start_instances(&[id.to_string()]).unwrap();
    w.advance(2 * MINUTE);
    assert_eq!(w.compute.get(id).unwrap().state, State::Running);
}

#[test]
fn shell_script_runs_as_root_and_leaves_cloud_inits_files() {
    let (w, id) = launch("#!/bin/bash\necho hello from user data\nwhoami > /tmp/who\npwd > /tmp/cwd\necho oops >&2\n");
    assert_eq!(file(&w, &id, "/tmp/who").as_deref(), Some("root\n"));
    assert_eq!(file(&w, &id, "/tmp/cwd").as_deref(), Some("/\n"));
    let out = out_log(&w, &id);
    assert!(out.contains("Cloud-init v. 24.4.1 running 'init' at Mon, 05 Jan 2026"), "{out}");
    assert!(out.contains("running 'modules:config'") && out.contains("running 'modules:final'"), "{out}");
    assert!(out.contains("hello from user data\noops\n"), "script stdout and stderr in order: {out}");
    assert!(out.contains("ci-info: | Device |  Up  |"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("Cloud-init v. 24.4.1 finished at Mon, 05 Jan 2026 ") && last.contains(". Datasource DataSourceEc2Local.  Up "), "{last}");
    assert!(last.ends_with(" seconds"), "{last}");
    let log = main_log(&w, &id);
    assert!(log.contains(" - util.py[DEBUG]: Writing to /var/lib/cloud/instances/"), "{log}");
    assert!(log.contains("Running module scripts_user (<module 'cloudinit.config.cc_scripts_user' from '/usr/lib/python3.9/site-packages/cloudinit/config/cc_scripts_user.py'>) with frequency once-per-instance"));
    assert!(regex_bites::Regex::new(r"(?m)^2026-01-05 09:0\d:\d\d,\d\d\d - main\.py\[DEBUG\]: Closing stdin\.$").unwrap().is_match(&log));
    let dir = format!("/var/lib/cloud/instances/{id}");
    assert!(file(&w, &id, &format!("{dir}/user-data.txt")).unwrap().starts_with("#!/bin/bash\necho hello"));
    assert_eq!(mode(&w, &id, &format!("{dir}/user-data.txt")), Some(0o600));
    assert_eq!(mode(&w, &id, &format!("{dir}/scripts/part-001")), Some(0o700));
    assert!(file(&w, &id, &format!("{dir}/user-data.txt.i")).unwrap().contains("Content-Type: text/x-shellscript"));
    for sem in ["config_scripts_user", "config_users_groups", "config_package_update_upgrade_install", "consume_data"] {
        let sem_file = format!("{dir}/sem/{sem}");
        if sem == "config_package_update_upgrade_install" {
            assert!(file(&w, &id, &sem_file).is_none(), "no packages: the module is skipped");
        } else {
            assert!(file(&w, &id, &sem_file).is_some(), "{sem}");
        }
    }
    assert!(file(&w, &id, &format!("{dir}/boot-finished")).unwrap().contains(" - v. 24.4.1"));
    assert!(file(&w, &id, "/var/lib/cloud/instance/scripts/part-001").is_some(), "the instance link mirrors the directory");
    assert_eq!(file(&w, &id, "/var/lib/cloud/data/instance-id"), Some(format!("{id}\n")));
    let result: serde_json::Value = serde_json::from_str(&file(&w, &id, "/run/cloud-init/result.json").unwrap()).unwrap();
    assert_eq!(result["v1"]["datasource"], "DataSourceEc2Local");
    assert_eq!(result["v1"]["errors"], serde_json::json!([]));
    let status: serde_json::Value = serde_json::from_str(&file(&w, &id, "/run/cloud-init/status.json").unwrap()).unwrap();
    assert!(status["v1"]["modules-final"]["finished"].as_f64().unwrap() > status["v1"]["init-local"]["start"].as_f64().unwrap());
    let c = ci(&w, &id);
    assert_eq!(c.status, CloudInitStatus::Done);
    assert_eq!(c.stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["init-local", "init", "modules:config", "modules:final"]);
    assert!(c.stages.windows(2).all(|p| p[0].end < p[1].start));
    let inst = w.compute.get(&id).unwrap();
    assert_eq!(inst.guest.timeline.bootstrap_done, c.finished_at);
    let running = inst.guest.timeline.running.unwrap();
    let took = c.finished_at.unwrap().0 - running.0;
    assert!((5 * SECOND..30 * SECOND).contains(&took), "{took}");
}

#[test]
fn a_failing_script_means_status_error_but_a_healthy_instance() {
    let (w, id) = launch("#!/bin/bash\necho installing\nnosuchcommand --flag\nexit 3\n");
    let c = ci(&w, &id);
    assert_eq!(c.status, CloudInitStatus::Error);
    assert_eq!(c.errors, ["('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))"]);
    let out = out_log(&w, &id);
    assert!(out.contains("bash: nosuchcommand: command not found"), "{out}");
    assert!(out.contains(" - cc_scripts_user.py[WARNING]: Failed to run module scripts_user (scripts in /var/lib/cloud/instance/scripts)"), "{out}");
    assert!(out.contains(" - log_util.py[WARNING]: Running module scripts_user (<module 'cloudinit.config.cc_scripts_user'"), "{out}");
    assert!(main_log(&w, &id).contains("Exit code: 3"));
    let inst = w.compute.get(&id).unwrap();
    assert_eq!(inst.state, State::Running);
    assert_eq!(w.status_checks(inst), ("ok", "ok"), "status checks know nothing of user data");
}

#[test]
fn user_data_runs_once_per_instance_but_per_boot_scripts_every_boot() {
    let ud = "#!/bin/bash\necho once >> /var/tmp/once\nmkdir -p /var/lib/cloud/scripts/per-boot\nprintf '#!/bin/sh\\necho boot >> /var/tmp/boots\\n' > /var/lib/cloud/scripts/per-boot/10-count.sh\nchmod +x /var/lib/cloud/scripts/per-boot/10-count.sh\nprintf '#!/bin/sh\\necho never >> /var/tmp/never\\n' > /var/lib/cloud/scripts/per-boot/20-not-executable.sh\n";
    let (mut w, id) = launch(ud);
    let lines = |w: &World, p: &str| file(w, &id, p).map(|s| s.lines().count()).unwrap_or(0);
    // scripts_per_boot runs before scripts_user: a per-boot script the user data writes starts
    // with the next boot.
    assert_eq!((lines(&w, "/var/tmp/once"), lines(&w, "/var/tmp/boots")), (1, 0));
    reboot(&mut w, &id);
    assert_eq!((lines(&w, "/var/tmp/once"), lines(&w, "/var/tmp/boots")), (1, 1));
    stop_start(&mut w, &id);
    assert_eq!((lines(&w, "/var/tmp/once"), lines(&w, "/var/tmp/boots")), (1, 2));
    assert_eq!(lines(&w, "/var/tmp/never"), 0);
    let log = main_log(&w, &id);
    assert!(log.contains("config-scripts_user already ran (freq=once-per-instance)"));
    assert!(log.contains("skipping /var/lib/cloud/scripts/per-boot/20-not-executable.sh as its not executable"));
    assert_eq!(log.matches("running 'init-local'").count(), 3, "the log is appended at every boot");
    assert_eq!(ci(&w, &id).status, CloudInitStatus::Done, "the skipped script is a warning, not an error");
}

#[test]
fn clean_makes_everything_run_again_at_the_next_boot() {
    let (mut w, id) = launch("#!/bin/bash\necho ran >> /var/tmp/ran\n");
    reboot(&mut w, &id);
    assert_eq!(file(&w, &id, "/var/tmp/ran").as_deref(), Some("ran\n"));
    // Removing one semaphore through the `instance` link is enough.
    w.compute.get_mut(&id).unwrap().fs.remove("/var/lib/cloud/instance/sem/config_scripts_user", false).unwrap();
    reboot(&mut w, &id);
    assert_eq!(file(&w, &id, "/var/tmp/ran").as_deref(), Some("ran\nran\n"));
    // `cloud-init clean` from a shell on the instance.
    let mut lab = Lab::new(3);
    lab.run(&format!("cat > ud.sh <<'EOF'\n#!/bin/bash\necho ran >> /var/tmp/ran\nEOF\naws ec2 run-instances --image-id {AL2023} --instance-type t3.micro --user-data file://ud.sh"));
    lab.run("lab advance 3m");
    let id = lab.world().compute.iter().next().unwrap().id.clone();
    lab.run(&format!("lab connect {id}"));
    let o = lab.run("cloud-init clean");
    assert_eq!(o.exit, 1, "not root");
    assert!(o.stderr.contains("Permission denied"), "{}", o.stderr);
    let o = lab.run("sudo cloud-init clean --logs");
    assert_eq!((o.exit, o.stdout.as_str(), o.stderr.as_str()), (0, "", ""));
    assert_eq!(lab.run("ls /var/lib/cloud /var/log/cloud-init.log").exit, 2);
    lab.run("exit");
    lab.run(&format!("aws ec2 reboot-instances --instance-ids {id}"));
    lab.run("lab advance 2m");
    let fs = &lab.world().compute.get(&id).unwrap().fs;
    assert_eq!(fs.read("/var/tmp/ran"), Some(&b"ran\nran\n"[..]));
    assert!(fs.is_file("/var/log/cloud-init-output.log"));
}

#[test]
fn an_instance_from_a_baked_image_runs_its_own_user_data() {
    let mut w = World::new(9);
    let a = launch_with(&mut w, AL2023, Some(b"#!/bin/bash\necho from-a >> /var/tmp/who-ran\n"));
    let baked_fs = w.compute.get(&a).unwrap().fs.clone();
    let req = RunRequest { image_id: AL2023.into(), instance_type: Some("t3.micro".into()), min_count: 1, max_count: 1, user_data: Some(b64(b"#!/bin/bash\necho from-b >> /var/tmp/who-ran\n")), ..Default::default() };
    let b = w.run_instances(req).unwrap().1.remove(0);
    // Same disk as A (what an AMI of A would carry), another instance id.
    w.compute.get_mut(&b).unwrap().fs = baked_fs;
    w.advance(3 * MINUTE);
    assert_eq!(file(&w, &b, "/var/tmp/who-ran").as_deref(), Some("from-a\nfrom-b\n"));
    assert_eq!(file(&w, &b, "/var/lib/cloud/data/previous-instance-id"), Some(format!("{a}\n")));
    assert!(file(&w, &b, &format!("/var/lib/cloud/instances/{a}/sem/config_scripts_user")).is_some());
    assert!(file(&w, &b, &format!("/var/lib/cloud/instances/{b}/sem/config_scripts_user")).is_some());
    assert!(main_log(&w, &b).contains(&format!("init will now be targeting instance id: {b}. new=True")));
}

#[test]
fn cloud_config_modules() {
    let gz = b64(&gzip(b"compressed content\n"));
    let ud = format!(
        r#"#cloud-config
package_update: true
packages:
  - httpd
  - [php, "8.2"]
write_files:
  - path: /etc/motd
    content: |
      Welcome
    permissions: '0600'
  - path: /opt/app/secret
    content: s3cret
    permissions: '0600'
  - path: /opt/app/config.b64
    encoding: b64
    content: aGVsbG8gYmFzZTY0Cg==
  - path: /opt/app/data.gz
    encoding: gz+b64
    content: {gz}
  - path: /etc/motd
    content: "second line\n"
    append: true
  - path: /home/deploy/app.conf
    content: "owned\n"
    owner: deploy:deploy
    defer: true
bootcmd:
  - echo bootcmd $INSTANCE_ID >> /var/tmp/bootcmd
runcmd:
  - echo "string item" > /var/tmp/runcmd
  - [sh, -c, "echo list item >> /var/tmp/runcmd"]
users:
  - default
  - name: deploy
    groups: [wheel, docker]
    sudo: ALL=(ALL) NOPASSWD:ALL
    shell: /bin/bash
    ssh_authorized_keys:
      - ssh-ed25519 AAAAC3Nza deploy@laptop
final_message: "Booted $version in $uptime s"
"#
    );
    let (mut w, id) = launch(&ud);
    assert_eq!(file(&w, &id, "/etc/motd").as_deref(), Some("Welcome\nsecond line\n"));
    // The appending entry has no `permissions`, so cloud-init sets the default 0644 again.
    assert_eq!(mode(&w, &id, "/etc/motd"), Some(0o644));
    assert_eq!(mode(&w, &id, "/opt/app/config.b64"), Some(0o644));
    assert_eq!(file(&w, &id, "/opt/app/config.b64").as_deref(), Some("hello base64\n"));
    assert_eq!((file(&w, &id, "/opt/app/secret").as_deref(), mode(&w, &id, "/opt/app/secret")), (Some("s3cret"), Some(0o600)));
    assert_eq!(file(&w, &id, "/opt/app/data.gz").as_deref(), Some("compressed content\n"));
    assert_eq!(file(&w, &id, "/home/deploy/app.conf").as_deref(), Some("owned\n"));
    assert_eq!(w.compute.get(&id).unwrap().fs.owner("/home/deploy/app.conf"), "deploy");
    assert_eq!(file(&w, &id, "/var/tmp/bootcmd"), Some(format!("bootcmd {id}\n")));
    assert_eq!(file(&w, &id, "/var/tmp/runcmd").as_deref(), Some("string item\nlist item\n"));
    let runcmd = file(&w, &id, &format!("/var/lib/cloud/instances/{id}/scripts/runcmd")).unwrap();
    assert_eq!(runcmd, "#!/bin/sh\necho \"string item\" > /var/tmp/runcmd\n'sh' '-c' 'echo list item >> /var/tmp/runcmd'\n");
    let passwd = file(&w, &id, "/etc/passwd").unwrap();
    assert!(passwd.contains("deploy:x:1001:1001::/home/deploy:/bin/bash\n"), "{passwd}");
    let group = file(&w, &id, "/etc/group").unwrap();
    assert!(group.lines().any(|l| l.starts_with("wheel:") && l.ends_with("deploy")), "{group}");
    assert!(group.lines().any(|l| l.starts_with("docker:") && l.ends_with(":deploy")), "{group}");
    assert!(file(&w, &id, "/etc/sudoers.d/90-cloud-init-users").unwrap().contains("deploy ALL=(ALL) NOPASSWD:ALL\n"));
    assert_eq!(file(&w, &id, "/home/deploy/.ssh/authorized_keys").as_deref(), Some("ssh-ed25519 AAAAC3Nza deploy@laptop\n"));
    let log = main_log(&w, &id);
    assert!(log.contains("Running command ['dnf', '-y', 'makecache'] with allowed return codes [0] (shell=False, capture=False)"), "{log}");
    assert!(log.contains("Running command ['dnf', '-y', 'install', 'httpd', 'php-8.2']"), "{log}");
    let out = out_log(&w, &id);
    assert!(out.lines().last().unwrap().starts_with("Booted 24.4.1 in "), "{out}");
    assert!(file(&w, &id, &format!("/var/lib/cloud/instances/{id}/cloud-config.txt")).unwrap().starts_with("#cloud-config\n# from 1 files\n# part-001\n\n---\n"));
    // bootcmd again at the next boot; runcmd and write_files not.
    w.compute.get_mut(&id).unwrap().fs.write("/etc/motd", b"changed\n".to_vec());
    reboot(&mut w, &id);
    assert_eq!(file(&w, &id, "/var/tmp/bootcmd"), Some(format!("bootcmd {id}\nbootcmd {id}\n")));
    assert_eq!(file(&w, &id, "/var/tmp/runcmd").as_deref(), Some("string item\nlist item\n"));
    assert_eq!(file(&w, &id, "/etc/motd").as_deref(), Some("changed\n"));
}

#[test]
fn write_files_owner_must_exist_unless_deferred() {
    let (w, id) = launch("#cloud-config\nusers: [default, {name: late}]\nwrite_files:\n  - path: /home/late/early.txt\n    content: x\n    owner: late:late\n  - path: /tmp/after\n    content: never\n");
    let c = ci(&w, &id);
    assert_eq!(c.status, CloudInitStatus::Error);
    assert_eq!(c.errors, ["('write_files', KeyError(\"getpwnam(): name not found: 'late'\"))"]);
    assert!(file(&w, &id, "/tmp/after").is_none(), "the module stops at the first failure");
}

#[test]
fn packages_fail_when_the_package_manager_does() {
    let (w, id) = launch("#cloud-config\npackages: [no-such-package-xyz]\n");
    let c = ci(&w, &id);
    assert_eq!(c.status, CloudInitStatus::Error);
    assert_eq!(c.errors.len(), 1);
    assert!(c.errors[0].starts_with("('package_update_upgrade_install', ProcessExecutionError(\"Unexpected error while running command.\\nCommand: ['dnf', '-y', 'install', 'no-such-package-xyz']\\nExit code: "), "{:?}", c.errors);
    assert!(out_log(&w, &id).contains("cc_package_update_upgrade_install.py[WARNING]: 1 failed with exceptions, re-raising the last one"));
}

#[test]
fn ubuntu_uses_apt_and_its_own_paths() {
    let mut w = World::new(5);
    let id = launch_with(&mut w, UBUNTU, Some(b"#cloud-config\npackages: [nginx]\n"));
    let log = main_log(&w, &id);
    assert!(log.contains("Running command ['apt-get', '--option=Dpkg::Options::=--force-confold', '--option=Dpkg::options::=--force-unsafe-io', '--assume-yes', '--quiet', 'update']"), "{log}");
    assert!(log.contains("'--quiet', 'install', 'nginx']"), "{log}");
    assert!(log.contains("/usr/lib/python3/dist-packages/cloudinit/config/cc_"));
    assert!(log.contains("Using distro class <class 'cloudinit.distros.ubuntu.Distro'>"));
    assert!(main_log(&w, &id).contains("User ubuntu already exists, skipping."));
}

#[test]
fn mime_multipart_combines_cloud_config_and_a_script() {
    let ud = "Content-Type: multipart/mixed; boundary=\"//\"\nMIME-Version: 1.0\n\n--//\nContent-Type: text/cloud-config; charset=\"us-ascii\"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\nContent-Disposition: attachment; filename=\"cloud-config.txt\"\n\n#cloud-config\ncloud_final_modules:\n- [scripts-user, always]\n\n--//\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\nMIME-Version: 1.0\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"userdata.txt\"\n\nIyEvYmluL2Jhc2gKZWNobyBldmVyeSBib290ID4+IC92YXIvdG1wL2V2ZXJ5Cg==\n--//--\n";
    let (mut w, id) = launch(ud);
    assert_eq!(file(&w, &id, "/var/tmp/every").as_deref(), Some("every boot\n"));
    assert!(file(&w, &id, &format!("/var/lib/cloud/instances/{id}/scripts/userdata.txt")).is_some(), "parts keep their filenames");
    reboot(&mut w, &id);
    assert_eq!(file(&w, &id, "/var/tmp/every").as_deref(), Some("every boot\nevery boot\n"), "[scripts-user, always]");
    // The final stage now runs only scripts-user: no final message.
    let out = out_log(&w, &id);
    assert!(!out.contains(" finished at "), "{out}");
    assert_eq!(ci(&w, &id).status, CloudInitStatus::Done);
}

#[test]
fn gzip_user_data_is_decompressed() {
    let mut w = World::new(8);
    let ud = gzip(b"#cloud-config\nruncmd:\n  - echo unzipped > /var/tmp/gz\n");
    let id = launch_with(&mut w, AL2023, Some(&ud));
    assert_eq!(file(&w, &id, "/var/tmp/gz").as_deref(), Some("unzipped\n"));
    let raw = w.compute.get(&id).unwrap().fs.read(&format!("/var/lib/cloud/instances/{id}/user-data.txt")).unwrap().to_vec();
    assert_eq!(raw, ud, "user-data.txt keeps the data as fetched");
}

#[test]
fn boothooks_run_at_every_boot_with_the_instance_id() {
    let (mut w, id) = launch("#cloud-boothook\n#!/bin/sh\necho hook $INSTANCE_ID >> /var/tmp/hook\n");
    assert_eq!(file(&w, &id, "/var/tmp/hook"), Some(format!("hook {id}\n")));
    stop_start(&mut w, &id);
    assert_eq!(file(&w, &id, "/var/tmp/hook"), Some(format!("hook {id}\nhook {id}\n")));
    assert!(file(&w, &id, &format!("/var/lib/cloud/instances/{id}/boothooks/part-001")).unwrap().starts_with("#!/bin/sh\n"));
}

#[test]
fn garbage_is_stored_but_not_understood() {
    let (w, id) = launch("hello world, this is not a script\nsecond line\n");
    let out = out_log(&w, &id);
    assert!(out.contains("__init__.py[WARNING]: Unhandled non-multipart (text/x-not-multipart) userdata: 'hello world, this is not...'"), "{out}");
    let c = ci(&w, &id);
    assert_eq!(c.status, CloudInitStatus::Done, "degraded, not error");
    assert!(!c.stages[1].warnings.is_empty());
    // Binary bytes too.
    let mut w = World::new(2);
    let id = launch_with(&mut w, AL2023, Some(&[0u8, 159, 146, 150, 255, 10, 1, 2]));
    assert!(out_log(&w, &id).contains("userdata: '\\x00\\x9f\\x92\\x96\\xff\\n\\x01\\x02...'"), "{}", out_log(&w, &id));
}

#[test]
fn invalid_yaml_runs_nothing() {
    let (w, id) = launch("#cloud-config\nruncmd:\n  - echo hi > /var/tmp/x\n packages: [a\n");
    assert!(file(&w, &id, "/var/tmp/x").is_none());
    let out = out_log(&w, &id);
    assert!(out.contains("util.py[WARNING]: Failed loading yaml blob. Invalid format at line "), "{out}");
    assert!(out.contains("Failed at merging in cloud config part from part-001"), "{out}");
    assert!(file(&w, &id, &format!("/var/lib/cloud/instances/{id}/cloud-config.txt")).is_none());
}

#[test]
fn unknown_keys_are_schema_warnings_and_unsimulated_keys_are_said_plainly() {
    let (mut w, id) = launch("#cloud-config\npackges: [httpd]\ntimezone: Europe/Paris\nruncmd: [echo ok > /var/tmp/ok]\n");
    assert_eq!(file(&w, &id, "/var/tmp/ok").as_deref(), Some("ok\n"));
    let out = out_log(&w, &id);
    assert!(out.contains("schema.py[WARNING]: Invalid cloud-config provided: Please run 'sudo cloud-init schema --system' to see the schema errors."), "{out}");
    assert_eq!(ci(&w, &id).schema_errors, ["Additional properties are not allowed ('packges' was unexpected)"]);
    let notes = w.take_notes();
    assert!(notes.iter().any(|n| n.contains("cloud-config key 'timezone' is valid, but ec2lab does not simulate it")), "{notes:?}");
}

#[test]
fn unsupported_formats_are_reported_not_faked() {
    for (ud, what) in [
        ("#include\nhttps://example.com/setup.sh\n", "fetches nothing"),
        ("## template: jinja\n#cloud-config\nruncmd: [echo {{ v1.instance_id }}]\n", "does not render templates"),
        ("#part-handler\ndef list_types(): return []\n", "does not run part handlers"),
        ("#!/usr/bin/env python3\nprint('hi')\n", "runs only sh and bash scripts"),
    ] {
        let (mut w, id) = launch(ud);
        let notes = w.take_notes();
        assert!(notes.iter().any(|n| n.contains(what)), "{ud}: {notes:?}");
        assert!(main_log(&w, &id).contains(what));
    }
}

#[test]
fn archive_parts_are_expanded() {
    let (w, id) = launch("#cloud-config-archive\n- type: text/cloud-config\n  content: |\n    runcmd: [echo archived > /var/tmp/arch]\n- content: \"#!/bin/sh\\necho script >> /var/tmp/arch2\\n\"\n");
    assert_eq!(file(&w, &id, "/var/tmp/arch").as_deref(), Some("archived\n"));
    assert_eq!(file(&w, &id, "/var/tmp/arch2").as_deref(), Some("script\n"));
}

#[test]
fn metadata_service_disabled_means_no_user_data() {
    let mut w = World::new(4);
    let req = RunRequest {
        image_id: AL2023.into(),
        instance_type: Some("t3.micro".into()),
        min_count: 1,
        max_count: 1,
        user_data: Some(b64(b"#!/bin/bash\necho ran > /var/tmp/ran\n")),
        metadata: MetadataOptionsRequest { http_endpoint: Some("disabled".into()), ..Default::default() },
        ..Default::default()
    };
    let id = w.run_instances(req).unwrap().1.remove(0);
    w.advance(3 * MINUTE);
    assert!(file(&w, &id, "/var/tmp/ran").is_none());
    assert_eq!(ci(&w, &id).datasource, "DataSourceNone");
    assert!(out_log(&w, &id).contains("Datasource DataSourceNone."));
}

#[test]
fn no_user_data_still_boots_cleanly() {
    let mut w = World::new(1);
    let id = launch_with(&mut w, AL2023, None);
    let c = ci(&w, &id);
    assert_eq!(c.status, CloudInitStatus::Done);
    assert!(c.stages.iter().all(|s| s.warnings.is_empty() && s.errors.is_empty()), "{:?}", c.stages);
    assert_eq!(file(&w, &id, &format!("/var/lib/cloud/instances/{id}/user-data.txt")).as_deref(), Some(""));
}

// --- the command -------------------------------------------------------------------------------

fn lab_with(ud: &str) -> (Lab, String) {
    let mut lab = Lab::new(21);
    let o = lab.run(&format!("cat > ud.txt <<'EOF'\n{ud}EOF"));
    assert_eq!(o.exit, 0);
    let o = lab.run(&format!("aws ec2 run-instances --image-id {AL2023} --instance-type t3.micro --user-data file://ud.txt --query 'Instances[0].InstanceId' --output text"));
    let id = o.stdout.trim().to_string();
    (lab, id)
}

/// Connect as soon as sshd answers (cloud-init is usually still running then).
fn connect_early(lab: &mut Lab, id: &str) {
    for _ in 0..120 {
        lab.run("lab advance 1s");
        let inst = lab.world().compute.get(id).unwrap();
        if inst.sshd_ready(lab.now()) {
            break;
        }
    }
    let o = lab.run(&format!("lab connect {id}"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
}

#[test]
fn status_follows_the_clock_and_wait_moves_it() {
    let (mut lab, id) = lab_with("#!/bin/bash\nsleep 90\necho done sleeping\n");
    connect_early(&mut lab, &id);
    let o = lab.run("cloud-init status");
    assert_eq!((o.stdout.as_str(), o.exit), ("status: running\n", 0));
    let o = lab.run("cloud-init status --long");
    assert!(o.stdout.starts_with("status: running\nextended_status: running\nboot_status_code: enabled-by-generator\nlast_update: Mon, 05 Jan 2026 "), "{}", o.stdout);
    let before = lab.now();
    let o = lab.run("cloud-init status --wait");
    let dots = o.stdout.chars().take_while(|c| *c == '.').count();
    assert!(dots > 200, "one dot per quarter second of a 90 s script: {dots}");
    assert!(o.stdout.ends_with("\nstatus: done\n"), "{}", o.stdout);
    let waited = lab.now().0 - before.0;
    assert!((dots as u64 - 1) * 250 <= waited && waited <= dots as u64 * 250, "{waited} vs {dots}");
    let o = lab.run("cloud-init status --long");
    assert_eq!(o.exit, 0);
    assert!(o.stdout.contains("\ndetail: DataSourceEc2Local\nerrors: []\nrecoverable_errors: {}\n"), "{}", o.stdout);
    let o = lab.run("cloud-init status --format json");
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!((v["status"].as_str(), v["datasource"].as_str(), v["stage"].is_null()), (Some("done"), Some("ec2local"), true));
    assert_eq!(lab.run("cloud-init --version").stdout, "/usr/bin/cloud-init 24.4.1\n");
    assert_eq!(lab.run("cloud-init frobnicate").exit, 2);
    assert_eq!(lab.run("cloud-init analyze show").exit, 1);
    assert_eq!(lab.run("sudo cloud-init query userdata").stdout, "#!/bin/bash\nsleep 90\necho done sleeping\n");
    lab.run("exit");
    let o = lab.run("cloud-init status");
    assert_eq!((o.exit, o.stderr.as_str()), (127, "bash: cloud-init: command not found\n"));
}

#[test]
fn status_error_and_degraded_exit_codes() {
    let (mut lab, id) = lab_with("#!/bin/bash\nfalse\n");
    lab.run("lab advance 3m");
    lab.run(&format!("lab connect {id}"));
    let o = lab.run("cloud-init status --long");
    assert_eq!(o.exit, 1);
    assert!(o.stdout.starts_with("status: error\nextended_status: error - done\n"), "{}", o.stdout);
    assert!(o.stdout.contains("errors:\n\t- ('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))\nrecoverable_errors:\nWARNING:\n\t- Failed to run module scripts_user"), "{}", o.stdout);
    let (mut lab, id) = lab_with("#cloud-config\nnot_a_key: 1\n");
    lab.run("lab advance 3m");
    lab.run(&format!("lab connect {id}"));
    let o = lab.run("cloud-init status --long");
    assert_eq!(o.exit, 2);
    assert!(o.stdout.starts_with("status: done\nextended_status: degraded done\n"), "{}", o.stdout);
    let o = lab.run("sudo cloud-init schema --system");
    assert_eq!(o.exit, 1);
    assert!(o.stderr.contains("Additional properties are not allowed ('not_a_key' was unexpected)"), "{}", o.stderr);
}

#[test]
fn status_wait_inside_user_data_does_not_hang() {
    let (w, id) = launch("#!/bin/bash\ncloud-init status --wait\necho after=$?\n");
    assert!(out_log(&w, &id).contains("would wait forever"));
    assert!(out_log(&w, &id).contains("after=1"));
}

// --- hostile input -----------------------------------------------------------------------------

#[test]
fn gzip_bombs_stop_at_the_cap() {
    let bomb = gzip(&vec![b'a'; userdata::MAX_DECOMPRESSED + 10]);
    assert!(bomb.len() < 16 * 1024, "fits in user data: {}", bomb.len());
    let mut w = World::new(6);
    let id = launch_with(&mut w, AL2023, Some(&bomb));
    assert!(out_log(&w, &id).contains("expands beyond 1 MiB"));
    assert_eq!(ci(&w, &id).status, CloudInitStatus::Done);
    assert!(userdata::gunzip(&bomb[..bomb.len() / 2]).is_err(), "truncated gzip is an error, not a panic");
}

#[test]
fn yaml_bombs_and_deep_nesting_are_refused() {
    let mut laughs = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (prev, cur) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"]) {
        laughs.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let e = yaml::load(&laughs).unwrap_err();
    assert!(e.message.contains("too large") || e.message.contains("repetition limit"), "{e:?}");
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(yaml::load(&deep).is_err());
    assert_eq!(yaml::load("").unwrap(), Yaml::Null);
    assert!(yaml::load("a: 1\n---\nb: 2\n").is_err());
    let (w, id) = launch(&format!("#cloud-config\n{laughs}"));
    assert!(out_log(&w, &id).contains("Failed loading yaml blob"));
}

#[test]
fn hostile_bytes_never_panic() {
    // A small deterministic generator over bytes that matter to the parsers.
    let alphabet: &[&[u8]] = &[
        b"#cloud-config\n", b"#!/bin/sh\n", b"Content-Type: multipart/mixed; boundary=\"b\"\n", b"MIME-Version: 1.0\n", b"\n", b"--b\n",
        b"--b--\n", b"Content-Transfer-Encoding: base64\n", b"Content-Transfer-Encoding: quoted-printable\n", b"=\n", b"=4", b"- ", b": ", b"&a ",
        b"*a ", b"[", b"]", b"{", b"}", b"\"", b"'", b"\x1f\x8b", b"\xff\xfe", b"\0", b"write_files:\n", b"  - path: ", b"content: ",
        b"encoding: gz+b64\n", b"#cloud-config-archive\n", b"#cloud-boothook\n", b"#include\n", b"Content-Type: text/x-shellscript\n",
        b"Content-Disposition: attachment; filename=\"../../x\"\n", b"!tag ", b"\r\n", b"\t",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..3000 {
        let mut data = Vec::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = (seed % 40) as usize;
        for k in 0..n {
            let pick = (seed.rotate_left(k as u32 * 5) % alphabet.len() as u64) as usize;
            data.extend_from_slice(alphabet[pick]);
        }
        let p = userdata::parse(&data, "0");
        for part in &p.parts {
            let _ = yaml::load(&String::from_utf8_lossy(&part.body));
        }
        let _ = userdata::preview(&data);
        let _ = userdata::header_param(&String::from_utf8_lossy(&data), "boundary");
    }
    // A few of them through a whole boot.
    let mut w = World::new(12);
    for ud in [&b"Content-Type: multipart/mixed\nMIME-Version: 1.0\n\nno boundary"[..], b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\n--x\n--x--", b"#cloud-config\nwrite_files: [{path: /}, {path: '', content: x}, 7, {path: /tmp/a, encoding: b64, content: '!!!'}]\nusers: [{name: 'bad name'}, 5, {gecos: x}]\nruncmd: [[], {a: b}]\n", b"#cloud-config\nbootcmd: yes\npackages: {a: b}\ncloud_final_modules: [[], [nope, sometimes], [scripts-user, weekly]]\n"] {
        let id = launch_with(&mut w, AL2023, Some(ud));
        assert!(ci(&w, &id).finished_at.is_some());
    }
}

#[test]
fn mime_parsing_details() {
    let ud = b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"==BOUNDARY==\"\r\n\r\npreamble\r\n--==BOUNDARY==\r\nContent-Type: text/plain\r\n\r\n#!/bin/sh\r\necho crlf\r\n--==BOUNDARY==\r\nContent-Type: application/x-gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    let mut data = ud.to_vec();
    data.extend_from_slice(b64(&gzip(b"#cloud-config\nruncmd: [x]\n")).as_bytes());
    data.extend_from_slice(b"\r\n--==BOUNDARY==\r\nContent-Type: text/x-shellscript\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n#!/bin/sh\r\necho a=3Db\r\n--==BOUNDARY==--\r\nepilogue");
    let p = userdata::parse(&data, "1");
    let types: Vec<&str> = p.parts.iter().map(|p| p.ctype.as_str()).collect();
    assert_eq!(types, ["text/x-shellscript", "text/cloud-config", "text/x-shellscript"], "{:?}", p.notes);
    assert_eq!(p.parts[0].body, b"#!/bin/sh\r\necho crlf");
    assert_eq!(p.parts[1].body, b"#cloud-config\nruncmd: [x]\n");
    assert_eq!(p.parts[2].body, b"#!/bin/sh\r\necho a=b");
    assert_eq!(p.parts.iter().map(|p| p.filename.as_str()).collect::<Vec<_>>(), ["part-001", "part-002", "part-003"]);
    assert_eq!(userdata::type_from_starts_with(b"  #Cloud-Config-Archive\n"), Some("text/cloud-config-archive"));
    assert_eq!(userdata::type_from_starts_with(b"#include-once\n"), Some("text/x-include-once-url"));
}

#[test]
fn helpers() {
    assert_eq!(super::py_repr("it's"), "\"it's\"");
    assert_eq!(super::py_repr("a\nb"), "'a\\nb'");
    assert_eq!(super::rfc2822(crate::clock::EPOCH_START_MS), "Mon, 05 Jan 2026 09:00:00 +0000");
    assert_eq!(super::log_ts(crate::clock::EPOCH_START_MS + 31_123), "2026-01-05 09:00:31,123");
    assert_eq!(super::link_local("0e:12:34:56:78:9a"), "fe80::c12:34ff:fe56:789a/64");
    assert_eq!(super::py_center("ens5", 9), "   ens5  ");
    assert_eq!(super::py_center("UG", 5), "  UG ");
    assert_eq!(super::render_template("v$version ${uptime}s $other", &[("version", "1"), ("uptime", "2")]), "v1 2s $other");
    assert_eq!(super::modules::decode_perms(&Yaml::Str("0640".into())), Some(0o640));
    assert_eq!(super::modules::decode_perms(&Yaml::Num("420".into())), Some(0o644));
    assert_eq!(super::modules::decode_perms(&Yaml::Str("rwx".into())), None);
    let t = super::table("T", &["A", "Bee"], &[vec!["x".into(), "yy".into()]]);
    assert_eq!(t, "+++++T+++++\n+---+-----+\n| A | Bee |\n+---+-----+\n| x |  yy |\n+---+-----+\n");
}

#[test]
fn a_reboot_requested_mid_boot_is_not_followed() {
    let (mut w, id) = launch("#!/bin/bash\necho ok\n");
    let before = main_log(&w, &id);
    // As if a boot script of the boot in progress asked for a reboot.
    w.compute.get_mut(&id).unwrap().guest.cloud_init = crate::guest::CloudInit { status: CloudInitStatus::Running, ..Default::default() };
    let _ = w.take_notes();
    let now = w.now();
    super::boot(&mut w, &id, now);
    assert_eq!(main_log(&w, &id), before, "no nested boot ran");
    assert!(w.take_notes().iter().any(|n| n.contains("reboot requested from inside cloud-init's boot scripts")));
}

#[test]
fn user_data_changed_while_stopped_is_stored_but_not_run() {
    let (mut w, id) = launch("#!/bin/bash\necho first >> /var/tmp/ran\n");
    w.stop_instances(&[id.clone()], false).unwrap();
    w.advance(2 * MINUTE);
    // What modify-instance-attribute --attribute userData does while the instance is stopped.
    w.compute.get_mut(&id).unwrap().user_data = Some(b64(b"#!/bin/bash\necho second >> /var/tmp/ran\n"));
    w.start_instances(&[id.clone()]).unwrap();
    w.advance(2 * MINUTE);
    assert_eq!(file(&w, &id, "/var/tmp/ran").as_deref(), Some("first\n"));
    let dir = format!("/var/lib/cloud/instances/{id}");
    assert!(file(&w, &id, &format!("{dir}/user-data.txt")).unwrap().contains("second"), "the new user data is fetched and kept");
    assert!(file(&w, &id, &format!("{dir}/scripts/part-001")).unwrap().contains("second"));
    assert!(main_log(&w, &id).contains("config-scripts_user already ran (freq=once-per-instance)"));
}
