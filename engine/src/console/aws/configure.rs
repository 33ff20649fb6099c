//! `aws configure` and its `list`, `get`, `set` and `list-profiles` subcommands, as the CLI's
//! customizations/configure/*.py behave: the interactive form reads its four answers from
//! standard input (Enter keeps the current value) and writes the keys to the credentials file,
//! region and output to the config file.

use super::config::{profile_to_section, update_config, AwsConfig};
use super::{credentials, Backend, Failure};
use std::collections::BTreeMap;

/// A file the command wrote: (path, new contents).
pub type Write = (String, Vec<u8>);

/// What `configure` needs besides the files.
pub struct Run<'a> {
    pub backend: &'a mut dyn Backend,
    pub cfg: &'a AwsConfig,
    pub env: &'a BTreeMap<String, String>,
    pub stdin: &'a [u8],
    /// On an instance: hops to its metadata service (see [`credentials::resolve`]).
    pub imds_hops: Option<u32>,
    /// `--region` on the command line.
    pub flag_region: Option<String>,
}

const SUBCOMMANDS: &[&str] = &["list", "get", "set", "add-model", "import", "list-profiles", "sso", "sso-session", "export-credentials"];

const HELP: &str = "configure\n^^^^^^^^^\n\nConfigure AWS CLI options. With no arguments, you are prompted for the access key id, the\nsecret access key, the default region and the default output format; press Enter to keep the\nvalue shown in brackets. The keys are written to the credentials file (~/.aws/credentials),\nthe other values to the config file (~/.aws/config), in the section of the profile given with\n--profile (or AWS_PROFILE), else [default].\n\nSubcommands:\n\n  list            where each setting comes from\n  get VARNAME     print one setting\n  set VARNAME V   write one setting\n  list-profiles   the profile names\n\nIn ec2lab the answers come from standard input, e.g.\n  printf '%s\\n' AKIA... SECRET us-east-1 json | aws configure\n";

/// `mask_value`.
fn mask(v: Option<&str>) -> String {
    match v {
        None => "None".into(),
        Some(v) => format!("{}{}", "*".repeat(16), v.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect::<String>()),
    }
}

pub fn run(args: &[String], r: Run<'_>) -> Result<(String, Vec<Write>), Failure> {
    let Some(sub) = args.first() else { return interactive(&r) };
    if sub.starts_with('-') {
        return Err(Failure::unknown_options(args));
    }
    let rest = &args[1..];
    match sub.as_str() {
        "help" => Ok((HELP.into(), Vec::new())),
        "list" => {
            no_more(rest)?;
            list(r).map(|s| (s, Vec::new()))
        }
        "list-profiles" => {
            no_more(rest)?;
            let mut out = String::new();
            for p in r.cfg.profile_names() {
                out.push_str(&p);
                out.push('\n');
            }
            Ok((out, Vec::new()))
        }
        "get" => {
            let [name] = positionals(rest, &["varname"])?;
            get(&r, &name)
        }
        "set" => {
            let [name, value] = positionals(rest, &["varname", "value"])?;
            set(&r, &name, &value).map(|w| (String::new(), w))
        }
        s if SUBCOMMANDS.contains(&s) => Err(Failure::not_simulated("configure", s)),
        s => {
            let mut choices: Vec<String> = SUBCOMMANDS.iter().map(|c| c.to_string()).collect();
            choices.push("help".into());
            Err(Failure::usage(super::invalid_choice("operation", s, &choices)))
        }
    }
}

fn no_more(rest: &[String]) -> Result<(), Failure> {
    match rest.first() {
        None => Ok(()),
        Some(_) => Err(Failure::unknown_options(rest)),
    }
}

