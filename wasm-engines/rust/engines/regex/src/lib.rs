//! Regex filter. Input: a UTF-8 pattern (Rust `regex` syntax), a NUL byte, then the text
//! (any bytes). Output: every leftmost-first, non-overlapping match as a pair of
//! little-endian u32 byte offsets (start, end) into the text.
//!
//! Errors: no NUL or a pattern that is not UTF-8 or does not compile (also one over the
//! regex crate's default size limit) -> INVALID_ARGS; too many matches for the output span
//! -> BUFFER_TOO_SMALL.

use hermetic_engine::Status;
use regex::bytes::Regex;

hermetic_engine::span_window!();
hermetic_engine::filter!(run);

fn run(input: &[u8], output: &mut [u8]) -> Result<usize, Status> {
    let nul = input.iter().position(|&b| b == 0).ok_or(Status::INVALID_ARGS)?;
    let pattern = std::str::from_utf8(&input[..nul]).map_err(|_| Status::INVALID_ARGS)?;
    let text = &input[nul + 1..];
    let regex = Regex::new(pattern).map_err(|_| Status::INVALID_ARGS)?;
    let mut written = 0;
    for found in regex.find_iter(text) {
        let slot = output
            .get_mut(written..written + 8)
            .ok_or(Status::BUFFER_TOO_SMALL)?;
        slot[..4].copy_from_slice(&(found.start() as u32).to_le_bytes());
        slot[4..].copy_from_slice(&(found.end() as u32).to_le_bytes());
        written += 8;
    }
    Ok(written)
}
