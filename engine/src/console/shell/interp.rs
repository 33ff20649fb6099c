//! The interpreter: walks brush-parser's AST over a `System`.

use super::{Invocation, Shell, System, MAX_LOOP, MAX_OUTPUT};
use crate::fs::Fs;
use brush_parser::ast;
use brush_parser::{ParseError, Parser, ParserOptions, TokenizerError};

/// Nesting cap for command substitution, functions, `source`, `eval`, scripts.
pub(super) const MAX_DEPTH: u32 = 16;
/// Commands one `Shell::run` may execute.
const MAX_STEPS: u64 = 200_000;
/// Bracket/paren nesting the parser is allowed to see.
const MAX_NEST: usize = 40;
/// Largest input accepted.
const MAX_SRC: usize = 512 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flow {
    Normal,
    Exit,
    Return,
    Break(u32),
    Continue(u32),
}

/// Captured stdout/stderr of a command, capped.
#[derive(Default)]
pub(super) struct Buf {
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    /// fd 2 goes where fd 1 goes (`2>&1`, `&>`): stderr is written into `out`, keeping the order.
    pub merged: bool,
}

fn push_capped(v: &mut Vec<u8>, b: &[u8]) {
    let room = MAX_OUTPUT.saturating_sub(v.len());
    v.extend_from_slice(&b[..b.len().min(room)]);
}

impl Buf {
    pub fn o(&mut self, b: impl AsRef<[u8]>) {
        push_capped(&mut self.out, b.as_ref());
    }
    pub fn e(&mut self, b: impl AsRef<[u8]>) {
        if self.merged {
            push_capped(&mut self.out, b.as_ref());
        } else {
            push_capped(&mut self.err, b.as_ref());
        }
    }
    pub fn out_full(&self) -> bool {
        self.out.len() >= MAX_OUTPUT
    }
}

/// Standard input with a read cursor, shared by the commands of a list (`while read`).
#[derive(Default)]
pub(super) struct Input {
    data: Vec<u8>,
    pos: usize,
}

impl Input {
    pub fn new(data: Vec<u8>) -> Input {
        Input { data, pos: 0 }
    }
    pub fn rest(&self) -> &[u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }
    /// Consume everything left.
    pub fn take_all(&mut self) -> Vec<u8> {
        let v = self.rest().to_vec();
        self.pos = self.data.len();
        v
    }
    /// Consume one line (without its newline). None at end of input.
    pub fn read_line(&mut self) -> Option<(String, bool)> {
        let rest = self.rest();
        if rest.is_empty() {
            return None;
        }
        let (line, adv, nl) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], i + 1, true),
            None => (rest, rest.len(), false),
        };
        let s = String::from_utf8_lossy(line).into_owned();
        self.pos += adv;
        Some((s, nl))
    }
}

/// Where fd 1 / fd 2 of a command go.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    Out,
    Err,
    File(String),
    Null,
}

pub(super) struct Exec<'a> {
    pub sh: &'a mut Shell,
    pub sys: &'a mut dyn System,
    pub flow: Flow,
    pub depth: u32,
    steps: u64,
    /// stderr produced while expanding words (flushed into the running command's stderr).
    pub xerr: Vec<u8>,
    /// Status of the last command substitution in the current simple command.
    pub subst_status: Option<i32>,
    top: Buf,
    pub rng: u64,
}

pub(super) fn parser_options() -> ParserOptions {
    ParserOptions { enable_extended_globbing: false, ..ParserOptions::default() }
}

