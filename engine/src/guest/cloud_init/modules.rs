//! What the simulated modules do: `bootcmd`, `write_files`, `users_groups`, `runcmd`,
//! `package_update_upgrade_install`, `final_message` (the `scripts_*` modules are
//! [`Boot::runparts`]).

use super::yaml::Yaml;
use super::{py_list, py_repr, render_template, rfc2822, sh_quote, short_repr, userdata, Boot, DEFAULT_FINAL, DATASOURCE_NONE, LINK_DIR, RUN_DIR, VERSION};
use crate::fs::Fs;

impl Boot<'_> {
    pub(super) fn mod_bootcmd(&mut self) -> Result<(), String> {
        let Some(v) = self.cfg.as_ref().and_then(|c| c.get("bootcmd")).cloned() else { return Ok(()) };
        let script = match shellify(&v) {
            Ok(s) => s,
            Err(e) => {
                self.warn("cc_bootcmd.py", "Failed to shellify bootcmd");
                return Err(e);
            }
        };
        let tmp = format!("{RUN_DIR}/tmp/tmp{}.sh", self.jit.hex(8));
        let _ = self.write(&tmp, script.into_bytes(), 0o700);
        let env = format!("export INSTANCE_ID={}\n", self.id);
        let argv = vec!["/bin/sh".to_string(), tmp.clone()];
        let r = self.subp(&argv, &format!("sh {}", sh_quote(&tmp)), &env);
        if let Some(fs) = self.fs() {
            let _ = fs.remove(&tmp, false);
        }
        if let Err(e) = r {
            self.warn("cc_bootcmd.py", "Failed to run bootcmd module bootcmd");
            return Err(format!("ProcessExecutionError({})", py_repr(&e)));
        }
        Ok(())
    }

    pub(super) fn mod_runcmd(&mut self) -> Result<(), String> {
        let Some(v) = self.cfg.as_ref().and_then(|c| c.get("runcmd")).cloned() else { return Ok(()) };
        let script = shellify(&v)?;
        let path = format!("{}/scripts/runcmd", self.inst_dir);
        self.write(&path, script.into_bytes(), 0o700).map_err(|e| format!("OSError({})", py_repr(&e.to_string())))
    }

    pub(super) fn mod_final_message(&mut self) -> Result<(), String> {
        let template = self.cfg.as_ref().and_then(|c| c.get("final_message")).and_then(|v| v.as_text()).unwrap_or_else(|| DEFAULT_FINAL.to_string());
        let uptime = self.uptime();
        let ts = rfc2822(self.t);
        let ds = self.datasource;
        let msg = render_template(&template, &[("version", VERSION), ("timestamp", &ts), ("datasource", ds), ("uptime", &uptime)]);
        self.debug("log_util.py", msg.trim_end());
        self.out.push_str(msg.trim_end_matches('\n'));
        self.out.push('\n');
        let text = format!("{uptime} - {ts} - v. {VERSION}\n");
        let _ = self.write(&format!("{LINK_DIR}/boot-finished"), text.clone().into_bytes(), 0o644);
        let _ = self.write_quiet(&format!("{}/boot-finished", self.inst_dir), text.into_bytes(), 0o644);
        if ds == DATASOURCE_NONE {
            self.warn("cc_final_message.py", "Used fallback datasource");
        }
        Ok(())
    }

    pub(super) fn mod_packages(&mut self) -> Result<(), String> {
        let cfg = self.cfg.clone().unwrap_or(Yaml::Null);
        let flag = |a: &str, b: &str| cfg.get(a).is_some_and(Yaml::truthy) || cfg.get(b).is_some_and(Yaml::truthy);
        let update = flag("apt_update", "package_update");
        let upgrade = flag("package_upgrade", "apt_upgrade");
        let mut pkgs = Vec::new();
        match cfg.get("packages") {
            Some(Yaml::Seq(items)) => {
                for it in items {
                    match it {
                        Yaml::Seq(pair) => {
                            let name = pair.first().and_then(|x| x.as_text());
                            let ver = pair.get(1).and_then(|x| x.as_text());
                            match (name, ver) {
                                (Some(n), Some(v)) => pkgs.push(self.distro.versioned(&n, &v)),
                                (Some(n), None) => pkgs.push(n),
                                _ => {}
                            }
                        }
                        other => {
                            if let Some(t) = other.as_key() {
                                pkgs.push(t);
                            }
                        }
                    }
                }
            }
            Some(other) => {
                if let Some(t) = other.as_key() {
                    pkgs.push(t);
                }
            }
            None => {}
        }
        let mut errors: Vec<String> = Vec::new();
        // Installing on apt-based systems refreshes the index first, once per instance.
        let refresh = update || upgrade || (self.distro.ubuntu() && !pkgs.is_empty());
        if refresh {
            let sem = format!("{}/sem/update_sources", self.inst_dir);
            if self.exists(&sem) {
                self.debug("helpers.py", "update-sources already ran (freq=once-per-instance)");
            } else {
                let text = self.sem_text();
                let _ = self.write(&sem, text, 0o644);
                let (argv, line) = self.distro.package_command(self.distro.refresh_verb(), &[]);
                if let Err(e) = self.subp(&argv, &line, "") {
                    self.warn("log_util.py", "Package update failed");
                    errors.push(e);
                }
            }
        }
        if upgrade {
            let (argv, line) = self.distro.package_command(self.distro.upgrade_verb(), &[]);
            if let Err(e) = self.subp(&argv, &line, "") {
                self.warn("log_util.py", "Package upgrade failed");
                errors.push(e);
            }
        }
        if !pkgs.is_empty() {
            let (argv, line) = self.distro.package_command("install", &pkgs);
            if let Err(e) = self.subp(&argv, &line, "") {
                self.warn("log_util.py", &format!("Failed to install packages: {}", py_list(&pkgs)));
                errors.push(e);
            }
        }
        if cfg.get("package_reboot_if_required").is_some_and(Yaml::truthy) {
            self.not_simulated("package_reboot_if_required is not simulated: the instance was not rebooted");
        }
        match errors.pop() {
            None => Ok(()),
            Some(last) => {
                let n = errors.len() + 1;
                self.warn("cc_package_update_upgrade_install.py", &format!("{n} failed with exceptions, re-raising the last one"));
                Err(format!("ProcessExecutionError({})", py_repr(&last)))
            }
        }
    }

    pub(super) fn has_deferred_files(&self) -> bool {
        match self.cfg.as_ref().and_then(|c| c.get("write_files")) {
            Some(Yaml::Seq(items)) => items.iter().any(|i| i.get("defer").is_some_and(Yaml::truthy)),
            _ => false,
        }
    }

    fn user_exists(&self, user: &str) -> bool {
        let passwd = self.read("/etc/passwd").unwrap_or_default();
        String::from_utf8_lossy(&passwd).lines().any(|l| l.split(':').next() == Some(user))
    }

    pub(super) fn mod_write_files(&mut self, deferred: bool) -> Result<(), String> {
        let Some(Yaml::Seq(items)) = self.cfg.as_ref().and_then(|c| c.get("write_files")).cloned() else {
            return Ok(());
        };
        for item in items {
            if !matches!(item, Yaml::Map(_)) {
                continue;
            }
            if item.get("defer").is_some_and(Yaml::truthy) != deferred {
                continue;
            }
            let Some(path) = item.get("path").and_then(|p| p.as_key()).filter(|p| !p.is_empty()) else {
                self.warn("cc_write_files.py", "No path provided to write for entry 0 in module write_files");
                continue;
            };
            let path = Fs::resolve("/", &path);
            let content = item.get("content").and_then(|c| c.as_key()).unwrap_or_default();
            let enc = item.get("encoding").and_then(|e| e.as_key()).unwrap_or_default().to_ascii_lowercase();
            let data = match decode_content(&content, &enc) {
                Ok((d, unknown)) => {
                    if unknown {
                        self.warn("cc_write_files.py", &format!("Unknown encoding type {enc}, assuming text/plain"));
                    }
                    d
                }
                Err(e) => return Err(e),
            };
            let perms = match item.get("permissions") {
                None | Some(Yaml::Null) => 0o644,
                Some(p) => match decode_perms(p) {
                    Some(m) => m,
                    None => {
                        let shown = p.as_text().unwrap_or_default();
                        self.warn("cc_write_files.py", &format!("Undecodable permissions {shown}, returning default 0o644"));
                        0o644
                    }
                },
            };
            let owner = item.get("owner").and_then(|o| o.as_key()).unwrap_or_else(|| "root:root".into());
            let append = item.get("append").is_some_and(Yaml::truthy);
            let n = data.len();
            let t = self.t;
            self.debug("util.py", &format!("Writing to {path} - {}: [{perms:o}] {n} bytes", if append { "ab" } else { "wb" }));
            let res = match self.fs() {
                Some(fs) => fs.mkdir_all(crate::fs::parent(&path)).and_then(|_| if append { fs.append(&path, &data) } else { fs.write_file(&path, data) }),
                None => Ok(()),
            };
            if let Err(e) = res {
                let errno = match e {
                    crate::fs::FsError::NotFound => 2,
                    crate::fs::FsError::IsADirectory => 21,
                    crate::fs::FsError::NotADirectory => 20,
                    _ => 22,
                };
                let cls = match e {
                    crate::fs::FsError::IsADirectory => "IsADirectoryError",
                    crate::fs::FsError::NotADirectory => "NotADirectoryError",
                    crate::fs::FsError::NotFound => "FileNotFoundError",
                    _ => "OSError",
                };
                return Err(format!("{cls}({errno}, {})", py_repr(&e.to_string())));
            }
            if let Some(fs) = self.fs() {
                let _ = fs.set_mode(&path, perms);
                fs.set_mtime(&path, t);
            }
            let (user, _group) = owner.split_once(':').map(|(u, g)| (u.to_string(), g.to_string())).unwrap_or((owner.clone(), owner.clone()));
            if user != "root" && !user.is_empty() {
                if !self.user_exists(&user) {
                    return Err(format!("KeyError(\"getpwnam(): name not found: {}\")", py_repr(&user)));
                }
                self.debug("util.py", &format!("Changing the ownership of {path} to {owner}"));
                if let Some(fs) = self.fs() {
                    fs.chown(&path, &user);
                }
            }
        }
        Ok(())
    }

    pub(super) fn mod_users_groups(&mut self) -> Result<(), String> {
        let cfg = self.cfg.clone().unwrap_or(Yaml::Null);
        // Groups first (`groups:` is a list of names or of {group: [members]}).
        if let Some(Yaml::Seq(groups)) = cfg.get("groups") {
            for g in groups {
                match g {
                    Yaml::Map(m) => {
                        for (k, members) in m {
                            if let Some(name) = k.as_key() {
                                let members: Vec<String> = match members {
                                    Yaml::Seq(s) => s.iter().filter_map(|x| x.as_key()).collect(),
                                    other => other.as_key().into_iter().collect(),
                                };
                                self.ensure_group(&name, &members);
                            }
                        }
                    }
                    other => {
                        if let Some(name) = other.as_key() {
                            self.ensure_group(&name, &[]);
                        }
                    }
                }
            }
        }
        let default = self.distro.default_user.clone();
        let users: Vec<Yaml> = match cfg.get("users") {
            None => vec![Yaml::Str("default".into())],
            Some(Yaml::Seq(s)) => s.clone(),
            Some(Yaml::Str(s)) => s.split(',').map(|u| Yaml::Str(u.trim().to_string())).filter(|u| u != &Yaml::Str(String::new())).collect(),
            Some(m @ Yaml::Map(_)) => vec![m.clone()],
            Some(_) => Vec::new(),
        };
        for u in users {
            match &u {
                Yaml::Str(s) if s == "default" => {
                    self.info("__init__.py", &format!("User {default} already exists, skipping."));
                }
                Yaml::Str(name) => self.create_user(name, &Yaml::Null)?,
                Yaml::Map(_) => match u.get("name").and_then(|n| n.as_key()) {
                    Some(name) if !name.is_empty() => self.create_user(&name, &u)?,
                    _ => self.warn("cc_users_groups.py", "Skipping user entry without a name"),
                },
                _ => {}
            }
        }
        Ok(())
    }

    fn ensure_group(&mut self, name: &str, members: &[String]) {
        let text = String::from_utf8_lossy(&self.read("/etc/group").unwrap_or_default()).into_owned();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        if let Some(l) = lines.iter_mut().find(|l| l.split(':').next() == Some(name)) {
            for m in members {
                let cur = l.rsplit(':').next().unwrap_or("").to_string();
                if !cur.split(',').any(|x| x == m) {
                    l.push_str(if cur.is_empty() { "" } else { "," });
                    l.push_str(m);
                }
            }
        } else {
            let gid = next_id(&text, 2);
            self.debug("subp.py", &format!("Running command {} with allowed return codes [0] (shell=False, capture=True)", py_list(&["groupadd".to_string(), name.to_string()])));
            self.info("__init__.py", &format!("Created new group {name}"));
            lines.push(format!("{name}:x:{gid}:{}", members.join(",")));
        }
        let mut out = lines.join("\n");
        out.push('\n');
        let _ = self.write_quiet("/etc/group", out.into_bytes(), 0o644);
    }

    fn create_user(&mut self, name: &str, spec: &Yaml) -> Result<(), String> {
        let valid = !name.is_empty() && name.len() <= 32 && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) && !name.starts_with('-');
        if !valid {
            self.warn("__init__.py", &format!("Failed to create user {name}"));
            return Err(format!("ProcessExecutionError(\"Unexpected error while running command.\\nCommand: ['useradd', {}, '-m']\\nExit code: 3\\nReason: -\\nStdout: \\nStderr: useradd: invalid user name '{}'\")", py_repr(name), name.replace('\'', "")));
        }
        if self.user_exists(name) {
            self.info("__init__.py", &format!("User {name} already exists, skipping."));
            return Ok(());
        }
        self.debug("__init__.py", &format!("Adding user {name}"));
        let homedir = spec.get("homedir").and_then(|h| h.as_key()).unwrap_or_else(|| format!("/home/{name}"));
        let homedir = Fs::resolve("/", &homedir);
        let shell = spec.get("shell").and_then(|s| s.as_key());
        let gecos = spec.get("gecos").and_then(|s| s.as_key()).unwrap_or_default();
        let groups: Vec<String> = match spec.get("groups") {
            Some(Yaml::Seq(s)) => s.iter().filter_map(|g| g.as_key()).collect(),
            Some(other) => other.as_key().map(|g| g.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()).unwrap_or_default(),
            None => Vec::new(),
        };
        let mut argv = vec!["useradd".to_string(), name.to_string()];
        if !gecos.is_empty() {
            argv.extend(["--comment".into(), gecos.clone()]);
        }
        if !groups.is_empty() {
            argv.extend(["--groups".into(), groups.join(",")]);
        }
        if let Some(s) = &shell {
            argv.extend(["--shell".into(), s.clone()]);
        }
        argv.push("-m".into());
        self.debug("subp.py", &format!("Running hidden command to protect sensitive input/output logstring: {}", py_list(&argv)));
        for g in &groups {
            let exists = String::from_utf8_lossy(&self.read("/etc/group").unwrap_or_default()).lines().any(|l| l.split(':').next() == Some(g.as_str()));
            if !exists {
                self.ensure_group(g, &[]);
                self.debug("__init__.py", &format!("created group '{g}' for user '{name}'"));
            }
        }
        let passwd = String::from_utf8_lossy(&self.read("/etc/passwd").unwrap_or_default()).into_owned();
        let uid = next_id(&passwd, 2);
        let login_shell = shell.clone().unwrap_or_else(|| if self.distro.ubuntu() { "/bin/sh".into() } else { "/bin/bash".into() });
        let mut passwd = passwd;
        if !passwd.is_empty() && !passwd.ends_with('\n') {
            passwd.push('\n');
        }
        passwd.push_str(&format!("{name}:x:{uid}:{uid}:{gecos}:{homedir}:{login_shell}\n"));
        let _ = self.write_quiet("/etc/passwd", passwd.into_bytes(), 0o644);
        self.ensure_group(name, &[]);
        for g in &groups {
            self.ensure_group(g, &[name.to_string()]);
        }
        if let Some(fs) = self.fs() {
            fs.mkdir_p(&homedir);
            fs.chown(&homedir, name);
            let _ = fs.set_mode(&homedir, 0o700);
        }
        let keys: Vec<String> = match spec.get("ssh_authorized_keys") {
            Some(Yaml::Seq(s)) => s.iter().filter_map(|k| k.as_key()).collect(),
            Some(other) => other.as_key().into_iter().collect(),
            None => Vec::new(),
        };
        if !keys.is_empty() {
            let dir = format!("{homedir}/.ssh");
            let file = format!("{dir}/authorized_keys");
            let mut text = keys.join("\n");
            text.push('\n');
            let _ = self.write(&file, text.into_bytes(), 0o600);
            if let Some(fs) = self.fs() {
                let _ = fs.set_mode(&dir, 0o700);
                fs.chown(&dir, name);
                fs.chown(&file, name);
            }
        }
        if spec.get("lock_passwd").is_none_or(Yaml::truthy) {
            self.debug("subp.py", &format!("Running command {} with allowed return codes [0] (shell=False, capture=True)", py_list(&["passwd".to_string(), "-l".to_string(), name.to_string()])));
        }
        let sudo: Vec<String> = match spec.get("sudo") {
            Some(Yaml::Seq(s)) => s.iter().filter_map(|r| r.as_key()).collect(),
            Some(Yaml::Bool(false)) | None | Some(Yaml::Null) => Vec::new(),
            Some(other) => other.as_key().into_iter().collect(),
        };
        if !sudo.is_empty() {
            let path = "/etc/sudoers.d/90-cloud-init-users";
            let mut text = String::from_utf8_lossy(&self.read(path).unwrap_or_default()).into_owned();
            if text.is_empty() {
                text = format!("# Created by cloud-init v. {VERSION} on {}\n", rfc2822(self.t));
            }
            text.push_str(&format!("\n# User rules for {name}\n"));
            for r in &sudo {
                text.push_str(&format!("{name} {r}\n"));
            }
            let _ = self.write(path, text.into_bytes(), 0o440);
        }
        Ok(())
    }
}

