//! `sed`: the part of GNU sed that bootstrap scripts and tutorials use.
//!
//! Options `-n`, `-e SCRIPT`, `-i[SUFFIX]` (and `--in-place[=SUFFIX]`), `-E`/`-r`, `-s`,
//! `--expression=`. Commands, each with an optional address (`N`, `$`, `/re/`) or range
//! (`A,B`), optionally negated with `!`: `s/re/repl/[gpiI N]` (any delimiter; `&`, `\1`–`\9`, `\n`
//! in the replacement), `d`, `p`, `q [code]`, `=`, `a text`, `i text`, `c text`, `y/abc/xyz/`,
//! and `{ … }` is not supported (said plainly). Regular expressions are POSIX basic by default
//! (extended with `-E`), translated to the regex engine's syntax like `grep`'s.

use super::interp::{Buf, Exec, Input};
use super::utils::bre_to_ere;

#[derive(Clone, Debug)]
enum Addr {
    Line(usize),
    Last,
    Re(regex_bites::Regex),
}

#[derive(Clone, Debug)]
enum Cmd {
    Subst { re: regex_bites::Regex, repl: String, global: bool, nth: usize, print: bool },
    Delete,
    Print,
    Quit(i32),
    LineNo,
    Append(String),
    Insert(String),
    Change(String),
    Translate(Vec<(char, char)>),
}

#[derive(Clone, Debug)]
struct Instr {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    cmd: Cmd,
}

fn usage(buf: &mut Buf) -> i32 {
    buf.e("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
    1
}

fn regex(src: &str, ere: bool, icase: bool) -> Result<regex_bites::Regex, String> {
    let body = if ere { src.to_string() } else { bre_to_ere(src) };
    let full = if icase { format!("(?i){body}") } else { body };
    regex_bites::Regex::new(&full).map_err(|_| "Invalid preceding regular expression".to_string())
}

/// Read a delimited field starting after the delimiter; returns (field, rest after closing delim).
fn delimited(s: &str, delim: char) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some((_, n)) if n == delim => out.push(n),
                Some((_, 'n')) if delim != 'n' => out.push_str("\\n"),
                Some((_, n)) => {
                    out.push('\\');
                    out.push(n);
                }
                None => return None,
            }
        } else if c == delim {
            return Some((out, &s[i + c.len_utf8()..]));
        } else {
            out.push(c);
        }
    }
    None
}

fn parse_addr<'a>(s: &'a str, ere: bool) -> Result<(Option<Addr>, &'a str), String> {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix('$') {
        return Ok((Some(Addr::Last), rest));
    }
    if let Some(rest) = t.strip_prefix('/') {
        let (re, rest) = delimited(rest, '/').ok_or("unterminated address regex")?;
        let (icase, rest) = match rest.strip_prefix('I') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        return Ok((Some(Addr::Re(regex(&re, ere, icase)?)), rest));
    }
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        let n: usize = digits.parse().map_err(|_| "invalid line number")?;
        if n == 0 {
            return Err("invalid usage of line address 0".into());
        }
        return Ok((Some(Addr::Line(n)), &t[digits.len()..]));
    }
    Ok((None, t))
}

/// The text argument of `a`, `i`, `c`: GNU one-liner form (`a text`) or POSIX (`a\` newline text).
fn text_arg(rest: &str) -> (String, &str) {
    let r = rest.strip_prefix('\\').unwrap_or(rest);
    let r = r.strip_prefix('\n').unwrap_or(r).trim_start_matches([' ', '\t']);
    match r.find('\n') {
        Some(i) => (r[..i].to_string(), &r[i + 1..]),
        None => (r.to_string(), ""),
    }
}

