//! The CLI's shorthand syntax (`Name=tag:Env,Values=dev,prod`), a port of awscli's
//! `shorthand.py`: the purely syntactic `ShorthandParser` followed by the model-driven
//! `BackCompatVisitor` (scalar → list wrapping, integer/boolean conversion).

use super::model::{self, Shape};
use serde_json::{Map, Value};

/// A parsed shorthand value before the model is applied.
#[derive(Clone, Debug, PartialEq)]
pub enum SValue {
    Str(String),
    List(Vec<SValue>),
    Map(Vec<(String, SValue)>),
}

pub struct ParseError(pub String);

/// File reader for `key@=file://…` values.
pub type ParamFileFn<'a> = &'a dyn Fn(&str) -> Result<Option<String>, String>;

struct Parser<'a> {
    s: Vec<char>,
    i: usize,
    resolve: bool,
    paramfile: ParamFileFn<'a>,
}

fn start_word(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{ffff}')
}
fn first_follow(c: char) -> bool {
    c.is_whitespace() || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{ffff}')
}
fn second_follow(c: char) -> bool {
    c.is_whitespace() || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{ffff}')
}
fn py_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

pub fn parse(value: &str, paramfile: ParamFileFn<'_>) -> Result<SValue, ParseError> {
    let mut p = Parser { s: value.chars().collect(), i: 0, resolve: false, paramfile };
    p.parameter()
}

