//! The `cloud-init` command on an instance: `status [--long] [--wait] [--format json]`,
//! `clean [--logs] [--reboot] [--seed] [--machine-id]`, `query userdata`, `schema --system`,
//! `--version`; the other subcommands say plainly that they are not simulated.

use super::{decode_user_data, py_repr, recoverable, rfc2822, stage_objects, StageView, CLOUD_DIR, DATASOURCE_EC2, LOG_FILE, OUTPUT_LOG, VERSION};
use crate::console::shell::{CmdOut, Invocation, System};
use crate::console::Machine;
use crate::guest::CloudInitStatus;


const SUBCOMMANDS: &[&str] = &["init", "modules", "single", "query", "features", "analyze", "devel", "collect-logs", "clean", "status", "schema"];

fn usage() -> String {
    format!("usage: /usr/bin/cloud-init [-h] [-d] [-f FILES] [--force] [-v] [--all-stages] {{{}}} ...\n", SUBCOMMANDS.join(","))
}

fn usage_error(msg: &str) -> CmdOut {
    CmdOut::err(2, format!("{}/usr/bin/cloud-init: error: {msg}\n", usage()))
}

pub(crate) fn has_command(m: &Machine, name: &str) -> bool {
    name == "cloud-init" && m.on_instance().is_some()
}

pub(crate) fn command(m: &mut Machine, inv: &Invocation) -> Option<CmdOut> {
    let id = m.on_instance()?.to_string();
    m.world.compute.get(&id)?;
    let args: Vec<String> = inv.argv.iter().skip(1).cloned().collect();
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        match args[i].as_str() {
            "-h" | "--help" => return Some(CmdOut::ok(help())),
            "-v" | "--version" => return Some(CmdOut::ok(format!("/usr/bin/cloud-init {VERSION}\n"))),
            "-d" | "--debug" | "--force" | "--all-stages" => {}
            "-f" | "--files" => i += 1,
            other => return Some(usage_error(&format!("unrecognized arguments: {other}"))),
        }
        i += 1;
    }
    let Some(sub) = args.get(i) else {
        return Some(usage_error("the following arguments are required: subcommand"));
    };
    let rest = &args[i + 1..];
    let root = inv.env.get("USER").is_none_or(|u| u == "root");
    Some(match sub.as_str() {
        "status" => status(m, &id, rest),
        "clean" => clean(m, &id, rest, root),
        "query" => query(m, &id, rest, root),
        "schema" => schema(m, &id, rest),
        s if SUBCOMMANDS.contains(&s) => CmdOut::err(1, format!("ec2lab: cloud-init {s} is not simulated (status, clean, query userdata and schema --system are)\n")),
        other => usage_error(&format!(
            "argument subcommand: invalid choice: {} (choose from {})",
            py_repr(other),
            SUBCOMMANDS.iter().map(|s| py_repr(s)).collect::<Vec<_>>().join(", ")
        )),
    })
}

fn help() -> String {
    format!(
        "{}\nCloud-init provides a mechanism for cloud instance initialization. This is done by\nidentifying the cloud platform that is in use, reading provided cloud metadata and\noptional vendor and user data, and then initializing the instance as requested.\n\npositional arguments:\n  {{{}}}\n    status              Report cloud-init status or wait on completion.\n    clean               Remove logs and artifacts so cloud-init re-runs.\n    query               Query standardized instance metadata from the command line.\n    schema              Validate cloud-config files using jsonschema.\n\noptions:\n  -h, --help            show this help message and exit\n  -v, --version         Show program's version number and exit.\n\nIn ec2lab: status, clean, query userdata and schema --system are simulated.\n",
        usage().trim_end(),
        SUBCOMMANDS.join(",")
    )
}

/// What `cloud-init status` sees at `now`.
struct StatusView {
    /// `not started`, `running`, `done`.
    running: &'static str,
    errors: Vec<String>,
    warnings: Vec<String>,
    detail: String,
    last_update: Option<u64>,
    v1: serde_json::Map<String, serde_json::Value>,
    datasource: String,
    stage: Option<&'static str>,
}

