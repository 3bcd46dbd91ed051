//! Deflate filter (zlib format, RFC 1950/1951, via miniz_oxide). The first input byte
//! chooses the mode: `c` compresses the rest at level 6, `d` inflates the rest.
//!
//! Errors: empty input or another mode byte -> INVALID_ARGS; a corrupt or truncated zlib
//! stream -> IO_DATA_INTEGRITY; a result larger than the output span -> BUFFER_TOO_SMALL
//! (inflating never produces more than the output span holds, whatever the input claims).

use hermetic_engine::Status;
use miniz_oxide::deflate::compress_to_vec_zlib;
use miniz_oxide::inflate::{decompress_to_vec_zlib_with_limit, TINFLStatus};

hermetic_engine::span_window!();
hermetic_engine::filter!(run);

/// miniz_oxide compression level (0..=10); 6 matches zlib's default.
const LEVEL: u8 = 6;

fn run(input: &[u8], output: &mut [u8]) -> Result<usize, Status> {
    let (&mode, data) = input.split_first().ok_or(Status::INVALID_ARGS)?;
    let result = match mode {
        b'c' => compress_to_vec_zlib(data, LEVEL),
        b'd' => decompress_to_vec_zlib_with_limit(data, output.len()).map_err(|e| match e.status {
            TINFLStatus::HasMoreOutput => Status::BUFFER_TOO_SMALL,
            _ => Status::IO_DATA_INTEGRITY,
        })?,
        _ => return Err(Status::INVALID_ARGS),
    };
    let slot = output.get_mut(..result.len()).ok_or(Status::BUFFER_TOO_SMALL)?;
    slot.copy_from_slice(&result);
    Ok(result.len())
}
