//! The console: the learner's terminal. The only module that knows about text.
//!
//! A [`Lab`] owns the [`World`] and a stack of login sessions: the workstation at the bottom, and
//! an instance on top after `lab connect` or `ssh`. Each line goes to the shell of the top session;
//! the shell calls back into [`Machine`] for the commands the lab provides (`aws`, `lab`, `ssh`,
//! `curl`, `help`).

pub mod aws;
mod curl;
mod docker;
mod ec2_metadata;
mod lab;
pub mod shell;
mod ssh;
pub use ssh::{workstation_port_open, workstation_ssh_ready};

pub use shell::Output;
use crate::clock::Time;
use crate::fs::Fs;
use crate::world::World;
use shell::{CmdOut, Invocation, Shell, System};

/// Where a session runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    Workstation,
    Instance(String),
}

#[derive(Clone, Debug)]
struct Session {
    place: Place,
    shell: Shell,
    /// How the learner got here: the address typed after `ssh`, or the instance id for `lab connect`.
    via: String,
    /// The instance's boot count when the session opened; a reboot ends the session.
    boots: u32,
}

/// One thing done to a lab: a console input, or the clock moved from outside the console (the
/// browser's live clock). A seed and its steps rebuild the same world ([`Lab::replay`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Input(String),
    Advance(u64),
    /// A request to an instance's metadata service from outside the console (`ec2lab imds`):
    /// it can change the world (tokens, the request log), so it is part of the history.
    Imds { instance: String, request: crate::imds::HttpRequest },
}

/// What a command asked the console to do once the current line has finished.
#[derive(Clone, Debug)]
pub(crate) enum Action {
    /// Open a shell on an instance as `user`; `via` is what to name in "Connection to … closed".
    Connect { instance: String, user: String, via: String },
    Reset,
}

pub struct Lab {
    world: World,
    sessions: Vec<Session>,
    /// Every complete input run so far: with the seed, this is the whole state.
    history: Vec<Step>,
    /// `exit` was run on the workstation.
    quit_requested: bool,
    /// Lab commands this lesson refuses (`Lab::set_disabled_commands`).
    disabled: Vec<String>,
}

/// The commands the lab itself provides (everything else is the shell's): the names a lesson may
/// disable.
pub const LAB_COMMANDS: &[&str] = &["aws", "lab", "help", "ssh", "curl", "ping"];

pub const WORKSTATION_USER: &str = "learner";
pub const WORKSTATION_HOME: &str = "/home/learner";
pub const WORKSTATION_HOSTNAME: &str = "workstation";

impl Lab {
    pub fn new(seed: u64) -> Lab {
        Lab { world: World::new(seed), sessions: vec![workstation_session()], history: Vec::new(), quit_requested: false, disabled: Vec::new() }
    }

    /// Refuse these lab commands (names from [`LAB_COMMANDS`]) from now on, everywhere, the way a
    /// lesson turns off the `lab` shortcuts: `bash: lab: disabled in this lesson`, exit 127.
    pub fn set_disabled_commands(&mut self, names: Vec<String>) {
        self.disabled = names;
    }

    pub fn disabled_commands(&self) -> &[String] {
        &self.disabled
    }

    /// Run `input` as a read-only observer: on a copy of the world, from a fresh workstation
    /// session, with every command allowed. Neither this lab's world, its clock, its sessions nor
    /// its history change (lesson checks are built on this).
    pub fn observe(&self, input: &str) -> Output {
        let mut copy = Lab {
            world: self.world.clone(),
            sessions: vec![workstation_session()],
            history: Vec::new(),
            quit_requested: false,
            disabled: Vec::new(),
        };
        copy.run(input)
    }

