//! The name a Soco process signs its job leases and refresh claims with, and how it tells that
//! the holder of a lease or claim on the same machine has died, so what the dead process held is
//! taken back at once instead of after it lapses (a worker restarted after a crash or a
//! `kill -9` picks its job up again within a poll, not minutes later).
//!
//! A name reads `w<pid>-<random>@<scope>`. The scope names the kernel boot and the pid namespace
//! (on Linux, `/proc/sys/kernel/random/boot_id` and the inode of `/proc/self/ns/pid`): processes
//! with the same scope see the same pids, so a holder for whose pid `kill(pid, 0)` answers "no
//! such process" is dead. A holder from another scope (another machine or container), this very
//! process, or a pid that is alive (perhaps reused, perhaps another user's) is never taken from:
//! its lease or claim lapses as before. Where `/proc` is not this pid namespace's, nothing is.

/// This process's name and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    name: String,
    scope: Option<String>,
}

impl Instance {
    /// A fresh name for this process.
    pub fn new() -> Self {
        let scope = scope();
        let base = format!("w{}-{:08x}", std::process::id(), rand::random::<u32>());
        let name = match &scope {
            Some(scope) => format!("{base}@{scope}"),
            None => base,
        };
        Self { name, scope }
    }

    /// The name leases and claims carry (at most 64 characters).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether `holder` names a process of this machine's pid namespace that no longer runs.
    pub fn holder_is_dead(&self, holder: &str) -> bool {
        let Some(scope) = &self.scope else { return false };
        if holder == self.name {
            return false;
        }
        let Some((head, theirs)) = holder.rsplit_once('@') else { return false };
        if theirs != scope {
            return false;
        }
        let Some(pid) = head.strip_prefix('w').and_then(|rest| rest.split('-').next()) else {
            return false;
        };
        let Ok(pid) = pid.parse::<u32>() else { return false };
        pid != std::process::id() && !process_exists(pid)
    }
}

impl Default for Instance {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a process `pid` exists in this pid namespace: `kill(pid, 0)` succeeds or is refused
/// for permission (it exists, as another user's); only "no such process" means it is gone. Unlike
/// `/proc/<pid>`, this sees processes `/proc` hides (`hidepid`, `ProtectProc`).
#[cfg(target_os = "linux")]
fn process_exists(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else { return true };
    !matches!(rustix::process::test_kill_process(pid), Err(rustix::io::Errno::SRCH))
}

#[cfg(not(target_os = "linux"))]
fn process_exists(_pid: u32) -> bool {
    true
}

/// `<boot id prefix>.<pid namespace inode>`, where both can be read (Linux) and `/proc` is this
/// pid namespace's (its `self` is this process), so pids read and checked here mean what they say.
fn scope() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt as _;
        let own_proc = std::fs::read_link("/proc/self").ok()?;
        if own_proc.to_str()? != std::process::id().to_string() {
            return None;
        }
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let boot: String = boot.trim().chars().filter(char::is_ascii_hexdigit).take(12).collect();
        let namespace = std::fs::metadata("/proc/self/ns/pid").ok()?.ino();
        (boot.len() == 12).then(|| format!("{boot}.{namespace}"))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_fits_its_columns_and_is_unique() {
        let (a, b) = (Instance::new(), Instance::new());
        assert_ne!(a.name(), b.name());
        assert!(a.name().len() <= 64, "{}", a.name());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_a_holder_of_this_scope_whose_process_is_gone_is_dead() {
        let me = Instance::new();
        let scope = me.scope.clone().expect("linux has a scope");
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let pid = child.id();
        child.wait().expect("reaped");
        assert!(me.holder_is_dead(&format!("w{pid}-00000000@{scope}")), "exited and reaped");
        assert!(!me.holder_is_dead(&format!("w{pid}-00000000@0123456789ab.1")), "another scope");
        assert!(!me.holder_is_dead(&format!("w{pid}-00000000")), "no scope");
        assert!(!me.holder_is_dead(me.name()), "this process");
        let sibling = Instance::new();
        assert!(!me.holder_is_dead(sibling.name()), "another name in this live process");
        assert!(!me.holder_is_dead(&format!("w1-00000000@{scope}")), "pid 1 runs");
        assert!(!me.holder_is_dead("worker-12-abc"), "an old-style name");
    }
}
