//! Word expansion: parameters, command substitution, arithmetic, splitting, globbing, tests.

use super::interp::{is_name, parser_options, shell_quote, Buf, Exec};
use super::SHELL_PID;
use brush_parser::ast;
use brush_parser::word::{self, Parameter, ParameterExpr, ParameterTestType, SpecialParameter, WordPiece, WordPieceWithSource};

/// A piece of an expanded word.
enum Piece {
    /// Literal text from the source, unquoted (glob-active, never split).
    Lit(String),
    /// Quoted text (neither split nor globbed).
    Quoted(String),
    /// Result of an unquoted expansion (split and globbed).
    Split(String),
    /// Field boundary (between the words of "$@").
    Break,
}

#[derive(Default)]
struct Field {
    text: String,
    pat: String,
    quoted: bool,
    glob: bool,
}

const GLOB_META: &[char] = &['*', '?', '['];

fn escape_glob(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// Drop the backslash of every `\x` pair (`read` without `-r` and glob words both need it).
pub(super) fn unescape_glob(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(n) = it.next() {
                o.push(n);
            }
        } else {
            o.push(c);
        }
    }
    o
}

/// Process `$'…'` escapes.
pub(super) fn ansi_c(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut o = String::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        i += 1;
        if c != '\\' || i >= cs.len() {
            o.push(c);
            continue;
        }
        let e = cs[i];
        i += 1;
        match e {
            'n' => o.push('\n'),
            't' => o.push('\t'),
            'r' => o.push('\r'),
            'a' => o.push('\x07'),
            'b' => o.push('\x08'),
            'e' | 'E' => o.push('\x1b'),
            'f' => o.push('\x0c'),
            'v' => o.push('\x0b'),
            '\\' => o.push('\\'),
            '\'' => o.push('\''),
            '"' => o.push('"'),
            '?' => o.push('?'),
            'x' | 'u' | 'U' => {
                let max = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v = 0u32;
                let mut n = 0;
                while n < max && i < cs.len() && cs[i].is_ascii_hexdigit() {
                    v = v * 16 + cs[i].to_digit(16).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                if n == 0 {
                    o.push('\\');
                    o.push(e);
                } else if let Some(ch) = char::from_u32(v) {
                    o.push(ch);
                }
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 3 && i < cs.len() && cs[i].is_digit(8) {
                    v = v * 8 + cs[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                if let Some(ch) = char::from_u32(v & 0xff) {
                    o.push(ch);
                }
            }
            'c' if i < cs.len() => {
                let ch = cs[i];
                i += 1;
                if let Some(x) = char::from_u32((ch as u32) & 0x1f) {
                    o.push(x);
                }
            }
            other => {
                o.push('\\');
                o.push(other);
            }
        }
    }
    o
}

fn class_match(name: &str, c: char) -> bool {
    match name {
        "alpha" => c.is_alphabetic(),
        "digit" => c.is_ascii_digit(),
        "alnum" => c.is_alphanumeric(),
        "upper" => c.is_uppercase(),
        "lower" => c.is_lowercase(),
        "space" => c.is_whitespace(),
        "blank" => c == ' ' || c == '\t',
        "punct" => c.is_ascii_punctuation(),
        "xdigit" => c.is_ascii_hexdigit(),
        "cntrl" => c.is_control(),
        "print" => !c.is_control(),
        "graph" => !c.is_control() && c != ' ',
        _ => false,
    }
}

/// Match `[...]` at p[pi]; returns (matched, index after `]`), or None if unterminated.
fn bracket(p: &[char], pi: usize, c: char) -> Option<(bool, usize)> {
    let mut i = pi + 1;
    let neg = matches!(p.get(i), Some('!') | Some('^'));
    if neg {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            return Some((matched != neg, i + 1));
        }
        first = false;
        if ch == '[' && p.get(i + 1) == Some(&':') {
            let rest: String = p[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                matched |= class_match(name, c);
                i += 2 + name.chars().count() + 2;
                continue;
            }
        }
        let lo = if ch == '\\' && i + 1 < p.len() {
            i += 1;
            p[i]
        } else {
            ch
        };
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&x| x != ']') {
            let hi = p[i + 2];
            if lo <= c && c <= hi {
                matched = true;
            }
            i += 3;
        } else {
            if lo == c {
                matched = true;
            }
            i += 1;
        }
    }
}

/// If the single-char pattern element at `pi` matches `c`, the index after it.
fn step(p: &[char], pi: usize, c: char) -> Option<usize> {
    match p[pi] {
        '?' => Some(pi + 1),
        '[' => match bracket(p, pi, c) {
            Some((true, n)) => Some(n),
            Some((false, _)) => None,
            None => (c == '[').then_some(pi + 1),
        },
        '\\' if pi + 1 < p.len() => (p[pi + 1] == c).then_some(pi + 2),
        x => (x == c).then_some(pi + 1),
    }
}

