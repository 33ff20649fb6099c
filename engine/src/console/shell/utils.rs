//! Coreutils (and friends) over the virtual filesystem, GNU-flavoured.

use super::expand::ansi_c;
use super::interp::{shell_quote, Buf, Exec, Input};
use crate::clock::Time;
use crate::fs::{file_name, parent, FsError};
use base64::Engine as _;

const UTILS: &[&str] = &[
    "echo", "printf", "true", "false", "test", "[", "cat", "ls", "mkdir", "rm", "rmdir", "cp", "mv", "touch", "head", "tail",
    "wc", "grep", "egrep", "fgrep", "tr", "cut", "sort", "uniq", "base64", "sleep", "date", "env", "printenv", "whoami",
    "hostname", "id", "uname", "seq", "tee", "xargs", "basename", "dirname", "chmod", "chown", "stat", "which", "clear",
    "jq", "yes", "rev", "tac", "nl", "realpath", "readlink", "md5sum", "sha256sum", "file", "du", "df", "free", "uptime",
    "ps", "nproc", "arch", "tput", "less", "more", "ln", "diff", "cmp", "find", "awk", "sed", "vi", "vim", "nano", "man",
    "getent", "groups", "users", "who", "w", "mktemp", "expr", "fold", "paste", "install", "column",
];

pub(super) fn is_util(name: &str) -> bool {
    UTILS.contains(&name)
}

/// Parsed command-line options.
struct Opts {
    flags: Vec<char>,
    vals: Vec<(char, String)>,
    longs: Vec<(String, Option<String>)>,
    operands: Vec<String>,
}

impl Opts {
    fn has(&self, c: char) -> bool {
        self.flags.contains(&c)
    }
    fn val(&self, c: char) -> Option<&str> {
        self.vals.iter().rev().find(|(k, _)| *k == c).map(|(_, v)| v.as_str())
    }
    fn long(&self, n: &str) -> bool {
        self.longs.iter().any(|(k, _)| k == n)
    }
    fn long_val(&self, n: &str) -> Option<&str> {
        self.longs.iter().rev().find(|(k, _)| k == n).and_then(|(_, v)| v.as_deref())
    }
}

/// Parse `args` with `allowed` short flags and `with_val` flags taking a value.
/// Long options are returned as-is (checked against `longs`).
fn getopt(name: &str, args: &[String], allowed: &str, with_val: &str, longs: &[&str], buf: &mut Buf) -> Result<Opts, i32> {
    let mut o = Opts { flags: Vec::new(), vals: Vec::new(), longs: Vec::new(), operands: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            o.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(l) = a.strip_prefix("--") {
            let (k, v) = match l.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (l.to_string(), None),
            };
            if !longs.iter().any(|x| x.trim_end_matches('=') == k) {
                buf.e(format!("{name}: unrecognized option '{a}'\nTry '{name} --help' for more information.\n"));
                return Err(if name == "ls" { 2 } else { 1 });
            }
            let needs = longs.iter().any(|x| x.ends_with('=') && x.trim_end_matches('=') == k);
            let v = if needs && v.is_none() && i < args.len() {
                i += 1;
                Some(args[i - 1].clone())
            } else {
                v
            };
            o.longs.push((k, v));
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let cs: Vec<char> = a.chars().skip(1).collect();
            let mut j = 0;
            while j < cs.len() {
                let c = cs[j];
                j += 1;
                if with_val.contains(c) {
                    let v: String = cs[j..].iter().collect();
                    let v = if v.is_empty() {
                        if i < args.len() {
                            i += 1;
                            args[i - 1].clone()
                        } else {
                            buf.e(format!("{name}: option requires an argument -- '{c}'\nTry '{name} --help' for more information.\n"));
                            return Err(if name == "ls" { 2 } else { 1 });
                        }
                    } else {
                        v
                    };
                    o.vals.push((c, v));
                    break;
                } else if allowed.contains(c) {
                    o.flags.push(c);
                } else {
                    buf.e(format!("{name}: invalid option -- '{c}'\nTry '{name} --help' for more information.\n"));
                    return Err(if name == "ls" { 2 } else { 1 });
                }
            }
            continue;
        }
        o.operands.push(a.clone());
    }
    Ok(o)
}

fn fs_err(name: &str, path: &str, e: FsError) -> String {
    format!("{name}: {path}: {e}\n")
}

/// Read each operand (or stdin for none / `-`).
fn inputs(ex: &mut Exec, name: &str, files: &[String], inp: &mut Input, buf: &mut Buf, st: &mut i32) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if files.is_empty() {
        out.push(("-".to_string(), inp.take_all()));
        return out;
    }
    for f in files {
        if f == "-" {
            out.push((f.clone(), inp.take_all()));
            continue;
        }
        let p = ex.resolve(f);
        match ex.sys.fs().read_file(&p) {
            Ok(d) => out.push((f.clone(), d.to_vec())),
            Err(e) => {
                buf.e(fs_err(name, f, e));
                *st = 1;
            }
        }
    }
    out
}

