//! The AWS CLI's automatic pagination (awscli `customizations/paginate.py` over botocore's
//! `PageIterator`), for operations whose paginator config the CLI model carries.
//!
//! Without `--no-paginate` the CLI asks for every page and prints one merged result: the
//! result keys concatenated across pages. `--page-size` sets the limit key per request,
//! `--max-items` stops after that many items and prints a `NextToken` (botocore's resume token:
//! base64 of `{"NextToken": …, "boto_truncate_amount": n}`), and `--starting-token` resumes from
//! one. Giving the operation's own input token (`--next-token`, `--marker`) turns pagination
//! off, as in awscli; the limit key (`--max-results`) stays a page size.

use super::args::{Arg, Kind, Raw};
use super::{model, Failure};
use serde_json::{Map, Value};

const STARTING_TOKEN: &str = "starting-token";
const PAGE_SIZE: &str = "page-size";
const MAX_ITEMS: &str = "max-items";

fn strs(cfg: &Value, key: &str) -> Vec<String> {
    cfg.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Add `--starting-token`, `--page-size` and `--max-items` to a paginated operation's argument
/// table and hide its own token and limit arguments from help (they still work).
pub fn add_args(service: &str, op: &str, table: &mut Vec<Arg>) {
    let Some(cfg) = model::model().paginator(service, op) else { return };
    let mut hidden = strs(cfg, "it");
    if let Some(lk) = cfg.get("lk").and_then(Value::as_str) {
        hidden.push(lk.to_string());
    }
    for a in table.iter_mut() {
        if let Kind::Member { name, .. } = &a.kind {
            if hidden.contains(name) {
                a.hidden = true;
            }
        }
    }
    let arg = |cli: &str, shape: &str, doc: &str| Arg {
        cli: cli.into(),
        kind: Kind::Member { name: format!("\u{0}{cli}"), shape: shape.into() },
        required: false,
        doc: doc.into(),
        hidden: false,
    };
    table.push(arg(STARTING_TOKEN, "string", "A token to specify where to start paginating (the NextToken from a truncated response)."));
    table.push(arg(PAGE_SIZE, "integer", "The size of each page to get in the AWS service call."));
    table.push(arg(MAX_ITEMS, "integer", "The total number of items to return in the command's output."));
}

/// Is this one of the arguments [`add_args`] adds?
pub fn is_paging_arg(a: &Arg) -> bool {
    matches!(&a.kind, Kind::Member { name, .. } if name.starts_with('\u{0}') && [STARTING_TOKEN, PAGE_SIZE, MAX_ITEMS].contains(&a.cli.as_str()))
}

/// The paging arguments as given: (cli name, value).
pub type Paging = Vec<(String, Raw)>;

fn int_arg(name: &str, raw: &Raw) -> Result<i64, Failure> {
    let Raw::Str(v) = raw else { return Err(Failure::usage(format!("argument --{name}: expected one argument"))) };
    super::shorthand::py_int(v).map_err(|_| Failure::usage(format!("argument --{name}: invalid int value: '{v}'")))
}

/// Python's `json.dumps` of a resume token (`, ` and `: ` separators, insertion order).
fn py_json(m: &Map<String, Value>) -> String {
    let items: Vec<String> = m.iter().map(|(k, v)| format!("{}: {}", serde_json::to_string(k).unwrap_or_default(), serde_json::to_string(v).unwrap_or_default())).collect();
    format!("{{{}}}", items.join(", "))
}

fn encode_token(m: &Map<String, Value>) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(py_json(m).as_bytes())
}

/// botocore's `_parse_starting_token`: a base64 JSON token, or the deprecated `a___b___n` form.
fn parse_token(token: &str, input_tokens: &[String]) -> (Map<String, Value>, usize) {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token.as_bytes())
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.as_object().cloned());
    if let Some(mut m) = decoded {
        let index = m.shift_remove("boto_truncate_amount").and_then(|v| v.as_u64()).unwrap_or(0) as usize;
        return (m, index);
    }
    let mut parts: Vec<String> = token.split("___").map(String::from).collect();
    let mut index = 0;
    if parts.len() == input_tokens.len() + 1 {
        match parts.last().and_then(|p| p.parse::<usize>().ok()) {
            Some(n) => {
                index = n;
                parts.pop();
            }
            None => parts = vec![token.to_string()],
        }
    }
    let mut m = Map::new();
    for (name, part) in input_tokens.iter().zip(parts) {
        m.insert(name.clone(), if part == "None" { Value::Null } else { Value::String(part) });
    }
    (m, index)
}

fn inject(kwargs: &mut Map<String, Value>, token: &Map<String, Value>) {
    for (name, v) in token {
        match v {
            Value::Null => {
                kwargs.shift_remove(name);
            }
            Value::String(s) if s == "None" => {
                kwargs.shift_remove(name);
            }
            other => {
                kwargs.insert(name.clone(), other.clone());
            }
        }
    }
}