/// The next free numeric id (uid/gid, from 1001) in a passwd/group file.
fn next_id(file: &str, field: usize) -> u32 {
    let max = file.lines().filter_map(|l| l.split(':').nth(field)?.parse::<u32>().ok()).filter(|&n| (1000..60000).contains(&n)).max();
    max.map(|m| m + 1).unwrap_or(1001).max(1001)
}

/// `write_files` content decoding. Returns the bytes and whether the encoding was unknown.
fn decode_content(content: &str, enc: &str) -> Result<(Vec<u8>, bool), String> {
    use base64::Engine as _;
    let b64 = |s: &str| -> Result<Vec<u8>, String> {
        let clean: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD.decode(clean).map_err(|_| "Error('Incorrect padding')".to_string())
    };
    let gz = |d: &[u8]| -> Result<Vec<u8>, String> {
        if !userdata::is_gzip(d) {
            let head: String = d.iter().take(2).map(|b| format!("\\x{b:02x}")).collect();
            return Err(format!("BadGzipFile(\"Not a gzipped file (b'{head}')\")"));
        }
        userdata::gunzip(d).map_err(|e| format!("OSError({})", py_repr(&e)))
    };
    match enc {
        "" | "text/plain" => Ok((content.as_bytes().to_vec(), false)),
        "b64" | "base64" => Ok((b64(content)?, false)),
        "gz" | "gzip" => Ok((gz(content.as_bytes())?, false)),
        "gz+b64" | "gz+base64" | "gzip+b64" | "gzip+base64" => Ok((gz(&b64(content)?)?, false)),
        _ => Ok((content.as_bytes().to_vec(), true)),
    }
}