/// Max nesting of brackets, ignoring quotes (a conservative guard against deep recursion).
fn nesting(src: &str) -> usize {
    let (mut d, mut max) = (0usize, 0usize);
    for c in src.chars() {
        match c {
            '(' | '{' | '[' => {
                d += 1;
                max = max.max(d);
            }
            ')' | '}' | ']' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    // Backquotes nest by escaping; count them too.
    max.max(src.matches("\\`").count() / 2)
}

enum PErr {
    Incomplete(String),
    Syntax(String),
    HereDoc(String),
}

fn parse(src: &str) -> Result<ast::Program, PErr> {
    if src.len() > MAX_SRC {
        return Err(PErr::Syntax("bash: input too long\n".into()));
    }
    if nesting(src) > MAX_NEST {
        return Err(PErr::Syntax(format!("bash: input nested too deeply (limit {MAX_NEST})\n")));
    }
    if src.contains('\0') {
        return Err(PErr::Syntax("bash: warning: command substitution: ignored null byte in input\nbash: syntax error: null byte in input\n".into()));
    }
    let opts = parser_options();
    let mut p = Parser::new(std::io::BufReader::new(src.as_bytes()), &opts);
    match p.parse_program() {
        Ok(p) => Ok(p),
        Err(ParseError::ParsingAtEndOfInput) => {
            Err(PErr::Incomplete("bash: syntax error: unexpected end of file\n".into()))
        }
        Err(ParseError::ParsingNear(pos)) => {
            let tok = token_at(src, pos.index);
            if tok.is_empty() {
                Err(PErr::Incomplete("bash: syntax error: unexpected end of file\n".into()))
            } else {
                Err(PErr::Syntax(format!("bash: syntax error near unexpected token `{tok}'\n")))
            }
        }
        Err(ParseError::Tokenizing { inner, .. }) => {
            let what = match &inner {
                TokenizerError::UnterminatedSingleQuote(_) | TokenizerError::UnterminatedAnsiCQuote(_) => "'",
                TokenizerError::UnterminatedDoubleQuote(_) => "\"",
                TokenizerError::UnterminatedBackquote(_) => "`",
                TokenizerError::UnterminatedCommandSubstitution => ")",
                TokenizerError::UnterminatedVariable | TokenizerError::UnterminatedExpansion => "}",
                TokenizerError::UnterminatedHereDocuments(tags, _) => {
                    let tag = tags.split(',').next().unwrap_or("EOF").trim().trim_matches('\'').trim_matches('"');
                    return Err(PErr::HereDoc(tag.to_string()));
                }
                TokenizerError::UnterminatedEscapeSequence => {
                    return Err(PErr::Incomplete("bash: syntax error: unexpected end of file\n".into()))
                }
                other => return Err(PErr::Syntax(format!("bash: syntax error: {other}\n"))),
            };
            if inner.is_incomplete() {
                Err(PErr::Incomplete(format!("bash: unexpected EOF while looking for matching `{what}'\n")))
            } else {
                Err(PErr::Syntax(format!("bash: syntax error: {inner}\n")))
            }
        }
    }
}

/// The token starting at char index `idx` of `src`, for error messages.
fn token_at(src: &str, idx: usize) -> String {
    let rest: String = src.chars().skip(idx).collect();
    let rest = rest.trim_start_matches([' ', '\t']);
    let ops = [";;&", ";;", ";&", "&&", "||", ">>", "<<", "&>", ">&", "<&", "|&", ";", "&", "|", "(", ")", "<", ">", "\n"];
    for op in ops {
        if rest.starts_with(op) {
            return if op == "\n" { "newline".into() } else { op.into() };
        }
    }
    rest.chars().take_while(|c| !c.is_whitespace() && !";&|()<>".contains(*c)).collect()
}

pub(super) fn needs_more_input(src: &str) -> bool {
    if src.trim().is_empty() || nesting(src) > MAX_NEST || src.len() > MAX_SRC {
        return false;
    }
    matches!(parse(src), Err(PErr::Incomplete(_)) | Err(PErr::HereDoc(_)))
}

pub(super) fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch == '_' || ch.is_ascii_alphabetic())
        && c.all(|ch| ch == '_' || ch.is_ascii_alphanumeric())
}