fn parse(script: &str, ere: bool) -> Result<Vec<Instr>, String> {
    let mut out = Vec::new();
    let mut s = script;
    loop {
        s = s.trim_start_matches(|c: char| c.is_whitespace() || c == ';');
        if s.is_empty() {
            break;
        }
        if s.starts_with('#') {
            s = s.find('\n').map(|i| &s[i + 1..]).unwrap_or("");
            continue;
        }
        let (a1, rest) = parse_addr(s, ere)?;
        let (a2, rest) = match (a1.is_some(), rest.strip_prefix(',')) {
            (true, Some(r)) => {
                let (a, r) = parse_addr(r, ere)?;
                if a.is_none() {
                    return Err("unexpected `,'".into());
                }
                (a, r)
            }
            _ => (None, rest),
        };
        let rest = rest.trim_start();
        let (negate, rest) = match rest.strip_prefix('!') {
            Some(r) => (true, r.trim_start()),
            None => (false, rest),
        };
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { return Err("missing command".into()) };
        let after = chars.as_str();
        let (cmd, rest) = match c {
            's' => {
                let mut it = after.chars();
                let Some(delim) = it.next() else { return Err("unterminated `s' command".into()) };
                if delim == '\\' || delim == '\n' {
                    return Err("unterminated `s' command".into());
                }
                let (pat, r) = delimited(it.as_str(), delim).ok_or("unterminated `s' command")?;
                let (repl, r) = delimited(r, delim).ok_or("unterminated `s' command")?;
                let flags: String = r.chars().take_while(|c| !matches!(c, ';' | '\n' | '}' | ' ')).collect();
                let r = &r[flags.len()..];
                let (mut global, mut print, mut icase, mut nth) = (false, false, false, 1usize);
                let mut num = String::new();
                for f in flags.chars() {
                    match f {
                        'g' => global = true,
                        'p' => print = true,
                        'i' | 'I' => icase = true,
                        d if d.is_ascii_digit() => num.push(d),
                        'e' | 'w' | 'm' | 'M' => return Err(format!("the s///{f} flag is not simulated")),
                        _ => return Err("unknown option to `s'".into()),
                    }
                }
                if !num.is_empty() {
                    nth = num.parse().ok().filter(|n| *n > 0).ok_or("number option to `s' command may not be zero")?;
                }
                (Cmd::Subst { re: regex(&pat, ere, icase)?, repl, global, nth, print }, r)
            }
            'y' => {
                let mut it = after.chars();
                let Some(delim) = it.next() else { return Err("unterminated `y' command".into()) };
                let (from, r) = delimited(it.as_str(), delim).ok_or("unterminated `y' command")?;
                let (to, r) = delimited(r, delim).ok_or("unterminated `y' command")?;
                let (f, t): (Vec<char>, Vec<char>) = (from.chars().collect(), to.chars().collect());
                if f.len() != t.len() {
                    return Err("strings for `y' command are different lengths".into());
                }
                (Cmd::Translate(f.into_iter().zip(t).collect()), r)
            }
            'd' => (Cmd::Delete, after),
            'p' => (Cmd::Print, after),
            '=' => (Cmd::LineNo, after),
            'q' => {
                let t = after.trim_start_matches([' ', '\t']);
                let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
                (Cmd::Quit(digits.parse().unwrap_or(0)), &t[digits.len()..])
            }
            'a' | 'i' | 'c' => {
                let (text, r) = text_arg(after);
                let cmd = match c {
                    'a' => Cmd::Append(text),
                    'i' => Cmd::Insert(text),
                    _ => Cmd::Change(text),
                };
                (cmd, r)
            }
            '{' | '}' | 'n' | 'N' | 'h' | 'H' | 'g' | 'G' | 'x' | 'b' | 't' | 'r' | 'w' | 'D' | 'P' | 'l' => {
                return Err(format!("ec2lab: sed command `{c}' is not simulated yet"));
            }
            other => return Err(format!("unknown command: `{other}'")),
        };
        out.push(Instr { a1, a2, negate, cmd });
        s = rest;
    }
    Ok(out)
}