    /// Run a complete command (possibly several lines) where the learner currently is.
    pub fn run(&mut self, input: &str) -> Output {
        self.history.push(Step::Input(input.to_string()));
        let mut pre_err = String::new();
        self.drop_dead_session(&mut pre_err);
        let mut actions = Vec::new();
        let top = self.sessions.len() - 1;
        let place = self.sessions[top].place.clone();
        let mut out = {
            let (world, sessions) = (&mut self.world, &mut self.sessions);
            let session = &mut sessions[top];
            let mut m = Machine { world, place: &place, actions: &mut actions, disabled: &self.disabled, clock: None };
            session.shell.run(input, &mut m)
        };
        if !pre_err.is_empty() {
            out.stderr = format!("{pre_err}{}", out.stderr);
        }
        // `exit` on an instance closes the connection; on the workstation there is nowhere to go.
        if self.sessions[top].shell.exit_requested {
            self.sessions[top].shell.exit_requested = false;
            if top > 0 {
                let s = self.sessions.pop();
                if let Some(s) = s {
                    out.stdout.push_str("logout\n");
                    out.stderr.push_str(&format!("Connection to {} closed.\n", s.via));
                }
            } else {
                // A terminal would close; the caller decides (the binary quits, the browser says so).
                self.quit_requested = true;
            }
        }
        for a in actions {
            match a {
                Action::Connect { instance, user, via } => {
                    let Some(inst) = self.world.compute.get(&instance) else { continue };
                    let hostname = inst.short_hostname();
                    let home = if user == "root" { "/root".to_string() } else { format!("/home/{user}") };
                    let banner = lab::banner(inst);
                    let boots = inst.boots;
                    let mut sh = Shell::new(&user, &home, &hostname);
                    sh.cwd = home;
                    out.stdout.push_str(&banner);
                    self.sessions.push(Session { place: Place::Instance(instance), shell: sh, via, boots });
                }
                Action::Reset => {
                    let seed = self.world.seed;
                    self.world = World::new(seed);
                    self.sessions = vec![workstation_session()];
                    self.history.clear();
                }
            }
        }
        for n in self.world.take_notes() {
            out.stderr.push_str(&format!("ec2lab: note: {n}\n"));
        }
        self.world.bump();
        out
    }

    /// If the instance under the current session stopped, terminated or rebooted, the connection
    /// is gone: say so the way ssh does and fall back to the session below.
    fn drop_dead_session(&mut self, err: &mut String) {
        while self.sessions.len() > 1 {
            let s = &self.sessions[self.sessions.len() - 1];
            let Place::Instance(id) = &s.place else { break };
            // Failed hardware ends sessions too: every one when the OS lost power, ssh ones when
            // the network is gone (`lab connect` stands for the serial console then; faults.rs).
            let alive = self.world.compute.get(id).is_some_and(|i| {
                i.state == crate::compute::State::Running && i.boots == s.boots && crate::faults::keeps_session(&self.world, i, s.via == *id)
            });
            if alive {
                break;
            }
            err.push_str(&format!("Connection to {} closed by remote host.\nConnection to {} closed.\n", s.via, s.via));
            self.sessions.pop();
        }
    }

    /// Run a script: split it into complete top-level commands (a command may span lines) and run
    /// each in turn, as a terminal would. Returns each command's text with its output.
    pub fn run_script(&mut self, src: &str) -> Vec<(String, Output)> {
        split_commands(src).into_iter().map(|c| {
            let o = self.run(&c);
            (c, o)
        }).collect()
    }

    /// `[learner@workstation ~]$ ` or `[ec2-user@ip-172-31-5-9 ~]$ ` (Ubuntu: `ubuntu@ip-…:~$ `).
    pub fn prompt(&self) -> String {
        let s = &self.sessions[self.sessions.len() - 1];
        let host = match &s.place {
            Place::Workstation => WORKSTATION_HOSTNAME.to_string(),
            Place::Instance(id) => self.world.compute.get(id).map(|i| i.short_hostname()).unwrap_or_else(|| "localhost".into()),
        };
        let dir = if s.shell.cwd == s.shell.home {
            "~".to_string()
        } else if s.shell.cwd == "/" {
            "/".to_string()
        } else {
            crate::fs::file_name(&s.shell.cwd).to_string()
        };
        let sigil = if s.shell.user == "root" { '#' } else { '$' };
        let ubuntu = matches!(&s.place, Place::Instance(id) if self.world.compute.get(id).is_some_and(|i| i.default_user() == "ubuntu"));
        if ubuntu {
            let full = if s.shell.cwd == s.shell.home { "~".to_string() } else if let Some(r) = s.shell.cwd.strip_prefix(&format!("{}/", s.shell.home)) { format!("~/{r}") } else { s.shell.cwd.clone() };
            format!("{}@{}:{}{} ", s.shell.user, host, full, sigil)
        } else {
            format!("[{}@{} {}]{} ", s.shell.user, host, dir, sigil)
        }
    }