fn lines_of(data: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(data);
    let mut v: Vec<String> = s.split('\n').map(String::from).collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

pub(super) fn run(ex: &mut Exec, name: &str, argv: &[String], inp: &mut Input, buf: &mut Buf) -> Option<i32> {
    let args = &argv[1..];
    Some(match name {
        "true" => 0,
        "false" => 1,
        "echo" => echo(args, buf),
        "printf" => {
            if args.is_empty() {
                buf.e("printf: usage: printf [-v var] format [arguments]\n");
                return Some(2);
            }
            if args[0] == "-v" && args.len() >= 3 {
                let mut b = Buf::default();
                let st = printf(&args[2], &args[3..], &mut b);
                buf.e(&b.err);
                let v = String::from_utf8_lossy(&b.out).into_owned();
                ex.set_var_capped(&args[1], v, false);
                return Some(st);
            }
            let (f, rest) = if args[0] == "--" && args.len() > 1 { (&args[1], &args[2..]) } else { (&args[0], &args[1..]) };
            printf(f, rest, buf)
        }
        "test" | "[" => test_cmd(ex, name, args, buf),
        "cat" => {
            let o = match getopt(name, args, "nbsAeEvT", "", &["number"], buf) {
                Ok(o) => o,
                Err(st) => return Some(st),
            };
            let mut st = 0;
            let mut n = 0;
            for (_, d) in inputs(ex, name, &o.operands, inp, buf, &mut st) {
                if o.has('n') || o.long("number") {
                    for l in lines_of(&d) {
                        n += 1;
                        buf.o(format!("{n:>6}\t{l}\n"));
                    }
                } else {
                    buf.o(&d);
                }
                if buf.out_full() {
                    break;
                }
            }
            st
        }
        "ls" => ls(ex, args, buf),
        "mkdir" => {
            let o = match getopt(name, args, "pv", "m", &["parents"], buf) {
                Ok(o) => o,
                Err(st) => return Some(st),
            };
            if o.operands.is_empty() {
                buf.e("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
                return Some(1);
            }
            let mut st = 0;
            for d in &o.operands {
                let p = ex.resolve(d);
                let fs = ex.sys.fs();
                let r = if o.has('p') || o.long("parents") { fs.mkdir_all(&p) } else { fs.mkdir(&p) };
                match r {
                    Ok(()) => {
                        let u = ex.sh.user.clone();
                        ex.sys.fs().chown(&p, &u);
                    }
                    Err(e) => {
                        buf.e(format!("mkdir: cannot create directory '{d}': {e}\n"));
                        st = 1;
                    }
                }
            }
            st
        }
        "rmdir" => {
            let mut st = 0;
            for d in args {
                let p = ex.resolve(d);
                let fs = ex.sys.fs();
                let r = if fs.is_dir(&p) { fs.remove(&p, false) } else if fs.exists(&p) { Err(FsError::NotADirectory) } else { Err(FsError::NotFound) };
                if let Err(e) = r {
                    buf.e(format!("rmdir: failed to remove '{d}': {e}\n"));
                    st = 1;
                }
            }
            st
        }
        "rm" => {
            let o = match getopt(name, args, "rRfiv", "", &["recursive", "force"], buf) {
                Ok(o) => o,
                Err(st) => return Some(st),
            };
            let rec = o.has('r') || o.has('R') || o.long("recursive");
            let force = o.has('f') || o.long("force");
            if o.operands.is_empty() && !force {
                buf.e("rm: missing operand\nTry 'rm --help' for more information.\n");
                return Some(1);
            }
            let mut st = 0;
            for f in &o.operands {
                let p = ex.resolve(f);
                let fs = ex.sys.fs();
                if !fs.exists(&p) {
                    if !force {
                        buf.e(format!("rm: cannot remove '{f}': No such file or directory\n"));
                        st = 1;
                    }
                    continue;
                }
                if fs.is_dir(&p) && !rec {
                    buf.e(format!("rm: cannot remove '{f}': Is a directory\n"));
                    st = 1;
                    continue;
                }
                if p == "/" {
                    buf.e("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
                    st = 1;
                    continue;
                }
                if let Err(e) = fs.remove(&p, rec) {
                    buf.e(format!("rm: cannot remove '{f}': {e}\n"));
                    st = 1;
                }
            }
            st
        }
        "cp" | "mv" | "install" => cp_mv(ex, name, args, buf),
        "touch" => {
            let mut st = 0;
            let now = ex.now();
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                let p = ex.resolve(f);
                let fs = ex.sys.fs();
                if !fs.exists(&p) {
                    if let Err(e) = fs.write_file(&p, Vec::new()) {
                        buf.e(format!("touch: cannot touch '{f}': {e}\n"));
                        st = 1;
                        continue;
                    }
                    let u = ex.sh.user.clone();
                    ex.sys.fs().chown(&p, &u);
                }
                ex.sys.fs().set_mtime(&p, now);
            }
            st
        }
        "head" | "tail" => head_tail(ex, name, args, inp, buf),
        "wc" => wc(ex, args, inp, buf),
        "grep" | "egrep" | "fgrep" => grep(ex, name, args, inp, buf),
        "tr" => tr(args, inp, buf),
        "cut" => cut(ex, args, inp, buf),
        "sort" => sort(ex, args, inp, buf),
        "uniq" => {
            let o = match getopt(name, args, "cdui", "", &[], buf) {
                Ok(o) => o,
                Err(st) => return Some(st),
            };
            let mut st = 0;
            let data = inputs(ex, name, &o.operands[..o.operands.len().min(1)], inp, buf, &mut st);
            let lines = data.first().map(|(_, d)| lines_of(d)).unwrap_or_default();
            let mut groups: Vec<(String, usize)> = Vec::new();
            for l in lines {
                let same = groups.last().is_some_and(|(g, _)| if o.has('i') { g.to_lowercase() == l.to_lowercase() } else { *g == l });
                if same {
                    if let Some(g) = groups.last_mut() {
                        g.1 += 1;
                    }
                } else {
                    groups.push((l, 1));
                }
            }
            for (l, n) in groups {
                if (o.has('d') && n < 2) || (o.has('u') && n > 1) {
                    continue;
                }
                if o.has('c') {
                    buf.o(format!("{n:>7} {l}\n"));
                } else {
                    buf.o(format!("{l}\n"));
                }
            }
            st
        }
        "base64" => {
            let o = match getopt(name, args, "dwi", "w", &["decode", "wrap=", "ignore-garbage"], buf) {
                Ok(o) => o,
                Err(st) => return Some(st),
            };
            let mut st = 0;
            let data = inputs(ex, name, &o.operands[..o.operands.len().min(1)], inp, buf, &mut st);
            let Some((_, d)) = data.into_iter().next() else { return Some(st) };
            if o.has('d') || o.long("decode") {
                let clean: Vec<u8> = d.into_iter().filter(|b| !b.is_ascii_whitespace()).collect();
                match base64::engine::general_purpose::STANDARD.decode(&clean) {
                    Ok(v) => buf.o(v),
                    Err(_) => {
                        // GNU decodes what it can, then complains.
                        let cut = clean.len() / 4 * 4;
                        if let Ok(v) = base64::engine::general_purpose::STANDARD.decode(&clean[..cut]) {
                            buf.o(v);
                        }
                        buf.e("base64: invalid input\n");
                        return Some(1);
                    }
                }
                0
            } else {
                let wrap = o.val('w').or(o.long_val("wrap")).map(|w| w.parse::<usize>().unwrap_or(76)).unwrap_or(76);
                let enc = base64::engine::general_purpose::STANDARD.encode(&d);
                if wrap == 0 {
                    // GNU base64 -w0 ends without a newline.
                    buf.o(enc);
                } else {
                    let cs = enc.as_bytes();
                    for ch in cs.chunks(wrap) {
                        buf.o(ch);
                        buf.o("\n");
                    }
                }
                st
            }
        }
        "sleep" => {
            if args.is_empty() {
                buf.e("sleep: missing operand\nTry 'sleep --help' for more information.\n");
                return Some(1);
            }
            let mut total = 0u64;
            for a in args {
                match crate::clock::parse_duration(a) {
                    Some(ms) if !a.contains('h') || a.chars().filter(|c| c.is_alphabetic()).count() <= 1 => total = total.saturating_add(ms),
                    _ => {
                        buf.e(format!("sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n"));
                        return Some(1);
                    }
                }
            }
            ex.sys.sleep(total);
            0
        }
        "date" => date(ex, args, buf),
        "env" | "printenv" => {
            let mut i = 0;
            let mut tmp: Vec<(String, String)> = Vec::new();
            let mut clear = false;
            while i < args.len() {
                let a = &args[i];
                if a == "-i" || a == "-" {
                    clear = true;
                } else if let Some((k, v)) = a.split_once('=').filter(|_| name == "env") {
                    tmp.push((k.into(), v.into()));
                } else {
                    break;
                }
                i += 1;
            }
            if name == "printenv" && !args.is_empty() {
                let env = ex.sh.env();
                let mut st = 0;
                for a in args {
                    match env.get(a) {
                        Some(v) => buf.o(format!("{v}\n")),
                        None => st = 1,
                    }
                }
                return Some(st);
            }
            if i < args.len() {
                let saved = ex.sh.clone();
                if clear {
                    ex.sh.exported.clear();
                }
                for (k, v) in tmp {
                    ex.sh.vars.insert(k.clone(), v);
                    ex.sh.exported.insert(k);
                }
                let st = ex.dispatch_nofunc(&args[i..], inp, buf);
                let exit = ex.sh.exit_requested;
                *ex.sh = saved;
                let _ = exit; // `exit` inside a sourced file ends the file, not the session
                return Some(st);
            }
            let mut env = if clear { Default::default() } else { ex.sh.env() };
            for (k, v) in tmp {
                env.insert(k, v);
            }
            for (k, v) in env {
                buf.o(format!("{k}={v}\n"));
            }
            0
        }
        "whoami" => {
            buf.o(format!("{}\n", ex.sh.user));
            0
        }
        "groups" => {
            let u = ex.sh.user.clone();
            buf.o(if u == "root" { "root\n".to_string() } else { format!("{u} adm wheel systemd-journal\n") });
            0
        }
        "users" | "who" | "w" => {
            if name == "users" {
                buf.o(format!("{}\n", ex.sh.user));
            }
            0
        }
        "hostname" => {
            if args.first().is_some_and(|a| a == "-I" || a == "-i") {
                buf.o("127.0.0.1 \n");
            } else {
                buf.o(format!("{}\n", ex.sys.hostname()));
            }
            0
        }
        "id" => {
            let u = ex.sh.user.clone();
            let (uid, gid) = if u == "root" { (0, 0) } else { (1000, 1000) };
            if args.first().is_some_and(|a| a == "-u") {
                buf.o(format!("{uid}\n"));
            } else if args.first().is_some_and(|a| a == "-un" || a == "-nu") {
                buf.o(format!("{u}\n"));
            } else if uid == 0 {
                buf.o("uid=0(root) gid=0(root) groups=0(root)\n");
            } else {
                buf.o(format!("uid={uid}({u}) gid={gid}({u}) groups={gid}({u}),4(adm),10(wheel),190(systemd-journal)\n"));
            }
            0
        }
        "uname" => {
            let o = match getopt(name, args, "asnrvmpio", "", &["all", "kernel-release", "machine"], buf) {
                Ok(o) => o,
                Err(st) => return Some(st),
            };
            let host = ex.sys.hostname();
            let rel = "6.1.119-129.201.amzn2023.x86_64";
            let ver = "#1 SMP PREEMPT_DYNAMIC Tue Dec  3 21:07:35 UTC 2024";
            let mut parts: Vec<String> = Vec::new();
            let all = o.has('a') || o.long("all");
            if all || o.has('s') || o.flags.is_empty() && o.longs.is_empty() {
                parts.push("Linux".into());
            }
            if all || o.has('n') {
                parts.push(host);
            }
            if all || o.has('r') || o.long("kernel-release") {
                parts.push(rel.into());
            }
            if all || o.has('v') {
                parts.push(ver.into());
            }
            if all || o.has('m') || o.long("machine") {
                parts.push("x86_64".into());
            }
            if o.has('p') || all {
                parts.push("x86_64".into());
            }
            if o.has('i') || all {
                parts.push("x86_64".into());
            }
            if all || o.has('o') {
                parts.push("GNU/Linux".into());
            }
            buf.o(format!("{}\n", parts.join(" ")));
            0
        }
        "arch" => {
            buf.o("x86_64\n");
            0
        }
        "nproc" => {
            buf.o("2\n");
            0
        }
        "seq" => seq(args, buf),
        "yes" => {
            let s = if args.is_empty() { "y".to_string() } else { args.join(" ") };
            for _ in 0..10_000 {
                buf.o(format!("{s}\n"));
                if buf.out_full() {
                    break;
                }
            }
            0
        }
        "tee" => {
            let append = args.iter().any(|a| a == "-a" || a == "--append");
            let d = inp.take_all();
            let mut st = 0;
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                let p = ex.resolve(f);
                let fs = ex.sys.fs();
                let r = if append { fs.append(&p, &d) } else { fs.write_file(&p, d.clone()) };
                if let Err(e) = r {
                    buf.e(fs_err("tee", f, e));
                    st = 1;
                } else {
                    let now = ex.now();
                    ex.sys.fs().set_mtime(&p, now);
                }
            }
            buf.o(&d);
            st
        }
        "xargs" => xargs(ex, args, inp, buf),
        "basename" => {
            let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
            let Some(p) = ops.first() else {
                buf.e("basename: missing operand\nTry 'basename --help' for more information.\n");
                return Some(1);
            };
            let t = p.trim_end_matches('/');
            let mut b = if t.is_empty() { "/".to_string() } else { t.rsplit('/').next().unwrap_or(t).to_string() };
            if let Some(suf) = ops.get(1) {
                if b.len() > suf.len() {
                    if let Some(x) = b.strip_suffix(suf.as_str()) {
                        b = x.to_string();
                    }
                }
            }
            buf.o(format!("{b}\n"));
            0
        }
        "dirname" => {
            let Some(p) = args.first() else {
                buf.e("dirname: missing operand\nTry 'dirname --help' for more information.\n");
                return Some(1);
            };
            let t = p.trim_end_matches('/');
            let d = match t.rfind('/') {
                None => if p.starts_with('/') { "/" } else { "." }.to_string(),
                Some(0) => "/".into(),
                Some(i) => t[..i].trim_end_matches('/').to_string(),
            };
            buf.o(format!("{}\n", if d.is_empty() { "/" } else { &d }));
            0
        }
        "chmod" => chmod(ex, args, buf),
        "chown" => {
            if args.len() < 2 {
                buf.e("chown: missing operand\n");
                return Some(1);
            }
            let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
            let owner = ops.first().map(|s| s.split(':').next().unwrap_or("").to_string()).unwrap_or_default();
            let mut st = 0;
            for f in ops.iter().skip(1) {
                let p = ex.resolve(f);
                if !ex.sys.fs().exists(&p) {
                    buf.e(format!("chown: cannot access '{f}': No such file or directory\n"));
                    st = 1;
                    continue;
                }
                ex.sys.fs().chown(&p, &owner);
            }
            st
        }
        "stat" => {
            let mut st = 0;
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                let p = ex.resolve(f);
                let fs = ex.sys.fs();
                let Some(mode) = fs.mode(&p) else {
                    buf.e(format!("stat: cannot statx '{f}': No such file or directory\n"));
                    st = 1;
                    continue;
                };
                let dir = fs.is_dir(&p);
                let size = if dir { 4096 } else { fs.size(&p).unwrap_or(0) };
                let owner = fs.owner(&p);
                let t = fs.mtime(&p).unwrap_or(crate::clock::EPOCH_START_MS);
                let iso = Time(t).iso();
                let when = format!("{} {}.000000000 +0000", &iso[..10.min(iso.len())], iso.get(11..19).unwrap_or(""));
                let (uid, _) = if owner == "root" { (0, 0) } else { (1000, 1000) };
                buf.o(format!(
                    "  File: {f}\n  Size: {size:<15} Blocks: {:<10} IO Block: 4096   {}\nDevice: 259,1\tInode: 1234567     Links: 1\nAccess: ({:04o}/{})  Uid: ({uid:>5}/{owner:>8})   Gid: ({uid:>5}/{owner:>8})\nAccess: {when}\nModify: {when}\nChange: {when}\n Birth: {when}\n",
                    size.div_ceil(512) * 8 / 8,
                    if dir { "directory" } else if size == 0 { "regular empty file" } else { "regular file" },
                    mode,
                    mode_string(mode, dir)
                ));
            }
            st
        }
        "which" => {
            let mut st = 0;
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                match ex.which(a) {
                    Some(p) if !super::builtins::is_builtin(a) || p.starts_with('/') => buf.o(format!("{p}\n")),
                    _ => {
                        buf.e(format!("/usr/bin/which: no {a} in ({})\n", ex.sh.vars.get("PATH").cloned().unwrap_or_default()));
                        st = 1;
                    }
                }
            }
            st
        }
        "clear" => {
            buf.o("\x1b[H\x1b[2J\x1b[3J");
            0
        }
        "tput" => 0,
        "jq" => super::jq::jq(ex, args, inp, buf),
        "rev" | "tac" | "nl" => {
            let mut st = 0;
            let data = inputs(ex, name, args, inp, buf, &mut st);
            let mut all = Vec::new();
            for (_, d) in data {
                all.extend(lines_of(&d));
            }
            match name {
                "rev" => all.iter().for_each(|l| buf.o(format!("{}\n", l.chars().rev().collect::<String>()))),
                "tac" => all.iter().rev().for_each(|l| buf.o(format!("{l}\n"))),
                _ => {
                    let mut n = 0;
                    for l in all {
                        if l.is_empty() {
                            buf.o("\n");
                        } else {
                            n += 1;
                            buf.o(format!("{n:>6}\t{l}\n"));
                        }
                    }
                }
            }
            st
        }
        "realpath" | "readlink" => {
            let mut st = 0;
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                let p = ex.resolve(f);
                if name == "realpath" && !ex.sys.fs().exists(crate::fs::parent(&p)) {
                    buf.e(format!("realpath: {f}: No such file or directory\n"));
                    st = 1;
                    continue;
                }
                buf.o(format!("{p}\n"));
            }
            st
        }
        "md5sum" | "sha256sum" => {
            let mut st = 0;
            for (n, d) in inputs(ex, name, args, inp, buf, &mut st) {
                let h = fnv_hex(&d, if name == "md5sum" { 32 } else { 64 });
                buf.o(format!("{h}  {n}\n"));
            }
            st
        }
        "file" => {
            for f in args {
                let p = ex.resolve(f);
                let fs = ex.sys.fs();
                let kind = if fs.is_dir(&p) {
                    "directory".to_string()
                } else if let Some(d) = fs.read(&p) {
                    if d.is_empty() {
                        "empty".into()
                    } else if d.starts_with(b"-----BEGIN") {
                        "PEM RSA private key".into()
                    } else if d.starts_with(b"#!") {
                        "Bourne-Again shell script, ASCII text executable".into()
                    } else if std::str::from_utf8(d).is_ok() {
                        "ASCII text".into()
                    } else {
                        "data".into()
                    }
                } else {
                    format!("cannot open `{f}' (No such file or directory)")
                };
                buf.o(format!("{f}: {kind}\n"));
            }
            0
        }
        "df" => {
            buf.o("Filesystem     1K-blocks    Used Available Use% Mounted on\n/dev/nvme0n1p1   8310764 1684052   6626712  21% /\ntmpfs             484276       0    484276   0% /dev/shm\n");
            0
        }
        "du" => {
            for f in args.iter().filter(|a| !a.starts_with('-')).chain(std::iter::once(&".".to_string()).filter(|_| args.iter().all(|a| a.starts_with('-')))) {
                let p = ex.resolve(f);
                let sz = ex.sys.fs().size(&p).unwrap_or(0);
                buf.o(format!("{}\t{f}\n", sz.div_ceil(1024).max(4)));
            }
            0
        }
        "free" => {
            buf.o("               total        used        free      shared  buff/cache   available\nMem:          949452      163396      524500         440      261556      646948\nSwap:              0           0           0\n");
            0
        }
        "uptime" => {
            let t = Time(ex.now()).iso();
            buf.o(format!(" {} up 5 min,  1 user,  load average: 0.00, 0.02, 0.01\n", t.get(11..19).unwrap_or("")));
            0
        }
        "ps" => {
            buf.o(format!("    PID TTY          TIME CMD\n   {} pts/0    00:00:00 bash\n   4300 pts/0    00:00:00 ps\n", super::SHELL_PID));
            0
        }
        "less" | "more" => {
            let mut st = 0;
            for (_, d) in inputs(ex, name, args, inp, buf, &mut st) {
                buf.o(d);
            }
            st
        }
        "sed" => super::sed::sed(ex, args, inp, buf),
        "vi" | "vim" | "nano" | "awk" | "find" | "diff" | "cmp" | "ln" | "man" | "getent" | "column" | "paste" | "fold" | "expr" | "mktemp" => {
            other(ex, name, args, inp, buf)
        }
        _ => return None,
    })
}