fn result_len(v: Option<&Value>) -> usize {
    match v {
        Some(Value::Array(a)) => a.len(),
        Some(Value::String(s)) => s.len(),
        _ => 0,
    }
}

/// Run a paginated operation the way the CLI does; `call` sends one request.
pub fn run(cfg: &Value, params: &Value, paging: &Paging, no_paginate: bool, call: &mut dyn FnMut(&Value) -> Result<Value, Failure>) -> Result<Value, Failure> {
    let input_tokens = strs(cfg, "it");
    let output_tokens = strs(cfg, "ot");
    let result_keys = strs(cfg, "rk");
    let limit_key = cfg.get("lk").and_then(Value::as_str);
    let more_results = cfg.get("mr").and_then(Value::as_str);
    let mut kwargs = params.as_object().cloned().unwrap_or_default();
    // A manual token of the operation's own turns pagination off.
    let manual = input_tokens.iter().any(|t| kwargs.contains_key(t));
    if no_paginate || manual {
        if !paging.is_empty() {
            let used: Vec<String> = paging.iter().map(|(n, _)| format!("--{n}")).collect();
            return Err(Failure::general(format!("Cannot specify --no-paginate along with pagination arguments: {}", used.join(", "))));
        }
        return call(&Value::Object(kwargs));
    }
    let mut starting: Option<String> = None;
    let mut page_size: Option<i64> = None;
    let mut max_items: Option<i64> = None;
    for (name, raw) in paging {
        match name.as_str() {
            STARTING_TOKEN => {
                if let Raw::Str(t) = raw {
                    starting = Some(t.clone());
                }
            }
            PAGE_SIZE => page_size = Some(int_arg(name, raw)?),
            _ => max_items = Some(int_arg(name, raw)?),
        }
    }
    let Some(primary) = result_keys.first().cloned() else { return call(&Value::Object(kwargs)) };
    let (mut next_token, start_index) = match &starting {
        Some(t) => parse_token(t, &input_tokens),
        None => (input_tokens.iter().map(|t| (t.clone(), Value::Null)).collect(), 0),
    };
    if starting.is_some() {
        inject(&mut kwargs, &next_token);
    }
    if let (Some(n), Some(lk)) = (page_size, limit_key) {
        kwargs.insert(lk.to_string(), Value::from(n));
    }
    let mut complete = Map::new();
    let mut resume: Option<Map<String, Value>> = None;
    let mut previous: Option<Map<String, Value>> = None;
    let mut total: i64 = 0;
    let mut first = true;
    for _ in 0..100_000 {
        let mut parsed = call(&Value::Object(kwargs.clone()))?;
        let mut starting_truncation = 0usize;
        if first {
            if starting.is_some() {
                starting_truncation = start_index;
                if let Some(obj) = parsed.as_object_mut() {
                    if let Some(Value::Array(a)) = obj.get_mut(&primary) {
                        let n = start_index.min(a.len());
                        a.drain(..n);
                    }
                    for k in result_keys.iter().skip(1) {
                        if let Some(v) = obj.get_mut(k) {
                            *v = match v {
                                Value::Array(_) => Value::Array(Vec::new()),
                                Value::String(_) => Value::String(String::new()),
                                Value::Number(_) => Value::from(0),
                                _ => Value::Null,
                            };
                        }
                    }
                }
            }
            first = false;
        }
        let current = result_len(parsed.get(&primary)) as i64;
        let truncate = max_items.map(|m| total + current - m).unwrap_or(0);
        if truncate > 0 {
            let keep = (current - truncate).max(0) as usize;
            if let Some(Value::Array(a)) = parsed.get_mut(&primary) {
                a.truncate(keep);
            }
            next_token.insert("boto_truncate_amount".into(), Value::from(keep + starting_truncation));
            resume = Some(next_token.clone());
            merge(&mut complete, &parsed, &result_keys);
            break;
        }
        merge(&mut complete, &parsed, &result_keys);
        total += current;
        next_token = Map::new();
        let more = more_results.is_none_or(|k| parsed.get(k).and_then(Value::as_bool).unwrap_or(false));
        if more {
            for (out_key, in_key) in output_tokens.iter().zip(&input_tokens) {
                let t = parsed.get(out_key).filter(|v| !v.is_null() && v.as_str() != Some("")).cloned().unwrap_or(Value::Null);
                next_token.insert(in_key.clone(), t);
            }
        }
        if next_token.values().all(Value::is_null) {
            break;
        }
        if max_items == Some(total) {
            resume = Some(next_token.clone());
            break;
        }
        if previous.as_ref() == Some(&next_token) {
            return Err(Failure::general(format!("The same next token was received twice: {}", py_json(&next_token))));
        }
        inject(&mut kwargs, &next_token);
        previous = Some(next_token.clone());
    }
    if let Some(r) = resume {
        complete.insert("NextToken".into(), Value::String(encode_token(&r)));
    }
    Ok(Value::Object(complete))
}