fn glob_match_chars(p: &[char], s: &[char]) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    let mut guard = 0u64;
    while si < s.len() {
        guard += 1;
        if guard > 5_000_000 {
            return false;
        }
        if pi < p.len() {
            if p[pi] == '*' {
                star = Some((pi, si));
                pi += 1;
                continue;
            }
            if let Some(n) = step(p, pi, s[si]) {
                pi = n;
                si += 1;
                continue;
            }
        }
        if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
            continue;
        }
        return false;
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Shell pattern match (`*`, `?`, `[…]`, `\x`) of the whole string.
pub(super) fn glob_match(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let s: Vec<char> = s.chars().collect();
    glob_match_chars(&p, &s)
}

fn has_meta(pat: &str) -> bool {
    let mut esc = false;
    for c in pat.chars() {
        if esc {
            esc = false;
            continue;
        }
        if c == '\\' {
            esc = true;
        } else if GLOB_META.contains(&c) {
            return true;
        }
    }
    false
}

enum PVal {
    One(String),
    Many(Vec<String>),
}

impl<'a> Exec<'a> {
    fn parse_word(&mut self, raw: &str) -> Result<Vec<WordPieceWithSource>, i32> {
        match word::parse(raw, &parser_options()) {
            Ok(p) => Ok(p),
            Err(_) => {
                self.xerr.extend_from_slice(format!("bash: {raw}: bad substitution\n").as_bytes());
                Err(1)
            }
        }
    }

    fn pieces(&mut self, raw: &str) -> Result<Vec<Piece>, i32> {
        let ws = self.parse_word(raw)?;
        let mut out = Vec::new();
        self.conv(&ws, false, &mut out)?;
        Ok(out)
    }

    fn conv(&mut self, ws: &[WordPieceWithSource], dq: bool, out: &mut Vec<Piece>) -> Result<(), i32> {
        for w in ws {
            match &w.piece {
                WordPiece::Text(s) => out.push(if dq { Piece::Quoted(s.clone()) } else { Piece::Lit(s.clone()) }),
                WordPiece::SingleQuotedText(s) => out.push(Piece::Quoted(s.clone())),
                WordPiece::AnsiCQuotedText(s) => out.push(Piece::Quoted(ansi_c(s))),
                WordPiece::DoubleQuotedSequence(v) | WordPiece::GettextDoubleQuotedSequence(v) => {
                    let only_at = v.len() == 1
                        && matches!(&v[0].piece, WordPiece::ParameterExpansion(ParameterExpr::Parameter {
                            parameter: Parameter::Special(SpecialParameter::AllPositionalParameters { concatenate: false }),
                            ..
                        }));
                    if only_at && self.sh.positional.is_empty() {
                        continue;
                    }
                    out.push(Piece::Quoted(String::new()));
                    self.conv(v, true, out)?;
                }
                WordPiece::TildeExpansion(t) => {
                    use brush_parser::word::TildeExpr as T;
                    let s = match t {
                        T::Home => self.sh.vars.get("HOME").cloned().unwrap_or_else(|| self.sh.home.clone()),
                        T::UserHome(u) => {
                            if u == "root" {
                                "/root".into()
                            } else if *u == self.sh.user {
                                self.sh.home.clone()
                            } else {
                                format!("~{u}")
                            }
                        }
                        T::WorkingDir => self.sh.cwd.clone(),
                        T::OldWorkingDir => self.sh.vars.get("OLDPWD").cloned().unwrap_or_else(|| "~-".into()),
                        _ => "~".into(),
                    };
                    out.push(Piece::Quoted(s));
                }
                WordPiece::ParameterExpansion(pe) => match self.param_expr(pe, dq)? {
                    PVal::One(s) => out.push(if dq { Piece::Quoted(s) } else { Piece::Split(s) }),
                    PVal::Many(v) => {
                        for (i, s) in v.into_iter().enumerate() {
                            if i > 0 {
                                out.push(if dq { Piece::Break } else { Piece::Split(" ".into()) });
                            }
                            out.push(if dq { Piece::Quoted(s) } else { Piece::Split(s) });
                        }
                    }
                },
                WordPiece::CommandSubstitution(s) => {
                    let r = self.command_subst(s)?;
                    out.push(if dq { Piece::Quoted(r) } else { Piece::Split(r) });
                }
                WordPiece::BackquotedCommandSubstitution(s) => {
                    let s = s.replace("\\\\", "\u{0}").replace("\\$", "$").replace("\\`", "`").replace('\u{0}', "\\");
                    let r = self.command_subst(&s)?;
                    out.push(if dq { Piece::Quoted(r) } else { Piece::Split(r) });
                }
                WordPiece::EscapeSequence(s) => {
                    let t: String = s.chars().skip(1).collect();
                    if t != "\n" {
                        out.push(Piece::Quoted(t));
                    }
                }
                WordPiece::ArithmeticExpression(e) => {
                    let v = self.arith(&e.value)?.to_string();
                    out.push(if dq { Piece::Quoted(v) } else { Piece::Split(v) });
                }
            }
        }
        Ok(())
    }

