//! The learner's shell: bash syntax parsed by brush-parser, interpreted over a simulated machine.
//! The types below are the contract the console relies on (`System` is what a shell runs on).

use crate::fs::Fs;
use std::collections::BTreeMap;

mod builtins;
mod expand;
mod interp;
mod jq;
mod sed;
mod utils;
#[cfg(test)]
mod tests;

/// Fixed process id the shell reports for `$$`.
pub const SHELL_PID: u32 = 4242;
/// Cap on each output stream of one `Shell::run` (bytes).
pub const MAX_OUTPUT: usize = 1 << 20;
/// Cap on iterations of one `while`/`until`/`for` loop.
pub const MAX_LOOP: usize = 10_000;

/// What a finished command line printed and returned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

/// One command invocation handed to the machine (`System::external`).
pub struct Invocation<'a> {
    /// argv[0] is the command name.
    pub argv: &'a [String],
    pub stdin: &'a [u8],
    /// Exported environment variables.
    pub env: &'a BTreeMap<String, String>,
    pub cwd: &'a str,
}

/// What a single command wrote and its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CmdOut {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub code: i32,
}

impl CmdOut {
    pub fn ok(stdout: impl Into<Vec<u8>>) -> CmdOut {
        CmdOut { stdout: stdout.into(), stderr: Vec::new(), code: 0 }
    }
    pub fn err(code: i32, stderr: impl Into<Vec<u8>>) -> CmdOut {
        CmdOut { stdout: Vec::new(), stderr: stderr.into(), code }
    }
}

/// The machine a shell runs on. Implemented by the console for the workstation and for instances.
pub trait System {
    /// The filesystem of this machine.
    fn fs(&mut self) -> &mut Fs;
    /// Commands the machine provides beyond the shell's builtins and coreutils (`aws`, `lab`,
    /// `ssh`, `help`, …). `None` means "no such command" (the shell prints `command not found`).
    fn external(&mut self, inv: &Invocation) -> Option<CmdOut>;
    /// Virtual time in ms since the epoch.
    fn now_millis(&self) -> u64;
    /// Advance the virtual clock (`sleep`).
    fn sleep(&mut self, millis: u64);
    fn hostname(&self) -> String;
    /// Whether `external` knows `name` (for `type`, `which`, `command -v`). Defaults to false.
    fn has_command(&self, name: &str) -> bool {
        let _ = name;
        false
    }
}

/// Shell state for one login session on one machine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Shell {
    pub user: String,
    pub home: String,
    pub cwd: String,
    /// All shell variables; `exported` says which are in the environment.
    pub vars: BTreeMap<String, String>,
    pub exported: std::collections::BTreeSet<String>,
    pub last_status: i32,
    /// Set by the `exit` builtin; the console leaves the session when it sees it.
    pub exit_requested: bool,
    /// `$1`, `$2`, … (set by functions, `bash FILE args`, `set -- …`).
    pub positional: Vec<String>,
    /// Shell functions: name -> body source text (re-parsed on each call).
    pub functions: BTreeMap<String, String>,
    /// Aliases (`alias ll='ls -l'`): stored and listed, expanded for the first word.
    pub aliases: BTreeMap<String, String>,
}

impl Shell {
    pub fn new(user: &str, home: &str, hostname: &str) -> Shell {
        let mut sh = Shell {
            user: user.into(),
            home: home.into(),
            cwd: home.into(),
            vars: BTreeMap::new(),
            exported: Default::default(),
            last_status: 0,
            exit_requested: false,
            positional: Vec::new(),
            functions: BTreeMap::new(),
            aliases: BTreeMap::new(),
        };
        for (k, v) in [
            ("HOME", home),
            ("USER", user),
            ("LOGNAME", user),
            ("HOSTNAME", hostname),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("SHELL", "/bin/bash"),
            ("PWD", home),
            ("LANG", "C.UTF-8"),
            ("TERM", "xterm-256color"),
        ] {
            sh.vars.insert(k.into(), v.into());
            sh.exported.insert(k.into());
        }
        sh
    }

    /// Run one or more lines of shell input to completion.
    pub fn run(&mut self, src: &str, sys: &mut dyn System) -> Output {
        let mut ex = interp::Exec::new(self, sys);
        let status = ex.run_source(src);
        let (out, err) = ex.finish();
        self.last_status = status;
        Output {
            stdout: String::from_utf8_lossy(&out).into_owned(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
            exit: status,
        }
    }

    /// The exported environment (`env` prints this).
    pub fn env(&self) -> BTreeMap<String, String> {
        self.exported
            .iter()
            .filter_map(|k| self.vars.get(k).map(|v| (k.clone(), v.clone())))
            .collect()
    }

    /// Set a variable (and export it when `export` is true).
    pub fn set_var(&mut self, name: &str, value: &str, export: bool) {
        self.vars.insert(name.into(), value.into());
        if export {
            self.exported.insert(name.into());
        }
    }
}

/// True when `src` is an unfinished command (open quote, here-document, trailing `\`, `&&` …)
/// and an interactive terminal should read another line before running it.
pub fn needs_more_input(src: &str) -> bool {
    interp::needs_more_input(src)
}