impl Parser<'_> {
    fn input(&self) -> String {
        self.s.iter().collect()
    }

    fn error_location(&self, index: usize) -> String {
        let value = &self.s;
        let index = index.min(value.len());
        let before = &value[..index];
        let mut num_spaces = index;
        let (mut consumed, mut remaining) = (self.input(), String::new());
        if let Some(last_nl) = before.iter().rposition(|&c| c == '\n') {
            num_spaces = index - last_nl - 1;
        }
        if let Some(off) = value[index..].iter().position(|&c| c == '\n') {
            let next_nl = index + off;
            consumed = value[..next_nl].iter().collect();
            remaining = value[next_nl..].iter().collect();
        }
        format!("{}\n{}^{}", consumed, " ".repeat(num_spaces), remaining)
    }

    fn syntax_error(&self, expected: &str, actual: &str, index: usize) -> ParseError {
        ParseError(format!("Expected: '{}', received: '{}' for input:\n{}", expected, actual, self.error_location(index)))
    }

    fn current(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn at_eof(&self) -> bool {
        self.i >= self.s.len()
    }
    fn consume_ws(&mut self) {
        while self.current().is_some_and(py_whitespace) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: char, consume_ws: bool) -> Result<(), ParseError> {
        if consume_ws {
            self.consume_ws();
        }
        match self.current() {
            None => return Err(self.syntax_error(&c.to_string(), "EOF", self.i)),
            Some(a) if a != c => return Err(self.syntax_error(&c.to_string(), &a.to_string(), self.i)),
            _ => {}
        }
        self.i += 1;
        if consume_ws {
            self.consume_ws();
        }
        Ok(())
    }

    fn parameter(&mut self) -> Result<SValue, ParseError> {
        let mut params: Vec<(String, SValue)> = Vec::new();
        let (k, v) = self.keyval()?;
        params.push((k, v));
        let mut last_index = self.i;
        while self.i < self.s.len() {
            self.expect(',', true)?;
            let (k, v) = self.keyval()?;
            if params.iter().any(|(pk, _)| *pk == k) {
                return Err(ParseError(format!(
                    "Second instance of key \"{}\" encountered for input:\n{}\nThis is often because there is a preceding \",\" instead of a space.",
                    k,
                    self.error_location(last_index + 1)
                )));
            }
            params.push((k, v));
            last_index = self.i;
        }
        Ok(SValue::Map(params))
    }

    fn at_sign(&mut self) {
        self.resolve = false;
        let save = self.i;
        self.consume_ws();
        if self.current() == Some('@') {
            self.i += 1;
            self.consume_ws();
            self.resolve = true;
        } else {
            self.i = save;
            // `_expect` consumed whitespace before failing; harmless either way.
            self.consume_ws();
        }
    }

    fn keyval(&mut self) -> Result<(String, SValue), ParseError> {
        let key = self.key();
        self.at_sign();
        self.expect('=', true)?;
        let v = self.values()?;
        Ok((key, v))
    }

    fn key(&mut self) -> String {
        let start = self.i;
        while let Some(c) = self.current() {
            if !(c.is_ascii_alphanumeric() || "-_.#/:".contains(c)) {
                break;
            }
            self.i += 1;
        }
        self.s[start..self.i].iter().collect()
    }

    fn values(&mut self) -> Result<SValue, ParseError> {
        match self.current() {
            None => Ok(SValue::Str(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Result<SValue, ParseError> {
        let first = self.first_value()?;
        self.consume_ws();
        if self.at_eof() || self.s[self.i] != ',' {
            return Ok(SValue::Str(first));
        }
        self.expect(',', true)?;
        let mut list = vec![first.clone()];
        loop {
            let attempt = (|| -> Result<Option<String>, ParseError> {
                let cur = self.second_value()?;
                self.consume_ws();
                if self.at_eof() {
                    list.push(cur);
                    return Ok(None);
                }
                self.expect(',', true)?;
                list.push(cur);
                Ok(Some(String::new()))
            })();
            match attempt {
                Ok(None) => break,
                Ok(Some(_)) => continue,
                Err(e) => {
                    if self.at_eof() {
                        return Err(e);
                    }
                    // Backtrack to the previous comma.
                    while self.i > 0 && self.s.get(self.i) != Some(&',') {
                        self.i -= 1;
                    }
                    break;
                }
            }
        }
        if list.len() == 1 {
            return Ok(SValue::Str(first));
        }
        Ok(SValue::List(list.into_iter().map(SValue::Str).collect()))
    }

    /// Length of the regex match `(\\,|[start])(\\,|[follow])*` at the current position.
    fn match_word(&self, follow: fn(char) -> bool) -> usize {
        let s = &self.s[self.i..];
        let mut n = 0;
        let step = |n: usize, class: &dyn Fn(char) -> bool| -> Option<usize> {
            if s.get(n) == Some(&'\\') && s.get(n + 1) == Some(&',') {
                Some(2)
            } else if s.get(n).is_some_and(|&c| class(c)) {
                Some(1)
            } else {
                None
            }
        };
        match step(n, &start_word) {
            Some(k) => n += k,
            None => return 0,
        }
        while let Some(k) = step(n, &follow) {
            n += k;
        }
        n
    }

    fn resolve_paramfile(&self, v: String) -> Result<String, ParseError> {
        if self.resolve {
            match (self.paramfile)(&v) {
                Ok(Some(content)) => return Ok(content),
                Ok(None) => {}
                Err(e) => return Err(ParseError(e)),
            }
        }
        Ok(v)
    }

    fn value(&mut self) -> Result<String, ParseError> {
        let n = self.match_word(first_follow);
        if n == 0 {
            return Ok(String::new());
        }
        let consumed: String = self.s[self.i..self.i + n].iter().collect();
        self.i += n;
        let processed = consumed.replace("\\,", ",").trim_end().to_string();
        self.resolve_paramfile(processed)
    }

    fn explicit_list(&mut self) -> Result<SValue, ParseError> {
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.current() != Some(']') {
            let v = self.explicit_values()?;
            values.push(v);
            self.consume_ws();
            if self.current() != Some(']') {
                self.expect(',', false)?;
                self.consume_ws();
            }
        }
        self.expect(']', false)?;
        Ok(SValue::List(values))
    }

    fn explicit_values(&mut self) -> Result<SValue, ParseError> {
        match self.current() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => Ok(SValue::Str(self.first_value()?)),
        }
    }

    fn hash_literal(&mut self) -> Result<SValue, ParseError> {
        self.expect('{', true)?;
        let mut kv: Vec<(String, SValue)> = Vec::new();
        while self.current() != Some('}') {
            let key = self.key();
            self.at_sign();
            self.expect('=', true)?;
            let v = self.explicit_values()?;
            self.consume_ws();
            if self.current() != Some('}') {
                self.expect(',', false)?;
                self.consume_ws();
            }
            if let Some(slot) = kv.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = v;
            } else {
                kv.push((key, v));
            }
        }
        self.expect('}', false)?;
        Ok(SValue::Map(kv))
    }

    fn first_value(&mut self) -> Result<String, ParseError> {
        match self.current() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => self.value(),
        }
    }

    fn second_value(&mut self) -> Result<String, ParseError> {
        match self.current() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => {
                let n = self.match_word(second_follow);
                if n == 0 {
                    return Err(self.syntax_error("<second>", "<none>", self.i));
                }
                let consumed: String = self.s[self.i..self.i + n].iter().collect();
                self.i += n;
                let processed = consumed.replace("\\,", ",").trim_end().to_string();
                self.resolve_paramfile(processed)
            }
        }
    }

    /// `'(?:\\'|[^'])*'` (or the double-quoted twin), then unescape.
    fn quoted(&mut self, q: char) -> Result<String, ParseError> {
        let s = &self.s[self.i..];
        let mut j = 1;
        let mut end = None;
        while j < s.len() {
            if s[j] == '\\' && s.get(j + 1) == Some(&q) {
                // The regex alternation prefers `\'`, but backtracks if that leaves no closing
                // quote; emulate by remembering we can also close here.
                j += 2;
                continue;
            }
            if s[j] == q {
                end = Some(j);
                break;
            }
            j += 1;
        }
        if end.is_none() {
            // Backtracking case: `'abc\'` is matched by the regex with `\` as a plain char.
            if s.len() >= 2 && s[s.len() - 1] == q && s[s.len() - 2] == '\\' {
                end = Some(s.len() - 1);
            }
        }
        let name = if q == '\'' { "singled quoted" } else { "double quoted" };
        let Some(end) = end else {
            return Err(self.syntax_error(&format!("<{name}>"), "<none>", self.i));
        };
        let inner: String = s[1..end].iter().collect();
        self.i += end + 1;
        let v = inner.replace(&format!("\\{q}"), &q.to_string()).replace("\\\\", "\\");
        self.resolve_paramfile(v)
    }
}

