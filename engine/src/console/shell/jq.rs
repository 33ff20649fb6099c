//! `jq` via jaq (jaq-core 3 / jaq-std 3 / jaq-json 2), formatted like jq 1.7.

use super::interp::{Buf, Exec, Input};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;

const RANGE_DEFS: &str = "def range($a; $b): if ($b - $a) > 100000 then error(\"range too large for this simulated jq (limit 100000)\") else $a | while(. < $b; . + 1) end; def range($n): range(0; $n); def range($a; $b; $s): if $s == 0 or (($b - $a) / $s) > 100000 then error(\"range too large for this simulated jq (limit 100000)\") else $a | while(if $s > 0 then . < $b else . > $b end; . + $s) end; ";

/// Most values one `jq` run may print.
const MAX_VALUES: usize = 100_000;

fn render(v: &Val, compact: bool, raw: bool, out: &mut Vec<u8>) {
    if raw {
        if let Val::TStr(s) = v {
            out.extend_from_slice(s);
            return;
        }
    }
    let pp = jaq_json::write::Pp {
        indent: if compact { None } else { Some("  ".to_string()) },
        sep_space: !compact,
        ..Default::default()
    };
    let _ = jaq_json::write::write(out, &pp, 0, v);
}

/// Reject user definitions that call themselves (unbounded recursion would overflow the stack).
fn recursive_def(code: &str) -> Option<String> {
    let mut rest = code;
    while let Some(i) = rest.find("def ") {
        let after = &rest[i + 4..];
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let body_start = after.find(':').map(|j| j + 1).unwrap_or(after.len());
        let body = &after[body_start..];
        let body_end = body.find(';').unwrap_or(body.len());
        if !name.is_empty() && body[..body_end].split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == name) {
            return Some(name);
        }
        rest = after;
    }
    None
}

