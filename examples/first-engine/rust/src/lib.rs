//! A first engine in Rust: upper-cases its UTF-8 input (Unicode-aware, so the output may be
//! longer than the input) and writes it to its output. The SDK's macros export the span
//! window and `engine_start` under the filter convention; a panic ends the process with
//! exit code 101, never the host.

use hermetic_engine::Status;

hermetic_engine::span_window!();
hermetic_engine::filter!(run);

fn run(input: &[u8], output: &mut [u8]) -> Result<usize, Status> {
    let text = std::str::from_utf8(input).map_err(|_| Status::IO_DATA_INTEGRITY)?;
    let upper = text.to_uppercase();
    let bytes = upper.as_bytes();
    if bytes.len() > output.len() {
        return Err(Status::BUFFER_TOO_SMALL);
    }
    output[..bytes.len()].copy_from_slice(bytes);
    Ok(bytes.len())
}
