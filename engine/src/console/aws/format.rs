//! Output formatters: ports of awscli's `formatter.py` (json), `text.py` and `table.py`, plus a
//! small YAML emitter.

use serde_json::Value;

/// Python's `str()` of a JSON-ish value.
pub fn py_str(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => py_number(n),
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

fn py_number(n: &serde_json::Number) -> String {
    if n.is_f64() {
        let f = n.as_f64().unwrap_or(0.0);
        if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
            format!("{f:.1}")
        } else {
            format!("{f}")
        }
    } else {
        n.to_string()
    }
}

/// Python's `repr()` of a JSON-ish value (dicts and lists).
pub fn py_repr(v: &Value) -> String {
    match v {
        Value::String(s) => {
            if s.contains('\'') && !s.contains('"') {
                format!("\"{s}\"")
            } else {
                format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n"))
            }
        }
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!("{{{}}}", o.iter().map(|(k, v)| format!("{}: {}", py_repr(&Value::String(k.clone())), py_repr(v))).collect::<Vec<_>>().join(", ")),
        other => py_str(other),
    }
}

// ---------------------------------------------------------------- json

/// `json.dumps(value, indent=4, ensure_ascii=False)`.
pub fn json(v: &Value) -> String {
    let mut out = String::new();
    json_into(v, 0, &mut out);
    out
}

fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_into(v: &Value, level: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&py_number(n)),
        Value::String(s) => json_str(s, out),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(o) if o.is_empty() => out.push_str("{}"),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                out.push_str(&" ".repeat((level + 1) * 4));
                json_into(item, level + 1, out);
            }
            out.push('\n');
            out.push_str(&" ".repeat(level * 4));
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                out.push_str(&" ".repeat((level + 1) * 4));
                json_str(k, out);
                out.push_str(": ");
                json_into(item, level + 1, out);
            }
            out.push('\n');
            out.push_str(&" ".repeat(level * 4));
            out.push('}');
        }
    }
}

// ---------------------------------------------------------------- text

pub fn text(v: &Value) -> String {
    let mut out = String::new();
    format_text(v, None, None, &mut out);
    out
}

fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

fn format_text(item: &Value, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match item {
        Value::Object(_) => format_dict(scalar_keys, item, identifier, out),
        Value::Array(l) => format_list(l, identifier, out),
        other => {
            out.push_str(&py_str(other));
            out.push('\n');
        }
    }
}

fn format_list(item: &[Value], identifier: Option<&str>, out: &mut String) {
    if item.is_empty() {
        return;
    }
    if item.iter().any(|e| e.is_object()) {
        let keys = all_scalar_keys(item);
        for e in item {
            format_text(e, identifier, Some(&keys), out);
        }
    } else if item.iter().any(|e| e.is_array()) {
        let (scalars, non): (Vec<&Value>, Vec<&Value>) = item.iter().partition(|e| !is_container(e));
        if !scalars.is_empty() {
            format_scalar_list(&scalars, identifier, out);
        }
        for n in non {
            format_text(n, identifier, None, out);
        }
    } else {
        let all: Vec<&Value> = item.iter().collect();
        format_scalar_list(&all, identifier, out);
    }
}

fn format_scalar_list(elements: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for e in elements {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), py_str(e)));
            }
        }
        None => {
            out.push_str(&elements.iter().map(|e| py_str(e)).collect::<Vec<_>>().join("\t"));
            out.push('\n');
        }
    }
}

