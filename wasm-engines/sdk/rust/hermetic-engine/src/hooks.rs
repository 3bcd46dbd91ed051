//! Named hook calls (`vdso.hook_call` / `vdso.hook_result`, ABI.md "Hook calls"). The imports
//! appear in an engine only when it calls [`call`]; such an engine loads only on a host with
//! hooks.

use crate::Status;

mod vdso {
    #[link(wasm_import_module = "vdso")]
    extern "C" {
        pub fn hook_call(
            name_ptr: i32,
            name_len: i32,
            capdata_ptr: i32,
            capdata_len: i32,
            result_ptr: i32,
            result_cap: i32,
        ) -> i64;
        pub fn hook_result(result_ptr: i32, result_cap: i32) -> i64;
    }
}

/// Result capacity tried first; a larger result is fetched with `hook_result`.
const FIRST_RESULT_CAPACITY: usize = 4096;

/// Calls hook `name` once with `capdata` (UTF-8 JSON `{"body":"#...","slots":[...]}`) and
/// returns the result capdata. A result larger than the first buffer stays pending in the
/// host and is fetched with `hook_result`, so the hook never runs twice.
pub fn call(name: &str, capdata: &[u8]) -> Result<Vec<u8>, Status> {
    let mut out = vec![0u8; FIRST_RESULT_CAPACITY];
    // SAFETY: every pointer/length pair names a live slice; the host checks bounds anyway.
    let r = unsafe {
        vdso::hook_call(
            name.as_ptr() as i32,
            name.len() as i32,
            capdata.as_ptr() as i32,
            capdata.len() as i32,
            out.as_mut_ptr() as i32,
            out.len() as i32,
        )
    };
    let len = status_or_len(r)?;
    if len > out.len() {
        out.resize(len, 0);
        // SAFETY: as above; `out` now holds `len` bytes.
        let r = unsafe { vdso::hook_result(out.as_mut_ptr() as i32, out.len() as i32) };
        if status_or_len(r)? != len {
            return Err(Status::INTERNAL);
        }
    }
    out.truncate(len);
    Ok(out)
}

fn status_or_len(r: i64) -> Result<usize, Status> {
    if r < 0 {
        Err(Status(r as i32))
    } else {
        Ok(r as usize)
    }
}