    /// True once after `exit` ran on the workstation (where a terminal window would close).
    pub fn take_quit_request(&mut self) -> bool {
        std::mem::take(&mut self.quit_requested)
    }

    /// Where the learner is: the workstation or an instance id.
    pub fn place(&self) -> &Place {
        &self.sessions[self.sessions.len() - 1].place
    }

    /// True when an interactive terminal should read another line before running `input`.
    pub fn needs_more_input(input: &str) -> bool {
        shell::needs_more_input(input)
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn seed(&self) -> u64 {
        self.world.seed
    }

    /// Move the virtual clock (the UI's live clock; console commands use `sleep` or `lab advance`).
    pub fn advance(&mut self, ms: u64) {
        // Consecutive clock ticks fold into one step, so a live clock does not grow the log.
        match self.history.last_mut() {
            Some(Step::Advance(total)) => *total = total.saturating_add(ms),
            _ => self.history.push(Step::Advance(ms)),
        }
        self.world.advance(ms)
    }

    pub fn now(&self) -> Time {
        self.world.now()
    }

    /// Send one HTTP request to `instance`'s metadata service from a process on that instance
    /// (what `ec2lab imds` forwards from real clients). Recorded in the history, since tokens and
    /// the request log are state. `None`: no response reaches the caller.
    pub fn imds_request(&mut self, instance: &str, req: &crate::imds::HttpRequest) -> Option<crate::imds::HttpResponse> {
        self.history.push(Step::Imds { instance: instance.to_string(), request: req.clone() });
        let resp = crate::imds::request(&mut self.world, instance, req);
        self.world.bump();
        resp
    }

    /// Bumped whenever anything visible may have changed (commands, clock events).
    pub fn generation(&self) -> u64 {
        self.world.generation()
    }

    /// Build the world again from a seed and the steps another lab took (`history()`).
    pub fn replay(seed: u64, steps: &[Step]) -> Lab {
        let mut lab = Lab::new(seed);
        for s in steps {
            match s {
                Step::Input(text) => {
                    lab.run(text);
                }
                Step::Advance(ms) => lab.advance(*ms),
                Step::Imds { instance, request } => {
                    lab.imds_request(instance, request);
                }
            }
        }
        lab
    }

    /// What was done so far, in order: with the seed, the whole state.
    pub fn history(&self) -> &[Step] {
        &self.history
    }

    /// A digest of the world and the sessions, for determinism checks (the same stable FNV hasher
    /// as `World::state_hash`, not std's DefaultHasher, whose output may change between releases).
    pub fn state_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = crate::world::Fnv::new();
        self.world.state_hash().hash(&mut h);
        for s in &self.sessions {
            s.place.hash(&mut h);
            s.shell.hash(&mut h);
        }
        h.finish()
    }
}

/// Split console input into complete commands, line by line, the way an interactive terminal
/// reads them: a line that leaves a quote, here-document or `\\` open continues into the next.
/// Blank lines between commands are dropped.
pub fn split_commands(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in src.lines() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if shell::needs_more_input(&pending) {
            continue;
        }
        if !pending.trim().is_empty() {
            out.push(std::mem::take(&mut pending));
        } else {
            pending.clear();
        }
    }
    if !pending.trim().is_empty() {
        out.push(pending);
    }
    out
}

fn workstation_session() -> Session {
    Session {
        place: Place::Workstation,
        shell: Shell::new(WORKSTATION_USER, WORKSTATION_HOME, WORKSTATION_HOSTNAME),
        via: String::new(),
        boots: 0,
    }
}

/// The machine a shell runs on, as the shell sees it.
pub(crate) struct Machine<'a> {
    pub world: &'a mut World,
    pub place: &'a Place,
    pub actions: &'a mut Vec<Action>,
    /// Lab commands refused in this lesson.
    pub disabled: &'a [String],
    /// The guest clock (ms) when this shell runs inside the instance on its own time (cloud-init
    /// scripts at boot): `sleep` and `date` use it and the world's clock does not move. `None`
    /// for interactive sessions, whose time is the world's.
    pub clock: Option<u64>,
}