    /// Expand a word into fields (splitting, globbing).
    pub fn expand_fields(&mut self, raw: &str) -> Result<Vec<String>, i32> {
        let pieces = self.pieces(raw)?;
        let ifs = self.sh.vars.get("IFS").cloned().unwrap_or_else(|| " \t\n".into());
        let mut fields: Vec<Field> = Vec::new();
        let mut cur = Field::default();
        let mut started = false;
        for p in pieces {
            match p {
                Piece::Lit(s) => {
                    cur.glob |= has_meta(&s);
                    cur.text.push_str(&unescape_lit(&s));
                    cur.pat.push_str(&s);
                    started = true;
                }
                Piece::Quoted(s) => {
                    cur.pat.push_str(&escape_glob(&s));
                    cur.text.push_str(&s);
                    cur.quoted = true;
                    started = true;
                }
                Piece::Break => {
                    fields.push(std::mem::take(&mut cur));
                    started = false;
                }
                Piece::Split(s) => {
                    for c in s.chars() {
                        if ifs.contains(c) {
                            if c.is_whitespace() {
                                if started && (!cur.text.is_empty() || cur.quoted) {
                                    fields.push(std::mem::take(&mut cur));
                                    started = false;
                                }
                            } else {
                                fields.push(std::mem::take(&mut cur));
                                started = false;
                            }
                        } else {
                            if GLOB_META.contains(&c) {
                                cur.glob = true;
                            }
                            if c == '\\' {
                                cur.pat.push('\\');
                            }
                            cur.text.push(c);
                            cur.pat.push(c);
                            started = true;
                        }
                    }
                }
            }
        }
        if started && (!cur.text.is_empty() || cur.quoted) {
            fields.push(cur);
        }
        let mut out = Vec::new();
        for f in fields {
            if f.glob {
                let m = self.glob(&f.pat);
                if !m.is_empty() {
                    out.extend(m);
                    continue;
                }
            }
            out.push(f.text);
        }
        Ok(out)
    }

    /// Expand a word to one string (no splitting or globbing): assignments, `case`, here-strings.
    pub fn expand_string(&mut self, raw: &str) -> Result<String, i32> {
        let pieces = self.pieces(raw)?;
        let mut s = String::new();
        for p in pieces {
            match p {
                Piece::Lit(t) => s.push_str(&unescape_lit(&t)),
                Piece::Quoted(t) | Piece::Split(t) => s.push_str(&t),
                Piece::Break => s.push(' '),
            }
        }
        Ok(s)
    }

    /// Expand a word as a pattern: quoted parts lose their glob meaning.
    pub fn expand_pattern(&mut self, raw: &str) -> Result<String, i32> {
        let pieces = self.pieces(raw)?;
        let mut s = String::new();
        for p in pieces {
            match p {
                Piece::Lit(t) | Piece::Split(t) => s.push_str(&t),
                Piece::Quoted(t) => s.push_str(&escape_glob(&t)),
                Piece::Break => s.push(' '),
            }
        }
        Ok(s)
    }

    /// Expand a here-document body (quotes are literal).
    pub fn expand_heredoc(&mut self, raw: &str) -> Result<String, i32> {
        let ws = match word::parse_heredoc(raw, &parser_options()) {
            Ok(w) => w,
            Err(_) => return Ok(raw.to_string()),
        };
        let mut out = Vec::new();
        self.conv(&ws, true, &mut out)?;
        let mut s = String::new();
        for p in out {
            match p {
                Piece::Lit(t) | Piece::Quoted(t) | Piece::Split(t) => s.push_str(&t),
                Piece::Break => s.push(' '),
            }
        }
        Ok(s)
    }

    fn glob(&mut self, pat: &str) -> Vec<String> {
        let dirs_only = pat.ends_with('/');
        let absolute = pat.starts_with('/');
        let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
        let cwd = self.sh.cwd.clone();
        let fs = self.sys.fs();
        let mut cur: Vec<(String, String)> =
            vec![(if absolute { "/".into() } else { String::new() }, if absolute { "/".into() } else { cwd })];
        let join = |a: &str, b: &str| -> String {
            if a.is_empty() {
                b.to_string()
            } else if a.ends_with('/') {
                format!("{a}{b}")
            } else {
                format!("{a}/{b}")
            }
        };
        for comp in comps {
            let mut next = Vec::new();
            if !has_meta(comp) {
                let lit = unescape_glob(comp);
                for (d, a) in &cur {
                    let na = join(a, &lit);
                    if fs.exists(&na) {
                        next.push((join(d, &lit), na));
                    }
                }
            } else {
                for (d, a) in &cur {
                    let Ok(names) = fs.list_dir(a) else { continue };
                    for n in names {
                        if n.starts_with('.') && !comp.starts_with('.') && !comp.starts_with("\\.") {
                            continue;
                        }
                        if glob_match(comp, &n) {
                            next.push((join(d, &n), join(a, &n)));
                        }
                    }
                }
            }
            next.truncate(10_000);
            cur = next;
            if cur.is_empty() {
                break;
            }
        }
        let mut out: Vec<String> = cur
            .into_iter()
            .filter(|(_, a)| !dirs_only || fs.is_dir(a))
            .map(|(d, _)| if dirs_only { format!("{d}/") } else { d })
            .filter(|d| !d.is_empty() && d != "/")
            .collect();
        out.sort();
        out
    }