fn positionals<const N: usize>(rest: &[String], names: &[&str; N]) -> Result<[String; N], Failure> {
    let (opts, pos): (Vec<&String>, Vec<&String>) = rest.iter().partition(|a| a.starts_with("--"));
    if !opts.is_empty() {
        return Err(Failure::unknown_options(&opts.into_iter().cloned().collect::<Vec<_>>()));
    }
    if pos.len() < N {
        let missing: Vec<&str> = names[pos.len()..].to_vec();
        return Err(Failure::usage(format!("the following arguments are required: {}", missing.join(", "))));
    }
    if pos.len() > N {
        return Err(Failure::unknown_options(&pos[N..].iter().map(|s| s.to_string()).collect::<Vec<_>>()));
    }
    let v: Vec<String> = pos.into_iter().cloned().collect();
    v.try_into().map_err(|_| Failure::general("internal error: argument count"))
}

/// `aws configure`: four prompts, answers from standard input.
fn interactive(r: &Run<'_>) -> Result<(String, Vec<Write>), Failure> {
    let current = r.cfg.scoped().unwrap_or_default();
    let mut lines = Lines { data: r.stdin, pos: 0 };
    let mut out = String::new();
    let mut changed: Vec<(String, String)> = Vec::new();
    for (name, prompt) in [
        ("aws_access_key_id", "AWS Access Key ID"),
        ("aws_secret_access_key", "AWS Secret Access Key"),
        ("region", "Default region name"),
        ("output", "Default output format"),
    ] {
        let cur = current.get(name).map(String::as_str);
        let shown = if name.starts_with("aws_") { mask(cur) } else { cur.unwrap_or("None").to_string() };
        out.push_str(&format!("{prompt} [{shown}]: "));
        let Some(answer) = lines.next() else {
            // Python's input() at end of input.
            return Err(Failure { code: 255, stderr: format!("{out}\n\nEOF when reading a line\nec2lab: aws configure reads its answers from standard input here; pipe them in (see aws configure help) or use aws configure set.\n") });
        };
        if !answer.is_empty() && Some(answer.as_str()) != cur {
            changed.push((name.to_string(), answer));
        }
    }
    let mut writes = Vec::new();
    if !changed.is_empty() {
        let profile = r.cfg.named_profile();
        let (creds, rest): (Vec<_>, Vec<_>) = changed.into_iter().partition(|(k, _)| k.starts_with("aws_"));
        if !creds.is_empty() {
            let section = profile.unwrap_or("default");
            writes.push((r.cfg.creds_path.clone(), update_config(r.cfg.creds_text.as_deref(), section, &creds).into_bytes()));
        }
        let section = profile.map(profile_to_section).unwrap_or_else(|| "default".into());
        writes.push((r.cfg.config_path.clone(), update_config(r.cfg.config_text.as_deref(), &section, &rest).into_bytes()));
    }
    Ok((out, writes))
}

struct Lines<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Lines<'_> {
    fn next(&mut self) -> Option<String> {
        if self.pos >= self.data.len() {
            return None;
        }
        let rest = &self.data[self.pos..];
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        self.pos += (end + 1).min(rest.len());
        let line = String::from_utf8_lossy(&rest[..end]).into_owned();
        Some(line.strip_suffix('\r').map(str::to_string).unwrap_or(line))
    }
}