impl Machine<'_> {
    pub fn on_instance(&self) -> Option<&str> {
        match self.place {
            Place::Instance(id) => Some(id),
            Place::Workstation => None,
        }
    }
    pub fn fs_ref(&self) -> &Fs {
        match self.place {
            Place::Instance(id) => match self.world.compute.get(id) {
                Some(i) => &i.fs,
                None => &self.world.workstation_fs,
            },
            Place::Workstation => &self.world.workstation_fs,
        }
    }
}

impl System for Machine<'_> {
    fn fs(&mut self) -> &mut Fs {
        let Machine { world, place, .. } = self;
        if let Place::Instance(id) = place {
            if world.compute.get(id).is_some() {
                return &mut world.compute.get_mut(id).expect("checked above").fs;
            }
        }
        &mut world.workstation_fs
    }

    fn external(&mut self, inv: &Invocation) -> Option<CmdOut> {
        let name = inv.argv.first().map(String::as_str).unwrap_or("");
        let name = name.rsplit('/').next().unwrap_or(name);
        if self.disabled.iter().any(|d| d == name) && self.has_command(name) {
            return Some(CmdOut::err(127, format!("bash: {name}: disabled in this lesson\n")));
        }
        Some(match name {
            "aws" => self.aws(inv),
            "lab" => lab::run(self, inv),
            "help" => CmdOut::ok(lab::general_help(self.on_instance().is_some())),
            "ssh" => ssh::ssh(self, inv),
            "curl" => curl::curl(self, inv),
            "ec2-metadata" => return ec2_metadata::run(self, inv),
            "docker" => return docker::run(self, inv),
            "ping" => ssh::ping(self, inv),
            // Commands of the guest OS (instances only; each decides whether this OS has it).
            _ => return crate::guest::command(self, inv),
        })
    }

    fn has_command(&self, name: &str) -> bool {
        matches!(name, "aws" | "lab" | "help" | "ssh" | "curl" | "ping")
            || (name == "ec2-metadata" && ec2_metadata::available(self))
            || (name == "docker" && docker::installed(self))
            || crate::guest::has_command(self, name)
    }

    fn now_millis(&self) -> u64 {
        self.clock.unwrap_or(self.world.now().0)
    }

    fn sleep(&mut self, millis: u64) {
        // A year at most per call, so a typo cannot push the clock past any date worth showing.
        let millis = millis.min(365 * crate::clock::DAY);
        match &mut self.clock {
            Some(c) => *c = c.saturating_add(millis),
            None => self.world.advance(millis),
        }
    }

    fn hostname(&self) -> String {
        match self.place {
            Place::Workstation => WORKSTATION_HOSTNAME.into(),
            Place::Instance(id) => self.world.compute.get(id).map(|i| format!("{}.ec2.internal", i.short_hostname())).unwrap_or_else(|| "localhost".into()),
        }
    }
}

impl Machine<'_> {
    fn aws(&mut self, inv: &Invocation) -> CmdOut {
        // The CLI reads `file://` arguments while it holds the world mutably, so it reads from a
        // snapshot of this machine's filesystem (taken only when an argument names a file).
        let wants_files = inv.argv.iter().any(|a| a.contains("file://") || a.contains("fileb://"));
        let snapshot = if wants_files { Some(self.fs_ref().clone()) } else { None };
        let cwd = inv.cwd.to_string();
        // The shared config and credentials files, read up front.
        let shared: Vec<(String, Option<Vec<u8>>)> =
            aws::config_paths(inv.env).into_iter().map(|p| { let d = self.fs_ref().read(&p).map(|d| d.to_vec()); (p, d) }).collect();
        let read = |p: &str| match shared.iter().find(|(q, _)| q == p) {
            Some((_, d)) => d.clone(),
            None => snapshot.as_ref().and_then(|fs| fs.read(&Fs::resolve(&cwd, p)).map(|d| d.to_vec())),
        };
        let ctx = aws::AwsContext { on_instance: self.on_instance().is_some(), instance: self.on_instance().map(str::to_string), ..Default::default() };
        let out = aws::run(self.world, inv, &read, &ctx);
        // `aws configure` writes the files (created 0600 in a 0755 directory, as the CLI does).
        let now = self.now_millis();
        for (path, data) in ctx.writes.take() {
            let fs = self.fs();
            let existed = fs.exists(&path);
            fs.mkdir_p(crate::fs::parent(&path));
            if fs.write(&path, data) && !existed {
                let _ = fs.set_mode(&path, 0o600);
            }
            fs.set_mtime(&path, now);
        }
        out
    }
}