/// Expand `&`, `\1`–`\9`, `\n`, `\\` in a replacement.
fn expand(repl: &str, caps: &regex_bites::Captures) -> String {
    let mut out = String::new();
    let mut it = repl.chars();
    while let Some(c) = it.next() {
        match c {
            '&' => out.push_str(caps.get(0).map(|m| m.as_str()).unwrap_or("")),
            '\\' => match it.next() {
                Some(d @ '1'..='9') => {
                    let i = d as usize - '0' as usize;
                    out.push_str(caps.get(i).map(|m| m.as_str()).unwrap_or(""));
                }
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

fn substitute(line: &str, re: &regex_bites::Regex, repl: &str, global: bool, nth: usize) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    let mut count = 0;
    let mut changed = false;
    for caps in re.captures_iter(line) {
        let Some(m) = caps.get(0) else { continue };
        count += 1;
        if count < nth {
            continue;
        }
        out.push_str(&line[last..m.start()]);
        out.push_str(&expand(repl, &caps));
        last = m.end();
        changed = true;
        if !global {
            break;
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&line[last..]);
    Some(out)
}

fn matches(a: &Addr, n: usize, last: bool, line: &str) -> bool {
    match a {
        Addr::Line(k) => *k == n,
        Addr::Last => last,
        Addr::Re(re) => re.is_match(line),
    }
}

/// Run the program over one input; returns (output, quit code if `q` ran).
fn run_program(prog: &[Instr], data: &[u8], quiet: bool, ranges: &mut [bool]) -> (String, Option<i32>) {
    let text = String::from_utf8_lossy(data);
    let ends_nl = text.ends_with('\n');
    let mut lines: Vec<&str> = text.split('\n').collect();
    if ends_nl {
        lines.pop();
    }
    let total = lines.len();
    let mut out = String::new();
    for (idx, l) in lines.iter().enumerate() {
        let n = idx + 1;
        let last = n == total;
        let mut line = l.to_string();
        let mut deleted = false;
        let mut quit = None;
        let mut after: Vec<String> = Vec::new();
        for (k, ins) in prog.iter().enumerate() {
            let selected = match (&ins.a1, &ins.a2) {
                (None, _) => true,
                (Some(a), None) => matches(a, n, last, &line),
                (Some(a), Some(b)) => {
                    if ranges[k] {
                        let end = match b {
                            Addr::Line(e) => n >= *e,
                            _ => matches(b, n, last, &line),
                        };
                        if end {
                            ranges[k] = false;
                        }
                        true
                    } else if matches(a, n, last, &line) {
                        let ends_now = matches!(b, Addr::Line(e) if *e <= n);
                        ranges[k] = !ends_now;
                        true
                    } else {
                        false
                    }
                }
            };
            if selected == ins.negate {
                continue;
            }
            match &ins.cmd {
                Cmd::Subst { re, repl, global, nth, print } => {
                    if let Some(new) = substitute(&line, re, repl, *global, *nth) {
                        line = new;
                        if *print {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
                Cmd::Translate(map) => {
                    line = line.chars().map(|c| map.iter().find(|(f, _)| *f == c).map(|(_, t)| *t).unwrap_or(c)).collect();
                }
                Cmd::Delete => {
                    deleted = true;
                    break;
                }
                Cmd::Print => {
                    out.push_str(&line);
                    out.push('\n');
                }
                Cmd::LineNo => out.push_str(&format!("{n}\n")),
                Cmd::Append(t) => after.push(t.clone()),
                Cmd::Insert(t) => {
                    out.push_str(t);
                    out.push('\n');
                }
                Cmd::Change(t) => {
                    out.push_str(t);
                    out.push('\n');
                    deleted = true;
                    break;
                }
                Cmd::Quit(code) => {
                    quit = Some(*code);
                    break;
                }
            }
        }
        if !deleted && !quiet {
            out.push_str(&line);
            if n < total || ends_nl || quit.is_some() || !after.is_empty() {
                out.push('\n');
            }
        }
        for a in after {
            out.push_str(&a);
            out.push('\n');
        }
        if quit.is_some() {
            return (out, quit);
        }
    }
    (out, None)
}

pub(super) fn sed(ex: &mut Exec, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let mut scripts: Vec<String> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    let (mut quiet, mut ere, mut in_place): (bool, bool, Option<String>) = (false, false, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-E" | "-r" | "--regexp-extended" => ere = true,
            "-s" | "--separate" | "-u" | "--posix" | "-z" => {}
            "-e" | "--expression" => {
                let Some(v) = args.get(i + 1) else {
                    buf.e("sed: option requires an argument -- 'e'\n");
                    return usage(buf);
                };
                scripts.push(v.clone());
                i += 1;
            }
            "-f" => {
                buf.e("ec2lab: sed -f (script files) is not simulated yet; pass the script with -e\n");
                return 1;
            }
            "-i" | "--in-place" => in_place = Some(String::new()),
            "--" => {
                files.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with("--expression=") => scripts.push(a["--expression=".len()..].to_string()),
            _ if a.starts_with("--in-place=") => in_place = Some(a["--in-place=".len()..].to_string()),
            _ if a.starts_with("-i") && a.len() > 2 => in_place = Some(a[2..].to_string()),
            _ if a.starts_with('-') && a.len() > 1 && a[1..].chars().all(|c| "nErsuz".contains(c)) => {
                quiet |= a.contains('n');
                ere |= a.contains('E') || a.contains('r');
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                buf.e(format!("sed: invalid option -- '{}'\n", a.chars().nth(1).unwrap_or('?')));
                return usage(buf);
            }
            _ => files.push(a.to_string()),
        }
        i += 1;
    }
    if scripts.is_empty() {
        if files.is_empty() {
            return usage(buf);
        }
        scripts.push(files.remove(0));
    }
    let script = scripts.join("\n");
    let prog = match parse(&script, ere) {
        Ok(p) => p,
        Err(e) if e.starts_with("ec2lab:") => {
            buf.e(format!("{e}\n"));
            return 1;
        }
        Err(e) => {
            buf.e(format!("sed: -e expression #1, char {}: {e}\n", script.chars().count()));
            return 1;
        }
    };
    let mut ranges = vec![false; prog.len()];
    if let Some(suffix) = in_place {
        if files.is_empty() {
            buf.e("sed: no input files\n");
            return 1;
        }
        let mut st = 0;
        for f in &files {
            let p = ex.resolve(f);
            let data = match ex.sys.fs().read_file(&p) {
                Ok(d) => d.to_vec(),
                Err(_) => {
                    buf.e(format!("sed: can't read {f}: No such file or directory\n"));
                    st = 2;
                    continue;
                }
            };
            ranges.iter_mut().for_each(|r| *r = false);
            let (out, quit) = run_program(&prog, &data, quiet, &mut ranges);
            if !suffix.is_empty() {
                let _ = ex.sys.fs().write_file(&format!("{p}{suffix}"), data);
            }
            if let Err(e) = ex.sys.fs().write_file(&p, out.into_bytes()) {
                buf.e(format!("sed: couldn't edit {f}: {e}\n"));
                st = 4;
            }
            if let Some(code) = quit {
                return code;
            }
        }
        return st;
    }
    // Without -i, all inputs form one stream (GNU sed without -s).
    let mut data = Vec::new();
    let mut st = 0;
    if files.is_empty() {
        data = inp.take_all();
    } else {
        for f in &files {
            if f == "-" {
                data.extend(inp.take_all());
                continue;
            }
            let p = ex.resolve(f);
            match ex.sys.fs().read_file(&p) {
                Ok(d) => data.extend_from_slice(d),
                Err(_) => {
                    buf.e(format!("sed: can't read {f}: No such file or directory\n"));
                    st = 2;
                }
            }
        }
    }
    let (out, quit) = run_program(&prog, &data, quiet, &mut ranges);
    buf.o(out);
    quit.unwrap_or(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str, input: &str, quiet: bool) -> String {
        let prog = parse(script, false).expect("parses");
        let mut ranges = vec![false; prog.len()];
        run_program(&prog, input.as_bytes(), quiet, &mut ranges).0
    }

    #[test]
    fn substitutions_like_gnu_sed() {
        assert_eq!(run("s/80/8080/", "Listen 80\n", false), "Listen 8080\n");
        assert_eq!(run("s/a/b/g", "banana\n", false), "bbnbnb\n");
        assert_eq!(run("s/a/b/2", "banana\n", false), "banbna\n");
        assert_eq!(run("s|/var/www|/srv|", "root /var/www/html\n", false), "root /srv/html\n");
        assert_eq!(run("s/\\(database\\)_name_here/\\1=wp/", "database_name_here\n", false), "database=wp\n");
        assert_eq!(run("s/x*/[&]/", "xxy\n", false), "[xx]y\n");
        assert_eq!(run("s/A/z/I", "abA\n", false), "zbA\n");
        assert_eq!(run("s/b/B/p", "a\nb\n", true), "B\n");
    }

    #[test]
    fn addresses_and_commands() {
        assert_eq!(run("2d", "1\n2\n3\n", false), "1\n3\n");
        assert_eq!(run("$d", "1\n2\n3\n", false), "1\n2\n");
        assert_eq!(run("/^#/d", "#c\nx\n", false), "x\n");
        assert_eq!(run("2,3p", "1\n2\n3\n4\n", true), "2\n3\n");
        assert_eq!(run("/b/,/d/d", "a\nb\nc\nd\ne\n", false), "a\ne\n");
        assert_eq!(run("/keep/!d", "keep 1\ndrop\nkeep 2\n", false), "keep 1\nkeep 2\n");
        assert_eq!(run("1a after", "x\ny\n", false), "x\nafter\ny\n");
        assert_eq!(run("1i before", "x\n", false), "before\nx\n");
        assert_eq!(run("2c changed", "x\ny\n", false), "x\nchanged\n");
        assert_eq!(run("2q", "1\n2\n3\n", false), "1\n2\n");
        assert_eq!(run("y/abc/xyz/", "aabbcc\n", false), "xxyyzz\n");
        assert_eq!(run("s/a/b/;s/b/c/", "a\n", false), "c\n");
        assert_eq!(run("=", "a\n", false), "1\na\n");
        assert_eq!(run("s/a/b/", "no newline a", false), "no newline b");
    }

    #[test]
    fn bad_scripts_are_errors_not_panics() {
        for bad in ["s/a/b", "s", "y/ab/c/", "k", "0p", "s/a/b/q", "/unterminated", "1,", "{p}", "s/\\(/x/"] {
            assert!(parse(bad, false).is_err(), "{bad}");
        }
    }
}
