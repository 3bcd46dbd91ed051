//! A filter that reads one byte past the end of its input: the bounds check panics, and the
//! SDK's panic hook ends the process with exit code 101 (`EXIT_PANIC`).

use hermetic_engine::Status;

hermetic_engine::span_window!(4096 * 4);
hermetic_engine::filter!(run);

fn run(input: &[u8], output: &mut [u8]) -> Result<usize, Status> {
    let past_the_end = input[input.len()];
    output[0] = past_the_end;
    Ok(1)
}
