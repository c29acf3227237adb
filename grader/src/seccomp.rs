//! A seccomp filter for sandboxed jobs: system calls that grading never
//! needs and that widen the kernel's attack surface fail with EPERM
//! (tracing other processes, mounting, loading kernel code, keyrings, BPF,
//! perf, io_uring, namespaces, changing the clock). Applied by bubblewrap
//! (`--seccomp FD`) to the job after its own set-up. x86_64 only; other
//! architectures run without it (`grader doctor` says so).

/// The x86_64 system call numbers denied, with their names (for docs/tests).
pub const DENIED: &[(u32, &str)] = &[
    (101, "ptrace"),
    (103, "syslog"),
    (135, "personality"),
    (153, "vhangup"),
    (155, "pivot_root"),
    (159, "adjtimex"),
    (163, "acct"),
    (164, "settimeofday"),
    (165, "mount"),
    (166, "umount2"),
    (167, "swapon"),
    (168, "swapoff"),
    (169, "reboot"),
    (172, "iopl"),
    (173, "ioperm"),
    (175, "init_module"),
    (176, "delete_module"),
    (179, "quotactl"),
    (212, "lookup_dcookie"),
    (227, "clock_settime"),
    (246, "kexec_load"),
    (248, "add_key"),
    (249, "request_key"),
    (250, "keyctl"),
    (272, "unshare"),
    (298, "perf_event_open"),
    (303, "name_to_handle_at"),
    (304, "open_by_handle_at"),
    (305, "clock_adjtime"),
    (308, "setns"),
    (310, "process_vm_readv"),
    (311, "process_vm_writev"),
    (313, "finit_module"),
    (320, "kexec_file_load"),
    (321, "bpf"),
    (323, "userfaultfd"),
    (425, "io_uring_setup"),
    (426, "io_uring_enter"),
    (427, "io_uring_register"),
    (428, "open_tree"),
    (429, "move_mount"),
    (430, "fsopen"),
    (431, "fsconfig"),
    (432, "fsmount"),
    (433, "fspick"),
];

const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
const X32_SYSCALL_BIT: u32 = 0x4000_0000;
const SECCOMP_RET_KILL_PROCESS: u32 = 0x8000_0000;
const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
const EPERM: u32 = 1;

// Classic BPF opcodes.
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JMP_JEQ_K: u16 = 0x15;
const BPF_JMP_JGE_K: u16 = 0x35;
const BPF_RET_K: u16 = 0x06;

/// Offsets into `struct seccomp_data`.
const OFFSET_NR: u32 = 0;
const OFFSET_ARCH: u32 = 4;

fn instruction(code: u16, jt: u8, jf: u8, k: u32) -> [u8; 8] {
    let mut bytes = [0u8; 8];
    bytes[0..2].copy_from_slice(&code.to_ne_bytes());
    bytes[2] = jt;
    bytes[3] = jf;
    bytes[4..8].copy_from_slice(&k.to_ne_bytes());
    bytes
}

/// The filter as raw `struct sock_filter` bytes, or `None` where this
/// architecture has no filter.
pub fn program() -> Option<Vec<u8>> {
    if !cfg!(target_arch = "x86_64") {
        return None;
    }
    let denied = DENIED.len();
    // Layout: [0] load arch, [1] arch ok?, [2] kill, [3] load nr,
    // [4] x32?, [5..5+n) denied checks, [5+n] allow, [6+n] errno.
    let errno_at = 6 + denied;
    let mut code = vec![
        instruction(BPF_LD_W_ABS, 0, 0, OFFSET_ARCH),
        instruction(BPF_JMP_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
        instruction(BPF_LD_W_ABS, 0, 0, OFFSET_NR),
    ];
    // x32 system calls alias the same numbers with a high bit: deny all.
    code.push(instruction(
        BPF_JMP_JGE_K,
        (errno_at - 5) as u8,
        0,
        X32_SYSCALL_BIT,
    ));
    for (i, (nr, _)) in DENIED.iter().enumerate() {
        let here = 5 + i;
        code.push(instruction(
            BPF_JMP_JEQ_K,
            (errno_at - here - 1) as u8,
            0,
            *nr,
        ));
    }
    code.push(instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW));
    code.push(instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM));
    Some(code.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_jump_lands_on_the_errno_return() {
        let Some(bytes) = program() else { return };
        let code: Vec<&[u8]> = bytes.chunks(8).collect();
        let errno_at = code.len() - 1;
        for (i, ins) in code.iter().enumerate().skip(4) {
            let op = u16::from_ne_bytes([ins[0], ins[1]]);
            if op == BPF_JMP_JEQ_K || op == BPF_JMP_JGE_K {
                assert_eq!(i + 1 + usize::from(ins[2]), errno_at, "instruction {i}");
            }
        }
        assert!(code.len() < 255, "jump offsets fit in a byte");
    }

    #[test]
    fn the_denied_list_has_no_duplicates() {
        let mut numbers: Vec<u32> = DENIED.iter().map(|(nr, _)| *nr).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), DENIED.len());
    }
}