#[cfg(test)]
mod lesson_hooks {
    use super::*;

    #[test]
    fn disabled_commands_are_refused_everywhere() {
        let mut lab = Lab::new(1);
        lab.set_disabled_commands(vec!["lab".into(), "ping".into()]);
        let o = lab.run("lab advance 5m");
        assert_eq!((o.exit, o.stderr.as_str()), (127, "bash: lab: disabled in this lesson\n"));
        assert_eq!(lab.now(), Lab::new(1).now(), "the refused command did nothing");
        let o = lab.run("/usr/bin/ping -c1 10.0.0.1 || echo refused");
        assert_eq!(o.stdout, "refused\n");
        assert!(o.stderr.contains("ping: disabled in this lesson"));
        assert_eq!(lab.run("echo fine").stdout, "fine\n", "shell builtins are unaffected");
        assert_eq!(lab.run("aws sts get-caller-identity --query Account --output text").stdout, "123456789012\n");
    }

    #[test]
    fn observe_changes_nothing() {
        let mut lab = Lab::new(4);
        lab.run("aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro");
        lab.set_disabled_commands(vec!["aws".into()]);
        let (hash, now, generation, steps) = (lab.state_hash(), lab.now(), lab.generation(), lab.history().len());
        let o = lab.observe("aws ec2 describe-instances --query 'Reservations[].Instances[].State.Name' --output text");
        assert_eq!(o.stdout.trim(), "pending", "the observer may use disabled commands");
        let o = lab.observe("lab advance 10m; aws ec2 wait instance-running; sleep 60; touch /tmp/x; lab reset");
        assert_eq!(o.exit, 0);
        assert_eq!((lab.state_hash(), lab.now(), lab.generation(), lab.history().len()), (hash, now, generation, steps));
        assert_eq!(lab.run("aws ec2 describe-instances").exit, 127, "the lab's own settings stay");
    }
}

#[cfg(test)]
mod imds_requests {
    use super::*;
    use crate::imds::HttpRequest;

    fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: method.into(),
            path: path.into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn requests_from_outside_are_history_and_replay() {
        let mut lab = Lab::new(4);
        let id = lab.run("aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --query 'Instances[0].InstanceId' --output text").stdout.trim().to_string();
        lab.advance(60_000);
        let token = lab.imds_request(&id, &req("PUT", "/latest/api/token", &[("X-aws-ec2-metadata-token-ttl-seconds", "300")])).expect("an answer");
        assert_eq!(token.status, 200);
        let token = String::from_utf8(token.body).unwrap();
        let got = lab.imds_request(&id, &req("GET", "/latest/meta-data/instance-id", &[("X-aws-ec2-metadata-token", &token)])).expect("an answer");
        assert_eq!((got.status, got.body), (200, id.clone().into_bytes()));
        assert!(matches!(lab.history().last(), Some(Step::Imds { instance, .. }) if *instance == id));
        // The token exists only because of the recorded request: a replay rebuilds it, so the
        // replayed world accepts it too.
        let mut again = Lab::replay(4, lab.history());
        assert_eq!(again.state_hash(), lab.state_hash());
        let check = again.imds_request(&id, &req("GET", "/latest/meta-data/instance-id", &[("X-aws-ec2-metadata-token", &token)])).unwrap();
        assert_eq!(check.status, 200);
        // An unknown instance is nobody's metadata service: no answer at all.
        assert!(lab.imds_request("i-0000000000000000f", &req("GET", "/", &[])).is_none());
    }
}
