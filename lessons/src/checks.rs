//! Evaluating checks. Every check only reads: console queries go through [`Lab::observe`] (a copy
//! of the world, a fresh workstation session), predicates read the world directly.

use crate::model::{Check, CheckKind, InstanceFilter};
use engine::compute::{Instance, State};
use engine::console::Place;
use engine::Lab;

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub passed: bool,
    /// What was seen, in words (for authors and for "why not yet?").
    pub detail: String,
}

impl CheckResult {
    fn pass(detail: impl Into<String>) -> CheckResult {
        CheckResult { passed: true, detail: detail.into() }
    }
    fn fail(detail: impl Into<String>) -> CheckResult {
        CheckResult { passed: false, detail: detail.into() }
    }
}

fn matches(i: &Instance, f: &InstanceFilter) -> bool {
    f.tag_name.as_deref().is_none_or(|n| i.name_tag() == Some(n)) && f.instance_id.as_deref().is_none_or(|id| i.id == id)
}

fn gone(i: &Instance) -> bool {
    matches!(i.state, State::Terminated | State::ShuttingDown)
}

fn named<'a>(lab: &'a Lab, tag: &'a str) -> impl Iterator<Item = &'a Instance> + 'a {
    lab.world().compute.iter().filter(move |i| i.name_tag() == Some(tag) && !gone(i))
}

fn short(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() > 200 { format!("{}…", t.chars().take(200).collect::<String>()) } else { t.to_string() }
}

/// Evaluate one check against the lab, changing nothing.
pub fn evaluate(check: &Check, lab: &Lab) -> CheckResult {
    match &check.kind {
        CheckKind::Query { query, expect, expect_match, expect_exit } => {
            let o = lab.observe(query);
            let want_exit = expect_exit.unwrap_or(0);
            if o.exit != want_exit {
                let err = o.stderr.lines().next().unwrap_or("").to_string();
                return CheckResult::fail(format!("`{query}` exited {} (expected {want_exit}) {}", o.exit, short(&err)));
            }
            if let Some(e) = expect {
                if o.stdout.trim() != e.trim() {
                    return CheckResult::fail(format!("`{query}` printed {:?}, expected {:?}", short(&o.stdout), e.trim()));
                }
            }
            if let Some(re) = expect_match {
                match regex_bites::Regex::new(re) {
                    Ok(r) if r.is_match(&o.stdout) => {}
                    Ok(_) => return CheckResult::fail(format!("`{query}` printed {:?}, which does not match /{re}/", short(&o.stdout))),
                    Err(e) => return CheckResult::fail(format!("bad regex {re:?}: {e}")),
                }
            }
            CheckResult::pass(format!("`{query}` gave the expected answer"))
        }
        CheckKind::InstanceCount { filter, state, instance_type, min, max } => {
            let n = lab
                .world()
                .compute
                .iter()
                .filter(|i| matches(i, filter))
                .filter(|i| match state {
                    Some(s) => i.state.name() == s,
                    None => !gone(i),
                })
                .filter(|i| instance_type.as_deref().is_none_or(|t| i.instance_type == t))
                .count() as u32;
            let mut what = String::from("instances");
            if let Some(t) = instance_type {
                what = format!("{t} {what}");
            }
            if let Some(s) = state {
                what = format!("{s} {what}");
            }
            if let Some(t) = &filter.tag_name {
                what.push_str(&format!(" named {t}"));
            }
            let want = match (min, max) {
                (Some(a), Some(b)) if a == b => format!("{a}"),
                (Some(a), Some(b)) => format!("{a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => "any number".into(),
            };
            let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
            let detail = format!("{n} {what} (want {want})");
            if ok { CheckResult::pass(detail) } else { CheckResult::fail(detail) }
        }
        CheckKind::FileOnInstance { filter, path, contains } => {
            let mut seen = false;
            for i in lab.world().compute.iter().filter(|i| matches(i, filter) && !gone(i)) {
                seen = true;
                if let Some(data) = i.fs.read(path) {
                    match contains {
                        Some(c) if !String::from_utf8_lossy(data).contains(c.as_str()) => {}
                        _ => return CheckResult::pass(format!("{} has {path}", i.id)),
                    }
                }
            }
            if !seen {
                return CheckResult::fail("no such instance (running or stopped)");
            }
            match contains {
                Some(c) => CheckResult::fail(format!("no matching instance has {path} containing {c:?}")),
                None => CheckResult::fail(format!("no matching instance has {path}")),
            }
        }
        CheckKind::SshReachable { tag_name } => {
            let mut why = format!("no instance named {tag_name}");
            for i in named(lab, tag_name) {
                match engine::console::workstation_ssh_ready(lab.world(), &i.id) {
                    Ok(()) => return CheckResult::pass(format!("ssh reaches {}", i.id)),
                    Err(e) => why = e,
                }
            }
            CheckResult::fail(why)
        }
        CheckKind::PortOpenFromWorkstation { tag_name, port } => {
            if named(lab, tag_name).any(|i| engine::console::workstation_port_open(lab.world(), &i.id, *port)) {
                CheckResult::pass(format!("port {port} of {tag_name} is open to the workstation"))
            } else {
                CheckResult::fail(format!("no running instance named {tag_name} with a public IP lets the workstation in on port {port}"))
            }
        }
        CheckKind::ConnectedTo { tag_name } => match lab.place() {
            Place::Workstation => CheckResult::fail("the console is on the workstation"),
            Place::Instance(id) => {
                let name = lab.world().compute.get(id).and_then(|i| i.name_tag().map(str::to_string));
                match tag_name {
                    Some(t) if name.as_deref() != Some(t.as_str()) => CheckResult::fail(format!("connected to {id}, not to an instance named {t}")),
                    _ => CheckResult::pass(format!("connected to {id}")),
                }
            }
        },
    }
}

/// Evaluate all checks of a step.
pub fn evaluate_all(checks: &[Check], lab: &Lab) -> Vec<CheckResult> {
    checks.iter().map(|c| evaluate(c, lab)).collect()
}