fn status_view(ci: &crate::guest::CloudInit, now: u64) -> StatusView {
    let stages: Vec<StageView> = ci.stages.iter().map(|s| {
        let name: &'static str = match s.name.as_str() {
            "init-local" => "init-local",
            "init" => "init",
            "modules:config" => "modules:config",
            "modules:final" => "modules:final",
            _ => "modules-init",
        };
        (name, s.start.0, s.end.0, s.errors.clone(), s.warnings.clone())
    }).collect();
    let (v1, stage) = stage_objects(&stages, Some(now));
    let visible: Vec<&StageView> = stages.iter().filter(|s| s.2 <= now).collect();
    let errors: Vec<String> = visible.iter().flat_map(|s| s.3.iter().cloned()).collect();
    let warnings: Vec<String> = visible.iter().flat_map(|s| s.4.iter().cloned()).collect();
    let last_update = stages.iter().flat_map(|s| [s.1, s.2]).filter(|&t| t <= now).max();
    let running = match (ci.status, ci.finished_at) {
        (CloudInitStatus::NotRun, _) => "not started",
        (CloudInitStatus::Running, _) => "running",
        (_, Some(t)) if t.0 > now => "running",
        _ => "done",
    };
    let local_done = stages.first().is_some_and(|s| s.2 <= now);
    let detail = if local_done || running == "done" {
        if ci.datasource.is_empty() { DATASOURCE_EC2.to_string() } else { ci.datasource.clone() }
    } else if running == "not started" {
        "Cloud-init enabled by systemd cloud-init-generator".to_string()
    } else {
        "Running in stage: init-local".to_string()
    };
    let ds = if local_done || running == "done" { detail.to_ascii_lowercase().replace("datasource", "") } else { String::new() };
    StatusView { running, errors, warnings, detail, last_update, v1, datasource: ds, stage }
}

fn status(m: &mut Machine, id: &str, args: &[String]) -> CmdOut {
    let (mut long, mut wait, mut format) = (false, false, "tabular".to_string());
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-l" | "--long" => long = true,
            "-w" | "--wait" => wait = true,
            "-lw" | "-wl" => {
                long = true;
                wait = true;
            }
            "-h" | "--help" => {
                return CmdOut::ok("usage: /usr/bin/cloud-init status [-h] [--format {json,tabular,yaml}] [-l] [-w]\n\nReport run status of cloud init\n\noptions:\n  -h, --help            show this help message and exit\n  --format {json,tabular,yaml}\n                        Specify output format for cloud-id (default: tabular)\n  -l, --long            Report long format of statuses including run stage name and error messages\n  -w, --wait            Block waiting on cloud-init to complete\n");
            }
            "--format" => {
                i += 1;
                match args.get(i) {
                    Some(f) => format = f.clone(),
                    None => return usage_error("argument --format: expected one argument"),
                }
            }
            _ if a.starts_with("--format=") => format = a["--format=".len()..].to_string(),
            other => return usage_error(&format!("unrecognized arguments: {other}")),
        }
        i += 1;
    }
    if !matches!(format.as_str(), "json" | "tabular" | "yaml") {
        return usage_error(&format!("argument --format: invalid choice: {} (choose from 'json', 'tabular', 'yaml')", py_repr(&format)));
    }
    if format == "yaml" {
        return CmdOut::err(1, "ec2lab: cloud-init status --format yaml is not simulated (tabular and json are)\n");
    }
    let inside_boot = m.clock.is_some();
    let ci = match m.world.compute.get(id) {
        Some(inst) => inst.guest.cloud_init.clone(),
        None => return CmdOut::err(1, "cloud-init: instance is gone\n"),
    };
    let mut out = String::new();
    let mut view = status_view(&ci, m.now_millis());
    if wait && matches!(view.running, "running" | "not started") {
        if inside_boot {
            return CmdOut::err(
                1,
                "ec2lab: `cloud-init status --wait` inside cloud-init's own boot scripts would wait forever (cloud-init waits for the script, the script for cloud-init); ec2lab stops it here\n",
            );
        }
        if let Some(end) = ci.finished_at {
            let now = m.now_millis();
            let remaining = end.0.saturating_sub(now);
            // One dot per poll, every quarter second.
            let dots = remaining.div_ceil(250).clamp(1, 20_000) as usize;
            out.push_str(&".".repeat(dots));
            m.sleep(remaining);
            view = status_view(&ci, m.now_millis());
        }
    }
    let condition = if !view.errors.is_empty() {
        "error"
    } else if !view.warnings.is_empty() {
        "degraded"
    } else {
        "healthy"
    };
    let (st, extended) = match (condition, view.running) {
        ("error", r) => ("error".to_string(), format!("error - {r}")),
        ("degraded", r @ ("done" | "running")) => (r.to_string(), format!("degraded {r}")),
        (_, r) => (r.to_string(), r.to_string()),
    };
    let code = match condition {
        "error" => 1,
        "degraded" => 2,
        _ => 0,
    };
    let last_update = view.last_update.map(rfc2822).unwrap_or_default();
    if format == "json" {
        let mut d = serde_json::Map::new();
        d.insert("boot_status_code".into(), "enabled-by-generator".into());
        d.insert("datasource".into(), view.datasource.clone().into());
        d.insert("detail".into(), view.detail.clone().into());
        d.insert("errors".into(), serde_json::json!(view.errors));
        d.insert("extended_status".into(), extended.clone().into());
        for (k, v) in &view.v1 {
            d.insert(k.clone(), v.clone());
        }
        d.insert("last_update".into(), last_update.clone().into());
        d.insert("recoverable_errors".into(), recoverable(&view.warnings));
        d.insert("stage".into(), view.stage.map(serde_json::Value::from).unwrap_or(serde_json::Value::Null));
        d.insert("status".into(), st.clone().into());
        let mut sorted: Vec<(String, serde_json::Value)> = d.into_iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let obj: serde_json::Map<String, serde_json::Value> = sorted.into_iter().collect();
        out.push_str(&serde_json::to_string_pretty(&serde_json::Value::Object(obj)).unwrap_or_default());
        out.push('\n');
        return CmdOut { stdout: out.into_bytes(), stderr: Vec::new(), code };
    }
    if wait {
        out.push('\n');
    }
    out.push_str(&format!("status: {st}\n"));
    if long {
        out.push_str(&format!("extended_status: {extended}\nboot_status_code: enabled-by-generator\n"));
        if !last_update.is_empty() {
            out.push_str(&format!("last_update: {last_update}\n"));
        }
        out.push_str(&format!("detail: {}\n", view.detail));
        if view.errors.is_empty() {
            out.push_str("errors: []\n");
        } else {
            out.push_str("errors:\n");
            for e in &view.errors {
                out.push_str(&format!("\t- {e}\n"));
            }
        }
        if view.warnings.is_empty() {
            out.push_str("recoverable_errors: {}\n");
        } else {
            out.push_str("recoverable_errors:\nWARNING:\n");
            for w in &view.warnings {
                out.push_str(&format!("\t- {}\n", w.replace('\n', " ")));
            }
        }
    }
    CmdOut { stdout: out.into_bytes(), stderr: Vec::new(), code }
}

