//! Key-value lookups through hook calls: a filter that reads a store reference and keys and
//! asks the host's `store.get` / `store.put` hooks about each.
//!
//! Input (UTF-8): the first line is the capdata JSON of a store reference the host handed the
//! process, e.g. `{"body":"#\"$0.Alleged: Store\"","slots":["d-1"]}`. Every following
//! non-empty line (a trailing `\r` is dropped) is a request:
//!
//! - `KEY`: calls `store.get` with the smallcaps array `[store, KEY]`; writes `KEY=VALUE`
//!   when the result body is a string, `KEY (missing)` when it is `undefined`.
//! - `put KEY=VALUE`: calls `store.put` with `[store, KEY, VALUE]` (split at the first `=`;
//!   without one, VALUE is empty); writes `put KEY -> ok`.
//!
//! A failed call writes `KEY -> CODE NAME` (or `put KEY -> CODE NAME`), e.g.
//! `put colour -> -25 NOT_FOUND` for a process granted only `store.get`; a result that is
//! neither a string nor undefined writes `KEY -> -12 WRONG_TYPE`. One output line per request,
//! each ending in `\n`.
//!
//! Errors: input not UTF-8 -> IO_DATA_INTEGRITY; no first line, or one that is not capdata
//! JSON with a smallcaps body -> INVALID_ARGS; output larger than its span -> BUFFER_TOO_SMALL.

use hermetic_engine::hooks::{self, HookError};
use hermetic_engine::Status;
use serde_json::Value;
use std::io::Write;

hermetic_engine::span_window!();
hermetic_engine::filter!(run);

/// The store reference from the first input line.
struct Store {
    /// The JSON text of the body after its `#`: spliced as the first array element.
    body_value: String,
    /// The slots, passed back unchanged (the engine's own references).
    slots: Vec<Value>,
}

/// What a hook answered about one request.
enum Answer {
    Value(String),
    Missing,
    Done,
    Failed(i64, &'static str),
}

fn run(input: &[u8], output: &mut [u8]) -> Result<usize, Status> {
    let text = std::str::from_utf8(input).map_err(|_| Status::IO_DATA_INTEGRITY)?;
    let mut lines = text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line));
    let store = parse_store(lines.next().ok_or(Status::INVALID_ARGS)?)?;
    let capacity = output.len();
    let mut cursor: &mut [u8] = output;
    for line in lines.filter(|line| !line.is_empty()) {
        let written = match line.strip_prefix("put ") {
            Some(request) => {
                let (key, value) = request.split_once('=').unwrap_or((request, ""));
                let answer = put(&store, key, value);
                write_answer(&mut cursor, "put ", key, answer)
            }
            None => write_answer(&mut cursor, "", line, get(&store, line)),
        };
        written.map_err(|_| Status::BUFFER_TOO_SMALL)?;
    }
    Ok(capacity - cursor.len())
}

fn write_answer(out: &mut &mut [u8], prefix: &str, key: &str, answer: Answer) -> std::io::Result<()> {
    match answer {
        Answer::Value(value) => writeln!(out, "{prefix}{key}={value}"),
        Answer::Missing => writeln!(out, "{prefix}{key} (missing)"),
        Answer::Done => writeln!(out, "{prefix}{key} -> ok"),
        Answer::Failed(code, name) => writeln!(out, "{prefix}{key} -> {code} {name}"),
    }
}

fn parse_store(line: &str) -> Result<Store, Status> {
    let capdata: Value = serde_json::from_str(line).map_err(|_| Status::INVALID_ARGS)?;
    let body = capdata.get("body").and_then(Value::as_str).ok_or(Status::INVALID_ARGS)?;
    let slots = capdata.get("slots").and_then(Value::as_array).ok_or(Status::INVALID_ARGS)?;
    let body_value = body.strip_prefix('#').ok_or(Status::INVALID_ARGS)?;
    serde_json::from_str::<Value>(body_value).map_err(|_| Status::INVALID_ARGS)?;
    if !slots.iter().all(Value::is_string) {
        return Err(Status::INVALID_ARGS);
    }
    Ok(Store { body_value: body_value.to_owned(), slots: slots.clone() })
}

fn get(store: &Store, key: &str) -> Answer {
    match hooks::call("store.get", &arguments(store, &[key])) {
        Ok(result) => match result_string(&result) {
            Ok(Some(value)) => Answer::Value(value),
            Ok(None) => Answer::Missing,
            Err(status) => Answer::Failed(status.raw().into(), "WRONG_TYPE"),
        },
        Err(error) => failed(error),
    }
}

fn put(store: &Store, key: &str, value: &str) -> Answer {
    match hooks::call("store.put", &arguments(store, &[key, value])) {
        Ok(_) => Answer::Done,
        Err(error) => failed(error),
    }
}

fn failed(error: HookError) -> Answer {
    Answer::Failed(error.code(), error.name())
}

/// Capdata `{"body":"#[STORE,\"s1\",...]","slots":[...]}` with each string smallcaps-escaped.
fn arguments(store: &Store, strings: &[&str]) -> Vec<u8> {
    let mut body = String::with_capacity(64);
    body.push_str("#[");
    body.push_str(&store.body_value);
    for s in strings {
        body.push(',');
        body.push_str(&Value::String(smallcaps_string(s)).to_string());
    }
    body.push(']');
    let mut capdata = Vec::with_capacity(body.len() + 32);
    capdata.extend_from_slice(b"{\"body\":");
    capdata.extend_from_slice(Value::String(body).to_string().as_bytes());
    capdata.extend_from_slice(b",\"slots\":");
    capdata.extend_from_slice(Value::Array(store.slots.clone()).to_string().as_bytes());
    capdata.push(b'}');
    capdata
}

/// Smallcaps reserves strings starting with one of `!"#$%&'()*+,-` for encodings of other
/// values; a plain string starting with one is escaped with a leading `!`.
fn smallcaps_string(s: &str) -> String {
    match s.as_bytes().first() {
        Some(b'!'..=b'-') => format!("!{s}"),
        _ => s.to_owned(),
    }
}

/// The string a result capdata's body holds: `Some` for a string, `None` for `#undefined`,
/// WRONG_TYPE for anything else.
fn result_string(result: &[u8]) -> Result<Option<String>, Status> {
    let capdata: Value = serde_json::from_slice(result).map_err(|_| Status::WRONG_TYPE)?;
    let body = capdata.get("body").and_then(Value::as_str).ok_or(Status::WRONG_TYPE)?;
    let encoded = body.strip_prefix('#').ok_or(Status::WRONG_TYPE)?;
    match serde_json::from_str::<Value>(encoded).map_err(|_| Status::WRONG_TYPE)? {
        Value::String(s) if s == "#undefined" => Ok(None),
        Value::String(s) => match s.as_bytes().first() {
            Some(b'!') => Ok(Some(s[1..].to_owned())),
            Some(b'"'..=b'-') => Err(Status::WRONG_TYPE),
            _ => Ok(Some(s)),
        },
        _ => Err(Status::WRONG_TYPE),
    }
}