fn fnv_hex(d: &[u8], len: usize) -> String {
    let mut out = String::new();
    let mut seed = 0xcbf2_9ce4_8422_2325u64;
    while out.len() < len {
        let mut h = seed;
        for b in d {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
    out.truncate(len);
    out
}

fn other(ex: &mut Exec, name: &str, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    match name {
        "mktemp" => {
            let n = ex.random();
            let d = args.iter().any(|a| a == "-d");
            let p = format!("/tmp/tmp.{n:05}ab{}", n % 97);
            let fs = ex.sys.fs();
            if d {
                fs.mkdir_p(&p);
            } else {
                fs.write(&p, Vec::new());
            }
            buf.o(format!("{p}\n"));
            0
        }
        "expr" => {
            if args.len() == 3 {
                let (a, op, b) = (&args[0], args[1].as_str(), &args[2]);
                if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
                    let r = match op {
                        "+" => Some(x.wrapping_add(y)),
                        "-" => Some(x.wrapping_sub(y)),
                        "*" => Some(x.wrapping_mul(y)),
                        "/" | "%" if y == 0 => {
                            buf.e("expr: division by zero\n");
                            return 2;
                        }
                        "/" => Some(x.wrapping_div(y)),
                        "%" => Some(x.wrapping_rem(y)),
                        "<" => Some((x < y) as i64),
                        ">" => Some((x > y) as i64),
                        "=" => Some((x == y) as i64),
                        _ => None,
                    };
                    if let Some(r) = r {
                        buf.o(format!("{r}\n"));
                        return if r == 0 { 1 } else { 0 };
                    }
                }
            }
            if args.len() == 1 {
                buf.o(format!("{}\n", args[0]));
                return if args[0].is_empty() || args[0] == "0" { 1 } else { 0 };
            }
            buf.e("expr: syntax error\n");
            2
        }
        "ln" => {
            let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
            if ops.len() < 2 {
                buf.e("ln: missing file operand\n");
                return 1;
            }
            let src = ex.resolve(ops[0]);
            let dst = ex.resolve(ops[1]);
            let fs = ex.sys.fs();
            match fs.read(&src).map(|d| d.to_vec()) {
                Some(d) => {
                    let _ = fs.write_file(&dst, d);
                    0
                }
                None => {
                    buf.e(format!("ln: failed to access '{}': No such file or directory\n", ops[0]));
                    1
                }
            }
        }
        "find" => {
            let start = args.first().filter(|a| !a.starts_with('-')).cloned().unwrap_or_else(|| ".".into());
            let name_pat = args.iter().position(|a| a == "-name").and_then(|i| args.get(i + 1)).cloned();
            let typ = args.iter().position(|a| a == "-type").and_then(|i| args.get(i + 1)).cloned();
            let root = ex.resolve(&start);
            let fs = ex.sys.fs();
            if !fs.exists(&root) {
                buf.e(format!("find: '{start}': No such file or directory\n"));
                return 1;
            }
            let mut stack = vec![(root.clone(), start.clone())];
            let mut n = 0;
            while let Some((abs, shown)) = stack.pop() {
                n += 1;
                if n > 20_000 {
                    break;
                }
                let is_dir = fs.is_dir(&abs);
                let ok_name = name_pat.as_ref().is_none_or(|p| super::expand::glob_match(p, file_name(&abs)));
                let ok_type = match typ.as_deref() {
                    Some("f") => !is_dir,
                    Some("d") => is_dir,
                    _ => true,
                };
                if ok_name && ok_type {
                    buf.o(format!("{shown}\n"));
                }
                if is_dir {
                    if let Ok(names) = fs.list_dir(&abs) {
                        for c in names.into_iter().rev() {
                            let sa = if abs == "/" { format!("/{c}") } else { format!("{abs}/{c}") };
                            let ss = if shown.ends_with('/') { format!("{shown}{c}") } else { format!("{shown}/{c}") };
                            stack.push((sa, ss));
                        }
                    }
                }
            }
            0
        }
        "diff" | "cmp" => {
            if args.len() < 2 {
                buf.e(format!("{name}: missing operand\n"));
                return 2;
            }
            let a = ex.resolve(&args[args.len() - 2]);
            let b = ex.resolve(&args[args.len() - 1]);
            let fs = ex.sys.fs();
            match (fs.read(&a), fs.read(&b)) {
                (Some(x), Some(y)) => {
                    if x == y {
                        0
                    } else {
                        if name == "cmp" {
                            buf.o(format!("{} {} differ\n", args[args.len() - 2], args[args.len() - 1]));
                        } else {
                            buf.o(format!("Files {} and {} differ\n", args[args.len() - 2], args[args.len() - 1]));
                        }
                        1
                    }
                }
                _ => {
                    buf.e(format!("{name}: No such file or directory\n"));
                    2
                }
            }
        }
        "getent" => {
            let d = ex.sys.fs().read("/etc/passwd").map(|d| d.to_vec()).unwrap_or_default();
            let key = args.get(1).cloned().unwrap_or_default();
            let mut found = false;
            for l in lines_of(&d) {
                if key.is_empty() || l.starts_with(&format!("{key}:")) {
                    buf.o(format!("{l}\n"));
                    found = true;
                }
            }
            if found { 0 } else { 2 }
        }
        "paste" | "column" | "fold" => {
            let mut st = 0;
            for (_, d) in inputs(ex, name, &args.iter().filter(|a| !a.starts_with('-')).cloned().collect::<Vec<_>>(), inp, buf, &mut st) {
                if name == "paste" && args.iter().any(|a| a == "-s") {
                    let delim = args.iter().find_map(|a| a.strip_prefix("-d")).and_then(|d| d.chars().next()).unwrap_or('\t');
                    buf.o(format!("{}\n", lines_of(&d).join(&delim.to_string())));
                } else {
                    buf.o(d);
                }
            }
            st
        }
        _ => {
            let what = match name {
                "awk" => format!("{name}: this simulated shell has no {name}; try cut, tr, grep, sed or jq\n"),
                "vi" | "vim" | "nano" => format!("{name}: interactive editors are not available here; write files with: cat > file <<'EOF' … EOF\n"),
                _ => format!("{name}: not available in this simulated shell\n"),
            };
            let _ = inp;
            buf.e(what);
            127
        }
    }
}

fn echo(args: &[String], buf: &mut Buf) -> i32 {
    let mut nl = true;
    let mut esc = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            for c in a[1..].chars() {
                match c {
                    'n' => nl = false,
                    'e' => esc = true,
                    _ => esc = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut s = args[i..].join(" ");
    if esc {
        if let Some(pos) = s.find("\\c") {
            s.truncate(pos);
            nl = false;
        }
        s = echo_escapes(&s);
    }
    if nl {
        s.push('\n');
    }
    buf.o(s);
    0
}

/// `echo -e` / `printf %b`: like $'…' but octal is `\0NNN`.
fn echo_escapes(s: &str) -> String {
    let s = s.replace("\\0", "\\");
    ansi_c(&s)
}

/// `printf FORMAT ARGS…` (reuses the format while arguments remain).
/// A printf width or precision at `f[*j]`: `*` takes the next argument, then any digits follow.
fn star_or_digits(f: &[char], j: &mut usize, args: &[String], ai: &mut usize, consumed: &mut bool) -> String {
    let mut s = String::new();
    if f.get(*j) == Some(&'*') {
        s = args.get(*ai).cloned().unwrap_or_default();
        *ai += 1;
        *consumed = true;
        *j += 1;
    }
    while *j < f.len() && f[*j].is_ascii_digit() {
        s.push(f[*j]);
        *j += 1;
    }
    s
}

fn printf(fmt: &str, args: &[String], buf: &mut Buf) -> i32 {
    let f: Vec<char> = fmt.chars().collect();
    let mut ai = 0;
    let mut st = 0;
    let mut out = String::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let mut consumed = false;
        let mut i = 0;
        while i < f.len() {
            let c = f[i];
            if c == '\\' {
                let mut j = i + 1;
                let mut esc = String::from("\\");
                if j < f.len() {
                    esc.push(f[j]);
                    j += 1;
                    if matches!(f[i + 1], 'x' | '0'..='7' | 'u') {
                        while j < f.len() && j < i + 5 && f[j].is_ascii_hexdigit() {
                            esc.push(f[j]);
                            j += 1;
                        }
                    }
                }
                if esc == "\\c" {
                    buf.o(out);
                    return st;
                }
                out.push_str(&ansi_c(&esc));
                i = j;
                continue;
            }
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            if f.get(i + 1) == Some(&'%') {
                out.push('%');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            let mut flags = String::new();
            while j < f.len() && "-+ 0#'".contains(f[j]) {
                flags.push(f[j]);
                j += 1;
            }
            let width = star_or_digits(&f, &mut j, args, &mut ai, &mut consumed);
            let mut prec: Option<String> = None;
            if f.get(j) == Some(&'.') {
                j += 1;
                prec = Some(star_or_digits(&f, &mut j, args, &mut ai, &mut consumed));
            }
            while j < f.len() && "lhqjzt".contains(f[j]) {
                j += 1;
            }
            let Some(&conv) = f.get(j) else {
                buf.e(format!("printf: %{}: invalid conversion specification\n", flags));
                st = 1;
                break;
            };
            i = j + 1;
            let arg = args.get(ai).cloned();
            if arg.is_some() {
                consumed = true;
            }
            ai += 1;
            let arg = arg.unwrap_or_default();
            let w: usize = width.trim_start_matches('-').parse::<usize>().unwrap_or(0).min(4096);
            let left = flags.contains('-') || width.starts_with('-');
            let p: Option<usize> = prec.as_ref().map(|p| p.parse::<usize>().unwrap_or(0).min(4096));
            let body = match conv {
                's' => match p {
                    Some(p) => arg.chars().take(p).collect(),
                    None => arg,
                },
                'b' => echo_escapes(&arg),
                'q' => shell_quote(&arg),
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'u' => {
                    let v = match parse_num(&arg) {
                        Some(v) => v,
                        None => {
                            buf.e(format!("printf: '{arg}': invalid number\n"));
                            st = 1;
                            0
                        }
                    };
                    let mut s = v.unsigned_abs().to_string();
                    if let Some(p) = p {
                        while s.len() < p {
                            s.insert(0, '0');
                        }
                    }
                    let sign = if v < 0 { "-" } else if flags.contains('+') { "+" } else if flags.contains(' ') { " " } else { "" };
                    if flags.contains('0') && !left && p.is_none() {
                        while s.len() + sign.len() < w {
                            s.insert(0, '0');
                        }
                    }
                    format!("{sign}{s}")
                }
                'x' | 'X' | 'o' => {
                    let v = parse_num(&arg).unwrap_or_else(|| {
                        st = 1;
                        0
                    });
                    let mut s = match conv {
                        'x' => format!("{v:x}"),
                        'X' => format!("{v:X}"),
                        _ => format!("{v:o}"),
                    };
                    if flags.contains('0') && !left {
                        while s.len() < w {
                            s.insert(0, '0');
                        }
                    }
                    s
                }
                'f' | 'F' | 'e' | 'g' | 'G' | 'E' => {
                    let v: f64 = arg.trim().parse().unwrap_or_else(|_| {
                        if !arg.is_empty() {
                            st = 1;
                        }
                        0.0
                    });
                    let p = p.unwrap_or(6);
                    let mut s = match conv {
                        'e' | 'E' => format!("{v:.p$e}"),
                        'g' | 'G' => {
                            let s = format!("{v}");
                            s
                        }
                        _ => format!("{v:.p$}"),
                    };
                    if flags.contains('0') && !left {
                        while s.len() < w {
                            s.insert(0, '0');
                        }
                    }
                    s
                }
                other => {
                    buf.e(format!("printf: %{other}: invalid conversion specification\n"));
                    buf.o(out);
                    return 1;
                }
            };
            let n = body.chars().count();
            if n < w {
                let pad = " ".repeat(w - n);
                if left {
                    out.push_str(&body);
                    out.push_str(&pad);
                } else {
                    out.push_str(&pad);
                    out.push_str(&body);
                }
            } else {
                out.push_str(&body);
            }
            if out.len() > super::MAX_OUTPUT {
                break;
            }
        }
        if ai >= args.len() || !consumed || rounds > 100_000 || out.len() > super::MAX_OUTPUT {
            break;
        }
    }
    buf.o(out);
    st
}

fn parse_num(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0);
    }
    if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return Some(c.chars().next().map(|c| c as i64).unwrap_or(0));
    }
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if t.len() > 1 && t.starts_with('0') {
        i64::from_str_radix(t, 8).ok()?
    } else {
        t.parse::<i64>().ok()?
    };
    Some(if neg { -v } else { v })
}