    fn param_value(&mut self, p: &Parameter) -> Option<PVal> {
        Some(PVal::One(match p {
            Parameter::Positional(0) => "bash".into(),
            Parameter::Positional(n) => self.sh.positional.get(*n as usize - 1)?.clone(),
            Parameter::Special(s) => match s {
                SpecialParameter::AllPositionalParameters { concatenate } => {
                    if *concatenate {
                        let sep = self.sh.vars.get("IFS").and_then(|s| s.chars().next()).map(String::from).unwrap_or_else(|| " ".into());
                        self.sh.positional.join(&sep)
                    } else {
                        return Some(PVal::Many(self.sh.positional.clone()));
                    }
                }
                SpecialParameter::PositionalParameterCount => self.sh.positional.len().to_string(),
                SpecialParameter::LastExitStatus => self.sh.last_status.to_string(),
                SpecialParameter::CurrentOptionFlags => "himBHs".into(),
                SpecialParameter::ProcessId => SHELL_PID.to_string(),
                SpecialParameter::LastBackgroundProcessId => return None,
                SpecialParameter::ShellName => "bash".into(),
            },
            Parameter::Named(n) => self.named(n)?,
            Parameter::NamedWithIndex { name, index } => {
                if index.trim() == "0" || index.trim().is_empty() {
                    self.named(name)?
                } else {
                    return None;
                }
            }
            Parameter::NamedWithAllIndices { name, .. } => self.named(name)?,
        }))
    }

    fn named(&mut self, n: &str) -> Option<String> {
        Some(match n {
            "RANDOM" => self.random().to_string(),
            "PWD" => self.sh.cwd.clone(),
            "EPOCHSECONDS" => (self.now() / 1000).to_string(),
            "EPOCHREALTIME" => format!("{}.{:06}", self.now() / 1000, (self.now() % 1000) * 1000),
            "SECONDS" => "0".into(),
            "UID" | "EUID" => if self.sh.user == "root" { "0" } else { "1000" }.into(),
            "PPID" => "4241".into(),
            "BASHPID" => SHELL_PID.to_string(),
            "BASH_VERSION" => "5.2.15(1)-release".into(),
            "BASH" => "/bin/bash".into(),
            "LINENO" => "1".into(),
            "OSTYPE" => "linux-gnu".into(),
            "HOSTTYPE" | "MACHTYPE" => "x86_64".into(),
            _ => return self.sh.vars.get(n).cloned(),
        })
    }

    fn pval_string(v: Option<PVal>) -> String {
        match v {
            None => String::new(),
            Some(PVal::One(s)) => s,
            Some(PVal::Many(v)) => v.join(" "),
        }
    }

    fn param_with_indirect(&mut self, p: &Parameter, indirect: bool) -> Option<PVal> {
        let v = self.param_value(p);
        if !indirect {
            return v;
        }
        let name = Self::pval_string(v);
        if !is_name(&name) {
            return None;
        }
        self.named(&name).map(PVal::One)
    }

    fn param_name(p: &Parameter) -> String {
        match p {
            Parameter::Named(n) => n.clone(),
            Parameter::NamedWithIndex { name, .. } | Parameter::NamedWithAllIndices { name, .. } => name.clone(),
            Parameter::Positional(n) => n.to_string(),
            Parameter::Special(s) => s.to_string(),
        }
    }