fn clean(m: &mut Machine, id: &str, args: &[String], root: bool) -> CmdOut {
    let (mut logs, mut reboot, mut seed, mut machine_id) = (false, false, false, false);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-l" | "--logs" => logs = true,
            "-r" | "--reboot" => reboot = true,
            "-s" | "--seed" => seed = true,
            "--machine-id" => machine_id = true,
            "-c" | "--configs" => {
                // Generated network/ssh configs: ec2lab writes none, so there is nothing to remove.
                i += 1;
                while i < args.len() && !args[i].starts_with('-') {
                    if !matches!(args[i].as_str(), "all" | "ssh_config" | "network") {
                        return usage_error(&format!("argument -c/--configs: invalid choice: {} (choose from 'all', 'ssh_config', 'network')", py_repr(&args[i])));
                    }
                    i += 1;
                }
                continue;
            }
            "-h" | "--help" => {
                return CmdOut::ok("usage: /usr/bin/cloud-init clean [-h] [-l] [--machine-id] [-r] [-s] [-c {all,ssh_config,network} [{all,ssh_config,network} ...]]\n\nRemove logs, configs and artifacts so cloud-init re-runs on a clean system\n\noptions:\n  -h, --help            show this help message and exit\n  -l, --logs            Remove cloud-init logs.\n  --machine-id          Set /etc/machine-id to 'uninitialized\n' for golden image creation.\n  -r, --reboot          Reboot system after logs are cleaned so cloud-init re-runs.\n  -s, --seed            Remove cloud-init seed directory /var/lib/cloud/seed.\n  -c, --configs         Remove cloud-init generated config files of a certain type.\n");
            }
            other => return usage_error(&format!("unrecognized arguments: {other}")),
        }
        i += 1;
    }
    let Some(inst) = m.world.compute.get_mut(id) else { return CmdOut::err(1, "") };
    let fs = &mut inst.fs;
    if !root {
        // The first thing it touches is root's: Python's PermissionError, as cloud-init reports it.
        if logs && fs.exists(LOG_FILE) {
            return CmdOut::err(1, format!("Error:\nCould not remove {LOG_FILE}: [Errno 13] Permission denied: '{LOG_FILE}'\n"));
        }
        if let Some(first) = fs.list_dir(CLOUD_DIR).ok().and_then(|l| l.into_iter().find(|n| seed || n != "seed")) {
            let p = format!("{CLOUD_DIR}/{first}");
            return CmdOut::err(1, format!("Error:\nCould not remove {p}: [Errno 13] Permission denied: '{p}'\n"));
        }
        return CmdOut::ok("");
    }
    if logs {
        let _ = fs.remove(LOG_FILE, false);
        let _ = fs.remove(OUTPUT_LOG, false);
    }
    if let Ok(entries) = fs.list_dir(CLOUD_DIR) {
        for e in entries {
            if e == "seed" && !seed {
                continue;
            }
            let _ = fs.remove(&format!("{CLOUD_DIR}/{e}"), true);
        }
    }
    if machine_id {
        let _ = fs.write_file("/etc/machine-id", b"uninitialized\n".to_vec());
        let _ = fs.set_mode("/etc/machine-id", 0o444);
    }
    if reboot {
        if m.clock.is_some() {
            // Inside cloud-init's own boot scripts a reboot would start the boot that is running
            // again (on EC2, a boot loop); ec2lab does not follow it there.
            return CmdOut::err(1, "ec2lab: rebooting from inside cloud-init's boot scripts is not simulated; the artifacts were cleaned, no reboot happened\n");
        }
        // `shutdown -r now`: the instance reboots; the session closes with it.
        let _ = m.world.reboot_instances(&[id.to_string()]);
    }
    CmdOut::ok("")
}