fn test_cmd(ex: &mut Exec, name: &str, args: &[String], buf: &mut Buf) -> i32 {
    let mut a: Vec<String> = args.to_vec();
    if name == "[" {
        if a.last().map(|s| s.as_str()) != Some("]") {
            buf.e("bash: [: missing `]'\n");
            return 2;
        }
        a.pop();
    }
    let expr = match brush_parser::test_command::parse(&a) {
        Ok(e) => e,
        Err(_) => {
            let what = a.first().cloned().unwrap_or_default();
            buf.e(format!("bash: {name}: {what}: unary operator expected\n"));
            return 2;
        }
    };
    let r = eval_test(ex, &expr);
    buf.e(std::mem::take(&mut ex.xerr));
    match r {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(_) => 2,
    }
}

fn eval_test(ex: &mut Exec, e: &brush_parser::ast::TestExpr) -> Result<bool, i32> {
    use brush_parser::ast::TestExpr as T;
    Ok(match e {
        T::False => false,
        T::Literal(s) => !s.is_empty(),
        T::And(a, b) => eval_test(ex, a)? && eval_test(ex, b)?,
        T::Or(a, b) => eval_test(ex, a)? || eval_test(ex, b)?,
        T::Not(a) => !eval_test(ex, a)?,
        T::Parenthesized(a) => eval_test(ex, a)?,
        T::UnaryTest(p, s) => ex.unary_test(p, s),
        T::BinaryTest(p, a, b) => {
            use brush_parser::ast::BinaryPredicate as BP;
            match p {
                BP::StringExactlyMatchesPattern => a == b,
                BP::StringDoesNotExactlyMatchPattern => a != b,
                _ => ex.binary_test(p, a, b)?,
            }
        }
    })
}

pub(super) fn mode_string(mode: u32, dir: bool) -> String {
    let mut s = String::from(if dir { "d" } else { "-" });
    for shift in [6, 3, 0] {
        let b = (mode >> shift) & 7;
        s.push(if b & 4 != 0 { 'r' } else { '-' });
        s.push(if b & 2 != 0 { 'w' } else { '-' });
        s.push(if b & 1 != 0 { 'x' } else { '-' });
    }
    if mode & 0o1000 != 0 {
        s.pop();
        s.push(if mode & 1 != 0 { 't' } else { 'T' });
    }
    s
}