    fn param_expr(&mut self, pe: &ParameterExpr, _dq: bool) -> Result<PVal, i32> {
        use ParameterExpr as P;
        let cond = |v: &Option<PVal>, t: &ParameterTestType| match (v, t) {
            (None, _) => true,
            (Some(PVal::One(s)), ParameterTestType::UnsetOrNull) => s.is_empty(),
            (Some(PVal::Many(l)), ParameterTestType::UnsetOrNull) => l.is_empty(),
            _ => false,
        };
        Ok(match pe {
            P::Parameter { parameter, indirect } => match self.param_with_indirect(parameter, *indirect) {
                Some(v) => v,
                None => PVal::One(String::new()),
            },
            P::UseDefaultValues { parameter, indirect, test_type, default_value } => {
                let v = self.param_with_indirect(parameter, *indirect);
                if cond(&v, test_type) {
                    PVal::One(self.expand_string(default_value.as_deref().unwrap_or(""))?)
                } else {
                    v.unwrap_or(PVal::One(String::new()))
                }
            }
            P::AssignDefaultValues { parameter, indirect, test_type, default_value } => {
                let v = self.param_with_indirect(parameter, *indirect);
                if cond(&v, test_type) {
                    let d = self.expand_string(default_value.as_deref().unwrap_or(""))?;
                    let name = Self::param_name(parameter);
                    if !is_name(&name) {
                        self.xerr.extend_from_slice(format!("bash: ${name}: cannot assign in this way\n").as_bytes());
                        return Err(1);
                    }
                    self.set_var_capped(&name, d.clone(), false);
                    PVal::One(d)
                } else {
                    v.unwrap_or(PVal::One(String::new()))
                }
            }
            P::IndicateErrorIfNullOrUnset { parameter, indirect, test_type, error_message } => {
                let v = self.param_with_indirect(parameter, *indirect);
                if cond(&v, test_type) {
                    let m = match error_message {
                        Some(m) if !m.is_empty() => self.expand_string(m)?,
                        _ => if matches!(test_type, ParameterTestType::Unset) { "parameter not set" } else { "parameter null or not set" }.into(),
                    };
                    let name = Self::param_name(parameter);
                    self.xerr.extend_from_slice(format!("bash: {name}: {m}\n").as_bytes());
                    return Err(1);
                }
                v.unwrap_or(PVal::One(String::new()))
            }
            P::UseAlternativeValue { parameter, indirect, test_type, alternative_value } => {
                let v = self.param_with_indirect(parameter, *indirect);
                if cond(&v, test_type) {
                    PVal::One(String::new())
                } else {
                    PVal::One(self.expand_string(alternative_value.as_deref().unwrap_or(""))?)
                }
            }
            P::ParameterLength { parameter, indirect } => {
                let v = self.param_with_indirect(parameter, *indirect);
                PVal::One(match v {
                    Some(PVal::Many(l)) => l.len(),
                    Some(PVal::One(s)) => s.chars().count(),
                    None => 0,
                }.to_string())
            }
            P::RemoveSmallestSuffixPattern { parameter, indirect, pattern }
            | P::RemoveLargestSuffixPattern { parameter, indirect, pattern }
            | P::RemoveSmallestPrefixPattern { parameter, indirect, pattern }
            | P::RemoveLargestPrefixPattern { parameter, indirect, pattern } => {
                let s = Self::pval_string(self.param_with_indirect(parameter, *indirect));
                let pat = self.expand_pattern(pattern.as_deref().unwrap_or(""))?;
                let pc: Vec<char> = pat.chars().collect();
                let sc: Vec<char> = s.chars().collect();
                let n = sc.len();
                if n > 4096 {
                    return Ok(PVal::One(s));
                }
                let r: String = match pe {
                    P::RemoveSmallestSuffixPattern { .. } => (0..=n).rev().find(|&i| glob_match_chars(&pc, &sc[i..])).map(|i| sc[..i].iter().collect()),
                    P::RemoveLargestSuffixPattern { .. } => (0..=n).find(|&i| glob_match_chars(&pc, &sc[i..])).map(|i| sc[..i].iter().collect()),
                    P::RemoveSmallestPrefixPattern { .. } => (0..=n).find(|&i| glob_match_chars(&pc, &sc[..i])).map(|i| sc[i..].iter().collect()),
                    _ => (0..=n).rev().find(|&i| glob_match_chars(&pc, &sc[..i])).map(|i| sc[i..].iter().collect()),
                }
                .unwrap_or(s);
                PVal::One(r)
            }
            P::Substring { parameter, indirect, offset, length } => {
                let s = Self::pval_string(self.param_with_indirect(parameter, *indirect));
                let sc: Vec<char> = s.chars().collect();
                let n = sc.len() as i64;
                let off = self.arith(&offset.value)?;
                let start = if off < 0 { (n + off).max(0) } else { off.min(n) };
                let end = match length {
                    Some(l) => {
                        let l = self.arith(&l.value)?;
                        if l < 0 {
                            (n + l).max(start)
                        } else {
                            start.saturating_add(l).min(n)
                        }
                    }
                    None => n,
                };
                PVal::One(sc[start as usize..end.max(start) as usize].iter().collect())
            }
            P::Transform { parameter, indirect, op } => {
                use brush_parser::word::ParameterTransformOp as T;
                let s = Self::pval_string(self.param_with_indirect(parameter, *indirect));
                PVal::One(match op {
                    T::Quoted => shell_quote(&s),
                    T::ToUpperCase => s.to_uppercase(),
                    T::ToLowerCase => s.to_lowercase(),
                    T::CapitalizeInitial => cap_first(&s, true),
                    T::ExpandEscapeSequences => ansi_c(&s),
                    _ => {
                        self.xerr.extend_from_slice(b"bash: bad substitution\n");
                        return Err(1);
                    }
                })
            }
            P::UppercaseFirstChar { parameter, indirect, .. } => PVal::One(cap_first(&Self::pval_string(self.param_with_indirect(parameter, *indirect)), true)),
            P::LowercaseFirstChar { parameter, indirect, .. } => PVal::One(cap_first(&Self::pval_string(self.param_with_indirect(parameter, *indirect)), false)),
            P::UppercasePattern { parameter, indirect, .. } => PVal::One(Self::pval_string(self.param_with_indirect(parameter, *indirect)).to_uppercase()),
            P::LowercasePattern { parameter, indirect, .. } => PVal::One(Self::pval_string(self.param_with_indirect(parameter, *indirect)).to_lowercase()),
            P::ReplaceSubstring { parameter, indirect, pattern, replacement, match_kind } => {
                let s = Self::pval_string(self.param_with_indirect(parameter, *indirect));
                let pat = self.expand_pattern(pattern)?;
                let rep = self.expand_string(replacement.as_deref().unwrap_or(""))?;
                PVal::One(replace_pattern(&s, &pat, &rep, match_kind))
            }
            P::VariableNames { prefix, .. } => {
                PVal::One(self.sh.vars.keys().filter(|k| k.starts_with(prefix.as_str())).cloned().collect::<Vec<_>>().join(" "))
            }
            P::MemberKeys { variable_name, .. } => {
                PVal::One(if self.sh.vars.contains_key(variable_name) { "0".into() } else { String::new() })
            }
        })
    }