fn format_dict(scalar_keys: Option<&[String]>, item: &Value, identifier: Option<&str>, out: &mut String) {
    let Value::Object(map) = item else { return };
    let mut scalars: Vec<String> = Vec::new();
    let mut non: Vec<(String, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for k in keys {
                let v = &map[k];
                if is_container(v) {
                    non.push((k.clone(), v));
                } else {
                    scalars.push(py_str(v));
                }
            }
        }
        Some(sk) => {
            for k in sk {
                scalars.push(map.get(k).map(py_str).unwrap_or_default());
            }
            let mut rest: Vec<&String> = map.keys().filter(|k| !sk.contains(k)).collect();
            rest.sort();
            for k in rest {
                non.push((k.clone(), &map[k]));
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (k, v) in non {
        format_text(v, Some(&k), None, out);
    }
}

fn all_scalar_keys(list: &[Value]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for d in list {
        if let Value::Object(m) = d {
            for (k, v) in m {
                if !is_container(v) && !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys.sort();
    keys
}

// ---------------------------------------------------------------- table

const TERMINAL_WIDTH: usize = 80;

#[derive(Default, Clone)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    num_cols: Option<usize>,
    max_widths: Vec<usize>,
}

/// `unicodedata.east_asian_width(c) in 'WFA'` → 2 columns (approximate ranges).
fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF |
        0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 |
        0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD |
        // A few common East Asian Ambiguous characters.
        0xA1 | 0xA4 | 0xA7 | 0xA8 | 0xAA | 0xAD | 0xAE | 0xB0..=0xB4 | 0xB6..=0xBA | 0xBC..=0xBF |
        0xC6 | 0xD0 | 0xD7 | 0xD8 | 0xDE..=0xE1 | 0xE6 | 0xE8..=0xEA | 0xEC | 0xED | 0xF0 | 0xF2 |
        0xF3 | 0xF7..=0xFA | 0xFC | 0xFE | 0x2010 | 0x2013..=0x2016 | 0x2018 | 0x2019 | 0x201C |
        0x201D | 0x2020..=0x2022 | 0x2024..=0x2027 | 0x2030 | 0x2032 | 0x2033 | 0x2035 | 0x203B |
        0x2103 | 0x2116 | 0x2121 | 0x2122 | 0x2160..=0x216B | 0x2190..=0x2199 | 0x2460..=0x24E9 |
        0x2500..=0x254B | 0x25A0..=0x25A1 | 0x25CB | 0x25CF | 0x2605 | 0x2606 | 0x2640 | 0x2642 |
        0xE000..=0xF8FF | 0xFFFD);
    if wide {
        2
    } else {
        1
    }
}

fn tlen(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

impl Section {
    fn update_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|e| tlen(e)).collect();
        } else {
            for (i, e) in row.iter().enumerate() {
                if i < self.max_widths.len() {
                    self.max_widths[i] = self.max_widths[i].max(tlen(e));
                } else {
                    // Python would raise IndexError; keep going.
                    self.max_widths.push(tlen(e));
                }
            }
        }
    }
    fn add_header(&mut self, headers: Vec<String>) {
        self.update_widths(&headers);
        if self.num_cols.is_none() {
            self.num_cols = Some(headers.len());
        }
        self.headers = headers;
    }
    fn add_row(&mut self, row: Vec<String>) -> Result<(), String> {
        if self.num_cols.is_none() {
            self.num_cols = Some(row.len());
        }
        let n = self.num_cols.unwrap_or(0);
        if row.len() != n {
            return Err(format!("Row should have {} elements, instead it has {}", n, row.len()));
        }
        self.update_widths(&row);
        self.rows.push(row);
        Ok(())
    }
    fn column_widths(&self, padding: usize, max_width: Option<usize>) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        let Some(max_width) = max_width else { return unscaled };
        if unscaled.is_empty() {
            return unscaled;
        }
        let total: usize = unscaled.iter().sum();
        let sf = max_width as f64 / total.max(1) as f64;
        let mut scaled: Vec<i64> = unscaled.iter().map(|&w| (sf * w as f64).round_ties_even() as i64).collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width as i64;
        let n = scaled.len();
        let mut guard = 0;
        while off_by != 0 && guard < 10_000 {
            guard += 1;
            let order: Vec<usize> = if off_by < 0 { (0..n).rev().collect() } else { (0..n).collect() };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }
    fn total_width(&self, padding: usize, outer: usize) -> usize {
        let total: usize = self.column_widths(0, None).iter().map(|w| w + padding).sum::<usize>() + 2 + 2 * outer;
        (tlen(&self.title) + 2 + 2 * outer).max(total)
    }
}

struct Table {
    sections: Vec<Section>,
}

impl Table {
    fn cur(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        let n = self.sections.len();
        &mut self.sections[n - 1]
    }
    fn new_section(&mut self, title: &str, indent: usize) {
        self.sections.push(Section { title: title.into(), indent, ..Default::default() });
    }
}