/// `permissions`: an octal string (`'0644'`) or an integer (YAML's `0o644` = 420).
pub(super) fn decode_perms(p: &Yaml) -> Option<u32> {
    match p {
        Yaml::Str(s) => u32::from_str_radix(s.trim().trim_start_matches("0o"), 8).ok().filter(|m| *m <= 0o7777),
        Yaml::Num(n) => n.parse::<u32>().ok().filter(|m| *m <= 0o7777),
        _ => None,
    }
}

/// cloud-init's `shellify`: string items verbatim, list items as single-quoted words.
fn shellify(v: &Yaml) -> Result<String, String> {
    let Yaml::Seq(items) = v else {
        return Err(format!("TypeError(\"Input to shellify was type '{}'. Expected list or tuple.\")", v.type_name()));
    };
    let mut s = String::from("#!/bin/sh\n");
    for it in items {
        match it {
            Yaml::Seq(words) => {
                let q: Vec<String> = words.iter().map(|w| format!("'{}'", w.as_text().unwrap_or_default().replace('\'', "'\\''"))).collect();
                s.push_str(&q.join(" "));
                s.push('\n');
            }
            Yaml::Str(line) => {
                s.push_str(line);
                s.push('\n');
            }
            other => {
                return Err(format!("TypeError(\"Unable to shellify type '{}'. Expected list, string, tuple. Got: {}\")", other.type_name(), short_repr(other)));
            }
        }
    }
    Ok(s)
}
