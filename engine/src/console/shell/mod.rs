//! The learner's shell: bash syntax parsed by brush-parser, interpreted over a simulated machine.
//! OWNER: shell helper. The types below are the contract the console relies on.

use crate::fs::Fs;
use std::collections::BTreeMap;

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
        };
        for (k, v) in [("HOME", home), ("USER", user), ("HOSTNAME", hostname), ("PATH", "/usr/local/bin:/usr/bin:/bin"), ("SHELL", "/bin/bash")] {
            sh.vars.insert(k.into(), v.into());
            sh.exported.insert(k.into());
        }
        sh
    }

    /// Run one or more lines of shell input to completion.
    pub fn run(&mut self, src: &str, sys: &mut dyn System) -> Output {
        let argv: Vec<String> = src.split_whitespace().map(String::from).collect();
        if argv.is_empty() {
            return Output::default();
        }
        let env = BTreeMap::new();
        let inv = Invocation { argv: &argv, stdin: &[], env: &env, cwd: &self.cwd.clone() };
        match sys.external(&inv) {
            Some(o) => Output {
                stdout: String::from_utf8_lossy(&o.stdout).into(),
                stderr: String::from_utf8_lossy(&o.stderr).into(),
                exit: o.code,
            },
            None => Output { stdout: String::new(), stderr: format!("bash: {}: command not found\n", argv[0]), exit: 127 },
        }
    }
}

/// True when `src` is an unfinished command (open quote, here-document, trailing `\`, `&&` …)
/// and an interactive terminal should read another line before running it.
pub fn needs_more_input(src: &str) -> bool {
    src.trim_end().ends_with('\\')
}