/// Python's `int()` on a string, with its error text.
pub fn py_int(s: &str) -> Result<i64, String> {
    let t = s.trim().replace('_', "");
    t.parse::<i64>().map_err(|_| format!("invalid literal for int() with base 10: '{s}'"))
}

pub fn py_float(s: &str) -> Result<f64, String> {
    s.trim().parse::<f64>().map_err(|_| format!("could not convert string to float: '{s}'"))
}

/// Apply the model (BackCompatVisitor) and produce JSON. Errors are Python `ValueError` texts.
pub fn to_json(v: &SValue, shape: Shape<'_>) -> Result<Value, String> {
    Ok(visit(v, shape)?.unwrap_or(Value::Null))
}

fn plain(v: &SValue) -> Value {
    match v {
        SValue::Str(s) => Value::String(s.clone()),
        SValue::List(l) => Value::Array(l.iter().map(plain).collect()),
        SValue::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), plain(v))).collect()),
    }
}

fn visit(v: &SValue, shape: Shape<'_>) -> Result<Option<Value>, String> {
    match model::type_name(shape) {
        "structure" => match v {
            SValue::Map(m) => {
                let members = model::members(shape);
                let mut out = Map::new();
                for (k, val) in m {
                    match members.iter().find(|(n, _)| n == k) {
                        Some((_, r)) => {
                            let ms = model::model().shape(r);
                            let conv = visit_member(val, ms)?;
                            out.insert(k.clone(), conv);
                        }
                        None => {
                            out.insert(k.clone(), plain(val));
                        }
                    }
                }
                Ok(Some(Value::Object(out)))
            }
            other => Ok(Some(plain(other))),
        },
        "list" => match v {
            SValue::List(l) => {
                let ms = model::list_member(shape);
                let mut out = Vec::new();
                for item in l {
                    out.push(visit_member(item, ms)?);
                }
                Ok(Some(Value::Array(out)))
            }
            other => Ok(Some(plain(other))),
        },
        "map" => match v {
            SValue::Map(m) => {
                let vs = model::map_value(shape);
                let mut out = Map::new();
                for (k, val) in m {
                    out.insert(k.clone(), visit_member(val, vs)?);
                }
                Ok(Some(Value::Object(out)))
            }
            other => Ok(Some(plain(other))),
        },
        _ => Ok(Some(scalar(v, shape)?)),
    }
}

/// A member value inside a container: lists given as a scalar are wrapped (`foo=bar` → `["bar"]`).
fn visit_member(v: &SValue, shape: Shape<'_>) -> Result<Value, String> {
    if model::type_name(shape) == "list" && !matches!(v, SValue::List(_)) {
        // Python wraps the raw value without visiting its elements.
        return Ok(Value::Array(vec![plain(v)]));
    }
    Ok(visit(v, shape)?.unwrap_or(Value::Null))
}