pub(super) fn jq(ex: &mut Exec, args: &[String], inp: &mut Input, buf: &mut Buf) -> i32 {
    let (mut compact, mut raw, mut null_input, mut slurp, mut exit_status, mut join, mut sort_keys) =
        (false, false, false, false, false, false, false);
    let mut named: Vec<(String, Val)> = Vec::new();
    let mut filter: Option<String> = None;
    let mut files: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if filter.is_some() && !a.starts_with('-') || a == "-" && filter.is_some() {
            files.push(a.to_string());
            continue;
        }
        match a {
            "-c" | "--compact-output" => compact = true,
            "-r" | "--raw-output" => raw = true,
            "-j" | "--join-output" => {
                raw = true;
                join = true
            }
            "-n" | "--null-input" => null_input = true,
            "-s" | "--slurp" => slurp = true,
            "-e" | "--exit-status" => exit_status = true,
            "-S" | "--sort-keys" => sort_keys = true,
            "-M" | "--monochrome-output" | "-C" | "--color-output" | "-a" | "--ascii-output" | "--tab" | "--unbuffered" => {}
            "--arg" | "--argjson" => {
                let (Some(n), Some(v)) = (args.get(i), args.get(i + 1)) else {
                    buf.e(format!("jq: error: {a} takes two parameters (e.g. {a} varname value)\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n"));
                    return 2;
                };
                let val = if a == "--arg" {
                    Val::from(v.clone())
                } else {
                    match jaq_json::read::parse_single(v.as_bytes()) {
                        Ok(v) => v,
                        Err(_) => {
                            buf.e(format!("jq: Invalid JSON text passed to --argjson\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n"));
                            return 2;
                        }
                    }
                };
                named.push((n.clone(), val));
                i += 2;
            }
            _ if a.starts_with('-') && a.len() > 1 && filter.is_none() => {
                // Combined short flags such as -rc.
                if a[1..].chars().all(|c| "crnseSMjCa".contains(c)) && !a.starts_with("--") {
                    for c in a[1..].chars() {
                        match c {
                            'c' => compact = true,
                            'r' => raw = true,
                            'j' => {
                                raw = true;
                                join = true
                            }
                            'n' => null_input = true,
                            's' => slurp = true,
                            'e' => exit_status = true,
                            'S' => sort_keys = true,
                            _ => {}
                        }
                    }
                } else {
                    buf.e(format!("jq: Unknown option: {a}\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n"));
                    return 2;
                }
            }
            _ => {
                if filter.is_none() {
                    filter = Some(a.to_string());
                } else {
                    files.push(a.to_string());
                }
            }
        }
    }
    let Some(code) = filter else {
        buf.e("Usage:\tjq [OPTIONS] FILTER [FILES...]\n\tjq [OPTIONS] --args FILTER [ARGUMENTS...]\n\tjq [OPTIONS] --jsonargs FILTER [JSON_VALUES...]\n\njq is a tool for processing JSON inputs, applying the given filter to\nits JSON text inputs and producing the filter's results as JSON on\nstandard output.\n\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n");
        return 2;
    };
    if let Some(name) = recursive_def(&code) {
        buf.e(format!("jq: error: recursive function `{name}' is not supported in this simulated jq\njq: 1 compile error\n"));
        return 3;
    }
    for w in ["repeat", "while", "until", "input", "inputs", "getpath", "splits"] {
        if code.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|t| t == w) && matches!(w, "repeat" | "while" | "until") {
            buf.e(format!("jq: error: `{w}' is disabled in this simulated jq (it can run forever)\njq: 1 compile error\n"));
            return 3;
        }
    }
    if code.len() > 64 * 1024 || code.chars().filter(|c| matches!(c, '(' | '[' | '{')).count() > 200 {
        buf.e("jq: error: filter too complex\njq: 1 compile error\n");
        return 3;
    }

    // Inputs.
    let mut texts: Vec<(String, Vec<u8>)> = Vec::new();
    if files.is_empty() {
        if !null_input {
            texts.push(("<stdin>".into(), inp.take_all()));
        }
    } else {
        for f in &files {
            let p = ex.resolve(f);
            match ex.sys.fs().read_file(&p) {
                Ok(d) => texts.push((f.clone(), d.to_vec())),
                Err(e) => {
                    buf.e(format!("jq: error: Could not open {f}: {e}\n"));
                    return 2;
                }
            }
        }
    }
    let mut inputs: Vec<(String, Val)> = Vec::new();
    for (name, t) in &texts {
        for (k, v) in jaq_json::read::parse_many(t).enumerate() {
            match v {
                Ok(v) => inputs.push((name.clone(), v)),
                Err(_) => {
                    let line = t.iter().filter(|&&b| b == b'\n').count().max(1);
                    buf.e(format!("jq: error (at {name}:{line}): Cannot parse input as JSON (while parsing value {})\n", k + 1));
                    return 2;
                }
            }
            if inputs.len() > MAX_VALUES {
                break;
            }
        }
    }
    if slurp {
        let all: Val = inputs.drain(..).map(|(_, v)| v).collect();
        inputs.push(("<stdin>".into(), all));
    }
    if null_input {
        inputs = vec![("<unknown>".into(), Val::Null)];
    }

    // Compile.
    let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
    let funs = jaq_core::funs().chain(jaq_std::funs()).chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    // `range` with a cap, so `[range(1e9)]` fails fast instead of exhausting memory.
    let full = format!("{RANGE_DEFS}{code}");
    let modules = match loader.load(&arena, File { code: full.as_str(), path: () }) {
        Ok(m) => m,
        Err(errs) => {
            let n = errs.len().max(1);
            buf.e(format!("jq: error: syntax error in filter: {code}\njq: {n} compile error{}\n", if n > 1 { "s" } else { "" }));
            return 3;
        }
    };
    let var_names: Vec<String> = named.iter().map(|(n, _)| format!("${n}")).collect();
    let filter = match Compiler::default()
        .with_funs(funs)
        .with_global_vars(var_names.iter().map(|s| s.as_str()))
        .compile(modules)
    {
        Ok(f) => f,
        Err(errs) => {
            let mut msg = String::new();
            for (_, e) in &errs {
                for (name, _) in e.iter().take(3) {
                    msg.push_str(&format!("jq: error: {name}/0 is not defined at <top-level>, line 1:\n{code}\n"));
                }
            }
            if msg.is_empty() {
                msg = format!("jq: error: invalid filter: {code}\n");
            }
            buf.e(format!("{msg}jq: {} compile error{}\n", errs.len().max(1), if errs.len() > 1 { "s" } else { "" }));
            return 3;
        }
    };

    let mut last: Option<Val> = None;
    let mut status = 0;
    let mut count = 0;
    'outer: for (name, input) in inputs {
        let vals: Vec<Val> = named.iter().map(|(_, v)| v.clone()).collect();
        let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new(vals));
        for r in filter.id.run((ctx, input)).map(unwrap_valr) {
            count += 1;
            if count > MAX_VALUES || buf.out_full() {
                break 'outer;
            }
            match r {
                Ok(v) => {
                    let mut out = Vec::new();
                    let v = if sort_keys { sort_val(v) } else { v };
                    render(&v, compact, raw, &mut out);
                    if !join {
                        out.push(b'\n');
                    }
                    buf.o(out);
                    last = Some(v);
                }
                Err(e) => {
                    let mut msg = e.to_string();
                    if let Some(first) = msg.get(..1) {
                        if msg.starts_with("cannot") {
                            msg = format!("{}{}", first.to_uppercase(), &msg[1..]);
                        }
                    }
                    buf.e(format!("jq: error (at {name}:0): {msg}\n"));
                    status = 5;
                    break;
                }
            }
        }
    }
    if status != 0 {
        return status;
    }
    if exit_status {
        return match last {
            None => 4,
            Some(Val::Null) | Some(Val::Bool(false)) => 1,
            Some(_) => 0,
        };
    }
    0
}

fn sort_val(v: Val) -> Val {
    match v {
        Val::Arr(a) => a.iter().cloned().map(sort_val).collect(),
        Val::Obj(o) => {
            let mut items: Vec<(Val, Val)> = o.iter().map(|(k, v)| (k.clone(), sort_val(v.clone()))).collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            Val::obj(items.into_iter().collect())
        }
        v => v,
    }
}