fn scalar_type(v: &Value) -> bool {
    !is_container(v)
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn group_scalar_keys(cur: &serde_json::Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let mut headers: Vec<String> = cur.iter().filter(|(_, v)| scalar_type(v)).map(|(k, _)| k.clone()).collect();
    let mut more: Vec<String> = cur.iter().filter(|(_, v)| !scalar_type(v)).map(|(k, _)| k.clone()).collect();
    headers.sort();
    more.sort();
    (headers, more)
}

fn build_table(t: &mut Table, title: Option<&str>, current: &Value, indent: usize) -> Result<bool, String> {
    if !truthy(current) {
        return Ok(false);
    }
    if let Some(title) = title {
        t.new_section(title, indent);
    }
    match current {
        Value::Array(list) => {
            if list[0].is_object() {
                build_sub_table_from_list(t, list, indent, title)?;
            } else {
                for item in list {
                    match item {
                        Value::Array(inner) if inner.iter().all(scalar_type) => t.cur().add_row(inner.iter().map(py_str).collect())?,
                        Value::Object(o) => t.cur().add_row(o.keys().cloned().collect())?,
                        Value::Array(_) => {
                            build_table(t, None, item, 0)?;
                        }
                        scalar => t.cur().add_row(vec![py_str(scalar)])?,
                    }
                }
            }
        }
        Value::Object(map) => {
            let (headers, more) = group_scalar_keys(map);
            if headers.len() == 1 {
                let h = headers[0].clone();
                t.cur().add_row(vec![h.clone(), py_str(&map[&h])])?;
            } else if !headers.is_empty() {
                let row = headers.iter().map(|h| py_str(&map[h])).collect();
                t.cur().add_header(headers);
                t.cur().add_row(row)?;
            }
            for k in more {
                build_table(t, Some(&k), &map[&k], indent + 1)?;
            }
        }
        _ => {}
    }
    Ok(true)
}

fn build_sub_table_from_list(t: &mut Table, list: &[Value], indent: usize, title: Option<&str>) -> Result<(), String> {
    let mut headers: Vec<String> = Vec::new();
    let mut more: Vec<String> = Vec::new();
    for item in list {
        let Value::Object(m) = item else { return Err("'list' object has no attribute 'get'".into()) };
        let (h, mo) = group_scalar_keys(m);
        for x in h {
            if !headers.contains(&x) {
                headers.push(x);
            }
        }
        for x in mo {
            if !more.contains(&x) {
                more.push(x);
            }
        }
    }
    headers.sort();
    more.sort();
    t.cur().add_header(headers.clone());
    let mut first = true;
    for element in list {
        let Value::Object(m) = element else { continue };
        if !first && !more.is_empty() {
            t.new_section(title.unwrap_or(""), indent);
            t.cur().add_header(headers.clone());
        }
        first = false;
        let row = headers.iter().map(|h| m.get(h).map(py_str).unwrap_or_default()).collect();
        t.cur().add_row(row)?;
        for k in &more {
            if let Some(v) = m.get(k) {
                build_table(t, Some(k), v, indent + 1)?;
            }
        }
    }
    Ok(())
}

fn center_text(text: &str, length: usize, left: &str, right: &str) -> String {
    let tl = tlen(text) as i64;
    let length = length as i64;
    let char_start = (length / 2 - tl / 2 - 1).max(0);
    let mut out = format!("{}{}{}", left, " ".repeat(char_start as usize), text);
    let so_far = tlen(left) as i64 + char_start + tl;
    let right_spaces = (length - tlen(right) as i64 - so_far).max(0);
    out.push_str(&" ".repeat(right_spaces as usize));
    out.push_str(right);
    out
}

fn align_left(text: &str, length: usize, left: &str, right: &str) -> String {
    let tl = tlen(text) as i64;
    let length = length as i64;
    let computed = tl + 2 + tlen(left) as i64 + tlen(right) as i64;
    let padding = if length - computed >= 0 { 2 } else { 0 };
    let so_far = left.len() as i64 + padding + tl;
    let fill = (length - so_far - right.len() as i64).max(0);
    format!("{}{}{}{}{}", left, " ".repeat(padding as usize), text, " ".repeat(fill as usize), right)
}

fn line_break(widths: &[usize]) -> String {
    let mut s = String::new();
    for (i, &w) in widths.iter().enumerate() {
        if i == 0 {
            s.push_str(&format!("+{}+", "-".repeat(w.saturating_sub(2))));
        } else {
            s.push_str(&format!("{}+", "-".repeat(w.saturating_sub(1))));
        }
    }
    s
}

fn write_indented(out: &mut String, indent: usize, line: &str) {
    out.push_str(&"|".repeat(indent));
    out.push_str(line);
    out.push_str(&"|".repeat(indent));
    out.push('\n');
}

fn render(t: &mut Table) -> String {
    let max_width = |secs: &[Section]| secs.iter().map(|s| s.total_width(4, s.indent)).max().unwrap_or(0);
    let mut mw = max_width(&t.sections);
    if mw > TERMINAL_WIDTH {
        for s in t.sections.iter_mut() {
            if s.rows.len() == 1 && !s.headers.is_empty() {
                let mut ns = Section { title: s.title.clone(), indent: s.indent, ..Default::default() };
                for (h, e) in s.headers.iter().zip(s.rows[0].iter()) {
                    let _ = ns.add_row(vec![h.clone(), e.clone()]);
                }
                *s = ns;
            }
        }
        mw = max_width(&t.sections);
    }
    let mut out = format!("{}\n", "-".repeat(mw));
    for s in &t.sections {
        let width = mw.saturating_sub(s.indent * 2);
        if !s.title.is_empty() {
            write_indented(&mut out, s.indent, &center_text(&s.title, width, "|", "|"));
            if s.headers.is_empty() && s.rows.is_empty() {
                write_indented(&mut out, s.indent, &format!("+{}+", "-".repeat(width.saturating_sub(2))));
            }
        }
        if !s.headers.is_empty() {
            let widths = s.column_widths(4, Some(width));
            let mut line = String::new();
            for (i, (w, h)) in widths.iter().zip(s.headers.iter()).enumerate() {
                line.push_str(&center_text(h, *w, if i == 0 { "|" } else { "" }, "|"));
            }
            write_indented(&mut out, s.indent, &line_break(&widths));
            write_indented(&mut out, s.indent, &line);
        }
        if !s.rows.is_empty() {
            let widths = s.column_widths(4, Some(width));
            if widths.is_empty() {
                continue;
            }
            write_indented(&mut out, s.indent, &line_break(&widths));
            for row in &s.rows {
                let mut line = String::new();
                for (i, (w, e)) in widths.iter().zip(row.iter()).enumerate() {
                    line.push_str(&align_left(e, *w, if i == 0 { "|" } else { "" }, "|"));
                }
                write_indented(&mut out, s.indent, &line);
            }
            write_indented(&mut out, s.indent, &line_break(&widths));
        }
    }
    out
}

/// The table formatter. `Err` is the text of a Python exception (general error).
pub fn table(title: &str, v: &Value) -> Result<String, String> {
    let mut t = Table { sections: Vec::new() };
    if build_table(&mut t, Some(title), v, 0)? {
        Ok(render(&mut t))
    } else {
        Ok(String::new())
    }
}

// ---------------------------------------------------------------- yaml

pub fn yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(o) if !o.is_empty() => yaml_map(o, 0, &mut out),
        Value::Array(a) if !a.is_empty() => yaml_seq(a, 0, &mut out),
        other => {
            out.push_str(&yaml_scalar(other));
            out.push('\n');
        }
    }
    out
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
        Value::String(s) => {
            let lower = s.to_lowercase();
            let needs = s.is_empty()
                || s.parse::<f64>().is_ok()
                || matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n")
                || s.starts_with(|c: char| " -?:,[]{}#&*!|>'\"%@`".contains(c))
                || s.ends_with(' ')
                || s.contains(": ")
                || s.contains(" #")
                || s.chars().any(|c| c.is_control());
            if !needs {
                s.clone()
            } else if s.chars().any(|c| c.is_control()) {
                serde_json::to_string(s).unwrap_or_default()
            } else {
                format!("'{}'", s.replace('\'', "''"))
            }
        }
    }
}