fn query(m: &mut Machine, id: &str, args: &[String], root: bool) -> CmdOut {
    let Some(inst) = m.world.compute.get(id) else { return CmdOut::err(1, "") };
    match args.first().map(String::as_str) {
        Some("userdata") | Some("--user-data") | Some("-u") => {
            if !root {
                return CmdOut::err(1, "Error:\nNo read permission on '/var/lib/cloud/instance/user-data.txt'. Try sudo\n");
            }
            let raw = decode_user_data(inst.user_data.as_deref()).unwrap_or_default();
            let mut out = raw;
            if !out.is_empty() && !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            CmdOut::ok(out)
        }
        Some("instance_id") | Some("instance-id") | Some("v1.instance_id") => CmdOut::ok(format!("{id}\n")),
        Some("-h") | Some("--help") | None => CmdOut::err(
            1,
            "Expected one of the options: --all, --format, --list-keys or varname\nusage: /usr/bin/cloud-init query [-h] [-d] [-i INSTANCE_DATA] [-l] [-u USER_DATA] [-v VENDOR_DATA] [-a] [-f FORMAT] [varname]\n",
        ),
        Some(other) => CmdOut::err(1, format!("ec2lab: cloud-init query {other} is not simulated (userdata and instance_id are)\n")),
    }
}

fn schema(m: &mut Machine, id: &str, args: &[String]) -> CmdOut {
    if !args.iter().any(|a| a == "--system") {
        return CmdOut::err(1, "ec2lab: only `cloud-init schema --system` is simulated\n");
    }
    let Some(inst) = m.world.compute.get(id) else { return CmdOut::err(1, "") };
    let file = format!("/var/lib/cloud/instances/{id}/cloud-config.txt");
    let errs = inst.guest.cloud_init.schema_errors.clone();
    let has_cfg = inst.fs.exists(&file);
    let mut out = String::from("Found cloud-config data types: user-data\n\n");
    if !has_cfg {
        return CmdOut::ok("Found cloud-config data types: (none)\n\nNo cloud-config files found to validate. Provide user-data with #cloud-config or a MIME part of text/cloud-config.\n");
    }
    out.push_str(&format!("1. user-data at {file}:\n"));
    if errs.is_empty() {
        out.push_str("  Valid schema user-data\n");
        return CmdOut::ok(out);
    }
    out.push_str(&format!("  Invalid user-data {file}\n"));
    let mut err = String::from("Error: Cloud config schema errors: ");
    err.push_str(&errs.join(", "));
    err.push_str("\n\nError: Invalid schema: user-data\n\n");
    CmdOut { stdout: out.into_bytes(), stderr: err.into_bytes(), code: 1 }
}