fn scalar(v: &SValue, shape: Shape<'_>) -> Result<Value, String> {
    let SValue::Str(s) = v else { return Ok(plain(v)) };
    Ok(match model::type_name(shape) {
        "integer" | "long" => Value::from(py_int(s)?),
        "double" | "float" => serde_json::Number::from_f64(py_float(s)?).map(Value::Number).unwrap_or(Value::Null),
        "boolean" => match s.to_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(s.clone()),
        },
        _ => Value::String(s.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nofile(_: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
    fn p(s: &str) -> Value {
        match parse(s, &nofile) {
            Ok(v) => plain(&v),
            Err(e) => panic!("{}", e.0),
        }
    }
    fn perr(s: &str) -> String {
        match parse(s, &nofile) {
            Ok(v) => panic!("parsed: {v:?}"),
            Err(e) => e.0,
        }
    }

    #[test]
    fn basic_forms() {
        assert_eq!(p("a=b"), serde_json::json!({"a": "b"}));
        assert_eq!(p("a=b,c"), serde_json::json!({"a": ["b", "c"]}));
        assert_eq!(p("a=b,c=d"), serde_json::json!({"a": "b", "c": "d"}));
        assert_eq!(p("Name=instance-state-name,Values=running,stopped"), serde_json::json!({"Name": "instance-state-name", "Values": ["running", "stopped"]}));
        assert_eq!(p("foo=a,b,c=d,e=f"), serde_json::json!({"foo": ["a", "b"], "c": "d", "e": "f"}));
        assert_eq!(p("a="), serde_json::json!({"a": ""}));
        assert_eq!(p("a = b , c = d"), serde_json::json!({"a": "b", "c": "d"}));
        assert_eq!(p("Name=tag:Name,Values=my web server"), serde_json::json!({"Name": "tag:Name", "Values": "my web server"}));
    }

    #[test]
    fn nested_and_quoted() {
        assert_eq!(
            p("ResourceType=instance,Tags=[{Key=Name,Value=web},{Key=Env,Value=dev}]"),
            serde_json::json!({"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}, {"Key": "Env", "Value": "dev"}]})
        );
        assert_eq!(p("a=[b,c],d={e=f,g=[h]}"), serde_json::json!({"a": ["b", "c"], "d": {"e": "f", "g": ["h"]}}));
        assert_eq!(p("a='b,c',d=\"e=f\""), serde_json::json!({"a": "b,c", "d": "e=f"}));
        assert_eq!(p(r"a=b\,c"), serde_json::json!({"a": "b,c"}));
        assert_eq!(p("a=x,'y,z'"), serde_json::json!({"a": ["x", "y,z"]}));
        assert_eq!(p(r"a='it\'s'"), serde_json::json!({"a": "it's"}));
        assert_eq!(p("a=[]"), serde_json::json!({"a": []}));
    }

    #[test]
    fn errors_match_awscli_text() {
        assert_eq!(perr("foo"), "Expected: '=', received: 'EOF' for input:\nfoo\n   ^");
        assert_eq!(perr("a=b,"), "Expected: '<second>', received: '<none>' for input:\na=b,\n    ^");
        assert_eq!(
            perr("a=b,a=c"),
            "Second instance of key \"a\" encountered for input:\na=b,a=c\n    ^\nThis is often because there is a preceding \",\" instead of a space."
        );
        assert_eq!(perr("a=[b"), "Expected: ',', received: 'EOF' for input:\na=[b\n    ^");
    }

    #[test]
    fn model_conversion() {
        let m = model::model();
        let filter = m.shape("Filter");
        let v = parse("Name=instance-state-name,Values=running", &nofile).ok().unwrap();
        assert_eq!(to_json(&v, filter).unwrap(), serde_json::json!({"Name": "instance-state-name", "Values": ["running"]}));
        let ebs = m.shape("EbsBlockDevice");
        let v = parse("VolumeSize=20,DeleteOnTermination=true", &nofile).ok().unwrap();
        assert_eq!(to_json(&v, ebs).unwrap(), serde_json::json!({"VolumeSize": 20, "DeleteOnTermination": true}));
        let v = parse("VolumeSize=big", &nofile).ok().unwrap();
        assert_eq!(to_json(&v, ebs).unwrap_err(), "invalid literal for int() with base 10: 'big'");
    }
}