/// botocore's `build_full_result`: concatenate each result key's values across pages.
fn merge(complete: &mut Map<String, Value>, page: &Value, result_keys: &[String]) {
    for k in result_keys {
        let Some(v) = page.get(k) else { continue };
        if v.is_null() {
            continue;
        }
        match (complete.get_mut(k), v) {
            (None, _) => {
                complete.insert(k.clone(), v.clone());
            }
            (Some(Value::Array(a)), Value::Array(b)) => a.extend(b.iter().cloned()),
            (Some(Value::String(a)), Value::String(b)) => a.push_str(b),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg() -> Value {
        json!({"it": ["NextToken"], "ot": ["NextToken"], "rk": ["Parameters"], "lk": "MaxResults"})
    }

    /// A fake service: 7 items, pages of MaxResults (default 3), token = offset.
    fn service(calls: &mut Vec<Value>) -> impl FnMut(&Value) -> Result<Value, Failure> + '_ {
        move |p: &Value| {
            calls.push(p.clone());
            let start: usize = p.get("NextToken").and_then(Value::as_str).and_then(|t| t.parse().ok()).unwrap_or(0);
            let size = p.get("MaxResults").and_then(Value::as_u64).unwrap_or(3) as usize;
            let items: Vec<Value> = (start..(start + size).min(7)).map(|i| json!(i)).collect();
            let mut o = json!({ "Parameters": items });
            if start + size < 7 {
                o["NextToken"] = json!((start + size).to_string());
            }
            Ok(o)
        }
    }

    #[test]
    fn merges_all_pages() {
        let mut calls = Vec::new();
        let out = run(&cfg(), &json!({"Path": "/"}), &vec![], false, &mut service(&mut calls)).unwrap();
        assert_eq!(out, json!({"Parameters": [0, 1, 2, 3, 4, 5, 6]}));
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[1]["NextToken"], "3");
    }

    #[test]
    fn max_items_and_starting_token() {
        let mut calls = Vec::new();
        let paging = vec![(MAX_ITEMS.to_string(), Raw::Str("4".into())), (PAGE_SIZE.to_string(), Raw::Str("3".into()))];
        let out = run(&cfg(), &json!({}), &paging, false, &mut service(&mut calls)).unwrap();
        assert_eq!(out["Parameters"], json!([0, 1, 2, 3]));
        let token = out["NextToken"].as_str().unwrap().to_string();
        use base64::Engine as _;
        let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(&token).unwrap()).unwrap();
        assert_eq!(decoded, r#"{"NextToken": "3", "boto_truncate_amount": 1}"#);
        let paging = vec![(STARTING_TOKEN.to_string(), Raw::Str(token)), (PAGE_SIZE.to_string(), Raw::Str("3".into()))];
        let mut calls = Vec::new();
        let out = run(&cfg(), &json!({}), &paging, false, &mut service(&mut calls)).unwrap();
        assert_eq!(out, json!({"Parameters": [4, 5, 6]}));
    }

    #[test]
    fn page_boundary_and_manual_token() {
        let mut calls = Vec::new();
        let paging = vec![(MAX_ITEMS.to_string(), Raw::Str("3".into()))];
        let out = run(&cfg(), &json!({}), &paging, false, &mut service(&mut calls)).unwrap();
        use base64::Engine as _;
        let t = base64::engine::general_purpose::STANDARD.decode(out["NextToken"].as_str().unwrap()).unwrap();
        assert_eq!(String::from_utf8(t).unwrap(), r#"{"NextToken": "3"}"#);
        // --next-token given: one request, the service's own NextToken printed.
        let mut calls = Vec::new();
        let out = run(&cfg(), &json!({"NextToken": "6"}), &vec![], false, &mut service(&mut calls)).unwrap();
        assert_eq!(out, json!({"Parameters": [6]}));
        let e = run(&cfg(), &json!({}), &paging, true, &mut service(&mut calls)).unwrap_err();
        assert!(e.stderr.contains("Cannot specify --no-paginate along with pagination arguments: --max-items"));
    }

    #[test]
    fn more_results_false_stops() {
        let c = json!({"it": ["Marker"], "ot": ["NextMarker"], "rk": ["Keys"], "lk": "Limit", "mr": "Truncated"});
        let mut n = 0;
        let out = run(&c, &json!({}), &vec![], false, &mut |_p: &Value| {
            n += 1;
            Ok(json!({"Keys": [1], "NextMarker": "x", "Truncated": false}))
        })
        .unwrap();
        assert_eq!(out, json!({"Keys": [1]}));
        assert_eq!(n, 1);
    }
}
