//! Builtins that touch shell state: cd, export, unset, exit, read, set, type, source, …

use super::interp::{is_name, shell_quote, Buf, Exec, Flow, Input};
use crate::fs::Fs;

const BUILTINS: &[&str] = &[
    "cd", "pwd", "export", "unset", "exit", "logout", "read", "set", "type", "command", "alias", "unalias", "source", ".",
    "eval", "shift", "return", "break", "continue", "local", "declare", "typeset", "readonly", "let", "wait", "jobs",
    "hash", "umask", "history", "bash", "sh", "echo", "printf", "true", "false", "test", "[", ":", "builtin", "exec",
    "trap", "shopt", "ulimit", "disown", "bg", "fg", "kill", "sudo", "time",
];

pub(super) fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name) && !matches!(name, "bash" | "sh" | "sudo")
}

impl<'a> Exec<'a> {
    pub(super) fn builtin(&mut self, name: &str, argv: &[String], inp: &mut Input, buf: &mut Buf) -> Option<i32> {
        let args = &argv[1..];
        Some(match name {
            ":" => 0,
            "cd" => self.cd(args, buf),
            "pwd" => {
                buf.o(format!("{}\n", self.sh.cwd));
                0
            }
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                let export = name == "export";
                let mut st = 0;
                let mut any = false;
                for a in args {
                    if a.starts_with('-') {
                        continue;
                    }
                    any = true;
                    let (n, v, app) = match a.split_once('=') {
                        Some((n, v)) => match n.strip_suffix('+') {
                            Some(n) => (n.to_string(), Some(v.to_string()), true),
                            None => (n.to_string(), Some(v.to_string()), false),
                        },
                        None => (a.clone(), None, false),
                    };
                    if !is_name(&n) {
                        buf.e(format!("bash: {name}: `{a}': not a valid identifier\n"));
                        st = 1;
                        continue;
                    }
                    if let Some(v) = v {
                        self.set_var_capped(&n, v, app);
                    } else if !export && !self.sh.vars.contains_key(&n) {
                        self.sh.vars.insert(n.clone(), String::new());
                    }
                    if export && !args.iter().any(|x| x == "-n") {
                        self.sh.exported.insert(n);
                    } else if export {
                        self.sh.exported.remove(&n);
                    }
                }
                if !any && (export || name == "declare") {
                    let keys: Vec<String> = if export || args.iter().any(|a| a == "-x") {
                        self.sh.exported.iter().cloned().collect()
                    } else {
                        self.sh.vars.keys().cloned().collect()
                    };
                    for k in keys {
                        if let Some(v) = self.sh.vars.get(&k) {
                            let x = if self.sh.exported.contains(&k) { "-x" } else { "--" };
                            buf.o(format!("declare {x} {k}=\"{}\"\n", v.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$")));
                        }
                    }
                }
                st
            }
            "unset" => {
                let funcs = args.iter().any(|a| a == "-f");
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if funcs {
                        self.sh.functions.remove(a);
                    } else if self.sh.vars.remove(a).is_none() {
                        self.sh.functions.remove(a);
                    }
                    self.sh.exported.remove(a);
                }
                0
            }
            "exit" | "logout" => {
                let st = match args.first() {
                    None => self.sh.last_status,
                    Some(a) => match a.trim().parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            buf.e(format!("bash: exit: {a}: numeric argument required\n"));
                            2
                        }
                    },
                };
                self.sh.last_status = st;
                self.sh.exit_requested = true;
                self.flow = Flow::Exit;
                st
            }
            "return" => {
                let st = args.first().and_then(|a| a.parse::<i64>().ok()).map(|n| (n & 0xff) as i32).unwrap_or(self.sh.last_status);
                self.sh.last_status = st;
                self.flow = Flow::Return;
                st
            }
            "break" | "continue" => {
                let n = args.first().and_then(|a| a.parse::<u32>().ok()).unwrap_or(1).max(1);
                self.flow = if name == "break" { Flow::Break(n) } else { Flow::Continue(n) };
                0
            }
            "shift" => {
                let n = args.first().and_then(|a| a.parse::<usize>().ok()).unwrap_or(1);
                if n > self.sh.positional.len() {
                    1
                } else {
                    self.sh.positional.drain(..n);
                    0
                }
            }
            "read" => self.read(args, inp, buf),
            "set" => {
                if args.is_empty() {
                    let vars: Vec<(String, String)> = self.sh.vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    for (k, v) in vars {
                        buf.o(format!("{k}={}\n", shell_quote(&v)));
                    }
                } else if let Some(i) = args.iter().position(|a| a == "--") {
                    self.sh.positional = args[i + 1..].to_vec();
                } else if !args[0].starts_with(['-', '+']) {
                    self.sh.positional = args.to_vec();
                }
                0
            }
            "shopt" | "trap" | "hash" | "ulimit" | "disown" | "wait" | "jobs" | "umask" => {
                if name == "umask" && args.is_empty() {
                    buf.o("0022\n");
                }
                0
            }
            "history" => 0,
            "bg" | "fg" => {
                buf.e(format!("bash: {name}: current: no such job\n"));
                1
            }
            "kill" => {
                if args.is_empty() {
                    buf.e("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
                    2
                } else {
                    let a = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
                    buf.e(format!("bash: kill: ({a}) - No such process\n"));
                    1
                }
            }
            "alias" => {
                if args.is_empty() {
                    let al: Vec<(String, String)> = self.sh.aliases.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    for (k, v) in al {
                        buf.o(format!("alias {k}='{v}'\n"));
                    }
                    return Some(0);
                }
                let mut st = 0;
                for a in args {
                    match a.split_once('=') {
                        Some((k, v)) => {
                            self.sh.aliases.insert(k.into(), v.into());
                        }
                        None => match self.sh.aliases.get(a) {
                            Some(v) => buf.o(format!("alias {a}='{v}'\n")),
                            None => {
                                buf.e(format!("bash: alias: {a}: not found\n"));
                                st = 1;
                            }
                        },
                    }
                }
                st
            }
            "unalias" => {
                for a in args {
                    if a == "-a" {
                        self.sh.aliases.clear();
                    } else {
                        self.sh.aliases.remove(a);
                    }
                }
                0
            }
            "source" | "." => {
                let Some(f) = args.first() else {
                    buf.e(format!("bash: {name}: filename argument required\n"));
                    return Some(2);
                };
                let p = self.resolve(f);
                let src = match self.sys.fs().read_file(&p) {
                    Ok(d) => String::from_utf8_lossy(d).into_owned(),
                    Err(e) => {
                        buf.e(format!("bash: {f}: {e}\n"));
                        return Some(1);
                    }
                };
                let saved = if args.len() > 1 { Some(std::mem::replace(&mut self.sh.positional, args[1..].to_vec())) } else { None };
                let st = self.run_text(&src, inp, buf);
                if let Some(s) = saved {
                    self.sh.positional = s;
                }
                if self.flow == Flow::Return {
                    self.flow = Flow::Normal;
                }
                st
            }
            "eval" => {
                let src = args.join(" ");
                self.run_text(&src, inp, buf)
            }
            "let" => {
                let mut v = 0;
                for a in args {
                    match self.arith(a) {
                        Ok(x) => v = x,
                        Err(st) => {
                            buf.e(std::mem::take(&mut self.xerr));
                            return Some(st);
                        }
                    }
                }
                if v != 0 { 0 } else { 1 }
            }
            "type" => {
                let mut st = 0;
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if let Some(v) = self.sh.aliases.get(a) {
                        buf.o(format!("{a} is aliased to `{v}'\n"));
                    } else if self.sh.functions.contains_key(a) {
                        buf.o(format!("{a} is a function\n"));
                    } else if is_builtin(a) {
                        buf.o(format!("{a} is a shell builtin\n"));
                    } else if let Some(p) = self.which(a) {
                        buf.o(format!("{a} is {p}\n"));
                    } else {
                        buf.e(format!("bash: type: {a}: not found\n"));
                        st = 1;
                    }
                }
                st
            }
            "command" | "builtin" => {
                if args.first().is_some_and(|a| a == "-v" || a == "-V") {
                    let mut st = 0;
                    for a in &args[1..] {
                        if self.sh.functions.contains_key(a) || is_builtin(a) {
                            buf.o(format!("{a}\n"));
                        } else if let Some(p) = self.which(a) {
                            buf.o(format!("{p}\n"));
                        } else {
                            st = 1;
                        }
                    }
                    st
                } else if args.is_empty() {
                    0
                } else {
                    self.dispatch_nofunc(args, inp, buf)
                }
            }
            "exec" => {
                if args.is_empty() {
                    0
                } else {
                    let st = self.dispatch(args, inp, buf);
                    self.sh.exit_requested = true;
                    self.flow = Flow::Exit;
                    st
                }
            }
            "time" => {
                let st = if args.is_empty() { 0 } else { self.dispatch(args, inp, buf) };
                buf.e("\nreal\t0m0.001s\nuser\t0m0.000s\nsys\t0m0.000s\n");
                st
            }
            "sudo" => {
                let mut i = 0;
                while i < args.len() && args[i].starts_with('-') {
                    if matches!(args[i].as_str(), "-u" | "-g") {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= args.len() {
                    buf.e("usage: sudo -h | -K | -k | -V\n");
                    return Some(1);
                }
                let saved_user = self.sh.user.clone();
                self.sh.user = "root".into();
                let st = self.dispatch(&args[i..], inp, buf);
                if self.sh.user == "root" {
                    self.sh.user = saved_user;
                }
                st
            }
            "bash" | "sh" => {
                let mut i = 0;
                while i < args.len() && args[i].starts_with('-') && args[i] != "-c" {
                    i += 1;
                }
                if i < args.len() && args[i] == "-c" {
                    let Some(src) = args.get(i + 1) else {
                        buf.e(format!("{name}: -c: option requires an argument\n"));
                        return Some(2);
                    };
                    let pos = args.get(i + 3..).map(|s| s.to_vec()).unwrap_or_default();
                    return Some(self.run_subshell(&src.clone(), pos, inp, buf));
                }
                match args.get(i) {
                    Some(f) => {
                        let p = self.resolve(f);
                        if !self.sys.fs().is_file(&p) {
                            buf.e(format!("{name}: {f}: No such file or directory\n"));
                            return Some(127);
                        }
                        self.run_script(&p, &args[i..], inp, buf)
                    }
                    None => {
                        let src = String::from_utf8_lossy(&inp.take_all()).into_owned();
                        self.run_subshell(&src, Vec::new(), &mut Input::default(), buf)
                    }
                }
            }
            _ => return None,
        })
    }

