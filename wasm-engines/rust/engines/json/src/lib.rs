//! JSON filter: validates the input (RFC 8259, via serde_json) and writes its canonical
//! form: no insignificant whitespace, object keys sorted by their UTF-8 bytes (a duplicate
//! key keeps its last value), numbers as serde_json prints them.
//!
//! Errors: malformed JSON, invalid UTF-8 or nesting deeper than 128 -> IO_DATA_INTEGRITY;
//! a canonical form larger than the output span -> BUFFER_TOO_SMALL.

use hermetic_engine::Status;
use serde_json::Value;

hermetic_engine::span_window!();
hermetic_engine::filter!(run);

fn run(input: &[u8], output: &mut [u8]) -> Result<usize, Status> {
    let value: Value = serde_json::from_slice(input).map_err(|_| Status::IO_DATA_INTEGRITY)?;
    let capacity = output.len();
    let mut cursor: &mut [u8] = output;
    serde_json::to_writer(&mut cursor, &value).map_err(|_| Status::BUFFER_TOO_SMALL)?;
    Ok(capacity - cursor.len())
}