    /// Evaluate `$(( … ))` text.
    pub fn arith(&mut self, raw: &str) -> Result<i64, i32> {
        let text = self.expand_heredoc(raw)?;
        self.arith_text(&text, 0)
    }

    fn arith_text(&mut self, text: &str, depth: u32) -> Result<i64, i32> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(0);
        }
        if let Ok(v) = t.parse::<i64>() {
            return Ok(v);
        }
        if depth > 8 {
            self.xerr.extend_from_slice(format!("bash: {t}: expression recursion level exceeded\n").as_bytes());
            return Err(1);
        }
        match brush_parser::arithmetic::parse(t) {
            Ok(e) => self.eval_arith(&e, depth),
            Err(_) => {
                self.xerr.extend_from_slice(format!("bash: {t}: syntax error: invalid arithmetic operator (error token is \"{t}\")\n").as_bytes());
                Err(1)
            }
        }
    }

    fn arith_var(&mut self, name: &str, depth: u32) -> Result<i64, i32> {
        let v = match self.named(name) {
            Some(v) => v,
            None => match name.parse::<usize>() {
                Ok(n) if n >= 1 => self.sh.positional.get(n - 1).cloned().unwrap_or_default(),
                _ => String::new(),
            },
        };
        let t = v.trim();
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            return Ok(i64::from_str_radix(h, 16).unwrap_or(0));
        }
        self.arith_text(&v, depth + 1)
    }

    fn eval_arith(&mut self, e: &ast::ArithmeticExpr, depth: u32) -> Result<i64, i32> {
        use ast::ArithmeticExpr as A;
        use ast::BinaryOperator as B;
        Ok(match e {
            A::Literal(n) => *n,
            A::Reference(t) => match t {
                ast::ArithmeticTarget::Variable(n) => self.arith_var(n, depth)?,
                ast::ArithmeticTarget::ArrayElement(n, _) => self.arith_var(n, depth)?,
            },
            A::UnaryOp(op, x) => {
                let v = self.eval_arith(x, depth)?;
                match op {
                    ast::UnaryOperator::UnaryPlus => v,
                    ast::UnaryOperator::UnaryMinus => v.wrapping_neg(),
                    ast::UnaryOperator::BitwiseNot => !v,
                    ast::UnaryOperator::LogicalNot => (v == 0) as i64,
                }
            }
            A::BinaryOp(B::LogicalAnd, l, r) => {
                if self.eval_arith(l, depth)? == 0 { 0 } else { (self.eval_arith(r, depth)? != 0) as i64 }
            }
            A::BinaryOp(B::LogicalOr, l, r) => {
                if self.eval_arith(l, depth)? != 0 { 1 } else { (self.eval_arith(r, depth)? != 0) as i64 }
            }
            A::BinaryOp(op, l, r) => {
                let a = self.eval_arith(l, depth)?;
                let b = self.eval_arith(r, depth)?;
                self.binop(op, a, b)?
            }
            A::Conditional(c, x, y) => {
                if self.eval_arith(c, depth)? != 0 { self.eval_arith(x, depth)? } else { self.eval_arith(y, depth)? }
            }
            A::Assignment(t, x) => {
                let v = self.eval_arith(x, depth)?;
                self.arith_assign(t, v);
                v
            }
            A::BinaryAssignment(op, t, x) => {
                let cur = self.eval_arith(&A::Reference(t.clone()), depth)?;
                let r = self.eval_arith(x, depth)?;
                let v = self.binop(op, cur, r)?;
                self.arith_assign(t, v);
                v
            }
            A::UnaryAssignment(op, t) => {
                let cur = self.eval_arith(&A::Reference(t.clone()), depth)?;
                use ast::UnaryAssignmentOperator as U;
                let (new, ret) = match op {
                    U::PrefixIncrement => (cur.wrapping_add(1), cur.wrapping_add(1)),
                    U::PrefixDecrement => (cur.wrapping_sub(1), cur.wrapping_sub(1)),
                    U::PostfixIncrement => (cur.wrapping_add(1), cur),
                    U::PostfixDecrement => (cur.wrapping_sub(1), cur),
                };
                self.arith_assign(t, new);
                ret
            }
        })
    }

    fn arith_assign(&mut self, t: &ast::ArithmeticTarget, v: i64) {
        let name = match t {
            ast::ArithmeticTarget::Variable(n) | ast::ArithmeticTarget::ArrayElement(n, _) => n,
        };
        self.sh.vars.insert(name.clone(), v.to_string());
    }

    fn binop(&mut self, op: &ast::BinaryOperator, a: i64, b: i64) -> Result<i64, i32> {
        use ast::BinaryOperator as B;
        Ok(match op {
            B::Power => {
                if b < 0 {
                    self.xerr.extend_from_slice(b"bash: exponent less than 0\n");
                    return Err(1);
                }
                a.wrapping_pow(b.min(u32::MAX as i64) as u32)
            }
            B::Multiply => a.wrapping_mul(b),
            B::Divide | B::Modulo => {
                if b == 0 {
                    self.xerr.extend_from_slice(b"bash: division by 0 (error token is \"0\")\n");
                    return Err(1);
                }
                if matches!(op, B::Divide) { a.wrapping_div(b) } else { a.wrapping_rem(b) }
            }
            B::Comma => b,
            B::Add => a.wrapping_add(b),
            B::Subtract => a.wrapping_sub(b),
            B::ShiftLeft => a.wrapping_shl((b & 63) as u32),
            B::ShiftRight => a.wrapping_shr((b & 63) as u32),
            B::LessThan => (a < b) as i64,
            B::LessThanOrEqualTo => (a <= b) as i64,
            B::GreaterThan => (a > b) as i64,
            B::GreaterThanOrEqualTo => (a >= b) as i64,
            B::Equals => (a == b) as i64,
            B::NotEquals => (a != b) as i64,
            B::BitwiseAnd => a & b,
            B::BitwiseXor => a ^ b,
            B::BitwiseOr => a | b,
            B::LogicalAnd => (a != 0 && b != 0) as i64,
            B::LogicalOr => (a != 0 || b != 0) as i64,
        })
    }

    /// `[[ … ]]`.
    pub fn ext_test(&mut self, e: &ast::ExtendedTestExpr, buf: &mut Buf) -> i32 {
        let r = self.ext_eval(e);
        buf.e(std::mem::take(&mut self.xerr));
        match r {
            Ok(true) => 0,
            Ok(false) => 1,
            Err(st) => st,
        }
    }

    fn ext_eval(&mut self, e: &ast::ExtendedTestExpr) -> Result<bool, i32> {
        use ast::BinaryPredicate as BP;
        use ast::ExtendedTestExpr as E;
        Ok(match e {
            E::And(a, b) => self.ext_eval(a)? && self.ext_eval(b)?,
            E::Or(a, b) => self.ext_eval(a)? || self.ext_eval(b)?,
            E::Not(a) => !self.ext_eval(a)?,
            E::Parenthesized(a) => self.ext_eval(a)?,
            E::UnaryTest(p, w) => {
                let s = self.expand_string(&w.value)?;
                self.unary_test(p, &s)
            }
            E::BinaryTest(p, l, r) => {
                let a = self.expand_string(&l.value)?;
                match p {
                    BP::StringExactlyMatchesPattern | BP::StringDoesNotExactlyMatchPattern => {
                        let pat = self.expand_pattern(&r.value)?;
                        glob_match(&pat, &a) == matches!(p, BP::StringExactlyMatchesPattern)
                    }
                    BP::StringMatchesRegex => {
                        let re = self.expand_string(&r.value)?;
                        match regex_bites::Regex::new(&re) {
                            Ok(rx) => {
                                if let Some(c) = rx.captures(&a) {
                                    for i in 0..c.len() {
                                        let v = c.get(i).map(|m| m.as_str().to_string()).unwrap_or_default();
                                        if i == 0 {
                                            self.sh.vars.insert("BASH_REMATCH".into(), v);
                                        }
                                    }
                                    true
                                } else {
                                    false
                                }
                            }
                            Err(_) => return Err(2),
                        }
                    }
                    _ => {
                        let b = self.expand_string(&r.value)?;
                        self.binary_test(p, &a, &b)?
                    }
                }
            }
        })
    }

    pub fn unary_test(&mut self, p: &ast::UnaryPredicate, s: &str) -> bool {
        use ast::UnaryPredicate as U;
        let path = self.resolve(s);
        let fs = self.sys.fs();
        match p {
            U::FileExists => !s.is_empty() && fs.exists(&path),
            U::FileExistsAndIsDir => !s.is_empty() && fs.is_dir(&path),
            U::FileExistsAndIsRegularFile => !s.is_empty() && fs.is_file(&path) && path != "/dev/null",
            U::FileExistsAndIsCharSpecialFile => path == "/dev/null",
            U::FileExistsAndIsReadable | U::FileExistsAndIsWritable => !s.is_empty() && fs.exists(&path),
            U::FileExistsAndIsExecutable => !s.is_empty() && fs.mode(&path).is_some_and(|m| m & 0o111 != 0),
            U::FileExistsAndIsNotZeroLength => fs.read(&path).is_some_and(|d| !d.is_empty()) || fs.is_dir(&path),
            U::FileExistsAndOwnedByEffectiveUserId => fs.exists(&path),
            U::StringHasZeroLength => s.is_empty(),
            U::StringHasNonZeroLength => !s.is_empty(),
            U::ShellVariableIsSetAndAssigned => self.sh.vars.contains_key(s),
            _ => false,
        }
    }

    pub fn binary_test(&mut self, p: &ast::BinaryPredicate, a: &str, b: &str) -> Result<bool, i32> {
        use ast::BinaryPredicate as BP;
        let num = |ex: &mut Self, s: &str| -> Result<i64, i32> {
            match s.trim().parse::<i64>() {
                Ok(v) => Ok(v),
                Err(_) => {
                    ex.xerr.extend_from_slice(format!("bash: {s}: integer expression expected\n").as_bytes());
                    Err(2)
                }
            }
        };
        Ok(match p {
            BP::StringExactlyMatchesString | BP::StringExactlyMatchesPattern => a == b,
            BP::StringDoesNotExactlyMatchString | BP::StringDoesNotExactlyMatchPattern => a != b,
            BP::StringContainsSubstring => a.contains(b),
            BP::LeftSortsBeforeRight => a < b,
            BP::LeftSortsAfterRight => a > b,
            BP::ArithmeticEqualTo => num(self, a)? == num(self, b)?,
            BP::ArithmeticNotEqualTo => num(self, a)? != num(self, b)?,
            BP::ArithmeticLessThan => num(self, a)? < num(self, b)?,
            BP::ArithmeticLessThanOrEqualTo => num(self, a)? <= num(self, b)?,
            BP::ArithmeticGreaterThan => num(self, a)? > num(self, b)?,
            BP::ArithmeticGreaterThanOrEqualTo => num(self, a)? >= num(self, b)?,
            BP::StringMatchesRegex => regex_bites::Regex::new(b).map(|r| r.is_match(a)).unwrap_or(false),
            BP::FilesReferToSameDeviceAndInodeNumbers => self.resolve(a) == self.resolve(b),
            BP::LeftFileIsNewerOrExistsWhenRightDoesNot | BP::LeftFileIsOlderOrDoesNotExistWhenRightDoes => {
                let (pa, pb) = (self.resolve(a), self.resolve(b));
                let fs = self.sys.fs();
                let (ma, mb) = (fs.exists(&pa).then(|| fs.mtime(&pa).unwrap_or(0)), fs.exists(&pb).then(|| fs.mtime(&pb).unwrap_or(0)));
                if matches!(p, BP::LeftFileIsNewerOrExistsWhenRightDoesNot) { ma > mb } else { mb > ma }
            }
        })
    }
}