    /// Path of a command for `which`/`type`.
    pub(super) fn which(&mut self, name: &str) -> Option<String> {
        if name.contains('/') {
            let p = self.resolve(name);
            return self.sys.fs().is_file(&p).then(|| name.to_string());
        }
        if super::utils::is_util(name) || matches!(name, "bash" | "sh" | "sudo" | "echo" | "printf" | "test" | "[" | "true" | "false" | "pwd" | "kill") {
            return Some(format!("/usr/bin/{name}"));
        }
        if self.sys.has_command(name) {
            return Some(format!("/usr/bin/{name}"));
        }
        None
    }

    fn cd(&mut self, args: &[String], buf: &mut Buf) -> i32 {
        let args: Vec<&String> = args.iter().filter(|a| !matches!(a.as_str(), "-L" | "-P")).collect();
        if args.len() > 1 {
            buf.e("bash: cd: too many arguments\n");
            return 1;
        }
        let home = self.sh.vars.get("HOME").cloned().unwrap_or_else(|| self.sh.home.clone());
        let (target, print) = match args.first().map(|s| s.as_str()) {
            None => (home, false),
            Some("-") => match self.sh.vars.get("OLDPWD") {
                Some(o) => (o.clone(), true),
                None => {
                    buf.e("bash: cd: OLDPWD not set\n");
                    return 1;
                }
            },
            Some(d) => (d.to_string(), false),
        };
        let p = Fs::resolve(&self.sh.cwd, &target);
        let fs = self.sys.fs();
        if fs.is_dir(&p) {
            let old = std::mem::replace(&mut self.sh.cwd, p.clone());
            self.sh.vars.insert("OLDPWD".into(), old);
            self.sh.vars.insert("PWD".into(), p.clone());
            if print {
                buf.o(format!("{p}\n"));
            }
            0
        } else if fs.exists(&p) {
            buf.e(format!("bash: cd: {target}: Not a directory\n"));
            1
        } else {
            buf.e(format!("bash: cd: {target}: No such file or directory\n"));
            1
        }
    }