fn yaml_map(o: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    let mut first = true;
    for (k, v) in o {
        if !first || indent > 0 {
            out.push_str(&" ".repeat(indent));
        }
        let _ = first;
        first = false;
        out.push_str(&yaml_scalar(&Value::String(k.clone())));
        out.push(':');
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                yaml_map(m, indent + 2, out);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                yaml_seq(a, indent, out);
            }
            other => {
                out.push(' ');
                out.push_str(&yaml_scalar(other));
                out.push('\n');
            }
        }
    }
}

fn yaml_seq(a: &[Value], indent: usize, out: &mut String) {
    for v in a {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => {
                let mut inner = String::new();
                yaml_map(m, indent + 2, &mut inner);
                // The first key goes on the dash line.
                out.push_str(inner.trim_start_matches(' '));
            }
            Value::Array(x) if !x.is_empty() => {
                out.push('\n');
                yaml_seq(x, indent + 2, out);
            }
            other => {
                out.push_str(&yaml_scalar(other));
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({"Reservations": [{"Groups": [], "Instances": [{
            "AmiLaunchIndex": 0, "ImageId": "ami-0abc", "InstanceId": "i-1234567890abcdef0",
            "InstanceType": "t2.micro", "State": {"Code": 16, "Name": "running"},
            "Tags": [{"Key": "Name", "Value": "web"}], "EbsOptimized": false
        }], "OwnerId": "123456789012", "ReservationId": "r-1"}]})
    }

    #[test]
    fn json_is_python_indent_4() {
        let v = json!({"a": [1, 2.5, "é"], "b": {}, "c": [], "d": null, "e": 1.0});
        assert_eq!(json(&v), "{\n    \"a\": [\n        1,\n        2.5,\n        \"é\"\n    ],\n    \"b\": {},\n    \"c\": [],\n    \"d\": null,\n    \"e\": 1.0\n}");
    }

    #[test]
    fn text_describe_instances() {
        let expected = "RESERVATIONS\t123456789012\tr-1\n\
INSTANCES\t0\tFalse\tami-0abc\ti-1234567890abcdef0\tt2.micro\n\
STATE\t16\trunning\n\
TAGS\tName\tweb\n";
        assert_eq!(text(&sample()), expected);
        // A flat list of ids on one line.
        assert_eq!(text(&json!(["i-1", "i-2"])), "i-1\ti-2\n");
        assert_eq!(text(&json!([["i-1", "t2"], ["i-2", "t3"]])), "i-1\tt2\ni-2\tt3\n");
        assert_eq!(text(&Value::Null), "None\n");
        assert_eq!(text(&json!({"Return": true})), "True\n");
        assert_eq!(text(&json!({"InstanceIds": ["i-1", "i-2"]})), "INSTANCEIDS\ti-1\nINSTANCEIDS\ti-2\n");
    }

    #[test]
    fn table_simple_list() {
        // Expected strings produced by awscli's own table.py/formatter.py.
        let t = table("DescribeInstances", &json!([["i-1", "t2.micro"], ["i-22", "t3.small"]])).unwrap();
        assert_eq!(t, "----------------------\n|  DescribeInstances |\n+-------+------------+\n|  i-1  |  t2.micro  |\n|  i-22 |  t3.small  |\n+-------+------------+\n");
    }

    #[test]
    fn table_nested() {
        let v = json!({"KeyPairs": [{"KeyName": "k1", "KeyPairId": "key-1"}]});
        let expected = "----------------------------\n|     DescribeKeyPairs     |\n+--------------------------+\n||        KeyPairs        ||\n|+----------+-------------+|\n||  KeyName |  KeyPairId  ||\n|+----------+-------------+|\n||  k1      |  key-1      ||\n|+----------+-------------+|\n";
        assert_eq!(table("DescribeKeyPairs", &v).unwrap(), expected);
        let r = json!({"Reservations": [{"Groups": [], "Instances": [
            {"InstanceId": "i-0aaa", "InstanceType": "t2.micro", "LaunchTime": "2024-05-01T12:00:00+00:00", "State": {"Code": 16, "Name": "running"}, "Tags": [{"Key": "Name", "Value": "web"}]},
            {"InstanceId": "i-0bbb", "InstanceType": "t3.small", "LaunchTime": "2024-05-01T12:00:00.250000+00:00", "State": {"Code": 80, "Name": "stopped"}}
        ], "OwnerId": "123456789012", "ReservationId": "r-0123"}]});
        let expected = include_str!("testdata/describe_instances_table.txt");
        assert_eq!(table("DescribeInstances", &r).unwrap(), expected);
    }

    #[test]
    fn yaml_basic() {
        let v = json!({"Reservations": [{"Groups": [], "Instances": [{"InstanceId": "i-1", "State": {"Code": 16}}]}], "Flag": "true"});
        assert_eq!(yaml(&v), "Reservations:\n- Groups: []\n  Instances:\n  - InstanceId: i-1\n    State:\n      Code: 16\nFlag: 'true'\n");
    }
}