/// The variables written to the credentials file instead of the config file.
const CREDS_FILE_VARS: &[&str] = &["aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

/// `aws configure set`.
fn set(r: &Run<'_>, varname: &str, value: &str) -> Result<Vec<Write>, Failure> {
    let parts: Vec<&str> = varname.split('.').collect();
    let (section, name) = match parts.as_slice() {
        [name] => (None, name.to_string()),
        ["default", name] => (Some("default".to_string()), name.to_string()),
        ["profile", p, name] => (Some(profile_to_section(p)), name.to_string()),
        _ => return Err(Failure { code: 252, stderr: format!("ec2lab: nested settings such as '{varname}' are not simulated yet.\n") }),
    };
    let section = section.unwrap_or_else(|| r.cfg.named_profile().map(profile_to_section).unwrap_or_else(|| "default".into()));
    let values = vec![(name.clone(), value.to_string())];
    if CREDS_FILE_VARS.contains(&name.as_str()) {
        let section = section.strip_prefix("profile ").unwrap_or(&section).to_string();
        return Ok(vec![(r.cfg.creds_path.clone(), update_config(r.cfg.creds_text.as_deref(), &section, &values).into_bytes())]);
    }
    Ok(vec![(r.cfg.config_path.clone(), update_config(r.cfg.config_text.as_deref(), &section, &values).into_bytes())])
}

/// `aws configure get`: the value and exit 0, or nothing and exit 1.
fn get(r: &Run<'_>, varname: &str) -> Result<(String, Vec<Write>), Failure> {
    let profiles = r.cfg.profiles();
    let value = if !varname.contains('.') {
        r.cfg.scoped()?.get(varname).cloned()
    } else {
        let parts: Vec<&str> = varname.split('.').collect();
        let (profile, name) = match parts.as_slice() {
            ["profile", p, name, ..] => (p.to_string(), name.to_string()),
            [p, name, ..] if *p == "default" || profiles.contains_key(*p) => (p.to_string(), name.to_string()),
            [name, ..] => (r.cfg.profile().to_string(), name.to_string()),
            [] => (String::new(), String::new()),
        };
        profiles.get(&profile).and_then(|m| m.get(&name)).cloned().filter(|v| !v.starts_with('\n'))
    };
    match value {
        Some(v) => Ok((format!("{v}\n"), Vec::new())),
        None => Err(Failure { code: 1, stderr: String::new() }),
    }
}

/// `aws configure list`: where the profile, keys and region come from.
fn list(r: Run<'_>) -> Result<String, Failure> {
    let row = |name: &str, value: &str, kind: &str, location: &str| format!("{name:>10} {value:>24} {kind:>16}    {location}\n");
    let mut out = row("Name", "Value", "Type", "Location");
    out.push_str(&row("----", "-----", "----", "--------"));
    let not_set = ("<not set>".to_string(), "None".to_string(), "None".to_string());
    let profile = match (&r.cfg.flag_profile, &r.cfg.env_profile) {
        (Some(p), _) => (p.clone(), "manual".into(), "--profile".into()),
        (None, Some(p)) => (p.clone(), "env".into(), "AWS_PROFILE".into()),
        _ => not_set.clone(),
    };
    out.push_str(&row("profile", &profile.0, &profile.1, &profile.2));
    let (key, secret) = match credentials::resolve(r.backend, r.cfg, r.env, r.imds_hops) {
        Ok(f) => (
            (mask(Some(&f.creds.access_key_id)), f.method.to_string(), String::new()),
            (mask(Some(&f.creds.secret_access_key)), f.method.to_string(), String::new()),
        ),
        Err(e) if e.code == 253 && e.stderr.contains("Unable to locate credentials") => (not_set.clone(), not_set.clone()),
        Err(e) => return Err(e),
    };
    out.push_str(&row("access_key", &key.0, &key.1, &key.2));
    out.push_str(&row("secret_key", &secret.0, &secret.1, &secret.2));
    let env = |k: &str| r.env.get(k).filter(|v| !v.is_empty()).cloned();
    let region = if let Some(v) = &r.flag_region {
        (v.clone(), "manual".into(), "--region".into())
    } else if let Some(v) = env("AWS_REGION") {
        (v, "env".into(), "AWS_REGION".into())
    } else if let Some(v) = env("AWS_DEFAULT_REGION") {
        (v, "env".into(), "AWS_DEFAULT_REGION".into())
    } else if let Some(v) = r.cfg.scoped().ok().and_then(|m| m.get("region").cloned()) {
        (v, "config-file".into(), r.cfg.config_shown.clone())
    } else if let Some(v) = r.imds_hops.and_then(|h| credentials::instance_region(r.backend, r.env, h)) {
        (v, "imds".into(), String::new())
    } else {
        not_set
    };
    out.push_str(&row("region", &region.0, &region.1, &region.2));
    Ok(out)
}