    fn read(&mut self, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
        let mut raw = false;
        let mut names = Vec::new();
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-r" => raw = true,
                "-p" | "-t" | "-n" | "-d" | "-u" => i += 1,
                "-s" | "-e" | "-a" => {}
                a if a.starts_with('-') && a.len() > 1 => {
                    if a.contains('r') {
                        raw = true;
                    }
                }
                a => names.push(a.to_string()),
            }
            i += 1;
        }
        if let Some(bad) = names.iter().find(|n| !is_name(n)) {
            buf.e(format!("bash: read: `{bad}': not a valid identifier\n"));
            return 1;
        }
        if names.is_empty() {
            names.push("REPLY".into());
        }
        let mut line = String::new();
        let mut got_nl;
        loop {
            let Some((l, nl)) = inp.read_line() else {
                if line.is_empty() {
                    for n in &names {
                        self.sh.vars.insert(n.clone(), String::new());
                    }
                    return 1;
                }
                got_nl = false;
                break;
            };
            got_nl = nl;
            if !raw && l.ends_with('\\') && nl {
                line.push_str(&l[..l.len() - 1]);
                continue;
            }
            line.push_str(&l);
            break;
        }
        if !raw {
            line = super::expand::unescape_glob(&line);
        }
        let ifs = self.sh.vars.get("IFS").cloned().unwrap_or_else(|| " \t\n".into());
        let mut rest = line.trim_matches(|c: char| ifs.contains(c) && c.is_whitespace()).to_string();
        for (k, n) in names.iter().enumerate() {
            if k + 1 == names.len() {
                self.sh.vars.insert(n.clone(), rest.clone());
                break;
            }
            let (w, r) = match rest.find(|c: char| ifs.contains(c)) {
                Some(i) => {
                    let w = rest[..i].to_string();
                    let r = rest[i..].chars().skip(1).collect::<String>();
                    (w, r.trim_start_matches(|c: char| ifs.contains(c) && c.is_whitespace()).to_string())
                }
                None => (rest.clone(), String::new()),
            };
            self.sh.vars.insert(n.clone(), w);
            rest = r;
        }
        if got_nl { 0 } else { 1 }
    }
}