fn unescape_lit(s: &str) -> String {
    s.to_string()
}

fn cap_first(s: &str, up: bool) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => {
            let f: String = if up { f.to_uppercase().collect() } else { f.to_lowercase().collect() };
            f + c.as_str()
        }
        None => String::new(),
    }
}

fn replace_pattern(s: &str, pat: &str, rep: &str, kind: &brush_parser::word::SubstringMatchKind) -> String {
    use brush_parser::word::SubstringMatchKind as K;
    if pat.is_empty() {
        return s.to_string();
    }
    let pc: Vec<char> = pat.chars().collect();
    let sc: Vec<char> = s.chars().collect();
    let n = sc.len();
    if !has_meta(pat) {
        let lit = unescape_glob(pat);
        return match kind {
            K::Prefix => s.strip_prefix(lit.as_str()).map(|r| format!("{rep}{r}")).unwrap_or_else(|| s.to_string()),
            K::Suffix => s.strip_suffix(lit.as_str()).map(|r| format!("{r}{rep}")).unwrap_or_else(|| s.to_string()),
            K::FirstOccurrence => s.replacen(lit.as_str(), rep, 1),
            K::Anywhere => s.replace(lit.as_str(), rep),
        };
    }
    if n > 512 {
        return s.to_string();
    }
    match kind {
        K::Prefix => match (0..=n).rev().find(|&j| glob_match_chars(&pc, &sc[..j])) {
            Some(j) => format!("{rep}{}", sc[j..].iter().collect::<String>()),
            None => s.to_string(),
        },
        K::Suffix => match (0..=n).find(|&i| glob_match_chars(&pc, &sc[i..])) {
            Some(i) => format!("{}{rep}", sc[..i].iter().collect::<String>()),
            None => s.to_string(),
        },
        K::FirstOccurrence | K::Anywhere => {
            let all = matches!(kind, K::Anywhere);
            let mut out = String::new();
            let mut i = 0;
            let mut done = false;
            while i < n {
                if !done {
                    if let Some(j) = (i + 1..=n).rev().find(|&j| glob_match_chars(&pc, &sc[i..j])) {
                        out.push_str(rep);
                        i = j;
                        if !all {
                            done = true;
                        }
                        continue;
                    }
                }
                out.push(sc[i]);
                i += 1;
            }
            out
        }
    }
}