fn ls_date(ms: u64, now: u64) -> String {
    let iso = Time(ms).iso();
    let dc = Time(ms).date_cmd(); // "Mon Jan  5 09:00:00 UTC 2026"
    let parts: Vec<&str> = dc.split_whitespace().collect();
    let (mon, day, hm, year) = (parts.get(1).copied().unwrap_or("Jan"), parts.get(2).copied().unwrap_or("1"), iso.get(11..16).unwrap_or("00:00"), parts.get(5).copied().unwrap_or("1970"));
    let six_months = 183 * 86_400_000u64;
    if now.saturating_sub(ms) < six_months && ms <= now + 3_600_000 {
        format!("{mon} {day:>2} {hm}")
    } else {
        format!("{mon} {day:>2}  {year}")
    }
}

fn ls(ex: &mut Exec, args: &[String], buf: &mut Buf) -> i32 {
    let o = match getopt("ls", args, "lahA1dFRtrShi", "", &["all", "almost-all", "color", "human-readable"], buf) {
        Ok(o) => o,
        Err(st) => return st,
    };
    let long = o.has('l');
    let all = o.has('a') || o.long("all");
    let almost = o.has('A') || o.long("almost-all");
    let human = o.has('h') || o.long("human-readable");
    let ops = if o.operands.is_empty() { vec![".".to_string()] } else { o.operands.clone() };
    let now = ex.now();
    let mut st = 0;
    let mut files: Vec<String> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    for op in &ops {
        let p = ex.resolve(op);
        let fs = ex.sys.fs();
        if !fs.exists(&p) {
            buf.e(format!("ls: cannot access '{op}': No such file or directory\n"));
            st = 2;
        } else if fs.is_dir(&p) && !o.has('d') {
            dirs.push(op.clone());
        } else {
            files.push(op.clone());
        }
    }
    let entry = |ex: &mut Exec, shown: &str, abs: &str| -> String {
        let fs = ex.sys.fs();
        let dir = fs.is_dir(abs);
        if !long {
            return if o.has('F') && dir { format!("{shown}/") } else { shown.to_string() };
        }
        let mode = fs.mode(abs).unwrap_or(0o644);
        let size = if dir { 4096 } else { fs.size(abs).unwrap_or(0) };
        let owner = fs.owner(abs);
        let t = fs.mtime(abs).unwrap_or(crate::clock::EPOCH_START_MS);
        let size_s = if human { human_size(size) } else { size.to_string() };
        format!("{}\u{1}{}\u{1}{owner}\u{1}{owner}\u{1}{size_s}\u{1}{} {shown}", mode_string(mode, dir), if dir { 2 } else { 1 }, ls_date(t, now))
    };
    let print_list = |buf: &mut Buf, items: Vec<String>| {
        if long {
            // Align columns like GNU ls: counts and sizes right, names left.
            let rows: Vec<Vec<&str>> = items.iter().map(|i| i.splitn(6, '\u{1}').collect()).collect();
            let mut w = [0usize; 6];
            for r in &rows {
                for (k, c) in r.iter().enumerate() {
                    w[k] = w[k].max(c.chars().count());
                }
            }
            for r in rows {
                let get = |k: usize| r.get(k).copied().unwrap_or("");
                buf.o(format!(
                    "{} {:>w1$} {:<w2$} {:<w3$} {:>w4$} {}\n",
                    get(0), get(1), get(2), get(3), get(4), get(5),
                    w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4]
                ));
            }
        } else if o.has('1') {
            for i in items {
                buf.o(format!("{i}\n"));
            }
        } else if !items.is_empty() {
            buf.o(format!("{}\n", items.join("  ")));
        }
    };
    let mut items = Vec::new();
    files.sort();
    for f in &files {
        let p = ex.resolve(f);
        items.push(entry(ex, f, &p));
    }
    print_list(buf, items);
    let multi = files.len() + dirs.len() > 1;
    for (k, d) in dirs.iter().enumerate() {
        if multi {
            if k > 0 || !files.is_empty() {
                buf.o("\n");
            }
            buf.o(format!("{d}:\n"));
        }
        let p = ex.resolve(d);
        let mut names = ex.sys.fs().list_dir(&p).unwrap_or_default();
        names.retain(|n| all || almost || !n.starts_with('.'));
        names.sort_by_key(|n| n.trim_start_matches('.').to_lowercase());
        if all {
            names.insert(0, "..".into());
            names.insert(0, ".".into());
        }
        if o.has('t') {
            let fs = ex.sys.fs();
            names.sort_by_key(|n| std::cmp::Reverse(fs.mtime(&crate::fs::Fs::resolve(&p, n)).unwrap_or(0)));
        }
        if o.has('r') {
            names.reverse();
        }
        let mut items = Vec::new();
        let mut total = 0;
        for n in &names {
            let abs = crate::fs::Fs::resolve(&p, n);
            total += ex.sys.fs().size(&abs).unwrap_or(0).div_ceil(4096) * 4;
            items.push(entry(ex, n, &abs));
        }
        if long {
            buf.o(format!("total {total}\n"));
        }
        print_list(buf, items);
    }
    st
}

fn human_size(n: usize) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let units = ["K", "M", "G", "T"];
    let mut v = n as f64;
    let mut u = 0;
    v /= 1024.0;
    while v >= 1024.0 && u < 3 {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 {
        format!("{:.1}{}", (v * 10.0).ceil() / 10.0, units[u])
    } else {
        format!("{}{}", v.ceil() as u64, units[u])
    }
}

fn cp_mv(ex: &mut Exec, name: &str, args: &[String], buf: &mut Buf) -> i32 {
    let o = match getopt(name, args, "rRfivpnaTm", "", &["recursive", "force"], buf) {
        Ok(o) => o,
        Err(st) => return st,
    };
    let rec = o.has('r') || o.has('R') || o.has('a') || o.long("recursive");
    if o.operands.len() < 2 {
        if o.operands.is_empty() {
            buf.e(format!("{name}: missing file operand\nTry '{name} --help' for more information.\n"));
        } else {
            buf.e(format!("{name}: missing destination file operand after '{}'\nTry '{name} --help' for more information.\n", o.operands[0]));
        }
        return 1;
    }
    let (srcs, dst) = o.operands.split_at(o.operands.len() - 1);
    let dst = &dst[0];
    let dabs = ex.resolve(dst);
    let dst_is_dir = ex.sys.fs().is_dir(&dabs);
    if srcs.len() > 1 && !dst_is_dir {
        buf.e(format!("{name}: target '{dst}': Not a directory\n"));
        return 1;
    }
    let mut st = 0;
    for s in srcs {
        let sabs = ex.resolve(s);
        let fs = ex.sys.fs();
        if !fs.exists(&sabs) {
            buf.e(format!("{name}: cannot stat '{s}': No such file or directory\n"));
            st = 1;
            continue;
        }
        let target = if dst_is_dir { crate::fs::Fs::resolve(&dabs, file_name(&sabs)) } else { dabs.clone() };
        if target == sabs {
            buf.e(format!("{name}: '{s}' and '{dst}' are the same file\n"));
            st = 1;
            continue;
        }
        if name == "mv" {
            if let Err(e) = fs.rename(&sabs, &target) {
                let msg = if e == FsError::Invalid {
                    format!("mv: cannot move '{s}' to a subdirectory of itself, '{dst}'\n")
                } else {
                    format!("mv: cannot move '{s}' to '{dst}': {e}\n")
                };
                buf.e(msg);
                st = 1;
            }
            continue;
        }
        if fs.is_dir(&sabs) {
            if !rec {
                buf.e(format!("cp: -r not specified; omitting directory '{s}'\n"));
                st = 1;
                continue;
            }
            if target.starts_with(&format!("{sabs}/")) {
                buf.e(format!("cp: cannot copy a directory, '{s}', into itself, '{dst}'\n"));
                st = 1;
                continue;
            }
            let all: Vec<String> = fs.paths().filter(|p| *p == sabs || p.starts_with(&format!("{sabs}/"))).map(String::from).collect();
            for p in all {
                let np = format!("{target}{}", &p[sabs.len()..]);
                if fs.is_dir(&p) {
                    if let Err(e) = fs.mkdir_all(&np) {
                        buf.e(format!("cp: cannot create directory '{np}': {e}\n"));
                        st = 1;
                        break;
                    }
                } else {
                    let d = fs.read(&p).map(|d| d.to_vec()).unwrap_or_default();
                    let m = fs.mode(&p).unwrap_or(0o644);
                    let _ = fs.write_file(&np, d);
                    let _ = fs.set_mode(&np, m);
                }
            }
        } else {
            let d = fs.read(&sabs).map(|d| d.to_vec()).unwrap_or_default();
            let m = fs.mode(&sabs).unwrap_or(0o644);
            let existed = fs.exists(&target);
            if let Err(e) = fs.write_file(&target, d) {
                buf.e(format!("cp: cannot create regular file '{dst}': {e}\n"));
                st = 1;
                continue;
            }
            if !existed {
                let _ = fs.set_mode(&target, m);
                let u = ex.sh.user.clone();
                ex.sys.fs().chown(&target, &u);
            }
        }
    }
    st
}

fn parse_count(s: &str) -> Option<(bool, usize)> {
    // (from-start '+', n)
    let (plus, t) = match s.strip_prefix('+') {
        Some(t) => (true, t),
        None => (false, s.strip_prefix('-').unwrap_or(s)),
    };
    let mult = match t.chars().last() {
        Some('k') | Some('K') => 1024,
        Some('M') => 1 << 20,
        Some('b') => 512,
        _ => 1,
    };
    let t = t.trim_end_matches(['k', 'K', 'M', 'b']);
    let n: usize = t.parse().ok()?;
    Some((plus, n.saturating_mul(mult)))
}

