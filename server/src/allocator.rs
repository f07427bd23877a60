//! How the process's allocator returns memory. glibc's malloc serves blocks above its mmap
//! threshold with `mmap` and unmaps them on free, but it raises that threshold to the size of each
//! such block freed (up to 32 MiB). After the first password hash (argon2id with 19 MiB) every
//! later one is carved from a thread's heap arena instead, and arenas keep what they held: 200
//! failed logins left the server at 483 MB resident, for good. A fixed threshold keeps large
//! blocks mapped: after the same 200 logins it holds 46 MB (peak 84 MB, two hashes at a time).

/// Blocks from this size on are mapped for themselves and given back to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 1 << 20;

/// Fixes glibc's mmap threshold (see the module doc); nothing on other allocators, nor when the
/// operator tuned it already (`MALLOC_MMAP_THRESHOLD_` or `GLIBC_TUNABLES`). Call it first in
/// `main`, before any thread starts. Returns whether the allocator took this setting.
pub fn keep_large_blocks_mapped() -> bool {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_some() || std::env::var_os("GLIBC_TUNABLES").is_some() {
        return false;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallopt` only changes a tuning parameter of the allocator; it is called
        // before the runtime starts its threads.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