/// Quote a string for re-use as shell input (`printf %q`, `set`, `${x@Q}` use similar rules).
pub(super) fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-./:=@,+%^".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl<'a> Exec<'a> {
    pub fn new(sh: &'a mut Shell, sys: &'a mut dyn System) -> Exec<'a> {
        Exec {
            sh,
            sys,
            flow: Flow::Normal,
            depth: 0,
            steps: 0,
            xerr: Vec::new(),
            subst_status: None,
            top: Buf::default(),
            rng: 0x2545_f491_4f6c_dd1d,
        }
    }

    pub fn finish(self) -> (Vec<u8>, Vec<u8>) {
        (self.top.out, self.top.err)
    }

    pub fn run_source(&mut self, src: &str) -> i32 {
        let mut buf = std::mem::take(&mut self.top);
        let mut inp = Input::default();
        let st = self.run_text(src, &mut inp, &mut buf);
        self.top = buf;
        st
    }

    /// Parse and run `src` in the current shell context.
    pub fn run_text(&mut self, src: &str, inp: &mut Input, buf: &mut Buf) -> i32 {
        if self.depth >= MAX_DEPTH {
            buf.e(format!("bash: maximum nesting level exceeded ({MAX_DEPTH})\n"));
            return 1;
        }
        let prog = match parse(src) {
            Ok(p) => p,
            Err(PErr::HereDoc(tag)) => {
                buf.e(format!(
                    "bash: warning: here-document delimited by end-of-file (wanted `{tag}')\n"
                ));
                let fixed = format!("{}\n{tag}\n", src.trim_end_matches('\n'));
                match parse(&fixed) {
                    Ok(p) => p,
                    Err(PErr::Incomplete(m) | PErr::Syntax(m)) => {
                        buf.e(m);
                        return 2;
                    }
                    Err(PErr::HereDoc(_)) => {
                        buf.e("bash: syntax error: unexpected end of file\n");
                        return 2;
                    }
                }
            }
            Err(PErr::Incomplete(m) | PErr::Syntax(m)) => {
                buf.e(m);
                self.sh.last_status = 2;
                return 2;
            }
        };
        self.depth += 1;
        let mut st = self.sh.last_status;
        for cc in &prog.complete_commands {
            st = self.exec_list(cc, inp, buf);
            if self.flow != Flow::Normal {
                break;
            }
        }
        self.depth -= 1;
        st
    }

    fn tick(&mut self, buf: &mut Buf) -> bool {
        self.steps += 1;
        if self.steps == MAX_STEPS {
            buf.e(format!("bash: command limit reached ({MAX_STEPS} commands); stopping\n"));
            self.flow = Flow::Exit;
        }
        self.steps < MAX_STEPS
    }

    pub fn exec_list(&mut self, list: &ast::CompoundList, inp: &mut Input, buf: &mut Buf) -> i32 {
        let mut st = self.sh.last_status;
        for item in &list.0 {
            if matches!(item.1, ast::SeparatorOperator::Async) {
                buf.e("bash: background jobs (`&') are not supported in this simulated shell; run the command without `&'\n");
                st = 1;
                self.sh.last_status = st;
                continue;
            }
            st = self.exec_andor(&item.0, inp, buf);
            if self.flow != Flow::Normal {
                break;
            }
        }
        st
    }

    fn exec_andor(&mut self, l: &ast::AndOrList, inp: &mut Input, buf: &mut Buf) -> i32 {
        let mut st = self.exec_pipeline(&l.first, inp, buf);
        self.sh.last_status = st;
        for a in &l.additional {
            if self.flow != Flow::Normal {
                break;
            }
            match a {
                ast::AndOr::And(p) if st == 0 => st = self.exec_pipeline(p, inp, buf),
                ast::AndOr::Or(p) if st != 0 => st = self.exec_pipeline(p, inp, buf),
                _ => {}
            }
            self.sh.last_status = st;
        }
        st
    }

    fn exec_pipeline(&mut self, p: &ast::Pipeline, inp: &mut Input, buf: &mut Buf) -> i32 {
        let mut st = if p.seq.len() == 1 {
            self.exec_command(&p.seq[0], inp, buf)
        } else {
            // Every stage runs in a subshell: state changes don't survive the pipeline.
            let saved = self.sh.clone();
            let mut data: Option<Vec<u8>> = None;
            let mut st = 0;
            let n = p.seq.len();
            for (i, cmd) in p.seq.iter().enumerate() {
                let mut stage = Buf::default();
                st = match data.take() {
                    None => self.exec_command(cmd, inp, &mut stage),
                    Some(d) => self.exec_command(cmd, &mut Input::new(d), &mut stage),
                };
                *self.sh = saved.clone();
                if matches!(self.flow, Flow::Exit | Flow::Return | Flow::Break(_) | Flow::Continue(_)) && self.steps < MAX_STEPS {
                    self.flow = Flow::Normal;
                }
                buf.e(&stage.err);
                if i + 1 == n {
                    buf.o(&stage.out);
                } else {
                    data = Some(stage.out);
                }
                if self.steps >= MAX_STEPS {
                    break;
                }
            }
            st
        };
        if p.bang {
            st = if st == 0 { 1 } else { 0 };
        }
        if p.timed.is_some() {
            buf.e("\nreal\t0m0.001s\nuser\t0m0.000s\nsys\t0m0.000s\n");
        }
        st
    }

    fn exec_command(&mut self, cmd: &ast::Command, inp: &mut Input, buf: &mut Buf) -> i32 {
        if !self.tick(buf) {
            return 1;
        }
        match cmd {
            ast::Command::Simple(sc) => self.exec_simple(sc, inp, buf),
            ast::Command::Compound(cc, redirs) => match redirs {
                Some(r) => self.with_redirects(&r.0, inp, buf, &mut |ex, inp, b| ex.exec_compound(cc, inp, b)),
                None => self.exec_compound(cc, inp, buf),
            },
            ast::Command::Function(fd) => {
                let name = fd.fname.value.clone();
                if !is_name(&name.replace(['-', '.', ':'], "_")) {
                    buf.e(format!("bash: `{name}': not a valid identifier\n"));
                    return 1;
                }
                let body = fd.body.to_string();
                self.sh.functions.insert(name, body);
                0
            }
            ast::Command::ExtendedTest(e, redirs) => {
                let e = e.expr.clone();
                let r = redirs.as_ref().map(|r| r.0.clone()).unwrap_or_default();
                self.with_redirects(&r, inp, buf, &mut |ex, _inp, b| ex.ext_test(&e, b))
            }
        }
    }

    fn loop_flow(&mut self) -> (bool, bool) {
        // (stop loop, skip rest)
        match self.flow {
            Flow::Break(n) => {
                self.flow = if n > 1 { Flow::Break(n - 1) } else { Flow::Normal };
                (true, true)
            }
            Flow::Continue(n) => {
                if n > 1 {
                    self.flow = Flow::Continue(n - 1);
                    (true, true)
                } else {
                    self.flow = Flow::Normal;
                    (false, true)
                }
            }
            Flow::Exit | Flow::Return => (true, true),
            Flow::Normal => (false, false),
        }
    }

    fn exec_compound(&mut self, cc: &ast::CompoundCommand, inp: &mut Input, buf: &mut Buf) -> i32 {
        use ast::CompoundCommand as C;
        match cc {
            C::BraceGroup(b) => self.exec_list(&b.list, inp, buf),
            C::Subshell(s) => {
                let saved = self.sh.clone();
                let st = self.exec_list(&s.list, inp, buf);
                *self.sh = saved;
                if self.steps < MAX_STEPS {
                    self.flow = Flow::Normal;
                }
                st
            }
            C::ForClause(f) => {
                let values = match &f.values {
                    Some(ws) => {
                        let mut v = Vec::new();
                        for w in ws {
                            match self.expand_fields(&w.value) {
                                Ok(fs) => v.extend(fs),
                                Err(st) => {
                                    buf.e(std::mem::take(&mut self.xerr));
                                    return st;
                                }
                            }
                        }
                        buf.e(std::mem::take(&mut self.xerr));
                        v
                    }
                    None => self.sh.positional.clone(),
                };
                let mut st = 0;
                for (i, v) in values.into_iter().enumerate() {
                    if i >= MAX_LOOP {
                        buf.e(format!("bash: for: loop limit ({MAX_LOOP} iterations) reached\n"));
                        return 1;
                    }
                    self.sh.vars.insert(f.variable_name.clone(), v);
                    st = self.exec_list(&f.body.list, inp, buf);
                    if self.loop_flow().0 {
                        break;
                    }
                }
                st
            }
            C::ArithmeticForClause(f) => {
                if let Some(e) = &f.initializer {
                    if let Err(st) = self.arith(&e.value) {
                        buf.e(std::mem::take(&mut self.xerr));
                        return st;
                    }
                }
                let mut st = 0;
                let mut n = 0;
                loop {
                    if let Some(c) = &f.condition {
                        match self.arith(&c.value) {
                            Ok(0) => break,
                            Ok(_) => {}
                            Err(s) => {
                                buf.e(std::mem::take(&mut self.xerr));
                                return s;
                            }
                        }
                    }
                    n += 1;
                    if n > MAX_LOOP {
                        buf.e(format!("bash: for: loop limit ({MAX_LOOP} iterations) reached\n"));
                        return 1;
                    }
                    st = self.exec_list(&f.body.list, inp, buf);
                    if self.loop_flow().0 {
                        break;
                    }
                    if let Some(u) = &f.updater {
                        if let Err(s) = self.arith(&u.value) {
                            buf.e(std::mem::take(&mut self.xerr));
                            return s;
                        }
                    }
                }
                st
            }
            C::CaseClause(c) => {
                let v = match self.expand_string(&c.value.value) {
                    Ok(v) => v,
                    Err(st) => {
                        buf.e(std::mem::take(&mut self.xerr));
                        return st;
                    }
                };
                let mut st = 0;
                let mut fall = false;
                let mut i = 0;
                while i < c.cases.len() {
                    let item = &c.cases[i];
                    let mut hit = fall;
                    if !hit {
                        for p in &item.patterns {
                            match self.expand_pattern(&p.value) {
                                Ok(pat) => {
                                    if super::expand::glob_match(&pat, &v) {
                                        hit = true;
                                        break;
                                    }
                                }
                                Err(s) => {
                                    buf.e(std::mem::take(&mut self.xerr));
                                    return s;
                                }
                            }
                        }
                    }
                    fall = false;
                    if hit {
                        if let Some(cmd) = &item.cmd {
                            st = self.exec_list(cmd, inp, buf);
                        }
                        match item.post_action {
                            ast::CaseItemPostAction::ExitCase => break,
                            ast::CaseItemPostAction::UnconditionallyExecuteNextCaseItem => fall = true,
                            ast::CaseItemPostAction::ContinueEvaluatingCases => {}
                        }
                    }
                    i += 1;
                }
                buf.e(std::mem::take(&mut self.xerr));
                st
            }
            C::IfClause(ic) => {
                let c = self.exec_list(&ic.condition, inp, buf);
                if self.flow != Flow::Normal {
                    return c;
                }
                if c == 0 {
                    return self.exec_list(&ic.then, inp, buf);
                }
                if let Some(elses) = &ic.elses {
                    for e in elses {
                        match &e.condition {
                            Some(cond) => {
                                let c = self.exec_list(cond, inp, buf);
                                if self.flow != Flow::Normal {
                                    return c;
                                }
                                if c == 0 {
                                    return self.exec_list(&e.body, inp, buf);
                                }
                            }
                            None => return self.exec_list(&e.body, inp, buf),
                        }
                    }
                }
                0
            }
            C::WhileClause(w) | C::UntilClause(w) => {
                let until = matches!(cc, C::UntilClause(_));
                let mut st = 0;
                let mut n = 0usize;
                loop {
                    let c = self.exec_list(&w.0, inp, buf);
                    if self.flow != Flow::Normal {
                        if self.loop_flow().0 {
                            break;
                        }
                        continue;
                    }
                    if (c == 0) == until {
                        break;
                    }
                    n += 1;
                    if n > MAX_LOOP {
                        buf.e(format!(
                            "bash: {}: loop limit ({MAX_LOOP} iterations) reached; stopping the loop\n",
                            if until { "until" } else { "while" }
                        ));
                        st = 1;
                        break;
                    }
                    st = self.exec_list(&w.1.list, inp, buf);
                    if self.loop_flow().0 {
                        break;
                    }
                    if self.steps >= MAX_STEPS {
                        break;
                    }
                }
                st
            }
            C::Arithmetic(a) => match self.arith(&a.expr.value) {
                Ok(v) => {
                    buf.e(std::mem::take(&mut self.xerr));
                    if v != 0 { 0 } else { 1 }
                }
                Err(st) => {
                    buf.e(std::mem::take(&mut self.xerr));
                    st
                }
            },
            C::Coprocess(_) => {
                buf.e("bash: coproc: coprocesses are not supported in this simulated shell\n");
                2
            }
        }
    }

    fn exec_simple(&mut self, sc: &ast::SimpleCommand, inp: &mut Input, buf: &mut Buf) -> i32 {
        use ast::CommandPrefixOrSuffixItem as I;
        self.subst_status = None;
        let mut assigns: Vec<(String, String, bool)> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut redirs: Vec<ast::IoRedirect> = Vec::new();
        let res: Result<(), i32> = (|| {
            if let Some(pre) = &sc.prefix {
                for item in &pre.0 {
                    match item {
                        I::IoRedirect(r) => redirs.push(r.clone()),
                        I::AssignmentWord(a, w) => {
                            let (name, val) = self.assignment(a, w)?;
                            assigns.push((name, val, a.append));
                        }
                        I::Word(w) => words.extend(self.expand_fields(&w.value)?),
                        I::ProcessSubstitution(..) => return Err(self.unsupported("process substitution <(…)")),
                    }
                }
            }
            if let Some(w) = &sc.word_or_name {
                let mut fs = self.expand_fields(&w.value)?;
                if let Some(first) = fs.first() {
                    if words.is_empty() && *first == w.value {
                        if let Some(al) = self.sh.aliases.get(first).cloned() {
                            let mut aw = Vec::new();
                            if let Ok(toks) = brush_parser::tokenize_str(&al) {
                                for t in toks {
                                    if let brush_parser::Token::Word(s, _) = t {
                                        aw.extend(self.expand_fields(&s)?);
                                    }
                                }
                            }
                            fs.splice(0..1, aw);
                        }
                    }
                }
                words.extend(fs);
            }
            if let Some(suf) = &sc.suffix {
                let decl = matches!(words.first().map(|s| s.as_str()), Some("export" | "local" | "declare" | "readonly" | "typeset"));
                for item in &suf.0 {
                    match item {
                        I::IoRedirect(r) => redirs.push(r.clone()),
                        I::AssignmentWord(a, w) => {
                            if decl {
                                let (name, val) = self.assignment(a, w)?;
                                words.push(format!("{name}{}={val}", if a.append { "+" } else { "" }));
                            } else {
                                words.extend(self.expand_fields(&w.value)?);
                            }
                        }
                        I::Word(w) => words.extend(self.expand_fields(&w.value)?),
                        I::ProcessSubstitution(..) => return Err(self.unsupported("process substitution <(…)")),
                    }
                }
            }
            Ok(())
        })();
        buf.e(std::mem::take(&mut self.xerr));
        if let Err(st) = res {
            return st;
        }
        if words.is_empty() {
            for (k, v, app) in assigns {
                self.set_var_capped(&k, v, app);
            }
            let st = self.subst_status.unwrap_or(0);
            return self.with_redirects(&redirs, inp, buf, &mut |_, _, _| st);
        }
        // Prefix assignments apply to this command only.
        let mut saved = Vec::new();
        for (k, v, app) in assigns {
            saved.push((k.clone(), self.sh.vars.get(&k).cloned(), self.sh.exported.contains(&k)));
            self.set_var_capped(&k, v, app);
            self.sh.exported.insert(k);
        }
        let st = self.with_redirects(&redirs, inp, buf, &mut |ex, inp, b| ex.dispatch(&words, inp, b));
        for (k, old, exp) in saved.into_iter().rev() {
            match old {
                Some(v) => self.sh.vars.insert(k.clone(), v),
                None => self.sh.vars.remove(&k),
            };
            if !exp {
                self.sh.exported.remove(&k);
            }
        }
        st
    }

    pub fn set_var_capped(&mut self, k: &str, v: String, append: bool) {
        let mut v = if append { format!("{}{}", self.sh.vars.get(k).map(|s| s.as_str()).unwrap_or(""), v) } else { v };
        if v.len() > MAX_OUTPUT {
            let mut cut = MAX_OUTPUT;
            while !v.is_char_boundary(cut) {
                cut -= 1;
            }
            v.truncate(cut);
        }
        self.sh.vars.insert(k.to_string(), v);
    }

    fn assignment(&mut self, a: &ast::Assignment, w: &ast::Word) -> Result<(String, String), i32> {
        let name = match &a.name {
            ast::AssignmentName::VariableName(n) => n.clone(),
            ast::AssignmentName::ArrayElementName(n, _) => n.clone(),
        };
        let val = match &a.value {
            ast::AssignmentValue::Scalar(v) => self.expand_string(&v.value)?,
            ast::AssignmentValue::Array(items) => {
                let mut out = Vec::new();
                for (_, v) in items {
                    out.extend(self.expand_fields(&v.value)?);
                }
                out.into_iter().next().unwrap_or_default()
            }
        };
        let _ = w;
        Ok((name, val))
    }

    fn unsupported(&mut self, what: &str) -> i32 {
        self.xerr.extend_from_slice(format!("bash: {what} is not supported in this simulated shell\n").as_bytes());
        2
    }

    /// Apply redirections around `f` (in order, so `>f 2>&1` and `2>&1 >f` differ as in bash).
    fn with_redirects(
        &mut self,
        redirs: &[ast::IoRedirect],
        inp: &mut Input,
        buf: &mut Buf,
        f: &mut dyn FnMut(&mut Exec<'a>, &mut Input, &mut Buf) -> i32,
    ) -> i32 {
        if redirs.is_empty() {
            return f(self, inp, buf);
        }
        use ast::{IoFileRedirectKind as K, IoFileRedirectTarget as T, IoRedirect as R};
        let mut fd1 = Target::Out;
        let mut fd2 = Target::Err;
        let mut new_in: Option<Vec<u8>> = None;
        for r in redirs {
            let res: Result<(), i32> = (|| {
                match r {
                    R::File(fd, kind, target) => {
                        let fdn = fd.unwrap_or(match kind {
                            K::Read | K::DuplicateInput | K::ReadAndWrite => 0,
                            _ => 1,
                        });
                        match (kind, target) {
                            (_, T::ProcessSubstitution(..)) => return Err(self.unsupported("process substitution")),
                            (K::DuplicateOutput, T::Fd(n)) => {
                                let t = match n {
                                    1 => fd1.clone(),
                                    2 => fd2.clone(),
                                    _ => Target::Null,
                                };
                                match fdn {
                                    1 => fd1 = t,
                                    2 => fd2 = t,
                                    _ => {}
                                }
                            }
                            (K::DuplicateOutput, T::Duplicate(w)) => {
                                let s = self.redirect_word(w)?;
                                match s.as_str() {
                                    "1" | "2" => {
                                        let t = if s == "1" { fd1.clone() } else { fd2.clone() };
                                        match fdn {
                                            1 => fd1 = t,
                                            2 => fd2 = t,
                                            _ => {}
                                        }
                                    }
                                    "-" => match fdn {
                                        1 => fd1 = Target::Null,
                                        2 => fd2 = Target::Null,
                                        _ => {}
                                    },
                                    _ if fdn == 1 && fd.is_none() => {
                                        let t = self.open_out(&s, false)?;
                                        fd1 = t.clone();
                                        fd2 = t;
                                    }
                                    _ => {
                                        self.xerr.extend_from_slice(format!("bash: {s}: ambiguous redirect\n").as_bytes());
                                        return Err(1);
                                    }
                                }
                            }
                            (K::DuplicateInput, _) => {}
                            (K::Read | K::ReadAndWrite, T::Filename(w)) => {
                                let s = self.redirect_word(w)?;
                                let p = Fs::resolve(&self.sh.cwd, &s);
                                match self.sys.fs().read_file(&p) {
                                    Ok(d) => {
                                        if fdn == 0 {
                                            new_in = Some(d.to_vec());
                                        }
                                    }
                                    Err(e) => {
                                        if matches!(kind, K::ReadAndWrite) {
                                            let _ = self.open_out(&s, true)?;
                                        } else {
                                            self.xerr.extend_from_slice(format!("bash: {s}: {e}\n").as_bytes());
                                            return Err(1);
                                        }
                                    }
                                }
                            }
                            (K::Write | K::Clobber | K::Append, T::Filename(w)) => {
                                let s = self.redirect_word(w)?;
                                let t = self.open_out(&s, matches!(kind, K::Append))?;
                                match fdn {
                                    1 => fd1 = t,
                                    2 => fd2 = t,
                                    _ => {}
                                }
                            }
                            (_, T::Fd(_) | T::Duplicate(_) | T::Filename(_)) => {}
                        }
                    }
                    R::HereDocument(fd, doc) => {
                        let text = if doc.requires_expansion {
                            self.expand_heredoc(&doc.doc.value)?
                        } else {
                            doc.doc.value.clone()
                        };
                        if fd.unwrap_or(0) == 0 {
                            new_in = Some(text.into_bytes());
                        }
                    }
                    R::HereString(fd, w) => {
                        let mut s = self.expand_string(&w.value)?;
                        s.push('\n');
                        if fd.unwrap_or(0) == 0 {
                            new_in = Some(s.into_bytes());
                        }
                    }
                    R::OutputAndError(w, append) => {
                        let s = self.redirect_word(w)?;
                        let t = self.open_out(&s, *append)?;
                        fd1 = t.clone();
                        fd2 = t;
                    }
                }
                Ok(())
            })();
            if let Err(st) = res {
                buf.e(std::mem::take(&mut self.xerr));
                return st;
            }
        }
        buf.e(std::mem::take(&mut self.xerr));
        let mut local = Buf { merged: fd1 == fd2, ..Default::default() };
        let st = match new_in {
            Some(d) => f(self, &mut Input::new(d), &mut local),
            None => f(self, inp, &mut local),
        };
        let Buf { out, err, .. } = local;
        self.route(&fd1, &out, buf);
        self.route(&fd2, &err, buf);
        st
    }

    fn route(&mut self, t: &Target, data: &[u8], buf: &mut Buf) {
        if data.is_empty() {
            return;
        }
        match t {
            Target::Out => buf.o(data),
            Target::Err => buf.e(data),
            Target::Null => {}
            Target::File(p) => {
                let _ = self.sys.fs().append(p, data);
                let now = self.sys.now_millis();
                self.sys.fs().set_mtime(p, now);
            }
        }
    }

    fn redirect_word(&mut self, w: &ast::Word) -> Result<String, i32> {
        let f = self.expand_fields(&w.value)?;
        if f.len() != 1 {
            self.xerr.extend_from_slice(format!("bash: {}: ambiguous redirect\n", w.value).as_bytes());
            return Err(1);
        }
        Ok(f.into_iter().next().unwrap_or_default())
    }

    /// Open (create/truncate) a file for output.
    fn open_out(&mut self, name: &str, append: bool) -> Result<Target, i32> {
        let p = Fs::resolve(&self.sh.cwd, name);
        if p == "/dev/null" {
            return Ok(Target::Null);
        }
        if p == "/dev/stdout" {
            return Ok(Target::Out);
        }
        if p == "/dev/stderr" {
            return Ok(Target::Err);
        }
        let now = self.sys.now_millis();
        let fs = self.sys.fs();
        let r = if append && fs.is_file(&p) { Ok(()) } else { fs.write_file(&p, Vec::new()) };
        match r {
            Ok(()) => {
                fs.set_mtime(&p, now);
                Ok(Target::File(p))
            }
            Err(e) => {
                self.xerr.extend_from_slice(format!("bash: {name}: {e}\n").as_bytes());
                Err(1)
            }
        }
    }

    /// Run a command by name: function, builtin, coreutil, machine command.
    pub fn dispatch(&mut self, argv: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
        let Some(name) = argv.first() else { return 0 };
        if name.is_empty() {
            buf.e("bash: : command not found\n");
            return 127;
        }
        if let Some(body) = self.sh.functions.get(name).cloned() {
            return self.call_function(name, &body, argv, inp, buf);
        }
        self.dispatch_nofunc(argv, inp, buf)
    }

    pub fn dispatch_nofunc(&mut self, argv: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
        let name = argv[0].as_str();
        if let Some(st) = self.builtin(name, argv, inp, buf) {
            return st;
        }
        if name.contains('/') {
            let p = Fs::resolve(&self.sh.cwd, name);
            let (is_file, is_dir, mode) = {
                let fs = self.sys.fs();
                (fs.is_file(&p), fs.is_dir(&p), fs.mode(&p).unwrap_or(0))
            };
            if is_dir {
                buf.e(format!("bash: {name}: Is a directory\n"));
                return 126;
            }
            if is_file {
                if mode & 0o111 == 0 {
                    buf.e(format!("bash: {name}: Permission denied\n"));
                    return 126;
                }
                return self.run_script(&p, argv, inp, buf);
            }
            let dir = crate::fs::parent(&p);
            let base = crate::fs::file_name(&p).to_string();
            if matches!(dir, "/bin" | "/usr/bin" | "/usr/local/bin" | "/sbin" | "/usr/sbin") && super::utils::is_util(&base) {
                let mut a = argv.to_vec();
                a[0] = base;
                return self.dispatch_nofunc(&a, inp, buf);
            }
            if !matches!(dir, "/bin" | "/usr/bin" | "/usr/local/bin" | "/sbin" | "/usr/sbin") || !self.sys.has_command(&base) {
                buf.e(format!("bash: {name}: No such file or directory\n"));
                return 127;
            }
            let mut a = argv.to_vec();
            a[0] = base;
            return self.external(&a, inp, buf).unwrap_or(127);
        }
        if let Some(st) = super::utils::run(self, name, argv, inp, buf) {
            return st;
        }
        match self.external(argv, inp, buf) {
            Some(st) => st,
            None => {
                buf.e(format!("bash: {name}: command not found\n"));
                127
            }
        }
    }

    fn external(&mut self, argv: &[String], inp: &mut Input, buf: &mut Buf) -> Option<i32> {
        let mut env = self.sh.env();
        // The machine's commands see who really runs them (`sudo` switches the shell's user).
        env.insert("USER".into(), self.sh.user.clone());
        let cwd = self.sh.cwd.clone();
        let inv = Invocation { argv, stdin: inp.rest(), env: &env, cwd: &cwd };
        let o = self.sys.external(&inv)?;
        buf.o(&o.stdout);
        buf.e(&o.stderr);
        Some(o.code)
    }

    fn call_function(&mut self, name: &str, body: &str, argv: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
        if self.depth >= MAX_DEPTH {
            buf.e(format!("bash: {name}: maximum function nesting level exceeded ({MAX_DEPTH})\n"));
            return 1;
        }
        let saved = std::mem::replace(&mut self.sh.positional, argv[1..].to_vec());
        let st = self.run_text(body, inp, buf);
        self.sh.positional = saved;
        if self.flow == Flow::Return {
            self.flow = Flow::Normal;
            return self.sh.last_status;
        }
        st
    }

    /// `bash FILE args…` / `./script.sh`: runs in a subshell with its own `$1…`.
    pub fn run_script(&mut self, path: &str, argv: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
        let src = match self.sys.fs().read_file(path) {
            Ok(d) => String::from_utf8_lossy(d).into_owned(),
            Err(e) => {
                buf.e(format!("bash: {}: {e}\n", argv[0]));
                return 127;
            }
        };
        self.run_subshell(&src, argv[1..].to_vec(), inp, buf)
    }

    pub fn run_subshell(&mut self, src: &str, positional: Vec<String>, inp: &mut Input, buf: &mut Buf) -> i32 {
        let saved = self.sh.clone();
        self.sh.positional = positional;
        let st = self.run_text(src, inp, buf);
        let st = if self.flow == Flow::Exit { self.sh.last_status } else { st };
        *self.sh = saved;
        if self.steps < MAX_STEPS {
            self.flow = Flow::Normal;
        }
        st
    }

    /// `$(…)`: runs in a subshell; returns stdout minus trailing newlines.
    pub fn command_subst(&mut self, src: &str) -> Result<String, i32> {
        if self.depth >= MAX_DEPTH {
            self.xerr.extend_from_slice(format!("bash: maximum command substitution depth exceeded ({MAX_DEPTH})\n").as_bytes());
            return Err(1);
        }
        let t = src.trim();
        let mut buf = Buf::default();
        let st = if t.starts_with('<') && !t.starts_with("<<") && !t.contains(['|', ';', '&', '>']) {
            let name = t[1..].trim();
            let name = self.expand_string(name)?;
            let p = Fs::resolve(&self.sh.cwd, &name);
            match self.sys.fs().read_file(&p) {
                Ok(d) => {
                    buf.o(d.to_vec());
                    0
                }
                Err(e) => {
                    buf.e(format!("bash: {name}: {e}\n"));
                    1
                }
            }
        } else {
            self.run_subshell(src, self.sh.positional.clone(), &mut Input::default(), &mut buf)
        };
        self.xerr.extend_from_slice(&buf.err);
        self.subst_status = Some(st);
        self.sh.last_status = st;
        let mut s = String::from_utf8_lossy(&buf.out).into_owned();
        while s.ends_with('\n') {
            s.pop();
        }
        Ok(s)
    }

    pub fn random(&mut self) -> u32 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        ((self.rng >> 16) % 32768) as u32
    }

    pub fn now(&self) -> u64 {
        self.sys.now_millis()
    }

    pub fn resolve(&self, p: &str) -> String {
        Fs::resolve(&self.sh.cwd, p)
    }
}