fn head_tail(ex: &mut Exec, name: &str, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let mut a: Vec<String> = Vec::new();
    for x in args {
        if x.len() > 1 && x.starts_with('-') && x[1..].chars().all(|c| c.is_ascii_digit()) {
            a.push("-n".into());
            a.push(x[1..].to_string());
        } else {
            a.push(x.clone());
        }
    }
    let o = match getopt(name, &a, "qvf", "nc", &["lines=", "bytes=", "quiet", "follow"], buf) {
        Ok(o) => o,
        Err(st) => return st,
    };
    let (bytes, spec) = match (o.val('c').or(o.long_val("bytes")), o.val('n').or(o.long_val("lines"))) {
        (Some(c), _) => (true, c.to_string()),
        (None, Some(n)) => (false, n.to_string()),
        _ => (false, "10".to_string()),
    };
    let Some((plus, n)) = parse_count(&spec) else {
        buf.e(format!("{name}: invalid number of {}: '{spec}'\n", if bytes { "bytes" } else { "lines" }));
        return 1;
    };
    let neg = spec.starts_with('-');
    let mut st = 0;
    let data = inputs(ex, name, &o.operands, inp, buf, &mut st);
    let multi = data.len() > 1 && !o.has('q');
    for (k, (fname, d)) in data.iter().enumerate() {
        if multi {
            buf.o(format!("{}==> {} <==\n", if k > 0 { "\n" } else { "" }, if fname == "-" { "standard input" } else { fname }));
        }
        if bytes {
            let len = d.len();
            let slice = if name == "head" {
                if neg { &d[..len.saturating_sub(n)] } else { &d[..n.min(len)] }
            } else if plus {
                &d[n.saturating_sub(1).min(len)..]
            } else {
                &d[len.saturating_sub(n)..]
            };
            buf.o(slice);
            continue;
        }
        // Split keeping newlines.
        let mut lines: Vec<&[u8]> = d.split_inclusive(|&b| b == b'\n').collect();
        let len = lines.len();
        let sel: Vec<&[u8]> = if name == "head" {
            if neg { lines.drain(..len.saturating_sub(n)).collect() } else { lines.drain(..n.min(len)).collect() }
        } else if plus {
            lines.drain(n.saturating_sub(1).min(len)..).collect()
        } else {
            lines.drain(len.saturating_sub(n)..).collect()
        };
        for l in sel {
            buf.o(l);
        }
    }
    st
}

fn wc(ex: &mut Exec, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let o = match getopt("wc", args, "lwcmL", "", &["lines", "words", "bytes", "chars"], buf) {
        Ok(o) => o,
        Err(st) => return st,
    };
    let (mut l, mut w, mut c, mut m) = (o.has('l') || o.long("lines"), o.has('w') || o.long("words"), o.has('c') || o.long("bytes"), o.has('m') || o.long("chars"));
    if !(l || w || c || m) {
        l = true;
        w = true;
        c = true;
        m = false;
    }
    let mut st = 0;
    let data = inputs(ex, "wc", &o.operands, inp, buf, &mut st);
    let mut rows: Vec<(Vec<usize>, String)> = Vec::new();
    let mut tot = [0usize; 4];
    for (n, d) in &data {
        let s = String::from_utf8_lossy(d);
        let counts = [d.iter().filter(|&&b| b == b'\n').count(), s.split_whitespace().count(), s.chars().count(), d.len()];
        for i in 0..4 {
            tot[i] += counts[i];
        }
        let mut v = Vec::new();
        if l {
            v.push(counts[0]);
        }
        if w {
            v.push(counts[1]);
        }
        if m {
            v.push(counts[2]);
        }
        if c {
            v.push(counts[3]);
        }
        rows.push((v, if o.operands.is_empty() { String::new() } else { n.clone() }));
    }
    if data.len() > 1 {
        let mut v = Vec::new();
        if l {
            v.push(tot[0]);
        }
        if w {
            v.push(tot[1]);
        }
        if m {
            v.push(tot[2]);
        }
        if c {
            v.push(tot[3]);
        }
        rows.push((v, "total".into()));
    }
    let single = rows.len() == 1 && rows[0].0.len() == 1;
    let width = if single {
        0
    } else if o.operands.is_empty() {
        7
    } else {
        rows.iter().flat_map(|r| r.0.iter()).max().map(|m| m.to_string().len()).unwrap_or(1).max(1)
    };
    for (v, n) in rows {
        let nums: Vec<String> = v.iter().map(|x| format!("{x:>width$}")).collect();
        let line = nums.join(" ");
        if n.is_empty() {
            buf.o(format!("{line}\n"));
        } else {
            buf.o(format!("{line} {n}\n"));
        }
    }
    st
}

/// GNU basic regex → the regex crate's syntax.
pub(super) fn bre_to_ere(p: &str) -> String {
    let mut o = String::new();
    let mut it = p.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(n @ ('(' | ')' | '{' | '}' | '|' | '+' | '?')) => o.push(n),
                Some(n) => {
                    o.push('\\');
                    o.push(n);
                }
                None => o.push_str("\\\\"),
            },
            '(' | ')' | '{' | '}' | '|' | '+' | '?' => {
                o.push('\\');
                o.push(c);
            }
            _ => o.push(c),
        }
    }
    o
}

fn escape_regex(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

fn grep(ex: &mut Exec, name: &str, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let o = match getopt("grep", args, "ivcnEFqolrRhHwxsLz", "eAB", &["ignore-case", "invert-match", "count", "quiet", "silent", "only-matching", "extended-regexp", "fixed-strings", "recursive", "color", "colour", "line-number", "with-filename", "no-filename", "files-with-matches", "word-regexp", "line-regexp"], buf) {
        Ok(o) => o,
        Err(_) => return 2,
    };
    let mut ops = o.operands.clone();
    let pats: Vec<String> = if o.vals.iter().any(|(k, _)| *k == 'e') {
        o.vals.iter().filter(|(k, _)| *k == 'e').map(|(_, v)| v.clone()).collect()
    } else {
        if ops.is_empty() {
            buf.e("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
            return 2;
        }
        vec![ops.remove(0)]
    };
    let fixed = o.has('F') || o.long("fixed-strings") || name == "fgrep";
    let ere = o.has('E') || o.long("extended-regexp") || name == "egrep";
    let icase = o.has('i') || o.long("ignore-case");
    let invert = o.has('v') || o.long("invert-match");
    let mut alts = Vec::new();
    for p in pats.iter().flat_map(|p| p.split('\n')) {
        let mut r = if fixed { escape_regex(p) } else if ere { p.to_string() } else { bre_to_ere(p) };
        if o.has('w') || o.long("word-regexp") {
            r = format!("\\b(?:{r})\\b");
        }
        if o.has('x') || o.long("line-regexp") {
            r = format!("^(?:{r})$");
        }
        alts.push(format!("(?:{r})"));
    }
    let re_src = format!("{}{}", if icase { "(?i)" } else { "" }, alts.join("|"));
    let re = match regex_bites::Regex::new(&re_src) {
        Ok(r) => r,
        Err(e) => {
            buf.e(format!("grep: {}\n", e.to_string().lines().last().unwrap_or("invalid regular expression")));
            return 2;
        }
    };
    let recursive = o.has('r') || o.has('R') || o.long("recursive");
    let mut files: Vec<String> = Vec::new();
    let mut st_err = false;
    if recursive {
        let roots = if ops.is_empty() { vec![".".to_string()] } else { ops.clone() };
        for r in roots {
            let abs = ex.resolve(&r);
            let fs = ex.sys.fs();
            if fs.is_dir(&abs) {
                let pre = format!("{}/", abs.trim_end_matches('/'));
                let list: Vec<String> = fs.paths().filter(|p| p.starts_with(&pre) && fs.is_file(p)).map(|p| format!("{}{}", if r.ends_with('/') { r.clone() } else { format!("{r}/") }, &p[pre.len()..])).collect();
                files.extend(list);
            } else {
                files.push(r);
            }
        }
    } else {
        files = ops;
    }
    let show_names = (files.len() > 1 || recursive) && !o.has('h') && !o.long("no-filename") || o.has('H') || o.long("with-filename");
    let mut any = false;
    let data: Vec<(String, Vec<u8>)> = if files.is_empty() {
        vec![("(standard input)".into(), inp.take_all())]
    } else {
        let mut v = Vec::new();
        for f in &files {
            if f == "-" {
                v.push(("(standard input)".into(), inp.take_all()));
                continue;
            }
            let p = ex.resolve(f);
            match ex.sys.fs().read_file(&p) {
                Ok(d) => v.push((f.clone(), d.to_vec())),
                Err(e) => {
                    if !o.has('s') {
                        buf.e(format!("grep: {f}: {e}\n"));
                    }
                    st_err = true;
                }
            }
        }
        v
    };
    let quiet = o.has('q') || o.long("quiet") || o.long("silent");
    for (fname, d) in data {
        let mut count = 0;
        for (i, line) in lines_of(&d).iter().enumerate() {
            let m = re.is_match(line);
            if m == invert {
                continue;
            }
            count += 1;
            any = true;
            if quiet {
                return 0;
            }
            if o.has('c') || o.long("count") || o.has('l') || o.has('L') {
                continue;
            }
            let prefix = format!(
                "{}{}",
                if show_names { format!("{fname}:") } else { String::new() },
                if o.has('n') || o.long("line-number") { format!("{}:", i + 1) } else { String::new() }
            );
            if (o.has('o') || o.long("only-matching")) && !invert {
                for mt in re.find_iter(line) {
                    if !mt.as_str().is_empty() {
                        buf.o(format!("{prefix}{}\n", mt.as_str()));
                    }
                }
            } else {
                buf.o(format!("{prefix}{line}\n"));
            }
            if buf.out_full() {
                break;
            }
        }
        if o.has('l') && count > 0 {
            buf.o(format!("{fname}\n"));
        } else if o.has('L') && count == 0 {
            buf.o(format!("{fname}\n"));
        } else if o.has('c') || o.long("count") {
            if show_names {
                buf.o(format!("{fname}:{count}\n"));
            } else {
                buf.o(format!("{count}\n"));
            }
        }
    }
    if st_err && !(quiet && any) {
        2
    } else if any {
        0
    } else {
        1
    }
}

/// Expand a `tr` set: ranges, escapes, classes.
fn tr_set(s: &str) -> Vec<char> {
    let s = ansi_c(s);
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if cs[i] == '[' && cs.get(i + 1) == Some(&':') {
            let rest: String = cs[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                let set: Vec<char> = match name {
                    "upper" => ('A'..='Z').collect(),
                    "lower" => ('a'..='z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "space" => vec![' ', '\t', '\n', '\r', '\x0b', '\x0c'],
                    "blank" => vec![' ', '\t'],
                    "punct" => (33u8..127).map(|b| b as char).filter(|c| c.is_ascii_punctuation()).collect(),
                    "xdigit" => ('0'..='9').chain('A'..='F').chain('a'..='f').collect(),
                    "cntrl" => (0u8..32).map(|b| b as char).chain(std::iter::once('\x7f')).collect(),
                    _ => Vec::new(),
                };
                out.extend(set);
                i += 2 + name.chars().count() + 2;
                continue;
            }
        }
        if i + 2 < cs.len() && cs[i + 1] == '-' {
            let (a, b) = (cs[i], cs[i + 2]);
            if a <= b && (b as u32 - a as u32) < 70_000 {
                out.extend((a as u32..=b as u32).filter_map(char::from_u32));
            }
            i += 3;
            continue;
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

fn tr(args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let o = match getopt("tr", args, "dscC", "", &["delete", "squeeze-repeats", "complement"], buf) {
        Ok(o) => o,
        Err(st) => return st,
    };
    let del = o.has('d') || o.long("delete");
    let sq = o.has('s') || o.long("squeeze-repeats");
    let comp = o.has('c') || o.has('C') || o.long("complement");
    if o.operands.is_empty() || (!del && !sq && o.operands.len() < 2) {
        if o.operands.is_empty() {
            buf.e("tr: missing operand\nTry 'tr --help' for more information.\n");
        } else {
            buf.e(format!("tr: missing operand after '{}'\nTry 'tr --help' for more information.\n", o.operands[0]));
        }
        return 1;
    }
    let s1 = tr_set(&o.operands[0]);
    let s2 = o.operands.get(1).map(|s| tr_set(s)).unwrap_or_default();
    let input = String::from_utf8_lossy(&inp.take_all()).into_owned();
    let in1 = |c: char| s1.contains(&c) != comp;
    let mut out = String::with_capacity(input.len());
    let mut last: Option<char> = None;
    for c in input.chars() {
        let mapped = if del {
            if in1(c) {
                continue;
            }
            Some(c)
        } else if !s2.is_empty() && in1(c) {
            if comp {
                s2.last().copied()
            } else {
                let idx = s1.iter().rposition(|&x| x == c).unwrap_or(0);
                Some(*s2.get(idx).or(s2.last()).unwrap_or(&c))
            }
        } else {
            Some(c)
        };
        let Some(m) = mapped else { continue };
        if sq {
            let sqset = if del || s2.is_empty() { &s1 } else { &s2 };
            if last == Some(m) && (sqset.contains(&m) != (comp && (del || s2.is_empty()))) {
                continue;
            }
        }
        last = Some(m);
        out.push(m);
    }
    buf.o(out);
    0
}

fn parse_ranges(spec: &str) -> Option<Vec<(usize, usize)>> {
    let mut v = Vec::new();
    for part in spec.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (if a.is_empty() { 1 } else { a.parse().ok()? }, if b.is_empty() { usize::MAX } else { b.parse().ok()? }),
            None => {
                let n: usize = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 {
            return None;
        }
        v.push((a, b));
    }
    Some(v)
}

fn cut(ex: &mut Exec, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let o = match getopt("cut", args, "s", "dfcb", &["delimiter=", "fields=", "characters=", "bytes=", "only-delimited", "output-delimiter="], buf) {
        Ok(o) => o,
        Err(st) => return st,
    };
    let delim: String = o.val('d').or(o.long_val("delimiter")).unwrap_or("\t").to_string();
    if delim.chars().count() != 1 {
        buf.e("cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n");
        return 1;
    }
    let (mode, spec) = if let Some(f) = o.val('f').or(o.long_val("fields")) {
        ('f', f.to_string())
    } else if let Some(c) = o.val('c').or(o.val('b')).or(o.long_val("characters")).or(o.long_val("bytes")) {
        ('c', c.to_string())
    } else {
        buf.e("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n");
        return 1;
    };
    let Some(ranges) = parse_ranges(&spec) else {
        buf.e(format!("cut: invalid field value '{spec}'\nTry 'cut --help' for more information.\n"));
        return 1;
    };
    let sel = |i: usize| ranges.iter().any(|&(a, b)| i >= a && i <= b);
    let outd = o.long_val("output-delimiter").map(String::from).unwrap_or_else(|| delim.clone());
    let mut st = 0;
    for (_, d) in inputs(ex, "cut", &o.operands, inp, buf, &mut st) {
        for line in lines_of(&d) {
            if mode == 'c' {
                let s: String = line.chars().enumerate().filter(|(i, _)| sel(i + 1)).map(|(_, c)| c).collect();
                buf.o(format!("{s}\n"));
            } else if !line.contains(delim.as_str()) {
                if !o.has('s') {
                    buf.o(format!("{line}\n"));
                }
            } else {
                let parts: Vec<&str> = line.split(delim.as_str()).enumerate().filter(|(i, _)| sel(i + 1)).map(|(_, p)| p).collect();
                buf.o(format!("{}\n", parts.join(&outd)));
            }
        }
    }
    st
}

fn sort(ex: &mut Exec, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let o = match getopt("sort", args, "nrufVhbs", "kto", &["numeric-sort", "reverse", "unique", "ignore-case", "version-sort", "field-separator=", "key="], buf) {
        Ok(o) => o,
        Err(st) => return st,
    };
    let mut st = 0;
    let mut lines = Vec::new();
    for (_, d) in inputs(ex, "sort", &o.operands, inp, buf, &mut st) {
        lines.extend(lines_of(&d));
    }
    let num = o.has('n') || o.has('h') || o.long("numeric-sort");
    let rev = o.has('r') || o.long("reverse");
    let fold = o.has('f') || o.long("ignore-case");
    let sep = o.val('t').or(o.long_val("field-separator")).map(String::from);
    let key = o.val('k').or(o.long_val("key")).map(|k| {
        let (a, b) = k.split_once(',').unwrap_or((k, ""));
        let fa: usize = a.trim_end_matches(|c: char| c.is_alphabetic()).split('.').next().and_then(|x| x.parse().ok()).unwrap_or(1);
        let fb: Option<usize> = b.trim_end_matches(|c: char| c.is_alphabetic()).split('.').next().and_then(|x| x.parse().ok());
        let kn = k.contains('n');
        (fa.max(1), fb, kn)
    });
    let keyed = |l: &str| -> String {
        match &key {
            None => l.to_string(),
            Some((a, b, _)) => {
                let fields: Vec<&str> = match &sep {
                    Some(s) => l.split(s.as_str()).collect(),
                    None => l.split_whitespace().collect(),
                };
                let end = b.unwrap_or(fields.len()).min(fields.len());
                if *a > end {
                    String::new()
                } else {
                    fields[a - 1..end].join(sep.as_deref().unwrap_or(" "))
                }
            }
        }
    };
    let numeric = num || key.as_ref().is_some_and(|k| k.2);
    let numval = |s: &str| -> f64 {
        let t = s.trim_start();
        let end = t.char_indices().take_while(|(i, c)| c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')).map(|(i, c)| i + c.len_utf8()).last().unwrap_or(0);
        t[..end].parse::<f64>().unwrap_or(0.0)
    };
    lines.sort_by(|a, b| {
        let (ka, kb) = (keyed(a), keyed(b));
        let ord = if numeric {
            numval(&ka).partial_cmp(&numval(&kb)).unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            ka.to_lowercase().cmp(&kb.to_lowercase())
        } else {
            ka.cmp(&kb)
        };
        ord.then_with(|| if key.is_some() || numeric { a.cmp(b) } else { std::cmp::Ordering::Equal })
    });
    if rev {
        lines.reverse();
    }
    if o.has('u') || o.long("unique") {
        lines.dedup_by(|a, b| if numeric { numval(&keyed(a)) == numval(&keyed(b)) } else { keyed(a) == keyed(b) });
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    if let Some(f) = o.val('o') {
        let p = ex.resolve(f);
        if let Err(e) = ex.sys.fs().write_file(&p, out.into_bytes()) {
            buf.e(fs_err("sort", f, e));
            return 2;
        }
        return st;
    }
    buf.o(out);
    st
}

fn seq(args: &[String], buf: &mut Buf) -> i32 {
    let mut sep = "\n".to_string();
    let mut width = false;
    let mut nums = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-s" {
            sep = args.get(i + 1).cloned().unwrap_or_default();
            i += 2;
            continue;
        }
        if a == "-w" {
            width = true;
            i += 1;
            continue;
        }
        match a.parse::<f64>() {
            Ok(v) if v.is_finite() => nums.push((v, a.clone())),
            _ => {
                buf.e(format!("seq: invalid floating point argument: '{a}'\nTry 'seq --help' for more information.\n"));
                return 1;
            }
        }
        i += 1;
    }
    let (first, step, last) = match nums.len() {
        1 => (1.0, 1.0, nums[0].0),
        2 => (nums[0].0, 1.0, nums[1].0),
        3 => (nums[0].0, nums[1].0, nums[2].0),
        _ => {
            buf.e("seq: missing operand\nTry 'seq --help' for more information.\n");
            return 1;
        }
    };
    if step == 0.0 {
        buf.e(format!("seq: invalid Zero increment value: '{}'\nTry 'seq --help' for more information.\n", nums[1].1));
        return 1;
    }
    let decimals = nums.iter().map(|(_, s)| s.split_once('.').map(|(_, d)| d.len()).unwrap_or(0)).max().unwrap_or(0);
    let w = if width { format!("{:.decimals$}", last).len().max(format!("{:.decimals$}", first).len()) } else { 0 };
    let mut out = String::new();
    let mut k = 0u64;
    loop {
        let v = first + step * k as f64;
        if (step > 0.0 && v > last + 1e-9) || (step < 0.0 && v < last - 1e-9) {
            break;
        }
        if k > 0 {
            out.push_str(&sep);
        }
        let s = format!("{v:.decimals$}");
        if width && s.len() < w {
            out.push_str(&"0".repeat(w - s.len()));
        }
        out.push_str(&s);
        k += 1;
        if out.len() > super::MAX_OUTPUT {
            break;
        }
    }
    if k > 0 {
        out.push('\n');
    }
    buf.o(out);
    0
}

fn xargs(ex: &mut Exec, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let mut i = 0;
    let mut n: Option<usize> = None;
    let mut repl: Option<String> = None;
    while i < args.len() && args[i].starts_with('-') {
        match args[i].as_str() {
            "-n" => {
                n = args.get(i + 1).and_then(|x| x.parse().ok());
                i += 1;
            }
            "-I" => {
                repl = args.get(i + 1).cloned();
                i += 1;
            }
            "-0" | "-r" | "-t" | "--no-run-if-empty" => {}
            a if a.starts_with("-n") => n = a[2..].parse().ok(),
            a if a.starts_with("-I") => repl = Some(a[2..].to_string()),
            a => {
                buf.e(format!("xargs: invalid option -- '{}'\nTry 'xargs --help' for more information.\n", a.trim_start_matches('-')));
                return 1;
            }
        }
        i += 1;
    }
    let cmd: Vec<String> = if i < args.len() { args[i..].to_vec() } else { vec!["echo".into()] };
    let input = String::from_utf8_lossy(&inp.take_all()).into_owned();
    let mut st = 0;
    let mut runs = 0;
    if let Some(r) = repl {
        for line in input.lines().filter(|l| !l.trim().is_empty()) {
            let argv: Vec<String> = cmd.iter().map(|a| a.replace(&r, line.trim())).collect();
            let s = ex.dispatch(&argv, &mut Input::default(), buf);
            if s != 0 {
                st = 123;
            }
            runs += 1;
            if runs > 10_000 {
                break;
            }
        }
        return st;
    }
    let items: Vec<String> = input.split_whitespace().map(|s| s.trim_matches(|c| c == '"' || c == '\'').to_string()).collect();
    if items.is_empty() && cmd[0] != "echo" {
        let s = ex.dispatch(&cmd, &mut Input::default(), buf);
        return if s != 0 { 123 } else { 0 };
    }
    let chunk = n.unwrap_or(usize::MAX).max(1);
    for group in items.chunks(chunk.min(items.len().max(1))) {
        let mut argv = cmd.clone();
        argv.extend(group.iter().cloned());
        let s = ex.dispatch(&argv, &mut Input::default(), buf);
        if s != 0 {
            st = 123;
        }
        runs += 1;
        if runs > 10_000 {
            break;
        }
    }
    if items.is_empty() {
        buf.o("\n");
    }
    st
}

fn chmod(ex: &mut Exec, args: &[String], buf: &mut Buf) -> i32 {
    let ops: Vec<&String> = args.iter().filter(|a| !(a.starts_with('-') && a.len() > 1 && a[1..].chars().all(|c| "Rvfc".contains(c)))).collect();
    if ops.len() < 2 {
        if ops.is_empty() {
            buf.e("chmod: missing operand\nTry 'chmod --help' for more information.\n");
        } else {
            buf.e(format!("chmod: missing operand after '{}'\nTry 'chmod --help' for more information.\n", ops[0]));
        }
        return 1;
    }
    let spec = ops[0].as_str();
    let mut st = 0;
    for f in &ops[1..] {
        let p = ex.resolve(f);
        let fs = ex.sys.fs();
        let Some(cur) = fs.mode(&p) else {
            buf.e(format!("chmod: cannot access '{f}': No such file or directory\n"));
            st = 1;
            continue;
        };
        let new = if spec.chars().all(|c| c.is_digit(8)) && !spec.is_empty() && spec.len() <= 4 {
            u32::from_str_radix(spec, 8).ok()
        } else {
            symbolic_mode(spec, cur, fs.is_dir(&p))
        };
        match new {
            Some(m) => {
                let _ = fs.set_mode(&p, m);
            }
            None => {
                buf.e(format!("chmod: invalid mode: '{spec}'\nTry 'chmod --help' for more information.\n"));
                return 1;
            }
        }
    }
    st
}

fn symbolic_mode(spec: &str, cur: u32, dir: bool) -> Option<u32> {
    let mut m = cur;
    for clause in spec.split(',') {
        let cs: Vec<char> = clause.chars().collect();
        let mut i = 0;
        let mut who = 0u32;
        while i < cs.len() && "ugoa".contains(cs[i]) {
            who |= match cs[i] {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                _ => 0o777,
            };
            i += 1;
        }
        let explicit = who != 0;
        if !explicit {
            who = 0o777;
        }
        if i >= cs.len() {
            return None;
        }
        while i < cs.len() {
            let op = cs[i];
            if !"+-=".contains(op) {
                return None;
            }
            i += 1;
            let mut bits = 0u32;
            while i < cs.len() && "rwxXst".contains(cs[i]) {
                bits |= match cs[i] {
                    'r' => 0o444,
                    'w' => 0o222,
                    'x' => 0o111,
                    'X' if dir || cur & 0o111 != 0 => 0o111,
                    _ => 0,
                };
                i += 1;
            }
            let mask = if explicit { who } else { who & !0o022 | (who & 0o444) };
            let eff = bits & if explicit || op == '=' { who } else { mask };
            match op {
                '+' => m |= eff,
                '-' => m &= !(bits & who),
                _ => m = (m & !who) | (bits & who),
            }
        }
    }
    Some(m)
}

fn date(ex: &mut Exec, args: &[String], buf: &mut Buf) -> i32 {
    let mut ms = ex.now();
    let mut fmt: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(f) = a.strip_prefix('+') {
            fmt = Some(f.to_string());
        } else if a == "-u" || a == "--utc" {
        } else if a == "-d" || a == "--date" || a.starts_with("--date=") || a.starts_with("-d") && a.len() > 2 {
            let v = if let Some(v) = a.strip_prefix("--date=") {
                v.to_string()
            } else if a.len() > 2 && a.starts_with("-d") {
                a[2..].to_string()
            } else {
                i += 1;
                args.get(i).cloned().unwrap_or_default()
            };
            if let Some(s) = v.strip_prefix('@') {
                match s.trim().parse::<i64>() {
                    Ok(n) if n >= 0 && n < 253_402_300_800 => ms = n as u64 * 1000,
                    _ => {
                        buf.e(format!("date: invalid date '{v}'\n"));
                        return 1;
                    }
                }
            } else if v == "now" || v.is_empty() {
            } else if let Some(t) = Time::parse_iso(&v).or_else(|| Time::parse_iso(&format!("{}T00:00:00Z", v.trim()))) {
                ms = t.0;
            } else {
                buf.e(format!("date: invalid date '{v}'\n"));
                return 1;
            }
        } else if a == "-I" || a == "--iso-8601" {
            fmt = Some("%Y-%m-%d".into());
        } else if a == "-Iseconds" || a == "--iso-8601=seconds" {
            fmt = Some("%Y-%m-%dT%H:%M:%S+00:00".into());
        } else if a == "-R" || a == "--rfc-email" {
            fmt = Some("%a, %d %b %Y %H:%M:%S +0000".into());
        } else {
            buf.e(format!("date: invalid date '{a}'\n"));
            return 1;
        }
        i += 1;
    }
    let out = match fmt {
        None => Time(ms).date_cmd(),
        Some(f) => strftime(&f, ms),
    };
    buf.o(format!("{out}\n"));
    0
}

/// A subset of strftime over the virtual clock (always UTC).
pub(super) fn strftime(f: &str, ms: u64) -> String {
    let t = Time(ms);
    let iso = t.iso();
    let g = |r: std::ops::Range<usize>| iso.get(r).unwrap_or("00").to_string();
    let (y, mo, d, h, mi, s) = (g(0..iso.len().saturating_sub(16)), g(iso.len() - 15..iso.len() - 13), g(iso.len() - 12..iso.len() - 10), g(iso.len() - 9..iso.len() - 7), g(iso.len() - 6..iso.len() - 4), g(iso.len() - 3..iso.len() - 1));
    let dc = t.date_cmd();
    let parts: Vec<&str> = dc.split_whitespace().collect();
    let wd = parts.first().copied().unwrap_or("Thu");
    let mon = parts.get(1).copied().unwrap_or("Jan");
    let secs = ms / 1000;
    let wdn = ((secs / 86_400) + 4) % 7;
    let full_wd = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][wdn as usize];
    let full_mon = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        [mo.parse::<usize>().unwrap_or(1).clamp(1, 12) - 1];
    let hn: u32 = h.parse().unwrap_or(0);
    let mut out = String::new();
    let mut it = f.chars();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('Y') => out.push_str(&y),
            Some('y') => out.push_str(&y[y.len().saturating_sub(2)..]),
            Some('C') => out.push_str(&y[..y.len().saturating_sub(2)]),
            Some('m') => out.push_str(&mo),
            Some('d') => out.push_str(&d),
            Some('e') => out.push_str(&format!("{:>2}", d.trim_start_matches('0'))),
            Some('H') => out.push_str(&h),
            Some('I') => out.push_str(&format!("{:02}", if hn % 12 == 0 { 12 } else { hn % 12 })),
            Some('p') => out.push_str(if hn < 12 { "AM" } else { "PM" }),
            Some('M') => out.push_str(&mi),
            Some('S') => out.push_str(&s),
            Some('N') => out.push_str(&format!("{:09}", (ms % 1000) * 1_000_000)),
            Some('s') => out.push_str(&secs.to_string()),
            Some('Z') => out.push_str("UTC"),
            Some('z') => out.push_str("+0000"),
            Some('a') => out.push_str(wd),
            Some('A') => out.push_str(full_wd),
            Some('b') | Some('h') => out.push_str(mon),
            Some('B') => out.push_str(full_mon),
            Some('u') => out.push_str(&(if wdn == 0 { 7 } else { wdn }).to_string()),
            Some('w') => out.push_str(&wdn.to_string()),
            Some('j') => {
                let jan1 = Time::parse_iso(&format!("{y}-01-01T00:00:00Z")).map(|t| t.0 / 1000).unwrap_or(secs);
                out.push_str(&format!("{:03}", (secs - jan1.min(secs)) / 86_400 + 1));
            }
            Some('F') => out.push_str(&format!("{y}-{mo}-{d}")),
            Some('T') => out.push_str(&format!("{h}:{mi}:{s}")),
            Some('R') => out.push_str(&format!("{h}:{mi}")),
            Some('D') => out.push_str(&format!("{mo}/{d}/{}", &y[y.len().saturating_sub(2)..])),
            Some('c') => out.push_str(&format!("{wd} {mon} {:>2} {h}:{mi}:{s} {y}", d.trim_start_matches('0'))),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}

#[allow(dead_code)]
fn unused(_: &str) -> &str {
    parent("/")
}
